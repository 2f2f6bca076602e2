"""Links and uploads in a real browser.

A link opened in a fresh browser context (a new session, as for a student who is sent the
link) must show the same run as a headless Trainer made from the same settings: the epoch
counter, and the loss curve drawn on the page, value for value. Then the page's own copy link
is opened in another fresh context and must show the same again. Last, a CSV is uploaded with
Playwright's set_input_files, trained on, and a bad file after it leaves it in place.
Screenshots go to artifacts/ (git-ignored).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from browser_support import REPO_ROOT, launch_chromium, serve_app, wait_until
from playground import links
from playground.training import Trainer

pytestmark = pytest.mark.browser
playwright = pytest.importorskip("playwright.sync_api")

EPOCH = re.compile(r"^Epoch (\d+)")
LINK = {"dataset": "xor", "hidden": "3", "lr": "0.3", "init_seed": "5", "at": "25"}


def _epoch(page) -> int:
    return int(EPOCH.match(page.get_by_text(EPOCH).first.inner_text()).group(1))


def _train_loss(page) -> np.ndarray:
    """The train-loss line as the page's loss chart holds it (float32, as sent)."""
    values = page.evaluate("""() => {
        const div = document.querySelector('[data-live-chart-key="train.loss"]')
        const trace = div && div.data && div.data.find(t => t.name === 'train loss')
        return trace ? Array.from(trace.y) : null
    }""")
    return np.asarray(values or [], np.float32)


def _shows(page, epochs):
    """Wait until the page shows ``epochs`` epochs, in the counter and in the loss chart."""
    wait_until(lambda: _epoch(page) == epochs, what=f"epoch {epochs}")
    wait_until(lambda: len(_train_loss(page)) == epochs + 1, what=f"{epochs + 1} loss points")
    return _train_loss(page)


def _oracle(params, epochs) -> np.ndarray:
    trainer = Trainer(links.decode(params).config)
    trainer.run(epochs=epochs)
    return trainer.history["train_loss"].astype(np.float32)


def _query(url: str) -> str:
    return url.split("?", 1)[1] if "?" in url else ""


def test_a_link_and_the_copy_link_reproduce_the_run_in_fresh_browsers():
    artifacts = Path(REPO_ROOT, "artifacts")
    artifacts.mkdir(exist_ok=True)
    with serve_app("streamlit_app.py") as url, playwright.sync_playwright() as p:
        browser = launch_chromium(p)
        teacher = browser.new_context(viewport={"width": 1300, "height": 1600}).new_page()
        query = "&".join(f"{k}={v}" for k, v in LINK.items())
        teacher.goto(f"{url}/?{query}")
        assert np.array_equal(_shows(teacher, 25), _oracle(LINK, 25))
        # The address bar keeps the settings and the epoch, so a reload comes back here. Read
        # in the page: Playwright's page.url sees history-API changes only when it next talks
        # to the browser.
        href = lambda: teacher.evaluate("location.href")  # noqa: E731
        wait_until(lambda: "at=25" in href() and "dataset=xor" in href(),
                   what="the settings and at=25 in the address bar")

        for _ in range(5):
            before = _epoch(teacher)
            teacher.get_by_role("button", name="Step", exact=True).click()
            wait_until(lambda: _epoch(teacher) == before + 1, what="one more epoch")
        assert np.array_equal(_shows(teacher, 30), _oracle(LINK, 30))
        wait_until(lambda: "at=30" in href(), what="at=30 in the address bar")
        teacher.reload()  # a reload trains back to the epoch the address says
        assert np.array_equal(_shows(teacher, 30), _oracle(LINK, 30))

        # The share pop-over beside the title; 'Open at epoch 30' is ticked already.
        teacher.get_by_test_id("stMainBlockContainer").get_by_role("button", name="Share").click()
        code = teacher.locator("[data-testid='stCode'] code").first
        wait_until(lambda: "at=30" in code.inner_text(), what="the copy link to carry at=30")
        shared = code.inner_text().strip()
        teacher.screenshot(path=str(artifacts / "e2e-sharing-teacher.png"), full_page=True)

        student = browser.new_context(viewport={"width": 420, "height": 900}).new_page()
        student.goto(shared)
        assert np.array_equal(_shows(student, 30), _oracle(dict(
            kv.split("=", 1) for kv in _query(shared).split("&")), 30))
        assert np.array_equal(_train_loss(student), _train_loss(teacher))
        student.screenshot(path=str(artifacts / "e2e-sharing-student-narrow.png"))
        browser.close()


def test_uploading_a_csv_in_the_browser_trains_on_it_and_a_bad_file_keeps_it(tmp_path):
    good = tmp_path / "people.csv"
    rows = [f"P{i},{150 + i},{50 + (i * 13) % 40},{'ab'[i % 2]}" for i in range(60)]
    good.write_text("name,height,weight,kind\n" + "\n".join(rows) + "\n")
    bad = tmp_path / "photo.csv"
    bad.write_bytes(bytes(range(256)) * 8)
    with serve_app("streamlit_app.py") as url, playwright.sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1300, "height": 1600})
        page.goto(url)
        page.get_by_text(EPOCH).first.wait_for(timeout=60_000)
        page.get_by_text("Files: download this run").click()
        page.get_by_role("tab", name="Your own data").click()
        page.locator("[data-testid='stFileUploaderDropzoneInput']").last.set_input_files(good)
        page.get_by_role("button", name="Train on this data").click()
        dataset = page.get_by_role("combobox", name="Dataset")
        wait_until(lambda: dataset.input_value() == "Your CSV (binary)", what="the CSV as dataset")
        wait_until(lambda: _epoch(page) == 0, what="a new run at epoch 0")

        page.locator("[data-testid='stFileUploaderDropzoneInput']").last.set_input_files(bad)
        message = page.get_by_text("photo.csv cannot be used")
        message.wait_for(timeout=30_000)
        assert "NUL byte" in message.inner_text()
        assert dataset.input_value() == "Your CSV (binary)"
        page.screenshot(path=str(Path(REPO_ROOT, "artifacts", "e2e-sharing-upload.png")),
                        full_page=True)
        browser.close()
