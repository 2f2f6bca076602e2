"""The Train page in a real browser: Play, see it learn, Pause, Step, Reset.

Drives Debian's Chromium with Playwright against the app served by `streamlit run`; saves a
screenshot to artifacts/e2e-train.png.
"""

import re
from pathlib import Path

import pytest

from browser_support import REPO_ROOT, launch_chromium, serve_app, settled, wait_until

pytestmark = pytest.mark.browser
playwright = pytest.importorskip("playwright.sync_api")

EPOCH = re.compile(r"^Epoch (\d+)")
BOUNDARY = '[data-live-chart-key="train.boundary"]'


def _epoch(page) -> int:
    text = page.get_by_text(EPOCH).first.inner_text()
    return int(EPOCH.match(text).group(1))


def _boundary_image(page) -> str:
    return page.locator(f"{BOUNDARY} image").first.get_attribute("href") or ""


def _frames(page) -> int:
    return page.evaluate("(window.__liveChartFrames || {})['train.boundary'] || 0")


def test_play_pause_step_reset_in_the_browser():
    artifacts = Path(REPO_ROOT, "artifacts")
    artifacts.mkdir(exist_ok=True)
    with serve_app("streamlit_app.py") as url, playwright.sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        # A high epoch limit: at full speed the default 1,000 epochs can be over before Pause is
        # pressed on a loaded machine (then there is no Pause button, and Step is disabled).
        page.goto(f"{url}/?epochs=100000")
        page.get_by_text(EPOCH).first.wait_for(timeout=60_000)
        wait_until(lambda: _boundary_image(page), what="the boundary chart")
        start_image = _boundary_image(page)
        assert _epoch(page) == 0

        frames_before = _frames(page)
        page.get_by_role("button", name="Play", exact=True).click()
        wait_until(lambda: _epoch(page) >= 30, what="training to reach epoch 30")
        wait_until(lambda: _frames(page) >= frames_before + 3, what="the boundary to be redrawn")
        assert _boundary_image(page) != start_image, "the boundary did not change"
        page.screenshot(path=str(artifacts / "e2e-train.png"), full_page=True)

        page.get_by_role("button", name="Pause", exact=True).click()
        page.get_by_role("button", name="Play", exact=True).wait_for()
        # The Play button is drawn before the epoch line of the same run, and a frame that was
        # training when Pause was pressed may still finish: read the epoch once the page has
        # settled. Epochs going on after Pause never settle.
        paused_at = settled(page, lambda: _epoch(page), what="the epoch to stop after Pause")

        page.get_by_role("button", name="Step", exact=True).click()
        wait_until(lambda: _epoch(page) != paused_at, what=f"Step to leave epoch {paused_at}")
        stepped_to = settled(page, lambda: _epoch(page), what="the epoch after Step")
        assert stepped_to == paused_at + 1, f"Step from epoch {paused_at} showed {stepped_to}"

        page.get_by_role("button", name="Reset", exact=True).click()
        wait_until(lambda: _epoch(page) == 0, what="Reset to go back to epoch 0")
        # Same seeds, same initial weights: the very same boundary image as on opening.
        wait_until(lambda: _boundary_image(page) == start_image, what="the initial boundary again")
        browser.close()


def test_a_deep_link_on_a_fresh_server_goes_through_the_entry_file():
    # With page scripts in a folder named "pages/", Streamlit ran a page opened by its address
    # before the entry file had ever run as an old-style pages app (no menu titles, no link
    # settings); the folder is app_pages/ for that reason.
    with serve_app("streamlit_app.py") as url, playwright.sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(f"{url}/lessons?lr=0.3")
        page.get_by_role("heading", name=re.compile("Lessons")).first.wait_for(timeout=60_000)
        challenges = page.get_by_role("tab", name=re.compile("^Challenges"))
        challenges.click()
        page.get_by_role("button", name="Start this challenge").first.wait_for(timeout=30_000)
        nav = page.get_by_test_id("stSidebarNav")
        nav.get_by_text("Cats vs dogs", exact=True).wait_for(timeout=30_000)
        nav.get_by_text("Train", exact=True).click()
        page.get_by_text(EPOCH).first.wait_for(timeout=60_000)
        # The link's setting reached the Train page. The address changes by the history API;
        # read it in the page: Playwright's page.url follows such changes only when its sync API
        # next talks to the browser, so a loop that reads page.url alone can wait forever.
        wait_until(lambda: "lr=0.3" in page.evaluate("location.href"),
                   what="the link's lr in the Train page's address")
        # Back on Lessons, the tab the learner had open is open again.
        nav.get_by_text("Lessons", exact=True).click()
        wait_until(lambda: challenges.get_attribute("aria-selected") == "true",
                   what="the Challenges tab to be open again")
        browser.close()


def test_changing_the_task_in_the_browser_keeps_the_loss_choice_valid():
    # The browser keeps a select box's value as its shown label. The loss box's "Auto (Binary
    # cross-entropy)" became "Auto (Categorical cross-entropy)" on Blobs, and the next run read
    # the old label back as the value: KeyError, on every run after.
    with serve_app("streamlit_app.py") as url, playwright.sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(url)
        page.get_by_text(EPOCH).first.wait_for(timeout=60_000)
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_test_id("stSelectbox").first.click()  # the Dataset box comes first
        page.get_by_role("option", name="Blobs (multiclass)").click()
        wait_until(lambda: sidebar.get_by_text("clusters around a circle", exact=False).count(),
                   what="the Blobs description")
        page.get_by_role("button", name="Step", exact=True).click()
        wait_until(lambda: _epoch(page) == 1 or page.get_by_test_id("stException").count(),
                   what="the step")
        assert page.get_by_test_id("stException").count() == 0, \
            page.get_by_test_id("stException").first.inner_text()
        assert _epoch(page) == 1
        browser.close()
