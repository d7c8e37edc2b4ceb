"""Starting and stopping the app for benchmarks and browser tests, in one place.

:class:`AppServer` runs ``streamlit run app.py`` on a free 127.0.0.1 port, waits for
``/_stcore/health`` and stops exactly the process it started. The browser tests
(tests/e2e/conftest.py) and the benchmarks (bench/live_fps.py, load.py, play.py) all use it,
so a server is always started with the same flags. Nothing here is imported by the app.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from deploy.serve import ROOT, streamlit_command

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0


class ServerError(RuntimeError):
    """The server exited or never became healthy; the message ends with its log."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_mb(pid: int) -> float | None:
    """Resident memory of process ``pid`` in MB (None once it has gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class AppServer:
    """``streamlit run app.py`` on 127.0.0.1; use as a context manager.

    Parameters
    ----------
    log_path : path, optional
        Where the server's output goes (discarded when not given).
    extra_args : sequence of str
        More ``--section.option=value`` flags.
    """

    def __init__(self, log_path: Path | None = None, extra_args=()):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/_stcore/stream"
        self.log_path = log_path
        self.extra_args = list(extra_args)
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        return [*streamlit_command(self.port), *self.extra_args]

    def start(self) -> AppServer:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        log = open(self.log_path, "w", encoding="utf-8") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        try:
            self.process = subprocess.Popen(
                self.command(), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env
            )
        finally:
            if self.log_path:
                log.close()
        self._wait_until_healthy()
        return self

    def _log_tail(self, n_chars: int = 4000) -> str:
        if not self.log_path or not Path(self.log_path).exists():
            return "(no log)"
        return Path(self.log_path).read_text(encoding="utf-8", errors="replace")[-n_chars:]

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(
                    f"streamlit exited with code {self.process.returncode}:\n{self._log_tail()}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        self.stop()
        raise ServerError(f"streamlit was not healthy after {START_TIMEOUT_S:.0f} s")

    def rss_mb(self) -> float | None:
        return rss_mb(self.process.pid) if self.process else None

    def stop(self) -> None:
        """Stop the process this object started (and only it)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT_S)

    def __enter__(self) -> AppServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# ---------------------------------------------------------------------------------------------
# A page in chromium (Playwright's Page)
# ---------------------------------------------------------------------------------------------

APP_TIMEOUT_MS = 60_000
_APP = '[data-testid="stApp"]'


def wait_for_app(page, timeout_ms: int = APP_TIMEOUT_MS) -> None:
    """Wait until Streamlit is connected and its script run has finished.

    Streamlit marks its root element with ``data-test-connection-state`` and
    ``data-test-script-state``; the latter is ``initial`` before the first run starts,
    ``running`` during it and ``notRunning`` after it.
    """
    page.wait_for_selector(
        f'{_APP}[data-test-connection-state="CONNECTED"]', state="attached", timeout=timeout_ms
    )
    page.wait_for_selector(
        f'{_APP}[data-test-script-state="notRunning"]', state="attached", timeout=timeout_ms
    )
    page.locator('[data-testid="stMain"]').wait_for(state="visible", timeout=timeout_ms)


def wait_for_plotly(page, min_count: int = 1, timeout_ms: int = APP_TIMEOUT_MS) -> None:
    """Wait until at least ``min_count`` Plotly charts have drawn."""
    page.wait_for_function(
        "n => [...document.querySelectorAll('.js-plotly-plot')]"
        ".filter(chart => chart.querySelector('.main-svg')).length >= n",
        arg=min_count,
        timeout=timeout_ms,
    )
