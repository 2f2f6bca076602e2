"""The shape of everything that trains or advances over time, so one loop can drive them all.

A *timeline* is anything with

- ``can_train``: whether another ``run`` would do anything;
- ``run(epochs=None, seconds=None)``: advance up to ``epochs`` steps or until ``seconds`` are
  spent, whichever comes first; with neither limit exactly one step; at least one step whenever
  ``can_train``. It returns what it did (a count, or the epochs' stats).

What a step is depends on the timeline: an epoch of a ``training.Trainer``, one epoch of the
run furthest behind in a ``compare.Comparison``, an epoch of a ``landscape.TwoWeightRun``, one
loss evaluation (a pass over the training set) of a ``landscape.SliceJob``, one step through
the kept epochs of a ``replay.Cursor``. The page side (``playground/ui/live.py``) owns the one
button row and the one frame loop for all of them.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class Timeline(Protocol):
    @property
    def can_train(self) -> bool: ...

    def run(self, epochs: int | None = None, seconds: float | None = None): ...
