"""The Landscape page's state: the slice job of the Train page's network, and the two-weight run.

Both are time-boxed through ``ui/live.py``'s one timeline: a slice computes itself in ticks
(timeline scope "labs.slice", a progress bar between them), and the two-weight model plays with
Play/Pause, Step, Reset and a speed (timeline scope "labs.two"). The maths is in
``playground.landscape``.
"""

from __future__ import annotations

import streamlit as st

from playground import landscape
from playground.ui import live, state

SCOPE = "labs"


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


SLICE_LOOK = live.Look(buttons=(), autoplay=True, tick=0.05)


def slice_progress(job, draw) -> None:
    """Compute the job in time-boxed chunks, a progress bar between them; then ``draw(job)``."""

    def frame(job):
        if job.done:
            draw(job)
        else:
            st.progress(job.progress, text=f"Computing the slice: {job.progress:.0%} "
                                           f"({job.seconds:.1f} s so far)")

    live.live("labs.slice", frame, job, look=SLICE_LOOK)


TWO_KEY = "two"


TWO = "labs.two"  # the two-weight model's timeline scope
# Epochs a frame of Play may take: one shows every step, but at a few frames a second the walk
# to the 2,000-epoch limit would take minutes.
TWO_LOOK = live.Look(
    speeds={1: 1, 5: 5, 25: 25}, default_speed=1, speed_label="Epochs per frame",
    speed_help="One shows every step of the walk; more get far sooner.",
    play_help="Train epoch after epoch and watch the weights walk.", pause_help=None,
    step_help="One epoch: one pass over the data.", reset_help="Back to the start point.")


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
    return run


def two_weight_reset():
    held = state.get(SCOPE, TWO_KEY)
    if held is not None:
        state.put(SCOPE, TWO_KEY, None)
        two_weight_run(dict(held[0]))


def two_weight_timeline(run) -> None:
    live.controls(TWO, run, look=TWO_LOOK, reset=two_weight_reset)


def two_weight_live(run, draw) -> None:
    live.live(TWO, draw, run, look=TWO_LOOK)
