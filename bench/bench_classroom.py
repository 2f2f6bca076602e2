"""A class on one server: N simulated students play on the Train page at once.

    flock /tmp/heavy.lock .venv/bin/python bench/bench_classroom.py                # 1, 8, 30
    flock /tmp/heavy.lock .venv/bin/python bench/bench_classroom.py --students 1,8 --seconds 30
    .venv/bin/python bench/bench_classroom.py --server-url http://127.0.0.1:8501 --students 8

Each student is a websocket client speaking Streamlit's own protocol (bench/st_client.py), not
a browser: it opens the Train page with its own link (a dataset, a learning rate, the epoch
limit lifted), sets the speed to "As fast as it goes", presses Play and, every --action-every
seconds or so, changes the learning rate, or presses Pause, then Step, then Play again. It counts
what the server sent it: the page's "Epoch N", the boundary chart's frames, how long Pause took
to show Play again (and how many epochs were trained after it was pressed), the longest wait
for a frame while playing, websocket closes, and students stuck (a page that did not answer a
press within 30 s, or did not open within 120 s; such a student stops there).

Around the students, per N: the time a NEWCOMER's Train page takes to its first chart while the
N play (and on the idle server, for the ratio), optionally the same for a real Chromium page
(--chromium), the health check's latency (polled every 0.5 s), the server's CPU (cores, from
/proc/<pid>/stat) and resident memory (per session: growth over the idle server, divided by N).

Each N gets a fresh server (127.0.0.1, a free port), stopped at the end; with --server-url the
students go to that server instead (CPU and memory then need --server-pid). Every wait has a
deadline. A report, never a pass/fail test. The clients run in this process, on the same CPUs as
the server: the report gives their own CPU use too.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import websockets

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))
from browser_support import _wait_healthy, free_port  # noqa: E402
from st_client import Session  # noqa: E402

SPEED_KEY, PLAY_KEY, PAUSE_KEY, STEP_KEY = "train.speed", "train.play", "train.pause", "train.step"
LR_KEY = "train.w.lr"
FULL_SPEED = "As fast as it goes"
BOUNDARY = "train.boundary"
DATASETS = ("spiral", "circle", "xor", "gauss", "moons")
RATES = ("0.03", "0.1", "0.3")
HEALTH_EVERY = 0.5
OPEN_TIMEOUT = 120.0  # a page open under load (the issue saw 32 s with 7 Chromium students)
PAUSE_TIMEOUT = 30.0


# -- one student --------------------------------------------------------------------------------
@dataclass
class Student:
    index: int
    link: str
    session: Session | None = None
    opened_in: float | None = None  # seconds from connect to the page's first full run
    playing_s: float = 0.0
    epochs: int = 0  # trained while playing (each Play to the next Pause pressed)
    frames: int = 0  # boundary frames received while playing
    steps: int = 0
    lr_changes: int = 0
    pause_s: list = field(default_factory=list)  # Pause sent -> Play shown again
    after_pause: list = field(default_factory=list)  # epochs trained after Pause was sent
    problems: list = field(default_factory=list)
    since: tuple = ()  # (time, epoch, frames) when Play was last pressed
    playing: bool = False
    last_frame: float = 0.0  # when the last boundary frame came (or Play was pressed)
    longest_gap: float = 0.0  # longest wait for a boundary frame while playing
    counted: int = 0  # boundary frames seen by on_delta

    def on_delta(self, session, kind, element) -> None:
        if session.stats.frames[BOUNDARY] != self.counted:
            self.counted = session.stats.frames[BOUNDARY]
            if self.playing:
                self.note_gap(time.monotonic())

    def note_gap(self, now: float) -> None:
        self.longest_gap = max(self.longest_gap, now - self.last_frame)
        self.last_frame = now

    @property
    def eps(self) -> float:
        return self.epochs / self.playing_s if self.playing_s else float("nan")

    @property
    def fps(self) -> float:
        return self.frames / self.playing_s if self.playing_s else float("nan")


def student_link(index: int) -> str:
    """Each student's own link: a dataset and a rate; the epoch limit lifted (100,000)."""
    return urlencode({"epochs": 100_000, "dataset": DATASETS[index % len(DATASETS)],
                      "lr": RATES[index % len(RATES)], "data_seed": index + 1})


async def play_student(student: Student, url: str, ready: asyncio.Event, deadline: dict,
                       action_every: float, rng: random.Random) -> None:
    """Open, full speed, Play; act now and then until ``deadline["at"]`` (it may move)."""
    s = student.session = Session(url, student.link, connect_timeout=OPEN_TIMEOUT,
                                  on_delta=student.on_delta)
    start = time.monotonic()
    try:
        await s.connect()
        await s.run_page(OPEN_TIMEOUT)
        student.opened_in = time.monotonic() - start
        await s.wait_for(lambda: SPEED_KEY in s.widgets and PLAY_KEY in s.widgets, 10,
                         "speed and Play on the page")
        before = s.stats.full_runs_finished
        await s.choose(SPEED_KEY, FULL_SPEED)
        await s.wait_for(lambda: s.stats.full_runs_finished > before, OPEN_TIMEOUT,
                         "run after the speed change")
        await press_play(s, student)
        ready.set()
        actions = ("lr", "pause")
        turn = rng.randrange(2)
        next_action = time.monotonic() + _gap(rng, action_every)
        while time.monotonic() < deadline["at"] and s.open:
            await asyncio.sleep(0.1)
            if time.monotonic() < next_action or time.monotonic() >= deadline["at"]:
                continue
            if actions[turn % 2] == "lr":
                await change_rate(s, student, rng)
            else:
                await pause_step_play(s, student, deadline)
            turn += 1
            next_action = time.monotonic() + _gap(rng, action_every)
        if PAUSE_KEY in s.widgets and s.widgets[PAUSE_KEY].seen > s.widgets[PLAY_KEY].seen:
            await press_pause(s, student)
    except (asyncio.TimeoutError, OSError, KeyError, ValueError,
            websockets.ConnectionClosed) as exc:  # OSError covers ConnectionError
        student.problems.append(f"{type(exc).__name__}: {exc}")
    finally:
        if student.playing:  # stalled, or still playing at the end: that wait counts too
            student.note_gap(time.monotonic())
        ready.set()
        await s.close()


def _gap(rng: random.Random, action_every: float) -> float:
    return rng.uniform(0.5, 1.5) * action_every if action_every > 0 else float("inf")


async def press_play(s: Session, student: Student) -> None:
    sent = time.monotonic()
    await s.click(PLAY_KEY)
    await s.wait_for(lambda: PAUSE_KEY in s.widgets and s.widgets[PAUSE_KEY].seen > sent,
                     OPEN_TIMEOUT, "Pause shown after Play")
    student.since = (sent, s.stats.epoch or 0, s.stats.frames[BOUNDARY])
    student.playing, student.last_frame = True, time.monotonic()


async def press_pause(s: Session, student: Student) -> None:
    sent = time.monotonic()
    epoch_at_pause = s.stats.epoch or 0
    played_from, epoch_at_play, frames_at_play = student.since
    student.note_gap(sent)
    student.playing = False
    student.epochs += epoch_at_pause - epoch_at_play  # counted even if Pause gets no answer
    student.playing_s += sent - played_from
    student.frames += s.stats.frames[BOUNDARY] - frames_at_play
    await s.click(PAUSE_KEY)
    await s.wait_for(lambda: s.widgets[PLAY_KEY].seen > sent, PAUSE_TIMEOUT,
                     "Play shown after Pause")
    student.pause_s.append(time.monotonic() - sent)
    stopped = s.stats.epoch or 0
    student.after_pause.append(stopped - epoch_at_pause)


async def change_rate(s: Session, student: Student, rng: random.Random) -> None:
    options = list(s.widgets[LR_KEY].element.options)
    current = s.values.get(LR_KEY)
    label = current.string_array_value.data[0] if current else None
    choices = [o for o in options if o in RATES and o != label] or options
    await s.choose(LR_KEY, rng.choice(choices))
    student.lr_changes += 1


async def pause_step_play(s: Session, student: Student, deadline: dict) -> None:
    await press_pause(s, student)
    before = s.stats.epoch or 0
    await s.click(STEP_KEY)
    await s.wait_for(lambda: (s.stats.epoch or 0) > before, PAUSE_TIMEOUT, "epoch after Step")
    student.steps += 1
    if time.monotonic() < deadline["at"]:
        await press_play(s, student)


# -- around the students ------------------------------------------------------------------------
async def newcomer(url: str) -> dict:
    """A new visitor opens the Train page: seconds to the first chart and to the run's end."""
    start = time.monotonic()
    out = {"first_chart": float("nan"), "page": float("nan"), "closes": 0}
    try:
        async with Session(url, connect_timeout=OPEN_TIMEOUT) as s:
            await s.rerun()
            await s.wait_for(lambda: s.stats.first_chart_at, OPEN_TIMEOUT, "first chart")
            out["first_chart"] = s.stats.first_chart_at - start
            await s.wait_for(lambda: s.stats.full_runs_finished, OPEN_TIMEOUT, "whole page")
            out["page"] = time.monotonic() - start
    except (asyncio.TimeoutError, OSError, websockets.ConnectionClosed) as exc:
        out["problem"] = f"{type(exc).__name__}"
    return out


def chromium_newcomer(url: str) -> float:
    """Seconds from page.goto to the boundary chart drawn in a real (headless) Chromium page."""
    from playwright.sync_api import sync_playwright

    from browser_support import launch_chromium
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            start = time.monotonic()
            page.goto(url)
            page.locator(f'[data-live-chart-key="{BOUNDARY}"] .main-svg').first.wait_for(
                state="attached", timeout=OPEN_TIMEOUT * 1000)
            return time.monotonic() - start
        except Exception as exc:  # noqa: BLE001 - a report, not a test: say what happened
            print(f"  chromium newcomer: {type(exc).__name__}: {exc}".splitlines()[0])
            return float("nan")
        finally:
            browser.close()


class HealthLog(list):
    """Seconds each health check took (a failed one counts its time too), and the failures."""

    def __init__(self):
        super().__init__()
        self.failures = 0


async def poll_health(url: str, stop: asyncio.Event, log: HealthLog) -> None:
    def check() -> float:
        start = time.monotonic()
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as response:
                response.read()
        except OSError:
            log.failures += 1
        return time.monotonic() - start

    while not stop.is_set():
        log.append(await asyncio.to_thread(check))
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), HEALTH_EVERY)


def proc_cpu_s(pid: int) -> float:
    """User + system CPU seconds the process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@contextlib.contextmanager
def server(timeout: float = 60.0):
    """A fresh app server on 127.0.0.1 (as tests/browser_support.serve_app), with its pid."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
               "--server.headless=true", f"--server.port={port}",
               "--server.address=127.0.0.1", "--server.fileWatcherType=none",
               "--browser.gatherUsageStats=false"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    log = tempfile.TemporaryFile(mode="w+")
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(proc, url, timeout, log)
        yield url, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


# -- one class size -------------------------------------------------------------------------------
async def run_class(url: str, pid: int | None, n: int, seconds: float, action_every: float,
                    chromium: bool, seed: int) -> dict:
    # Warm the server (the first run imports the app) and time a newcomer on the idle server.
    await newcomer(url)
    idle = await newcomer(url)
    idle_chromium = await asyncio.to_thread(chromium_newcomer, url) if chromium else None
    rss_idle = proc_rss_mb(pid) if pid else float("nan")

    students = [Student(i, student_link(i)) for i in range(n)]
    readies = [asyncio.Event() for _ in students]
    health, stop_health = HealthLog(), asyncio.Event()
    health_task = asyncio.create_task(poll_health(url, stop_health, health))
    start = time.monotonic()
    window = {}

    async def measured_window():
        # The window starts when every student has pressed Play (or given up).
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), OPEN_TIMEOUT)
        window["ready_in"] = time.monotonic() - start
        window["t0"], window["cpu0"] = time.monotonic(), proc_cpu_s(pid) if pid else 0.0
        window["own0"] = own_cpu_s()
        await asyncio.sleep(seconds / 2)
        window["newcomer"] = await newcomer(url)
        if chromium:
            window["chromium"] = await asyncio.to_thread(chromium_newcomer, url)
        await asyncio.sleep(max(0.0, window["t0"] + seconds - time.monotonic()))
        window["t1"], window["cpu1"] = time.monotonic(), proc_cpu_s(pid) if pid else 0.0
        window["own1"] = own_cpu_s()
        window["rss"] = proc_rss_mb(pid) if pid else float("nan")

    # Every student plays until the window ends (moved to then, below).
    deadline = {"at": start + OPEN_TIMEOUT + seconds}
    tasks = [asyncio.create_task(play_student(st, url, r, deadline, action_every,
                                              random.Random(seed * 1000 + st.index)))
             for st, r in zip(students, readies)]
    try:
        await measured_window()
    except asyncio.TimeoutError:
        window.setdefault("ready_in", float("nan"))
        print(f"  N={n}: not every student got to Play within {OPEN_TIMEOUT:.0f} s")
        window.setdefault("t0", time.monotonic())
        window["cpu0"] = proc_cpu_s(pid) if pid else 0.0
        window["own0"] = own_cpu_s()
        await asyncio.sleep(seconds)
        window["newcomer"] = await newcomer(url)
        window["t1"], window["cpu1"] = time.monotonic(), proc_cpu_s(pid) if pid else 0.0
        window["own1"] = own_cpu_s()
        window["rss"] = proc_rss_mb(pid) if pid else float("nan")
    deadline["at"] = time.monotonic()
    await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True),
                           PAUSE_TIMEOUT * 2 + OPEN_TIMEOUT)
    end = time.monotonic()
    stop_health.set()
    await health_task
    span = window["t1"] - window["t0"]
    return {"n": n, "students": students, "idle": idle, "idle_chromium": idle_chromium,
            "health": health, "window": window, "span": span,
            "cores": (window["cpu1"] - window["cpu0"]) / span if pid else float("nan"),
            "own_cores": (window["own1"] - window["own0"]) / span,
            "rss_idle": rss_idle, "end": end}


# -- report -------------------------------------------------------------------------------------------
def spread(values, fmt="{:.0f}") -> str:
    """min / median / max."""
    values = [v for v in values if v == v]  # drop NaN
    if not values:
        return "-"
    return "/".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


def pct(values, q) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def report(results: list[dict], seconds: float) -> None:
    rows = []

    def row(name, fn):
        rows.append((name, [cell(fn, r) for r in results]))

    def students(r):
        return [s for s in r["students"] if s.playing_s > 0]

    row("students playing / started", lambda r: f"{len(students(r))}/{r['n']}")
    row("all playing after (s)", lambda r: f"{r['window'].get('ready_in', float('nan')):.1f}")
    row("page open, first run (s) min/med/max",
        lambda r: spread([s.opened_in for s in r["students"] if s.opened_in], "{:.1f}"))
    row("epochs/s all students together",
        lambda r: f"{sum(s.eps for s in students(r)):.0f}")
    row("epochs/s per student min/med/max", lambda r: spread([s.eps for s in students(r)]))
    row("slowest / fastest student",
        lambda r: f"{min(s.eps for s in students(r)) / max(s.eps for s in students(r)):.2f}"
        if students(r) else "-")
    row("boundary frames/s per student min/med/max",
        lambda r: spread([s.fps for s in students(r)], "{:.1f}"))
    row("Pause -> Play shown (s) p50/p95/max", lambda r: pause_line(r))
    row("epochs trained after Pause min/med/max",
        lambda r: spread([e for s in r["students"] for e in s.after_pause]))
    row("lr changes / steps (all students)",
        lambda r: f"{sum(s.lr_changes for s in r['students'])}/"
                  f"{sum(s.steps for s in r['students'])}")
    row("websocket closes", lambda r: str(sum(s.session.stats.closes for s in r["students"]
                                              if s.session)))
    row("longest wait for a frame while playing (s)",
        lambda r: spread([s.longest_gap for s in r["students"] if s.since], "{:.1f}"))
    row("students stuck (no answer in time)",
        lambda r: str(sum(bool(s.problems) for s in r["students"])))
    row("newcomer first chart (s), idle server",
        lambda r: f"{r['idle']['first_chart']:.2f}")
    row("newcomer first chart (s), while N play",
        lambda r: f"{r['window'].get('newcomer', {}).get('first_chart', float('nan')):.2f}")
    row("  ratio to idle", lambda r: f"{r['window'].get('newcomer', {}).get('first_chart', float('nan')) / r['idle']['first_chart']:.1f}")
    row("newcomer whole page (s), while N play",
        lambda r: f"{r['window'].get('newcomer', {}).get('page', float('nan')):.2f}")
    if any(r["idle_chromium"] is not None for r in results):
        row("Chromium newcomer chart (s), idle", lambda r: f"{r['idle_chromium']:.2f}")
        row("Chromium newcomer chart (s), while N play",
            lambda r: f"{r['window'].get('chromium', float('nan')):.2f}")
    row("health p50 / p95 (ms)", lambda r: f"{1000 * pct(r['health'], 0.5):.0f} / "
                                           f"{1000 * pct(r['health'], 0.95):.0f}")
    row("health max (ms), failures", lambda r: f"{1000 * max(r['health'] or [0]):.0f}, "
                                               f"{r['health'].failures}")
    row("server CPU (cores)", lambda r: f"{r['cores']:.2f}")
    row("this client's CPU (cores)", lambda r: f"{r['own_cores']:.2f}")
    row("server RSS idle -> end (MB)",
        lambda r: f"{r['rss_idle']:.0f} -> {r['window'].get('rss', float('nan')):.0f}")
    row("  per session (MB)",
        lambda r: f"{(r['window'].get('rss', float('nan')) - r['rss_idle']) / r['n']:.1f}")
    row("MB received per student per s",
        lambda r: f"{statistics.median(s.session.stats.bytes for s in r['students']) / 1e6 / (r['span'] or 1):.2f}")

    width = max(len(name) for name, _ in rows) + 2
    cols = [max(14, max(len(v) for v in values) + 2) for values in zip(*(v for _, v in rows))]
    print(f"\nClassroom benchmark: {seconds:.0f} s window per class size; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end")
    print("N students".ljust(width) + "".join(f"{r['n']:>{c}}" for r, c in zip(results, cols)))
    for name, values in rows:
        print(name.ljust(width) + "".join(f"{v:>{c}}" for v, c in zip(values, cols)))
    for r in results:
        for name, seen in (("idle newcomer", r["idle"]),
                           ("newcomer", r["window"].get("newcomer", {}))):
            if "problem" in seen:
                print(f"  N={r['n']} {name}: {seen['problem']}")
        for s in r["students"]:
            for problem in s.problems[:1]:
                print(f"  N={r['n']} student {s.index}: {problem}")
            errors = s.session.stats.errors if s.session else []
            if errors:
                print(f"  N={r['n']} student {s.index}: page error {errors[0][:120]}")


def cell(fn, result) -> str:
    """One table cell; "-" where there is nothing to divide or take a median of."""
    try:
        return fn(result)
    except (ArithmeticError, ValueError, statistics.StatisticsError):
        return "-"


def pause_line(r) -> str:
    values = [p for s in r["students"] for p in s.pause_s]
    if not values:
        return "-"
    return f"{pct(values, 0.5):.2f}/{pct(values, 0.95):.2f}/{max(values):.2f}"


async def main_async(args) -> None:
    results = []
    for n in args.students:
        print(f"N={n}: {args.seconds:.0f} s ...", flush=True)
        if args.server_url:
            results.append(await run_class(args.server_url, args.server_pid, n, args.seconds,
                                           args.action_every, args.chromium, args.seed))
        else:
            with server() as (url, pid):
                results.append(await run_class(url, pid, n, args.seconds, args.action_every,
                                               args.chromium, args.seed))
        if args.verbose:
            print_students(results[-1])
    report(results, args.seconds)


def print_students(r: dict) -> None:
    """One line per student, as soon as a class size is done."""
    for st in r["students"]:
        stats = st.session.stats
        print(f"  N={r['n']} #{st.index} {st.link}: played {st.playing_s:.1f} s, "
              f"{st.epochs} epochs, {st.frames} frames, longest gap {st.longest_gap:.1f} s, "
              f"pauses {[round(p, 2) for p in st.pause_s]}, "
              f"runs {stats.runs_finished}/{stats.full_runs_finished}, epoch {stats.epoch}, "
              f"{stats.messages} msgs, silent for the last "
              f"{r['end'] - stats.last_message_at:.0f} s, {st.problems}", flush=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", default="1,8,30",
                        type=lambda text: [int(x) for x in text.split(",") if x.strip()],
                        help="class sizes to compare, e.g. 1,8,30")
    parser.add_argument("--seconds", type=float, default=60, help="measured window per size")
    parser.add_argument("--action-every", type=float, default=10,
                        help="mean seconds between a student's actions (0: only Play)")
    parser.add_argument("--chromium", action="store_true",
                        help="also time a real Chromium newcomer (run under flock)")
    parser.add_argument("--server-url", help="an already running server (e.g. the proxy)")
    parser.add_argument("--server-pid", type=int, help="its process, for CPU and memory")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--verbose", action="store_true", help="one line per student too")
    args = parser.parse_args(argv)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
