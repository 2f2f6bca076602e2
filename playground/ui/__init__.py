"""Streamlit-facing helpers: the only package code that imports streamlit.

Import the submodules directly (``from playground.ui.live_chart import live_chart``);
this package file stays empty so importing one helper does not pull in the others.
"""
