"""Frames painted per second: st.plotly_chart redraws vs live_chart (Plotly.react in place).

Serves bench/live_chart_demo_app.py once and opens it in headless Chromium once per mode and
round; the modes are interleaved (rotated each round) and the median of the rounds is reported.
In each window the page counts, on every animation frame, whether the boundary heatmap's
<image> (node or pixels) differs from the last frame: that is a boundary frame painted, counted
the same way for every mode. Websocket messages are decoded as ForwardMsg to count server ticks
(script_finished) and bytes per tick. Also counted: frames on which the boundary chart was dimmed
(stale) or Streamlit's running indicator showed.

    .venv/bin/python bench/bench_live_chart.py                      # ~5 min on 2 cores
    .venv/bin/python bench/bench_live_chart.py --rounds 1 --seconds 5 --modes plotly3,live3
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.browser_support import launch_chromium, serve_app  # noqa: E402

MODES = {  # demo-app mode -> what it draws each tick
    "plotly3": "3 x st.plotly_chart (heatmap+scatter, loss, histograms)",
    "live3": "the same 3 figures through live_chart",
    "live3_image": "live_chart, boundary as a server-side PNG layout image",
    "plotly1": "boundary heatmap alone via st.plotly_chart",
    "live1": "boundary heatmap alone via live_chart",
    "live3_image_w4": "as live3_image, histograms rebuilt every 4th tick (re-sent unchanged)",
    "plotly3_image": "3 x st.plotly_chart, boundary as a PNG layout image",
    "none": "fragment with no chart (tick-rate ceiling)",
}
DEFAULT_MODES = "plotly3,live3,live3_image,plotly1,live1"

# Runs in the page: one poll per animation frame, counting boundary frames and flashes.
COUNTER_JS = """() => {
  const bench = window.__bench = {frames: 0, dimmed: 0, status: 0, rafs: 0, samples: 0, stop: false,
                                  react: {...(window.__liveChartFrames || {})}};
  let node = null, href = null;
  const poll = () => {
    bench.rafs++;
    const img = document.querySelector('.hm image, .imagelayer image');
    if (img && (img !== node || img.getAttribute('href') !== href)) {
      if (node !== null) bench.frames++;
      node = img; href = img.getAttribute('href');
    }
    if (bench.rafs % 4 === 0) {  // sampled: reading computed style forces a style pass
      bench.samples++;
      const box = img && img.closest('[data-testid=stElementContainer]');
      if (box && parseFloat(getComputedStyle(box).opacity) < 0.99) bench.dimmed++;
      if (document.querySelector('[data-testid=stStatusWidget]')) bench.status++;
    }
    if (!bench.stop) requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
}"""

STOP_JS = """() => {
  const bench = window.__bench; bench.stop = true;
  const now = window.__liveChartFrames || {};
  bench.reactBoundary = (now.boundary || 0) - (bench.react.boundary || 0);
  return bench;
}"""


class SocketTally:
    """Bytes and server ticks seen on the page's websocket while ``counting`` is on."""

    def __init__(self) -> None:
        self.counting, self.bytes, self.ticks = False, 0, 0

    def attach(self, page) -> None:
        page.on("websocket", lambda ws: ws.on("framereceived", self.on_frame))

    def on_frame(self, payload) -> None:
        if not self.counting or isinstance(payload, str):
            return
        self.bytes += len(payload)
        message = ForwardMsg()
        message.ParseFromString(payload)
        self.ticks += message.WhichOneof("type") == "script_finished"


def measure(browser, url: str, mode: str, tick: float, warmup: float, seconds: float) -> dict:
    page = browser.new_page(viewport={"width": 1200, "height": 1000})
    tally = SocketTally()
    tally.attach(page)
    try:
        started = time.perf_counter()
        page.goto(f"{url}/?mode={mode}&tick={tick}")
        if mode != "none":
            page.wait_for_selector(".hm image, .imagelayer image", timeout=90_000)
        first = time.perf_counter() - started
        time.sleep(warmup)
        page.evaluate(COUNTER_JS)
        tally.counting = True
        time.sleep(seconds)
        result = page.evaluate(STOP_JS)
        tally.counting = False
    finally:
        page.close()
    ticks = max(tally.ticks, 1)
    return {"fps": result["frames"] / seconds, "react_fps": result["reactBoundary"] / seconds,
            "ticks": tally.ticks / seconds, "kb_tick": tally.bytes / ticks / 1024,
            "dimmed": result["dimmed"] / max(result["samples"], 1),
            "status": result["status"] / max(result["samples"], 1), "first": first}


def run(modes: list[str], rounds: int, tick: float, warmup: float, seconds: float) -> dict:
    results: dict[str, list[dict]] = {mode: [] for mode in modes}
    with serve_app(ROOT / "bench" / "live_chart_demo_app.py") as url, sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            for r in range(rounds):
                order = modes[r % len(modes):] + modes[:r % len(modes)]  # rotate: no mode always first
                for mode in order:
                    results[mode].append(measure(browser, url, mode, tick, warmup, seconds))
                    print(f"round {r + 1} {mode:14s} {results[mode][-1]['fps']:5.2f} frames/s",
                          file=sys.stderr, flush=True)
        finally:
            browser.close()
    return results


def report(results: dict, baseline: str) -> None:
    def med(mode: str, field: str) -> float:
        return statistics.median(run[field] for run in results[mode])

    base = med(baseline, "fps") if baseline in results else None
    print(f"\n{'mode':14s} {'frames/s':>9s} {'(min-max)':>12s} {'vs ' + baseline:>12s} "
          f"{'react/s':>8s} {'ticks/s':>8s} {'KB/tick':>8s} {'dimmed':>7s} {'running':>8s} "
          f"{'1st s':>6s}  what")
    for mode in results:
        fps = [run["fps"] for run in results[mode]]
        ratio = f"{med(mode, 'fps') / base:.2f}x" if base else "-"
        print(f"{mode:14s} {med(mode, 'fps'):9.2f} {min(fps):5.2f}-{max(fps):<6.2f} {ratio:>12s} "
              f"{med(mode, 'react_fps'):8.2f} {med(mode, 'ticks'):8.2f} "
              f"{med(mode, 'kb_tick'):8.1f} {med(mode, 'dimmed'):7.0%} {med(mode, 'status'):8.0%} "
              f"{med(mode, 'first'):6.1f}  {MODES[mode]}")
    print("\nframes/s: boundary frames painted (new heatmap seen at an animation frame); "
          "react/s: live_chart's own count of Plotly.react calls done; dimmed/running: share of "
          "animation frames with the boundary chart faded or the running indicator shown; "
          "1st s: page open to first heatmap. Medians of the rounds.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", default=DEFAULT_MODES, help=f"comma list of {list(MODES)}")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0, help="counting window per run")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--tick", type=float, default=0.05, help="run_every in seconds")
    args = parser.parse_args()
    modes = args.modes.split(",")
    unknown = set(modes) - set(MODES)
    if unknown:
        parser.error(f"unknown modes {sorted(unknown)}")
    load_before = os.getloadavg()[0]
    results = run(modes, args.rounds, args.tick, args.warmup, args.seconds)
    print(f"\nrun_every={args.tick} s, {args.rounds} rounds x {args.seconds:.0f} s, headless "
          f"Chromium, {os.cpu_count()} cores, load average {load_before:.1f} before / "
          f"{os.getloadavg()[0]:.1f} after (other work on the machine skews absolute numbers)")
    report(results, baseline=modes[0])


if __name__ == "__main__":
    main()
