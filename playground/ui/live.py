"""The timeline: Play, Pause, Step, Reset, a speed setting, and the live training loop.

Shared by every page that trains (the Train page, the cat/dog page). The loop is NOT a ``while``
that redraws (that fills the server's send queue and gets the tab dropped after ~25 s): it is a
fragment that reruns every ``TICK`` seconds while playing. Each tick trains as many epochs as
the speed setting asks, never more than ``BUDGET`` seconds of CPU (so one user cannot starve
the others on a shared server), then draws once. The buttons sit outside the fragment and act
through callbacks, because turning the timer on or off needs a full rerun.

Training is pure NumPy between two Streamlit calls, so an interrupted tick still leaves the run
consistent: the trainer commits each epoch as a whole.
"""

from __future__ import annotations

import time
from typing import Callable

import streamlit as st

from playground.ui import classroom, state

TICK = 0.1  # seconds between frame requests while playing (a slower browser asks less often)
# Most seconds of training per frame, so one user cannot hog the server. Measured in Chromium on
# two cores shared with the server: 0.05 gave ~5.5 boundary frames and ~160 epochs a second at
# full speed, 0.04 ~5 and ~110, 0.06 ~4.5 and ~175 (the browser and the training share the CPU).
BUDGET = 0.05
# Most seconds a click trains before the page answers (Step; a link's ``at`` in the page's first
# run): whatever is left goes on in the ticks, with the progress shown.
ACTION_SECONDS = 0.3
SPEEDS = {"1 epoch / frame": 1, "2": 2, "5": 5, "10": 10, "25": 25, "100": 100,
          "As fast as it goes": None}
# Ten epochs a frame: the learner sees the boundary bend (1,000 epochs take 10-20 s). "As fast
# as it goes" ran the default 1,000 epochs in about a second on a fast machine (1,155 epochs/s):
# a first-time user saw only the end.
DEFAULT_SPEED = "10"


def _play(scope):
    run = state.current_run(scope)
    run.goal = None  # the user takes over from a link's or a Step's goal
    if run.trainer.can_train:
        run.playing = True


def _pause(scope):
    run = state.current_run(scope)
    run.playing, run.goal = False, None


def _step(scope):
    run = state.current_run(scope)
    run.playing, run.goal = False, None
    if run.trainer.can_train:
        target = run.trainer.epoch + 1
        run.trainer.run(epochs=1, seconds=ACTION_SECONDS)
        run.aim(target, "step")  # an epoch longer than a click: the ticks finish it


def _reset(scope):
    state.reset_run(scope)


def controls(scope: str = "train") -> None:
    """Play/Pause, Step, Reset and the speed, in one row.

    The buttons are as wide as their labels (in columns, a narrow page cut them: "R..."), and
    the row wraps the speed below them when there is no room (class ``st-key-timeline-<scope>``,
    styled by LAYOUT_CSS).
    """
    run = state.current_run(scope)
    row = st.container(horizontal=True, vertical_alignment="bottom", key=f"timeline-{scope}")
    play = step = reset = speed = row
    if run.playing:
        play.button("Pause", icon=":material/pause:", key=f"{scope}.pause", on_click=_pause,
                    args=(scope,),
                    help="Stop after this frame; nothing is lost.")
    else:
        play.button("Play", icon=":material/play_arrow:", key=f"{scope}.play", on_click=_play,
                    args=(scope,), type="primary",
                    disabled=not run.trainer.can_train,
                    help="Train epoch after epoch and watch the views change.")
    step.button("Step", icon=":material/skip_next:", key=f"{scope}.step", on_click=_step, args=(scope,),
                disabled=not run.trainer.can_train,
                help="Exactly one more epoch: one pass over the training data.")
    reset.button("Reset", icon=":material/restart_alt:", key=f"{scope}.reset", on_click=_reset, args=(scope,),
                 help="Back to epoch 0 with the same starting weights (same seeds).")
    if f"{scope}.speed" not in st.session_state:
        st.session_state[f"{scope}.speed"] = DEFAULT_SPEED
    speed.select_slider("Speed (epochs per frame)", list(SPEEDS),
                        **state.keyed(f"{scope}.speed", options=SPEEDS),
                        help="One epoch per frame lets you watch every update; faster "
                             "trains many epochs between two frames.", persist_state="session")


def live(scope: str, draw: Callable[[state.Run], None]) -> None:
    """Run the fragment that trains while playing and calls ``draw(run)`` every frame."""
    run = state.current_run(scope)

    @st.fragment(run_every=TICK if run.playing else None)
    def frame():
        run = state.current_run(scope)
        if not run.playing:
            draw(run)
            return
        with classroom.turn(BUDGET) as turn:  # one session at a time trains and draws
            if turn.seconds:
                speed = SPEEDS[st.session_state.get(f"{scope}.speed", DEFAULT_SPEED)]
                turn.train(_advance, run, speed, turn.seconds)
            draw(run)
        if run.playing and not run.trainer.can_train:
            run.playing = False
        if not run.playing:
            st.rerun()  # a full rerun turns the timer off and shows Play again

    frame()


def _advance(run: state.Run, epochs_per_frame: int | None, seconds: float = BUDGET) -> None:
    start, before, trainer = time.perf_counter(), run.trainer.epoch, run.trainer
    if run.goal is not None:  # as fast as it goes, to the goal and no further
        epochs_per_frame = run.goal - trainer.epoch
    trainer.run(epochs=epochs_per_frame or 1_000_000, seconds=seconds)
    run.frames += 1
    run.last_frame = (trainer.epoch - before, time.perf_counter() - start)
    if run.goal is not None and (trainer.epoch >= run.goal or not trainer.can_train):
        run.goal = None
        run.playing = run.then_play and trainer.can_train


# How to train on after the run ended by itself (the engine's message says why it ended).
GO_ON = {"done": "To train on, raise the Epoch limit (sidebar, Training), then press Play.",
         "stopped": "To train on, turn off Early stopping or raise its Patience (sidebar, "
                    "Training), then press Play."}


def _under_way(run: state.Run) -> str:
    """Where a goal or a long epoch has got to, for the epoch line."""
    trainer = run.trainer
    part = (f"epoch {trainer.epoch + 1} is {trainer.epoch_progress:.0%} done"
            if trainer.epoch_progress else "")
    if run.goal is not None and run.goal_from == "link":
        return (f"  ·  training to epoch {run.goal:,} from the link: {trainer.epoch:,} so far"
                + (f" ({part})" if part else ""))
    return f"  ·  {part}" if part else ""


def status(run: state.Run) -> None:
    """The epoch counter and, when training cannot go on, why."""
    trainer = run.trainer
    st.markdown(f"**Epoch {trainer.epoch}**" + ("  ·  playing" if run.playing else "")
                + _under_way(run))
    note = trainer.slow_note()
    if note:
        st.caption(note)
    for notice in run.notices:
        st.info(notice)
    run.notices.clear()
    if trainer.status == "diverged":
        st.error(trainer.message + " Press Reset to start again, or lower the learning rate "
                 "and press Play to go on from the kept weights.")
    elif trainer.status in ("stopped", "done"):
        st.info(trainer.message + " " + GO_ON[trainer.status])
