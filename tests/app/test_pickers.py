"""The shared optimizer and schedule pickers, driven through a tiny Streamlit script."""

from streamlit.testing.v1 import AppTest


def picker_script():
    import streamlit as st

    from core import optimizers
    from ui.pickers import make_schedule, optimizer_controls, schedule_controls

    name, lr, hyper = optimizer_controls("opt", default="sgd", lr_default=0.1)
    optimizer = optimizers.make(name, lr=lr, **hyper)
    schedule_name, kwargs = schedule_controls("opt", horizon=50)
    schedule = make_schedule(schedule_name, lr, kwargs)
    st.write(f"optimizer={optimizer!r}")
    st.write(f"lr_at_49={schedule(49) if schedule else lr}")


def test_each_optimizer_builds_with_its_controls():
    at = AppTest.from_function(picker_script).run()
    assert "SGD(lr=0.1" in at.markdown[0].value
    for name in ("momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"):
        at.selectbox(key="opt_name").set_value(name).run()
        assert not at.exception, name
        assert f"lr={0.1}" in at.markdown[0].value


def test_changed_hyper_parameters_reach_the_optimizer():
    at = AppTest.from_function(picker_script).run()
    at.selectbox(key="opt_name").set_value("adam").run()
    at.slider(key="opt_beta1").set_value(0.5).run()
    assert "betas=(0.5, 0.999)" in at.markdown[0].value


def test_schedules_change_the_rate():
    at = AppTest.from_function(picker_script).run()
    assert at.markdown[1].value == "lr_at_49=0.1"
    at.selectbox(key="opt_schedule").set_value("cosine").run()
    rate = float(at.markdown[1].value.split("=")[1])
    assert 0 < rate < 0.001  # near the end of a 50-epoch cosine
    at.selectbox(key="opt_schedule").set_value("step").run()
    assert float(at.markdown[1].value.split("=")[1]) < 0.1
