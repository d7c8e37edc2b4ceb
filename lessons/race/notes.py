"""What the race page says: the teaching prose around the figures, in Markdown.

Kept apart from the numbers so the page stays a short storyboard. Symbols follow the
update rules in ``core.optimizers`` (read with ``core.optimizers.update_rule``).
"""

from __future__ import annotations

INTRO = (
    "Several optimizers start from the same point and follow their own update rules "
    "downhill. First on 2-D test surfaces, where every step can be seen; then on a real "
    "network, where the same rules decide how fast a classifier learns."
)

BEHAVIOUR = {
    "sgd": (
        "Steps are proportional to the gradient: long on steep walls, tiny on flat floors. "
        "The steepest direction caps $\\eta$ (in the bowl $\\eta < 2/20 = 0.1$, or $y$ "
        "blows up), and near that cap SGD zigzags across the valley while creeping along it."
    ),
    "momentum": (
        "The seed's form keeps an average $v$ of recent gradients: the zigzag cancels and the "
        "steady downhill part builds up. The average lags behind the gradient, so it "
        "carries the point past the minimum and it swings back: it **overshoots** and spirals "
        "in. (It equals PyTorch SGD with momentum $\\beta$ and rate $\\eta(1-\\beta)$.)"
    ),
    "nesterov": (
        "PyTorch's Nesterov momentum: the buffer $b$ is a *sum* of past gradients, so its "
        "steps are about $1/(1-\\mu) = 10$ times longer than SGD's at the same $\\eta$ "
        "(hence its small default). Looking ahead with $g + \\mu b$ brakes earlier than "
        "plain momentum, so it overshoots less."
    ),
    "adagrad": (
        "Each coordinate is divided by the root of *all* its squared gradients so far. The "
        "first step is exactly $\\eta$ along every coordinate, whatever the slope; then "
        "the sum only grows, so the **steps keep shrinking** (like $1/\\sqrt{t}$ on a steady "
        "slope) and it can stall before it arrives."
    ),
    "rmsprop": (
        "Like Adagrad, but $s$ forgets old gradients, so steps do not die out. Every "
        "coordinate moves about $\\eta$ per step, steep or flat: the ill-conditioning "
        "disappears, and near the minimum the remembered larger gradients slow it down."
    ),
    "adam": (
        "Momentum on top of RMSprop's **per-coordinate scaling**. Early steps have length "
        "about $\\eta$ in every coordinate, so it first heads diagonally whatever the "
        "curvature; its momentum then makes it overshoot and circle in. The factors "
        "$1/(1-\\beta_1^t)$ and $\\sqrt{1-\\beta_2^t}$ are the bias corrections: they undo the "
        "averages' start at zero."
    ),
    "adamw": (
        "Adam plus decoupled weight decay that pulls the point towards the origin "
        "$(0, 0)$. Where the minimum is elsewhere, that pull moves where it settles."
    ),
}
"""How each optimizer (by ``core.optimizers`` name) moves on the surfaces."""

SYMBOLS = (
    "$g$ is the gradient $\\nabla f$ at the current point, $\\theta = (x, y)$, $\\eta$ the "
    "learning rate. The race uses the same optimizer code that trains the networks."
)

MAP_CAPTION = (
    "Press **▶ Play** to watch the race, or drag the slider to any step. **Click** "
    "anywhere on the map to start from there. Faint lines are whole paths (hover "
    "them for step numbers); ★ marks the global minima."
)

CONSTANT_RATES = (
    "Constant rates. Pick a schedule in the sidebar to decay every optimizer's "
    "η from its own starting value."
)

NO_MINIMUM = "This surface has no minimum, so distance and arrival show —."

NETWORK_INTRO = (
    "The same MLP (20 → 64 → 32 → 1, ReLU, sigmoid output) starts from the **same initial "
    "weights** for every optimizer and trains on the semiconductor yield data: 100 "
    "full-batch epochs with SGD η = 0.1, momentum η = 0.01, RMSprop η = 0.001 and Adam "
    "η = 0.001. Change the dataset, batch size or optimizers in the sidebar, then run."
)

NETWORK_NOTES = (
    "- The loss is binary cross-entropy; accuracy is measured on held-out rows the "
    "optimizers never train on.\n"
    "- **Momentum** in the seed's EMA form with η = 0.01 moves like SGD with η = 0.01, "
    "ten times slower than the SGD run: averaging gradients does not lengthen the step.\n"
    "- **RMSprop** and **Adam** divide each weight's step by its own gradient scale, so "
    "a rate of 0.001 moves every weight by about 0.001 per epoch: with only 100 full-batch "
    "updates, how far each optimizer gets depends on that step length more than on "
    "anything else.\n"
    "- With **mini-batches** there are many updates per epoch, so every optimizer reaches "
    "90 % within the first few epochs; seconds then measure the cost per epoch."
)


def height_caption(log_scale: bool) -> str:
    """What the height of the 3-D view shows."""
    if log_scale:
        return (
            "Drag to turn the surface. Height is $\\log_{10}(1 + f - f^*)$, so deep valleys "
            "stay visible next to walls thousands of times higher."
        )
    return "Drag to turn the surface. Height is $f$ itself."


def diverged_on_surface(label: str, step: int) -> str:
    """Warning for an optimizer whose point or loss became infinite at ``step``."""
    return (
        f"**{label} diverged at step {step}**: its point or $f$ became infinite, so its path "
        "stops at the last finite point while the others race on. Its learning rate is too "
        "large for the steepest part of this surface; try a value 10 times smaller."
    )


def diverged_in_network(label: str, reason: str) -> str:
    """Warning for an optimizer whose network training stopped on a bad loss."""
    return (
        f"**{label} diverged**: {reason}. Its curves stop at the last finite epoch; try a "
        "smaller learning rate."
    )


def choose_optimizers(action: str) -> str:
    """Message for an empty optimizer selection; ``action`` is e.g. "start the race"."""
    return f"Choose at least one optimizer in the sidebar to {action}."
