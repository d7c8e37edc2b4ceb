"""Serve the app to a lab or a department: K Streamlit replicas behind HAProxy.

One Python process runs every session's script under one interpreter lock, so a class
larger than one process can hold is spread over K processes (one per core by default),
each `streamlit run app.py` on its own 127.0.0.1 port, with HAProxy in front
(deploy/haproxy.cfg: sticky sessions by an inserted cookie, websocket tunnel timeouts,
health checks on /_stcore/health).

    python deploy/serve.py                       # K = number of cores, port 8501
    python deploy/serve.py --replicas 4 --port 8080

Students open http://<this machine's address>:<port>/. Ctrl+C stops HAProxy and every
replica. The replicas share one cookie secret, so Streamlit's XSRF protection stays on and
still accepts a browser that was moved to another replica.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = Path(__file__).resolve().parent / "haproxy.cfg"
INSTALL_HINT = (
    "HAProxy is not installed. On Debian or Ubuntu: `sudo apt-get install haproxy` "
    "(version 2.6 or newer), then run this command again."
)


def haproxy_binary() -> str | None:
    """HAProxy's path; Debian puts it in /usr/sbin, which a normal user's PATH may lack."""
    found = shutil.which("haproxy")
    if found is None and Path("/usr/sbin/haproxy").is_file():
        found = "/usr/sbin/haproxy"
    return found


def streamlit_command(port: int) -> list[str]:
    """``streamlit run app.py`` on 127.0.0.1:``port``: headless, no usage statistics, no
    file watcher. Every server this project starts (replicas, benchmarks, browser tests)
    is started with these flags."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
    ]


def haproxy_config(replica_ports: list[int]) -> str:
    """deploy/haproxy.cfg with one ``server`` line per replica."""
    lines = [
        f"    server r{index} 127.0.0.1:{port} cookie r{index}"
        for index, port in enumerate(replica_ports, start=1)
    ]
    return CONFIG.read_text(encoding="utf-8").rstrip() + "\n" + "\n".join(lines) + "\n"


def wait_healthy(url: str, process: subprocess.Popen, timeout_s: float = 90.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} was not healthy after {timeout_s:.0f} s")


class Cluster:
    """K replicas and HAProxy; ``start()`` returns once the proxy answers, ``stop()``
    stops every process it started.

    Parameters
    ----------
    replicas : int
    port : int
        Where HAProxy listens.
    address : str
        Interface HAProxy binds to ("0.0.0.0" for the whole network).
    base_port : int
        First replica port; replica k listens on ``base_port + k`` on 127.0.0.1.
    log_dir : path, optional
        Where each process's output goes (discarded when not given).
    """

    def __init__(self, replicas, port, address="0.0.0.0", base_port=None, log_dir=None):
        if replicas < 1:
            raise ValueError(f"replicas must be at least 1, got {replicas}")
        self.replica_ports = [(base_port or port + 100) + k for k in range(replicas)]
        self.port, self.address = port, address
        self.log_dir = Path(log_dir) if log_dir else None
        self.replicas: list[subprocess.Popen] = []
        self.proxy: subprocess.Popen | None = None
        self.url = f"http://127.0.0.1:{port}"

    def _output(self, name: str):
        if self.log_dir is None:
            return subprocess.DEVNULL
        return open(self.log_dir / f"{name}.log", "w", encoding="utf-8")  # noqa: SIM115

    def start(self) -> Cluster:
        self.haproxy = haproxy_binary()
        if self.haproxy is None:
            raise FileNotFoundError(INSTALL_HINT)
        cookie_secret = secrets.token_hex(32)
        # Streamlit takes the secret only from a file or the environment, never a flag.
        env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret,
        }
        try:
            for index, port in enumerate(self.replica_ports, start=1):
                self.replicas.append(
                    subprocess.Popen(
                        streamlit_command(port),
                        cwd=ROOT,
                        stdout=self._output(f"replica{index}"),
                        stderr=subprocess.STDOUT,
                        env=env,
                    )
                )
            for port, process in zip(self.replica_ports, self.replicas):
                wait_healthy(f"http://127.0.0.1:{port}", process)
            self._start_proxy(env)
        except BaseException:
            self.stop()
            raise
        return self

    def _start_proxy(self, env: dict) -> None:
        config_dir = Path(tempfile.mkdtemp(prefix="nn-haproxy-"))
        config = config_dir / "haproxy.cfg"
        config.write_text(haproxy_config(self.replica_ports), encoding="utf-8")
        check = subprocess.run(
            [self.haproxy, "-c", "-q", "-f", str(config)],
            env={**env, "NN_BIND": f"{self.address}:{self.port}"},
            capture_output=True,
            text=True,
        )
        if check.returncode != 0:
            raise RuntimeError(f"HAProxy rejected its configuration:\n{check.stderr}")
        self.proxy = subprocess.Popen(
            [self.haproxy, "-db", "-f", str(config)],
            env={**env, "NN_BIND": f"{self.address}:{self.port}"},
            stdout=self._output("haproxy"),
            stderr=subprocess.STDOUT,
        )
        wait_healthy(self.url, self.proxy, timeout_s=20)

    def kill_replica(self, index: int) -> None:
        """Stop replica ``index`` (1-based) at once, as a crash would."""
        process = self.replicas[index - 1]
        process.kill()
        process.wait(timeout=10)

    def stop(self) -> None:
        for process in [self.proxy, *self.replicas]:
            if process is not None and process.poll() is None:
                process.terminate()
        for process in [self.proxy, *self.replicas]:
            if process is None:
                continue
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _interrupt(*_signal) -> None:
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replicas", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--address", default="0.0.0.0", help="interface HAProxy listens on")
    parser.add_argument("--base-port", type=int, default=None, help="first replica's port")
    args = parser.parse_args()
    cluster = Cluster(args.replicas, args.port, args.address, args.base_port)
    try:
        cluster.start()
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 2
    print(
        f"Serving {args.replicas} replicas behind HAProxy on {args.address}:{args.port} "
        f"(replicas on 127.0.0.1:{cluster.replica_ports[0]}-{cluster.replica_ports[-1]}). "
        "Ctrl+C stops everything.",
        flush=True,
    )
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        # A replica that dies loses only its own students (HAProxy sends them elsewhere);
        # the service ends when the proxy or every replica has gone.
        while cluster.proxy.poll() is None and any(p.poll() is None for p in cluster.replicas):
            time.sleep(1)
        print("HAProxy or every replica stopped; shutting down.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
