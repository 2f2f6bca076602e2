"""Projector mode for Plotly figure dicts: larger type, thicker lines, bigger markers.

Applied by the live chart component to every figure when the app-wide "Projector mode" is on,
so each page's charts follow the setting without each builder taking a parameter. Pure: no
Streamlit. Left out: figures drawn with st.plotly_chart by pages (they may call it themselves).
"""

from __future__ import annotations

import numpy as np

PROJECTOR_TYPE, PROJECTOR_LINE, PROJECTOR_MARKER = 1.5, 2.0, 1.5
PROJECTOR_LEGEND_ROOM = 70  # pixels above the plot for a legend moved there
PLOTLY_FONT_SIZE = 12  # plotly.js's default, for figures that do not set one


def projector_figure(figure: dict) -> dict:
    """A copy of a figure dict for a classroom projector: larger type, thicker lines, bigger dots.

    Only the dicts on the way to a size are copied; data arrays are shared, not copied.
    """
    layout = _scaled_fonts(dict(figure.get("layout", {})))
    font = dict(layout.get("font", {}))
    font.setdefault("size", PLOTLY_FONT_SIZE * PROJECTOR_TYPE)
    layout["font"] = font
    if isinstance(layout.get("shapes"), list):  # the boundary's crosses, the best-epoch line
        layout["shapes"] = [{**shape, "line": _times(shape["line"], "width", PROJECTOR_LINE,
                                                      default=2)}
                            if isinstance(shape.get("line"), dict) else shape
                            for shape in layout["shapes"]]
    _make_room(layout)
    return {**figure, "data": [_projector_trace(t) for t in figure.get("data", [])],
            "layout": layout}


def _make_room(layout: dict) -> None:
    """Wider margins for the larger labels; a legend below the plot moves above it.

    Below the plot, larger type makes a horizontal legend run into the x-axis title.
    """
    margin = dict(layout.get("margin", {}))
    for side, default in (("l", 80), ("b", 80), ("t", 100), ("r", 80)):
        margin[side] = margin.get(side, default) * PROJECTOR_TYPE
    legend = dict(layout.get("legend", {}))
    if isinstance(legend.get("y"), (int, float)) and legend["y"] < 0:
        layout["legend"] = {**legend, "y": 1.0, "yanchor": "bottom"}
        margin["t"] = max(margin["t"], PROJECTOR_LEGEND_ROOM)
    layout["margin"] = margin


def _scaled_fonts(node):
    """Every font size in a layout (titles, ticks, annotations) times PROJECTOR_TYPE."""
    if isinstance(node, list):
        return [_scaled_fonts(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _scaled_fonts(v) for k, v in node.items()}
    for key in ("font", "tickfont"):
        if isinstance(out.get(key), dict) and isinstance(out[key].get("size"), (int, float)):
            out[key] = {**out[key], "size": out[key]["size"] * PROJECTOR_TYPE}
    return out


def _projector_trace(trace: dict) -> dict:
    trace = dict(trace)
    if isinstance(trace.get("line"), dict):
        trace["line"] = _times(trace["line"], "width", PROJECTOR_LINE, default=2)
    if isinstance(trace.get("marker"), dict):
        marker = _times(trace["marker"], "size", PROJECTOR_MARKER)
        if isinstance(marker.get("line"), dict):
            marker["line"] = _times(marker["line"], "width", PROJECTOR_MARKER)
        trace["marker"] = marker
    if isinstance(trace.get("textfont"), dict):
        trace["textfont"] = _times(trace["textfont"], "size", PROJECTOR_TYPE)
    return trace


def _times(part: dict, key: str, factor: float, default=None) -> dict:
    value = part.get(key, default)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {**part, key: value * factor}
    if isinstance(value, np.ndarray):  # per-point sizes
        return {**part, key: (value * factor).astype(value.dtype)}
    return dict(part)
