"""Datasets: gate truth tables, the Playground's generating rules, input features."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial import cKDTree

from lessons.datasets import (
    FEATURE_LABELS,
    FEATURES,
    GATES,
    PLAYGROUND,
    dataset_kind,
    features,
    gate,
    playground,
)

# ------------------------------------------------------------------------------ gates

TRUTH = {
    "and": lambda a, b: a and b,
    "or": lambda a, b: a or b,
    "nand": lambda a, b: not (a and b),
    "nor": lambda a, b: not (a or b),
    "xor": lambda a, b: a != b,
    "xnor": lambda a, b: a == b,
}


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_gate_truth_tables(name):
    X, y = gate(name)
    assert X.shape == (4, 2) and X.dtype == np.float64
    assert y.shape == (4,) and np.issubdtype(y.dtype, np.integer)
    expected = [int(TRUTH[name](bool(a), bool(b))) for a, b in X]
    assert y.tolist() == expected
    assert sorted(map(tuple, X.tolist())) == [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_gate_registry_and_unknown_name():
    assert sorted(GATES) == sorted(TRUTH)
    assert gate("XOR")[1].tolist() == [0, 1, 1, 0]
    with pytest.raises(ValueError, match="and.*nand.*xor"):
        gate("implies")


# ------------------------------------------------------------------------------ playground

CLASSIFIERS = ["circle", "xor", "gauss", "spiral"]


def test_registry_kinds():
    kinds = {name: dataset_kind(name) for name in PLAYGROUND}
    assert kinds == {
        "circle": "binary",
        "xor": "binary",
        "gauss": "binary",
        "spiral": "binary",
        "plane": "regression",
        "multi_gauss": "regression",
        "blobs3": "multiclass",
    }
    with pytest.raises(ValueError, match="circle"):
        dataset_kind("moons")


@pytest.mark.parametrize("name", sorted(PLAYGROUND))
@pytest.mark.parametrize("noise", [0.0, 0.25, 0.5])
def test_shapes_dtypes_and_reproducibility(name, noise):
    X, y = playground(name, n=301, noise=noise, rng=3)
    assert X.shape == (301, 2) and X.dtype == np.float64 and np.isfinite(X).all()
    assert y.shape == (301,)
    if dataset_kind(name) == "regression":
        assert y.dtype == np.float64 and np.all(np.abs(y) <= 1.0)
    else:
        assert np.issubdtype(y.dtype, np.integer)
    X2, y2 = playground(name, n=301, noise=noise, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(X, playground(name, n=301, noise=noise, rng=4)[0])


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(sorted(PLAYGROUND)),
    n=st.integers(3, 400),
    noise=st.floats(0.0, 0.5),
    seed=st.integers(0, 2**32 - 1),
)
def test_any_valid_request_gives_well_formed_data(name, n, noise, seed):
    X, y = playground(name, n=n, noise=noise, rng=seed)
    assert X.shape == (n, 2) and y.shape == (n,) and np.isfinite(X).all()
    kind = dataset_kind(name)
    if kind == "regression":
        assert np.all(np.abs(y) <= 1.0)
    else:
        classes = 2 if kind == "binary" else 3
        assert set(np.unique(y)) <= set(range(classes))


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_binary_labels_are_zero_one_and_balanced(name):
    X, y = playground(name, n=2000, noise=0.0, rng=0)
    assert set(np.unique(y)) == {0, 1}
    share = y.mean()
    if name == "xor":  # labels follow the quadrant of a uniform point: about half each
        assert abs(share - 0.5) < 0.05
    else:  # generated class by class: exactly half each
        assert share == 0.5
    _, y_odd = playground(name, n=11, rng=0)
    assert y_odd.size == 11


def test_samples_are_shuffled():
    _, y = playground("gauss", n=200, rng=0)
    assert 0 < y[:100].mean() < 1


def test_circle_radii_at_zero_noise():
    X, y = playground("circle", n=2000, noise=0.0, rng=1)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert np.all(radius[y == 1] <= 2.5)
    assert np.all((radius[y == 0] >= 3.5) & (radius[y == 0] <= 5.0))
    # Radius is uniform on each interval: its mean is the midpoint.
    assert radius[y == 1].mean() == pytest.approx(1.25, abs=0.05)
    assert radius[y == 0].mean() == pytest.approx(4.25, abs=0.05)


def test_circle_noise_flips_labels_but_keeps_points_in_place():
    # Playground rule: the label is read at a displaced point, the stored point does not move.
    X, y = playground("circle", n=4000, noise=0.5, rng=2)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert np.all((radius <= 2.5) | ((radius >= 3.5) & (radius <= 5.0)))
    inner = radius <= 2.5
    wrong = np.mean(y[inner] == 0), np.mean(y[~inner] == 1)
    assert 0.05 < wrong[0] < 0.95 and 0.05 < wrong[1] < 0.95


def test_xor_padding_and_labels():
    X, y = playground("xor", n=3000, noise=0.0, rng=0)
    assert np.all(np.abs(X) >= 0.3) and np.all(np.abs(X) <= 5.3)
    assert np.abs(X).min() < 0.32 and np.abs(X).max() > 5.28  # the full padded range is used
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] > 0).astype(int))


def test_gauss_means_and_variance_growth():
    for noise, variance in [(0.0, 0.5), (0.5, 4.0), (0.25, 2.25)]:
        X, y = playground("gauss", n=8000, noise=noise, rng=5)
        np.testing.assert_allclose(X[y == 1].mean(axis=0), [2.0, 2.0], atol=0.1)
        np.testing.assert_allclose(X[y == 0].mean(axis=0), [-2.0, -2.0], atol=0.1)
        np.testing.assert_allclose(X[y == 1].var(axis=0), variance, rtol=0.08)


def test_spiral_arms_are_point_reflections():
    X, y = playground("spiral", n=400, noise=0.0, rng=0)
    arms = [X[y == label] for label in (0, 1)]
    arms = [arm[np.argsort(np.hypot(arm[:, 0], arm[:, 1]))] for arm in arms]
    np.testing.assert_allclose(arms[0], -arms[1], atol=1e-12)
    radius = np.hypot(arms[1][:, 0], arms[1][:, 1])
    np.testing.assert_allclose(radius, 5.0 * np.arange(200) / 200, atol=1e-12)
    # Class 1 is the Playground's positive arm: r (sin t, cos t) with t = 1.75 * 2 pi * r / 5.
    theta = 1.75 * 2 * np.pi * radius / 5
    expected = np.column_stack([radius * np.sin(theta), radius * np.cos(theta)])
    np.testing.assert_allclose(arms[1], expected, atol=1e-12)
    # With noise each coordinate moves by at most `noise`.
    Xn, yn = playground("spiral", n=400, noise=0.5, rng=0)
    armn = Xn[yn == 1]
    gaps = np.abs(armn[:, None, :] - arms[1][None, :, :]).max(axis=2).min(axis=1)
    assert gaps.max() <= 0.5


def test_plane_target():
    X, y = playground("plane", n=2000, noise=0.0, rng=0)
    assert np.all(np.abs(X) <= 6.0)
    np.testing.assert_allclose(y, np.clip((X[:, 0] + X[:, 1]) / 10, -1, 1))
    _, y_noisy = playground("plane", n=2000, noise=0.5, rng=0)
    assert np.abs(y_noisy - np.clip((X[:, 0] + X[:, 1]) / 10, -1, 1)).max() > 0.1


def test_multi_gauss_target_at_zero_noise():
    X, y = playground("multi_gauss", n=1500, noise=0.0, rng=0)
    bumps = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]
    for (px, py), target in zip(X, y, strict=True):
        best = 0.0
        for cx, cy, sign in bumps:
            d = ((px - cx) ** 2 + (py - cy) ** 2) ** 0.5
            value = sign * max(0.0, 1.0 - d / 2.0)
            if abs(value) > abs(best):
                best = value
        assert target == pytest.approx(best, abs=1e-12)
    assert y.min() < -0.8 and y.max() > 0.8


def test_blobs_multiclass():
    X, y = playground("blobs3", n=3000, noise=0.0, rng=0)
    assert sorted(np.unique(y)) == [0, 1, 2]
    assert np.bincount(y).tolist() == [1000, 1000, 1000]
    means = np.array([X[y == k].mean(axis=0) for k in range(3)])
    np.testing.assert_allclose(np.linalg.norm(means, axis=1), 3.0, atol=0.1)
    np.testing.assert_allclose(means.mean(axis=0), [0.0, 0.0], atol=0.1)
    X5, y5 = playground("blobs3", n=500, rng=0, n_classes=5)
    assert np.bincount(y5).tolist() == [100] * 5
    with pytest.raises(ValueError, match="n_classes"):
        playground("blobs3", n_classes=1)
    with pytest.raises(ValueError, match="cannot exceed"):
        playground("blobs3", n=2)
    with pytest.raises(ValueError, match="n_classes"):
        playground("circle", n_classes=3)


def _neighbour_disagreement(X, y):
    """Share of points whose nearest other point carries a different label."""
    _, index = cKDTree(X).query(X, k=2)
    return np.mean(y != y[index[:, 1]])


@pytest.mark.parametrize("name", CLASSIFIERS + ["blobs3"])
def test_noise_increases_label_overlap(name):
    clean = _neighbour_disagreement(*playground(name, n=1000, noise=0.0, rng=0))
    medium = _neighbour_disagreement(*playground(name, n=1000, noise=0.25, rng=0))
    noisy = _neighbour_disagreement(*playground(name, n=1000, noise=0.5, rng=0))
    assert clean < medium < noisy
    assert noisy > clean + 0.02


@pytest.mark.parametrize("noise", [-0.01, 0.51, 1.0, float("nan"), float("inf")])
def test_noise_outside_range_is_rejected(noise):
    with pytest.raises(ValueError, match="noise"):
        playground("circle", noise=noise)


@pytest.mark.parametrize("n", [0, 1, 2.5, True])
def test_bad_sample_count_is_rejected(n):
    with pytest.raises(ValueError, match="n"):
        playground("gauss", n=n)


def test_unknown_dataset_is_rejected():
    with pytest.raises(ValueError, match="spiral"):
        playground("moons")


# ------------------------------------------------------------------------------ features


def test_features_match_explicit_formulas():
    X = np.array([[0.5, -2.0], [3.0, 0.25], [-1.0, 1.0]])
    x1, x2 = X[:, 0], X[:, 1]
    expected = {
        "x1": x1,
        "x2": x2,
        "x1^2": x1 * x1,
        "x2^2": x2 * x2,
        "x1*x2": x1 * x2,
        "sin(x1)": np.sin(x1),
        "sin(x2)": np.sin(x2),
    }
    assert FEATURES == ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]
    full = features(X, FEATURES)
    assert full.shape == (3, 7)
    for column, name in enumerate(FEATURES):
        np.testing.assert_array_equal(full[:, column], expected[name])
    np.testing.assert_array_equal(features(X, ["x1*x2", "x1"]), np.column_stack([x1 * x2, x1]))
    assert features(X, ["sin(x2)"])[1, 0] == pytest.approx(0.24740395925452294)


@settings(max_examples=40, deadline=None)
@given(names=st.lists(st.sampled_from(FEATURES), min_size=1, unique=True), n=st.integers(1, 20))
def test_features_columns_follow_the_requested_order(names, n):
    X = np.linspace(-3.0, 3.0, 2 * n).reshape(n, 2)
    out = features(X, names)
    assert out.shape == (n, len(names)) and out.dtype == np.float64
    for column, name in enumerate(names):
        np.testing.assert_array_equal(
            out[:, column], features(X, FEATURES)[:, FEATURES.index(name)]
        )


def test_feature_labels_cover_every_feature():
    assert list(FEATURE_LABELS) == FEATURES
    assert FEATURE_LABELS["x1*x2"] == "x_1 x_2" and FEATURE_LABELS["sin(x1)"] == r"\sin(x_1)"


@pytest.mark.parametrize(
    "names,X,message",
    [
        ([], np.zeros((2, 2)), "at least one"),
        (["x3"], np.zeros((2, 2)), "unknown feature"),
        (["x1", "x1"], np.zeros((2, 2)), "repeat"),
        ("x1", np.zeros((2, 2)), "list"),
        (["x1"], np.zeros((2, 3)), "features"),
        (["x1"], np.array([[np.nan, 0.0]]), "NaN"),
    ],
)
def test_features_validation(names, X, message):
    with pytest.raises(ValueError, match=message):
        features(X, names)
