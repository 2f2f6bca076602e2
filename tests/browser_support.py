"""Helpers for real-browser tests and benchmarks: serve a Streamlit script (alone, or several
app processes behind HAProxy with scripts/serve.sh), launch Chromium.

Debian's /usr/bin/chromium is used (``apt-get install -y chromium``); Playwright's own browser
download does not work on these machines. Not a test module: tests and bench/ import it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_port_run(count: int) -> int:
    """The first of ``count`` consecutive free ports on 127.0.0.1 (serve.sh's proxy + workers)."""
    for _ in range(50):
        first = free_port()
        if first + count <= 65536 and all(_bindable(first + i) for i in range(1, count)):
            return first
    raise RuntimeError(f"found no {count} consecutive free ports")


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@contextlib.contextmanager
def serve_app(script_path: str | Path, port: int | None = None,
              extra_args: Sequence[str] = (), timeout: float = 60.0) -> Iterator[str]:
    """Run ``streamlit run script_path`` headless on 127.0.0.1; yield its base URL.

    The server runs from the repo root with the repo on PYTHONPATH, so a script anywhere can
    import ``playground``. It is stopped (terminate, then kill) when the block ends.
    """
    port = port or free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(script_path),
               "--server.headless=true", f"--server.port={port}",
               "--server.address=127.0.0.1", "--server.fileWatcherType=none",
               "--browser.gatherUsageStats=false", *extra_args]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    # The log goes to a file, not a pipe: an unread pipe fills and blocks the server.
    log = tempfile.TemporaryFile(mode="w+")
    server = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(server, url, timeout, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@dataclasses.dataclass
class Classroom:
    """What ``serve_classroom`` started: the proxy's URL, each worker's pid by its cookie name."""
    url: str
    workers: dict[str, int]
    log: object
    left_running: list[int] = dataclasses.field(default_factory=list)

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()


@contextlib.contextmanager
def serve_classroom(workers: int = 2, timeout: float = 120.0) -> Iterator[Classroom]:
    """Run ``scripts/serve.sh`` (HAProxy + ``workers`` app processes) on 127.0.0.1; yield it.

    The workers run with this interpreter (--python), so no .venv is prepared. serve.sh runs
    in its own process group: at the end it gets TERM and its own cleanup is given 30 s;
    whatever of the group is still running then is listed in ``left_running`` and killed.
    """
    port = free_port_run(workers + 1)
    command = ["bash", "scripts/serve.sh", f"--workers={workers}", f"--port={port}",
               "--address=127.0.0.1", f"--python={sys.executable}"]
    log = tempfile.TemporaryFile(mode="w+")
    script = subprocess.Popen(command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT,
                              text=True, start_new_session=True)
    classroom = Classroom(f"http://127.0.0.1:{port}", {}, log)
    try:
        _wait_healthy(script, classroom.url, timeout, log)
        classroom.workers = {name: int(pid) for name, pid in
                             re.findall(r"^worker (w\d+): pid (\d+)", classroom.output(), re.M)}
        yield classroom
    finally:
        if script.poll() is None:
            script.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            script.wait(timeout=30)
        classroom.left_running = _running_in_group(script.pid)
        if classroom.left_running or script.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(script.pid, signal.SIGKILL)
            script.wait()
        log.close()


def _running_in_group(group: int) -> list[int]:
    """Pids of the live (not zombie) processes in process group ``group``, from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            # After the ")" closing the command name: state, ppid, pgrp, ...
            state, _, pgrp = stat.read_text().rsplit(")", 1)[1].split()[:3]
            if int(pgrp) == group and state != "Z":
                found.append(int(stat.parent.name))
    return found


def _wait_healthy(server: subprocess.Popen, url: str, timeout: float, log) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"{server.args[:3]} exited early:\n{log.read()}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        time.sleep(0.2)
    raise TimeoutError(f"{url}/_stcore/health did not say ok within {timeout} s")


def launch_chromium(playwright, **kwargs):
    """Headless Debian Chromium through Playwright (its own browser download does not work)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                      headless=True, **kwargs)


def settled(page, read, what: str, reads: int = 5, timeout: float = 60.0):
    """What ``read()`` gives once the page has settled: no script running (Streamlit's status
    widget is gone) and the same value on ``reads`` reads in a row."""
    last, same = object(), 0

    def steady():
        nonlocal last, same
        if page.get_by_test_id("stStatusWidget").count():
            same = 0
            return False
        value = read()
        same = same + 1 if value == last else 0
        last = value
        return same >= reads

    wait_until(steady, timeout, what)
    return last


def wait_until(condition, timeout: float = 60.0, what: str = "condition"):
    """Poll ``condition()`` until it returns something truthy (returned); fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")
