"""Every page at a phone's 390x844, at 1024x768 and at a projector's 1280x720 (projector mode,
sidebar closed), measured in a real browser: nothing wider than the window, no chart text
running into another or out of its chart, no two buttons overlapping, no label cut short.

The measures are test_e2e_layout's (chart titles, axis titles, notes and legend entries of every
Plotly chart, button boxes, "..." labels), plus two of this module's: the document's own width,
and every element's box inside the main column (a table or chart wider than its column shows as
an element sticking out of it). One server and one browser for the module; one browser context
per size, reused by every page. Pages that need a trained run open a link with ``at=``; the cat
and dog page takes one SGD step so its weight tables are drawn. Screenshots go to
artifacts/layout/.
"""

from __future__ import annotations

import pytest

from browser_support import REPO_ROOT
# The layout test's fixtures too: one server, one browser, a page per window size.
from test_e2e_layout import (MEASURE, SIZES, browser_and_url, open_page, pages,  # noqa: F401
                             problems, settle)

pytestmark = pytest.mark.browser
pytest.importorskip("playwright.sync_api")

PLOT = ".js-plotly-plot .main-svg"


def _step_once(page):
    page.get_by_role("button", name="One SGD step on this animal", exact=True).click()
    page.locator('[class*="st-key-catdog-step-layer1"] .main-svg').first.wait_for(timeout=90_000)


# name -> (address path, query, what shows once the page is drawn, an action to take then)
PAGES = {
    "train": ("", "dataset=blobs", '[data-live-chart-key="train.loss"] .main-svg', None),
    "lessons": ("lessons", "", '[data-testid="stTab"]', None),
    "cats_dogs": ("cats_dogs", "", '[data-live-chart-key="catdog.loss"] .main-svg', _step_once),
    "compare": ("compare", "at=20", '[data-testid="stMultiSelect"]', None),
    "landscape": ("landscape", "at=30", '[data-live-chart-key="labs.landscape.slice"] .main-svg',
                  None),
    "replay": ("replay", "at=30", '[data-live-chart-key="labs.replay.network"] .main-svg', None),
    # One hidden layer of three: the warp view is the 3-D one.
    "inside": ("inside", "hidden=8,3&at=30",
               '[data-live-chart-key="labs.inside.warped"] .main-svg', None),
    "loss_functions": ("loss_functions", "", PLOT, None),
}

# Beyond test_e2e_layout's MEASURE: the document's width, and every element of the main column
# that reaches past the column's right edge (a table or a chart grid wider than the phone).
WIDTHS = """() => {
  const column = document.querySelector('[data-testid="stMainBlockContainer"]')
    .getBoundingClientRect();
  const out = [];
  for (const e of document.querySelectorAll(
      '[data-testid="stMainBlockContainer"] [data-testid="stElementContainer"]')) {
    const r = e.getBoundingClientRect();
    // A chart that needs more room scrolls sideways inside its own box (views.wide_chart).
    if (r.width > 0 && r.right > column.right + 1 && !e.closest('[class*="st-key-wide-"]'))
      out.push(`${e.className.match(/st-key-\\S+/)?.[0] || e.textContent.trim().slice(0, 40)}`
               + ` reaches ${Math.round(r.right)} past the column's ${Math.round(column.right)}`);
  }
  // A select box's chosen value cut off by its box: it is an input's value, clipped without
  // a "...", so its text is measured in the input's font.
  const ctx = document.createElement('canvas').getContext('2d');
  for (const e of document.querySelectorAll(
      '[data-testid="stMain"] [data-testid="stSelectbox"] input')) {
    const style = getComputedStyle(e);
    ctx.font = style.font;
    const room = e.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (e.offsetParent && e.value && ctx.measureText(e.value).width > room + 1)
      out.push(`select box text cut off: ${e.value}`);
  }
  return {document: document.documentElement.scrollWidth, out};
}"""


@pytest.mark.parametrize("size", ["phone", "small", "projector"])
@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_fits_its_window_without_overlaps_or_cut_labels(browser_and_url, pages, name,
                                                                   size):
    _, url = browser_and_url
    path, query, ready, action = PAGES[name]
    folder = REPO_ROOT / "artifacts" / "layout"
    folder.mkdir(parents=True, exist_ok=True)
    shot = str(folder / f"page-{name}-{size}.png")
    page = open_page(pages, url, size, path=path, query=query)
    try:
        settle(page, ready)
        if action:
            action(page)
            settle(page, ready)
    finally:  # also what a page that never got ready showed
        page.screenshot(path=shot)
    width = SIZES[size][0]
    found = problems(page.evaluate(MEASURE), width)
    widths = page.evaluate(WIDTHS)
    found += widths["out"]
    if widths["document"] > width + 1:
        found.append(f"the document is {widths['document']} px wide in a {width} px window")
    assert not found, "\n".join(found)
