"""The figures of a race as a page shows them, as finished figure dicts a page can cache.

``Figure.to_dict()`` runs once here (validating, and packing arrays into base64); a page
keeps the dicts in its cache and shows them with ``figures.PrebuiltFigure``.
"""

from __future__ import annotations

from lessons.race import summary
from lessons.race.surfaces import as_surface
from viz import race_curves, race_map, race_surface
from viz.race_style import spec_colors


def surface_race_figures(surface, result, specs, start) -> dict[str, dict]:
    """``"map"`` (animated, click to start), ``"3d"`` and ``"lr"`` of one surface race.

    Parameters
    ----------
    surface : Surface or str
    result : lessons.race.racing.RaceResult
    specs : sequence of core.optimizers.OptimizerSpec
        The racers, labelled by their display labels (they pick the colours).
    start : (x, y)
    """
    surface = as_surface(surface)
    colors = spec_colors(specs)
    map_grid = summary.surface_grid(surface, race_map.MAP_PIXELS)
    mesh_grid = summary.surface_grid(surface, race_surface.MESH_POINTS)
    figures = {
        "map": race_map.race_animation(surface, map_grid, result, colors, start, click_hint=True),
        "3d": race_surface.surface_3d(surface, mesh_grid, result, colors),
        "lr": race_curves.learning_rate_chart(result, colors),
    }
    return {key: figure.to_dict() for key, figure in figures.items()}


def loss_figure(surface, result, specs, tolerance: float) -> dict:
    """Loss per step of one surface race with the ``tolerance`` line."""
    colors = spec_colors(specs)
    return race_curves.loss_curves(as_surface(surface), result, colors, tolerance).to_dict()


def network_figure(result, specs) -> dict:
    """Training loss and validation accuracy of a network race."""
    return race_curves.network_curves(result, spec_colors(specs)).to_dict()
