"""The lab pages through AppTest: compare, landscape, replay, inside, loss functions.

Fragments run inline and run_every has no timer, so each ``at.run()`` is one tick. Live charts
are components: ``at.get("bidi_component")``, decoded with ``decode_payload``.
"""

import json
import math
import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from playground import charts
from playground.config import TrainConfig
from playground.landscape import two_weight_data
from playground.training import Trainer
from page_support import live_charts

APP = "../streamlit_app.py"
SMALL = dict(dataset="moons", n_samples=120, noise=0.1, hidden=(4,), batch_size=10)


def _app(page, **settings):
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["train.config"] = TrainConfig(**{**SMALL, **settings})
    at.run()
    at.switch_page(page).run()
    _ok(at)
    return at


def _ok(at):
    assert not at.exception, [e.value for e in at.exception]


def _click(at, key):
    at.button(key=key).click().run()
    _ok(at)


def _train_run(at):
    return at.session_state["train.run"].trainer


# -- compare runs ----------------------------------------------------------------------------------
def test_a_sweep_starts_every_run_from_the_same_weights_and_trains_on_play():
    at = _app("app_pages/compare.py")
    assert any("No runs yet" in i.value for i in at.info)
    _click(at, "labs.compare.start")
    comp = at.session_state["labs.comparison"]
    assert [t.config.lr for t in comp.trainers] == [0.001, 0.01, 0.1, 1.0]
    for trainer in comp.trainers[1:]:
        assert np.array_equal(trainer.snapshots[0], comp.trainers[0].snapshots[0])
    _click(at, "labs.compare.play")  # the rerun after the click is the first tick
    first = [t.epoch for t in comp.trainers]
    at.run()
    assert min(t.epoch for t in comp.trainers) > min(first) >= 0
    table = at.dataframe[0].value
    assert list(table["run"]) == [f"Learning rate {v:g}" for v in (0.001, 0.01, 0.1, 1.0)]
    curves = live_charts(at)["labs.compare.curves"]["data"]
    assert [t["name"] for t in curves] == list(table["run"])
    np.testing.assert_allclose(curves[2]["y"], comp.trainers[2].history["train_loss"],
                               rtol=1e-6)
    assert len(live_charts(at)["labs.compare.boundaries"]["layout"]["images"]) == 4


def test_a_diverging_run_is_shown_as_diverged():
    at = _app("app_pages/compare.py", dataset="plane", n_samples=100)
    at.multiselect(key="labs.compare.values.lr").set_value([0.01, 10.0]).run()
    at.number_input(key="labs.compare.epochs").set_value(30).run()
    _click(at, "labs.compare.start")
    for _ in range(30):
        _click(at, "labs.compare.step")
    comp = at.session_state["labs.comparison"]
    assert comp.trainers[1].status == "diverged"
    statuses = list(at.dataframe[0].value["status"])
    assert statuses[0] == "done" and statuses[1].startswith("diverged at epoch")
    crosses = [t for t in live_charts(at)["labs.compare.curves"]["data"]
               if t["mode"] == "markers+text"]
    assert len(crosses) == 1 and crosses[0]["text"][0].startswith("diverged at")
    assert all(np.isfinite(t["y"]).all() for t in live_charts(at)["labs.compare.curves"]["data"])


def test_a_pinned_run_is_a_frozen_copy_of_the_train_run():
    at = _app("app_pages/compare.py")
    _train_run(at).run(epochs=6)
    at.run()
    _click(at, "labs.compare.pin")
    _train_run(at).run(epochs=4)
    at.run()
    pinned = at.session_state["labs.pinned"][0]
    assert pinned.trainer.epoch == 6 and _train_run(at).epoch == 10
    row = at.dataframe[0].value.iloc[0]
    assert row["status"] == "pinned at epoch 6" and row["run"].endswith("(pinned)")
    assert row["train loss"] == pytest.approx(_train_run(at).history["train_loss"][6])


def test_sweep_needs_two_values():
    at = _app("app_pages/compare.py")
    at.multiselect(key="labs.compare.values.lr").set_value([0.1]).run()
    assert at.button(key="labs.compare.start").disabled
    assert any("at least two" in c.value for c in at.caption)


# -- the loss landscape ----------------------------------------------------------------------------
def _until_chart(at, key, ticks=200):
    for _ in range(ticks):
        found = live_charts(at).get(key)
        if found is not None:
            return found
        at.run()
        _ok(at)
    raise AssertionError(f"no chart {key} after {ticks} ticks")


def test_the_slice_is_centred_on_the_current_loss_and_the_path_ends_there():
    at = _app("app_pages/landscape.py")
    trainer = _train_run(at)
    trainer.run(epochs=15)
    at.select_slider(key="labs.landscape.resolution").set_value(21).run()
    fig = _until_chart(at, "labs.landscape.slice")
    contour, path = fig["data"][0], fig["data"][1]
    assert contour["customdata"].shape == (21, 21)
    current = trainer.model.loss(trainer.X_train, trainer.Y_train, trainer.loss_name)
    assert contour["customdata"][10, 10] == pytest.approx(current, rel=1e-6)
    assert (path["x"][-1], path["y"][-1]) == (0.0, 0.0)
    assert path["text"][0] == "epoch 0" and path["text"][-1] == "epoch 15"
    assert any(f"{current:.4g}" in m.value for m in at.markdown)


def test_path_directions_need_training_first():
    at = _app("app_pages/landscape.py")
    at.selectbox(key="labs.landscape.directions").select("pca").run()
    _ok(at)
    assert any("train a few more epochs" in i.value for i in at.info)


def test_the_exact_surface_and_path_of_the_two_weight_model():
    at = _app("app_pages/landscape.py")
    at.radio(key="labs.landscape.mode").set_value("exact").run()
    _ok(at)
    fig = live_charts(at)["labs.landscape.exact"]
    contour, path = fig["data"][0], fig["data"][1]
    X, Y, _ = two_weight_data("gauss", noise=0.2, label_noise=0.1)  # the page's defaults
    w1s, w2s, loss = contour["x"].astype(float), contour["y"].astype(float), contour["customdata"]
    for j, i in [(0, 0), (40, 40), (10, 70), (80, 5)]:
        p = 1 / (1 + np.exp(-(X @ [w1s[i], w2s[j]])))
        direct = -np.mean(Y[:, 0] * np.log(p) + (1 - Y[:, 0]) * np.log(1 - p))
        assert loss[j, i] == pytest.approx(direct, rel=1e-5)
    assert (path["x"][0], path["y"][0]) == (3.0, 3.5)
    _click(at, "labs.two.step")  # one full-batch epoch: one step of plain SGD, lr 0.3
    path = live_charts(at)["labs.landscape.exact"]["data"][1]
    w0 = np.array([3.0, 3.5])
    p = 1 / (1 + np.exp(-(X @ w0)))
    step = w0 - 0.3 * X.T @ (p - Y[:, 0]) / len(X)
    assert len(path["x"]) == 2
    np.testing.assert_allclose([path["x"][1], path["y"][1]], step, rtol=1e-6)
    for k, w in enumerate((w0, step)):  # the loss shown along the path: the exact loss there
        q = 1 / (1 + np.exp(-(X @ w)))
        direct = -np.mean(Y[:, 0] * np.log(q) + (1 - Y[:, 0]) * np.log(1 - q))
        assert path["customdata"][k] == pytest.approx(direct, rel=1e-6)
    assert any("Epoch 1" in m.value for m in at.markdown)


def test_the_two_weight_model_on_regression_data_says_so_and_blows_up_safely():
    at = _app("app_pages/landscape.py")
    at.radio(key="labs.landscape.mode").set_value("exact").run()
    at.selectbox(key="labs.two.dataset").select("plane").run()
    _ok(at)
    assert any("y = w1·x1 + w2·x2" in m.value and "σ" not in m.value for m in at.markdown)
    assert at.slider(key="labs.two.flipped").disabled  # no labels to flip
    at.select_slider(key="labs.two.lr").set_value(10.0).run()
    for _ in range(60):  # the helper's case: lr 10 on the plane, played until it blows up
        _click(at, "labs.two.step")
        if at.session_state["labs.two"][1].status == "diverged":
            break
    run = at.session_state["labs.two"][1]
    assert run.status == "diverged" and np.abs(run.path).max() <= run.WEIGHT_LIMIT
    fig = live_charts(at)["labs.landscape.exact"]
    assert np.isfinite(fig["data"][0]["customdata"]).all()
    assert any("diverged: the next step went past ±1000" in m.value for m in at.markdown)


def test_the_two_weight_model_plays():
    at = _app("app_pages/landscape.py")
    at.radio(key="labs.landscape.mode").set_value("exact").run()
    _click(at, "labs.two.play")
    at.run()
    run = at.session_state["labs.two"][1]
    assert run.epoch >= 2
    _click(at, "labs.two.pause")
    epoch = run.epoch
    at.run()
    assert run.epoch == epoch
    # Faster: up to 25 epochs a frame (as many as fit in the frame's time budget, at least one).
    at.select_slider(key="labs.two.speed").set_value(25).run()
    _click(at, "labs.two.play")  # the click's run is the first frame
    assert epoch + 2 <= run.epoch <= epoch + 25 and len(run.path) == run.step_count + 1


# -- replay ----------------------------------------------------------------------------------------
def test_replay_at_epoch_k_shows_the_weights_of_epoch_k():
    at = _app("app_pages/replay.py")
    assert any("Nothing to replay" in i.value for i in at.info)
    _train_run(at).run(epochs=30)
    at.run()
    at.select_slider(key="labs.replay.epoch").set_value(12).run()
    _ok(at)
    oracle = Trainer(TrainConfig(**SMALL))
    oracle.run(epochs=12)
    shown = live_charts(at)
    expected = charts.weights_figure(oracle.layer_weights())
    for got, want in zip(shown["labs.replay.weights"]["data"], expected["data"]):
        np.testing.assert_array_equal(got["y"], want["y"])
        np.testing.assert_array_equal(got["x"], want["x"])
    net = charts.network_figure(oracle.model.weights, oracle.model.biases,
                                input_names=oracle.input_names)
    assert shown["labs.replay.network"]["data"][-2]["text"] == net["data"][-2]["text"]
    assert shown["labs.replay.network"]["data"][-1]["text"] == net["data"][-1]["text"]
    assert any(m.value.startswith("**Epoch 12**") for m in at.markdown)
    assert _train_run(at).epoch == 30  # replaying never touches the run


def test_replay_plays_through_the_kept_epochs():
    at = _app("app_pages/replay.py")
    _train_run(at).run(epochs=5)
    at.run()
    at.select_slider(key="labs.replay.epoch").set_value(1).run()
    _click(at, "labs.replay.play")  # that rerun is the first tick: epoch 2
    assert at.select_slider(key="labs.replay.epoch").value == 2
    at.run()
    assert at.select_slider(key="labs.replay.epoch").value == 3


# -- inside the network ----------------------------------------------------------------------------
def test_inside_shows_every_neuron_and_the_exact_two_neuron_space():
    at = _app("app_pages/inside.py", hidden=(4, 2))
    trainer = _train_run(at)
    shown = live_charts(at)
    assert len(shown["labs.inside.thumbnails"]["layout"]["images"]) == 4 + 2 + 1
    warped = shown["labs.inside.warped"]["data"]
    points = trainer.model.forward_layers(trainer.X_train)[1][1]
    np.testing.assert_allclose(warped[1]["x"], points[:, 0], rtol=1e-6)
    np.testing.assert_allclose(warped[1]["y"], points[:, 1], rtol=1e-6)
    assert warped[2]["name"] == "output layer's boundary"
    _click(at, "train.step")
    assert trainer.epoch == 1
    moved = live_charts(at)["labs.inside.warped"]["data"][1]["x"]
    assert not np.allclose(moved, warped[1]["x"])
    np.testing.assert_allclose(moved, trainer.model.forward_layers(trainer.X_train)[1][1][:, 0],
                               rtol=1e-6)


def test_inside_projects_a_wide_layer_and_handles_no_hidden_layer():
    at = _app("app_pages/inside.py", hidden=(6,))
    _ok(at)
    titles = live_charts(at)["labs.inside.warped"]["layout"]["xaxis"]["title"]["text"]
    assert "direction 1" in titles
    bare = _app("app_pages/inside.py", hidden=())
    assert any("no hidden layer" in i.value for i in bare.info)
    assert len(live_charts(bare)["labs.inside.thumbnails"]["layout"]["images"]) == 1


# -- the loss functions ----------------------------------------------------------------------------
def test_the_loss_explorer_table_and_its_lesson():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/loss_functions.py").run()
    _ok(at)
    at.slider(key="labs.losses.p").set_value(0.05).run()
    table = at.table[0].value
    assert float(table.loc["Cross-entropy"].iloc[0]) == pytest.approx(-math.log(0.05), abs=1e-4)
    assert float(table.loc["Mean squared error"].iloc[2]) == pytest.approx(
        2 * (0.05 - 1) * 0.05 * 0.95, abs=1e-4)
    assert at.warning and "confident mistake" in at.warning[0].value
    figures = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    assert [len(f["data"]) for f in figures] == [3, 3, 3]
    at.radio(key="labs.losses.y").set_value(0).run()
    assert not at.warning and at.success  # p = 0.05 for a 0 is right, and sure of it
    assert float(at.table[0].value.loc["Hinge (for contrast)"].iloc[0]) == 0.0


def test_lab_settings_survive_a_visit_to_another_page():
    # Streamlit forgets the value of a widget that a run does not draw; the lab pages' widgets
    # keep theirs with persist_state="session", so a trip to the Train page loses nothing.
    at = _app("app_pages/loss_functions.py")
    at.radio(key="labs.losses.y").set_value(0).run()
    at.slider(key="labs.losses.p").set_value(0.3).run()
    at.switch_page("app_pages/landscape.py").run()
    at.radio(key="labs.landscape.mode").set_value("exact").run()
    at.slider(key="labs.two.w1").set_value(-2.0).run()
    _ok(at)
    at.switch_page("app_pages/train.py").run()
    at.toggle(key="train.view.log").set_value(True).run()
    _ok(at)
    at.switch_page("app_pages/loss_functions.py").run()
    assert at.radio(key="labs.losses.y").value == 0
    assert at.slider(key="labs.losses.p").value == 0.3
    at.switch_page("app_pages/landscape.py").run()
    assert at.radio(key="labs.landscape.mode").value == "exact"
    assert at.slider(key="labs.two.w1").value == -2.0
    at.switch_page("app_pages/train.py").run()
    assert at.toggle(key="train.view.log").value is True


# -- a real browser --------------------------------------------------------------------------------
LAB_PAGES = {  # menu entry -> (the page's title, a live chart that must be painted there)
    "Compare runs": ("Compare runs", None),
    "Loss landscape": ("The loss landscape", "labs.landscape.slice"),
    "Replay": ("Replay a run", "labs.replay.boundary"),
    "Inside the network": ("Inside the network", "labs.inside.thumbnails"),
    "Loss functions": ("The loss functions", None),
}


@pytest.mark.browser
def test_the_lab_pages_paint_in_a_browser():
    """Train a little, then open every lab page from the menu: charts paint, no exception."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from browser_support import launch_chromium, serve_app

    with serve_app("streamlit_app.py") as url, sync_api.sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1300, "height": 1600})
        page.goto(url)
        page.get_by_role("button", name="Step", exact=True).first.wait_for(timeout=60_000)
        for epoch in range(1, 4):  # one Step at a time, each seen to land
            page.get_by_role("button", name="Step", exact=True).first.click()
            page.get_by_text(re.compile(rf"^Epoch {epoch}\b")).first.wait_for(timeout=30_000)
        for title, (heading, chart) in LAB_PAGES.items():
            page.get_by_role("link", name=title).first.click()
            page.get_by_role("heading", level=1, name=heading).wait_for(timeout=30_000)
            if chart:
                page.locator(f'[data-live-chart-key="{chart}"] .main-svg').first.wait_for(
                    timeout=30_000)
            assert not page.locator('[data-testid="stException"]').count(), title
        page.get_by_role("link", name="Compare runs").first.click()
        page.get_by_role("button", name="Start the sweep").click()
        page.locator('[data-live-chart-key="labs.compare.curves"] .main-svg').first.wait_for(
            timeout=30_000)
        browser.close()
