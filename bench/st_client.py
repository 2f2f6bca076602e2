"""A Streamlit 1.67 client without a browser: the websocket protocol the frontend speaks.

bench/bench_classroom.py uses it to simulate a class of students on one server. What the
browser does, and this client does the same way (read from streamlit's own server and bundled
frontend, streamlit/static/static/js/index.*.js):

- It loads the page (``GET /``) and sends the cookies that sets with the socket's handshake
  (behind a proxy with cookie-based sticky sessions, that keeps a student on one server).
- It opens ``ws://host/_stcore/stream`` offering the subprotocol ``streamlit`` (the browser puts
  its XSRF token second and, when reconnecting, its session id third: the server reads those
  positions; this client sends a placeholder token, so it is an anonymous user).
- Every message up is a ``BackMsg``; a (re)run is ``rerun_script`` with the page's query
  string, the current page's script hash ("" on the first run: the default page), the state of
  every widget the user has set, and the hashes of the cacheable messages it holds.
- Every message down is a ``ForwardMsg``: ``new_session`` starts a run (its metadata names the
  fragments when it is a fragment run), ``delta`` adds or replaces one element at
  ``metadata.delta_path``, ``script_finished`` ends a run, ``page_info_changed`` carries the
  query string the app wrote, ``ref_hash`` points at a message sent before (only for hashes
  the client reported), ``auto_rerun`` / ``stop_auto_rerun`` start and stop a fragment's timer.
- A button press is one rerun whose widget states hold ``trigger_value=True`` for the button's
  id (sent once). A select_slider's value is ``string_array_value`` with the option's label.
- ``@st.fragment(run_every=...)``: the server sends ``auto_rerun`` {interval, fragment_id} and
  the BROWSER then sends a ``rerun_script`` with that fragment id and ``is_auto_rerun`` every
  interval (a JavaScript setInterval, cleared when a full run starts). This client runs the
  same timer; requests that arrive while a run is busy are merged by the server.

Widgets are found by the user key at the end of their element id (``$$ID-<hash>-<key>``),
never by position, so a changed page layout does not break a simulation.

Not simulated: painting (it bounds a real browser's frame rate; this client reads as fast as
the socket delivers), loading the page's scripts and plotly.js, custom-component events back to
Python, file uploads, the heartbeat, reconnecting after a close (counted, not retried).
"""

from __future__ import annotations

import asyncio
import re
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

STREAM_PATH = "/_stcore/stream"
ID_PREFIX = "$$ID-"
CHART_PREFIX = "live_chart:"  # playground/ui/live_chart.py keys its component elements so
EPOCH = re.compile(r"\bEpoch\s+([\d,]+)")
CHART_TYPES = ("bidi_component", "plotly_chart")
# Runs a cached message is kept after it was last seen. The browser keeps 2
# (new_session.config.max_cached_message_age), but on a busy server a request can be answered
# many fragment runs after it reported its hashes, and a reference to a message forgotten
# meanwhile would drop an element. Keeping more only makes the server send fewer full copies.
CACHE_RUNS = 50


def user_key(element_id: str) -> str:
    """The ``key=`` a widget or chart was given, from its element id ("" when it had none)."""
    if not element_id.startswith(ID_PREFIX):
        return ""
    parts = element_id.split("-", 2)
    return parts[2] if len(parts) == 3 else ""


def chart_key(element_type: str, element: Any) -> str:
    """The key of a chart element: a live chart's own key, or a plotly chart's ``key=``."""
    key = user_key(getattr(element, "id", ""))
    return key[len(CHART_PREFIX):] if key.startswith(CHART_PREFIX) else key


def stream_url(base_url: str) -> str:
    parts = urlsplit(base_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}{STREAM_PATH}"


def page_cookies(base_url: str, timeout: float) -> list[str]:
    """GET the page as a browser does first; the ``name=value`` of every cookie it sets."""
    with urllib.request.urlopen(base_url.rstrip("/") + "/", timeout=timeout) as response:
        response.read()
        return [c.split(";", 1)[0].strip() for c in response.headers.get_all("Set-Cookie") or []]


def rerun_message(*, query_string: str = "", page_script_hash: str = "",
                  widgets: list[WidgetState] = (), fragment_id: str = "",
                  auto: bool = False, cached_hashes=()) -> BackMsg:
    """The BackMsg the browser sends to (re)run the page or one fragment."""
    msg = BackMsg()
    rerun = msg.rerun_script
    rerun.query_string = query_string
    rerun.page_script_hash = page_script_hash
    rerun.widget_states.widgets.extend(widgets)
    if fragment_id:
        rerun.fragment_id = fragment_id
    rerun.is_auto_rerun = auto
    rerun.cached_message_hashes.extend(cached_hashes)
    return msg


def trigger_state(widget_id: str) -> WidgetState:
    state = WidgetState(id=widget_id)
    state.trigger_value = True
    return state


def options_state(widget_id: str, labels: list[str]) -> WidgetState:
    """A select_slider's (or multiselect's) value: the labels of the chosen options."""
    state = WidgetState(id=widget_id)
    state.string_array_value.data.extend(labels)
    return state


@dataclass
class Widget:
    id: str
    type: str
    label: str
    element: Any  # the element's protobuf (Button, Slider, ...)
    seen: float  # time.monotonic() when its last delta arrived


@dataclass
class Stats:
    """What one session received, for the benchmark."""
    epoch: int | None = None  # the last "Epoch N" the page showed
    epoch_at: float = 0.0
    frames: Counter = field(default_factory=Counter)  # chart key -> chart deltas received
    messages: int = 0
    bytes: int = 0
    last_message_at: float = 0.0  # monotonic time of the last message received
    runs_finished: int = 0  # full runs and fragment runs
    full_runs_finished: int = 0  # full runs that ran to their end
    closes: int = 0  # the socket closed while the session wanted it open
    first_chart_at: float | None = None  # monotonic time of the first chart delta
    errors: list = field(default_factory=list)  # exception elements' messages


class Session:
    """One browser tab: a websocket, the page's widgets as last drawn, and counters.

    Use inside ``async with Session(url, query) as s:``; ``await s.run_page()`` first. The
    receive loop runs as a task; ``on_delta(session, type, element)`` is called for every
    element delta (for timing).
    """

    def __init__(self, base_url: str, query_string: str = "", *,
                 on_delta: Callable | None = None, connect_timeout: float = 30.0):
        self.base_url = base_url
        self.query_string = query_string
        self.page_script_hash = ""
        self.session_id = ""
        self.cookies: list[str] | None = None  # "name=value" pairs set by loading the page
        self.widgets: dict[str, Widget] = {}  # user key -> widget
        self.values: dict[str, WidgetState] = {}  # user key -> the state this user set
        self.stats = Stats()
        self.on_delta = on_delta
        self.connect_timeout = connect_timeout
        self.script_running = False
        self._ws = None
        self._reader: asyncio.Task | None = None
        self._timers: dict[str, tuple[float, asyncio.Task]] = {}  # fragment id -> timer
        self._cache: dict[str, list] = {}  # hash -> [ForwardMsg, run count seen, fragment id]
        self._run_count = 0
        self._run_fragments: list[str] = []
        self._closing = False

    # -- connection -----------------------------------------------------------------------
    async def __aenter__(self) -> "Session":
        await self.connect()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def connect(self) -> None:
        """Load the page, then open the socket with the cookies the page set (a proxy's
        sticky-session cookie) and, on a reconnect, the session id, as the browser does."""
        if self.cookies is None:
            self.cookies = await asyncio.to_thread(page_cookies, self.base_url,
                                                   self.connect_timeout)
        protocols = ["streamlit", "no-xsrf"] + ([self.session_id] if self.session_id else [])
        headers = {"Cookie": "; ".join(self.cookies)} if self.cookies else None
        self._ws = await asyncio.wait_for(
            websockets.connect(stream_url(self.base_url), subprotocols=protocols,
                               additional_headers=headers, max_size=None,
                               ping_interval=None,  # browsers send no pings
                               open_timeout=self.connect_timeout),
            self.connect_timeout)
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        self._closing = True
        self._stop_timers()
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except (asyncio.CancelledError, Exception):
                pass

    @property
    def open(self) -> bool:
        return self._reader is not None and not self._reader.done()

    # -- sending ----------------------------------------------------------------------------
    async def rerun(self, *extra: WidgetState, fragment_id: str = "", auto: bool = False) -> None:
        """Ask for a run with the user's widget values (and ``extra`` states, sent once)."""
        states = {}
        for key, state in self.values.items():
            widget = self.widgets.get(key)
            if widget is not None:  # a widget not on the page now is not sent
                sent = WidgetState()
                sent.CopyFrom(state)
                sent.id = widget.id
                states[sent.id] = sent
        for state in extra:
            states[state.id] = state
        msg = rerun_message(query_string=self.query_string,
                            page_script_hash=self.page_script_hash,
                            widgets=list(states.values()), fragment_id=fragment_id,
                            auto=auto, cached_hashes=list(self._cache))
        await self._ws.send(msg.SerializeToString())

    async def click(self, key: str) -> None:
        """Press the button with ``key=key`` (KeyError if the page does not show it)."""
        await self.rerun(trigger_state(self.widgets[key].id))

    async def choose(self, key: str, label: str) -> None:
        """Set a select_slider (or multiselect of one) to the option labelled ``label``."""
        widget = self.widgets[key]
        if label not in list(widget.element.options):
            raise ValueError(f"{key}: no option {label!r} in {list(widget.element.options)}")
        self.values[key] = options_state(widget.id, [label])
        await self.rerun()

    async def run_page(self, timeout: float = 60.0) -> None:
        """The first run, as when the page is opened; waits until a full run has finished."""
        before = self.stats.full_runs_finished
        await self.rerun()
        await self.wait_for(lambda: self.stats.full_runs_finished > before, timeout,
                            "first run finished")

    async def wait_for(self, condition: Callable[[], Any], timeout: float, what: str = "",
                       poll: float = 0.02) -> Any:
        """Poll ``condition()`` until truthy (returned) or ``timeout`` (asyncio.TimeoutError
        saying ``what`` was awaited)."""
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            if time.monotonic() > deadline:
                raise asyncio.TimeoutError(f"no {what or 'condition'} within {timeout:.0f} s")
            if self._reader is not None and self._reader.done():
                raise ConnectionError("the websocket closed")
            await asyncio.sleep(poll)

    # -- receiving ------------------------------------------------------------------------------
    async def _read(self) -> None:
        try:
            async for data in self._ws:
                self.stats.messages += 1
                self.stats.bytes += len(data)
                self.stats.last_message_at = time.monotonic()
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self._handle(msg)
        except websockets.ConnectionClosed:
            pass
        finally:
            self._stop_timers()
            if not self._closing:
                self.stats.closes += 1

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            cached = self._cache.get(msg.ref_hash)
            if cached is None:
                self.stats.errors.append(f"ref_hash {msg.ref_hash} not in the cache")
                return
            cached[1] = self._run_count
            full = ForwardMsg()
            full.CopyFrom(cached[0])
            full.metadata.CopyFrom(msg.metadata)
            msg, kind = full, full.WhichOneof("type")
        elif msg.metadata.cacheable and msg.hash:
            fragment = msg.delta.fragment_id if kind == "delta" else ""
            self._cache[msg.hash] = [msg, self._run_count, fragment]
        if kind == "new_session":
            self._new_session(msg)
        elif kind == "delta":
            self._delta(msg)
        elif kind == "script_finished":
            self.stats.runs_finished += 1
            if msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                self.stats.full_runs_finished += 1
            self._age_cache(msg)
        elif kind == "session_status_changed":
            self.script_running = msg.session_status_changed.script_is_running
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "auto_rerun":
            self._start_timer(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fragment_id in msg.stop_auto_rerun.fragment_ids:
                self._stop_timer(fragment_id)

    def _new_session(self, msg: ForwardMsg) -> None:
        new = msg.new_session
        self.page_script_hash = new.page_script_hash or self.page_script_hash
        if new.HasField("initialize") and new.initialize.session_id:
            self.session_id = new.initialize.session_id
        self._run_fragments = list(msg.metadata.run.fragment_ids)
        if not self._run_fragments:  # a full run: the browser clears every fragment timer
            self._stop_timers()

    def _delta(self, msg: ForwardMsg) -> None:
        delta = msg.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind is None:
            return
        body = getattr(element, kind)
        now = time.monotonic()
        if kind == "markdown":
            match = EPOCH.search(body.body)
            if match:
                self.stats.epoch = int(match.group(1).replace(",", ""))
                self.stats.epoch_at = now
        elif kind in CHART_TYPES:
            self.stats.frames[chart_key(kind, body)] += 1
            if self.stats.first_chart_at is None and chart_key(kind, body) != "plotly-preload":
                self.stats.first_chart_at = now
        elif kind == "exception":
            self.stats.errors.append(f"{body.type}: {body.message}")
        if kind not in ("markdown", "exception") and hasattr(body, "id"):
            key = user_key(body.id)
            if key:
                self.widgets[key] = Widget(body.id, kind, getattr(body, "label", ""), body, now)
        if self.on_delta is not None:
            self.on_delta(self, kind, body)

    def _age_cache(self, msg: ForwardMsg) -> None:
        """Forget cached messages not seen for CACHE_RUNS runs (see there)."""
        self._run_count += 1
        fragments = self._run_fragments
        for key, (_, seen, fragment) in list(self._cache.items()):
            if fragments and (not fragment or fragment not in fragments):
                continue  # a fragment run ages only that fragment's messages
            if self._run_count - seen > CACHE_RUNS:
                del self._cache[key]

    # -- fragment timers (the browser's setInterval) --------------------------------------------
    def _start_timer(self, fragment_id: str, interval: float) -> None:
        if not fragment_id or interval <= 0:
            return
        current = self._timers.get(fragment_id)
        if current is not None and current[0] == interval:
            return
        self._stop_timer(fragment_id)
        self._timers[fragment_id] = (interval, asyncio.create_task(
            self._tick(fragment_id, interval)))

    async def _tick(self, fragment_id: str, interval: float) -> None:
        next_at = time.monotonic() + interval
        while True:
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            # setInterval does not catch up missed ticks: the next one is an interval away
            next_at = max(next_at + interval, time.monotonic())
            try:
                await self.rerun(fragment_id=fragment_id, auto=True)
            except websockets.ConnectionClosed:
                return

    def _stop_timer(self, fragment_id: str) -> None:
        timer = self._timers.pop(fragment_id, None)
        if timer is not None:
            timer[1].cancel()

    def _stop_timers(self) -> None:
        for fragment_id in list(self._timers):
            self._stop_timer(fragment_id)
