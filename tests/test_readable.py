"""The readable twin agrees with the fast engine to float64 rounding.

playground/readable.py is the maths written one formula a line; here it is the oracle for the
fast network (every hidden activation x every task's losses, with and without a weight penalty)
and for every optimizer's steps.
"""

import numpy as np
import pytest

from playground import readable
from playground.activations import ACTIVATIONS
from playground.losses import TASK_LOSSES, TASK_OUTPUT
from playground.network import MLP
from playground.optimizers import OPTIMIZERS

PAIRS = [(task, loss) for task, losses in TASK_LOSSES.items() for loss in losses]


def _batch(task, rng, n=16):
    X = rng.normal(size=(n, 3))
    if task == "binary":
        Y = rng.integers(0, 2, size=(n, 1)).astype(float)
    elif task == "multiclass":
        Y = np.eye(3)[rng.integers(0, 3, size=n)]
    else:
        Y = rng.normal(size=(n, 1))
    return X, Y


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
@pytest.mark.parametrize("task, loss", PAIRS)
@pytest.mark.parametrize("penalty", ["none", "l2", "l1"])
def test_the_readable_backward_pass_is_the_engines(activation, task, loss, penalty):
    rng = np.random.default_rng(0)
    X, Y = _batch(task, rng)
    output = TASK_OUTPUT[task]
    model = MLP((3, 5, 4, Y.shape[1]), activation, output, np.float64)
    model.initialize(rng)
    rate = 0.01 if penalty != "none" else 0.0
    value = model.loss_and_gradient(X, Y, loss, penalty, rate)
    params = list(zip(model.weights, model.biases))
    grads = readable.backward(params, X, Y, activation, output, loss, penalty, rate)
    mine = [g for pair in grads for g in pair]
    for fast, plain in zip(model.get_gradients(), mine):
        np.testing.assert_allclose(fast, plain, rtol=1e-9, atol=1e-13)
    _, acts = readable.forward(params, X, activation, output)
    np.testing.assert_allclose(model.forward(X), acts[-1], rtol=1e-12, atol=1e-15)
    data_loss = readable.LOSSES[loss][0](acts[-1], Y)
    assert value == pytest.approx(data_loss + rate * model.penalty_value(penalty), rel=1e-12)


SETTINGS = {"lr": 0.05, "momentum": 0.9, "rho": 0.9, "beta1": 0.9, "beta2": 0.999}


def _readable_steps(name, w, grads):
    s = SETTINGS
    state = [np.zeros_like(w), np.zeros_like(w)]
    for t, g in enumerate(grads, start=1):
        if name == "sgd":
            w = readable.sgd_step(w, g, s["lr"])
        elif name in ("momentum", "nesterov"):
            w, state[0] = readable.momentum_step(w, g, state[0], s["lr"], s["momentum"],
                                                 nesterov=name == "nesterov")
        elif name == "rmsprop":
            w, state[0] = readable.rmsprop_step(w, g, state[0], s["lr"], s["rho"], 1e-7)
        else:
            w, state[0], state[1] = readable.adam_step(w, g, state[0], state[1], t, s["lr"],
                                                       s["beta1"], s["beta2"], 1e-7)
    return w


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_optimizer_takes_the_readable_steps(name):
    rng = np.random.default_rng(1)
    w0 = rng.normal(size=7)
    grads = [rng.normal(size=7) for _ in range(5)]
    fast, w = OPTIMIZERS[name](SETTINGS), w0.copy()
    for g in grads:
        fast.step([w], [g])
    np.testing.assert_allclose(w, _readable_steps(name, w0.copy(), grads), rtol=1e-12,
                               atol=1e-15)
    assert not np.allclose(w, w0)  # the steps did move the weights
