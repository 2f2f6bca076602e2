"""Hostile text in a real browser: what users upload and link is shown as text, never rendered.

A CSV whose column and class names are Markdown images, links, HTML, LaTeX, colour directives
and emoji shortcodes is uploaded and trained on; a model file with such input names is opened;
a link with such values is followed. A small HTTP server on 127.0.0.1 stands where the images
point: the browser must never ask it for anything, the page must hold no <img> or javascript:
link of the user's, and the names must read back as the very characters in the file.
Screenshots go to artifacts/ (git-ignored).
"""

from __future__ import annotations

import csv
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

import pytest

from browser_support import REPO_ROOT, launch_chromium, serve_app, wait_until
from playground import model_io
from playground.config import TrainConfig
from playground.training import Trainer

pytestmark = pytest.mark.browser
playwright = pytest.importorskip("playwright.sync_api")


class _Pixel(BaseHTTPRequestHandler):
    asked: list = []

    def do_GET(self):  # noqa: N802 (the stdlib's name)
        self.asked.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


def _pixel_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pixel)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _names(port):
    return [f"![x](http://127.0.0.1:{port}/p.png)",
            f"<img src=http://127.0.0.1:{port}/i.png onerror=alert(1)>",
            "[link](javascript:alert(1))", "**bold** :red[red] $x^2$ :smile:"]


def _hostile_csv(names) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names + ["`kind`"])
    writer.writerows([i, (i * 7) % 11, i % 5, (i * 3) % 7, ":red[a]" if i % 2 else "$b$"]
                     for i in range(40))
    return out.getvalue().encode()


def _hostile_model(names) -> bytes:
    trainer = Trainer(TrainConfig(dataset="circle", hidden=(3,)))
    data = model_io.to_dict(trainer)
    data["input_names"] = names[:2]
    return json.dumps(data).encode()


def _user_markup(page, port) -> dict:
    return page.evaluate("""(port) => ({
        images: document.querySelectorAll(`img[src*="127.0.0.1:${port}"]`).length,
        scripts: document.querySelectorAll('a[href^="javascript"]').length,
        links: document.querySelectorAll(`a[href*="127.0.0.1:${port}"]`).length,
        katex: document.querySelectorAll('[data-testid="stCaptionContainer"] .katex').length,
    })""", port)


def test_hostile_names_reach_the_browser_as_text_and_fetch_nothing(tmp_path):
    pixel = _pixel_server()
    port = pixel.server_address[1]
    names = _names(port)
    table = tmp_path / "table.csv"
    table.write_bytes(_hostile_csv(names))
    model = tmp_path / "model.json"
    model.write_bytes(_hostile_model(names))
    shots = Path(REPO_ROOT, "artifacts")
    shots.mkdir(exist_ok=True)
    try:
        with serve_app("streamlit_app.py") as url, playwright.sync_playwright() as p:
            browser = launch_chromium(p)
            page = browser.new_page(viewport={"width": 1366, "height": 1600})
            page.goto(url)
            page.get_by_text("Epoch 0").first.wait_for(timeout=60_000)
            page.get_by_text("Files: download this run").click()
            page.get_by_role("tab", name="Your own data").click()
            page.locator("[data-testid='stFileUploaderDropzoneInput']").last.set_input_files(table)
            page.get_by_role("button", name="Train on this data").click()
            caption = page.get_by_text("Your uploaded table")
            caption.wait_for(timeout=30_000)
            shown = caption.inner_text().replace("\u200b", "")
            for name in names:
                assert name in shown, (name, shown)  # the very characters, as text
            assert _user_markup(page, port) == {"images": 0, "scripts": 0, "links": 0,
                                                "katex": 0}
            page.screenshot(path=str(shots / "e2e-hostile-csv.png"), full_page=True)

            page.get_by_role("tab", name="Open a model").click()
            page.locator("[data-testid='stFileUploaderDropzoneInput']").nth(-2).set_input_files(
                model)
            described = page.get_by_text("model at epoch 0")
            described.wait_for(timeout=30_000)
            said = described.inner_text().replace("\u200b", "")
            assert names[0] in said and names[1] in said, said
            assert _user_markup(page, port)["images"] == 0

            linked = browser.new_page(viewport={"width": 1366, "height": 900})
            linked.goto(url + "/?" + urlencode({"activation": names[0], "palette": names[1],
                                                "lr": names[3]}))
            note = linked.get_by_text("This link held values")
            note.wait_for(timeout=60_000)
            text = linked.locator("[data-testid='stAlert']").first.inner_text()
            text = text.replace("\u200b", "")
            assert names[0] in text and names[1][:35] in text and names[3] in text, text
            assert _user_markup(linked, port)["images"] == 0
            linked.screenshot(path=str(shots / "e2e-hostile-link.png"))
            wait_until(lambda: page.get_by_text("Epoch 0").first.is_visible(), what="page idle")
            browser.close()
        assert _Pixel.asked == []  # no viewer's browser fetched the planted address
    finally:
        pixel.shutdown()
