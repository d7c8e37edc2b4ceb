"""Registers the ``soak`` marker of the one long test here (``-m "not soak"`` skips it)."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "soak: the one long test (a minute of live frames at extreme settings)"
    )
