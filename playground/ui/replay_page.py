"""The Replay page's state and views: the cursor over the Train page's kept epochs, the loss chart.

The cursor (``playground.replay.Cursor``) plays through ``ui/live.py``'s one timeline in the
timeline scope "labs.replay": Play walks it through the kept epochs, a few a second.
"""

from __future__ import annotations

from playground import charts, charts_labs, replay
from playground.ui import live, state, views

SCOPE = "labs.replay"
EPOCH_KEY = "labs.replay.epoch"
LOOK = live.Look(buttons=("play",), epochs_per_frame=1, tick=0.4, rewind=True,
                 play_label="Play the replay", pause_help=None,
                 play_help="Step through the kept epochs, a few a second.")


def cursor(trainer) -> replay.Cursor:
    """The replay's cursor over ``trainer``'s kept epochs (a new one for a new run)."""
    held = state.get(SCOPE, "cursor")
    if held is None or held.trainer is not trainer:
        held = replay.Cursor(trainer)
        state.put(SCOPE, "cursor", held)
    return held


def seek(held: replay.Cursor) -> None:
    """The epoch slider's callback: the cursor goes where the user slid it."""
    held.seek(state.value(EPOCH_KEY))


def loss_figure(trainer, epoch):
    """The run's loss curves with a red line at the replayed epoch."""
    fig = charts.loss_figure(views.history_columns(trainer), metric=views.metric_name(trainer),
                             palette=views.display()["palette"], height=260)
    return charts_labs.with_epoch_marker(fig, epoch)
