"""Demo app for bench_live_chart.py and the browser test: the Train page's live views, drawn
in a ``@st.fragment(run_every=TICK)`` loop in one of several ways chosen by ``?mode=``.

Figures stand in for the Train page's (no training here, so only drawing is measured): a
decision boundary (100x100 float32 heatmap + 500 scatter points), a loss curve (train and test
lines that grow to a few thousand points) and four weight histograms. The boundary moves every
tick so each frame's heatmap differs. ``?tick=`` sets run_every in seconds (default 0.05).

Run: .venv/bin/python -m streamlit run bench/live_chart_demo_app.py, open /?mode=live3
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `playground` without installing

from playground.charts_image import heatmap_image  # noqa: E402
from playground.ui.live_chart import live_chart  # noqa: E402

GRID, POINTS, HEIGHT = 100, 500, 360
AXIS = np.linspace(-1.0, 1.0, GRID, dtype=np.float32)


def boundary_figure(tick: int, as_image: bool = False) -> go.Figure:
    """Heatmap of a moving sigmoid boundary (or the same as a layout image) + fixed points."""
    xx, yy = np.meshgrid(AXIS, AXIS)
    z = 1.0 / (1.0 + np.exp(-6.0 * (np.sin(3.0 * xx + 0.2 * tick) - 2.0 * yy)))
    z = z.astype(np.float32)
    rng = np.random.default_rng(0)
    pts = rng.uniform(-1, 1, (POINTS, 2)).astype(np.float32)
    labels = (np.sin(3.0 * pts[:, 0]) > 2.0 * pts[:, 1]).astype(np.int8)
    scatter = go.Scatter(x=pts[:, 0], y=pts[:, 1], mode="markers",
                         marker={"color": labels, "colorscale": "RdBu", "size": 6,
                                 "line": {"width": 1, "color": "white"}})
    layout = {"height": HEIGHT, "margin": {"l": 30, "r": 10, "t": 10, "b": 30},
              "xaxis": {"range": [-1, 1]}, "yaxis": {"range": [-1, 1]}, "showlegend": False}
    if not as_image:
        heat = go.Heatmap(x=AXIS, y=AXIS, z=z, zmin=0, zmax=1, colorscale="RdBu", showscale=False)
        return go.Figure([heat, scatter], layout)
    image = {"source": heatmap_image(z, "RdBu", 0.0, 1.0), "xref": "x", "yref": "y",
             "x": -1, "y": 1, "sizex": 2, "sizey": 2, "sizing": "stretch", "layer": "below"}
    return go.Figure([scatter], {**layout, "images": [image]})


def loss_figure(tick: int) -> go.Figure:
    """Train and test loss over 1000 + 20 * tick epochs (a growing few thousand points)."""
    epochs = np.arange(1000 + 20 * tick, dtype=np.float32)
    train = np.exp(-epochs / 800.0, dtype=np.float32) + 0.05
    test = train * np.float32(1.1)
    return go.Figure([go.Scatter(x=epochs, y=train, name="train", mode="lines"),
                      go.Scatter(x=epochs, y=test, name="test", mode="lines")],
                     {"height": 240, "margin": {"l": 40, "r": 10, "t": 10, "b": 30},
                      "yaxis": {"type": "log"}})


def histogram_figure(tick: int) -> go.Figure:
    """Four weight histograms side by side (pre-binned bars; no make_subplots)."""
    rng = np.random.default_rng(tick)
    traces, layout = [], {"height": 200, "showlegend": False, "bargap": 0.05,
                          "margin": {"l": 30, "r": 10, "t": 10, "b": 30}}
    for i in range(4):
        counts, edges = np.histogram(rng.normal(0, 0.5 + 0.1 * i, 2000), bins=30)
        suffix = "" if i == 0 else str(i + 1)
        traces.append(go.Bar(x=((edges[:-1] + edges[1:]) / 2).astype(np.float32),
                             y=counts.astype(np.float32), xaxis=f"x{suffix}", yaxis=f"y{suffix}"))
        layout[f"xaxis{suffix}"] = {"domain": [i * 0.25 + 0.02, i * 0.25 + 0.23]}
        layout[f"yaxis{suffix}"] = {"anchor": f"x{suffix}"}
    return go.Figure(traces, layout)


def draw_plotly(name: str, figure: go.Figure) -> None:
    st.plotly_chart(figure, config={"displaylogo": False})


def draw_live(name: str, figure: go.Figure) -> None:
    live_chart(figure, key=name, height=figure.layout.height)


def views(tick: int, draw, names=("boundary", "loss", "weights"), as_image: bool = False,
          weights_every: int = 1) -> None:
    """One frame. weights_every=n rebuilds the histograms every n-th tick only; in between the
    same figure is sent again (as a Train page could do for slow-changing views)."""
    figures = {"boundary": lambda: boundary_figure(tick, as_image),
               "loss": lambda: loss_figure(tick),
               "weights": lambda: histogram_figure(tick - tick % weights_every)}
    for name in names:
        draw(name, figures[name]())


MODES = {  # ?mode= -> how one tick draws
    "none": lambda tick: None,
    "plotly3": partial(views, draw=draw_plotly),
    "plotly1": partial(views, draw=draw_plotly, names=("boundary",)),
    "plotly3_image": partial(views, draw=draw_plotly, as_image=True),
    "live3": partial(views, draw=draw_live),
    "live1": partial(views, draw=draw_live, names=("boundary",)),
    "live3_image": partial(views, draw=draw_live, as_image=True),
    "live3_image_w4": partial(views, draw=draw_live, as_image=True, weights_every=4),
}

mode = st.query_params.get("mode", "live3")
tick_seconds = float(st.query_params.get("tick", "0.05"))
st.session_state.setdefault("tick", 0)


@st.fragment(run_every=tick_seconds)
def frame() -> None:
    st.session_state.tick += 1
    tick = st.session_state.tick
    st.caption(f"mode {mode}, tick {tick}")
    MODES[mode](tick)


frame()
