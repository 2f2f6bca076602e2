"""Entry point: page config, navigation over app_pages/, links in the URL, display settings.

Query parameters are cleared whenever the user moves to another page, so this file, which runs
on every page, loads an opened link's settings on a session's first run and writes the current
settings back into the URL on every run (see playground/ui/links.py).
"""

import streamlit as st

from playground.scopes import SCOPES
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
/* Button labels wrap instead of ending in "..." ("One SGD step on this ani..." at this size). */
[data-testid^="stBaseButton"] [data-testid="stMarkdownContainer"] {
  white-space: normal; overflow: visible; text-overflow: clip; }
</style>"""
# The sidebar's width in pixels: two controls side by side ("Regularisation" beside its rate)
# need more than Streamlit's default.
SIDEBAR_WIDTH = 330

st.set_page_config(page_title="Neural network playground", page_icon="🧠", layout="wide",
                   initial_sidebar_state=SIDEBAR_WIDTH)
preload_plotly()  # the charts' library downloads while the page's widgets render

pages = [
    st.Page(SCOPES["train"].page, title="Train", icon=":material/model_training:", default=True),
    st.Page("app_pages/lessons.py", title="Lessons", icon=":material/school:"),
    st.Page(SCOPES["catdog"].page, title="Cats vs dogs", icon=":material/pets:"),
    st.Page("app_pages/compare.py", title="Compare runs", icon=":material/compare_arrows:"),
    st.Page("app_pages/landscape.py", title="Loss landscape", icon=":material/landscape:"),
    st.Page("app_pages/replay.py", title="Replay", icon=":material/replay:"),
    st.Page("app_pages/inside.py", title="Inside the network", icon=":material/visibility:"),
    st.Page("app_pages/loss_functions.py", title="Loss functions", icon=":material/functions:"),
]
page = st.navigation(pages)
links.open_link(page)  # a session's first run: load the settings the URL carries
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
