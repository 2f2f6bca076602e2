"""Entry point: page config, navigation over app_pages/, links in the URL, display settings.

Query parameters are cleared whenever the user moves to another page, so this file, which runs
on every page, loads an opened link's settings on a session's first run and writes the current
settings back into the URL on every run (see playground/ui/links.py).
"""

import streamlit as st

from playground.scopes import PAGES
from playground.training import one_blas_thread
from playground.ui import classroom, links, state
from playground.ui.live_chart import preload_plotly

# Streamlit sizes its type and spacing in rem: a larger root size enlarges the whole page evenly.
# The charts get larger type and thicker lines from the live chart component itself.
# Projector mode also narrows the main area's side padding (5rem, ~105 px a side at this size)
# and widens the sidebar for its larger labels, so a 1280 px screen keeps most of its width.
PROJECTOR_CSS = """<style>
html { font-size: 21px; }
[data-testid="stMainBlockContainer"] { padding-left: 1.5rem; padding-right: 1.5rem; }
[data-testid="stSidebar"] { width: 400px !important; }
</style>"""
# For every page, in every mode. Streamlit's own spacing is made for text pages; these pages are
# charts that should fit a laptop's first screen (1366x768), with the buttons and numbers above.
LAYOUT_CSS = """<style>
/* Streamlit leaves 6rem above a page and 5rem at its sides. */
[data-testid="stMainBlockContainer"] { padding-top: 3rem; }
@media (min-width: 640px) {  /* phones keep Streamlit's own narrow margins */
  [data-testid="stMainBlockContainer"] { padding-left: 3rem; padding-right: 3rem; } }
[data-testid="stMainBlockContainer"] [data-testid="stHeading"] h1 {
  font-size: 2rem; padding: 0.25rem 0; }
/* Charts side by side (views.chart_columns) stack when their row is narrower than 45rem: the
   sidebar open at 1024 px, or projector mode's type with the sidebar open. */
[class*="st-key-charts-"] { container-type: inline-size; }
@container (max-width: 45rem) {
  [class*="st-key-charts-"] [data-testid="stHorizontalBlock"] { flex-wrap: wrap; }
  [class*="st-key-charts-"] [data-testid="stColumn"] { min-width: 100%; } }
/* Button labels wrap instead of ending in "..." or spilling out ("One SGD step on this ani..."
   in projector mode, "Back to the trained network" at 1024 px). */
[data-testid^="stBaseButton"] [data-testid="stMarkdownContainer"],
[data-testid^="stBaseButton"] .stMarkdownEllipsis, [data-testid^="stBaseButton"] p {
  white-space: normal; overflow: visible; text-overflow: clip; }
/* The metrics row (views.metrics): numbers a size smaller than Streamlit's, to fit four in a
   chart's column. */
[class*="st-key-metrics-"] [data-testid="stMetricValue"] { font-size: 1.5rem; }
/* The timeline row (live.controls): the speed slider takes the room the buttons leave, and
   goes below them when that is under 12rem. */
[class*="st-key-timeline-"] [data-testid="stElementContainer"]:has([data-testid="stSlider"]) {
  flex: 1 1 12rem; min-width: 12rem; }
</style>"""
# The sidebar's width in pixels: two controls side by side ("Regularisation" beside its rate)
# need more than Streamlit's default.
SIDEBAR_WIDTH = 330

st.set_page_config(page_title="Neural network playground", page_icon="🧠", layout="wide",
                   initial_sidebar_state=SIDEBAR_WIDTH)
preload_plotly()  # the charts' library downloads while the page's widgets render
one_blas_thread()  # a session keeps to one core (1.5 us a run)

pages = [st.Page(p.script, title=p.title, icon=p.icon, default=i == 0)
         for i, p in enumerate(PAGES.values())]
page = st.navigation(pages)
links.open_link(page)  # a session's first run: load the settings the URL carries
st.html(LAYOUT_CSS)
if state.value("display.projector"):
    st.html(PROJECTOR_CSS)
notes = st.container()  # above the page: where an opened link's notes show
with classroom.page():  # a page being opened or a button pressed goes before training ticks
    page.run()
    links.keep_in_url(page, notes)

# Drawn after the page, so it sits below the page's own settings in the sidebar.
with st.sidebar:
    with st.expander("Display"):
        palettes = ["classic", "colorblind"]  # defaults follow what a link set (state.keyed)
        st.selectbox("Colours", palettes, **state.keyed("display.palette", "index", palettes),
                     format_func={"classic": "Classic blue/orange",
                                  "colorblind": "Colour-blind safe"}.get,
                     help="The colour-blind-safe set (Okabe-Ito) keeps classes apart for "
                          "every kind of colour vision.")
        st.toggle("Projector mode", **state.keyed("display.projector"),
                  help="Larger type and thicker lines for a classroom projector.")
