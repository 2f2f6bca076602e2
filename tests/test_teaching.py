"""teaching: one animal's forward pass, loss and SGD step, checked against independent oracles.

Oracles: NumPy in float64 for the forward pass, the hand-written loss formulas, central finite
differences for the gradient, ``optimizers.SGD`` and ``W - lr * grad`` for the update, and the
Trainer itself (one epoch of SGD with batch size 1 is a sequence of single-example steps).
"""

import itertools
import pathlib
import subprocess
import sys

import numpy as np
import plotly.graph_objects as go
import pytest

from playground import charts_catdog, teaching
from playground.config import TrainConfig
from playground.datasets import CATDOG_FEATURES, Dataset
from playground.optimizers import SGD
from playground.training import Trainer

BASE = TrainConfig(dataset="catdog", hidden=(8,), optimizer="adam", lr=0.01, batch_size=10,
                   epochs=300)


@pytest.fixture(scope="module")
def trained():
    trainer = Trainer(BASE)
    trainer.run(epochs=30)
    return trainer


def _tanh_forward(trainer, x_raw):
    """The network by hand in float64: standardise, then tanh layers and a sigmoid output."""
    x = (np.asarray(x_raw, float) - trainer.scaler.mean_) / trainer.scaler.scale_
    a = x[None, :]
    out = []
    for i, (W, b) in enumerate(zip(trainer.model.weights, trainer.model.biases)):
        z = a @ W.astype(float) + b.astype(float)
        a = 1 / (1 + np.exp(-z)) if i == trainer.model.n_layers - 1 else np.tanh(z)
        out.append((z[0], a[0]))
    return x, out


# -- forward pass ---------------------------------------------------------------------------------
def test_forward_breakdown_matches_numpy_and_predict(trained):
    x_raw = trained.dataset.X_test[7]
    fwd = teaching.forward_breakdown(trained, x_raw)
    scaled, layers = _tanh_forward(trained, x_raw)
    np.testing.assert_allclose(fwd.raw, x_raw)
    np.testing.assert_allclose(fwd.scaled, scaled, rtol=1e-5, atol=1e-6)
    assert [layer.activation for layer in fwd.layers] == ["tanh", "sigmoid"]
    for got, (z, a) in zip(fwd.layers, layers):
        np.testing.assert_allclose(got.z, z, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(got.a, a, rtol=1e-4, atol=1e-5)
    assert fwd.p_dog == pytest.approx(float(trained.predict(x_raw[None])[0, 0]), abs=1e-6)
    assert sum(fwd.probabilities) == pytest.approx(1.0)


def test_forward_breakdown_uses_the_given_model(trained):
    twin = teaching.copy_model(trained.model)
    twin.theta[:] = 0  # every z is 0: hidden a = tanh(0) = 0, output sigmoid(0) = 0.5
    fwd = teaching.forward_breakdown(trained, trained.dataset.X_test[0], twin)
    assert fwd.p_dog == pytest.approx(0.5)
    assert np.all(fwd.layers[0].a == 0)
    assert not np.all(trained.model.theta == 0)  # the copy shares no memory


# -- loss -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("p, label", [(0.75, 1), (0.75, 0), (0.02, 1), (0.5, 0)])
def test_loss_lines_match_the_formulas(p, label):
    lines = {line.name: line for line in teaching.loss_lines(p, label, "bce")}
    assert set(lines) == {"bce", "mse"}
    expected_bce = -np.log(p) if label == 1 else -np.log(1 - p)
    assert lines["bce"].value == pytest.approx(expected_bce, rel=1e-9)
    assert lines["mse"].value == pytest.approx((p - label) ** 2, rel=1e-9)
    assert lines["bce"].in_use and not lines["mse"].in_use
    # The filled formula shows this example's numbers.
    assert f"{p:.4g}" in lines["bce"].filled and f"{p:.4g}" in lines["mse"].filled
    assert lines["mse"].filled == f"({p:.4g} − {label})²"
    kept = f"−log {p:.4g}" if label == 1 else f"−log(1 − {p:.4g})"
    assert lines["bce"].filled.endswith(kept)


# -- one SGD step ----------------------------------------------------------------------------------
def test_step_is_w_minus_lr_grad_and_is_what_sgd_does(trained):
    model = teaching.copy_model(trained.model)
    x, y, lr = trained.dataset.X_test[3], int(trained.dataset.y_test[3]), 0.3
    step = teaching.one_example_step(trained, x, y, lr, model=model)
    for before, grad, change, after in zip(step.before, step.gradient, step.change, step.after):
        np.testing.assert_allclose(after, before.astype(float) - lr * grad.astype(float),
                                   rtol=1e-5, atol=1e-7)
        np.testing.assert_array_equal(change, after - before)
        by_sgd = [before.copy()]
        SGD(lr).step(by_sgd, [grad])
        np.testing.assert_array_equal(by_sgd[0], after)
    # The model the step acted on now holds the "after" weights.
    for block, after in zip(model.blocks, step.after):
        np.testing.assert_array_equal(block, after)
    # The readable twin, in float64, gives the gradient the engine computed in float32.
    for fast, plain in zip(step.gradient, step.readable_gradient):
        assert plain.shape == fast.shape
        np.testing.assert_allclose(fast, plain, rtol=1e-4, atol=1e-6 * np.abs(plain).max())


def test_step_leaves_the_trained_network_alone_when_given_a_copy(trained):
    kept = trained.model.theta.copy()
    model = teaching.copy_model(trained.model)
    teaching.one_example_step(trained, trained.dataset.X_train[0], 1, 0.5, model=model)
    np.testing.assert_array_equal(trained.model.theta, kept)
    assert not np.array_equal(model.theta, kept)


@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_single_example_gradient_matches_finite_differences(loss):
    trainer = Trainer(BASE.replace(dtype="float64", hidden=(5,), loss=loss))
    trainer.run(epochs=3)
    x_raw, label = trainer.dataset.X_test[11], int(trainer.dataset.y_test[11])
    model = teaching.copy_model(trainer.model)
    theta = model.theta.copy()
    step = teaching.one_example_step(trainer, x_raw, label, 1e-3, model=model)
    grad = np.concatenate([g.ravel() for g in step.gradient])
    x = trainer.transform(x_raw[None])
    y = np.array([[label]], float)
    probe, h = teaching.copy_model(trainer.model), 1e-6
    numeric = np.empty_like(theta)
    for k in range(theta.size):
        probe.theta[:] = theta
        probe.theta[k] += h
        up = probe.loss(x, y, loss)
        probe.theta[k] -= 2 * h
        numeric[k] = (up - probe.loss(x, y, loss)) / (2 * h)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)


def test_an_epoch_of_sgd_with_batch_one_is_a_sequence_of_single_example_steps():
    """The step the page shows is the step training takes: the Trainer's own epoch is the oracle.

    With optimizer 'sgd' and batch size 1, an epoch visits the training animals in the order the
    trainer's batch-order generator draws (``default_rng([init_seed, 1])``) and takes one step on
    each.
    """
    full = Trainer(BASE).dataset
    n = 7
    data = Dataset(key="catdog", task="binary", X_train=full.X_train[:n],
                   y_train=full.y_train[:n], X_test=full.X_test[:n], y_test=full.y_test[:n],
                   feature_names=full.feature_names, class_names=full.class_names)
    cfg = BASE.replace(optimizer="sgd", lr=0.2, batch_size=1, init_seed=5)
    trainer = Trainer(cfg, dataset=data)
    model = teaching.copy_model(trainer.model)
    order = np.random.default_rng([cfg.init_seed, 1]).permutation(n)
    for i in order:
        teaching.one_example_step(trainer, data.X_train[i], int(data.y_train[i]), cfg.lr,
                                  model=model)
    trainer.run(epochs=1)
    np.testing.assert_allclose(model.theta, trainer.model.theta, rtol=1e-6, atol=1e-7)
    assert not np.allclose(model.theta, teaching.copy_model(Trainer(cfg, data).model).theta)


@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_a_small_step_moves_every_animal_toward_its_label(loss):
    trainer = Trainer(BASE.replace(loss=loss))
    data = trainer.dataset
    for x, y in itertools.chain(zip(data.X_train, data.y_train), zip(data.X_test, data.y_test)):
        model = teaching.copy_model(trainer.model)
        step = teaching.one_example_step(trainer, x, int(y), 0.01, model=model)
        assert step.p_label_after > step.p_label_before
        assert step.loss_after < step.loss_before


def test_repeated_steps_keep_moving_toward_the_label(trained):
    model = teaching.copy_model(trained.model)
    x, label = trained.dataset.X_test[0], 1 - int(trained.dataset.y_test[0])  # the wrong label
    p = [teaching.one_example_step(trained, x, label, 0.1, model=model).p_label_after
         for _ in range(5)]
    assert all(b > a for a, b in zip(p, p[1:]))


def test_step_refuses_a_bad_label_or_rate(trained):
    with pytest.raises(ValueError, match="label"):
        teaching.one_example_step(trained, trained.dataset.X_test[0], 2, 0.1)
    for lr in (0.0, -0.1, float("nan")):
        with pytest.raises(ValueError, match="learning rate"):
            teaching.one_example_step(trained, trained.dataset.X_test[0], 1, lr)


def test_block_names_label_rows_and_columns(trained):
    assert teaching.block_row_names(trained, 0) == list(CATDOG_FEATURES) + ["bias"]
    assert teaching.block_column_names(trained, 0) == [f"h1.{k}" for k in range(1, 9)]
    assert teaching.block_row_names(trained, 1) == [f"h1.{k}" for k in range(1, 9)] + ["bias"]
    assert teaching.block_column_names(trained, 1) == ["output"]


# -- results ----------------------------------------------------------------------------------------
def test_confusion_counts_pairs_and_sums_to_the_set_size():
    counts = teaching.confusion([0, 0, 1, 1, 1], [0, 1, 1, 1, 0])
    np.testing.assert_array_equal(counts, [[1, 1], [1, 2]])
    with pytest.raises(ValueError):
        teaching.confusion([0, 1], [0])


def test_confusions_agree_with_the_trainers_accuracy(trained):
    matrices = teaching.confusions(trained)
    last = trained.history.last()
    for split, y in (("train", trained.dataset.y_train), ("test", trained.dataset.y_test)):
        m = matrices[split]
        assert m.sum() == len(y)
        np.testing.assert_array_equal(m.sum(axis=1), np.bincount(y, minlength=2))
        assert np.trace(m) / m.sum() == pytest.approx(last[f"{split}_accuracy"])


def test_most_wrong_lists_the_lowest_true_class_probabilities(trained):
    rows = teaching.most_wrong(trained, k=12)
    assert len(rows) == 12
    assert [r.p_label for r in rows] == sorted(r.p_label for r in rows)
    everyone = np.concatenate([
        np.where(trained.dataset.y_train == 1, teaching.p_dog(trained, "train"),
                 1 - teaching.p_dog(trained, "train")),
        np.where(trained.dataset.y_test == 1, teaching.p_dog(trained, "test"),
                 1 - teaching.p_dog(trained, "test"))])
    assert rows[-1].p_label <= np.sort(everyone)[11] + 1e-12
    errors = int(np.sum(everyone < 0.5))
    assert sum(r.p_label < 0.5 for r in rows) == min(12, errors)
    for r in rows:
        names = trained.dataset.names_test if r.split == "test" else trained.dataset.names_train
        assert r.name == names[r.index]


# -- typed-in measurements ----------------------------------------------------------------------
@pytest.mark.parametrize("text, value", [("4.5", 4.5), ("  4.5 ", 4.5), ("4,5", 4.5),
                                         ("1e1", 10.0), ("-3", -3.0), ("0", 0.0)])
def test_parse_number_reads_plain_numbers(text, value):
    assert teaching.parse_number(text) == value


@pytest.mark.parametrize("text, says", [("", "empty"), ("   ", "empty"), ("abc", "not a number"),
                                        ("2+2", "not a number"), ("4,5,6", "not a number"),
                                        ("__import__('os')", "not a number"),
                                        ("nan", "not a finite"), ("inf", "not a finite"),
                                        ("1e308", r"beyond ±1e\+30"), ("1_000", "separator"),
                                        ("١٢٣", "digits other than 0-9"),
                                        ("0x10", "another base"), ("1,000", "could mean")])
def test_parse_number_refuses_everything_else(text, says):
    with pytest.raises(ValueError, match=says):
        teaching.parse_number(text)


def test_parse_measurements_names_each_bad_field():
    values, errors = teaching.parse_measurements(["4", "x", ""], ["a", "b_cm", "c_kg"],
                                                 charts_catdog.feature_label)
    assert values is None
    assert len(errors) == 2
    assert errors[0].startswith("b (cm)") and "not a number" in errors[0]
    assert errors[1].startswith("c (kg)") and "empty" in errors[1]
    values, errors = teaching.parse_measurements(["4", "5.5"], ["a", "b"])
    np.testing.assert_array_equal(values, [4.0, 5.5])
    assert errors == []


def test_outside_seen_flags_only_values_beyond_the_training_range(trained):
    X = trained.dataset.X_train
    inside = np.median(X, axis=0)
    assert teaching.outside_seen(trained, inside) == []
    probe = inside.copy()
    probe[0] = X[:, 0].max() + 1
    probe[3] = -1.0
    flagged = teaching.outside_seen(trained, probe)
    assert [o.feature for o in flagged] == [CATDOG_FEATURES[0], CATDOG_FEATURES[3]]
    assert flagged[0].high == X[:, 0].max() and flagged[1].low == X[:, 3].min()


# -- figures ----------------------------------------------------------------------------------------
def test_figures_are_valid_and_carry_their_numbers(trained):
    data = trained.dataset
    pair = charts_catdog.pair_figure(data.X_train, data.y_train, data.feature_names,
                                     data.class_names, names=data.names_train)
    go.Figure(pair)
    assert [len(t["dimensions"][0]["values"]) for t in pair["data"]] == list(
        np.bincount(data.y_train))
    matrices = teaching.confusions(trained)
    conf = charts_catdog.confusion_figure(matrices, data.class_names)
    go.Figure(conf)
    assert conf["data"][1]["text"][1][1].startswith(str(matrices["test"][1, 1]))
    bars = charts_catdog.probability_figure([("before", 0.3), ("after", 0.4)], ("cat", "dog"))
    go.Figure(bars)
    np.testing.assert_allclose(bars["data"][0]["x"] + bars["data"][1]["x"], 1.0, rtol=1e-6)
    np.testing.assert_allclose(bars["data"][1]["x"], [0.3, 0.4], rtol=1e-6)
    step = teaching.one_example_step(trained, data.X_test[0], 1, 0.1,
                                     model=teaching.copy_model(trained.model))
    for i in range(2):
        fig = charts_catdog.step_figure(step.before[i], step.gradient[i], step.change[i],
                                        step.after[i], teaching.block_row_names(trained, i),
                                        teaching.block_column_names(trained, i), lr=0.1)
        go.Figure(fig)
        np.testing.assert_array_equal(fig["data"][1]["z"], step.gradient[i])
        np.testing.assert_array_equal(fig["data"][3]["z"], step.after[i])
    go.Figure(charts_catdog.trajectory_figure([0.3, 0.35, 0.4], "dog"))


def test_step_figure_writes_short_numbers_in_the_cells():
    before = np.array([[1.23456, -0.5], [0.0, 2.0]], np.float32)
    gradient = np.array([[0.0, 2.5e-6], [-0.0123, 1.0]], np.float32)
    fig = charts_catdog.step_figure(before, gradient, -0.1 * gradient, before - 0.1 * gradient,
                                    ["x", "bias"], ["u", "v"], lr=0.1)
    assert fig["data"][0]["text"] == [["1.23", "-0.5"], ["0", "2"]]
    assert fig["data"][1]["text"] == [["0", "2.5e-06"], ["-0.0123", "1"]]
    assert len(fig["data"]) == 4 and fig["layout"]["annotations"][2]["text"].startswith("change")


def test_feature_label():
    assert charts_catdog.feature_label("body_mass_kg") == "body mass (kg)"
    assert charts_catdog.feature_label("tail_length_cm") == "tail length (cm)"
    assert charts_catdog.feature_label("h1.3") == "h1.3"


def test_engine_side_modules_do_not_import_streamlit():
    code = ("import sys, playground.teaching, playground.charts_catdog; "
            "print('streamlit' in sys.modules)")
    # From the repository's root, wherever pytest was started: that is where playground/ is.
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=pathlib.Path(__file__).resolve().parent.parent)
    assert out.stdout.strip() == "False"


# -- the page's claim: a hidden layer beats the best straight line on any two features ---------
def test_all_features_with_a_hidden_layer_beat_the_best_linear_pair():
    mlp = Trainer(BASE)
    mlp.run(epochs=BASE.epochs)
    network = mlp.history.last()["test_accuracy"]
    assert teaching.confusions(mlp)["test"].sum() == len(mlp.dataset.y_test)
    linear = {}
    for pair in itertools.combinations(CATDOG_FEATURES, 2):
        t = Trainer(BASE.replace(columns=pair, hidden=()))
        t.run(epochs=BASE.epochs)
        linear[pair] = t.history.last()["test_accuracy"]
    best = max(linear, key=linear.get)
    print(f"\nall six features, hidden (8,): test accuracy {network:.3f}; best linear pair "
          f"{best}: {linear[best]:.3f}")
    assert network > linear[best] + 0.1
