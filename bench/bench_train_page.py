"""The Train page in headless Chromium: first paint, frames and epochs per second, a long soak.

    .venv/bin/python bench/bench_train_page.py                  # ~2 min
    .venv/bin/python bench/bench_train_page.py --soak 300       # adds five minutes of Play

1. First paint (server warm): from page.goto in a fresh browser context (a new session) to the
   first boundary chart drawn, against a bare page with one st.plotly_chart (heatmap + points,
   bench/bare_plotly_app.py) served the same way. Interleaved, median of --loads, and the ratio.
2. Playing with the default settings (spiral, 8-8 tanh) and every live view on the page, at the
   fastest speed and at one epoch per frame (the epoch limit lifted by a link, so that the run
   does not end inside the window): boundary frames painted per second (counted in the
   page on every animation frame, when the boundary image changes) and epochs per second (the
   page's epoch counter). Median of --rounds windows of --seconds each.
3. --soak N: N seconds of Play; every 30 s the epoch, frames, the page's JS heap and the
   server's resident memory. The run must keep going to the end (no disconnect).
A report, never a pass/fail test.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from browser_support import launch_chromium, serve_app  # noqa: E402

EPOCH = re.compile(r"^Epoch (\d+)")
COUNT_FRAMES = """() => {
  const b = window.__bench = {frames: 0, stop: false};
  let last = null;
  const poll = () => {
    const img = document.querySelector('[data-live-chart-key="train.boundary"] image');
    const href = img && img.getAttribute('href');
    if (href && href !== last) { b.frames++; last = href; }
    if (!b.stop) requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
}"""


def epoch(page) -> int:
    return int(EPOCH.match(page.get_by_text(EPOCH).first.inner_text()).group(1))


def first_paint(browser, url, selector) -> float:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    page.locator(selector).first.wait_for(state="attached", timeout=60_000)
    elapsed = time.perf_counter() - start
    context.close()
    return elapsed


def play_window(browser, url, speed, seconds) -> tuple[float, float]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    # The default epoch limit (1,000) would end the run inside the window at full speed.
    page.goto(f"{url}/?epochs=100000")
    page.get_by_text(EPOCH).first.wait_for(timeout=60_000)
    page.locator('[data-live-chart-key="train.boundary"] image').first.wait_for(state="attached")
    page.get_by_text("Speed (epochs per frame)").wait_for()
    _set_speed(page, speed)
    page.get_by_role("button", name="Play", exact=True).click()
    page.get_by_role("button", name="Pause", exact=True).wait_for()
    time.sleep(1.0)  # let the first ticks settle
    page.evaluate(COUNT_FRAMES)
    e0, t0 = epoch(page), time.perf_counter()
    time.sleep(seconds)
    frames = page.evaluate("window.__bench.frames")
    e1, t1 = epoch(page), time.perf_counter()
    context.close()
    return frames / (t1 - t0), (e1 - e0) / (t1 - t0)


def _set_speed(page, label):
    # The speed select_slider: focus its thumb and walk to the wanted label with the keyboard.
    thumb = page.get_by_role("slider", name=re.compile("Speed"))
    thumb.focus()
    page.keyboard.press("Home")
    for _ in range(10):
        if label in (thumb.get_attribute("aria-valuetext") or ""):
            return
        page.keyboard.press("ArrowRight")
        time.sleep(0.3)


def soak(browser, url, seconds):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{url}/?epochs=100000")  # a link that lifts the epoch limit: Play for good
    page.get_by_text(EPOCH).first.wait_for(timeout=60_000)
    _set_speed(page, "As fast as it goes")
    page.get_by_role("button", name="Play", exact=True).click()
    page.evaluate(COUNT_FRAMES)
    print(f"{'t (s)':>6} {'epoch':>7} {'frames':>7} {'JS heap MB':>11} {'server RSS MB':>14}")
    start = time.perf_counter()
    while True:
        t = time.perf_counter() - start
        heap = page.evaluate("performance.memory ? performance.memory.usedJSHeapSize : 0") / 1e6
        print(f"{t:6.0f} {epoch(page):7d} {page.evaluate('window.__bench.frames'):7d} "
              f"{heap:11.1f} {server_rss_mb():14.1f}", flush=True)
        if t >= seconds:
            break
        time.sleep(min(30, seconds - t + 0.01))


def server_rss_mb() -> float:
    for proc in Path("/proc").iterdir():
        try:
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
            if b"streamlit run streamlit_app.py" in cmd:
                for line in (proc / "status").read_text().splitlines():
                    if line.startswith("VmRSS"):
                        return int(line.split()[1]) / 1024
        except OSError:
            continue
    return float("nan")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--soak", type=float, default=0)
    args = parser.parse_args(argv)
    with serve_app("streamlit_app.py") as app, \
            serve_app("bench/bare_plotly_app.py") as bare, sync_playwright() as p:
        browser = launch_chromium(p)
        first_paint(browser, app, '[data-live-chart-key="train.boundary"] image')  # warm up
        first_paint(browser, bare, ".js-plotly-plot .hm, .js-plotly-plot canvas")
        ours, theirs = [], []
        for _ in range(args.loads):
            theirs.append(first_paint(browser, bare, ".js-plotly-plot .hm, .js-plotly-plot canvas"))
            ours.append(first_paint(browser, app, '[data-live-chart-key="train.boundary"] image'))
        o, t = statistics.median(ours), statistics.median(theirs)
        print(f"first paint: Train page {o:.2f} s, bare one-chart page {t:.2f} s, "
              f"ratio {o / t:.2f} (target <= 1.5)", flush=True)
        for speed in ("As fast as it goes", "1 epoch / frame"):
            windows = [play_window(browser, app, speed, args.seconds) for _ in range(args.rounds)]
            fps = statistics.median(w[0] for w in windows)
            eps = statistics.median(w[1] for w in windows)
            print(f"playing at '{speed}': {fps:.1f} boundary frames/s, {eps:.0f} epochs/s "
                  f"(medians of {args.rounds} x {args.seconds:.0f} s)", flush=True)
        if args.soak:
            soak(browser, app, args.soak)
        browser.close()


if __name__ == "__main__":
    main()
