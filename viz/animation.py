"""Pieces shared by the client-side (Plotly frames) animations: play/pause and slider steps."""

from __future__ import annotations


def play_pause_menu(frame_ms: int, redraw: bool, x: float, pad_top: int) -> dict:
    """A ▶ Play / ❚❚ Pause button pair for ``layout.updatemenus``.

    Parameters
    ----------
    frame_ms : int
        Milliseconds each frame stays on screen while playing.
    redraw : bool
        Whether Plotly redraws the whole plot each frame (needed when frames change
        traces that cannot be tweened, such as filled regions).
    x : float
        Right edge of the buttons in paper coordinates; the slider starts after it.
    pad_top : int
        Pixels between the plot area and the buttons.
    """
    still = {
        "frame": {"duration": 0, "redraw": False},
        "transition": {"duration": 0},
        "mode": "immediate",
    }
    play = {
        "frame": {"duration": frame_ms, "redraw": redraw},
        "transition": {"duration": 0},
        "fromcurrent": True,
        "mode": "immediate",
    }
    return {
        "type": "buttons",
        "direction": "left",
        "x": x,
        "y": 0,
        "xanchor": "right",
        "yanchor": "top",
        "pad": {"t": pad_top, "r": 10},
        "showactive": False,
        "buttons": [
            {"label": "▶ Play", "method": "animate", "args": [None, play]},
            {"label": "❚❚ Pause", "method": "animate", "args": [[None], still]},
        ],
    }


def frame_slider_steps(names, redraw: bool) -> list[dict]:
    """Steps of a ``layout.sliders`` entry that jump straight to the frames ``names``.

    Parameters
    ----------
    names : iterable
        Frame names (each step's label is the same text).
    redraw : bool
        Whether Plotly redraws the whole plot for a frame (see :func:`play_pause_menu`).
    """
    jump = {
        "mode": "immediate",
        "frame": {"duration": 0, "redraw": redraw},
        "transition": {"duration": 0},
    }
    return [
        {"label": str(name), "method": "animate", "args": [[str(name)], jump]} for name in names
    ]
