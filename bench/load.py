"""A class browsing the app: N sessions click through every page, on one server.

Each session is a light protocol-level client (bench/protocol.py), so the numbers are the
server's. Three measurements, one JSON line:

* ``alone``: one session runs each page REPEAT times after a warm-up; the median server
  time per page run (goal ≤ 0.15 s each);
* ``class``: SESSIONS sessions × every page × ROUNDS, with a think time drawn uniformly
  from 0 to 2 × THINK seconds before each click: errors, p50/p95 seconds per page run,
  page runs per second (goal p95 ≤ 1 s, 0 errors; with ``--think 0`` the runs per second
  measure saturation, goal ≥ 15);
* server memory (RSS) before the class, after it, and after every session has left
  (goal ≤ 8 MB per session, back within 20 % of the baseline; its own server forgets a
  closed session after SESSION_TTL_S seconds instead of Streamlit's default 120).

    python bench/load.py [--sessions 30] [--rounds 2] [--think 3] [--url http://host:port]

Without ``--url`` it starts its own ``streamlit run app.py`` on 127.0.0.1 and stops it at
the end (then RSS is reported); with ``--url`` it targets a running server or proxy.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import AppServer  # noqa: E402
from bench.protocol import Session, percentile  # noqa: E402

# Streamlit keeps a closed session's state for server.disconnectedSessionTTL seconds (120 by
# default, so a student whose Wi-Fi blinks gets their session back). The bench's own server
# uses a short TTL so "after they left" can be measured without waiting two minutes.
SESSION_TTL_S = 5
LEAVE_WAIT_S = 20.0


async def discover_pages(ws_url: str) -> list[str]:
    async with Session(ws_url) as session:
        home = await session.run("")
    return ["", *[page for page in home.pages if page]]


async def alone(ws_url: str, pages: list[str], repeat: int) -> dict[str, float]:
    """Median seconds per warm run of each page, one session, nothing else running."""
    medians = {}
    async with Session(ws_url) as session:
        for page in pages:
            await session.run(page)  # warm-up: first imports, caches
            times = [(await session.run(page)).seconds for _ in range(repeat)]
            medians[page or "home"] = round(statistics.median(times), 3)
    return medians


async def student(ws_url, pages, rounds, think, times, errors, k):
    try:
        async with Session(ws_url) as session:
            for _ in range(rounds):
                for page in pages:
                    await asyncio.sleep(random.uniform(0, 2 * think))
                    run = await session.run(page)
                    times.append(run.seconds)
                    if not run.ok:
                        problem = (run.exceptions or ["page not found"])[0]
                        errors.append(f"session {k} /{page}: {problem}")
    except Exception as error:  # a dropped connection is an error of the run, not a crash
        errors.append(f"session {k}: {type(error).__name__}: {str(error)[:120]}")


async def class_run(ws_url, pages, sessions, rounds, think, timeout_s):
    times, errors = [], []
    start = time.perf_counter()
    await asyncio.wait_for(
        asyncio.gather(
            *(student(ws_url, pages, rounds, think, times, errors, k) for k in range(sessions))
        ),
        timeout=timeout_s,
    )
    return times, errors, time.perf_counter() - start


def measure(args, ws_url: str, rss) -> dict:
    pages = asyncio.run(discover_pages(ws_url))
    result = {"sessions": args.sessions, "rounds": args.rounds, "think_s": args.think}
    result["pages"] = pages
    result["alone_s"] = asyncio.run(alone(ws_url, pages, args.repeat))
    result["rss_before_mb"] = rss()
    times, errors, wall = asyncio.run(
        class_run(ws_url, pages, args.sessions, args.rounds, args.think, args.timeout)
    )
    result["rss_after_mb"] = rss()
    time.sleep(LEAVE_WAIT_S)
    gc.collect()
    result["rss_after_leave_mb"] = rss()
    result.update(
        runs=len(times),
        runs_per_s=round(len(times) / wall, 2),
        wall_s=round(wall, 1),
        n_errors=len(errors),
        errors=errors[:5],
        p50_s=round(percentile(times, 0.5) or 0, 3),
        p95_s=round(percentile(times, 0.95) or 0, 3),
    )
    if result["rss_before_mb"] and result["rss_after_mb"]:
        grown = result["rss_after_mb"] - result["rss_before_mb"]
        result["mb_per_session"] = round(grown / args.sessions, 2)
        for key in ("rss_before_mb", "rss_after_mb", "rss_after_leave_mb"):
            result[key] = round(result[key] or 0)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--think", type=float, default=3.0, help="mean think time, seconds")
    parser.add_argument("--repeat", type=int, default=5, help="warm runs per page, alone")
    parser.add_argument("--timeout", type=float, default=300.0, help="bound on the class run")
    parser.add_argument("--url", help="a running server or proxy instead of a new server")
    args = parser.parse_args()
    if not 1 <= args.sessions <= 200:
        parser.error("--sessions must be between 1 and 200")
    if args.url:
        ws_url = args.url.rstrip("/").replace("http", "ws", 1) + "/_stcore/stream"
        result = measure(args, ws_url, rss=lambda: None)
    else:
        with AppServer(extra_args=[f"--server.disconnectedSessionTTL={SESSION_TTL_S}"]) as server:
            result = measure(args, server.ws_url, rss=server.rss_mb)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
