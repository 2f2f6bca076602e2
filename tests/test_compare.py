"""Compared runs: the same start for every run, lockstep training, divergence, the summary."""

import json

import numpy as np
import pytest

from playground.compare import (SWEEPS, Comparison, default_values, describe, epochs_to_reach,
                                pin, summary)
from playground.config import TrainConfig
from playground.training import Trainer

BASE = TrainConfig(dataset="moons", n_samples=120, noise=0.1, hidden=(4,), batch_size=10,
                   epochs=40)


@pytest.mark.parametrize("field", list(SWEEPS))
def test_every_sweep_starts_from_identical_weights_and_data(field):
    task, n_train = "binary", 60
    values = default_values(SWEEPS[field], task, n_train)
    comp = Comparison(BASE, field, values)
    first = comp.trainers[0]
    for trainer in comp.trainers[1:]:
        assert np.array_equal(trainer.model.theta, first.model.theta)
        assert np.array_equal(trainer.X_train, first.X_train)
        assert np.array_equal(trainer.dataset.y_train, first.dataset.y_train)
    assert [getattr(t.config, field) for t in comp.trainers] == values


def test_a_run_of_the_sweep_is_the_run_its_config_makes_alone():
    comp = Comparison(BASE, "optimizer", ["sgd", "adam"])
    comp.run(epochs=7)
    alone = Trainer(BASE.replace(optimizer="adam"))
    alone.run(epochs=7)
    assert np.array_equal(comp.trainers[1].model.theta, alone.model.theta)
    assert json.dumps(comp.trainers[1].history.rows()) == json.dumps(alone.history.rows())


def test_runs_advance_in_lockstep():
    comp = Comparison(BASE, "batch_size", [1, 10, 60])
    comp.run(seconds=0.0)  # a zero budget: one epoch of the run furthest behind
    assert [t.epoch for t in comp.trainers] == [1, 0, 0]
    comp.run(epochs=3)
    assert [t.epoch for t in comp.trainers] == [4, 3, 3]
    comp.run(seconds=0.2)
    epochs = [t.epoch for t in comp.trainers]
    assert max(epochs) - min(epochs) <= 1 and comp.epoch == min(epochs)


def test_runs_stop_at_the_epoch_limit():
    comp = Comparison(BASE.replace(epochs=5), "lr", [0.01, 0.1])
    comp.run(seconds=5.0)
    assert not comp.can_train
    assert [t.epoch for t in comp.trainers] == [5, 5]
    assert [r["status"] for r in summary(comp.entries, 0.1)] == ["done", "done"]


def test_a_diverging_run_is_reported_and_the_others_go_on():
    base = TrainConfig(dataset="plane", n_samples=100, hidden=(4,), epochs=30)
    comp = Comparison(base, "lr", [0.01, 10.0])
    comp.run(epochs=30)
    calm, wild = comp.trainers
    assert wild.status == "diverged" and calm.epoch == 30
    assert np.isfinite(wild.history["train_loss"]).all()  # the history stops before the blow-up
    rows = summary(comp.entries, target=0.5)
    assert rows[1]["status"] == f"diverged at epoch {wild.epoch + 1}"
    assert rows[1]["epochs"] == wild.epoch


def test_summary_reports_final_numbers_and_epochs_to_target():
    comp = Comparison(BASE, "lr", [0.03, 0.3])
    comp.run(epochs=20)
    rows = summary(comp.entries, target=0.4)
    for row, trainer in zip(rows, comp.trainers):
        last = trainer.history.last()
        assert row["train loss"] == last["train_loss"] and row["test accuracy"] == \
            last["test_accuracy"]
        assert row["epochs to train loss ≤ 0.4"] == epochs_to_reach(
            trainer.history["train_loss"], 0.4)
    assert rows[0]["run"] == "Learning rate 0.03"
    # The target can apply to the test loss instead (when the chart shows that).
    for row, trainer in zip(summary(comp.entries, 0.4, "test_loss"), comp.trainers):
        assert row["epochs to test loss ≤ 0.4"] == epochs_to_reach(
            trainer.history["test_loss"], 0.4)


def test_epochs_to_reach():
    assert epochs_to_reach([0.9, 0.5, 0.3, 0.35, 0.1], 0.35) == 2
    assert epochs_to_reach([0.9, 0.5], 0.1) is None
    assert epochs_to_reach([0.9, float("nan")], 0.5) is None


def test_bad_sweeps_get_one_clear_message():
    with pytest.raises(ValueError, match="2 to 8 values"):
        Comparison(BASE, "lr", [0.1])
    with pytest.raises(ValueError, match="once"):
        Comparison(BASE, "lr", [0.1, 0.1])
    with pytest.raises(ValueError, match="varies one of"):
        Comparison(BASE, "hidden", [(2,), (3,)])
    with pytest.raises(ValueError, match="lr must be between"):
        Comparison(BASE, "lr", [0.1, 100.0])


def test_an_l2_sweep_switches_the_penalty_on():
    comp = Comparison(BASE, "penalty_rate", [0.0, 0.01])
    assert [t.config.penalty for t in comp.trainers] == ["l2", "l2"]


def test_batch_size_defaults_fit_the_data():
    values = default_values(SWEEPS["batch_size"], "binary", 60)
    assert values == [1, 10, 50, 60]  # the last is the whole training set


def test_a_pinned_copy_does_not_follow_the_original():
    trainer = Trainer(BASE)
    trainer.run(epochs=5)
    entry = pin(trainer, describe(trainer.config))
    trainer.run(epochs=5)
    assert entry.pinned and entry.trainer.epoch == 5 and trainer.epoch == 10
    assert len(entry.trainer.history) == 6
    assert "moons" in entry.label and "lr 0.1" in entry.label
    assert summary([entry], 0.1)[0]["status"] == "pinned at epoch 5"


def test_the_summary_names_r2_as_a_reader_writes_it():
    comp = Comparison(TrainConfig(dataset="plane", hidden=(3,), n_samples=60), "lr", [0.01, 0.03])
    comp.run(epochs=2)
    row = summary(comp.entries, target=0.1)[0]
    assert row["train R²"] == comp.trainers[0].history.last()["train_r2"]
    assert "test R²" in row and "train r2" not in row


def test_diverged_at_and_the_regression_colour_reach():
    from playground.compare import diverged_at, target_reach
    comp = Comparison(TrainConfig(dataset="plane", n_samples=100, hidden=(4,), epochs=30),
                      "lr", [0.01, 10.0])
    comp.run(epochs=30)
    calm, wild = comp.trainers
    assert diverged_at(calm) is None and diverged_at(wild) == wild.epoch + 1
    reach = max(abs(calm.dataset.y_train).max(), abs(wild.dataset.y_train).max())
    assert target_reach(comp.trainers) == reach
    assert target_reach(Comparison(BASE, "lr", [0.1, 0.3]).trainers) == 1.0  # no regression
