"""The seed notebook's two experiments: one click trains every setting and tabulates them.

Each :class:`Experiment` trains the same network on the same data and split, varying one
setting -- the initialisation (does the starting scale of the weights decide whether the
network learns at all?) or the regularisation (do L2 and dropout close the gap between
training and validation accuracy?) -- and :func:`run_experiment` returns one table row per
setting, with the train-validation gap.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pandas as pd

from core.optimizers import OptimizerSpec
from yieldmodel import seed_data
from yieldmodel.architecture import Architecture, init_label
from yieldmodel.training import train_pipeline


@dataclass(frozen=True)
class Experiment:
    """A one-click comparison: the same data and network, one setting varied.

    Attributes
    ----------
    title : str
    question : str
        What the table answers.
    variants : dict
        Row label -> Architecture fields that differ from ``base``.
    base : Architecture
    lesson : str
        What the results show, for the page to print next to them.
    data : callable
        ``data() -> DataFrame`` with the semiconductor columns and ``fail``.
    """

    title: str
    question: str
    variants: dict
    base: Architecture
    lesson: str
    data: Callable[[], pd.DataFrame] = field(repr=False)


EXPERIMENTS: dict[str, Experiment] = {
    "initialisation": Experiment(
        title="Initialisation",
        question="Does the starting scale of the weights decide whether the network learns "
        "at all? (Plain SGD, lr 0.01: Adam rescales gradients and would hide the effect.)",
        variants={
            init_label("random"): {"init": "random", "init_scale": 0.01},
            init_label("xavier"): {"init": "xavier"},
            init_label("he"): {"init": "he"},
        },
        base=Architecture(optimizer=OptimizerSpec("sgd", 0.01), epochs=20),
        lesson="With N(0, 0.01²) weights each layer shrinks the signal about twenty-fold, "
        "so the gradient reaching the first layer is tiny and plain SGD hardly moves: the "
        "network stays at chance (50 %). Xavier and He scale the weights by the fan-in so the "
        "signal keeps its size through the layers; He's extra factor 2 makes up for ReLU "
        "zeroing half of it.",
        data=lambda: seed_data.semiconductor(5000, rng=42),
    ),
    "regularisation": Experiment(
        title="Regularisation",
        question="On a small, noisy dataset a wide network memorises; do L2 and dropout "
        "close the gap between training and validation accuracy?",
        variants={
            "None": {},
            "L2 (λ = 0.01)": {"l2": 0.01},
            "Dropout 0.5": {"dropout": 0.5},
            "L2 + dropout": {"l2": 0.01, "dropout": 0.5},
        },
        base=Architecture(hidden=(128, 64), epochs=30),
        lesson="Without regularisation the wide network fits the noisy training labels, and "
        "validation accuracy lags behind: that gap is memorisation. L2 pulls the weights "
        "towards zero and dropout trains many thinned networks at once; both give up a little "
        "training accuracy for a smaller gap and a better validation score.",
        data=lambda: seed_data.semiconductor_overfit(2000, rng=42),
    ),
}

EXPERIMENT_COLUMNS = (
    "setting",
    "train accuracy",
    "validation accuracy",
    "gap",
    "validation accuracy after epoch 1",
    "validation ROC-AUC",
    "final training loss",
    "final validation loss",
)


def run_experiment(
    name: str,
    df: pd.DataFrame | None = None,
    epochs: int | None = None,
    rng=0,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Train every variant of experiment ``name`` and tabulate the results.

    Parameters
    ----------
    name : {"initialisation", "regularisation"}
    df : DataFrame, optional
        Labelled semiconductor table (label ``fail``); the experiment's own data by default.
    epochs : int, optional
        Override the experiment's number of epochs.
    rng : int
        The same seed for every variant, so only the varied setting differs.
    progress : callable, optional
        ``progress(done, total)`` after each variant.

    Returns
    -------
    pandas.DataFrame
        One row per variant, columns :data:`EXPERIMENT_COLUMNS`; ``gap`` is training minus
        validation accuracy (at threshold 0.5).
    """
    if name not in EXPERIMENTS:
        raise ValueError(f"unknown experiment {name!r}; choose one of: {', '.join(EXPERIMENTS)}")
    experiment = EXPERIMENTS[name]
    data = experiment.data() if df is None else df
    base = experiment.base if epochs is None else replace(experiment.base, epochs=int(epochs))
    rows = []
    for done, (label, changes) in enumerate(experiment.variants.items(), start=1):
        run = train_pipeline(data, seed_data.SEMICONDUCTOR_LABEL, replace(base, **changes), rng=rng)
        history = run.history
        rows.append(
            {
                "setting": label,
                "train accuracy": run.train_accuracy,
                "validation accuracy": run.val_accuracy,
                "gap": run.train_accuracy - run.val_accuracy,
                "validation accuracy after epoch 1": (history["val_accuracy"] or [math.nan])[0],
                "validation ROC-AUC": run.chance.roc_auc,
                "final training loss": (history["loss"] or [math.nan])[-1],
                "final validation loss": (history["val_loss"] or [math.nan])[-1],
            }
        )
        if progress is not None:
            progress(done, len(experiment.variants))
    return pd.DataFrame(rows, columns=list(EXPERIMENT_COLUMNS))
