"""The Cats vs dogs page in a real browser: train, pick an animal, take SGD steps on it.

Drives Debian's Chromium with Playwright against the app served by `streamlit run`. The page is
opened through the app's menu, as a learner would. Saves a screenshot of the whole page to
artifacts/e2e-catdog.png.
"""

import re
from pathlib import Path

import pytest

from browser_support import REPO_ROOT, launch_chromium, serve_app, settled, wait_until

pytestmark = pytest.mark.browser
playwright = pytest.importorskip("playwright.sync_api")

EPOCH = re.compile(r"^Epoch (\d+)")
OUTPUT = re.compile(r"P\(dog\) = σ\(z\) = .*= ([\d.]+), and P\(cat\)")
REPORT = re.compile(r"^Step (\d+) \(lr ([\d.]+)\): P\((cat|dog)\) went from ([\d.]+) to ([\d.]+)")


def _match(page, pattern):
    """The first match of ``pattern`` in the page's markdown, or None."""
    for text in page.get_by_test_id("stMarkdownContainer").all_inner_texts():
        for line in text.splitlines():
            found = pattern.search(line)
            if found:
                return found
    return None


def _epoch(page) -> int:
    found = _match(page, EPOCH)
    return int(found.group(1)) if found else -1


def _p_dog(page):
    found = _match(page, OUTPUT)
    return float(found.group(1)) if found else None


def test_train_pick_an_animal_and_step_on_it():
    artifacts = Path(REPO_ROOT, "artifacts")
    artifacts.mkdir(exist_ok=True)
    with serve_app("streamlit_app.py") as url, playwright.sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.set_default_timeout(90_000)
        # A high epoch limit: at full speed the page's 500 epochs can be over before Pause is
        # pressed on a loaded machine (then there is no Pause button to press).
        page.goto(f"{url}/cats_dogs?epochs=100000")
        page.get_by_text("One animal, one step").wait_for()
        wait_until(lambda: _epoch(page) == 0, what="the epoch counter")

        page.get_by_role("button", name="Play", exact=True).click()
        wait_until(lambda: _epoch(page) >= 20, what="training to reach epoch 20")
        page.get_by_role("button", name="Pause", exact=True).click()
        page.get_by_role("button", name="Play", exact=True).wait_for()
        # The button row is drawn before the frame: wait for the counter of the paused page.
        wait_until(lambda: (m := _match(page, EPOCH)) and "playing" not in m.string,
                   what="the counter to stop saying 'playing'")
        trained_to = _epoch(page)

        # Search the animal box by breed, as a learner would.
        animal = page.get_by_role("combobox", name="Animal")
        animal.click()
        page.keyboard.type("Beagle")
        page.keyboard.press("Enter")
        wait_until(lambda: animal.input_value().startswith("Beagle"), what="a Beagle to be chosen")

        # Then the animal the network is most wrong about: a step has most to do there.
        page.get_by_role("button", name="The most wrong one", exact=True).click()
        wait_until(lambda: not animal.input_value().startswith("Beagle"), what="the worst animal")
        species = animal.input_value().split(" · ")[1]
        wait_until(lambda: _p_dog(page) is not None, what="the forward pass")
        # The rerun that follows the choice may redraw it: read it once the page has settled.
        p_before = settled(page, lambda: _p_dog(page), what="the forward pass to settle")

        page.get_by_role("button", name="One SGD step on this animal", exact=True).click()
        report = wait_until(lambda: _match(page, REPORT), what="the step report")
        assert report.group(1) == "1" and report.group(3) == species
        went_from, went_to = float(report.group(4)), float(report.group(5))
        p_label = p_before if species == "dog" else 1 - p_before
        assert went_from == pytest.approx(p_label, abs=1e-4)
        assert went_to > went_from, "the step did not move the probability toward the label"
        # The forward pass above now shows the new probability.
        p_dog_after = went_to if species == "dog" else 1 - went_to
        wait_until(lambda: _p_dog(page) == pytest.approx(p_dog_after, abs=1e-4),
              what="the forward pass to show the stepped network")

        page.get_by_role("button", name="One SGD step on this animal", exact=True).click()
        report = wait_until(lambda: (m := _match(page, REPORT)) and m.group(1) == "2" and m,
                       what="a second step")
        assert float(report.group(5)) > float(report.group(4))
        assert _epoch(page) == trained_to, "the single-animal steps changed the trained run"

        # A bad typed value gets one message; the chosen features and the run stay.
        page.get_by_text("Type its measurements").click()
        box = page.get_by_role("textbox", name="body mass (kg)")
        box.fill("heavy")
        box.press("Enter")
        page.get_by_text("“heavy” is not a number").wait_for()
        assert _epoch(page) == trained_to

        page.set_viewport_size({"width": 1400, "height": 6500})
        settled(page, lambda: page.evaluate("document.body.scrollHeight"),
                what="the tall page to lay out")
        page.screenshot(path=str(artifacts / "e2e-catdog.png"), full_page=True, timeout=120_000)
        browser.close()
