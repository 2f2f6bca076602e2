"""Oracles for the engine: finite differences, hand-derived optimizer steps, numeric edge cases."""

import math

import numpy as np
import pytest

from playground import activations
from playground.activations import ACTIVATIONS, OUTPUT_ACTIVATIONS, TANH_EXP_FORM_FROM
from playground.losses import LOSSES, PENALTIES, TASK_LOSSES, TASK_OUTPUT, output_activation
from playground.network import INITIALIZERS, MLP
from playground.optimizers import OPTIMIZERS, SGD, Adam, RMSprop

TASK_CASES = [(task, loss) for task, losses in TASK_LOSSES.items() for loss in losses]


def _batch(task, n=7, n_in=3, n_classes=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_in))
    if task == "binary":
        Y = rng.integers(0, 2, size=(n, 1)).astype(float)
    elif task == "multiclass":
        Y = np.eye(n_classes)[rng.integers(0, n_classes, size=n)]
    else:
        Y = rng.normal(size=(n, 1))
    return X, Y


def _net(task, activation, hidden=(4, 3), n_in=3, n_classes=3, seed=1, bias=0.1):
    n_out = n_classes if task == "multiclass" else 1
    net = MLP((n_in, *hidden, n_out), activation, TASK_OUTPUT[task], np.float64)
    net.initialize(np.random.default_rng(seed), "glorot_uniform", bias)
    return net


def _numeric_gradient(net, X, Y, loss, penalty, rate, h=1e-6):
    grad = np.empty_like(net.theta)
    for k in range(net.theta.size):
        keep = net.theta[k]
        net.theta[k] = keep + h
        up = net.loss(X, Y, loss, penalty, rate)
        net.theta[k] = keep - h
        down = net.loss(X, Y, loss, penalty, rate)
        net.theta[k] = keep
        grad[k] = (up - down) / (2 * h)
    return grad


@pytest.mark.parametrize("penalty,rate", [("none", 0.0), ("l1", 0.05), ("l2", 0.3)])
@pytest.mark.parametrize("task,loss", TASK_CASES)
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_backprop_matches_central_differences(activation, task, loss, penalty, rate):
    X, Y = _batch(task)
    net = _net(task, activation)
    value = net.loss_and_gradient(X, Y, loss, penalty, rate)
    analytic = net.grad.copy()
    numeric = _numeric_gradient(net, X, Y, loss, penalty, rate)
    assert value == pytest.approx(net.loss(X, Y, loss, penalty, rate), rel=1e-12)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


def test_gradient_check_with_no_hidden_layer():
    X, Y = _batch("binary")
    net = _net("binary", "tanh", hidden=())
    net.loss_and_gradient(X, Y, "bce")
    np.testing.assert_allclose(net.grad, _numeric_gradient(net, X, Y, "bce", "none", 0.0),
                               rtol=1e-6, atol=1e-8)


def test_parameters_are_views_of_one_flat_vector():
    net = _net("binary", "tanh")
    params = net.get_params()
    assert [p.shape for p in params] == [(3, 4), (4,), (4, 3), (3,), (3, 1), (1,)]
    params[0][0, 0] = 42.0  # a copy: the network is unchanged
    assert net.weights[0][0, 0] != 42.0
    net.set_params(params)
    assert net.theta[0] == 42.0 and net.weights[0][0, 0] == 42.0
    with pytest.raises(ValueError, match="parameter 1 must have shape"):
        net.set_params([params[0], np.zeros(5)] + params[2:])


def test_forward_equals_a_direct_computation():
    X, _ = _batch("multiclass")
    net = _net("multiclass", "relu")
    W0, b0, W1, b1, W2, b2 = net.get_params()
    h = np.maximum(X @ W0 + b0, 0)
    h = np.maximum(h @ W1 + b1, 0)
    z = h @ W2 + b2
    expected = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(net.forward(X), expected, rtol=1e-12)
    layers = net.forward_layers(X)
    np.testing.assert_allclose(layers[-1][0], z, rtol=1e-12)
    np.testing.assert_allclose(layers[-1][1], expected, rtol=1e-12)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_derivatives_match_differences(name):
    act = ACTIVATIONS[name]
    z = np.linspace(-4, 4, 81) + 0.0123  # avoid the kink at exactly 0
    h = 1e-6
    numeric = (act(z + h) - act(z - h)) / (2 * h)
    a = act(z)
    np.testing.assert_allclose(act.derivative(a, np.empty_like(a)), numeric, rtol=1e-5, atol=1e-8)


def test_sigmoid_and_softmax_are_stable_for_large_inputs():
    z = np.array([[-1000.0, 0.0, 1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = ACTIVATIONS["sigmoid"](z)
        p = OUTPUT_ACTIVATIONS["softmax"](np.array([[1000.0, 999.0, -1000.0]]))
    np.testing.assert_allclose(s, [[0.0, 0.5, 1.0]])
    assert np.isfinite(p).all() and p.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(p[0, :2], [1 / (1 + math.exp(-1)), 1 / (1 + math.exp(1))])


@pytest.mark.parametrize("forward", [ACTIVATIONS["tanh"].forward, activations._tanh_exp_form])
@pytest.mark.parametrize("dtype,tolerance", [(np.float32, 2e-7), (np.float64, 1e-15)])
def test_tanh_on_large_arrays_matches_numpy(forward, dtype, tolerance):
    # Where NumPy's tanh is slow, from TANH_EXP_FORM_FROM elements tanh is computed from exp
    # (checked on every machine, whichever form this one uses): compare with np.tanh in
    # float64, far out in both tails (where e^-2z overflows) and in place.
    z = np.concatenate([np.linspace(-30, 30, TANH_EXP_FORM_FROM),
                        [-1e30, -1e4, -45, 0.0, -0.0, 1e-30, 45, 1e4, 1e30]]).astype(dtype)
    expected = np.tanh(z.astype(np.float64))
    with np.errstate(all="raise"):
        got = forward(z, np.empty_like(z))
        np.testing.assert_allclose(got, expected, rtol=0, atol=tolerance)
        assert forward(z, z) is z  # in place
    np.testing.assert_allclose(z, expected, rtol=0, atol=tolerance)
    assert got[-1] == 1 and got[TANH_EXP_FORM_FROM] == -1


@pytest.mark.parametrize("name", ["bce", "cross_entropy", "mse", "mae"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_losses_are_finite_at_probabilities_0_and_1(name, dtype):
    loss = LOSSES[name]
    p = np.array([[0.0, 1.0], [1.0, 0.0]], dtype)
    for y in (np.array([[1.0, 0.0], [0.0, 1.0]], dtype), np.array([[0.0, 1.0], [1.0, 0.0]], dtype)):
        assert np.isfinite(loss.value(p, y))
        assert np.isfinite(loss.gradient(p, y)).all()
    # A confident mistake costs cross-entropy a lot more than a confident hit.
    if name in ("bce", "cross_entropy"):
        wrong = loss.value(p, np.array([[1.0, 0.0], [0.0, 1.0]], dtype))
        right = loss.value(p, np.array([[0.0, 1.0], [1.0, 0.0]], dtype))
        assert wrong > 10 and right < 1e-5


def test_losses_equal_their_formulas():
    p = np.array([[0.8], [0.3]])
    y = np.array([[1.0], [0.0]])
    bce = -(math.log(0.8) + math.log(0.7)) / 2
    assert LOSSES["bce"].value(p, y) == pytest.approx(bce)
    assert LOSSES["mse"].value(p, y) == pytest.approx((0.04 + 0.09) / 2)
    assert LOSSES["mae"].value(p, y) == pytest.approx((0.2 + 0.3) / 2)
    q = np.array([[0.7, 0.2, 0.1]])
    assert LOSSES["cross_entropy"].value(q, np.array([[0, 1.0, 0]])) == pytest.approx(-math.log(0.2))
    w = np.array([1.0, -2.0, 0.5])
    assert PENALTIES["l1"].value(w) == pytest.approx(3.5)
    assert PENALTIES["l2"].value(w) == pytest.approx(0.5 * 5.25)


def test_output_activation_follows_task_and_loss():
    assert output_activation("binary", "bce") == "sigmoid"
    assert output_activation("multiclass", "mse") == "softmax"
    assert output_activation("regression", "mae") == "linear"
    with pytest.raises(ValueError, match="loss for a regression task must be one of mse, mae"):
        output_activation("regression", "bce")


def test_initializers_draw_within_their_limits():
    for name in INITIALIZERS:
        net = MLP((2, 64, 64, 1), "relu", "sigmoid", np.float64)
        net.initialize(np.random.default_rng(0), name, bias=0.25)
        for W in net.weights:
            r = INITIALIZERS[name](*W.shape)
            assert np.abs(W).max() <= r and np.abs(W).max() > 0.9 * r
        assert all((b == 0.25).all() for b in net.biases)
    assert INITIALIZERS["glorot_uniform"](2, 8) == pytest.approx(math.sqrt(6 / 10))
    assert INITIALIZERS["he_uniform"](8, 8) == pytest.approx(math.sqrt(6 / 8))


# -- optimizers: three steps by hand --------------------------------------------------------------
GRADS = [0.5, -1.0, 2.0]


def _three_steps(optimizer):
    w = np.array([1.0])
    seen = []
    for g in GRADS:
        optimizer.step([w], [np.array([g])])
        seen.append(float(w[0]))
    return seen


def test_sgd_three_steps():
    assert _three_steps(SGD(lr=0.1)) == pytest.approx([0.95, 1.05, 0.85])


def test_momentum_three_steps():
    # v1 = -0.05; v2 = 0.9 v1 + 0.1 = 0.055; v3 = 0.9 v2 - 0.2 = -0.1505
    assert _three_steps(SGD(lr=0.1, momentum=0.9)) == pytest.approx([0.95, 1.005, 0.8545])


def test_nesterov_three_steps():
    # w += 0.9 v - 0.1 g with the same velocities as plain momentum
    expected = [1 - 0.045 - 0.05, 0.905 + 0.0495 + 0.1, 1.0545 - 0.13545 - 0.2]
    assert _three_steps(SGD(lr=0.1, momentum=0.9, nesterov=True)) == pytest.approx(expected)


def test_rmsprop_three_steps():
    s, w, expected = 0.0, 1.0, []
    for g in GRADS:
        s = 0.9 * s + 0.1 * g * g
        w -= 0.01 * g / (math.sqrt(s) + 1e-7)
        expected.append(w)
    assert expected[0] == pytest.approx(1 - 0.01 / math.sqrt(0.1))  # first step: lr / sqrt(1 - rho)
    assert _three_steps(RMSprop(lr=0.01, rho=0.9)) == pytest.approx(expected, rel=1e-12)


def test_adam_three_steps_with_bias_correction():
    m = v = 0.0
    w, expected = 1.0, []
    for t, g in enumerate(GRADS, start=1):
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        m_hat, v_hat = m / (1 - 0.9 ** t), v / (1 - 0.999 ** t)
        w -= 0.001 * m_hat / (math.sqrt(v_hat) + 1e-7)
        expected.append(w)
    steps = _three_steps(Adam(lr=0.001))
    # Thanks to bias correction the first step is lr whatever the gradient's size.
    assert steps[0] == pytest.approx(0.999, abs=1e-9)
    assert steps == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_optimizer_updates_a_list_in_place_and_keeps_state(name):
    settings = {"lr": 0.1, "momentum": 0.9, "rho": 0.9, "beta1": 0.9, "beta2": 0.999}
    opt = OPTIMIZERS[name](settings)
    params = [np.ones((2, 2)), np.zeros(3)]
    ids = [id(p) for p in params]
    opt.step(params, [np.full((2, 2), 0.5), np.full(3, -0.5)])
    assert [id(p) for p in params] == ids
    assert (params[0] < 1).all() and (params[1] > 0).all()
    # Its state: a second step with another gradient differs from a fresh optimizer's step from
    # the same weights, for every optimizer that averages (plain SGD has no state).
    fresh = OPTIMIZERS[name](settings)
    again, from_scratch = [p.copy() for p in params], [p.copy() for p in params]
    other = [np.full((2, 2), -0.2), np.full(3, 0.3)]
    opt.step(again, other)
    fresh.step(from_scratch, [g.copy() for g in other])
    same = all(np.allclose(a, b, rtol=1e-12, atol=0) for a, b in zip(again, from_scratch))
    assert same == (name == "sgd"), name
