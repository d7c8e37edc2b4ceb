"""Linear separability: can any line (hyperplane) put each class on its own side?

The perceptron rule converges exactly when the answer is yes (Novikoff's theorem), which is
why it never settles on XOR. :func:`is_linearly_separable` decides it with a linear program.
"""

from __future__ import annotations

import numpy as np

from core.validation import check_matrix
from lessons.perceptron.model import check_binary_labels


def is_linearly_separable(X, y) -> bool:
    """Whether a hyperplane strictly separates the two classes.

    Solves the feasibility linear program

    .. math:: \\text{find } w, b \\text{ with } s_i\\,(w \\cdot x_i + b) \\ge 1 \\;\\forall i,
              \\qquad s_i = 2 y_i - 1,

    which has a solution exactly when some ``(w, b)`` puts every point strictly on its own
    side (rescale any strict separator by its smallest margin). A set with a single class
    is separable.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,), labels 0/1

    Returns
    -------
    bool
    """
    from scipy.optimize import linprog

    X = check_matrix(X, "X")
    y = check_binary_labels(y, X.shape[0])
    if np.unique(y).size < 2:
        return True
    signs = 2.0 * y - 1.0
    # Variables (w_1..w_d, b), all free; constraint rows -s_i [x_i, 1] . (w, b) <= -1.
    A_ub = -signs[:, None] * np.column_stack([X, np.ones(len(y))])
    result = linprog(
        c=np.zeros(X.shape[1] + 1),
        A_ub=A_ub,
        b_ub=-np.ones(len(y)),
        bounds=[(None, None)] * (X.shape[1] + 1),
        method="highs",
    )
    if result.status not in (0, 2):  # 0 feasible, 2 infeasible; anything else is a failure
        raise RuntimeError(f"linear program failed: {result.message}")
    return result.status == 0
