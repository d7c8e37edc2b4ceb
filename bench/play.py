"""A class pressing Play together on the live backprop trainer, on one server.

SESSIONS protocol-level clients (bench/protocol.py) open the trainer page, each with its
own settings in the URL (dataset and seed rotate through the class), wait until all have
loaded, press the button labelled "Play" together and then behave like a browser: every
automatic rerun the live fragment asks for is requested again as soon as the previous
frame has arrived and its interval has passed. Over WINDOW seconds it reports one JSON
line: live frames per second and epochs per second (the page's "Epoch" metric) per
session, median and minimum; KB per frame on the websocket; errors; and server memory.

Isolation is checked on every frame: a session's epoch counter starts near 0 after its
own Play and never goes backwards, which fails at once if two sessions shared a model.

    python bench/play.py [--sessions 30] [--window 20] [--query "hidden=8,8,8"] [--url ...]

Goals on a 2-core machine: 1 player ≥ 8 frames/s and ≥ 30 epochs/s; 10 players ≥ 4 and
≥ 25 each; 30 players ≥ 2 and ≥ 15 each; ≤ 40 KB per frame; 0 errors.
``--soak 600`` plays one session at extreme settings for that many seconds instead and
reports RSS growth (goal ≤ 10 %).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import AppServer  # noqa: E402
from bench.protocol import Session  # noqa: E402

PAGE = "backprop"
DATASETS = ("circle", "xor", "gauss", "spiral")
EXTREME = "lr=10&layers=16,16,16,16,16,16&feat=" + quote("x1,x2,x1^2,x2^2,x1*x2,sin(x1),sin(x2)")


def own_query(k: int, extra: str) -> str:
    """Session ``k``'s settings: its own dataset and seed, plus ``extra``."""
    query = f"data={DATASETS[k % len(DATASETS)]}&seed={k}"
    return f"{query}&{extra}" if extra else query


async def player(ws_url, k, query, start, window, results, errors):
    try:
        async with Session(ws_url) as session:
            first = await session.run(PAGE, query=query)
            if not first.ok or "Play" not in first.buttons:
                errors.append(f"session {k}: {first.exceptions[:1] or 'no Play button'}")
                return
            await start.wait()
            pressed = await session.press(PAGE, first.buttons["Play"])
            if not pressed.auto_reruns:
                errors.append(f"session {k}: no automatic rerun after Play")
                return
            fragment, interval = min(pressed.auto_reruns.items(), key=lambda item: item[1])
            epochs, frames, n_bytes = [], 0, 0
            began = time.perf_counter()
            while time.perf_counter() - began < window:
                tick = time.perf_counter()
                frame = await session.run(PAGE, fragment_id=fragment)
                frames, n_bytes = frames + 1, n_bytes + frame.n_bytes
                if not frame.ok:
                    errors.append(f"session {k}: {frame.exceptions[:1]}")
                    return
                epoch = frame.metric_number("Epoch")
                if epoch is not None:
                    if epochs and epoch < epochs[-1]:
                        errors.append(f"session {k}: epoch went back {epochs[-1]} -> {epoch}")
                        return
                    epochs.append(epoch)
                await asyncio.sleep(max(0.0, interval - (time.perf_counter() - tick)))
            elapsed = time.perf_counter() - began
            if not epochs:
                errors.append(f"session {k}: no Epoch metric in the live frames")
                return
            results.append(
                {
                    "fps": frames / elapsed,
                    "eps": (epochs[-1] - epochs[0]) / elapsed,
                    "kb_per_frame": n_bytes / max(frames, 1) / 1024,
                    "first_epoch": epochs[0],
                }
            )
    except Exception as error:
        errors.append(f"session {k}: {type(error).__name__}: {str(error)[:120]}")


async def play(ws_url, sessions, window, extra):
    results, errors, start = [], [], asyncio.Event()
    tasks = [
        asyncio.create_task(player(ws_url, k, own_query(k, extra), start, window, results, errors))
        for k in range(sessions)
    ]
    await asyncio.sleep(2 + 0.3 * sessions)  # let every session load its page first
    start.set()
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=window + 300)
    return results, errors


def summarise(results, errors, sessions) -> dict:
    def stat(key, fn, digits=2):
        values = [r[key] for r in results]
        return round(fn(values), digits) if values else 0

    return {
        "sessions": sessions,
        "ok_sessions": len(results),
        "n_errors": len(errors),
        "errors": errors[:5],
        "fps_median": stat("fps", statistics.median),
        "fps_min": stat("fps", min),
        "eps_median": stat("eps", statistics.median, 1),
        "eps_min": stat("eps", min, 1),
        "kb_per_frame": stat("kb_per_frame", statistics.median, 1),
        "max_first_epoch": stat("first_epoch", max, 0),
    }


def run(args, ws_url, rss) -> dict:
    before = rss()
    sessions, window, extra = args.sessions, args.window, args.query
    if args.soak:
        sessions, window, extra = 1, args.soak, EXTREME
    results, errors = asyncio.run(play(ws_url, sessions, window, extra))
    summary = summarise(results, errors, sessions)
    summary.update(window_s=window, query=extra, rss_before_mb=before, rss_after_mb=rss())
    if before and summary["rss_after_mb"]:
        summary["rss_growth"] = round(summary["rss_after_mb"] / before - 1, 3)
        summary["rss_before_mb"], summary["rss_after_mb"] = round(before), round(rss())
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--window", type=float, default=20.0, help="seconds of playing")
    parser.add_argument("--query", default="", help="extra URL settings for every session")
    parser.add_argument("--soak", type=float, default=0.0, help="seconds of one extreme player")
    parser.add_argument("--url", help="a running server or proxy instead of a new server")
    args = parser.parse_args()
    if not 1 <= args.sessions <= 200 or not 1 <= args.window <= 3600:
        parser.error("--sessions must be in 1..200 and --window in 1..3600")
    if args.url:
        ws_url = args.url.rstrip("/").replace("http", "ws", 1) + "/_stcore/stream"
        print(json.dumps(run(args, ws_url, rss=lambda: None)))
        return 0
    with AppServer() as server:
        print(json.dumps(run(args, server.ws_url, rss=server.rss_mb)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
