"""The Train page through AppTest: every choice runs, the timeline works, the charts carry data.

Fragments run inline in AppTest and run_every has no timer, so each ``at.run()`` is one tick.
Live charts are components: ``at.get("bidi_component")``, decoded with ``decode_payload``.
"""


import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from playground.datasets import DATASETS
from playground.losses import TASK_LOSSES
from playground.optimizers import OPTIMIZERS
from page_support import epoch_counter, live_charts, png_pixels

APP = "../streamlit_app.py"


def _app():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def _run(at):
    return at.session_state["train.run"]


def _playing(at, scope="train"):
    """Whether the scope's run is what the scope plays (the one flag ui/live.py keeps)."""
    return (f"{scope}.playing" in at.session_state
            and at.session_state[f"{scope}.playing"] is at.session_state[f"{scope}.run"].trainer)


def _click(at, key):
    at.button(key=key).click().run()
    assert not at.exception, at.exception


@pytest.mark.parametrize("dataset", [k for k in DATASETS])
def test_every_dataset_loss_and_optimizer_runs(dataset):
    at = _app()
    at.selectbox(key="train.w.dataset").select(dataset).run()
    assert not at.exception
    task = DATASETS[dataset].task
    for loss in ["auto", *TASK_LOSSES[task]]:
        at.selectbox(key="train.w.loss").select(loss).run()
        for optimizer in OPTIMIZERS:
            at.selectbox(key="train.w.optimizer").select(optimizer).run()
            before = epoch_counter(at)
            _click(at, "train.step")
            trainer = _run(at).trainer
            assert trainer.config.optimizer == optimizer and trainer.config.loss == loss
            if trainer.status == "diverged":  # the step found the loss blown up: no epoch
                assert epoch_counter(at) == before and trainer.message.startswith("Diverged")
            else:
                assert epoch_counter(at) == before + 1
    assert set(live_charts(at)) == {"train.boundary", "train.loss", "train.health", "train.network",
                                "train.weights"}


def test_play_ticks_pause_stops_step_adds_one():
    at = _app()
    _click(at, "train.play")
    assert _playing(at)
    first = epoch_counter(at)
    at.run()  # one more tick
    assert epoch_counter(at) > first > 0
    _click(at, "train.pause")
    paused = epoch_counter(at)
    at.run()
    at.run()
    assert epoch_counter(at) == paused and not _playing(at)
    _click(at, "train.step")
    assert epoch_counter(at) == paused + 1
    assert len(_run(at).trainer.history) == paused + 2  # every epoch recorded, epoch 0 too


def test_one_epoch_per_frame_speed():
    at = _app()
    at.select_slider(key="train.speed").set_value("1 epoch / frame").run()
    _click(at, "train.play")
    at.run()
    at.run()
    assert epoch_counter(at) == 3  # the Play click's own run, then two ticks


def test_reset_returns_to_epoch_0_with_the_same_initial_weights():
    at = _app()
    start = _run(at).trainer.model.theta.copy()
    for _ in range(3):
        _click(at, "train.step")
    assert not np.array_equal(_run(at).trainer.model.theta, start)
    _click(at, "train.reset")
    assert epoch_counter(at) == 0
    assert np.array_equal(_run(at).trainer.model.theta, start)


def test_changing_the_learning_rate_keeps_the_run():
    at = _app()
    for _ in range(4):
        _click(at, "train.step")
    theta = _run(at).trainer.model.theta.copy()
    at.select_slider(key="train.w.lr").set_value(0.3).run()
    trainer = _run(at).trainer
    assert epoch_counter(at) == 4 and trainer.config.lr == 0.3 and trainer.optimizer.lr == 0.3
    assert np.array_equal(trainer.model.theta, theta)
    at.selectbox(key="train.w.optimizer").select("adam").run()
    assert epoch_counter(at) == 4


def test_changing_the_data_starts_a_new_run_and_says_so():
    at = _app()
    for _ in range(2):
        _click(at, "train.step")
    at.slider(key="train.w.noise").set_value(20).run()
    assert epoch_counter(at) == 0
    assert any("Changed noise: a new run starts at epoch 0 (the old one was at epoch 2)"
               in info.value for info in at.info)


def test_a_classifier_whose_loss_blows_up_is_shown_as_diverged():
    # The spiral at lr 10: the loss went 0.70 -> 7.97, all finite, and the page said only
    # "Reached the epoch limit".
    at = _app()
    at.select_slider(key="train.w.lr").set_value(10.0).run()
    _click(at, "train.play")
    for _ in range(3):
        at.run()
    errors = [e.value for e in at.error]
    assert any(e.startswith("Diverged at epoch") and "blew up" in e and "lower the learning "
               "rate" in e for e in errors), errors
    assert not _playing(at) and _run(at).trainer.status == "diverged"


def test_a_huge_learning_rate_shows_the_divergence_message_and_pauses():
    at = _app()
    at.selectbox(key="train.w.dataset").select("plane").run()
    at.select_slider(key="train.w.lr").set_value(10.0).run()
    _click(at, "train.play")
    at.run()
    errors = [e.value for e in at.error]
    assert any(e.startswith("Diverged at epoch") and "try a smaller learning rate" in e
               for e in errors), errors
    run = _run(at)
    assert not _playing(at) and np.isfinite(run.trainer.model.theta).all()
    assert at.button(key="train.play").disabled


def test_epoch_limit_stops_playing_with_a_message():
    at = _app()
    at.number_input(key="train.w.epochs").set_value(3).run()
    _click(at, "train.play")
    for _ in range(3):
        at.run()
    assert epoch_counter(at) == 3 and not _playing(at)
    notice = [i.value for i in at.info if "Reached the epoch limit (3)" in i.value]
    assert notice and "raise the Epoch limit" in notice[0]
    # Doing what it says goes on.
    at.number_input(key="train.w.epochs").set_value(5).run()
    _click(at, "train.play")
    for _ in range(3):
        at.run()
    assert epoch_counter(at) == 5


def test_charts_carry_the_runs_numbers():
    at = _app()
    for _ in range(3):
        _click(at, "train.step")
    charts = live_charts(at)
    trainer = _run(at).trainer
    boundary = charts["train.boundary"]
    assert [t["name"] for t in boundary["data"]] == ["train", "test", "misclassified", "P(orange)"]
    assert all(t["type"] == "scatter" for t in boundary["data"])  # SVG: a new frame moves no point
    assert len(boundary["data"][0]["x"]) == len(trainer.dataset.X_train)
    assert boundary["layout"]["images"][0]["source"].startswith("data:image/png;base64,")
    loss = charts["train.loss"]
    np.testing.assert_allclose(loss["data"][0]["y"], trainer.history["train_loss"], rtol=1e-6)
    assert len(loss["data"][0]["x"]) == 4  # epochs 0..3
    weights = charts["train.weights"]
    assert [int(np.sum(t["y"])) for t in weights["data"]] == [W.size for W in
                                                              trainer.model.weights]
    network = charts["train.network"]
    assert len(network["data"][-2]["text"]) == sum(W.size for W in trainer.model.weights)


def test_hiding_the_test_points_and_discretizing():
    at = _app()
    _click(at, "train.step")
    shaded = png_pixels(live_charts(at)["train.boundary"]["layout"]["images"][0]["source"])
    at.toggle(key="train.view.test").set_value(False).run()
    at.toggle(key="train.view.discretize").set_value(True).run()
    boundary = live_charts(at)["train.boundary"]
    trainer = _run(at).trainer
    names = [t["name"] for t in boundary["data"]]
    assert "test" not in names and "train" in names
    train = boundary["data"][names.index("train")]
    assert len(train["x"]) == len(trainer.dataset.X_train)
    # Discretized, the plane shows only the two class colours; shaded, a ramp between them.
    flat = png_pixels(boundary["layout"]["images"][0]["source"])
    assert len(np.unique(flat.reshape(-1, 4), axis=0)) == 2
    assert len(np.unique(shaded.reshape(-1, 4), axis=0)) > 20


def test_catdog_on_two_chosen_features():
    at = _app()
    at.selectbox(key="train.w.dataset").select("catdog").run()
    at.selectbox(key="train.w.col_x").select("ear_length_cm").run()
    at.selectbox(key="train.w.col_y").select("tail_length_cm").run()
    _click(at, "train.step")
    trainer = _run(at).trainer
    assert trainer.dataset.feature_names == ("ear_length_cm", "tail_length_cm")
    layout = live_charts(at)["train.boundary"]["layout"]
    assert layout["xaxis"]["title"]["text"] == "ear length (cm)"  # the column, for people
    # The same feature twice is refused with a message; the previous pair stays.
    at.selectbox(key="train.w.col_y").select("ear_length_cm").run()
    assert any("Pick two different features" in w.value for w in at.warning)
    assert _run(at).trainer.dataset.feature_names == ("ear_length_cm", "tail_length_cm")


def test_removed_layers_keep_their_widths():
    at = _app()
    at.number_input(key="train.w.width1").set_value(5).run()
    at.slider(key="train.w.depth").set_value(1).run()
    assert _run(at).trainer.config.hidden == (8,)
    at.slider(key="train.w.depth").set_value(2).run()
    assert _run(at).trainer.config.hidden == (8, 5)


def test_the_metrics_row_shows_the_newest_losses_and_accuracy_every_frame():
    # The numbers come from the run's own history, after a Step and after a tick of Play.
    at = _app()
    for press in ("train.step", "train.play"):  # a run after Play is a tick of training
        _click(at, press)
        last = _run(at).trainer.history.last()
        shown = {m.label: m.value for m in at.metric}
        assert shown == {"Train loss": f"{last['train_loss']:.4g}",
                         "Test loss": f"{last['test_loss']:.4g}",
                         "Train accuracy": f"{last['train_accuracy']:.1%}",
                         "Test accuracy": f"{last['test_accuracy']:.1%}"}
    assert _run(at).trainer.epoch > 1


def test_a_regression_run_shows_r2_and_the_projector_keeps_the_sentence_in_a_tooltip():
    at = _app()
    at.selectbox(key="train.w.dataset").select(
        next(k for k, d in DATASETS.items() if d.task == "regression")).run()
    _click(at, "train.step")
    last = _run(at).trainer.history.last()
    shown = {m.label: m.value for m in at.metric}
    assert shown["Test R²"] == f"{last['test_r2']:.3f}"
    assert any("moves every weight" in c.value for c in at.caption)
    at.toggle(key="display.projector").set_value(True).run()
    assert not at.exception
    assert not any("moves every weight" in c.value for c in at.caption)
    assert "moves every weight" in at.title[0].help


def test_a_penalty_without_a_rate_says_it_does_nothing():
    at = _app()
    at.selectbox(key="train.w.penalty").select("l2").run()
    assert any("L2 acts once its rate is above 0" in c.value for c in at.sidebar.caption)
