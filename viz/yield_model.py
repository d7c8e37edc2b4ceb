"""Figures of the yield model itself: its weights, its training curves, and the seed's
experiments comparing settings.

Pure functions of ``core`` results (weights, ``core.training`` histories) and
``yieldmodel.experiments`` tables, returning plain figure dicts (:mod:`viz.yield_style`).
"""

from __future__ import annotations

import numpy as np

from viz import training
from viz.yield_style import figure, grid, layout


def layer_names(sizes) -> list[str]:
    """'W0: 20→64', 'W1: 64→32', ... for a network with layer widths ``sizes``."""
    return [f"W{i}: {a}→{b}" for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]))]


def weight_histograms_figure(weights, n_bins: int = 40, height: int = 260) -> dict:
    """One histogram per weight matrix, side by side.

    Parameters
    ----------
    weights : list of arrays of shape (fan_in, fan_out)
        ``MLP.weights``.
    """
    weights = [np.asarray(W, dtype=np.float64) for W in weights]
    names = layer_names([weights[0].shape[0], *[W.shape[1] for W in weights]])
    panels = grid(names, len(weights), 0.2 / len(weights), 0.0, title_size=12)
    data = []
    for layer, W in enumerate(weights):
        counts, edges = np.histogram(W.ravel(), bins=n_bins)
        data.append(
            {
                "type": "bar",
                "x": (edges[:-1] + edges[1:]) / 2,
                "y": counts,
                "width": edges[1] - edges[0],
                "marker": {"color": training.LAYER_COLOURS[layer % len(training.LAYER_COLOURS)]},
                "name": names[layer],
                "hovertemplate": "w ≈ %{x:.3f}: %{y} weights<extra></extra>",
                **panels["refs"][layer],
            }
        )
    axes = {
        key: {**axis, "title": {"text": "weight"}} if key.startswith("xaxis") else axis
        for key, axis in panels["axes"].items()
    }
    spec = layout(
        height,
        axes=(),
        showlegend=False,
        bargap=0.0,
        annotations=panels["annotations"],
        **axes,
    )
    return figure(data, spec)


def _no_epoch_figure(height: int) -> dict:
    """An empty chart saying why it is empty (training stopped inside the first epoch)."""
    note = {
        "text": "No epoch was completed.",
        "showarrow": False,
        "x": 0.5,
        "y": 0.5,
        "xref": "paper",
        "yref": "paper",
    }
    return figure(
        [],
        layout(
            height,
            annotations=[note],
            xaxis={"visible": False},
            yaxis={"visible": False},
        ),
    )


def loss_figure(history: dict, diverged_at: dict | None = None, height: int = 280) -> dict:
    """Training and validation loss per epoch (``viz.training.loss_figure``, renamed)."""
    if not history["epoch"]:
        return _no_epoch_figure(height)
    spec = training.loss_figure(history, diverged_at, height=height)
    for trace in spec["data"]:
        if trace.get("name") == "test loss":
            trace["name"] = "validation loss"
    return spec


def gradient_norms_figure(history: dict, sizes, height: int = 280) -> dict:
    """Norm of each layer's weight gradient per epoch (log scale), named by layer shape."""
    if not history["epoch"]:
        return _no_epoch_figure(height)
    spec = training.gradient_norm_figure(
        history["epoch"], history["grad_norms"], layer_names(sizes), height=height
    )
    spec["layout"]["yaxis"]["dtick"] = "D2"  # label 1, 2, 5 per decade, not every digit
    return spec


def model_figures(run) -> dict[str, dict]:
    """The 'inside the model' figures of a ``yieldmodel.training.TrainingRun``, by name:
    ``loss``, ``weights`` and ``gradients``."""
    model = run.pipeline.model
    return {
        "loss": loss_figure(run.history, run.diverged_at),
        "weights": weight_histograms_figure(model.weights),
        "gradients": gradient_norms_figure(run.history, model.sizes),
    }


def experiment_figure(table, height: int = 300) -> dict:
    """Training and validation accuracy of each setting, side by side, gap written above.

    Parameters
    ----------
    table : DataFrame
        From ``yieldmodel.experiments.run_experiment``.
    """
    settings = table["setting"].tolist()
    data = [
        {
            "type": "bar",
            "x": settings,
            "y": table["train accuracy"].to_numpy(),
            "name": "training",
            "marker": {"color": training.LOSS_COLOURS["train"]},
            "hovertemplate": "%{x}: %{y:.1%}<extra>training</extra>",
        },
        {
            "type": "bar",
            "x": settings,
            "y": table["validation accuracy"].to_numpy(),
            "name": "validation",
            "marker": {"color": training.LOSS_COLOURS["test"]},
            "text": [f"gap {gap:+.1%}" for gap in table["gap"]],
            "textposition": "outside",
            "hovertemplate": "%{x}: %{y:.1%}<extra>validation</extra>",
        },
    ]
    spec = layout(
        height,
        barmode="group",
        yaxis={"title": {"text": "accuracy"}, "range": [0, 1.1], "tickformat": ".0%"},
    )
    return figure(data, spec)
