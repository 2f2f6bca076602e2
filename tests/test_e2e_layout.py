"""Layout measured in a real browser: what the first screen holds, and nothing cut or overlapping.

At a laptop's 1366x768 and a projector's 1280x720 (projector mode, sidebar closed), the Train
page's buttons, numbers, boundary and loss curve must lie inside the first screen. At those
sizes, at 1024x768 and at a phone's 390 px, no two button labels or chart texts (titles, axis
titles, legend entries, notes, tick labels against titles) may overlap, no chart text may stick
out of its chart, and no label may be cut short ("R..."). One server and one browser for the
module; each size is one browser context that every page of that size reuses. Screenshots go to
artifacts/layout/.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from browser_support import REPO_ROOT, launch_chromium, serve_app, wait_until

pytestmark = pytest.mark.browser
playwright = pytest.importorskip("playwright.sync_api")

SIZES = {"laptop": (1366, 768), "projector": (1280, 720), "small": (1024, 768),
         "phone": (390, 844)}
BOUNDARY = '[data-live-chart-key="train.boundary"]'
LOSS = '[data-live-chart-key="train.loss"]'

# Every text a Plotly chart draws in SVG that must not run into another: the title, axis titles,
# notes, legend entries; tick labels count against those (not against each other: Plotly thins
# and turns those itself).
MEASURE = """() => {
  const box = (e) => { const r = e.getBoundingClientRect();
    return {x: r.left, y: r.top, r: r.right, b: r.bottom, w: r.width, h: r.height}; };
  const shown = (e) => { const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && e.textContent.trim() !== ''; };
  const charts = [];
  for (const div of document.querySelectorAll('.js-plotly-plot')) {
    const taken = new Set();  // an element matched by two selectors counts once
    const named = (sel, kind) => [...div.querySelectorAll(sel)]
      .filter((e) => shown(e) && !taken.has(e) && taken.add(e))
      .map((e) => ({kind, text: e.textContent.trim(), ...box(e)}));
    charts.push({
      key: div.dataset.liveChartKey || div.closest('[class*="st-key-"]')?.className || '?',
      box: box(div),
      texts: [...named('text.gtitle', 'title'),
              ...named('text[class*="xtitle"], text[class*="ytitle"]', 'axis'),
              ...named('.annotation-text', 'note'), ...named('.legendtext', 'legend')],
      ticks: named('.xtick text, .ytick text, [class*="tick"] > text', 'tick'),
    });
  }
  // Labels cut short: Streamlit ends a label that does not fit in "..." (text-overflow).
  const cut = [];
  for (const e of document.querySelectorAll('[data-testid="stMain"] *')) {
    if (e.scrollWidth > e.clientWidth + 1 && e.textContent.trim() && e.children.length === 0 &&
        getComputedStyle(e).textOverflow === 'ellipsis') cut.push(e.textContent.trim());
  }
  const buttons = [...document.querySelectorAll('[data-testid="stMain"] button')]
    .filter((b) => b.offsetParent && b.textContent.trim())
    .map((b) => ({text: b.textContent.trim(), ...box(b),
                  spill: [...b.querySelectorAll('p, span, div')].some(
                    (e) => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right >
                      b.getBoundingClientRect().right + 1)}));
  return {charts, cut, buttons, width: document.documentElement.scrollWidth,
          mainWidth: document.querySelector('[data-testid="stMain"]').scrollWidth};
}"""


def _overlap(a, b, slack=1.0) -> bool:
    return (min(a["r"], b["r"]) - max(a["x"], b["x"]) > slack and
            min(a["b"], b["b"]) - max(a["y"], b["y"]) > slack)


def problems(measured: dict, viewport_width: int) -> list[str]:
    """Every overlap, spill and cut label in one measurement, as readable lines."""
    found = []
    for chart in measured["charts"]:
        texts, where = chart["texts"], chart["key"]
        for a, b in itertools.combinations(texts, 2):
            if _overlap(a, b):
                found.append(f"{where}: {a['kind']} {a['text']!r} overlaps {b['kind']} {b['text']!r}")
        for a, b in itertools.product(texts, chart["ticks"]):
            if a["kind"] != "legend" and _overlap(a, b):
                found.append(f"{where}: {a['kind']} {a['text']!r} overlaps tick {b['text']!r}")
        frame = chart["box"]
        for a in texts:
            if (a["x"] < frame["x"] - 1 or a["r"] > frame["r"] + 1 or a["y"] < frame["y"] - 1
                    or a["b"] > frame["b"] + 1):
                found.append(f"{where}: {a['kind']} {a['text']!r} sticks out of its chart")
    for a, b in itertools.combinations(measured["charts"], 2):
        if _overlap(a["box"], b["box"]):
            found.append(f"charts {a['key']} and {b['key']} overlap")
    buttons = measured["buttons"]
    for a, b in itertools.combinations(buttons, 2):
        if _overlap(a, b):
            found.append(f"buttons {a['text']!r} and {b['text']!r} overlap")
    found += [f"button {b['text']!r}: its label does not fit" for b in buttons if b["spill"]]
    found += [f"label cut short: {text!r}" for text in measured["cut"]]
    if measured["mainWidth"] > viewport_width + 1:
        found.append(f"the page is {measured['mainWidth']} px wide in a {viewport_width} px window")
    return found


@pytest.fixture(scope="module")
def browser_and_url():
    with serve_app("streamlit_app.py") as url, playwright.sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser, url
        browser.close()


@pytest.fixture(scope="module")
def pages(browser_and_url):
    """size -> a page of that size (made on first use, then reused)."""
    browser, _ = browser_and_url
    made = {}

    def page_for(size):
        if size not in made:
            width, height = SIZES[size]
            made[size] = browser.new_context(viewport={"width": width, "height": height}).new_page()
        return made[size]

    yield page_for
    for page in made.values():
        page.context.close()


def _layout_settled(page):
    """True once two looks 0.3 s apart find the same element boxes (charts drawn, no reflow)."""
    script = """() => [...document.querySelectorAll('[data-testid="stMain"] .stElementContainer')]
        .map((e) => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })"""
    before = page.evaluate(script)
    page.wait_for_timeout(300)
    return before == page.evaluate(script)


def open_page(pages, url, size, path="", query=""):
    """Open ``path`` at ``size`` (projector: ?projector=1, sidebar closed), drawn and settled."""
    page = pages(size)
    projector = size == "projector"
    query = "&".join(q for q in (query, "projector=1" if projector else "") if q)
    page.goto(f"{url}/{path}" + (f"?{query}" if query else ""))
    page.get_by_test_id("stMainBlockContainer").wait_for(timeout=60_000)
    sidebar = page.get_by_test_id("stSidebar")
    if projector and sidebar.get_attribute("aria-expanded") != "false" and sidebar.is_visible():
        sidebar.hover()
        page.get_by_test_id("stSidebarCollapseButton").locator("button").click()
        wait_until(lambda: (sidebar.bounding_box() or {"x": 0, "width": 0})["x"]
                   + (sidebar.bounding_box() or {"width": 0})["width"] < 5,
                   timeout=15, what="the sidebar to close")
    return page


def settle(page, ready: str):
    page.locator(ready).first.wait_for(timeout=90_000)
    wait_until(lambda: _layout_settled(page), timeout=60, what="the layout to settle")


def shoot(page, name):
    folder = Path(REPO_ROOT, "artifacts", "layout")
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))


def box(page, selector):
    found = page.locator(selector).first.bounding_box()
    assert found, f"{selector} is not on the page"
    return found


# -- the Train page's first screen ----------------------------------------------------------------
FIRST_SCREEN = {
    "Play button": '[class*="st-key-train-play"] button',
    "Step button": '[class*="st-key-train-step"] button',
    "Reset button": '[class*="st-key-train-reset"] button',
    "speed": '.st-key-timeline-train [data-testid="stSlider"]',
    "epoch": '[data-testid="stMain"] strong:text-matches("^Epoch \\\\d+$")',
    "metrics": ".st-key-metrics-train",
    "boundary": BOUNDARY,
    "loss curve": LOSS,
}


@pytest.mark.parametrize("size", ["laptop", "projector"])
@pytest.mark.parametrize("dataset", ["spiral", "blobs", "multi_gauss"])
def test_the_train_page_first_screen_holds_the_buttons_numbers_boundary_and_loss(
        browser_and_url, pages, size, dataset):
    _, url = browser_and_url
    page = open_page(pages, url, size, query=f"dataset={dataset}")
    settle(page, f"{LOSS} .main-svg")
    shoot(page, f"train-{dataset}-{size}")
    width, height = SIZES[size]
    outside = []
    for name, selector in FIRST_SCREEN.items():
        found = box(page, selector)
        if found["x"] < 0 or found["y"] < 0 or found["x"] + found["width"] > width + 0.5 \
                or found["y"] + found["height"] > height + 0.5:
            outside.append(f"{name} at {found}")
    assert not outside, f"not on the first {width}x{height} screen: {outside}"
    metrics = page.locator('.st-key-metrics-train [data-testid="stMetric"]')
    assert metrics.count() == 4
    # Side by side: the loss curve beside the boundary, not under it.
    assert box(page, LOSS)["y"] < box(page, BOUNDARY)["y"] + box(page, BOUNDARY)["height"]
    found = problems(page.evaluate(MEASURE), width)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("size", ["small", "phone"])
def test_the_train_page_on_a_small_screen_stacks_without_overlaps(browser_and_url, pages, size):
    _, url = browser_and_url
    page = open_page(pages, url, size)
    settle(page, f"{LOSS} .main-svg")
    shoot(page, f"train-{size}")
    # Stacked: the loss curve below the boundary, each with the column's whole width.
    boundary, loss = box(page, BOUNDARY), box(page, LOSS)
    assert loss["y"] >= boundary["y"] + boundary["height"]
    assert abs(loss["width"] - boundary["width"]) < 2
    found = problems(page.evaluate(MEASURE), SIZES[size][0])
    assert not found, "\n".join(found)


def test_the_measure_finds_what_it_looks_for():
    # The checks on made-up boxes: each kind of fault is reported, a clean layout is not.
    text = lambda kind, t, x, y, w=40, h=12: {"kind": kind, "text": t, "x": x, "y": y,  # noqa
                                              "r": x + w, "b": y + h, "w": w, "h": h}
    frame = {"x": 0, "y": 0, "r": 300, "b": 200, "w": 300, "h": 200}
    clean = {"charts": [{"key": "c", "box": frame, "texts": [text("axis", "loss", 10, 10),
                                                              text("axis", "epoch", 100, 180)],
                         "ticks": [text("tick", "0.5", 60, 10)]}],
             "cut": [], "buttons": [], "width": 300, "mainWidth": 300}
    assert problems(clean, 300) == []
    messy = {"charts": [{"key": "c", "box": frame,
                         "texts": [text("axis", "loss", 10, 10), text("axis", "accuracy", 30, 15),
                                   text("legend", "test accuracy", 280, 0)],
                         "ticks": [text("tick", "0.5", 20, 12)]}],
             "cut": ["R..."], "buttons": [{**text("b", "Play", 0, 0), "spill": True},
                                          {**text("b", "Step", 20, 0), "spill": False}],
             "width": 300, "mainWidth": 420}
    found = "\n".join(problems(messy, 390))
    for expected in ("'loss' overlaps axis 'accuracy'", "'loss' overlaps tick '0.5'",
                     "'test accuracy' sticks out", "buttons 'Play' and 'Step' overlap",
                     "'Play': its label does not fit", "cut short: 'R...'", "420 px wide"):
        assert expected in found
