"""The engine's maths written to be read: a forward pass, a backward pass and the optimizer steps.

The fast engine (network.py, activations.py, losses.py, optimizers.py) computes exactly this,
but with preallocated buffers, float32 and fused operations. This module is the same maths in
float64, one formula per line, for learners; the tests use it as the oracle the fast code must
agree with (to rounding), and the cat/dog page shows these lines next to the numbers of its SGD
step.

Shapes are batch-first: X is (samples, features); a layer's W is (fan_in, fan_out), b is
(fan_out,), so a layer computes z = a_prev @ W + b.
"""

from __future__ import annotations

import numpy as np

# Each activation f and its slope f'(z).
ACTIVATIONS = {
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)),
                lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2),
    "relu": (lambda z: np.maximum(0, z), lambda z: (z > 0) * 1.0),
    "leaky_relu": (lambda z: np.where(z > 0, z, 0.01 * z), lambda z: np.where(z > 0, 1, 0.01)),
    "elu": (lambda z: np.where(z > 0, z, np.exp(np.minimum(z, 0)) - 1),
            lambda z: np.where(z > 0, 1, np.exp(np.minimum(z, 0)))),
    "linear": (lambda z: z, lambda z: np.ones_like(z)),
}


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))  # minus the row maximum: same result, no overflow
    return e / e.sum(axis=1, keepdims=True)


# Each loss L(p, y), averaged over the batch, and its gradient dL/dp.
LOSSES = {
    "mse": (lambda p, y: np.mean((p - y) ** 2), lambda p, y: 2 * (p - y) / p.size),
    "mae": (lambda p, y: np.mean(np.abs(p - y)), lambda p, y: np.sign(p - y) / p.size),
    "bce": (lambda p, y: -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)),
            lambda p, y: (p - y) / (p * (1 - p)) / len(p)),
    "cross_entropy": (lambda p, y: -np.sum(y * np.log(p)) / len(p),
                      lambda p, y: -y / p / len(p)),
}


def forward(params, X, hidden="tanh", output="sigmoid"):
    """Every layer's pre-activation z and activation a; the last a is the prediction p."""
    a, zs, activations = np.asarray(X, np.float64), [], [np.asarray(X, np.float64)]
    for k, (W, b) in enumerate(params):
        z = a @ W + b
        last = k == len(params) - 1
        if last and output == "softmax":
            a = softmax(z)
        else:
            a = ACTIVATIONS[output if last else hidden][0](z)
        zs.append(z)
        activations.append(a)
    return zs, activations


def output_delta(p, y, z, output, loss):
    """dL/dz of the output layer: dL/dp pushed back through the output activation."""
    g = LOSSES[loss][1](p, y)  # dL/dp
    if output == "softmax":  # softmax mixes a row: dL/dz_k = p_k (g_k - sum_j g_j p_j)
        return p * (g - np.sum(g * p, axis=1, keepdims=True))
    return g * ACTIVATIONS[output][1](z)


def backward(params, X, Y, hidden="tanh", output="sigmoid", loss="bce",
             penalty="none", rate=0.0):
    """The gradient of the batch loss: [(dW, db) for each layer], by back-propagation."""
    zs, acts = forward(params, X, hidden, output)
    grads = [None] * len(params)
    delta = output_delta(acts[-1], Y, zs[-1], output, loss)  # dL/dz of the last layer
    for k in reversed(range(len(params))):
        W, _ = params[k]
        a_prev = acts[k]
        dW = a_prev.T @ delta  # each weight's share: its input times the error it feeds
        db = delta.sum(axis=0)  # a bias's input is always 1
        if penalty == "l2":
            dW = dW + rate * W  # d/dW of rate * sum(W^2) / 2
        elif penalty == "l1":
            dW = dW + rate * np.sign(W)  # d/dW of rate * sum |W|
        grads[k] = (dW, db)
        if k > 0:  # back through the weights, then through the previous layer's activation
            delta = (delta @ W.T) * ACTIVATIONS[hidden][1](zs[k - 1])
    return grads


def sgd_step(w, g, lr):
    """Plain gradient descent: a step down the slope."""
    return w - lr * g


def momentum_step(w, g, velocity, lr, mu, nesterov=False):
    """The velocity remembers past steps; Nesterov looks ahead along the new velocity."""
    velocity = mu * velocity - lr * g
    if nesterov:
        return w + mu * velocity - lr * g, velocity
    return w + velocity, velocity


def rmsprop_step(w, g, s, lr, rho, eps):
    """Each weight's step is divided by the root of its recent squared gradients."""
    s = rho * s + (1 - rho) * g ** 2
    return w - lr * g / (np.sqrt(s) + eps), s


def adam_step(w, g, m, v, t, lr, b1, b2, eps):
    """Momentum (m) and RMSprop (v) together; t counts steps from 1."""
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * g ** 2
    m_hat = m / (1 - b1 ** t)  # both averages start at 0: undo that bias
    v_hat = v / (1 - b2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
