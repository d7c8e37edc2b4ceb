r"""Look inside one step: one sample's forward and backward pass, every value kept.

* :func:`inspect_step` — the forward values :math:`z, a`, the output delta
  :math:`\hat y - y`, every :math:`\delta` and :math:`\partial L/\partial W` of one
  sample's backward pass;
* :func:`step_packed` — the node colours of that pass for a one-cell-per-node drawing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lessons.live.layout import NetworkLayout
from lessons.live.plane import display_scale, output_display


@dataclass
class StepInspection:
    r"""Forward and backward pass of one sample, every intermediate value kept.

    Attributes
    ----------
    inputs : ndarray of shape (n_features,)
        The network input :math:`a_0` (the chosen features of the point).
    target : float
        The label or value :math:`y`.
    output : ndarray of shape (n_out,)
        :math:`\hat y`.
    loss : float
        The loss on this sample, penalties included.
    z, a, delta : list of ndarray, one per weight layer, each of shape (width,)
        Pre-activation, activation and :math:`\delta = \partial L / \partial z`.
    grad_W : list of ndarray, ``grad_W[l]`` of shape (widths[l], widths[l+1])
    grad_b : list of ndarray, ``grad_b[l]`` of shape (widths[l+1],)
    output_delta : ndarray of shape (n_out,)
        :math:`\hat y - y` (one-hot ``y`` for several classes); equals ``delta[-1]``.
    """

    inputs: np.ndarray
    target: float
    output: np.ndarray
    loss: float
    z: list[np.ndarray]
    a: list[np.ndarray]
    delta: list[np.ndarray]
    grad_W: list[np.ndarray]
    grad_b: list[np.ndarray]
    output_delta: np.ndarray


def inspect_step(model, inputs, target) -> StepInspection:
    """Run :meth:`core.mlp.MLP.backward_trace` on one sample and keep it as vectors.

    Parameters
    ----------
    model : core.mlp.MLP
    inputs : array of shape (n_features,)
    target : int or float
        0/1 label, class index, or regression value.
    """
    row = np.asarray(inputs, dtype=np.float64).reshape(1, -1)
    trace = model.backward_trace(row, np.asarray([target]))
    output = trace["a"][-1][0]
    if model.output == "softmax":
        expected = np.zeros_like(output)
        expected[int(target)] = 1.0
    else:
        expected = np.full_like(output, float(target))
    return StepInspection(
        inputs=row[0],
        target=float(target),
        output=output,
        loss=float(trace["loss"]),
        z=[z[0] for z in trace["z"]],
        a=[a[0] for a in trace["a"]],
        delta=[d[0] for d in trace["delta"]],
        grad_W=trace["grad_W"],
        grad_b=trace["grad_b"],
        output_delta=output - expected,
    )


def step_packed(layout: NetworkLayout, inspection: StepInspection, output_activation: str):
    """Node colours of a one-sample pass for a ``thumb=1`` layout: inputs, then every ``a``.

    Each node is one cell holding its value on [-1, 1] (:func:`display_scale` per column;
    :func:`output_display` for the outputs).

    Returns
    -------
    ndarray of shape ``layout.packed_shape``
    """
    if layout.thumb != 1:
        raise ValueError(f"step_packed needs a layout with thumb=1, got thumb={layout.thumb}")
    columns = [inspection.inputs, *inspection.a]
    last = len(columns) - 1
    blocks = []
    for column, values in enumerate(columns):
        values = np.asarray(values, dtype=np.float64)
        shown = (
            output_display(values, output_activation) if column == last else display_scale(values)
        )
        blocks.append(shown.reshape(1, 1, -1))
    return layout.pack(blocks)
