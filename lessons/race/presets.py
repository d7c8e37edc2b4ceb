"""Defaults of the surface race: a preset per surface and the choices a page offers.

A :class:`RacePreset` gives, per surface, a learning rate for every optimizer, a step count
and named start points, chosen so the default race teaches something (momentum
overshooting in the bowl, Adagrad's steps shrinking, SGD crawling along Rosenbrock's
valley).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.validation import lookup
from lessons.race.surfaces import Surface

DEFAULT_SURFACE = "quadratic"
"""The surface a first visit opens on."""
DEFAULT_OPTIMIZERS = ("sgd", "momentum", "adagrad", "rmsprop", "adam")
"""The optimizers racing on a first visit."""
MIN_STEPS, MAX_STEPS = 10, 1000
"""Range of the number of steps of a surface race."""
TOLERANCES = (1e-1, 1e-2, 1e-3, 1e-4, 1e-6, 1e-8)
"""Gaps f − f* offered as "arrived"; the default is 1e-4."""
DEFAULT_TOLERANCE = 1e-4
CUSTOM_START = "Custom (type below)"
"""Name of a start point that is none of the preset's."""


@dataclass(frozen=True)
class RacePreset:
    """Defaults for racing on one surface.

    Attributes
    ----------
    steps : int
        Number of steps of the default race.
    learning_rates : dict of str -> float
        A learning rate for every optimizer in ``core.optimizers.OPTIMIZERS``.
    starts : dict of str -> (x, y)
        Named start points; the first one is the surface's default start.
    lesson : str
        One or two sentences (Markdown) on what the default race shows.
    """

    steps: int
    learning_rates: dict[str, float]
    starts: dict[str, tuple[float, float]]
    lesson: str


PRESETS: dict[str, RacePreset] = {
    "quadratic": RacePreset(
        steps=120,
        learning_rates={
            "sgd": 0.09,
            "momentum": 0.09,
            "nesterov": 0.01,
            "adagrad": 0.5,
            "rmsprop": 0.05,
            "adam": 0.1,
            "adamw": 0.1,
        },
        starts={
            "Corner (1, 1)": (1.0, 1.0),
            "Steep side (0.2, 1.3)": (0.2, 1.3),
            "Shallow side (-1.4, 0.1)": (-1.4, 0.1),
        },  # fmt: skip
        lesson=(
            "The bowl is 10 times steeper along $y$ than along $x$. A learning rate that is "
            "safe for $y$ is timid for $x$: SGD zigzags across the valley while it creeps "
            "along it. Momentum keeps the zigzag's energy and overshoots, then spirals in."
        ),
    ),
    "rosenbrock": RacePreset(
        steps=400,
        learning_rates={
            "sgd": 0.001,
            "momentum": 0.01,
            "nesterov": 0.0005,
            "adagrad": 0.5,
            "rmsprop": 0.01,
            "adam": 0.1,
            "adamw": 0.1,
        },
        starts={
            "Classic (-1.5, 2)": (-1.5, 2.0),
            "On the rim (-1, -0.5)": (-1.0, -0.5),
            "Far side (1.8, 0.5)": (1.8, 0.5),
        },  # fmt: skip
        lesson=(
            "Getting into the curved valley is easy; travelling along its nearly flat floor "
            "to $(1, 1)$ is the hard part. Plain SGD needs a tiny step to survive the steep "
            "walls and then barely moves along the floor."
        ),
    ),
    "beale": RacePreset(
        steps=300,
        learning_rates={
            "sgd": 0.01,
            "momentum": 0.03,
            "nesterov": 0.001,
            "adagrad": 0.3,
            "rmsprop": 0.03,
            "adam": 0.1,
            "adamw": 0.1,
        },
        starts={
            "Default (1, 1.5)": (1.0, 1.5),
            "Ridge (-1, 1)": (-1.0, 1.0),
            "Below (2, -1)": (2.0, -1.0),
        },  # fmt: skip
        lesson=(
            "Values range over five decades and the minimum $(3, 0.5)$ sits in a long flat "
            "channel. Scale-free steps (Adam, RMSprop) cross the flat part that SGD crawls."
        ),
    ),
    "himmelblau": RacePreset(
        steps=150,
        learning_rates={
            "sgd": 0.003,
            "momentum": 0.01,
            "nesterov": 0.001,
            "adagrad": 0.5,
            "rmsprop": 0.05,
            "adam": 0.1,
            "adamw": 0.1,
        },
        starts={
            "Centre (0, 0)": (0.0, 0.0),
            "Left (-0.5, 0)": (-0.5, 0.0),
            "Low (0, -1)": (0.0, -1.0),
        },  # fmt: skip
        lesson=(
            "Four global minima, all with $f = 0$. From the same start, optimizers can end "
            "in different minima: which valley you reach depends on how you step, not only "
            "on where you start."
        ),
    ),
    "booth": RacePreset(
        steps=150,
        learning_rates={
            "sgd": 0.01,
            "momentum": 0.05,
            "nesterov": 0.003,
            "adagrad": 2.0,
            "rmsprop": 0.1,
            "adam": 0.3,
            "adamw": 0.3,
        },
        starts={
            "Far corner (-8, 8)": (-8.0, 8.0),
            "Below (5, -8)": (5.0, -8.0),
            "Close (0, 0)": (0.0, 0.0),
        },  # fmt: skip
        lesson=(
            "A tilted quadratic bowl: every optimizer gets there, so the race is about "
            "speed. A gradient that is large far away makes SGD fast at first and slow at "
            "the end, while Adam's step stays about $\\eta$ whatever the gradient."
        ),
    ),
    "saddle": RacePreset(
        steps=60,
        learning_rates={
            "sgd": 0.05,
            "momentum": 0.1,
            "nesterov": 0.02,
            "adagrad": 0.2,
            "rmsprop": 0.02,
            "adam": 0.05,
            "adamw": 0.05,
        },
        starts={
            "Near the ridge (1.5, 0.01)": (1.5, 0.01),
            "On the ridge (1.5, 0)": (1.5, 0.0),
            "Off the ridge (1.5, 0.3)": (1.5, 0.3),
        },  # fmt: skip
        lesson=(
            "There is no minimum: $f$ falls forever along $y$. Starting almost on the ridge "
            "$y = 0$ the gradient along $y$ is tiny; methods that rescale each coordinate "
            "(Adam, RMSprop, Adagrad) escape at once, plain SGD takes its time. Start "
            "exactly on $y = 0$ and gradient descent never leaves the ridge."
        ),
    ),
    "rastrigin": RacePreset(
        steps=200,
        learning_rates={
            "sgd": 0.002,
            "momentum": 0.01,
            "nesterov": 0.001,
            "adagrad": 0.5,
            "rmsprop": 0.3,
            "adam": 0.3,
            "adamw": 0.3,
        },
        starts={
            "Default (-3.3, 2.7)": (-3.3, 2.7),
            "Near the centre (0.6, -0.4)": (0.6, -0.4),
            "Edge (4.5, 4.5)": (4.5, 4.5),
        },  # fmt: skip
        lesson=(
            "An egg box of local minima. Small steps stop in the nearest dimple; only "
            "large, noisy-looking steps hop between dimples, and then they rarely settle."
        ),
    ),
    "ackley": RacePreset(
        steps=200,
        learning_rates={
            "sgd": 0.1,
            "momentum": 0.3,
            "nesterov": 0.05,
            "adagrad": 1.0,
            "rmsprop": 0.3,
            "adam": 0.3,
            "adamw": 0.3,
        },
        starts={
            "Default (-3.2, 2.6)": (-3.2, 2.6),
            "Closer (1.3, -0.8)": (1.3, -0.8),
            "Far (4, 4)": (4.0, 4.0),
        },  # fmt: skip
        lesson=(
            "A funnel covered in ripples. The ripples trap small steps; only steps large "
            "enough to jump over them feel the funnel and slide to $(0, 0)$."
        ),
    ),
    "six_hump_camel": RacePreset(
        steps=200,
        learning_rates={
            "sgd": 0.01,
            "momentum": 0.03,
            "nesterov": 0.003,
            "adagrad": 0.3,
            "rmsprop": 0.03,
            "adam": 0.05,
            "adamw": 0.05,
        },
        starts={
            "Default (-1.5, 0.8)": (-1.5, 0.8),
            "Centre (0, 0.05)": (0.0, 0.05),
            "Right (1.6, -0.6)": (1.6, -0.6),
        },  # fmt: skip
        lesson=(
            "Six humps, two global minima and four local ones. Most optimizers settle in the "
            "local minimum next to the start; the global ones are near $(\\pm 0.09, \\mp 0.71)$."
        ),
    ),
}
"""Registry: surface name -> :class:`RacePreset`."""


def preset(surface) -> RacePreset:
    """The :class:`RacePreset` of a surface (a :class:`Surface` or its name)."""
    name = surface.name if isinstance(surface, Surface) else surface
    return lookup("surface", name, PRESETS)


def start_name(surface, point) -> str:
    """Name of the preset start at ``point`` (x, y), or :data:`CUSTOM_START`."""
    point = (float(point[0]), float(point[1]))
    for name, start in preset(surface).starts.items():
        if start == point:
            return name
    return CUSTOM_START
