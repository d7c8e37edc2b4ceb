"""Figures for the Perceptron page: the animated decision boundary, training curves, XOR fixes.

Every function is pure: it takes arrays or ``lessons.perceptron`` results and returns a
``plotly.graph_objects.Figure``.

* :mod:`~viz.perceptron.geometry` — colours, the plotted box, the decision line and its
  half-plane, the class markers;
* :mod:`~viz.perceptron.animation` — :func:`boundary_animation`;
* :mod:`~viz.perceptron.curves` — :func:`errors_per_epoch_figure`, :func:`trajectories_figure`;
* :mod:`~viz.perceptron.fixes` — :func:`feature_fix_figure`, :func:`mlp_fix_figure`.
"""

from viz.perceptron.animation import MAX_FRAMES, boundary_animation, frame_steps
from viz.perceptron.curves import errors_per_epoch_figure, trajectories_figure
from viz.perceptron.fixes import equation, feature_fix_figure, mlp_fix_figure
from viz.perceptron.geometry import (
    CLASS_COLOURS,
    REGION_COLOURS,
    boundary_segment,
    halfplane_polygon,
    plot_box,
)

__all__ = [
    "CLASS_COLOURS",
    "MAX_FRAMES",
    "REGION_COLOURS",
    "boundary_animation",
    "boundary_segment",
    "equation",
    "errors_per_epoch_figure",
    "feature_fix_figure",
    "frame_steps",
    "halfplane_polygon",
    "mlp_fix_figure",
    "plot_box",
    "trajectories_figure",
]
