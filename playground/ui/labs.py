"""The concept labs' state, timelines and views: compare runs, landscape, replay, inside, losses.

The labs read the Train page's run (scope "train") and keep their own state under scope "labs"
through ``playground.ui.state``. Anything long is time-boxed: sweeps train in ticks of a fragment
with Play/Pause like the Train page's timeline (same TICK and BUDGET), and a landscape slice is
computed in chunks with a progress bar, so the page never freezes.

Also here, because the views need them and they are a few lines each: a trainer frozen at a kept
epoch (for replay), the hidden layers evaluated over the input plane, and the plane's grid lines
mapped into a hidden layer (for "inside the network").

Left out: sharing lab state through links (only the Train page's settings travel in a link).
"""

from __future__ import annotations

import copy
import time

import numpy as np
import streamlit as st

from playground import charts, charts_labs, compare, landscape
from playground.activations import OUTPUT_ACTIVATIONS
from playground.network import MLP
from playground.ui import live, state, views
from playground.ui.live_chart import live_chart

SCOPE = "labs"
THUMB_RESOLUTION = 40
BOUNDARY_RESOLUTION = 50
LINES = 13  # grid lines of the input plane per direction, in the warped view
LINE_POINTS = 80


# -- a run as it was -------------------------------------------------------------------------------
def trainer_at(trainer, epoch: int):
    """A copy of ``trainer`` whose network holds the weights of a kept epoch.

    Shallow: data, history, settings and the cached grid inputs are shared (read only: the
    trainer's methods rebind, never mutate, them); the network is new, so drawing the copy never
    touches the live run. Raises KeyError if the epoch was not kept.
    """
    params = trainer.params_at(epoch)
    frozen = copy.copy(trainer)
    frozen.model = MLP(trainer.model.sizes, trainer.config.activation, trainer.output_name,
                       trainer.dtype)
    frozen.model.set_params(params)
    return frozen


def nearest_kept(trainer, epoch: int) -> int:
    """The kept epoch closest to ``epoch`` (snapshots are thinned as a run grows)."""
    kept = np.array(sorted(trainer.snapshots))
    return int(kept[np.argmin(np.abs(kept - epoch))])


def history_row(trainer, epoch: int) -> dict:
    """The history's row of one epoch, as a dict."""
    at = int(np.flatnonzero(trainer.history["epoch"] == epoch)[0])
    return {k: v[at] for k, v in trainer.history.columns.items()}


# -- inside the network --------------------------------------------------------------------------
def plane_inputs(trainer, points_xy: np.ndarray) -> np.ndarray:
    """What the network sees for points of the plane of the first two raw features.

    Any further raw features (a table's) are held at their training median, as ``Trainer.grid``
    does; derived features and standardisation follow from ``trainer.transform``.
    """
    raw = np.tile(np.median(trainer.dataset.X_train, axis=0), (len(points_xy), 1))
    raw[:, :2] = points_xy
    return trainer.transform(raw)


def layers_on_plane(trainer, resolution=THUMB_RESOLUTION):
    """xs, ys and, per layer, its activations over the plane: (units, len(ys), len(xs)) each."""
    x0, x1, y0, y1 = trainer.plane_bounds()
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    gx, gy = np.meshgrid(xs, ys)
    outs = trainer.model.forward_layers(plane_inputs(trainer, np.column_stack([gx.ravel(),
                                                                               gy.ravel()])))
    return xs, ys, [a.T.reshape(-1, resolution, resolution) for _, a in outs]


ZRANGES = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0)}
"""Fixed colour ranges, so a thumbnail's colours mean the same at every epoch; other activations
(ReLU, linear ...) are unbounded and use +-(the layer's largest |output|)."""


def thumbnail_rows(trainer, values) -> list[dict]:
    """The rows of ``charts_labs.thumbnails_figure``: each hidden layer, then the output."""
    model, rows = trainer.model, []
    for i, acts in enumerate(values):
        last = i == len(values) - 1
        kind = trainer.output_name if last else trainer.config.activation
        reach = float(np.abs(acts).max()) or 1.0
        zrange = ZRANGES.get(kind, (-reach, reach))
        names = _output_names(trainer) if last else [f"neuron {k + 1}" for k in range(len(acts))]
        label = "output" if last else f"layer {i + 1} · {kind}"
        bias = model.biases[i]
        rows.append({"label": label, "values": acts, "zrange": zrange,
                     "hover": [f"{label}, {names[k]}<br>bias {float(bias[k]):.3g}<br>"
                               f"output from {acts[k].min():.3g} to {acts[k].max():.3g}"
                               for k in range(len(acts))]})
    return rows


def _output_names(trainer):
    if trainer.task == "multiclass":
        return [f"P({c})" for c in trainer.dataset.class_names]
    return ["P(class 1)" if trainer.task == "binary" else "prediction"]


def warp(trainer, layer: int, dims: int):
    """The plane's grid lines and the training points as hidden layer ``layer`` (0-based) sees them.

    A layer of exactly ``dims`` neurons is drawn in its own coordinates; a wider one is projected
    onto the ``dims`` directions along which the training points' activations vary most (PCA).

    Returns
    -------
    lines : (2 * LINES, LINE_POINTS, dims); points : (n_train, dims); axis titles; and the output
    layer's straight boundary (w, b) when this is the last hidden layer, its width is 2, and the
    task is binary (else None).
    """
    x0, x1, y0, y1 = trainer.plane_bounds()
    t = np.linspace(0, 1, LINE_POINTS)
    verticals = [np.column_stack([np.full_like(t, x), y0 + (y1 - y0) * t])
                 for x in np.linspace(x0, x1, LINES)]
    horizontals = [np.column_stack([x0 + (x1 - x0) * t, np.full_like(t, y)])
                   for y in np.linspace(y0, y1, LINES)]
    grid = np.concatenate(verticals + horizontals)
    model = trainer.model
    lines = model.forward_layers(plane_inputs(trainer, grid))[layer][1].astype(np.float64)
    points = model.forward_layers(trainer.X_train)[layer][1].astype(np.float64)
    width = points.shape[1]
    if width == dims:
        titles = tuple(f"neuron {k + 1}" for k in range(dims))
    else:
        mean = points.mean(axis=0)
        _, s, vt = np.linalg.svd(points - mean, full_matrices=False)
        share = s ** 2 / max(np.sum(s ** 2), 1e-300)
        lines, points = (lines - mean) @ vt[:dims].T, (points - mean) @ vt[:dims].T
        titles = tuple(f"direction {k + 1} ({share[k]:.0%} of the spread)" for k in range(dims))
    boundary = None
    if width == dims == 2 and layer == model.n_layers - 2 and trainer.task == "binary":
        boundary = (model.weights[-1][:, 0].astype(np.float64), float(model.biases[-1][0]))
    return lines.reshape(2 * LINES, LINE_POINTS, dims), points, titles, boundary


# -- compare runs ----------------------------------------------------------------------------------
def comparison():
    return state.get(SCOPE, "comparison")


def pinned() -> list:
    return state.get(SCOPE, "pinned") or []


def entries() -> list:
    comp = comparison()
    return (comp.entries if comp is not None else []) + pinned()


def start_sweep(base, field, values, epochs, dataset=None) -> str | None:
    """Make a new sweep (replacing the old one); return an error message, or None if it worked."""
    try:
        comp = compare.Comparison(base.replace(epochs=int(epochs)), field, values, dataset)
    except ValueError as error:
        return str(error)
    state.put(SCOPE, "comparison", comp)
    state.put(SCOPE, "compare.playing", False)
    return None


def pin_train_run() -> str | None:
    """Pin a frozen copy of the Train page's run; return an error message, or None."""
    held = pinned()
    if len(held) >= compare.MAX_PINNED:
        return (f"At most {compare.MAX_PINNED} runs can be pinned: clear the pinned runs "
                "first.")
    trainer = state.current_run("train").trainer
    # Text, not an emoji: classroom machines may lack an emoji font (it showed as a box).
    label = f"pinned: {compare.describe(trainer.config)} @ {trainer.epoch}"
    state.put(SCOPE, "pinned", held + [compare.pin(trainer, label)])
    return None


def _sweep_play():
    comp = comparison()
    if comp is not None and comp.can_train:
        state.put(SCOPE, "compare.playing", True)


def _sweep_pause():
    state.put(SCOPE, "compare.playing", False)


def _sweep_step():
    state.put(SCOPE, "compare.playing", False)
    comp = comparison()
    if comp is not None:
        comp.advance(epochs=1)


def _sweep_reset():
    comp = comparison()
    if comp is not None:
        state.put(SCOPE, "compare.playing", False)
        start_sweep(comp.base, comp.sweep.field, comp.values, comp.base.epochs,
                    comp.entries[0].trainer.dataset)


def _clear():
    for name in ("comparison", "pinned"):
        state.put(SCOPE, name, None if name == "comparison" else [])
    state.put(SCOPE, "compare.playing", False)


def sweep_timeline() -> None:
    """Play/Pause, Step, Reset and Clear for the sweep, in one row (callbacks, like live.py)."""
    comp, playing = comparison(), state.get(SCOPE, "compare.playing", False)
    can = comp is not None and comp.can_train
    play, step, reset, clear = st.columns(4, vertical_alignment="bottom")
    if playing:
        play.button("Pause", icon=":material/pause:", key="labs.compare.pause",
                    on_click=_sweep_pause, width="stretch")
    else:
        play.button("Play", icon=":material/play_arrow:", key="labs.compare.play",
                    on_click=_sweep_play, type="primary", disabled=not can, width="stretch",
                    help="Train every run of the sweep, side by side, epoch by epoch.")
    step.button("Step", icon=":material/skip_next:", key="labs.compare.step",
                on_click=_sweep_step, disabled=not can, width="stretch",
                help="One more epoch for every run.")
    reset.button("Reset", icon=":material/replay:", key="labs.compare.reset",
                 on_click=_sweep_reset, disabled=comp is None, width="stretch",
                 help="Every run of the sweep back to epoch 0, the same initial weights.")
    clear.button("Clear all", icon=":material/delete:", key="labs.compare.clear",
                 on_click=_clear, disabled=not entries(), width="stretch",
                 help="Remove the sweep and the pinned runs.")


def sweep_live(draw) -> None:
    """The fragment that trains the sweep while playing (one time-boxed tick per frame)."""
    playing = state.get(SCOPE, "compare.playing", False)

    @st.fragment(run_every=live.TICK if playing else None)
    def frame():
        comp = comparison()
        ticking = state.get(SCOPE, "compare.playing", False)
        if ticking and comp is not None:
            comp.advance(seconds=live.BUDGET)
        draw()
        if ticking and (comp is None or not comp.can_train):
            state.put(SCOPE, "compare.playing", False)
            st.rerun()  # a full rerun turns the timer off and shows Play again

    frame()


def diverged_at(trainer):
    return trainer.epoch + 1 if trainer.status == "diverged" else None


def overlay(runs, *, column: str, log_y: bool, target: float, key: str) -> None:
    """Every entry's ``column`` (train_loss, test_loss, test_accuracy ...) over epochs."""
    colours = charts_labs.run_colours(views.display()["palette"])
    lines = [{"label": e.label, "epoch": e.trainer.history["epoch"],
              "values": e.trainer.history[column], "colour": colours[k % len(colours)],
              "dash": "dot" if e.pinned else "solid", "diverged_at": diverged_at(e.trainer)}
             for k, e in enumerate(runs) if column in e.trainer.history.columns]
    metric = "loss" if column.endswith("loss") else column.split("_", 1)[1]
    fig = charts_labs.overlay_figure(lines, metric=metric, log_y=log_y, target=target,
                                     y_title=column.replace("_", " "))
    live_chart(fig, key=key, height=340)
    missing = [e.label for e in runs if column not in e.trainer.history.columns]
    if missing:  # pinned runs of another kind of task (accuracy and R² do not mix)
        st.caption(f"Not on this chart: {', '.join(missing)}, which "
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
    if (cached is None or not state.get(SCOPE, "compare.playing", False)
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
        at = diverged_at(t)
        panels.append({"title": entry.label, "xs": grid.xs, "ys": grid.ys, "values": grid.values,
                       "points": (t.dataset.X_train[:, :2], t.dataset.y_train),
                       "colour": colours[k % len(colours)], "task": t.task,
                       "note": f"diverged at epoch {at}" if at else None})
    targets = [e.trainer.dataset.y_train for e in runs if e.trainer.task == "regression"]
    reach = float(np.abs(np.concatenate(targets)).max()) or 1.0 if targets else 1.0
    columns = 4 if len(panels) != 3 else 3
    return charts_labs.boundary_grid_figure(panels, task=runs[0].trainer.task, palette=palette,
                                            columns=columns, zrange=(-reach, reach))


# -- the loss landscape --------------------------------------------------------------------------
def slice_job(trainer, directions, resolution, span, seed):
    """The scope's slice job for these settings: the stored one, or a new one if anything changed.

    The stored job keeps a reference to its trainer and is reused only for that very object (a
    new run, even with the same settings, gets a new slice). Returns (job, error message): a
    PCA slice before any training has no path to follow.
    """
    key = (trainer.epoch, len(trainer.history), directions, resolution, span, seed)
    held = state.get(SCOPE, "slice")
    if held is not None and held[0] is trainer and held[1] == key:
        return held[2], None
    try:
        job = landscape.SliceJob(trainer, directions, resolution=resolution, span=span,
                                 seed=seed)
    except ValueError as error:
        return None, str(error)
    state.put(SCOPE, "slice", (trainer, key, job))
    return job, None


def slice_progress(job, draw) -> None:
    """Compute the job in time-boxed chunks, a progress bar between them; then ``draw(job)``."""

    @st.fragment(run_every=0.05 if not job.done else None)
    def frame():
        if not job.done:
            job.advance(seconds=live.BUDGET)
            st.progress(job.progress, text=f"Computing the slice: {job.progress:.0%} "
                                           f"({job.seconds:.1f} s so far)")
            if job.done:
                st.rerun()  # a full rerun stops the timer and draws the result
            return
        draw(job)

    frame()


TWO_KEY = "two"


def two_weight_run(settings: dict):
    """The two-weight model's run for ``settings``: the stored one, or a new one if they changed."""
    held = state.get(SCOPE, TWO_KEY)
    frozen = tuple(sorted(settings.items()))
    if held is not None and held[0] == frozen:
        return held[1]
    X, Y, task = landscape.two_weight_data(settings["dataset"], noise=settings["noise"],
                                           label_noise=settings["label_noise"])
    run = landscape.TwoWeightRun(
        X, Y, task=task, loss=settings["loss"], optimizer=settings["optimizer"],
        settings={"lr": settings["lr"]}, batch_size=settings["batch_size"],
        start=(settings["w1"], settings["w2"]))
    state.put(SCOPE, TWO_KEY, (frozen, run))
    state.put(SCOPE, "two.playing", False)
    return run


def two_weight_reset():
    held = state.get(SCOPE, TWO_KEY)
    if held is not None:
        state.put(SCOPE, TWO_KEY, None)
        two_weight_run(dict(held[0]))


MAX_TWO_EPOCHS = 2000
# Epochs a frame of Play may take: one shows every step; at one a frame (~6 a second here) the
# 2,000-epoch limit took five minutes.
TWO_SPEEDS = (1, 5, 25)
TWO_SPEED_KEY = "labs.two.speed"


def _two_play():
    state.put(SCOPE, "two.playing", True)


def _two_pause():
    state.put(SCOPE, "two.playing", False)


def _two_step():
    state.put(SCOPE, "two.playing", False)
    held = state.get(SCOPE, TWO_KEY)
    if held is not None:
        held[1].run(epochs=1)


def two_weight_timeline(run) -> None:
    playing = state.get(SCOPE, "two.playing", False)
    can = run.status == "ready" and run.epoch < MAX_TWO_EPOCHS
    play, step, reset, speed = st.columns(4, vertical_alignment="bottom")
    speed.select_slider("Epochs per frame", TWO_SPEEDS, key=TWO_SPEED_KEY, persist_state="session",
                        help="One shows every step of the walk; more get far sooner.")
    if playing:
        play.button("Pause", icon=":material/pause:", key="labs.two.pause", on_click=_two_pause,
                    width="stretch")
    else:
        play.button("Play", icon=":material/play_arrow:", key="labs.two.play", type="primary",
                    on_click=_two_play, disabled=not can, width="stretch",
                    help="Train epoch after epoch and watch the weights walk.")
    step.button("Step", icon=":material/skip_next:", key="labs.two.step", on_click=_two_step,
                disabled=not can, width="stretch", help="One epoch: one pass over the data.")
    reset.button("Reset", icon=":material/replay:", key="labs.two.reset",
                 on_click=two_weight_reset, width="stretch", help="Back to the start point.")


def two_weight_live(draw) -> None:
    playing = state.get(SCOPE, "two.playing", False)

    @st.fragment(run_every=live.TICK if playing else None)
    def frame():
        run = state.get(SCOPE, TWO_KEY)[1]
        ticking = state.get(SCOPE, "two.playing", False)
        if ticking:
            epochs = st.session_state.get(TWO_SPEED_KEY, 1)
            run.run(epochs=min(epochs, MAX_TWO_EPOCHS - run.epoch), seconds=live.BUDGET)
        draw(run)
        if ticking and (run.status != "ready" or run.epoch >= MAX_TWO_EPOCHS):
            state.put(SCOPE, "two.playing", False)
            st.rerun()

    frame()


def two_weight_box(run, least=4.0) -> float:
    """Half-width of the (w1, w2) square to draw: room for the whole path, in steps of 2."""
    reach = float(np.abs(run.path).max()) * 1.15
    return max(least, 2.0 * np.ceil(reach / 2.0))


def two_weight_surface(run, box, resolution=81):
    """The exact surface over [-box, box]^2 (kept while the run and box stay) and the path's loss.

    The path's losses are kept too and only the new steps' are computed: a long path would
    otherwise cost a pass over the data per step on every frame.
    """
    held = state.get(SCOPE, "two.surface")
    if held is None or held[0] is not run or held[1] != (box, resolution):
        ws = np.linspace(-box, box, resolution)
        surface = landscape.exact_surface(run.X, run.Y, run.output, run.loss_name, ws, ws)
        held = (run, (box, resolution), ws, surface)
        state.put(SCOPE, "two.surface", held)
    return held[2], held[3], _path_losses(run)


def _path_losses(run):
    steps, path = run.steps, run.path
    held = state.get(SCOPE, "two.path_loss")
    if held is not None and held[0] is run:
        known = dict(zip(held[1], held[2]))  # thinning drops points, so match by step number
    else:
        known = {}
    new = [k for k, s in enumerate(steps) if s not in known]
    if new:
        fresh = landscape.COLUMN_LOSSES[run.loss_name](_output(run, run.X @ path[new].T), run.Y)
        known.update(zip(steps[new], fresh))
    losses = np.array([known[s] for s in steps])
    state.put(SCOPE, "two.path_loss", (run, steps, losses))
    return losses


def _output(run, Z):
    with np.errstate(all="ignore"):
        return OUTPUT_ACTIVATIONS[run.output](Z)


def replay_loss_figure(trainer, epoch):
    """The run's loss curves with a red line at the replayed epoch."""
    fig = charts.loss_figure(views.history_columns(trainer), metric=views.metric_name(trainer),
                             palette=views.display()["palette"], height=260)
    return charts_labs.with_epoch_marker(fig, epoch)
