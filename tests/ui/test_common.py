"""ui.common: how a failure is shown to a person."""

from streamlit.testing.v1 import AppTest

from ui.common import error_message


def test_error_message_for_people_and_for_bugs():
    assert error_message(ValueError("column 'Vdd_min' has text in rows 3, 9")) == (
        "column 'Vdd_min' has text in rows 3, 9"
    )
    assert error_message(KeyError("W0")) == "Unexpected KeyError: 'W0'"
    assert error_message(ZeroDivisionError()) == "Unexpected ZeroDivisionError."


def _error_script():
    from ui.common import show_error

    show_error(ValueError("learning rate must be positive, got -1"), context="Could not train")


def test_show_error_renders_an_error_box():
    at = AppTest.from_function(_error_script).run()
    assert not at.exception
    assert len(at.error) == 1
    assert at.error[0].value == "**Could not train.** learning rate must be positive, got -1"
