"""The live views of a run, drawn with the live chart component: shared by the training pages.

Each function reads a Run and draws one view; the figures themselves come from playground.charts.
"""

from __future__ import annotations

import re
import time

import numpy as np
import streamlit as st

from playground import charts
from playground.charts_catdog import feature_label
from playground.datasets import DATASETS
from playground.projector import projector_figure
from playground.text import plotly_escape
from playground.ui import state
from playground.ui.live_chart import live_chart

RESOLUTION = 100
# Seconds between redraws of the secondary views while playing: each costs the browser as much
# as a boundary frame (its axes are redrawn), so they give way to the boundary (bench/NOTES.md).
SLOW_VIEW_INTERVAL = 2.0
# Points per line while playing: about what a half-page chart has pixels for (each bucket keeps
# its lowest and highest epoch). A paused chart gets every epoch up to charts.MAX_LINE_POINTS,
# for hovering; that many while playing would make every frame's message and redraw grow with
# the run's length, and a long run play slower than a short one.
PLAYING_LINE_POINTS = 600


def _throttled(run: state.Run, key: str, build):
    """The figure for ``key``: rebuilt every frame when paused, at most every
    ``SLOW_VIEW_INTERVAL`` seconds while playing.

    The boundary and the loss curve carry the story and redraw every frame; the histograms,
    the health plot and the network diagram change slowly and cost the browser as much to
    redraw as the boundary, so while playing they are re-sent unchanged in between (the chart
    component skips a figure identical to the one it shows).
    """
    now = time.monotonic()
    cached = run.figures.get(key)
    if cached is None or not run.playing or now - cached[0] >= SLOW_VIEW_INTERVAL:
        cached = run.figures[key] = (now, build())
    return cached[1]


def display() -> dict:
    """The display settings (palette, projector mode), app-wide."""
    return {"palette": charts.PALETTES[state.value("display.palette", "classic")],
            "projector": bool(state.value("display.projector", False))}


def chart_columns(spec, *, key: str) -> list:
    """``st.columns(spec)`` for charts side by side, stacked when the page is too narrow.

    Charts side by side on a narrow page (the sidebar open at 1024 px, or projector mode's
    larger type with the sidebar open) would be slivers; stacked, each gets the whole width. The page's width is known only in the browser, so the columns sit in a container
    (class ``st-key-charts-<key>``) that a CSS container query stacks below ``STACK_BELOW``
    (streamlit_app.py's LAYOUT_CSS).
    """
    with st.container(key=f"charts-{key}"):
        return st.columns(spec)


def static_chart(figure, key: str, *, projector: bool = True, **kwargs) -> None:
    """A one-off chart (st.plotly_chart, not redrawn live), in projector mode too.

    The live charts apply projector mode themselves (live_chart.py); these go through here.
    ``projector=False`` is for grids of small panels, as in ``live_chart``.
    """
    if projector and display()["projector"]:
        figure = projector_figure(figure if isinstance(figure, dict) else figure.to_plotly_json())
    st.plotly_chart(figure, key=key, **kwargs)


def wide_chart(figure, key: str, *, min_width: int, **kwargs) -> None:
    """A static chart that needs ``min_width`` pixels (a grid of panels with numbers or labels
    in every cell): as wide as its column when that is wider, else that wide and scrolled
    sideways within its column, so that nothing overlaps on a phone.

    A container (class ``st-key-wide-<key>``) scrolls; a style for this chart alone sets its
    element's minimum width (an st.html of a style only takes no room on the page).
    """
    name = "wide-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)
    st.html(f"<style>.st-key-{name} {{ overflow-x: auto; }} .st-key-{name} > "
            f"[data-testid=\"stElementContainer\"] {{ min-width: {int(min_width)}px; }}</style>")
    with st.container(key=name):
        static_chart(figure, key=key, **kwargs)


def predicted_classes(trainer, X):
    out = trainer.predict(X)
    if trainer.task == "binary":
        return (out[:, 0] > 0.5).astype(int)
    if trainer.task == "multiclass":
        return out.argmax(axis=1)
    return None


def boundary(run: state.Run, *, key: str, discretize=False, show_test=True, axes=(0, 1),
             height=440, title=None) -> None:
    """The network's output over two input features, with the data on top."""
    trainer, shown = run.trainer, display()
    data = trainer.dataset
    grid = trainer.grid(RESOLUTION, axes=axes)
    ax = list(axes)
    train = (data.X_train[:, ax], data.y_train, predicted_classes(trainer, data.X_train))
    test = (data.X_test[:, ax], data.y_test, predicted_classes(trainer, data.X_test))
    reach = float(np.abs(np.concatenate([data.y_train, data.y_test])).max()) or 1.0
    fig = charts.boundary_figure(
        grid.xs, grid.ys, grid.values, trainer.task, palette=shown["palette"],
        discretize=discretize, train=train, test=test if show_test else None,
        class_names=_chart_names(data.class_names), zrange=(-reach, reach), title=title,
        axis_titles=tuple(plotly_escape(feature_label(data.feature_names[a])) for a in axes),
        height=height,
        equal_axes=DATASETS.get(data.key) is not None and DATASETS[data.key].two_d)
    live_chart(fig, key=key, height=height)


def _chart_names(names):
    """Names as chart text: an uploaded CSV's columns and classes are the user's text."""
    return [plotly_escape(n) for n in names] if names else names


def history_columns(trainer) -> dict:
    return {k: trainer.history[k] for k in trainer.history.columns}


def metric_name(trainer) -> str:
    return "r2" if trainer.task == "regression" else "accuracy"


def metrics(run: state.Run, *, key: str) -> None:
    """The newest loss and accuracy (R² for regression), training and test, as numbers.

    One row of four (``st-key-<key>``: LAYOUT_CSS sets the numbers' size); call it in the live
    fragment's draw, so it changes with every frame.
    """
    trainer = run.trainer
    last = trainer.history.last()
    metric = metric_name(trainer)
    with st.container(horizontal=True, key=key, gap="small"):
        for split, name in (("train", "Train"), ("test", "Test")):
            st.metric(f"{name} loss", _loss_text(last[f"{split}_loss"]), width="content",
                      help=METRIC_HELP[split])
        for split, name in (("train", "Train"), ("test", "Test")):
            value = last[f"{split}_{metric}"]
            st.metric(f"{name} {METRIC_LABELS[metric]}", _metric_text(value, metric),
                      width="content", help=METRIC_HELP[split])


METRIC_LABELS = {"accuracy": "accuracy", "r2": "R²"}
METRIC_HELP = {"train": "On the training points, the ones the network learns from.",
               "test": "On the test points, never trained on: how well it generalises."}


def _loss_text(value: float) -> str:
    if value != value:
        return "NaN"
    return "∞" if np.isinf(value) else f"{value:.4g}"


def _metric_text(value: float, metric: str) -> str:
    if value != value or np.isinf(value):
        return _loss_text(value)
    return f"{value:.1%}" if metric == "accuracy" else f"{value:.3f}"


def _line_points(run: state.Run) -> int:
    return PLAYING_LINE_POINTS if run.playing else charts.MAX_LINE_POINTS


def loss_curves(run: state.Run, *, key: str, log_y=False, height=280) -> None:
    trainer, shown = run.trainer, display()
    best = trainer.best_epoch if trainer.config.early_stopping else None
    fig = charts.loss_figure(history_columns(trainer), metric=metric_name(trainer), log_y=log_y,
                             best_epoch=best, palette=shown["palette"], height=height,
                             max_points=_line_points(run))
    live_chart(fig, key=key, height=height)


def health(run: state.Run, *, key: str, height=220) -> None:
    trainer, palette = run.trainer, display()["palette"]
    fig = _throttled(run, key, lambda: charts.health_figure(
        history_columns(trainer), n_layers=trainer.model.n_layers, palette=palette,
        height=height, max_points=_line_points(run)))
    live_chart(fig, key=key, height=height)
    last = trainer.history.last()
    parts = []
    if last["dead_fraction"] == last["dead_fraction"]:
        parts.append(f"dead ReLUs: {last['dead_fraction']:.0%}")
    if last["saturated_fraction"] == last["saturated_fraction"]:
        parts.append(f"saturated activations: {last['saturated_fraction']:.0%}")
    st.caption(HEALTH_CAPTION + (" Now: " + " · ".join(parts) + "." if parts else ""))


HEALTH_CAPTION = ("Left: how large each layer's gradient is (log scale); one that sinks towards "
                  "zero has stopped learning (vanishing), one that shoots up is exploding. "
                  "Right: the share of hidden units that are dead (a ReLU that outputs 0 for "
                  "every point) or saturated (tanh or sigmoid stuck at a flat end).")
WEIGHTS_CAPTION = ("Every weight of each layer, counted by value: orange bars positive, blue "
                   "negative. Training usually spreads them out from their small start.")


def weights(run: state.Run, *, key: str, height=240) -> None:
    palette = display()["palette"]
    fig = _throttled(run, key, lambda: charts.weights_figure(
        run.trainer.layer_weights(), palette=palette, height=height))
    live_chart(fig, key=key, height=height)
    st.caption(WEIGHTS_CAPTION)


def network(run: state.Run, *, key: str, height=340) -> None:
    trainer = run.trainer
    model = trainer.model
    outputs = (_chart_names(trainer.dataset.class_names or ())
               if trainer.task == "multiclass" else None)
    palette = display()["palette"]
    fig = _throttled(run, key, lambda: charts.network_figure(
        model.weights, model.biases, input_names=_chart_names(trainer.input_names), output_names=outputs,
        palette=palette, height=height))
    live_chart(fig, key=key, height=height)
