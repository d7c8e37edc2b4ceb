"""ui.common: query-string settings and error display."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st_
from streamlit.testing.v1 import AppTest

from ui.common import coerce, encode, error_message, parse_bool, parse_int_list


@pytest.mark.parametrize(
    ("text", "expected"),
    [("true", True), ("True", True), ("1", True), ("yes", True), ("on", True)]
    + [("false", False), ("FALSE", False), ("0", False), ("no", False), (" off ", False)],
)
def test_parse_bool_words(text, expected):
    assert parse_bool(text) is expected


def test_parse_bool_rejects_other_words():
    with pytest.raises(ValueError, match="maybe"):
        parse_bool("maybe")


def test_coerce_missing_key_gives_default():
    assert coerce(None, 0.03) == 0.03


@pytest.mark.parametrize(
    ("raw", "default", "expected"),
    [
        ("0.5", 0.1, 0.5),
        ("1e-3", 0.1, 0.001),
        ("12", 3, 12),
        ("false", True, False),
        ("true", False, True),
        ("spiral", "circle", "spiral"),
    ],
)
def test_coerce_casts_to_the_type_of_the_default(raw, default, expected):
    value = coerce(raw, default)
    assert value == expected
    assert type(value) is type(default)


@pytest.mark.parametrize(
    ("raw", "default"),
    [("abc", 0.1), ("nan", 0.1), ("inf", 0.1), ("-inf", 2.0), ("2.5", 3), ("maybe", True)],
)
def test_coerce_bad_text_gives_default(raw, default):
    assert coerce(raw, default) == default


def test_coerce_explicit_bool_cast_is_strict():
    # bool("false") would be True; the explicit cast must read the word.
    assert coerce("false", True, cast=bool) is False
    assert coerce("nan", 1.0, cast=float) == 1.0


def test_coerce_choices():
    names = ("circle", "xor", "gauss", "spiral")
    assert coerce("xor", "circle", choices=names) == "xor"
    assert coerce("moons", "circle", choices=names) == "circle"


def test_coerce_custom_cast():
    assert coerce("8,8,4", [4], cast=parse_int_list) == [8, 8, 4]
    assert coerce("8,x", [4], cast=parse_int_list) == [4]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "true"),
        (False, "false"),
        (0.1, "0.1"),
        (1e-05, "1e-05"),
        (3, "3"),
        ("relu", "relu"),
        ([8, 8, 4], "8,8,4"),
        ((2,), "2"),
        (np.float64(0.25), "0.25"),
        (np.int64(7), "7"),
        (np.bool_(True), "true"),
    ],
)
def test_encode(value, text):
    assert encode(value) == text


@given(st_.floats(allow_nan=False, allow_infinity=False))
def test_float_round_trip(value):
    assert coerce(encode(value), 1.0) == value


@given(st_.lists(st_.integers(min_value=0, max_value=10_000), max_size=6))
def test_int_list_round_trip(values):
    assert coerce(encode(values), [1], cast=parse_int_list) == values


def test_error_message_for_people_and_for_bugs():
    assert error_message(ValueError("column 'Vdd_min' has text in rows 3, 9")) == (
        "column 'Vdd_min' has text in rows 3, 9"
    )
    assert error_message(KeyError("W0")) == "Unexpected KeyError: 'W0'"
    assert error_message(ZeroDivisionError()) == "Unexpected ZeroDivisionError."


def _settings_script():
    import streamlit as st

    from ui.common import qp_get, qp_sync

    learning_rate = qp_get("lr", 0.03)
    dataset = qp_get("dataset", "circle", choices=("circle", "xor"))
    noisy = qp_get("noisy", False)
    st.write(f"lr={learning_rate!r} dataset={dataset} noisy={noisy}")
    qp_sync({"lr": learning_rate * 2, "dataset": dataset, "noisy": noisy, "stale": None})


def test_qp_get_and_sync_through_streamlit():
    at = AppTest.from_function(_settings_script)
    at.query_params["lr"] = "0.1"
    at.query_params["dataset"] = "moons"
    at.query_params["noisy"] = "yes"
    at.query_params["stale"] = "1"
    at.run()
    assert not at.exception
    assert at.markdown[0].value == "lr=0.1 dataset=circle noisy=True"
    assert at.query_params["lr"] == "0.2"
    assert at.query_params["dataset"] == "circle"
    assert at.query_params["noisy"] == "true"
    assert "stale" not in at.query_params


def _error_script():
    from ui.common import show_error

    show_error(ValueError("learning rate must be positive, got -1"), context="Could not train")


def test_show_error_renders_an_error_box():
    at = AppTest.from_function(_error_script).run()
    assert not at.exception
    assert len(at.error) == 1
    assert at.error[0].value == "**Could not train.** learning rate must be positive, got -1"


def _clamped_script():
    import streamlit as st

    from ui.common import qp_clamped

    st.write(f"noise={qp_clamped('noise', 0, 0, 50)} ratio={qp_clamped('ratio', 50, 10, 90)}")


def test_qp_clamped_keeps_edited_links_inside_the_widget_range():
    at = AppTest.from_function(_clamped_script)
    at.query_params["noise"] = "500"
    at.query_params["ratio"] = "-3"
    at.run()
    assert at.markdown[0].value == "noise=50 ratio=10"
    at = AppTest.from_function(_clamped_script)
    at.query_params["noise"] = "20"
    at.run()
    assert at.markdown[0].value == "noise=20 ratio=50"
