"""The timeline: Play, Pause, Step, Reset, a speed setting, and the one live loop.

Everything that trains or advances over time has the same small shape
(``playground.timeline.Timeline``: ``can_train`` and ``run(epochs=None, seconds=None)``): the
Trainer (the Train, Inside and cat/dog pages), a comparison sweep, the two-weight model, a
landscape slice job and replay's cursor. This module owns the one button row and the one
fragment that drive any of them; a ``Look`` holds what differs (which buttons, speeds, words).

The loop is NOT a ``while`` that redraws (that fills the server's send queue and gets the tab
dropped after ~25 s): it is a fragment that reruns every ``look.tick`` seconds while playing.
Each tick waits for its session's turn (``ui/classroom.py``: one session at a time trains and
draws), then trains through ``_advance``, the only place a tick trains, as many epochs as the
speed setting asks but never more than the granted slice of at most ``BUDGET`` seconds (so one
user cannot starve the others on a shared server), then draws once. The buttons sit outside the fragment and act through
callbacks, because turning the timer on or off needs a full rerun. What plays is one flag per
scope (``state.playing``).

Training is pure NumPy between two Streamlit calls, so an interrupted tick still leaves the run
consistent: the trainer commits each epoch as a whole.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import streamlit as st

from playground.timeline import Timeline
from playground.ui import classroom, state

TICK = 0.1  # seconds between frame requests while playing (a slower browser asks less often)
# Most seconds of training per frame, so one user cannot hog the server. The browser and the
# training share the CPU: more training a frame buys epochs with frames (bench/NOTES.md).
BUDGET = 0.05
# Most seconds a click trains before the page answers (Step; a link's ``at`` in the page's first
# run): whatever is left goes on in the ticks, with the progress shown.
ACTION_SECONDS = 0.3
SPEEDS = {"1 epoch / frame": 1, "2": 2, "5": 5, "10": 10, "25": 25, "100": 100,
          "As fast as it goes": None}
# Ten epochs a frame: the learner sees the boundary bend (1,000 epochs take 10-20 s). "As fast
# as it goes" can end the default 1,000 epochs within a second on a fast machine, and a
# first-time user would see only the end.
DEFAULT_SPEED = "10"


@dataclass(frozen=True)
class Look:
    """What one kind of timeline shows in its button row, and how fast its frames come.

    buttons : which of "play", "step", "reset" show
    speeds : option -> epochs per frame (None: as many as the budget allows); None: no speed
        control, and every frame runs ``epochs_per_frame``
    autoplay : plays whenever it can (a slice job computing), with no buttons at all
    rewind : Play at the end starts again from the beginning (``target.rewind()``)
    """

    buttons: tuple = ("play", "step", "reset")
    speeds: dict | None = None
    default_speed: object = None
    speed_label: str = "Speed (epochs per frame)"
    speed_help: str = ""
    epochs_per_frame: int | None = None
    tick: float = TICK
    autoplay: bool = False
    rewind: bool = False
    play_label: str = "Play"
    play_help: str = "Train epoch after epoch and watch the views change."
    pause_help: str | None = "Stop after this frame; nothing is lost."
    step_help: str = "Exactly one more epoch: one pass over the training data."
    reset_help: str = "Back to epoch 0 with the same starting weights (same seeds)."


TRAIN = Look(speeds=SPEEDS, default_speed=DEFAULT_SPEED,
             speed_help="One epoch per frame lets you watch every update; faster trains many "
                        "epochs between two frames.")

RUN = object()  # controls()/live() target meaning "the scope's run" (state.current_run)


def _play(scope, target, look):
    _end_goal(scope)  # the user takes over from a link's or a Step's goal
    if look.rewind and not target.can_train:
        target.rewind()
    if target.can_train:
        state.set_playing(scope, target)


def _pause(scope):
    _end_goal(scope)
    state.set_playing(scope, None)


def _step(scope, target, subject):
    _end_goal(scope)
    state.set_playing(scope, None)
    if not target.can_train:
        return
    if isinstance(subject, state.Run):
        goal = target.epoch + 1
        target.run(epochs=1, seconds=ACTION_SECONDS)
        subject.aim(goal, "step")  # an epoch longer than a click: the ticks finish it
    else:  # a sweep of big networks may need more than one Step (or Play) for an epoch each
        target.run(epochs=1, seconds=ACTION_SECONDS)


def _end_goal(scope):
    run = state.get(scope, "run")
    if isinstance(run, state.Run):
        run.goal = None


def playing(scope: str, target) -> bool:
    return state.playing(scope, target)


def _resolve(scope, target):
    """(what draw() receives, the Timeline): the scope's Run and its trainer, or the target."""
    if target is RUN:
        run = state.current_run(scope)
        return run, run.trainer
    return target, target


def controls(scope: str = "train", target=RUN, *, look: Look = TRAIN,
             reset: Callable[[], None] | None = None, extra=None) -> None:
    """The button row: Play/Pause, Step, Reset (those ``look.buttons`` names) and the speed.

    ``target`` is the Timeline (default: the scope's run; None: nothing to play yet, buttons
    disabled). ``reset`` is the Reset button's callback (default for a run scope: a new run
    from the same seeds). ``extra(column)`` draws one more control at the end of the row.
    """
    subject, target = _resolve(scope, target)
    if reset is None and look.buttons and "reset" in look.buttons:
        reset = lambda: state.reset_run(scope)  # noqa: E731
    parts = list(look.buttons) + (["speed"] if look.speeds else []) + (["extra"] if extra else [])
    if len(parts) == 1:
        cells = [st.container()]
    else:
        # One wrapping row, buttons as wide as their labels (in columns a narrow page cut them:
        # "R..."); LAYOUT_CSS (streamlit_app.py) gives the speed the rest, or a line of its own.
        cells = [st.container(horizontal=True, vertical_alignment="bottom",
                              key=f"timeline-{scope}")] * len(parts)
    can = target is not None and (target.can_train or look.rewind)
    width = "content"
    for part, cell in zip(parts, cells):
        if part == "play" and playing(scope, target):
            cell.button("Pause", icon=":material/pause:", key=f"{scope}.pause",
                        on_click=_pause, args=(scope,), width=width, help=look.pause_help)
        elif part == "play":
            cell.button(look.play_label, icon=":material/play_arrow:", key=f"{scope}.play",
                        on_click=_play, args=(scope, target, look), type="primary",
                        width=width, disabled=not can,
                        help=look.play_help)
        elif part == "step":
            cell.button("Step", icon=":material/skip_next:", key=f"{scope}.step",
                        on_click=_step, args=(scope, target, subject), width=width,
                        disabled=target is None or not target.can_train, help=look.step_help)
        elif part == "reset":
            cell.button("Reset", icon=":material/restart_alt:", key=f"{scope}.reset",
                        on_click=reset, width=width, disabled=target is None,
                        help=look.reset_help)
        elif part == "speed":
            _speed(cell, scope, look)
        else:
            extra(cell)


def _speed(cell, scope, look):
    key = state.seed(f"{scope}.speed", look.default_speed)
    cell.select_slider(look.speed_label, list(look.speeds),
                       **state.keyed(key, options=look.speeds),
                       help=look.speed_help, persist_state="session")


def _epochs_per_frame(scope, look):
    if not look.speeds:
        return look.epochs_per_frame
    return look.speeds.get(state.value(f"{scope}.speed", look.default_speed))


def live(scope: str, draw: Callable, target=RUN, *, look: Look = TRAIN) -> None:
    """The fragment that advances ``target`` while it plays and calls ``draw`` every frame.

    ``draw`` receives the scope's Run (default target) or the target itself. When the target
    can go no further, playing stops and a full rerun turns the timer off.
    """
    subject, target = _resolve(scope, target)
    if look.autoplay:
        ticking = target is not None and target.can_train
    else:
        ticking = playing(scope, target)

    @st.fragment(run_every=look.tick if ticking else None)
    def frame():
        on = (target is not None and target.can_train) if look.autoplay else playing(scope, target)
        # One session at a time trains and draws. A paused frame draws in a turn too: the
        # browser's timer keeps asking for frames until the paused page reaches it, and on a
        # busy server those draws alone were enough to starve it.
        with classroom.turn(BUDGET if on else 0.0) as turn:
            if not on:
                draw(subject)
                return
            if turn.seconds:
                epochs = _epochs_per_frame(scope, look)
                if isinstance(subject, state.Run):
                    _tick_run(subject, epochs, turn)
                else:
                    turn.train(_advance, target, epochs, turn.seconds)
            draw(subject)
        if not target.can_train:
            state.set_playing(scope, None)
        if not (target.can_train if look.autoplay else playing(scope, target)):
            st.rerun()  # a full rerun turns the timer off and shows Play again

    frame()


def _tick_run(run: state.Run, epochs_per_frame, turn) -> None:
    """A tick of a scope's run: toward its goal if it has one, and counted for the status."""
    trainer = run.trainer
    start, before = time.perf_counter(), trainer.epoch
    if run.goal is not None:  # as fast as it goes, to the goal and no further
        epochs_per_frame = run.goal - trainer.epoch
    turn.train(_advance, trainer, epochs_per_frame, turn.seconds)
    run.frames += 1
    run.last_frame = (trainer.epoch - before, time.perf_counter() - start)
    if run.goal is not None and (trainer.epoch >= run.goal or not trainer.can_train):
        run.goal = None
        run.playing = run.then_play and trainer.can_train


def _advance(target: Timeline, epochs_per_frame: int | None, seconds: float = BUDGET) -> None:
    """Train ``target`` for one frame: the only place where a tick of any page trains.

    ``epochs_per_frame`` None means as many as ``seconds`` allow (the class scheduler's slice,
    at most ``BUDGET``).
    """
    target.run(epochs=epochs_per_frame, seconds=seconds)


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
