"""Figures of the yield page: traces, data and marked points, checked against hand counts.

Every builder returns a plain dict; :func:`shown` checks it is one and validates it
property by property with Plotly, as ``st.plotly_chart`` would for a dict."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from core import metrics
from viz import figures, yield_data, yield_evaluation, yield_model, yield_scores, yield_style
from yieldmodel import drift
from yieldmodel.evaluation import evaluate


def shown(spec) -> go.Figure:
    """``spec`` validated by Plotly (a bad property raises), for attribute-style checks."""
    assert isinstance(spec, dict) and set(spec) == {"data", "layout"}
    return go.Figure(spec)


def test_class_balance_counts_and_shares():
    figure = shown(yield_data.class_balance_figure(np.array([0, 0, 0, 1])))
    (bar,) = figure.data
    assert list(bar.x) == ["pass", "fail"]
    assert list(bar.y) == [3, 1]
    assert bar.text == ("3<br>75.0%", "1<br>25.0%")
    with pytest.raises(ValueError, match="0 \\(pass\\) and 1 \\(fail\\)"):
        shown(yield_data.class_balance_figure(np.array([0, 2])))


def test_feature_distributions_are_shares_of_each_class():
    frame = pd.DataFrame({"a": [0.0, 0.0, 1.0, 1.0, 1.0], "b": [1.0, 2.0, 3.0, 4.0, np.nan]})
    y = np.array([0, 0, 0, 1, 1])
    figure = shown(
        yield_data.feature_distributions_figure(frame, ["a", "b"], y, units={"a": "V"}, n_bins=2)
    )
    assert len(figure.data) == 4
    pass_a, fail_a, pass_b, fail_b = figure.data
    np.testing.assert_allclose(pass_a.y, [2 / 3, 1 / 3])  # two of three pass rows at 0
    np.testing.assert_allclose(fail_a.y, [0.0, 1.0])
    np.testing.assert_allclose(fail_b.y, [0.0, 1.0])  # the NaN is left out
    assert (
        pass_a.line.color == yield_style.PASS_COLOUR
        and fail_a.line.color == yield_style.FAIL_COLOUR
    )
    titles = [annotation.text for annotation in figure.layout.annotations]
    assert titles == ["a [V]", "b"]


def test_correlation_heatmap_has_a_fixed_range():
    figure = shown(yield_data.correlation_figure(np.array([[1.0, -0.5], [-0.5, 1.0]]), ["x", "y"]))
    heatmap = figure.data[0]
    assert (heatmap.zmin, heatmap.zmax) == (-1.0, 1.0)
    assert list(heatmap.x) == ["x", "y"]
    with pytest.raises(ValueError, match="shape"):
        shown(yield_data.correlation_figure(np.eye(3), ["x", "y"]))


def test_confusion_matrix_colours_by_share_of_the_true_class():
    figure = shown(yield_evaluation.confusion_figure([[50, 5], [3, 42]]))
    heatmap = figure.data[0]
    assert list(heatmap.x) == ["predicted pass", "predicted fail"]
    assert list(heatmap.y) == ["true pass", "true fail"]
    np.testing.assert_allclose(heatmap.z, [[50 / 55, 5 / 55], [3 / 45, 42 / 45]])
    assert heatmap.text[1][0] == "<b>3</b><br>7%<br>escape"
    assert heatmap.text[0][1] == "<b>5</b><br>9%<br>yield loss"
    with pytest.raises(ValueError, match="shape"):
        shown(yield_evaluation.confusion_figure([[1, 2, 3]]))


@pytest.fixture
def scores():
    y = np.array([0, 0, 0, 0, 1, 1, 1, 0, 1, 0])
    proba = np.array([0.1, 0.2, 0.3, 0.45, 0.5, 0.7, 0.9, 0.8, 0.35, 0.05])
    return y, proba


def test_roc_marks_the_operating_point_of_the_threshold(scores):
    y, proba = scores
    report = metrics.binary_report(y, proba, 0.4)
    fpr, tpr, _ = metrics.roc_curve(y, proba)
    figure = shown(
        yield_evaluation.roc_figure(fpr, tpr, report["roc_auc"], report["confusion"], 0.4)
    )
    chance, curve, point = figure.data
    np.testing.assert_allclose(curve.x, fpr)
    # At 0.4: flagged 0.45, 0.5, 0.7, 0.9, 0.8 -> 3 of 4 fails caught, 2 of 6 passes flagged.
    assert point.x == (pytest.approx(2 / 6),) and point.y == (pytest.approx(3 / 4),)
    assert "0.40" in point.name and f"{report['roc_auc']:.3f}" in curve.name
    assert list(chance.x) == [0, 1] and list(chance.y) == [0, 1]


def test_pr_curve_point_and_baseline(scores):
    y, proba = scores
    report = metrics.binary_report(y, proba, 0.4)
    precision, recall, _ = metrics.pr_curve(y, proba)
    figure = shown(
        yield_evaluation.pr_figure(
            precision, recall, report["pr_auc"], report["confusion"], 0.4, 0.4
        )
    )
    baseline, curve, point = figure.data
    assert list(baseline.y) == [0.4, 0.4]
    np.testing.assert_allclose(curve.x, recall)
    assert point.x == (pytest.approx(3 / 4),) and point.y == (pytest.approx(3 / 5),)


def test_operating_point_without_flags_has_precision_one():
    figure = shown(yield_evaluation.pr_figure([1.0], [0.0], 0.5, [[5, 0], [5, 0]], 0.99, 0.5))
    point = figure.data[-1]
    assert point.x == (0.0,) and point.y == (1.0,)


def test_probability_histogram_counts_each_class_and_marks_the_threshold(scores):
    y, proba = scores
    figure = shown(yield_evaluation.probability_histogram_figure(proba, y, 0.6))
    passes, fails = figure.data
    assert passes.y.sum() == 6 and fails.y.sum() == 4
    bin_of_0_9 = int(0.9 / 0.025)
    assert fails.y[bin_of_0_9] == 1
    (line,) = figure.layout.shapes
    assert line.x0 == line.x1 == 0.6


def test_score_histogram_splits_at_the_threshold_and_skips_nan():
    proba = np.array([0.1, 0.12, 0.55, 0.95, np.nan])
    figure = shown(yield_scores.score_histogram_figure(proba, 0.5))
    predicted_pass, predicted_fail = figure.data
    assert predicted_pass.y.sum() == 2 and predicted_fail.y.sum() == 2
    assert (np.asarray(predicted_pass.x) < 0.5).all() and (
        np.asarray(predicted_fail.x) >= 0.5
    ).all()


def test_weight_histograms_one_panel_per_layer():
    generator = np.random.default_rng(0)
    weights = [generator.normal(size=(20, 8)), generator.normal(size=(8, 1))]
    figure = shown(yield_model.weight_histograms_figure(weights, n_bins=10))
    assert [annotation.text for annotation in figure.layout.annotations] == [
        "W0: 20→8",
        "W1: 8→1",
    ]
    assert figure.data[0].y.sum() == 160 and figure.data[1].y.sum() == 8


def test_loss_curves_call_the_held_out_rows_validation():
    history = {"epoch": [1, 2], "loss": [0.7, 0.5], "val_loss": [0.72, 0.6]}
    figure = shown(yield_model.loss_figure(history))
    assert [trace.name for trace in figure.data] == ["training loss", "validation loss"]
    np.testing.assert_allclose(figure.data[1].y, [0.72, 0.6])


def test_training_charts_say_so_when_no_epoch_finished():
    empty = {"epoch": [], "loss": [], "val_loss": [], "grad_norms": []}
    for figure in (
        shown(yield_model.loss_figure(empty)),
        shown(yield_model.gradient_norms_figure(empty, [20, 1])),
    ):
        assert not figure.data
        assert figure.layout.annotations[0].text == "No epoch was completed."


def test_gradient_norms_named_by_layer_shape():
    history = {"epoch": [1, 2], "grad_norms": [[0.5, 0.1], [0.4, 0.05]]}
    figure = shown(yield_model.gradient_norms_figure(history, [20, 64, 1]))
    assert [trace.name for trace in figure.data] == ["W0: 20→64", "W1: 64→1"]
    np.testing.assert_allclose(figure.data[1].y, [0.1, 0.05])
    assert figure.layout.yaxis.type == "log"


def test_experiment_bars_show_the_gap():
    table = pd.DataFrame(
        {
            "setting": ["None", "L2"],
            "train accuracy": [0.99, 0.92],
            "validation accuracy": [0.85, 0.88],
            "gap": [0.14, 0.04],
        }
    )
    train, validation = shown(yield_model.experiment_figure(table)).data
    assert list(train.y) == [0.99, 0.92]
    assert validation.text == ("gap +14.0%", "gap +4.0%")


def test_drift_bars_coloured_by_band():
    generator = np.random.default_rng(0)
    train = generator.normal(size=(2000, 3))
    new = generator.normal(size=(2000, 3)) + np.array([0.0, 0.6, 2.0])
    new[:, 0] = np.nan
    table = drift.check(drift.reference(train, ["a", "b", "c"]), new, ["a", "b", "c"])
    figure = shown(yield_scores.drift_figure(table))
    (bar,) = figure.data
    colours = dict(zip(bar.y, bar.marker.color))
    assert colours["c"] == yield_scores.DRIFT_COLOURS["major shift"]
    assert colours["a"] == yield_scores.DRIFT_COLOURS["no data"]
    assert bar.y[-1] == table.loc[0, "feature"]  # largest PSI drawn on top
    assert [shape.x0 for shape in figure.layout.shapes] == [0.1, 0.25]
    assert isinstance(figure, go.Figure)


def test_evaluation_and_model_bundles_hold_every_figure(scores):
    y, proba = scores
    view = evaluate(y, proba, 0.4, 0.75)
    figures = yield_evaluation.evaluation_figures(view, y, proba, fail_share=0.4)
    assert set(figures) == {"confusion", "roc", "pr", "probability"}
    for spec in figures.values():
        shown(spec)
    point = shown(figures["roc"]).data[-1]
    assert point.x == (pytest.approx(2 / 6),) and "0.40" in point.name


def test_a_cached_spec_is_drawn_as_it_is():
    spec = yield_data.class_balance_figure(np.array([0, 1, 1]))
    prebuilt = figures.PrebuiltFigure(spec)
    assert prebuilt.to_dict() is spec
