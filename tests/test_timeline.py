"""Everything that trains has the timeline's shape, and only ui/live.py runs a timed loop.

Each kind of timeline (a Trainer, a comparison sweep, the two-weight model, a landscape slice,
replay's cursor) must honour the same contract, because ui/live.py drives them all the same way:
``run()`` does exactly one step, ``run(epochs=k)`` does k, ``run(seconds=0)`` still does one,
and once ``can_train`` is False ``run`` does nothing. Steps are counted, never timed.
"""

import re
from pathlib import Path

import numpy as np
import pytest

from playground import landscape, replay
from playground.compare import Comparison
from playground.config import TrainConfig
from playground.timeline import Timeline
from playground.training import Trainer

ROOT = Path(__file__).resolve().parent.parent
SMALL = TrainConfig(dataset="moons", n_samples=100, noise=0.1, hidden=(4,), batch_size=10,
                    epochs=6)


def _trainer():
    return Trainer(SMALL)


def _comparison():
    return Comparison(SMALL, "lr", [0.03, 0.3])


def _two_weight():
    X, Y, task = landscape.two_weight_data("gauss", n_samples=50)
    return landscape.TwoWeightRun(X, Y, task=task, max_epochs=6)


def _slice():
    trainer = Trainer(SMALL)
    trainer.run(epochs=3)
    return landscape.SliceJob(trainer, "filter", resolution=3)  # 9 points + 4 path points


def _cursor():
    trainer = Trainer(SMALL)
    trainer.run(epochs=6)
    cursor = replay.Cursor(trainer)
    cursor.rewind()
    return cursor


# (make a fresh timeline, count the steps it has taken so far, steps in one of its epochs):
# a comparison's step is one epoch of its run furthest behind, its epoch one more for every run.
KINDS = {
    "trainer": (_trainer, lambda t: t.epoch, 1),
    "comparison": (_comparison, lambda c: sum(t.epoch for t in c.trainers), 2),
    "two_weight": (_two_weight, lambda r: r.epoch, 1),
    "slice": (_slice, lambda j: int(round(j.progress * j.total)), 1),
    "cursor": (_cursor, lambda c: c.kept.index(c.epoch), 1),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_timeline_has_the_shared_shape(kind):
    make, steps, per_epoch = KINDS[kind]
    timeline = make()
    assert isinstance(timeline, Timeline) and timeline.can_train and steps(timeline) == 0
    timeline.run()
    assert steps(timeline) == 1  # neither limit: exactly one step
    timeline.run(epochs=2)
    assert steps(timeline) == 1 + 2 * per_epoch
    timeline.run(seconds=0.0)
    assert steps(timeline) == 2 + 2 * per_epoch  # a zero budget still makes progress
    while timeline.can_train:
        timeline.run(seconds=0.0)
    end = steps(timeline)
    timeline.run(epochs=5)
    timeline.run(seconds=1.0)
    assert steps(timeline) == end and not timeline.can_train


def test_the_two_weight_model_stops_at_its_epoch_limit():
    run = _two_weight()
    run.run(epochs=100)
    assert run.epoch == 6 and run.status == "ready" and not run.can_train


def test_the_cursor_steps_through_the_kept_epochs_and_snaps_to_one():
    trainer = Trainer(SMALL.replace(epochs=400))
    trainer.run(epochs=400)
    kept = sorted(trainer.snapshots)
    assert kept[1] - kept[0] > 1  # a long run keeps every 2nd, 4th ... epoch
    cursor = replay.Cursor(trainer)
    assert cursor.epoch == kept[-1] and not cursor.can_train
    cursor.seek(kept[3] + 1)  # not kept: the nearest kept epoch
    assert cursor.epoch == kept[3]
    stride = max(1, len(kept) // replay.REPLAY_STEPS)
    cursor.run(epochs=2)
    assert cursor.epoch == kept[3 + 2 * stride]
    cursor.rewind()
    assert cursor.epoch == kept[0]


def test_replay_helpers_read_the_kept_weights_and_history():
    trainer = Trainer(SMALL)
    trainer.run(epochs=5)
    then = replay.trainer_at(trainer, 2)
    assert np.array_equal(then.model.theta, trainer.snapshots[2])
    assert not np.array_equal(trainer.model.theta, then.model.theta)  # the run is untouched
    row = replay.history_row(trainer, 2)
    assert row["epoch"] == 2 and row["train_loss"] == trainer.history["train_loss"][2]
    assert replay.nearest_kept(trainer, 99) == 5


def test_only_the_live_module_runs_a_timed_fragment():
    """One frame loop for the whole app: no page or module has its own timer."""
    sources = [p for d in ("playground", "app_pages") for p in (ROOT / d).rglob("*.py")]
    sources.append(ROOT / "streamlit_app.py")
    timer = re.compile(r"^\s*@st\.fragment\(run_every", re.M)
    timed = sorted(str(p.relative_to(ROOT)) for p in sources if timer.search(p.read_text()))
    assert timed == ["playground/ui/live.py"]
