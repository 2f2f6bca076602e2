"""Bounded work and memory: a time budget holds on the biggest network, cut epochs resume bit for
bit, the history and the snapshots stay small however long a run goes.

No timed assertions: a fake clock that advances by the cost model's prediction of the work done
(a machine exactly as fast as the model says) makes the budget a matter of counting.
"""

import numpy as np
import pytest

from playground import cost, training
from playground.config import TrainConfig
from playground.training import Trainer

HUGE = TrainConfig(hidden=(128,) * 8, n_samples=5000, train_ratio=0.9, batch_size=10)
BIG = TrainConfig(hidden=(128, 128, 128), n_samples=2000, train_ratio=0.9, dtype="float64",
                  optimizer="adam", lr=0.001)


@pytest.fixture
def model_clock(monkeypatch):
    """Make ``trainer`` run on a clock that shows the predicted seconds of the work done."""
    def use(trainer):
        monkeypatch.setattr(training, "_clock", lambda: trainer._timed[1] + trainer._spent)
        return trainer
    return use


def test_a_budget_on_the_biggest_network_runs_no_more_batches_than_the_cost_model_allows(
        model_clock):
    trainer = model_clock(Trainer(HUGE))
    shape = cost.Shape.of(trainer.model.sizes)
    per_batch = cost.batch_seconds(shape, 10)
    assert cost.epoch_seconds(shape, 4500, 500, 10) > 0.1  # an epoch is far over the budget
    shown = trainer.model.theta.copy()
    assert trainer.run(seconds=0.05) == []
    assert 0.05 - 2 * cost.QUANTUM <= trainer.steps * per_batch <= 0.05
    # Nothing committed: the epoch is under way, the pages still show epoch 0.
    assert trainer.epoch == 0 and len(trainer.history) == 1
    assert np.array_equal(trainer.model.theta, shown) and 0 < trainer.epoch_progress < 0.5


def test_a_full_batch_too_big_for_one_unit_is_cut_into_pieces(model_clock):
    trainer = model_clock(Trainer(HUGE.replace(batch_size=4500)))
    rows = cost.chunk_rows(cost.Shape.of(trainer.model.sizes))
    assert rows < 4500 and len(trainer._pieces(trainer._ones_train, trainer.Y_train)) > 10
    trainer.run(seconds=0.005)
    assert trainer.steps == 0 and trainer._timed[1] <= 0.005  # a few pieces, no step yet


@pytest.mark.parametrize("batch_size", [1800, 1200, 10])
def test_an_epoch_cut_into_slices_gives_the_same_run_bit_for_bit(model_clock, batch_size):
    config = BIG.replace(batch_size=batch_size)
    whole = Trainer(config)
    whole.run(epochs=3)
    sliced = model_clock(Trainer(config))
    calls = 0
    while sliced.epoch < 3:
        sliced.run(epochs=3 - sliced.epoch, seconds=0.0015)
        calls += 1
        kept = sliced.snapshots[sliced.epoch]  # between slices the shown weights are an epoch's
        assert np.array_equal(sliced.model.theta, kept)
    assert calls > 6  # each epoch really was cut
    assert np.array_equal(sliced.model.theta, whole.model.theta)
    assert sliced.steps == whole.steps
    for key in whole.history.columns:
        np.testing.assert_array_equal(sliced.history[key], whole.history[key])


def test_settings_changed_in_the_middle_of_an_epoch_apply_from_the_next_unit(model_clock):
    trainer = model_clock(Trainer(BIG.replace(batch_size=10)))
    trainer.run(seconds=0.002)
    assert trainer.epoch == 0 and trainer._pending is not None
    trainer.update_config(trainer.config.replace(optimizer="sgd", lr=0.01))
    trainer.run(epochs=1)
    assert trainer.epoch == 1 and np.isfinite(trainer.model.theta).all()


def test_pieces_sum_to_the_whole_batch_gradient(monkeypatch):
    config = TrainConfig(hidden=(16, 16), n_samples=400, batch_size=200, dtype="float64",
                         penalty="l2", penalty_rate=0.01)
    whole = Trainer(config)
    monkeypatch.setattr(cost, "CHUNK_MACS", 64 * 400)  # 64 multiply-adds a row: 400 // 369 = 1
    pieces = Trainer(config)
    assert pieces._chunk < 200 and whole._chunk >= 200
    whole.run(epochs=2)
    pieces.run(epochs=2)
    np.testing.assert_allclose(pieces.model.theta, whole.model.theta, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(pieces.history["train_loss"], whole.history["train_loss"],
                               rtol=1e-9)
    for key in ("saturated_fraction", "test_accuracy"):
        np.testing.assert_array_equal(pieces.history[key], whole.history[key])


def test_dead_units_are_counted_alike_in_pieces(monkeypatch):
    config = TrainConfig(hidden=(16, 16), activation="relu", bias_init=-0.5, n_samples=300)
    whole = Trainer(config)
    monkeypatch.setattr(cost, "CHUNK_MACS", 400)
    pieces = Trainer(config)
    assert pieces._chunk < 150
    assert whole.last_stats.dead == pieces.last_stats.dead
    assert any(d > 0 for d in whole.last_stats.dead)


def test_a_long_run_keeps_a_bounded_history_and_replay_still_reaches_the_latest_epoch(
        monkeypatch):
    monkeypatch.setattr(training, "HISTORY_FULL", 20)
    monkeypatch.setattr(training, "HISTORY_ROWS", 60)
    monkeypatch.setattr(training, "MAX_SNAPSHOTS", 16)
    trainer = Trainer(TrainConfig(hidden=(3,), n_samples=50, batch_size=50, epochs=5000))
    for _ in range(25):
        trainer.run(epochs=37)
        epochs = trainer.history["epoch"]
        assert len(trainer.history) <= 61 + 17 and len(trainer.snapshots) <= 17
        assert epochs[-1] == trainer.epoch == max(trainer.snapshots)
        assert set(trainer.snapshots) <= set(epochs.tolist())  # replay finds each epoch's row
    assert list(epochs[:20]) == list(range(20)) and trainer.history.every > 1
    latest = trainer.params_at(trainer.epoch)
    for a, b in zip(latest, trainer.model.get_params()):
        assert np.array_equal(a, b)


def test_the_snapshots_of_a_big_network_hold_a_bounded_number_of_bytes():
    trainer = Trainer(TrainConfig(hidden=(128,) * 8, n_samples=60, batch_size=60, epochs=400))
    trainer.run(epochs=300)
    held = sum(w.nbytes for w in trainer.snapshots.values())
    assert held <= training.SNAPSHOT_BYTES + 2 * trainer.model.theta.nbytes
    assert len(trainer.snapshots) >= training.MIN_SNAPSHOTS // 2  # halved at each thinning


def test_a_slow_epoch_gets_a_note_that_says_what_to_change():
    note = cost.slow_epoch_note(3.0, 4500, 10, (128,) * 8)
    assert "4,500 training points takes about 3 s" in note
    for change in ("fewer or smaller hidden layers", "fewer points", "bigger mini-batches"):
        assert change in note
    assert cost.slow_epoch_note(0.2, 4500, 10, (128,) * 8) is None
    assert "bigger" not in cost.slow_epoch_note(2.0, 4500, 4500, (128,) * 8)


def test_the_trainer_scales_its_note_by_the_speed_it_measured(model_clock, monkeypatch):
    trainer = Trainer(HUGE)
    assert trainer.slow_note() is None or trainer.epoch_seconds() >= 1
    trainer._timed = [20 * 0.1, 0.1]  # this server turned out 20 times slower than predicted
    trainer._update_speed()
    assert trainer.epoch_seconds() == pytest.approx(20 * trainer.predicted_epoch_seconds())
    assert "fewer or smaller hidden layers" in trainer.slow_note()


def test_the_cost_model_grows_with_rows_layers_and_width():
    small, big = cost.Shape.of((2, 8, 8, 1)), cost.Shape.of((2,) + (128,) * 8 + (1,))
    assert small.params == 3 * 8 + 9 * 8 + 9 and big.params == 116097
    assert cost.gradient_seconds(big, 100) > 10 * cost.gradient_seconds(small, 100)
    assert cost.forward_seconds(big, 1000) > cost.forward_seconds(big, 100)
    assert cost.pieces(10, 4) == [(0, 4), (4, 8), (8, 10)]


def test_a_sweep_of_big_networks_keeps_its_budget_and_trains_in_lockstep(monkeypatch):
    from playground.compare import Comparison
    comp = Comparison(HUGE.replace(batch_size=100), "lr", [0.01, 0.1])
    trainers = comp.trainers
    monkeypatch.setattr(training, "_clock",
                        lambda: sum(t._timed[1] + t._spent for t in trainers))
    per_batch = cost.batch_seconds(cost.Shape.of(trainers[0].model.sizes), 100)
    assert comp.run(seconds=0.05) == 0  # no epoch fits in 0.05 s
    assert sum(t.steps for t in trainers) * per_batch <= 0.05 + cost.QUANTUM
    assert trainers[0].steps > 0 and trainers[1].steps == 0  # the one behind goes on first


def test_a_landscape_slice_of_a_big_network_computes_the_points_that_fit(monkeypatch):
    import types

    from playground import landscape
    trainer = Trainer(HUGE.replace(n_samples=2000))
    job = landscape.SliceJob(trainer, resolution=5)
    assert job._rows < len(trainer.X_train)  # each point in pieces
    monkeypatch.setattr(landscape, "time",
                        types.SimpleNamespace(perf_counter=lambda: job._done * job._cost))
    assert job.run(seconds=3.5 * job._cost) == 3
    assert job._done == 3
    centre = job._evaluate(job.centre)
    assert centre == pytest.approx(trainer.history.last()["train_loss"], rel=1e-5)


def test_the_measurement_of_both_sets_in_one_pass_matches_each_set_measured_alone():
    from playground.losses import LOSSES
    trainer = Trainer(TrainConfig(batch_size=10, dtype="float64", activation="relu",
                                  n_samples=300, train_ratio=0.7, hidden=(6, 6)))
    trainer.run(epochs=2)
    row = trainer.history.last()
    for split, X, Y in (("train", trainer.X_train, trainer.Y_train),
                        ("test", trainer.X_test, trainer.Y_test)):
        out = trainer.model.forward(X)
        assert row[f"{split}_loss"] == pytest.approx(LOSSES[trainer.loss_name].value(out, Y),
                                                     rel=1e-12)
        assert row[f"{split}_accuracy"] == np.mean((out[:, 0] > 0.5) == (Y[:, 0] > 0.5))
    hidden = [a for _, a in trainer.model.forward_layers(trainer.X_train)[:-1]]
    dead = [np.mean(a.max(axis=0) <= 0) for a in hidden]  # over the training rows only
    assert row["dead_fraction"] == pytest.approx(np.mean(dead))


def test_a_run_with_an_epoch_under_way_can_be_pinned(model_clock):
    import copy
    trainer = model_clock(Trainer(BIG.replace(batch_size=10)))
    trainer.run(seconds=0.002)
    assert trainer._pending is not None
    pinned = copy.deepcopy(trainer)
    assert pinned._pending is None and pinned.epoch == trainer.epoch == 0
    assert np.array_equal(pinned._net.theta, trainer.model.theta)
    trainer.run(epochs=1)  # the original goes on with its epoch
    assert trainer.epoch == 1


_SEEN_BY_EACH_TRAINER = """
import json
from streamlit.testing.v1 import AppTest
from playground import training
pools, seen, real = training._blas_pools(), [], training.Trainer.__init__
def init(self, *args, **kwargs):
    seen.append([pool.get_num_threads() for pool in pools])
    real(self, *args, **kwargs)
training.Trainer.__init__ = init
at = AppTest.from_file("streamlit_app.py", default_timeout=60).run()
print(json.dumps({"pools": len(pools), "seen": seen, "exception": bool(at.exception)}))
"""


def test_the_app_keeps_blas_to_one_thread_for_everything_a_session_computes():
    # Building a Trainer, predictions, the landscape and the sweeps call BLAS outside run() and
    # grid(); with BLAS's own threads a big network's first measurement cost several times the
    # CPU on a busy server. The app sets one thread on every page run. In a fresh process, as
    # a server is: once the main thread has set OpenBLAS's threads (as this test process
    # has), a script thread's setting is ignored.
    import json
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", _SEEN_BY_EACH_TRAINER], cwd=root,
                          capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if not result["pools"]:
        pytest.skip("no BLAS thread pool found")
    assert not result["exception"] and result["seen"]
    assert all(threads == [1] * result["pools"] for threads in result["seen"]), result
