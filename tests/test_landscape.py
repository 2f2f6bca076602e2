"""The loss landscape: directions, the slice against independent forward passes, the exact case."""

import numpy as np
import pytest

from playground import landscape
from playground.config import TrainConfig
from playground.landscape import (COLUMN_LOSSES, SliceJob, TwoWeightRun, exact_surface,
                                  grid_axis, kept_path, pca_directions, project,
                                  random_direction, two_weight_data)
from playground.losses import LOSSES
from playground.network import MLP
from playground.training import Trainer


def _trainer(epochs=15, **settings):
    cfg = dict(dataset="moons", noise=0.1, n_samples=200, hidden=(5, 4))
    cfg.update(settings)
    trainer = Trainer(TrainConfig(**cfg))
    trainer.run(epochs=epochs)
    return trainer


def _numpy_loss(trainer, theta):
    """Training loss written out in plain NumPy: tanh layers, sigmoid output, cross-entropy."""
    probe = MLP(trainer.model.sizes, "tanh", "sigmoid", np.float64)
    probe.theta[...] = theta
    params = probe.get_params()
    a = trainer.X_train.astype(np.float64)
    for W, b in zip(params[0:-2:2], params[1:-2:2]):
        a = np.tanh(a @ W + b)
    p = 1 / (1 + np.exp(-(a @ params[-2] + params[-1])))
    y = trainer.Y_train
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


# -- directions ------------------------------------------------------------------------------------
def test_filter_normalised_direction_matches_each_neurons_weight_norm():
    trainer = _trainer(epochs=3)
    model = trainer.model
    d = random_direction(model, np.random.default_rng(0), "filter")
    for block, part in zip(model.blocks, model.block_slices):
        D = d[part].reshape(block.shape)
        np.testing.assert_allclose(np.linalg.norm(D[:-1], axis=0),
                                   np.linalg.norm(block[:-1].astype(np.float64), axis=0),
                                   rtol=1e-10)
        assert not D[-1].any()  # biases are not perturbed


def test_layer_normalised_direction_matches_each_layers_weight_norm():
    model = _trainer(epochs=0).model
    d = random_direction(model, np.random.default_rng(1), "layer")
    for block, part in zip(model.blocks, model.block_slices):
        D = d[part].reshape(block.shape)
        assert np.linalg.norm(D[:-1]) == pytest.approx(np.linalg.norm(block[:-1]), rel=1e-6)


def test_directions_come_from_the_seed():
    model = _trainer(epochs=0).model
    a = random_direction(model, np.random.default_rng(5))
    b = random_direction(model, np.random.default_rng(5))
    c = random_direction(model, np.random.default_rng(6))
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    with pytest.raises(ValueError, match="filter"):
        random_direction(model, np.random.default_rng(0), "sideways")


def test_grid_axis_has_an_exact_zero_in_the_middle():
    axis = grid_axis(0.7, 31)
    assert axis[15] == 0.0 and axis[0] == -0.7 and axis[-1] == 0.7
    with pytest.raises(ValueError, match="odd"):
        grid_axis(1.0, 20)


def test_projection_recovers_coordinates_in_the_plane():
    rng = np.random.default_rng(2)
    centre, d1, d2 = rng.standard_normal((3, 50))
    thetas = np.stack([centre + 0.3 * d1 - 0.2 * d2, centre - 1.5 * d1 + 2.0 * d2])
    coords, captured = project(centre, d1, d2, thetas)
    np.testing.assert_allclose(coords, [[0.3, -0.2], [-1.5, 2.0]], atol=1e-12)
    assert captured == pytest.approx(1.0)
    off = thetas + rng.standard_normal(50)  # leaves the plane: less is captured
    assert project(centre, d1, d2, off)[1] < 1.0


def test_pca_directions_capture_what_they_explain():
    trainer = _trainer(epochs=20)
    epochs, thetas = kept_path(trainer)
    centre = trainer.model.theta
    d1, d2, explained = pca_directions(centre, thetas)
    assert d1 @ d2 == pytest.approx(0.0, abs=1e-10)
    assert np.linalg.norm(d1) == pytest.approx(1.0)
    coords, captured = project(centre, d1, d2, thetas)
    assert captured == pytest.approx(explained.sum(), rel=1e-9)
    assert coords[0, 0] < 0  # the start sits on the negative side of d1
    assert coords[-1] == pytest.approx([0.0, 0.0], abs=1e-9)


def test_pca_before_training_says_to_train_first():
    with pytest.raises(ValueError, match="train a few more epochs"):
        SliceJob(_trainer(epochs=0), "pca")


# -- the slice -----------------------------------------------------------------------------------
def test_centre_of_the_slice_is_the_current_training_loss():
    trainer = _trainer(epochs=12)
    job = SliceJob(trainer, "filter", resolution=5, span=0.5)
    job.finish()
    current = trainer.model.loss(trainer.X_train, trainer.Y_train, trainer.loss_name)
    assert job.centre_loss == current
    assert job.centre_loss == pytest.approx(trainer.history.last()["train_loss"], rel=1e-6)


def test_slice_points_match_an_independent_forward_pass():
    trainer = _trainer(epochs=8, dtype="float64")
    job = SliceJob(trainer, "layer", resolution=7, span=1.0, seed=3)
    job.finish()
    for j, i in [(0, 0), (2, 5), (6, 1)]:
        theta = job.centre + job.alphas[i] * job.d1 + job.betas[j] * job.d2
        assert job.loss[j, i] == pytest.approx(_numpy_loss(trainer, theta), rel=1e-9)


def test_the_slice_includes_the_weight_penalty_the_optimizer_sees():
    trainer = _trainer(epochs=5, penalty="l2", penalty_rate=0.01)
    job = SliceJob(trainer, "filter", resolution=3)
    job.finish()
    data = trainer.model.loss(trainer.X_train, trainer.Y_train, trainer.loss_name)
    weights = trainer.model.theta[trainer.model.weight_mask == 1].astype(np.float64)
    assert job.centre_loss == pytest.approx(data + 0.01 * 0.5 * weights @ weights, rel=1e-5)


def test_the_path_losses_are_the_losses_the_run_recorded():
    trainer = _trainer(epochs=10)
    job = SliceJob(trainer, "pca", resolution=3)
    job.finish()
    recorded = trainer.history["train_loss"][job.path_epochs]
    np.testing.assert_allclose(job.path_loss, recorded, rtol=1e-6)


def test_run_is_time_boxed_and_resumes_where_it_stopped():
    trainer = _trainer(epochs=4)
    job = SliceJob(trainer, "filter", resolution=5)
    assert job.total == 25 + len(job.path_loss)
    assert job.run(seconds=0.0) == 1  # a zero budget still makes progress: one point
    assert np.count_nonzero(np.isfinite(job.loss)) == 1 and job.can_train
    assert job.run(epochs=3) == 3 and np.count_nonzero(np.isfinite(job.loss)) == 4
    while job.run(seconds=0.0):
        pass
    assert job.done and not job.can_train and np.isfinite(job.loss).all() and job.progress == 1.0


def test_the_slice_is_frozen_at_the_epoch_it_was_made():
    trainer = _trainer(epochs=4)
    job = SliceJob(trainer, "filter", resolution=3)
    before = trainer.model.loss(trainer.X_train, trainer.Y_train, trainer.loss_name)
    trainer.run(epochs=5)  # the trainer goes on; the job keeps its own copy of the weights
    job.finish()
    assert job.epoch == 4 and job.centre_loss == before


# -- the exact two-weight model --------------------------------------------------------------------
@pytest.mark.parametrize("name", ["bce", "mse", "mae"])
def test_column_losses_equal_the_engine_loss_per_column(name):
    rng = np.random.default_rng(4)
    P = rng.uniform(0, 1, (30, 6))
    P[0, 0], P[1, 1] = 0.0, 1.0  # the clipped edges
    Y = rng.integers(0, 2, (30, 1)).astype(float)
    got = COLUMN_LOSSES[name](P, Y)
    for g in range(6):
        assert got[g] == pytest.approx(LOSSES[name].value(P[:, g:g + 1], Y), rel=1e-12)


def test_exact_surface_is_the_logistic_loss_of_the_two_weights():
    X, Y, task = two_weight_data("gauss")
    assert task == "binary" and X.shape == (160, 2)
    w1s, w2s = np.linspace(-3, 3, 7), np.linspace(-2, 2, 5)
    Z = exact_surface(X, Y, "sigmoid", "bce", w1s, w2s)
    for j, i in [(0, 0), (2, 3), (4, 6)]:
        p = 1 / (1 + np.exp(-(X @ [w1s[i], w2s[j]])))
        direct = -np.mean(Y[:, 0] * np.log(p) + (1 - Y[:, 0]) * np.log(1 - p))
        assert Z[j, i] == pytest.approx(direct, rel=1e-10)


def test_exact_surface_of_regression_is_a_bowl_with_its_least_squares_bottom():
    X, Y, task = two_weight_data("plane", label_noise=0.0)
    assert task == "regression"
    best = np.linalg.lstsq(X, Y[:, 0], rcond=None)[0]
    ws = np.linspace(-1, 1, 201)
    Z = exact_surface(X, Y, "linear", "mse", ws, ws)
    j, i = np.unravel_index(np.argmin(Z), Z.shape)
    assert abs(ws[i] - best[0]) <= 0.01 and abs(ws[j] - best[1]) <= 0.01


def test_a_full_batch_step_is_the_hand_derived_gradient_step():
    X, Y, _ = two_weight_data("gauss")
    run = TwoWeightRun(X, Y, loss="bce", optimizer="sgd", settings={"lr": 0.5},
                       start=(1.0, -2.0))
    run.run_epoch()
    w0 = np.array([1.0, -2.0])
    p = 1 / (1 + np.exp(-(X @ w0)))
    expected = w0 - 0.5 * X.T @ (p - Y[:, 0]) / len(X)  # d(mean BCE)/dw = X^T (p - y) / n
    np.testing.assert_allclose(run.weights, expected, rtol=1e-12)
    assert run.model.biases[0][0] == 0.0
    np.testing.assert_array_equal(run.path, [w0, expected])


def test_full_batch_descent_walks_downhill_on_the_exact_surface():
    X, Y, _ = two_weight_data("gauss")
    run = TwoWeightRun(X, Y, loss="bce", optimizer="sgd", settings={"lr": 0.3},
                       start=(3.0, 3.5))
    run.run(epochs=60)
    path = run.path
    losses = COLUMN_LOSSES["bce"](1 / (1 + np.exp(-(X @ path.T))), Y)
    assert np.all(np.diff(losses) <= 1e-12)
    assert losses[-1] < 0.5 * losses[0]
    assert run.model.biases[0][0] == 0.0


def test_mini_batches_record_every_step_and_a_huge_rate_diverges_safely():
    X, Y, task = two_weight_data("plane")
    run = TwoWeightRun(X, Y, task=task, loss="mse", settings={"lr": 0.01}, batch_size=10)
    run.run(epochs=2)
    assert run.step_count == 2 * 16 and len(run.path) == 33
    wild = TwoWeightRun(X, Y, task=task, loss="mse", settings={"lr": 10.0}, batch_size=1,
                        start=(0.5, 0.5))
    wild.run(epochs=20)
    assert wild.status == "diverged" and np.isfinite(wild.path).all()
    # Stopped as soon as a step left +-WEIGHT_LIMIT, not ~60 epochs later at inf: the surface
    # around the kept path must stay drawable.
    assert np.abs(wild.path).max() <= TwoWeightRun.WEIGHT_LIMIT
    assert np.isfinite(exact_surface(X, Y, wild.output, "mse", *[np.linspace(-1e3, 1e3, 5)] * 2)).all()
    # The full-batch version of the helper's case: plane data, lr 10, Play.
    full = TwoWeightRun(X, Y, task=task, loss="mse", settings={"lr": 10.0}, start=(3.0, 3.5))
    assert full.run(epochs=2000) < 60 and full.status == "diverged"


def test_the_drawn_box_holds_the_whole_path_in_steps_of_two():
    X, Y, _ = two_weight_data("gauss")
    run = TwoWeightRun(X, Y, start=(1.0, -0.5))
    assert run.box() == 4.0  # at least 4
    run._path.append(np.array([5.3, 0.0]))  # 5.3 * 1.15 = 6.095: the next even number is 8
    assert run.box() == 8.0 and run.box(least=10.0) == 10.0


def test_the_surface_and_the_path_losses_are_the_direct_losses_and_survive_thinning():
    X, Y, _ = two_weight_data("gauss")
    run = TwoWeightRun(X, Y, loss="bce", settings={"lr": 0.3}, batch_size=10, start=(3.0, 3.5))
    ws, surface = run.surface(4.0, resolution=9)
    np.testing.assert_array_equal(surface, exact_surface(X, Y, "sigmoid", "bce", ws, ws))
    assert run.surface(4.0, resolution=9)[1] is surface  # kept while box and resolution stay

    def direct():
        return COLUMN_LOSSES["bce"](1 / (1 + np.exp(-(X @ run.path.T))), Y)

    run.run(epochs=3)
    np.testing.assert_allclose(run.path_losses(), direct(), rtol=1e-12)
    run.run(epochs=300)  # thinned past MAX_PATH: the kept steps' losses still match
    assert run.step_count + 1 > landscape.MAX_PATH >= len(run.path)
    np.testing.assert_allclose(run.path_losses(), direct(), rtol=1e-12)
