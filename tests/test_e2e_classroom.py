"""Two students on one server, in a real browser: both train, Pause is one's own, no mixing.

Each browser context is its own Streamlit session (its own cookies and websocket), as two
students' laptops would be. The class scheduler gives them turns; this checks what they see.
"""

import re

import pytest

from browser_support import launch_chromium, serve_app, wait_until

pytestmark = pytest.mark.browser
playwright = pytest.importorskip("playwright.sync_api")

EPOCH = re.compile(r"^Epoch (\d+)")


def _epoch(page) -> int:
    return int(EPOCH.match(page.get_by_text(EPOCH).first.inner_text()).group(1))


def _dataset_shown(page) -> str:
    """The Dataset box's shown choice (an input's value or its text, as Streamlit draws it)."""
    return page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first.evaluate(
        "el => [...el.querySelectorAll('input')].map(i => i.value).join(' ') + ' ' + "
        "el.textContent")


def _open(browser, url, query):
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.goto(f"{url}/?{query}")
    page.get_by_text(EPOCH).first.wait_for(timeout=60_000)
    return page


def test_two_students_train_side_by_side_and_pause_only_their_own_run():
    with serve_app("streamlit_app.py") as url, playwright.sync_playwright() as p:
        browser = launch_chromium(p)
        alice = _open(browser, url, "dataset=xor&epochs=100000")
        bob = _open(browser, url, "dataset=circle&lr=0.3&epochs=100000")
        for page in (alice, bob):
            page.get_by_role("button", name="Play", exact=True).click()
        wait_until(lambda: _epoch(alice) >= 30 and _epoch(bob) >= 30,
                   what="both students' runs to reach epoch 30")

        alice.get_by_role("button", name="Pause", exact=True).click()
        alice.get_by_role("button", name="Play", exact=True).wait_for()
        paused_at = _epoch(alice)
        bob_then = _epoch(bob)
        # Bob goes on while Alice stays where she paused.
        wait_until(lambda: _epoch(bob) >= bob_then + 30, what="Bob's run to go on")
        # At most the frame that was in flight when Pause was pressed.
        assert _epoch(alice) <= paused_at + 10, "Alice's run went on after Pause"
        settled = _epoch(alice)
        wait_until(lambda: _epoch(bob) >= bob_then + 60, what="Bob's run to go on further")
        assert _epoch(alice) == settled, "Alice's run went on after Pause"
        assert bob.get_by_role("button", name="Pause", exact=True).count() == 1

        # Each sees only their own data and settings.
        assert "Exclusive or" in _dataset_shown(alice) and "Circle" in _dataset_shown(bob), \
            (_dataset_shown(alice), _dataset_shown(bob))
        assert "lr=0.3" in bob.evaluate("location.href")
        assert "lr=" not in alice.evaluate("location.href")
        for page in (alice, bob):
            assert page.get_by_test_id("stException").count() == 0
        browser.close()
