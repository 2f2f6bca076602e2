"""The class-wide scheduler as the pages meet it: one per server process, keyed by session.

``playground.scheduler`` decides whose turn it is; this module gives it what only Streamlit
knows: which session is running, whether a whole page is running (the entry file marks it with
``page()``), and whether the user has just pressed something (then a waiting frame gives up its
turn, so Pause acts at once).

The scheduler is one object for the whole process, on purpose: it is the only state that must be
shared by every visitor (``st.cache_resource`` hands the same object to all sessions).
"""

from __future__ import annotations

import time
from contextlib import contextmanager, nullcontext
from typing import Iterator

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from playground.scheduler import Scheduler, Turn


@st.cache_resource
def scheduler() -> Scheduler:
    return Scheduler()


def _session() -> str | None:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else None


def _fragment_run() -> bool:
    ctx = get_script_run_ctx()
    return bool(ctx and ctx.fragment_ids_this_run)


def interrupted() -> bool:
    """True when a rerun that preempts this script is waiting (a button press, a new setting).

    Streamlit only looks for such a request at its own calls, which a waiting frame does not
    make; this peeks at the same flag. Reads private fields of Streamlit 1.67 (pinned), so any
    surprise counts as "not interrupted" rather than breaking the page.
    """
    ctx = get_script_run_ctx()
    requests = getattr(ctx, "script_requests", None)
    try:
        from streamlit.runtime.scriptrunner_utils.script_requests import (
            ScriptRequestType, _fragment_run_should_not_preempt_script)
        kind = requests._state
        if kind == ScriptRequestType.STOP:
            return True
        data = requests._rerun_data
        return kind == ScriptRequestType.RERUN and not _fragment_run_should_not_preempt_script(
            data.fragment_id_queue, data.is_fragment_scoped_rerun)
    except Exception:  # noqa: BLE001 - an internal change must not break the page
        return False


def page():
    """Context for a whole-page run: it waits for the page before it and the frame being drawn,
    then other sessions' frames wait until it is drawn (given up when the user presses again)."""
    session = _session()
    return scheduler().page(session, cancelled=interrupted) if session else nullcontext()


class Frame:
    """One frame's turn: ``seconds`` of training granted; ``train`` times what it trains."""

    def __init__(self, sched: Scheduler | None, session, turn: Turn):
        self._sched, self._session, self.turn = sched, session, turn

    @property
    def seconds(self) -> float:
        return self.turn.seconds

    def train(self, work, *args, **kwargs):
        """Call ``work(*args, **kwargs)`` and count its time as training (not drawing)."""
        start = time.perf_counter()
        try:
            return work(*args, **kwargs)
        finally:
            if self._sched is not None:
                self._sched.trained(self._session, time.perf_counter() - start)


@contextmanager
def turn(budget: float) -> Iterator[Frame]:
    """Wait for this session's turn; the block trains (at most ``Frame.seconds``) and draws.

    ``budget`` is the caller's own most seconds a frame; the granted slice never exceeds it.
    Outside a Streamlit session (the CLI, a plain test) there is no queue: the budget as is.
    """
    session = _session()
    if session is None or (not budget and not _fragment_run()):
        # No queue outside a session; and a whole page's own still frame is part of the page.
        yield Frame(None, None, Turn(budget))
        return
    sched = scheduler()
    with sched.turn(session, cancelled=interrupted) as got:
        yield Frame(sched, session, Turn(min(budget, got.seconds), got.waited, got.players))
