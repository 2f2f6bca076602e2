"""scripts/serve.sh: several app processes behind HAProxy, each student kept on their own.

The configuration tests only print what serve.sh would run (and let haproxy check it when it
is installed). The browser test starts two workers behind the proxy on 127.0.0.1, two students
in separate browser contexts (separate cookies), and stops one worker while both are working.
"""

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from browser_support import REPO_ROOT, launch_chromium, serve_classroom, wait_until

EPOCH = re.compile(r"^Epoch (\d+)")
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"


def _serve(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "scripts/serve.sh", *args], cwd=REPO_ROOT, text=True,
                          capture_output=True, timeout=60)


def test_one_server_list_for_local_workers_and_other_machines(tmp_path):
    done = _serve("--workers", "2", "--port", "9000", "--backend", "10.1.2.3:8501",
                  "--backend=lab-pc.local:8600", "--print-config")
    assert done.returncode == 0, done.stderr
    config = done.stdout
    servers = re.findall(r"^\s*server (\S+) (\S+) cookie (\S+)$", config, re.M)
    assert servers == [("w1", "127.0.0.1:9001", "w1"), ("w2", "127.0.0.1:9002", "w2"),
                       ("w3", "10.1.2.3:8501", "w3"), ("w4", "lab-pc.local:8600", "w4")]
    assert re.search(r"^\s*bind :9000$", config, re.M)
    assert re.search(r"^\s*cookie SERVERID insert indirect nocache", config, re.M)
    assert re.search(r"^\s*timeout tunnel \d+h$", config, re.M)
    assert "uri /_stcore/health" in config
    if not Path(HAPROXY).exists():
        pytest.skip("haproxy is not installed (scripts/test.sh installs it)")
    (tmp_path / "haproxy.cfg").write_text(config)
    check = subprocess.run([HAPROXY, "-c", "-f", str(tmp_path / "haproxy.cfg")],
                           capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize(("args", "named"), [
    (["--backend", "10.1.2.3"], "--backend wants HOST:PORT"),
    (["--workers", "two"], "--workers wants a whole number"),
    (["--workers", "0"], "nothing to serve"),
    (["--port", "70000"], "--port wants a port number"),
    (["--port"], "--port needs a value"),
    (["--colour", "blue"], "unknown option --colour"),
])
def test_bad_arguments_get_one_clear_line_and_start_nothing(args, named):
    done = _serve("--print-config", *args)
    assert done.returncode == 2
    assert done.stdout == "" and done.stderr.startswith(f"serve.sh: {named}")
    assert done.stderr.count("\n") == 1


def _epoch(page) -> int:
    return int(EPOCH.match(page.get_by_text(EPOCH).first.inner_text()).group(1))


def _worker(context) -> str:
    return next((c["value"] for c in context.cookies() if c["name"] == "SERVERID"), "")


def _step_to(page, epoch: int) -> None:
    while _epoch(page) < epoch:
        before = _epoch(page)
        page.get_by_role("button", name="Step", exact=True).click()
        wait_until(lambda: _epoch(page) == before + 1, what=f"Step to reach epoch {before + 1}")


def _press_step_until_changed(page, shown: int) -> bool:
    page.get_by_role("button", name="Step", exact=True).click()
    try:
        wait_until(lambda: _epoch(page) != shown, timeout=10, what="the epoch to change")
    except AssertionError:
        return False
    return True


def _switch_page_and_back(page) -> None:
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_text("Lessons", exact=True).click()
    page.get_by_role("heading", name=re.compile("Lessons")).first.wait_for(timeout=60_000)
    nav.get_by_text("Train", exact=True).click()
    page.get_by_text(EPOCH).first.wait_for(timeout=60_000)


# Streamlit shows a lost connection by disabling every widget (and, while it cannot reach any
# server, its "Connecting" status): note each time the page's Step button turns disabled.
WATCH_DISCONNECTS = """() => {
  window.__disconnects = 0;
  const disabled = () => [...document.querySelectorAll('button')]
      .some(b => b.innerText.trim().endsWith('Step') && b.disabled)
    || document.querySelector('[data-testid=stConnectionStatus]') !== null;
  let was = disabled();
  new MutationObserver(() => {
    const now = disabled();
    if (now && !was) window.__disconnects += 1;
    was = now;
  }).observe(document.body, {subtree: true, childList: true, attributes: true});
}"""


@pytest.mark.browser
def test_two_workers_keep_their_students_and_one_stopping_spares_the_other():
    playwright = pytest.importorskip("playwright.sync_api")
    with serve_classroom(workers=2) as classroom, playwright.sync_playwright() as p:
        browser = launch_chromium(p)
        students = []
        for link in ("?epochs=100000&lr=0.3", "?epochs=100000"):  # Ada's, Ben's
            # A context each: separate cookies, like two students' browsers.
            context = browser.new_context(viewport={"width": 1300, "height": 900})
            page = context.new_page()
            page.goto(f"{classroom.url}/{link}")
            page.get_by_text(EPOCH).first.wait_for(timeout=60_000)
            students.append((context, page))
        (ada_context, ada), (ben_context, ben) = students
        ada_worker, ben_worker = _worker(ada_context), _worker(ben_context)
        # The proxy gives the second student the worker with fewer open connections.
        assert {ada_worker, ben_worker} == set(classroom.workers), (ada_worker, ben_worker)

        # Each keeps their own run across reruns and page switches, on their own worker.
        _step_to(ada, 2)
        _step_to(ben, 4)
        _switch_page_and_back(ada)
        _switch_page_and_back(ben)
        assert (_epoch(ada), _epoch(ben)) == (2, 4)
        assert (_worker(ada_context), _worker(ben_context)) == (ada_worker, ben_worker)

        # Ada's worker stops (killed, as a crash would).
        ada.evaluate(WATCH_DISCONNECTS)
        os.kill(classroom.workers[ada_worker], signal.SIGKILL)

        # Ben is undisturbed: his run goes on where it was.
        _step_to(ben, 5)
        assert _worker(ben_context) == ben_worker

        # Ada's page lost its connection, reconnected through the proxy to the worker still
        # running, as a new session, which rebuilds her run from her page's address (settings
        # and at=<epoch>, same seeds): her next Step goes on from epoch 2.
        wait_until(lambda: ada.evaluate("window.__disconnects") >= 1, what="Ada's disconnect")
        wait_until(lambda: _worker(ada_context) == ben_worker, what="Ada's page on Ben's worker")
        wait_until(lambda: ada.get_by_role("button", name="Step", exact=True).is_enabled(),
                   what="Ada's page to reconnect")
        # The first press after the reconnection was lost now and then (the page stayed at epoch
        # 2 with Step enabled): press again until the page changes.
        wait_until(lambda: _press_step_until_changed(ada, 2), timeout=120,
                   what="a Step press to change Ada's page")
        assert _epoch(ada) == 3
        assert "lr=0.3" in ada.evaluate("location.href")
        assert _epoch(ben) == 5, "Ada's new run on Ben's worker changed Ben's"
        browser.close()
    assert classroom.left_running == [], f"serve.sh left these running: {classroom.left_running}"
