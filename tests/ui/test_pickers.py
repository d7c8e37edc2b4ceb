"""The shared optimizer and schedule pickers, driven through a tiny Streamlit script."""

from streamlit.testing.v1 import AppTest


def picker_script():
    import streamlit as st

    from core import schedules
    from ui import pickers
    from ui import urlstate as url

    schema = url.UrlSchema(
        "probe",
        pickers.optimizer_fields("", name="sgd", lr=0.1) + pickers.schedule_fields(""),
    )
    url.bind(schema)
    spec = pickers.optimizer_controls(schema, "")
    optimizer = spec.build()
    schedule_name, kwargs = pickers.schedule_controls(schema, "", horizon=50)
    rate = schedules.make(schedule_name, spec.lr, **kwargs)(49)
    st.write(f"optimizer={optimizer!r}")
    st.write(f"lr_at_49={rate}")
    url.sync(schema)


def run(**query) -> AppTest:
    at = AppTest.from_function(picker_script)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def test_each_optimizer_builds_with_its_controls():
    at = run()
    assert "SGD(lr=0.1" in at.markdown[0].value
    for name in ("momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"):
        at.selectbox(key="probe.opt").set_value(name).run()
        assert not at.exception, name
        assert f"lr={0.1}" in at.markdown[0].value


def test_changed_hyper_parameters_reach_the_optimizer_and_the_url():
    at = run()
    at.selectbox(key="probe.opt").set_value("adam").run()
    at.slider(key="probe.adam_beta1").set_value(0.5).run()
    assert "betas=(0.5, 0.999)" in at.markdown[0].value
    assert at.query_params["adam_beta1"] == "0.5"
    assert at.query_params["opt"] == "adam"


def test_a_link_restores_the_optimizer_and_its_settings():
    at = run(opt="RMSprop", lr="0.3", rmsprop_alpha="0.9", rmsprop_centered="true")
    assert not at.exception and not at.warning
    text = at.markdown[0].value
    assert "RMSprop(lr=0.3" in text and "alpha=0.9" in text and "centered=True" in text


def test_a_bad_link_opens_with_defaults_and_a_note():
    at = run(opt="lion", lr="abc", sgd_momentum="7")
    assert not at.exception
    assert "SGD(lr=0.1" in at.markdown[0].value and "momentum=0.99" in at.markdown[0].value
    note = at.warning[0].value
    assert "`opt=lion` ignored" in note and "`lr=abc` ignored" in note and "sgd_momentum" in note


def test_schedules_change_the_rate():
    at = run()
    assert at.markdown[1].value == "lr_at_49=0.1"
    at.selectbox(key="probe.sched").set_value("cosine").run()
    rate = float(at.markdown[1].value.split("=")[1])
    assert 0 < rate < 0.001  # near the end of a 50-epoch cosine
    at.selectbox(key="probe.sched").set_value("step").run()
    assert float(at.markdown[1].value.split("=")[1]) < 0.1
