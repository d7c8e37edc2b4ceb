"""ui.urlstate: one declaration parses the URL and writes it back, repairing what it must."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ui import urlstate as url

SCHEMA = url.UrlSchema(
    "probe",
    (
        url.choice("gate", "and", ["and", "or", "xor"]),
        url.number("lr", 0.1, low=1e-5, high=10.0),
        url.integer("epochs", 20, low=1, high=500),
        url.boolean("bias", True),
        url.choice("per_frame", "auto", ["auto", 1, 2, 5]),
        url.choices("opts", ["sgd", "adam"], ["sgd", "momentum", "adam"], min_count=1),
        url.numbers("hidden", [4, 2], low=1, high=8, count=(0, 6), cast=int),
        url.text("start", ""),
    ),
)

valid_states = st.fixed_dictionaries(
    {
        "gate": st.sampled_from(["and", "or", "xor"]),
        "lr": st.floats(1e-5, 10.0, allow_nan=False),
        "epochs": st.integers(1, 500),
        "bias": st.booleans(),
        "per_frame": st.sampled_from(["auto", 1, 2, 5]),
        "opts": st.lists(st.sampled_from(["sgd", "momentum", "adam"]), min_size=1, unique=True),
        "hidden": st.lists(st.integers(1, 8), max_size=6),
        "start": st.text(st.characters(blacklist_categories=["Cs"]), max_size=50),
    }
)


@given(valid_states)
def test_any_valid_state_round_trips_through_the_url(state):
    parsed, notes = SCHEMA.parse(SCHEMA.encode(state))
    assert notes == []
    assert parsed == state


@given(st.dictionaries(st.text(max_size=12), st.text(max_size=30), max_size=10))
def test_any_garbage_query_gives_a_valid_state(query):
    state, notes = SCHEMA.parse(query)
    # Whatever came in, what goes out is valid: it round-trips without a note.
    again, second_notes = SCHEMA.parse(SCHEMA.encode(state))
    assert again == state and second_notes == []
    assert all(isinstance(note, str) and note for note in notes)


def test_absent_keys_take_the_defaults_silently():
    assert SCHEMA.parse({}) == (SCHEMA.defaults, [])


def test_choices_ignore_case_and_mixed_types_match_their_text():
    state, notes = SCHEMA.parse({"gate": "XOR", "per_frame": "5", "opts": "ADAM,Sgd,adam"})
    assert (state["gate"], state["per_frame"], state["opts"]) == ("xor", 5, ["adam", "sgd"])
    assert notes == []


def test_rejected_values_fall_back_to_the_default_with_a_note():
    state, notes = SCHEMA.parse({"gate": "nand", "lr": "nan", "bias": "maybe", "epochs": "2.5"})
    assert state["gate"] == "and" and state["lr"] == 0.1
    assert state["bias"] is True and state["epochs"] == 20
    assert len(notes) == 4
    assert "`gate=nand` ignored (not one of and, or, xor)" in notes[0]
    assert "finite" in notes[1] and "whole" in notes[2] and "true or false" in notes[3]


def test_numbers_out_of_range_are_clamped_with_a_note():
    state, notes = SCHEMA.parse({"lr": "1e9", "epochs": "0", "hidden": "3,99,0"})
    assert state["lr"] == 10.0 and state["epochs"] == 1 and state["hidden"] == [3, 8, 1]
    assert notes == [
        "`lr=1e9`: above the largest allowed value, 10.0",
        "`epochs=0`: below the smallest allowed value, 1",
        "`hidden=3,99,0`: above the largest allowed value, 8; below the smallest allowed value, 1",
    ]


def test_unknown_keys_are_named():
    _, notes = SCHEMA.parse({"lrr": "0.1", "zzz": ""})
    assert notes == ["unknown settings ignored: `lrr`, `zzz`"]


def test_floats_are_written_exactly():
    text = SCHEMA.encode({"lr": 0.1 + 0.2})["lr"]
    assert float(text) == 0.1 + 0.2 and not math.isnan(float(text))


def test_schema_refuses_duplicate_keys_and_bad_defaults():
    with pytest.raises(ValueError, match="duplicate"):
        url.UrlSchema("x", (url.boolean("a", True), url.boolean("a", False)))
    with pytest.raises(ValueError, match="not among its options"):
        url.choice("gate", "nand", ["and", "or"])
    with pytest.raises(KeyError):
        SCHEMA.widget_key("nope")
    assert SCHEMA.widget_key("lr") == "probe.lr"


def test_numeric_choices_match_the_same_number_written_another_way():
    field = url.choice("lr", 0.001, [1e-5, 0.001, 0.1, 10.0])
    assert field.parse("1e-3") == (0.001, None)
    assert field.parse("10") == (10.0, None)
    assert field.parse("0.0010") == (0.001, None)
    value, note = field.parse("0.002")
    assert value == 0.001 and "not one of" in note
    mixed = url.choice("per_frame", "auto", ["auto", 1, 2, 5])
    assert mixed.parse("5.0") == (5, None) and mixed.parse("AUTO") == ("auto", None)
