"""Figure builders: valid Plotly figures that carry the numbers they claim to show."""

import re

import numpy as np
import plotly.graph_objects as go
import pytest

from playground import charts
from playground.config import TrainConfig
from playground.training import Trainer
from page_support import png_pixels


@pytest.fixture(scope="module")
def trainer():
    t = Trainer(TrainConfig(hidden=(5, 3)))
    t.run(epochs=5)
    return t


def test_boundary_figure_is_valid_and_colours_by_probability(trainer):
    grid = trainer.grid(resolution=20)
    points = (trainer.dataset.X_train, trainer.dataset.y_train,
              (trainer.predict(trainer.dataset.X_train)[:, 0] > 0.5).astype(int))
    fig = charts.boundary_figure(grid.xs, grid.ys, grid.values, "binary", train=points,
                                 test=points)
    go.Figure(fig)  # raises if any property is invalid
    names = [t["name"] for t in fig["data"]]
    assert names == ["train", "test", "misclassified", "P(class 1)"]
    # The key: a colour scale from class 0's colour (P = 0) to class 1's (P = 1).
    key = fig["data"][-1]["marker"]
    assert key["showscale"] and (key["cmin"], key["cmax"]) == (0, 1)
    assert key["colorscale"][0][1] == charts.PALETTES["classic"][0]
    assert key["colorscale"][-1][1] == charts.PALETTES["classic"][1]
    # Misclassified points, once as training and once as test points, get a cross each.
    wrong = points[0][points[2] != points[1]]
    crosses = fig["layout"]["shapes"][0]["path"]
    ends = np.array(re.findall(r"-?[\d.]+(?:e[-+]?\d+)?", crosses), float).reshape(-1, 8)
    centres = (ends[:, :2] + ends[:, 2:4]) / 2
    np.testing.assert_allclose(centres, np.vstack([wrong, wrong]), atol=1e-4)
    pixels = png_pixels(fig["layout"]["images"][0]["source"])
    assert pixels.shape == (20, 20, 4)
    # The image's top-left pixel is the grid's highest y row, first x column.
    expected = charts.boundary_rgba(grid.values, "binary", charts.PALETTES["classic"])
    assert np.array_equal(pixels, expected)
    p = grid.values[-1, 0]
    blue, orange = np.array([8, 119, 189]), np.array([245, 147, 34])
    nearer = orange if p > 0.5 else blue
    assert np.abs(pixels[0, 0, :3].astype(int) - nearer).sum() < np.abs(
        pixels[0, 0, :3].astype(int) - (blue if p > 0.5 else orange)).sum()


def test_discretized_multiclass_uses_the_winning_class_colour():
    values = np.zeros((2, 3, 3))
    values[..., 2] = 1.0
    values[0, 0] = [0.6, 0.3, 0.1]
    rgba = charts.boundary_rgba(values, "multiclass", charts.PALETTES["colorblind"],
                                discretize=True)
    # row 0 of the image is the top row, i.e. values[-1]
    assert tuple(rgba[1, 0, :3]) == (0, 114, 178) and tuple(rgba[0, 0, :3]) == (0, 158, 115)


def test_loss_figure_carries_every_epoch_and_marks_the_best(trainer):
    history = {k: trainer.history[k] for k in trainer.history.columns}
    fig = charts.loss_figure(history, log_y=True, best_epoch=3)
    go.Figure(fig)
    assert [t["name"] for t in fig["data"]] == ["train loss", "test loss", "train accuracy",
                                                "test accuracy"]
    np.testing.assert_allclose(fig["data"][0]["y"], history["train_loss"], rtol=1e-6)
    assert fig["layout"]["yaxis"]["type"] == "log"
    assert fig["layout"]["shapes"][0]["x0"] == 3


def test_loss_figure_shows_epoch_0_alone_as_points():
    # Before the first epoch each line has one point, which a line alone would not draw.
    untrained = Trainer(TrainConfig(dataset="xor", n_samples=60, hidden=(3,)))
    history = {k: untrained.history[k] for k in untrained.history.columns}
    fig = charts.loss_figure(history)
    assert {t["mode"] for t in fig["data"]} == {"markers"}
    assert fig["layout"]["xaxis"]["rangemode"] == "nonnegative"  # no negative epochs on the axis
    untrained.run(epochs=1)
    history = {k: untrained.history[k] for k in untrained.history.columns}
    assert {t["mode"] for t in charts.loss_figure(history)["data"]} == {"lines"}


def _nones(value, path=""):
    """Paths of the None settings in a layout (lists are data, not settings)."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _nones(v, f"{path}.{k}")]
    return [path] if value is None else []


@pytest.mark.parametrize("dataset, metric", [("xor", "accuracy"), ("multi_gauss", "r2")])
def test_loss_figure_layout_has_no_none_setting(dataset, metric):
    # A None setting (a regression run's yaxis2.range) makes Plotly.react fail on every redraw
    # after the first ("container is not an object"), and the loss chart stays empty.
    run = Trainer(TrainConfig(dataset=dataset, n_samples=60, hidden=(3,)))
    run.run(epochs=2)
    fig = charts.loss_figure({k: run.history[k] for k in run.history.columns}, metric=metric)
    go.Figure(fig)
    assert _nones(fig["layout"]) == []
    label = {"accuracy": "accuracy", "r2": "R²"}[metric]
    assert fig["layout"]["yaxis2"]["title"]["text"] == label
    assert [t["name"] for t in fig["data"][2:]] == [f"train {label}", f"test {label}"]  # not r2


def test_decimate_keeps_extremes_and_ends():
    x = np.arange(100_000)
    y = np.sin(x / 500.0)
    y[54_321] = 5.0
    dx, dy = charts.decimate(x, y, limit=1000)
    assert len(dx) <= 1002 and dx[0] == 0 and dx[-1] == 99_999
    assert dy.max() == 5.0 and dy.min() == pytest.approx(-1, abs=1e-4)


def test_decimate_keeps_every_buckets_extremes_and_skips_gaps():
    rng = np.random.default_rng(0)
    y = rng.normal(size=2_345)
    y[100:180] = np.nan  # a gap (an epoch without a value) is never chosen as an extreme
    x = np.arange(len(y))
    dx, dy = charts.decimate(x, y, limit=100)
    width = -(-len(y) // 50)
    for lo in range(0, len(y), width):  # the oracle: each bucket, one by one
        part = y[lo:lo + width]
        if np.isfinite(part).any():
            assert lo + np.nanargmin(part) in dx and lo + np.nanargmax(part) in dx
    assert np.array_equal(dy, y[dx], equal_nan=True) and np.all(np.diff(dx) > 0)
    assert not np.isnan(dy).any()


def test_weights_figure_counts_every_weight(trainer):
    weights = trainer.layer_weights()
    fig = charts.weights_figure(weights)
    go.Figure(fig)
    assert [int(np.sum(t["y"])) for t in fig["data"]] == [W.size for W in weights]


def test_health_figure_has_a_gradient_line_per_layer(trainer):
    history = {k: trainer.history[k] for k in trainer.history.columns}
    fig = charts.health_figure(history, n_layers=3)
    go.Figure(fig)
    assert [t["name"] for t in fig["data"]][:3] == ["‖∇ layer 1‖", "‖∇ layer 2‖", "‖∇ layer 3‖"]
    assert "saturated" in [t["name"] for t in fig["data"]]
    # Each line carries the history's own numbers, epoch by epoch.
    for i, trace in enumerate(fig["data"][:3]):
        np.testing.assert_array_equal(trace["x"], history["epoch"])
        np.testing.assert_allclose(trace["y"], history[f"grad_norm_{i + 1}"], rtol=1e-6)
    saturated = next(t for t in fig["data"] if t["name"] == "saturated")
    np.testing.assert_allclose(saturated["y"], history["saturated_fraction"], rtol=1e-6)


def test_network_figure_hover_shows_each_weight_and_bias(trainer):
    model = trainer.model
    fig = charts.network_figure(model.weights, model.biases, input_names=["x1", "x2"])
    go.Figure(fig)
    hover = fig["data"][-2]["text"]
    assert len(hover) == sum(W.size for W in model.weights)
    # A link is named by the two nodes it joins, counted as the nodes' own labels count.
    assert hover[0] == f"x1 → layer 1 neuron 1<br>w = {model.weights[0][0, 0]:.4g}"
    W = model.weights[1]
    last = W.shape[0] * W.shape[1] - 1
    assert hover[model.weights[0].size + last] == (
        f"layer 1 neuron {W.shape[0]} → layer 2 neuron {W.shape[1]}<br>w = {W[-1, -1]:.4g}")
    nodes = fig["data"][-1]["text"]
    assert nodes[0] == "x1" and nodes[2] == f"layer 1 neuron 1<br>bias = {model.biases[0][0]:.4g}"
    assert hover[-1].startswith(f"layer {model.n_layers - 1} neuron")
    assert hover[-1].split("<br>")[0].endswith("→ output 1")


def test_network_figure_caps_links_for_wide_layers():
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=(2, 128)), rng.normal(size=(128, 128)), rng.normal(size=(128, 1))]
    biases = [np.zeros(128), np.zeros(128), np.zeros(1)]
    fig = charts.network_figure(weights, biases)
    assert len(fig["data"][-2]["text"]) == charts.MAX_LINKS
    assert "strongest 1500 of 16768" in fig["layout"]["title"]["text"]


def test_axis_titles_are_dicts_as_plotly_js_3_needs(trainer):
    history = {k: trainer.history[k] for k in trainer.history.columns}
    grid = trainer.grid(resolution=10)
    figures = [charts.loss_figure(history), charts.health_figure(history, n_layers=3),
               charts.boundary_figure(grid.xs, grid.ys, grid.values, "binary")]
    for fig in figures:
        for name, axis in fig["layout"].items():
            if name.startswith(("xaxis", "yaxis")) and "title" in axis:
                assert isinstance(axis["title"], dict) and axis["title"]["text"], name


def test_projector_mode_enlarges_type_lines_markers_and_shapes(trainer):
    from playground.projector import PROJECTOR_LINE, PROJECTOR_MARKER, projector_figure

    grid = trainer.grid(resolution=20)
    data = trainer.dataset
    predicted = np.zeros(len(data.y_train), int)  # every class-1 point counts as misclassified
    fig = charts.boundary_figure(grid.xs, grid.ys, grid.values, "binary",
                                 train=(data.X_train, data.y_train, predicted))
    big = projector_figure(fig)
    go.Figure(big)
    assert big["layout"]["font"]["size"] > 12
    assert big["data"][0]["marker"]["size"] == fig["data"][0]["marker"]["size"] * PROJECTOR_MARKER
    crosses, projected = fig["layout"]["shapes"][0], big["layout"]["shapes"][0]
    assert projected["line"]["width"] == crosses["line"]["width"] * PROJECTOR_LINE
    assert projected["path"] == crosses["path"]
    assert big["data"][0]["x"] is fig["data"][0]["x"]  # arrays shared, not copied
    assert fig["layout"]["shapes"][0]["line"]["width"] == 2  # the original is left alone


def test_a_boundary_title_gets_a_line_of_its_own_above_the_legend():
    # The saved-model preview has a title and a legend: both at the top left, they would overlap.
    xs = ys = np.linspace(-1, 1, 5)
    points = (np.zeros((3, 2)), np.array([0, 1, 0]), None)
    plain = charts.boundary_figure(xs, ys, np.full((5, 5), 0.5), "binary", test=points)
    titled = charts.boundary_figure(xs, ys, np.full((5, 5), 0.5), "binary", test=points,
                                    title="The saved model on its test points")
    go.Figure(titled)
    title, legend = titled["layout"]["title"], titled["layout"]["legend"]
    assert (title["yref"], title["y"], title["yanchor"]) == ("container", 1, "top")
    assert (legend["y"], legend["yanchor"]) == (1.02, "bottom")  # on the plot's top edge
    # The margin above the plot holds the legend's row (~20 px) and the title's (~25 px).
    assert titled["layout"]["margin"]["t"] >= plain["layout"]["margin"]["t"] + 20 >= 60


def test_every_boundary_has_a_key_to_its_colours():
    xs = ys = np.linspace(-1, 1, 4)
    three = np.full((4, 4, 3), 1 / 3)
    fig = charts.boundary_figure(xs, ys, three, "multiclass", class_names=["a", "b", "c"])
    go.Figure(fig)
    entries = [t for t in fig["data"] if t.get("legendgroup") == "classes"]
    assert [(t["name"], t["marker"]["color"]) for t in entries] == list(
        zip("abc", charts.PALETTES["classic"][:3]))
    fig = charts.boundary_figure(xs, ys, np.zeros((4, 4)), "regression", zrange=(-2.5, 2.5))
    go.Figure(fig)
    key = fig["data"][-1]["marker"]
    assert (key["cmin"], key["cmax"]) == (-2.5, 2.5) and key["colorbar"]["title"]["text"] == "output"


def test_the_network_and_the_weights_say_what_their_marks_mean(trainer):
    model = trainer.model
    fig = charts.network_figure(model.weights, model.biases)
    go.Figure(fig)
    key = [t for t in fig["data"] if t.get("showlegend") is not False]
    assert [(t["name"], t["line"]["color"]) for t in key[:2]] == [
        ("positive weight or bias", charts.PALETTES["classic"][1]),
        ("negative", charts.PALETTES["classic"][0])]
    assert "thicker" in key[2]["name"] and key[2]["line"]["width"] > key[0]["line"]["width"]
    fig = charts.weights_figure(trainer.layer_weights())
    titles = [axis["title"]["text"] for name, axis in fig["layout"].items()
              if name.startswith(("xaxis", "yaxis")) and "title" in axis]
    assert titles.count("weight") == len(trainer.layer_weights()) and "how many" in titles
