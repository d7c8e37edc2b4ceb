"""Figures for the Perceptron page: the animated decision boundary, training curves, XOR fixes.

Every function is pure: it takes arrays or ``core`` results and returns a
``plotly.graph_objects.Figure``. The decision line of weights ``w`` and bias ``b`` is the set
``w1 x1 + w2 x2 + b = 0``; the shaded side is where the perceptron predicts 1 (``z >= 0``).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lessons.datasets import features
from lessons.perceptron import PerceptronHistory, step
from viz.animation import play_pause_menu

CLASS_COLOURS = ("#3566C8", "#E07B28")
"""Marker colour of class 0 and class 1."""
CLASS_SYMBOLS = ("circle", "square")
REGION_COLOURS = ("rgba(53, 102, 200, 0.10)", "rgba(224, 123, 40, 0.22)")
"""Fill of the half-planes predicted 0 and 1."""
MISTAKE_COLOUR = "#C62828"
PARAMETER_COLOURS = {"w1": "#3566C8", "w2": "#2E9E5B", "w3": "#8E44AD", "b": "#E07B28"}
MAX_FRAMES = 200
"""Largest number of animation frames; longer runs are subsampled evenly."""
PADDING = 0.5
GRID_POINTS = 121


# ---------------------------------------------------------------------------------------------
# Geometry of a decision line inside the plotted box
# ---------------------------------------------------------------------------------------------


def plot_box(X, padding: float = PADDING) -> tuple[tuple[float, float], tuple[float, float]]:
    """Axis ranges ``((x_min, x_max), (y_min, y_max))`` around points ``X`` of shape (n, 2)."""
    X = np.asarray(X, dtype=np.float64)
    low, high = X.min(axis=0) - padding, X.max(axis=0) + padding
    return (float(low[0]), float(high[0])), (float(low[1]), float(high[1]))


def _clip(weights, bias: float, box) -> tuple[np.ndarray, np.ndarray]:
    """Clip the box to the half-plane ``w . x + b >= 0`` (one Sutherland-Hodgman pass).

    Returns the polygon's vertices, shape (k, 2), and the points where the line crosses
    the box's edges, shape (m, 2).
    """
    (x_min, x_max), (y_min, y_max) = box
    corners = np.array([[x_min, y_min], [x_max, y_min], [x_max, y_max], [x_min, y_max]])
    values = corners @ np.asarray(weights, dtype=np.float64) + bias
    polygon, crossings = [], []
    for index in range(4):
        p, q = corners[index], corners[(index + 1) % 4]
        vp, vq = values[index], values[(index + 1) % 4]
        if vp >= 0:
            polygon.append(p)
        if (vp >= 0) != (vq >= 0):
            point = p + vp / (vp - vq) * (q - p)
            polygon.append(point)
            crossings.append(point)
    return np.reshape(polygon, (-1, 2)), np.reshape(crossings, (-1, 2))


def halfplane_polygon(weights, bias: float, box) -> np.ndarray:
    """Vertices of ``{x in box : w . x + b >= 0}``, the region predicted 1.

    Parameters
    ----------
    weights : array_like of shape (2,)
    bias : float
    box : ((x_min, x_max), (y_min, y_max))

    Returns
    -------
    ndarray of shape (k, 2)
        Polygon vertices in order (k = 0 when the whole box is predicted 0).
    """
    return _clip(weights, bias, box)[0]


def boundary_segment(weights, bias: float, box) -> np.ndarray:
    """End points of the line ``w . x + b = 0`` inside the box, shape (2, 2) or (0, 2)."""
    crossings = _clip(weights, bias, box)[1]
    return crossings if len(crossings) == 2 else np.empty((0, 2))


def _closed(polygon: np.ndarray) -> tuple[list, list]:
    if len(polygon) == 0:
        return [], []
    ring = np.vstack([polygon, polygon[:1]])
    return ring[:, 0].tolist(), ring[:, 1].tolist()


# ---------------------------------------------------------------------------------------------
# Animated decision boundary
# ---------------------------------------------------------------------------------------------


def frame_steps(n_steps: int, current_step: int, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """Which presentations get an animation frame: all of 0..n_steps, or an even subsample.

    The start, the end and ``current_step`` are always included.

    Returns
    -------
    ndarray of int, sorted, unique
    """
    if n_steps + 1 <= max_frames:
        return np.arange(n_steps + 1)
    picks = np.rint(np.linspace(0, n_steps, max_frames - 1)).astype(int)
    return np.unique(np.concatenate([picks, [current_step]]))


def _point_traces(X, y, names) -> list[go.Scatter]:
    traces = []
    for label in (0, 1):
        mask = y == label
        traces.append(
            go.Scatter(
                x=X[mask, 0],
                y=X[mask, 1],
                mode="markers",
                name=f"label {label}",
                marker={
                    "size": 13,
                    "color": CLASS_COLOURS[label],
                    "symbol": CLASS_SYMBOLS[label],
                    "line": {"width": 1, "color": "white"},
                },
                hovertemplate=f"{names[0]}=%{{x}}<br>{names[1]}=%{{y}}<br>label {label}"
                "<extra></extra>",
            )
        )
    return traces


# Style of the four traces that change from frame to frame. Frames carry only coordinates
# (Plotly merges them into these traces), which keeps long animations cheap to build.
_STATE_STYLES = (
    {
        "mode": "lines",
        "fill": "toself",
        "fillcolor": REGION_COLOURS[1],
        "line": {"width": 0},
        "name": "predicted 1",
        "hoverinfo": "skip",
    },
    {
        "mode": "lines",
        "line": {"color": "#1E2233", "width": 3},
        "name": "decision line",
        "hoverinfo": "skip",
    },
    {
        "mode": "markers",
        "marker": {
            "size": 24,
            "symbol": "circle-open",
            "color": MISTAKE_COLOUR,
            "line": {"width": 3},
        },
        "name": "misclassified",
        "hoverinfo": "skip",
    },
    {
        "mode": "markers",
        "marker": {
            "size": 34,
            "symbol": "circle-open-dot",
            "color": "#1E2233",
            "line": {"width": 2},
        },
        "name": "sample just shown",
        "hoverinfo": "skip",
    },
)


def _state_coordinates(X, y, weights, bias, box, sample: int | None) -> list[dict]:
    """``{"x": [...], "y": [...]}`` for the region, the line, the mistakes and the sample."""
    region_x, region_y = _closed(halfplane_polygon(weights, bias, box))
    line = boundary_segment(weights, bias, box)
    wrong = step(X @ weights + bias) != y
    highlight = X[[sample]] if sample is not None else np.empty((0, 2))
    return [
        {"x": region_x, "y": region_y},
        {"x": line[:, 0].tolist(), "y": line[:, 1].tolist()},
        {"x": X[wrong, 0].tolist(), "y": X[wrong, 1].tolist()},
        {"x": highlight[:, 0].tolist(), "y": highlight[:, 1].tolist()},
    ]


def _frame_title(history: PerceptronHistory, k: int, errors: int) -> str:
    w, b = history.weights[k], history.bias[k]
    weights = ", ".join(f"{value:.3g}" for value in w)
    state = f"<sup>w = ({weights}), b = {b:.3g} · {errors} misclassified</sup>"
    if k == 0:
        return f"Start<br>{state}"
    epoch, sample = history.epoch[k - 1], history.sample_index[k - 1]
    return f"Update {k} · epoch {epoch}, sample {sample}<br>{state}"


def boundary_animation(
    X,
    y,
    history: PerceptronHistory,
    current_step: int = 0,
    max_frames: int = MAX_FRAMES,
    feature_names: tuple[str, str] = ("x1", "x2"),
) -> go.Figure:
    """Decision line after every presentation, as Plotly frames with a slider and Play.

    Parameters
    ----------
    X : array_like of shape (n_samples, 2)
    y : array_like of shape (n_samples,), labels 0/1
    history : PerceptronHistory
        From ``Perceptron(2, ...).fit(X, y)``; frame ``k`` shows ``history.weights[k]``.
    current_step : int
        Presentations done so far; the figure opens on that frame.
    max_frames : int
        Frame budget (see :func:`frame_steps`).
    feature_names : (str, str)
        Axis titles.

    Returns
    -------
    go.Figure
        Traces: [label 0 points, label 1 points, predicted-1 region, decision line,
        misclassified rings, sample just shown]; one frame per entry of :func:`frame_steps`,
        named by its step number.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    n_steps = len(history.weights) - 1
    current_step = int(np.clip(current_step, 0, n_steps))
    box = plot_box(X)
    steps = frame_steps(n_steps, current_step, max_frames)

    def state(k):
        sample = None if k == 0 else int(history.sample_index[k - 1])
        return _state_coordinates(X, y, history.weights[k], float(history.bias[k]), box, sample)

    def errors_at(k):
        return int(np.count_nonzero(step(X @ history.weights[k] + history.bias[k]) != y))

    frames = [
        go.Frame(
            name=str(k),
            data=state(k),
            traces=[2, 3, 4, 5],
            layout={"title": {"text": _frame_title(history, k, errors_at(k))}},
        )
        for k in steps
    ]
    changing = [
        go.Scatter(**coordinates, **style)
        for coordinates, style in zip(state(current_step), _STATE_STYLES, strict=True)
    ]
    figure = go.Figure(data=_point_traces(X, y, feature_names) + changing, frames=frames)
    slider_steps = [
        {
            "label": str(k),
            "method": "animate",
            "args": [[str(k)], {"mode": "immediate", "frame": {"duration": 0, "redraw": True}}],
        }
        for k in steps
    ]
    figure.update_layout(
        title={"text": _frame_title(history, current_step, errors_at(current_step))},
        height=520,
        margin={"l": 40, "r": 10, "t": 75, "b": 10},
        plot_bgcolor=REGION_COLOURS[0],
        legend={"orientation": "v", "x": 1.02, "y": 1, "xanchor": "left", "yanchor": "top"},
        xaxis={
            "title": feature_names[0],
            "range": box[0],
            "zeroline": False,
            "constrain": "domain",
        },
        yaxis={
            "title": feature_names[1],
            "range": box[1],
            "zeroline": False,
            "scaleanchor": "x",
            "scaleratio": 1,
        },
        sliders=[
            {
                "active": int(np.searchsorted(steps, current_step)),
                "currentvalue": {"prefix": "After update "},
                "x": 0.22,
                "len": 0.78,
                "y": 0,
                "yanchor": "top",
                "pad": {"t": 40, "b": 10},
                "steps": slider_steps,
            }
        ],
        updatemenus=[play_pause_menu(frame_ms=350, redraw=True, x=0.2, pad_top=75)],
    )
    return figure


# ---------------------------------------------------------------------------------------------
# Training curves
# ---------------------------------------------------------------------------------------------


def errors_per_epoch_figure(history: PerceptronHistory, current_step: int = 0) -> go.Figure:
    """Bar chart of misclassified presentations per epoch of the whole run.

    Epochs finished by ``current_step`` are drawn solid, the rest of the run faded.

    Parameters
    ----------
    history : PerceptronHistory
    current_step : int
        Presentations done so far.

    Returns
    -------
    go.Figure
        One bar trace; ``x`` the 1-based epochs, ``y`` ``history.errors_per_epoch``.
    """
    errors = np.asarray(history.errors_per_epoch)
    n_samples = len(history.epoch) // max(len(errors), 1)
    epochs = np.arange(1, len(errors) + 1)
    finished = epochs <= current_step // max(n_samples, 1)
    colours = np.where(finished, "#3566C8", "rgba(53, 102, 200, 0.25)")
    if history.converged:
        title = f"Errors per epoch · zero at epoch {history.convergence_epoch}: converged"
    else:
        title = f"Errors per epoch · never zero in {len(errors)} epochs"
    figure = go.Figure(
        go.Bar(
            x=epochs,
            y=errors,
            marker={"color": colours.tolist()},
            name="errors",
            hovertemplate="epoch %{x}: %{y} errors<extra></extra>",
        )
    )
    figure.update_layout(
        title={"text": title},
        height=300,
        margin={"l": 40, "r": 10, "t": 50, "b": 40},
        xaxis={"title": "epoch", "dtick": max(1, len(errors) // 10)},
        yaxis={"title": "misclassified", "rangemode": "tozero", "dtick": 1},
        showlegend=False,
    )
    return figure


def trajectories_figure(history: PerceptronHistory, current_step: int = 0) -> go.Figure:
    """Weights and bias after every presentation, against time in epochs.

    Parameters
    ----------
    history : PerceptronHistory
    current_step : int
        Marked by a dashed vertical line.

    Returns
    -------
    go.Figure
        One step-shaped line per weight (``w1``, ``w2``, ...) and one for ``b``; ``x`` is
        ``k / n_samples`` for ``k = 0..n_steps``.
    """
    n_steps = len(history.epoch)
    n_samples = max(n_steps // max(history.n_epochs, 1), 1)
    time = np.arange(n_steps + 1) / n_samples
    figure = go.Figure()
    series = {f"w{i + 1}": history.weights[:, i] for i in range(history.weights.shape[1])}
    series["b"] = history.bias
    for name, values in series.items():
        figure.add_trace(
            go.Scatter(
                x=time,
                y=values,
                mode="lines",
                line={"shape": "hv", "width": 2.5, "color": PARAMETER_COLOURS.get(name)},
                name=name,
                hovertemplate=f"epoch %{{x:.2f}}: {name} = %{{y:.3g}}<extra></extra>",
            )
        )
    figure.add_vline(
        x=current_step / n_samples,
        line={"dash": "dash", "color": "#555", "width": 1.5},
        annotation_text="now",
        annotation_position="top",
    )
    figure.update_layout(
        title={"text": "Weight and bias trajectories"},
        height=300,
        margin={"l": 40, "r": 10, "t": 50, "b": 40},
        xaxis={"title": "epoch (one unit = one pass over the data)"},
        yaxis={"title": "value"},
        legend={"orientation": "h", "y": 1.0, "x": 0, "xanchor": "left", "yanchor": "bottom"},
    )
    return figure


# ---------------------------------------------------------------------------------------------
# The XOR fixes
# ---------------------------------------------------------------------------------------------


def _grid(box, n: int = GRID_POINTS):
    (x_min, x_max), (y_min, y_max) = box
    xs, ys = np.linspace(x_min, x_max, n), np.linspace(y_min, y_max, n)
    grid_x, grid_y = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([grid_x.ravel(), grid_y.ravel()])


def _styled(figure: go.Figure, title: str, box) -> go.Figure:
    figure.update_layout(
        title={"text": title},
        height=460,
        margin={"l": 40, "r": 10, "t": 60, "b": 40},
        legend={"orientation": "h", "y": -0.18, "x": 0, "yanchor": "top"},
        xaxis={"title": "x1", "range": box[0], "zeroline": False, "constrain": "domain"},
        yaxis={"title": "x2", "range": box[1], "scaleanchor": "x", "zeroline": False},
    )
    return figure


def _class_map(xs, ys, predicted) -> go.Heatmap:
    return go.Heatmap(
        x=xs,
        y=ys,
        z=predicted,
        zmin=0,
        zmax=1,
        colorscale=[[0.0, REGION_COLOURS[0]], [1.0, REGION_COLOURS[1]]],
        showscale=False,
        hoverinfo="skip",
        name="prediction",
    )


def feature_fix_figure(X, y, weights, bias: float, feature_names) -> go.Figure:
    """A perceptron on extra features, seen back in the (x1, x2) plane.

    With the features ``[x1, x2, x1*x2]`` the decision rule
    ``w1 x1 + w2 x2 + w3 x1 x2 + b >= 0`` is linear in the features but curved in the plane.

    Parameters
    ----------
    X : array_like of shape (n_samples, 2)
        The original points.
    y : array_like of shape (n_samples,)
    weights : array_like of shape (n_features,)
    bias : float
    feature_names : sequence of str
        Names from ``lessons.datasets.FEATURES`` that built the perceptron's input.

    Returns
    -------
    go.Figure
        Traces: [prediction heatmap, z = 0 contour, label 0 points, label 1 points].
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    box = plot_box(X)
    xs, ys, grid = _grid(box)
    decision = (features(grid, feature_names) @ np.asarray(weights) + bias).reshape(len(ys), -1)
    figure = go.Figure(
        [
            _class_map(xs, ys, step(decision)),
            go.Contour(
                x=xs,
                y=ys,
                z=decision,
                contours={"start": 0, "end": 0, "coloring": "none", "showlabels": False},
                line={"color": "#1E2233", "width": 3},
                showscale=False,
                hoverinfo="skip",
                name="decision boundary",
                showlegend=True,
            ),
            *_point_traces(X, y, ("x1", "x2")),
        ]
    )
    return _styled(
        figure,
        f"Fix 1 · perceptron on [{', '.join(feature_names)}]<br>"
        f"<sup>{equation(weights, bias, feature_names)} = 0</sup>",
        box,
    )


def equation(weights, bias: float, names) -> str:
    """``w1·n1 + w2·n2 + ... + b`` written the way a person would, e.g. ``x1 + x2 − 3·x1*x2 − 1``.

    Zero terms are left out, a unit weight has no factor, signs are merged.
    """
    terms = [(float(weight), f"·{name}") for weight, name in zip(weights, names, strict=True)]
    terms.append((float(bias), ""))
    text = ""
    for value, name in terms:
        if value == 0:
            continue
        size = abs(value)
        body = name[1:] if size == 1 and name else f"{size:.3g}{name}"
        sign = "−" if value < 0 else "+"
        text += f"{sign} {body} " if text else ("−" if value < 0 else "") + f"{body} "
    return text.strip() or "0"


def mlp_fix_figure(X, y, model) -> go.Figure:
    """A 2-H-1 network's output probability with its hidden units' lines.

    Hidden unit ``j`` switches sign on the line ``W0[0, j] x1 + W0[1, j] x2 + b0[j] = 0``;
    the output combines the two half-plane features into the XOR region.

    Parameters
    ----------
    X : array_like of shape (n_samples, 2)
    y : array_like of shape (n_samples,)
    model : core.mlp.MLP
        Input width 2, one hidden layer, sigmoid output.

    Returns
    -------
    go.Figure
        Traces: [P(y=1) heatmap, 0.5 contour, one line per hidden unit, label 0 points,
        label 1 points].
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    box = plot_box(X)
    xs, ys, grid = _grid(box)
    probability = model.predict_proba(grid).reshape(len(ys), -1)
    traces = [
        go.Heatmap(
            x=xs,
            y=ys,
            z=probability,
            zmin=0,
            zmax=1,
            colorscale=[[0.0, "rgb(214, 226, 248)"], [0.5, "white"], [1.0, "rgb(248, 217, 190)"]],
            colorbar={"title": {"text": "P(y=1)"}, "len": 0.7},
            hovertemplate="x1=%{x:.2f}<br>x2=%{y:.2f}<br>P(y=1)=%{z:.3f}<extra></extra>",
            name="P(y=1)",
        ),
        go.Contour(
            x=xs,
            y=ys,
            z=probability,
            contours={"start": 0.5, "end": 0.5, "coloring": "none"},
            line={"color": "#1E2233", "width": 1.5},
            showscale=False,
            hoverinfo="skip",
            name="output = 0.5",
            showlegend=True,
        ),
    ]
    hidden_weights, hidden_bias = model.weights[0], model.biases[0]
    dashes = ("dash", "dot", "dashdot", "longdash")
    for unit in range(hidden_weights.shape[1]):
        segment = boundary_segment(hidden_weights[:, unit], float(hidden_bias[unit]), box)
        traces.append(
            go.Scatter(
                x=segment[:, 0],
                y=segment[:, 1],
                mode="lines",
                line={"color": "#6A1B9A", "width": 3.5, "dash": dashes[unit % len(dashes)]},
                name=f"hidden unit {unit + 1}: z = 0",
                hoverinfo="skip",
            )
        )
    figure = go.Figure(traces + _point_traces(X, y, ("x1", "x2")))
    width = hidden_weights.shape[1]
    return _styled(figure, f"Fix 2 · a 2-{width}-1 network and its {width} hidden lines", box)
