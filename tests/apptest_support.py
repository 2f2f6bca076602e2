"""AppTest helpers for the multipage app. Not a test module: test modules import from it.

``real_navigation``: AppTest 1.67 resets ``PagesManager.uses_pages_directory`` before every run,
and with a ``pages/`` folder beside the entry file every run after the first then executes the
page script alone (Streamlit's old pages-folder mode), skipping the entry file, so nothing the
entry file does after the first run (the URL sync, the display settings) would be tested. A real
server sets the flag to False for good at the first ``st.navigation`` call; the fixture does the
same after each PagesManager is made. Measured with a two-file app: without it, the entry file
ran once in three runs; with it, three times.
"""

from __future__ import annotations

import pytest
from streamlit.runtime.pages_manager import PagesManager


@pytest.fixture(autouse=True)
def real_navigation(monkeypatch):
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
