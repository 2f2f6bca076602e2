"""A run as it was: its network at a kept epoch, that epoch's history row, and a replay cursor.

Training keeps the weights of a bounded number of epochs (``Trainer.snapshots``: all of a short
run, every 2nd, 4th ... of a long one). Replaying a run means rebuilding the network from one of
them; the run itself is never touched.

``Cursor`` is replay's timeline: the same ``can_train`` / ``run(epochs=, seconds=)`` shape as a
Trainer, so the page's Play button and frame loop are the ones every other timeline uses. One
"epoch" of a cursor is one step forward through the kept epochs.
"""

from __future__ import annotations

import copy
import time

import numpy as np

from playground.network import MLP

# A whole replay takes at most about this many steps, however many epochs are kept.
REPLAY_STEPS = 50


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


class Cursor:
    """Which kept epoch of ``trainer`` a replay shows; ``run`` walks it towards the last one.

    The trainer may train on elsewhere between two frames, so the kept epochs are read afresh
    each time and the cursor's epoch snaps to the nearest one still kept.
    """

    def __init__(self, trainer, epoch: int | None = None):
        self.trainer = trainer
        self._epoch = self.kept[-1] if epoch is None else epoch

    @property
    def kept(self) -> list[int]:
        return sorted(self.trainer.snapshots)

    @property
    def epoch(self) -> int:
        return nearest_kept(self.trainer, self._epoch)

    def seek(self, epoch: int) -> None:
        self._epoch = nearest_kept(self.trainer, epoch)

    def rewind(self) -> None:
        self._epoch = self.kept[0]

    @property
    def can_train(self) -> bool:
        """Whether there is a later kept epoch to step to."""
        return self.epoch < self.kept[-1]

    def run(self, epochs: int | None = None, seconds: float | None = None) -> int:
        """Step ``epochs`` times (one with neither limit) through the kept epochs; return steps.

        A step skips ``len(kept) // REPLAY_STEPS`` kept epochs at a time (at least one), so a
        whole replay takes about REPLAY_STEPS steps.
        """
        start, done = time.perf_counter(), 0
        while self.can_train and (epochs is None or done < epochs):
            kept = self.kept
            stride = max(1, len(kept) // REPLAY_STEPS)
            self._epoch = kept[min(kept.index(self.epoch) + stride, len(kept) - 1)]
            done += 1
            if seconds is not None and time.perf_counter() - start >= seconds:
                break
            if epochs is None and seconds is None:
                break
        return done
