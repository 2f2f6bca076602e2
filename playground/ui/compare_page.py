"""The Compare page's state and views: a sweep over one setting, pinned runs, curves and maps.

The sweep is a ``compare.Comparison`` kept under scope "labs"; it plays through ``ui/live.py``'s
one timeline in its own timeline scope "labs.compare" (Play/Pause, Step, Reset, plus Clear all).
Left out: sharing lab state through links (only the Train page's settings travel in a link).
"""

from __future__ import annotations

import time

import streamlit as st

from playground import charts_labs, compare
from playground.text import md_escape, plotly_escape
from playground.ui import live, state, views
from playground.ui.live_chart import live_chart

SCOPE = "labs"
BOUNDARY_RESOLUTION = 50


def comparison():
    return state.get(SCOPE, "comparison")


def pinned() -> list:
    return state.get(SCOPE, "pinned") or []


def entries() -> list:
    comp = comparison()
    return (comp.entries if comp is not None else []) + pinned()


COMPARE = "labs.compare"  # the sweep's timeline scope
COMPARE_LOOK = live.Look(
    play_help="Train every run of the sweep, side by side, epoch by epoch.", pause_help=None,
    step_help="One more epoch for every run.",
    reset_help="Every run of the sweep back to epoch 0, the same initial weights.")


def start_sweep(base, field, values, epochs, dataset=None) -> str | None:
    """Make a new sweep (replacing the old one); return an error message, or None if it worked."""
    try:
        comp = compare.Comparison(base.replace(epochs=int(epochs)), field, values, dataset)
    except ValueError as error:
        return str(error)
    state.put(SCOPE, "comparison", comp)
    return None


def pin_train_run() -> str | None:
    """Pin a frozen copy of the Train page's run; return an error message, or None."""
    held = pinned()
    if len(held) >= compare.MAX_PINNED:
        return (f"At most {compare.MAX_PINNED} runs can be pinned: clear the pinned runs "
                "first.")
    trainer = state.current_run("train").trainer
    # Text, not an emoji: classroom machines may lack an emoji font (it shows as a box).
    label = f"pinned: {compare.describe(trainer.config)} @ {trainer.epoch}"
    state.put(SCOPE, "pinned", held + [compare.pin(trainer, label)])
    return None


def _sweep_reset():
    comp = comparison()
    if comp is not None:
        start_sweep(comp.base, comp.sweep.field, comp.values, comp.base.epochs,
                    comp.entries[0].trainer.dataset)


def _clear():
    state.put(SCOPE, "comparison", None)
    state.put(SCOPE, "pinned", [])


def _clear_button(cell):
    cell.button("Clear all", icon=":material/delete:", key="labs.compare.clear",
                on_click=_clear, disabled=not entries(), width="stretch",
                help="Remove the sweep and the pinned runs.")


def sweep_timeline() -> None:
    """Play/Pause, Step, Reset and Clear for the sweep, in one row."""
    live.controls(COMPARE, comparison(), look=COMPARE_LOOK, reset=_sweep_reset,
                  extra=_clear_button)


def sweep_live(draw) -> None:
    """The sweep's frames: ``draw(comparison or None)`` every frame, training while playing."""
    live.live(COMPARE, draw, comparison(), look=COMPARE_LOOK)


def overlay(runs, *, column: str, log_y: bool, target: float, key: str) -> None:
    """Every entry's ``column`` (train_loss, test_loss, test_accuracy ...) over epochs."""
    colours = charts_labs.run_colours(views.display()["palette"])
    # Labels are chart text (Plotly reads HTML in them) and name a CSV run's columns.
    lines = [{"label": plotly_escape(e.label), "epoch": e.trainer.history["epoch"],
              "values": e.trainer.history[column], "colour": colours[k % len(colours)],
              "dash": "dot" if e.pinned else "solid", "diverged_at": compare.diverged_at(e.trainer)}
             for k, e in enumerate(runs) if column in e.trainer.history.columns]
    metric = "loss" if column.endswith("loss") else column.split("_", 1)[1]
    fig = charts_labs.overlay_figure(lines, metric=metric, log_y=log_y, target=target,
                                     y_title=column.replace("_", " "))
    live_chart(fig, key=key, height=340)
    missing = [e.label for e in runs if column not in e.trainer.history.columns]
    if missing:  # pinned runs of another kind of task (accuracy and R² do not mix)
        st.caption(f"Not on this chart: {md_escape(', '.join(missing))}, which "
                   f"{'has' if len(missing) == 1 else 'have'} no {column.replace('_', ' ')}.")


def boundary_grid(runs, *, key: str) -> None:
    """A small decision-boundary map per entry (the boundary at its last finite weights).

    While the sweep plays it is rebuilt at most every ``views.SLOW_VIEW_INTERVAL`` seconds: the
    loss curves carry the race, and eight maps cost the browser more to paint than the curves
    (in between, the same figure is re-sent and the chart component skips it).
    """
    if not runs:
        return
    cached = state.get(SCOPE, "compare.grid")
    now = time.monotonic()
    if (cached is None or not live.playing(COMPARE, comparison())
            or now - cached[0] >= views.SLOW_VIEW_INTERVAL):
        cached = (now, _boundary_grid_figure(runs))
        state.put(SCOPE, "compare.grid", cached)
    fig = cached[1]
    live_chart(fig, key=key, height=fig["layout"]["height"])


def _boundary_grid_figure(runs):
    palette = views.display()["palette"]
    colours = charts_labs.run_colours(palette)
    panels = []
    for k, entry in enumerate(runs):
        t = entry.trainer
        grid = t.grid(BOUNDARY_RESOLUTION)
        at = compare.diverged_at(t)
        panels.append({"title": plotly_escape(entry.label), "xs": grid.xs, "ys": grid.ys, "values": grid.values,
                       "points": (t.dataset.X_train[:, :2], t.dataset.y_train),
                       "colour": colours[k % len(colours)], "task": t.task,
                       "note": f"diverged at epoch {at}" if at else None})
    reach = compare.target_reach([e.trainer for e in runs])
    columns = 4 if len(panels) != 3 else 3
    return charts_labs.boundary_grid_figure(panels, task=runs[0].trainer.task, palette=palette,
                                            columns=columns, zrange=(-reach, reach))
