"""The maths of "Inside the network" and the plane helpers, against direct NumPy computations."""

import numpy as np
import pytest

from playground import inside
from playground.config import TrainConfig
from playground.datasets import load_catdog
from playground.training import Trainer, plane_bounds, plane_raw


def _trainer(hidden=(3, 2), **settings):
    cfg = dict(dataset="moons", noise=0.1, n_samples=200, hidden=hidden, activation="tanh",
               dtype="float64")
    cfg.update(settings)
    trainer = Trainer(TrainConfig(**cfg))
    trainer.run(epochs=5)
    return trainer


def _by_hand(trainer, inputs):
    """Each layer's activation for network inputs, written out: tanh layers, sigmoid output."""
    a, outs = inputs, []
    for k, (W, b) in enumerate(zip(trainer.model.weights, trainer.model.biases)):
        z = a @ W + b
        a = 1 / (1 + np.exp(-z)) if k == trainer.model.n_layers - 1 else np.tanh(z)
        outs.append(a)
    return outs


def test_the_plane_bounds_pad_all_the_data_by_five_percent():
    trainer = _trainer()
    X = np.vstack([trainer.dataset.X_train, trainer.dataset.X_test])
    x0, x1, y0, y1 = plane_bounds(trainer.dataset)
    span = X.max(axis=0) - X.min(axis=0)
    assert x0 == pytest.approx(X[:, 0].min() - 0.05 * span[0])
    assert y1 == pytest.approx(X[:, 1].max() + 0.05 * span[1])
    assert trainer.plane_bounds() == (x0, x1, y0, y1)


def test_plane_rows_hold_the_other_features_at_their_training_median():
    table = load_catdog()
    trainer = Trainer(TrainConfig(dataset="catdog", columns=tuple(table.columns[2:6]),
                                  hidden=(4,)))
    points = np.array([[1.0, 2.0], [3.0, 4.0]])
    raw = plane_raw(trainer.dataset, points, axes=(1, 3))
    median = np.median(trainer.dataset.X_train, axis=0)
    assert np.array_equal(raw[:, [1, 3]], points)
    assert np.array_equal(raw[:, [0, 2]], np.tile(median[[0, 2]], (2, 1)))
    np.testing.assert_array_equal(trainer.plane_inputs(points, (1, 3)), trainer.transform(raw))


def test_the_grid_is_the_network_on_the_plane_inputs():
    trainer = _trainer()
    grid = trainer.grid(7)
    gx, gy = np.meshgrid(grid.xs, grid.ys)
    direct = trainer.model.forward(trainer.plane_inputs(np.column_stack([gx.ravel(), gy.ravel()])))
    np.testing.assert_allclose(grid.values, direct[:, 0].reshape(7, 7), rtol=1e-12)


def test_every_layer_over_the_plane_is_a_forward_pass_by_hand():
    trainer = _trainer()
    xs, ys, values = inside.layers_on_plane(trainer, resolution=6)
    assert [v.shape for v in values] == [(3, 6, 6), (2, 6, 6), (1, 6, 6)]
    for j, i in [(0, 0), (2, 5), (5, 3)]:
        hand = _by_hand(trainer, trainer.plane_inputs(np.array([[xs[i], ys[j]]])))
        for layer, acts in enumerate(values):
            np.testing.assert_allclose(acts[:, j, i], hand[layer][0], rtol=1e-9, atol=1e-12)


def test_thumbnail_colour_ranges_and_hover():
    trainer = _trainer(activation="relu")
    _, _, values = inside.layers_on_plane(trainer, resolution=5)
    rows = inside.thumbnail_rows(trainer, values)
    reach = float(np.abs(values[0]).max())
    assert rows[0]["zrange"] == (-reach, reach)  # ReLU is unbounded: the layer's own reach
    assert rows[-1]["zrange"] == (0.0, 1.0) and rows[-1]["label"] == "output"
    bias = float(trainer.model.biases[0][1])
    assert f"bias {bias:.3g}" in rows[0]["hover"][1] and "neuron 2" in rows[0]["hover"][1]
    assert "P(class 1)" in rows[-1]["hover"][0]


def test_the_plane_lines_run_straight_across_the_bounds():
    lines = inside.plane_lines((0.0, 2.0, -1.0, 1.0), lines=3, points=5)
    assert lines.shape == (2 * 3 * 5, 2)
    first = lines[:5]  # the first vertical: x = 0, y from -1 to 1
    assert np.all(first[:, 0] == 0.0) and np.allclose(first[:, 1], np.linspace(-1, 1, 5))
    last = lines[-5:]  # the last horizontal: y = 1, x from 0 to 2
    assert np.all(last[:, 1] == 1.0) and np.allclose(last[:, 0], np.linspace(0, 2, 5))


def test_a_two_neuron_layer_is_drawn_in_its_own_coordinates_with_the_output_boundary():
    trainer = _trainer(hidden=(3, 2))
    lines, points, titles, boundary = inside.warp(trainer, layer=1, dims=2)
    hand = _by_hand(trainer, trainer.X_train)
    np.testing.assert_allclose(points, hand[1], rtol=1e-9)
    corner = np.array([[trainer.plane_bounds()[0], trainer.plane_bounds()[2]]])
    np.testing.assert_allclose(lines[0, 0], _by_hand(trainer, trainer.plane_inputs(corner))[1][0],
                               rtol=1e-9)
    assert titles == ("neuron 1", "neuron 2")
    w, b = boundary
    np.testing.assert_array_equal(w, trainer.model.weights[-1][:, 0])
    assert b == trainer.model.biases[-1][0]


def test_a_wide_layer_is_projected_onto_its_directions_of_most_spread():
    trainer = _trainer(hidden=(5,))
    _, points, titles, boundary = inside.warp(trainer, layer=0, dims=2)
    acts = _by_hand(trainer, trainer.X_train)[0]
    eigen = np.sort(np.linalg.eigvalsh(np.cov(acts.T)))[::-1]
    # The projection keeps the two largest variances, in order, and nothing between them.
    cov = np.cov(points.T)
    np.testing.assert_allclose(np.diag(cov), eigen[:2], rtol=1e-8)
    assert abs(cov[0, 1]) < 1e-10 * eigen[0]
    share = eigen[0] / eigen.sum()
    assert titles[0] == f"direction 1 ({share:.0%} of the spread)" and boundary is None


def test_the_colour_range_of_the_points():
    assert inside.colour_range(_trainer()) == (-1.0, 1.0)
    reg = _trainer(dataset="plane", hidden=(3,))
    reach = float(np.abs(reg.dataset.y_train).max())
    assert inside.colour_range(reg) == (-reach, reach)
