"""A Plotly chart that stays mounted and is redrawn in place, for live training views.

Why: st.plotly_chart derives its element id from the figure, so every redraw in a
``@st.fragment(run_every=...)`` loop unmounts the old chart and builds a new one from scratch
(Plotly.newPlot, modebar and all); that remount is most of a frame's cost in the browser.
``live_chart`` mounts a Streamlit components-v2 element whose identity is its key alone. Later
calls with the same key send the new figure to the same element, and its JavaScript
(live_chart_frontend/live_chart.js) calls Plotly.react on the plot div it made the first time.

How the parts reach the browser:
- The component's JavaScript (~4.5 KB without comments) is passed inline: components v2 takes
  file paths only for components installed as a package with a pyproject manifest (this repo
  is not installed), and inline JS rides along in every element message.
- plotly.min.js (4.8 MB) is served from the installed plotly package, never copied: a
  components-v1 declaration whose path is plotly/package_data registers Streamlit's static route
  ``component/<name>/plotly.min.js``. It is never mounted; v2 has no way to serve a directory
  outside a manifest's asset_dir. Nothing is written anywhere at run time.
- The figure goes as bytes: orjson JSON with NumPy arrays as base64 typed arrays (float32 stays
  4 bytes a value). The frontend decodes them and reuses last update's array when the bytes are
  equal, so Plotly.react skips traces that did not change.

Leaves out: events back to Python (clicks, selections); the chart only displays.
"""

from __future__ import annotations

import base64
import functools
import re
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import plotly
import plotly.graph_objects as go
import plotly.io
import streamlit as st
from streamlit.components import v1 as components_v1
from streamlit.runtime import Runtime

from playground.projector import projector_figure
from playground.ui import state

_FRONTEND = Path(__file__).with_name("live_chart_frontend")
_PLOTLY_DIR = Path(plotly.__file__).parent / "package_data"
# Keeps chart keys apart from widget keys in session_state; live_chart.css finds the charts'
# element containers by the class Streamlit derives from it (st-key-live_chart-<key>).
_KEY_PREFIX = "live_chart:"


def _asset(name: str) -> str:
    """A frontend file without its comment lines and blank lines: v2 components carry their
    JS and CSS inline in every element message (each chart, each tick), so keep it small."""
    text = (_FRONTEND / name).read_text(encoding="utf-8")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)  # CSS comments
    return "\n".join(line for line in text.splitlines()
                     if line.strip() and not line.lstrip().startswith("//"))


# Not sanitised by Streamlit: trusted code from this repo only. isolate_styles=False mounts the
# chart in the page DOM, not a shadow root: plotly.js puts its modebar/hover CSS in document.head.
_mount = st.components.v2.component(
    "playground.live_chart", js=_asset("live_chart.js"), css=_asset("live_chart.css"),
    isolate_styles=False)

# plotly.js typed-array dtype names, as in plotly.py's own {"dtype", "bdata", "shape"} specs.
_DTYPES = {"float32": "f4", "float64": "f8", "int8": "i1", "uint8": "u1", "int16": "i2",
           "uint16": "u2", "int32": "i4", "uint32": "u4"}


def live_chart(figure: go.Figure | dict, *, key: str, height: int = 400,
               projector: bool = True) -> None:
    """Draw ``figure``, or redraw it in place if a chart with this ``key`` is already mounted.

    Parameters
    ----------
    figure : plotly Figure or figure dict ({"data": [...], "layout": {...}}). NumPy arrays in
        a dict's traces are sent as typed arrays too; build them float32 to halve the message.
    key : identity of the chart; the same key in a later run (or fragment run) updates the same
        mounted Plotly div. Also the default ``layout.uirevision``, so zoom and pan survive.
    height : pixels; fixed so the page does not jump between redraws.
    projector : False keeps the figure as it is in projector mode: for grids of small panels,
        whose larger type would run into the next panel at the same width.
    """
    projector = bool(projector and state.value("display.projector"))  # app-wide (streamlit_app)
    _mount(key=_KEY_PREFIX + key, data=_payload(figure, key, height, projector), height=height,
           width="stretch")


def _payload(figure, key: str, height: int, projector: bool) -> bytes:
    """The figure's payload; the last one again when the same figure object is drawn again.

    The slow views (views._throttled) hand the same figure to many frames while playing: a
    busy server then skips encoding it again. Kept per session and per chart, with the figure
    itself, so an id is never mistaken for another figure's.
    """
    made = state.get("live_chart", "payloads")
    if made is None:
        made = {}
        state.put("live_chart", "payloads", made)
    last = made.get(key)
    if last is not None and last[0] is figure and last[1] == (height, projector):
        return last[2]
    shown = figure
    if projector:
        shown = projector_figure(figure.to_plotly_json() if isinstance(figure, go.Figure)
                                 else figure)
    payload = figure_payload(shown, key=key, height=height, plotly_src=_plotly_js_url())
    made[key] = (figure, (height, projector), payload)
    return payload


def preload_plotly() -> None:
    """Start loading plotly.min.js in the browser now (call it early on the page).

    The charts further down then find it loaded or loading, instead of starting the 1.5 MB
    download only when the first of them mounts. Draws nothing visible.
    """
    payload = orjson.dumps({"preload": True, "plotly": _plotly_js_url()})
    _mount(key=_KEY_PREFIX + "plotly-preload", data=payload, height=0, width="stretch")


def figure_payload(figure: go.Figure | dict, *, key: str, height: int, plotly_src: str) -> bytes:
    """The bytes the frontend gets: JSON {key, height, plotly, theme, figure}."""
    fig = figure.to_plotly_json() if isinstance(figure, go.Figure) else figure
    layout = {"uirevision": key, **_without_none(fig.get("layout", {})), "height": height}
    # No template, or Streamlit's placeholder one: the frontend themes the chart from the app's
    # theme (st.plotly_chart does the same swap), and the message is a few KB smaller.
    template = layout.pop("template", None)
    if isinstance(template, str):  # a dict figure may name one; plotly.js only takes dicts
        template = plotly.io.templates[template].to_plotly_json()
    themed = _is_placeholder(template)
    if not themed:
        layout["template"] = template
    traces = [_typed_arrays(trace) for trace in fig.get("data", [])]
    message = {"key": key, "height": height, "plotly": plotly_src, "theme": themed,
               "figure": {"data": traces, "layout": layout}}
    try:
        return orjson.dumps(message, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS)
    except TypeError:  # dates, pandas objects...: plotly's own cleaner knows them
        return plotly.io.json.to_json_plotly(message, engine="orjson").encode()


def _without_none(value: Any) -> Any:
    """A layout without its None settings, at any depth (lists are kept as they are).

    Plotly.react fails on a null where it diffs a setting ("container is not an object": an
    axis's range of None drew once, then broke every redraw), and a missing key means the same
    to plotly.js: its default.
    """
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    return value


def _is_placeholder(template: Any) -> bool:
    """True for no template or Streamlit's "streamlit" one, a stand-in whose colours
    ("#000001", ...) only Streamlit's own chart elements replace with the theme's."""
    if template is None:
        return True
    colorway = template.get("layout", {}).get("colorway") if isinstance(template, dict) else None
    return bool(colorway) and colorway[0] == "#000001"


def _typed_arrays(value: Any) -> Any:
    """A copy of a trace with NumPy arrays as plotly.js typed-array specs (no float lists)."""
    if isinstance(value, dict):
        return {k: _typed_arrays(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_typed_arrays(v) for v in value]
    if isinstance(value, np.ndarray) and value.dtype.name in _DTYPES and value.size:
        spec = {"dtype": _DTYPES[value.dtype.name],
                "bdata": base64.b64encode(np.ascontiguousarray(value)).decode("ascii")}
        if value.ndim > 1:
            spec["shape"] = ", ".join(map(str, value.shape))
        return spec
    return value


def decode_payload(data: bytes) -> dict:
    """The message ``live_chart`` sent, with typed arrays back as NumPy arrays (for tests).

    In AppTest the chart is ``at.get("bidi_component")[i]``; its ``.proto.bytes`` is the
    payload: ``decode_payload(el.proto.bytes)["figure"]["data"][0]["z"]``.
    """
    def decode(value: Any) -> Any:
        if isinstance(value, dict) and isinstance(value.get("bdata"), str):
            dtype = {short: name for name, short in _DTYPES.items()}[value["dtype"]]
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=dtype)
            shape = value.get("shape")
            return array.reshape([int(n) for n in shape.split(",")]) if shape else array
        if isinstance(value, dict):
            return {k: decode(v) for k, v in value.items()}
        if isinstance(value, list):
            return [decode(v) for v in value]
        return value

    return decode(orjson.loads(data))


def _plotly_js_url() -> str:
    """Page-relative URL of the installed plotly.min.js.

    Declared once per Streamlit runtime: the registry belongs to the running runtime (AppTest
    makes a new one per test). Declaring it again on every chart cost about a tenth of a
    frame's drawing on a busy server (py-spy under bench/bench_classroom.py).
    """
    runtime = Runtime.instance() if Runtime.exists() else None
    return _declared_plotly_js(runtime) if runtime is not None else _declare_plotly_js()


@functools.lru_cache(maxsize=1)
def _declared_plotly_js(runtime) -> str:
    return _declare_plotly_js()


def _declare_plotly_js() -> str:
    served = components_v1.declare_component("plotly_js", path=str(_PLOTLY_DIR))
    return (served.url or f"component/{served.name}/") + "plotly.min.js"
