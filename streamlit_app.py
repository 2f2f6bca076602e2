"""Entry point: page config, navigation over pages/, app-wide display settings."""

import streamlit as st

st.set_page_config(page_title="Neural network playground", page_icon="🧠", layout="wide")

pages = [
    st.Page("pages/train.py", title="Train", icon="🏋️", default=True),
]
page = st.navigation(pages)
page.run()

# Drawn after the page, so it sits below the page's own settings in the sidebar.
with st.sidebar:
    with st.expander("Display"):
        st.selectbox("Colours", ["classic", "colorblind"], key="display.palette",
                     format_func={"classic": "Classic blue/orange",
                                  "colorblind": "Colour-blind safe"}.get,
                     help="The colour-blind-safe set (Okabe-Ito) keeps classes apart for "
                          "every kind of colour vision.")
        st.toggle("Projector mode", key="display.projector",
                  help="Larger type and thicker lines for a classroom projector.")
