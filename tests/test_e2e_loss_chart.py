"""The loss charts in a real browser, on every kind of dataset: drawn, redrawn, no console error.

A regression run's loss figure once had ``yaxis2.range = None``: the first draw worked, the
second (Plotly.react) threw "container is not an object" and the chart stayed empty, on Train
and on Replay.
"""

import re

import pytest

from browser_support import launch_chromium, serve_app, wait_until

pytestmark = pytest.mark.browser
playwright = pytest.importorskip("playwright.sync_api")

EPOCH = re.compile(r"^Epoch (\d+)")


def _epoch(page) -> int:
    return int(EPOCH.match(page.get_by_text(EPOCH).first.inner_text()).group(1))


def _traces(page, key: str) -> int:
    """How many traces Plotly has drawn in the live chart ``key`` (0 if none yet)."""
    return page.evaluate(
        """key => {
             const div = document.querySelector(`[data-live-chart-key="${key}"]`)
             return div && div._fullData ? div.querySelectorAll('.scatterlayer .trace').length : 0
           }""", key)


def _frames(page, key: str) -> int:
    return page.evaluate("key => (window.__liveChartFrames || {})[key] || 0", key)


def _console_errors(page) -> list:
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def _step(page, times: int) -> None:
    for _ in range(times):
        before = _epoch(page)
        page.get_by_role("button", name="Step", exact=True).click()
        wait_until(lambda: _epoch(page) == before + 1, what=f"Step to leave epoch {before}")


def test_the_regression_loss_chart_keeps_its_traces_on_train_and_replay():
    with serve_app("streamlit_app.py") as url, playwright.sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        errors = _console_errors(page)
        page.goto(f"{url}/?dataset=multi_gauss")
        page.get_by_text(EPOCH).first.wait_for(timeout=60_000)
        wait_until(lambda: _frames(page, "train.loss") >= 1, what="the first loss chart")
        _step(page, 3)
        # Each Step redraws the loss chart in place; the fourth frame is the third redraw.
        wait_until(lambda: _frames(page, "train.loss") >= 4 or errors,
                   what="the loss chart redrawn three times")
        assert not errors, errors
        assert _traces(page, "train.loss") == 4  # train/test loss, train/test R²

        page.get_by_test_id("stSidebarNav").get_by_text("Replay", exact=True).click()
        wait_until(lambda: _frames(page, "labs.replay.loss") >= 1 or errors,
                   what="the Replay loss chart")
        slider = page.get_by_role("slider").first
        slider.focus()
        for _ in range(2):  # two more epochs on the slider: two redraws of the same chart
            before = _frames(page, "labs.replay.loss")
            slider.press("ArrowLeft")
            wait_until(lambda: _frames(page, "labs.replay.loss") > before or errors,
                       what="the Replay loss chart redrawn")
        assert not errors, errors
        assert _traces(page, "labs.replay.loss") == 4
        browser.close()


@pytest.mark.parametrize("dataset", ["spiral", "blobs", "multi_gauss"])
def test_playing_draws_every_chart_without_a_console_error(dataset):
    with serve_app("streamlit_app.py") as url, playwright.sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        errors = _console_errors(page)
        page.goto(f"{url}/?dataset={dataset}&epochs=100000")
        page.get_by_text(EPOCH).first.wait_for(timeout=60_000)
        wait_until(lambda: _frames(page, "train.loss") >= 1, what="the first loss chart")
        page.get_by_role("button", name="Play", exact=True).click()
        # About 20 s of play on this machine (2-3 frames a second), counted in frames drawn.
        wait_until(lambda: _frames(page, "train.loss") >= 40 or errors, timeout=180,
                   what="40 loss chart frames while playing")
        page.get_by_role("button", name="Pause", exact=True).click()
        page.get_by_role("button", name="Play", exact=True).wait_for()
        assert not errors, errors
        assert _traces(page, "train.loss") == 4
        assert _traces(page, "train.boundary") >= 2
        browser.close()
