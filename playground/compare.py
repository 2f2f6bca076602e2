"""Compare runs: several trainers that differ in one setting, trained side by side.

A *sweep* builds one Trainer per value of one setting (learning rate, optimizer, batch size ...)
from one base config. Every other setting is the base's, and none of the swept settings touches
the data or the initial weights, so the runs start from the same points and the same weights
(``Comparison`` checks this, bit for bit): any difference in their curves comes from the setting.

The runs train in lockstep by epoch: each call of ``run`` trains the run that is furthest
behind, one epoch at a time, until the time budget is spent; so the curves grow together and the
one budget is shared however many runs there are. A run that diverges stops where it diverged and
is reported so (the trainer keeps its last finite weights); the others go on.

*Pinned* runs are frozen copies of another page's trainer, kept to compare against; they are never
trained here. ``summary`` reports every entry: final losses and accuracy (or R^2), and the first
epoch at which the training loss reached a target.

Left out: sweeps over two settings at once (a grid of runs), and settings that change the data or
the network's shape (those runs could not share initial weights).
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from types import MappingProxyType
from typing import Callable

import numpy as np

from playground.activations import ACTIVATIONS
from playground.config import TrainConfig
from playground.control_specs import LR_STEPS
from playground.datasets import DATASETS, feature_label
from playground.losses import LOSSES, TASK_LOSSES
from playground.optimizers import OPTIMIZER_LABELS, OPTIMIZERS
from playground.training import DIVERGED, READY, Trainer

MAX_RUNS = 8
MAX_PINNED = 4
LR_CHOICES = tuple(lr for lr in LR_STEPS if lr >= 1e-4)  # the Train page's steps, less the slowest
BATCH_CHOICES = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)
L2_CHOICES = (0.0, 1e-4, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)


@dataclass(frozen=True)
class Sweep:
    """One setting a comparison can vary.

    ``choices(task, n_train)`` lists the values that make sense for the data; ``default`` the
    values a new sweep starts with (those not in the choices are dropped); ``fixed`` are
    (setting, value) pairs every run of the sweep also gets (an L2 sweep needs the L2 penalty
    switched on);
    ``show`` formats a value for labels.
    """

    field: str
    label: str
    choices: Callable[[str, int], tuple]
    default: tuple
    show: Callable[[object], str]
    fixed: tuple = ()


def _g(value):
    return f"{value:g}"


def _batches(task, n_train):
    return tuple(b for b in BATCH_CHOICES if b < n_train) + (n_train,)


SWEEPS = MappingProxyType({
    "lr": Sweep("lr", "Learning rate", lambda task, n: LR_CHOICES, (0.001, 0.01, 0.1, 1.0), _g),
    "optimizer": Sweep("optimizer", "Optimizer", lambda task, n: tuple(OPTIMIZERS),
                       ("sgd", "momentum", "rmsprop", "adam"), OPTIMIZER_LABELS.get),
    "batch_size": Sweep("batch_size", "Batch size", _batches, (1, 10, 50, 100_000),
                        lambda b: _g(b)),
    "activation": Sweep("activation", "Activation", lambda task, n: tuple(ACTIVATIONS),
                        ("tanh", "relu", "sigmoid", "linear"),
                        lambda k: ACTIVATIONS[k].label),
    "penalty_rate": Sweep("penalty_rate", "L2 regularisation rate", lambda task, n: L2_CHOICES,
                          (0.0, 0.001, 0.01, 0.1), _g, (("penalty", "l2"),)),
    "loss": Sweep("loss", "Loss", lambda task, n: TASK_LOSSES[task], ("bce", "cross_entropy",
                                                                       "mse", "mae"),
                  lambda k: LOSSES[k].label),
})
"""The settings a sweep can vary: none changes the data or the initial weights."""


def default_values(sweep: Sweep, task: str, n_train: int) -> list:
    """The sweep's default values that are valid here; a batch size above the data is full batch."""
    choices = sweep.choices(task, n_train)
    if sweep.field == "batch_size":
        return sorted({min(b, n_train) for b in sweep.default})
    return [v for v in sweep.default if v in choices]


@dataclass
class Entry:
    """One run of a comparison: its label, its trainer, and whether it is a frozen pinned copy."""

    label: str
    trainer: Trainer
    pinned: bool = False


class Comparison:
    """Runs that differ in one setting, trained side by side from the same initial weights.

    Parameters
    ----------
    base : TrainConfig
        Every run's settings except ``field``.
    field : key of SWEEPS
    values : the values of ``field``, one run each (2 to MAX_RUNS, no repeats)
    dataset : Dataset, optional
        Data to use instead of the base config's (an uploaded CSV).

    Raises
    ------
    ValueError
        An unknown field, too few or too many values, a repeated value, or a value the config
        refuses (the message names it).
    """

    def __init__(self, base: TrainConfig, field: str, values, dataset=None):
        if field not in SWEEPS:
            raise ValueError(f"a sweep varies one of {', '.join(SWEEPS)} (got {field!r})")
        values = list(values)
        if not 2 <= len(values) <= MAX_RUNS:
            raise ValueError(f"a sweep needs 2 to {MAX_RUNS} values (got {len(values)})")
        if len(set(values)) != len(values):
            raise ValueError(f"each value may appear once (got {values})")
        self.sweep = SWEEPS[field]
        self.base = base.replace(**dict(self.sweep.fixed))
        configs = [self.base.replace(**{field: v}) for v in values]
        self.entries = [Entry(f"{self.sweep.label} {self.sweep.show(v)}", Trainer(c, dataset))
                        for v, c in zip(values, configs)]
        self.values = values
        self._check_same_start()

    def _check_same_start(self):
        """Every run must start from the same data and weights, or the comparison is not fair."""
        first = self.entries[0].trainer
        for entry in self.entries[1:]:
            other = entry.trainer
            if not (np.array_equal(first.snapshots[0], other.snapshots[0])
                    and np.array_equal(first.X_train, other.X_train)):
                raise RuntimeError(f"{entry.label} does not start from the same data and weights "
                                   f"as {self.entries[0].label}")

    @property
    def trainers(self) -> list[Trainer]:
        return [e.trainer for e in self.entries]

    @property
    def can_train(self) -> bool:
        return any(t.can_train for t in self.trainers)

    @property
    def epoch(self) -> int:
        """The epoch every run that can still train has reached (the slowest one's)."""
        ready = [t.epoch for t in self.trainers if t.can_train]
        return min(ready) if ready else max(t.epoch for t in self.trainers)

    def run(self, epochs: int | None = None, seconds: float | None = None) -> int:
        """Train the runs in lockstep until each did ``epochs`` more or ``seconds`` are spent.

        The run furthest behind always trains next, at least one unit of work (see
        ``Trainer.run``: a big network's epoch goes in pieces, each run's under way until its
        next turn, so ``seconds`` holds however big the networks). With neither limit one epoch
        runs (as ``Trainer.run`` does). Returns the number of epochs completed in all.
        """
        start, done = time.perf_counter(), 0
        goal = None if epochs is None else {id(t): t.epoch + epochs for t in self.trainers}
        while True:
            ready = [t for t in self.trainers if t.can_train
                     and (goal is None or t.epoch < goal[id(t)])]
            if not ready:
                break
            left = None if seconds is None else seconds - (time.perf_counter() - start)
            done += len(min(ready, key=lambda t: t.epoch).run(epochs=1, seconds=left))
            if seconds is not None and time.perf_counter() - start >= seconds:
                break
            if epochs is None and seconds is None:
                break
        return done


def pin(trainer: Trainer, label: str) -> Entry:
    """A frozen copy of a trainer (weights, history, data), safe from the original's training."""
    return Entry(label, copy.deepcopy(trainer), pinned=True)


def describe(config: TrainConfig) -> str:
    """A short description of a run's settings, for a pinned run's label."""
    data = DATASETS[config.dataset].label.lower() if config.dataset in DATASETS else config.dataset
    if config.columns:
        data += f" ({', '.join(map(feature_label, config.columns))})"
    # The activation means nothing without a hidden layer.
    net = ("-".join(str(h) for h in config.hidden) + f" {config.activation}" if config.hidden
           else "no hidden layer")
    parts = [data, net, OPTIMIZER_LABELS[config.optimizer], f"lr {config.lr:g}",
             f"batch {config.batch_size}"]
    if config.penalty != "none" and config.penalty_rate:
        parts.append(f"{config.penalty.upper()} {config.penalty_rate:g}")
    return " · ".join(parts)


def epochs_to_reach(losses, target: float, epochs=None) -> int | None:
    """The first epoch whose loss is at or below ``target`` (None if none is).

    ``epochs``: the epoch of each loss (a long run's history is thinned); default 0, 1, 2 ...
    """
    losses = np.asarray(losses, np.float64)
    hits = np.flatnonzero(losses <= target)
    if not hits.size:
        return None
    return int(hits[0] if epochs is None else epochs[hits[0]])


def diverged_at(trainer: Trainer) -> int | None:
    """The epoch at which the run blew up (its last finite weights are one before), or None."""
    return trainer.epoch + 1 if trainer.status == DIVERGED else None


def target_reach(trainers) -> float:
    """The largest |target| over the regression runs' training data (1 if there are none):
    one colour range for every regression map of a comparison."""
    targets = [t.dataset.y_train for t in trainers if t.task == "regression"]
    return float(np.abs(np.concatenate(targets)).max()) or 1.0 if targets else 1.0


def status_text(trainer: Trainer) -> str:
    """'training', 'diverged at epoch k', 'stopped early', or 'done'."""
    if trainer.status == READY:
        return "training"
    if trainer.status == DIVERGED:
        return f"diverged at epoch {diverged_at(trainer)}"
    return {"stopped": "stopped early", "done": "done"}.get(trainer.status, trainer.status)


def summary(entries, target: float, loss: str = "train_loss") -> list[dict]:
    """One row per entry: status, epochs, final losses and metric, epochs to the target loss.

    ``loss``: the history column the target applies to (train_loss or test_loss).
    """
    rows = []
    for entry in entries:
        t = entry.trainer
        last = t.history.last()
        metric = "r2" if t.task == "regression" else "accuracy"
        label = "R²" if metric == "r2" else metric
        reached = epochs_to_reach(t.history[loss], target, t.history["epoch"])
        rows.append({
            "run": entry.label + (" (pinned)" if entry.pinned else ""),
            "status": f"pinned at epoch {t.epoch}" if entry.pinned else status_text(t),
            "epochs": t.epoch,
            "train loss": float(last["train_loss"]),
            "test loss": float(last["test_loss"]),
            f"train {label}": float(last[f"train_{metric}"]),
            f"test {label}": float(last[f"test_{metric}"]),
            f"epochs to {loss.replace('_', ' ')} ≤ {target:g}": reached,
        })
    return rows
