"""MLP construction, shapes, dtypes, dropout and input validation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import optimizers
from core.mlp import MLP

OUTPUT_UNITS = {"sigmoid": st.just(1), "softmax": st.integers(2, 4), "linear": st.integers(1, 3)}


@st.composite
def networks(draw):
    output = draw(st.sampled_from(sorted(OUTPUT_UNITS)))
    hidden_widths = draw(st.lists(st.integers(1, 6), min_size=0, max_size=3))
    sizes = [draw(st.integers(1, 5)), *hidden_widths, draw(OUTPUT_UNITS[output])]
    hidden = draw(st.sampled_from(["relu", "tanh", "sigmoid", "gelu", "leaky_relu"]))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    return MLP(sizes, hidden=hidden, output=output, rng=draw(st.integers(0, 99)), dtype=dtype)


def targets_for(model, n, rng):
    if model.output == "sigmoid":
        return rng.integers(0, 2, n)
    if model.output == "softmax":
        return rng.integers(0, model.sizes[-1], n)
    return rng.normal(size=(n, model.sizes[-1]))


@settings(max_examples=60, deadline=None)
@given(model=networks(), n=st.integers(1, 9), seed=st.integers(0, 1000))
def test_forward_and_gradient_shapes_and_dtypes(model, n, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, model.sizes[0]))
    out = model.forward(X)
    assert out.shape == (n, model.sizes[-1]) and out.dtype == model.dtype
    assert np.all(np.isfinite(out))
    if model.output == "softmax":
        np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)
    if model.output == "sigmoid":
        assert np.all((out >= 0) & (out <= 1))
    loss, grads = model.loss_and_grads(X, targets_for(model, n, rng))
    assert np.isfinite(loss) and loss >= 0
    assert [g.shape for g in grads] == [p.shape for p in model.params]
    assert all(g.dtype == model.dtype for g in grads)
    trace = model.forward_trace(X)
    assert [t["a"].shape[1] for t in trace] == model.sizes[1:]


def test_params_are_views_into_one_flat_buffer():
    model = MLP([4, 3, 2, 1])
    assert model.n_params == 4 * 3 + 3 + 3 * 2 + 2 + 2 + 1
    model.flat[:] = 0.0
    assert all(np.all(p == 0) for p in model.params)
    model.params[2][0, 0] = 7.0
    assert 7.0 in model.flat


def test_float32_inference_agrees_with_float64():
    model = MLP([20, 64, 32, 1], rng=1)
    X = np.random.default_rng(0).normal(size=(500, 20))
    fast = model.astype(np.float32)
    assert fast.flat.dtype == np.float32
    np.testing.assert_allclose(fast.predict_proba(X), model.predict_proba(X), atol=1e-5)


def test_chunked_forward_equals_one_pass():
    model = MLP([5, 8, 3], output="softmax", rng=2)
    X = np.random.default_rng(1).normal(size=(1000, 5))
    np.testing.assert_allclose(model.forward(X, chunk_size=64), model.forward(X), rtol=1e-12)


def test_config_round_trip_rebuilds_the_same_function():
    model = MLP(
        [3, 5, 4, 2],
        hidden=["tanh", ("leaky_relu", {"alpha": 0.2})],
        output="softmax",
        l2=0.1,
        dropout=[0.0, 0.3],
        rng=4,
    )
    clone = MLP.from_config(model.get_config())
    clone.flat[:] = model.flat
    X = np.random.default_rng(0).normal(size=(6, 3))
    np.testing.assert_array_equal(clone.forward(X), model.forward(X))
    assert clone.activations[1].params == {"alpha": 0.2}


def test_inverted_dropout_keeps_the_expected_activation():
    """E[mask] = 1, so the mean pre-output signal is unchanged; and training passes vary."""
    model = MLP([10, 200, 1], hidden="relu", dropout=0.5, rng=0)
    X = np.random.default_rng(0).normal(size=(64, 10))
    y = np.zeros(64)
    g1 = model.loss_and_grads(X, y)[1][0].copy()
    g2 = model.loss_and_grads(X, y)[1][0].copy()
    assert not np.allclose(g1, g2)  # a new mask every training pass
    g_eval = [model.loss_and_grads(X, y, training=False)[1][0].copy() for _ in range(2)]
    np.testing.assert_array_equal(*g_eval)
    masks = np.array([(model._rng.random((64, 200)) >= 0.5) / 0.5 for _ in range(20)])
    assert abs(masks.mean() - 1.0) < 0.02


def test_he_and_xavier_scales():
    for init, expected in (("he", np.sqrt(2 / 400)), ("xavier_normal", np.sqrt(2 / 800))):
        W = MLP([400, 400, 1], init=init, rng=0).weights[0]
        assert abs(W.std() - expected) / expected < 0.02
    assert np.all(MLP([4, 3, 1], init="zeros").flat == 0)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: MLP([2, 0, 1]), "width must be a positive integer"),
        (lambda: MLP([2, 3.5, 1]), "width must be a positive integer"),
        (lambda: MLP([2]), "at least an input and an output"),
        (lambda: MLP([2, 3, 1], hidden="relux"), "unknown activation 'relux'"),
        (lambda: MLP([2, 3, 1], hidden=["tanh", "relu"]), "2 hidden activations given for 1"),
        (lambda: MLP([2, 3, 1], output="softmaxx"), "unknown output activation"),
        (lambda: MLP([2, 3, 2], output="sigmoid"), "sigmoid output has exactly 1 unit"),
        (lambda: MLP([2, 3, 1], output="softmax"), "softmax output needs at least 2"),
        (lambda: MLP([2, 3, 1], init="kaiming"), "unknown initializer 'kaiming'"),
        (lambda: MLP([2, 3, 1], dropout=1.0), "dropout probability must be in"),
        (lambda: MLP([2, 3, 1], l2=-1), "l2 must be"),
        (
            lambda: MLP([2, 3, 1], hidden=("leaky_relu", {"alpah": 0.1})),
            "unknown parameter 'alpah'",
        ),
        (lambda: optimizers.make("adamm"), "unknown optimizer 'adamm'"),
        (lambda: optimizers.make("sgd", momentun=0.9), "unknown parameter 'momentun'"),
        (lambda: optimizers.make("adam", lr=-1), "lr must be a positive"),
        (lambda: optimizers.make("adam", betas=(0.9, 1.5)), "betas"),
        (lambda: optimizers.make("sgd", nesterov=True), "Nesterov momentum requires"),
    ],
)
def test_bad_construction_names_the_problem(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize(
    ("X", "y", "message"),
    [
        ([[0.0, np.nan]], [1], "NaN or infinite values \\(first at row 0, column 1\\)"),
        ([[0.0, np.inf], [1, 1]], [1, 0], "NaN or infinite"),
        ([0.0, 1.0], [1], "must be 2-D"),
        ([[0.0, 1.0, 2.0]], [1], "has 3 features but the model expects 2"),
        ([["a", "b"]], [1], "must be numeric"),
        ([[0.0, 1.0], [1, 1]], [1], "y has 1 rows but X has 2"),
        ([[0.0, 1.0]], [[1, 0]], "y must have shape"),
        ([[0.0, 1.0]], [2], "binary targets must be 0 or 1"),
        ([[0.0, 1.0]], [np.nan], "y contains NaN"),
    ],
)
def test_bad_data_names_the_problem(X, y, message):
    model = MLP([2, 3, 1])
    with pytest.raises(ValueError, match=message):
        model.loss_and_grads(
            np.array(X, dtype=object if isinstance(X[0][0], str) else float)
            if isinstance(X[0], list)
            else np.array(X),
            np.array(y),
        )


def test_softmax_labels_out_of_range():
    model = MLP([2, 3, 3], output="softmax")
    with pytest.raises(ValueError, match="class labels must lie in \\[0, 2\\]"):
        model.loss_and_grads(np.zeros((2, 2)), np.array([0, 3]))
    with pytest.raises(ValueError, match="integer class labels"):
        model.loss_and_grads(np.zeros((2, 2)), np.array([0.5, 1]))


def test_bad_sample_weight():
    model = MLP([2, 3, 1])
    with pytest.raises(ValueError, match="sample_weight must be finite, non-negative"):
        model.loss_and_grads(np.zeros((2, 2)), np.array([0, 1]), sample_weight=[1.0, -1.0])


def test_pickled_model_keeps_params_as_views_and_trains():
    import pickle

    model = MLP([3, 4, 1], hidden="tanh", rng=0)
    clone = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(clone.flat, model.flat)
    clone.flat[0] = 123.0  # a write to the buffer must show in the layer views
    assert clone.params[0].flat[0] == 123.0
    X, y = np.ones((2, 3)), np.array([0, 1])
    clone.loss_and_grads(X, y)
    assert clone.flat_grad.any() and clone.grads[0] is not None
    assert np.shares_memory(clone.grads[0], clone.flat_grad)
