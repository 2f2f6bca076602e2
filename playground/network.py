"""A multi-layer perceptron in NumPy: parameters, forward pass, backward pass.

Shapes are batch-first: an input batch ``X`` is (samples, features); layer ``i`` has weights
``W[i]`` of shape (fan_in, fan_out) and biases ``b[i]`` of shape (fan_out,), so a layer is
``a_next = f(a @ W + b)``.

All parameters live in ONE flat vector ``theta`` (weights of every layer first, then every bias),
and ``weights[i]`` / ``biases[i]`` are views into it; the gradient has the same layout in
``grad``. An optimizer then updates the whole network with a handful of NumPy calls, and a
penalty touches ``theta[:n_weights]`` only. For these small networks the time goes into the
number of NumPy calls, not the arithmetic, so the forward and backward passes also write into
buffers kept per batch size instead of allocating new arrays.

Left out: convolutions, dropout, batch norm; the playground is about the basic loop.
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np

from playground.activations import ACTIVATIONS, OUTPUT_ACTIVATIONS
from playground.losses import LOSSES, PENALTIES, output_delta


def _glorot(fan_in, fan_out):
    return np.sqrt(6.0 / (fan_in + fan_out))


def _he(fan_in, fan_out):
    return np.sqrt(6.0 / fan_in)


def _half(fan_in, fan_out):
    return 0.5


INITIALIZERS = MappingProxyType({
    "glorot_uniform": _glorot,
    "he_uniform": _he,
    "uniform_0.5": _half,
})
"""Weight initialisations: name -> limit ``r`` of the uniform draw U(-r, r) for a layer.

Glorot suits tanh and sigmoid, He suits ReLU, and U(-0.5, 0.5) is what the classic browser
playground uses whatever the layer size.
"""

_MAX_WORKSPACES = 8


class MLP:
    """A fully connected network.

    Parameters
    ----------
    sizes : sequence of int
        Units per layer, input first and output last, e.g. (2, 8, 8, 1).
    activation : str
        Hidden activation, a key of ``ACTIVATIONS``.
    output : str
        Output activation, a key of ``OUTPUT_ACTIVATIONS`` (sigmoid, softmax, linear).
    dtype : numpy dtype
        float32 (fast, the default) or float64 (for gradient checks).
    """

    def __init__(self, sizes, activation="tanh", output="sigmoid", dtype=np.float32):
        self.sizes = tuple(int(s) for s in sizes)
        if len(self.sizes) < 2 or min(self.sizes) < 1:
            raise ValueError(f"sizes must have an input and an output layer of >= 1 unit, got {sizes}")
        self.activation = ACTIVATIONS[activation]
        self.output = OUTPUT_ACTIVATIONS[output]
        self.dtype = np.dtype(dtype)
        shapes = list(zip(self.sizes[:-1], self.sizes[1:]))
        self.n_weights = sum(i * o for i, o in shapes)
        self.theta = np.zeros(self.n_weights + sum(self.sizes[1:]), self.dtype)
        self.grad = np.zeros_like(self.theta)
        self.weights, self.biases = _layer_views(self.theta, shapes, self.n_weights)
        self.grad_weights, self.grad_biases = _layer_views(self.grad, shapes, self.n_weights)
        self._workspaces = {}

    @property
    def n_layers(self) -> int:
        """Number of weight layers (hidden layers + 1)."""
        return len(self.weights)

    # -- parameters ---------------------------------------------------------------------------
    def initialize(self, rng: np.random.Generator, scheme="glorot_uniform", bias=0.0) -> None:
        """Draw every weight from U(-r, r) (r from ``INITIALIZERS[scheme]``); set biases to ``bias``.

        Draws are made in float64 and then cast, so float32 and float64 networks made from the
        same seed start from the same numbers (up to rounding).
        """
        limit = INITIALIZERS[scheme]
        for W in self.weights:
            r = limit(*W.shape)
            W[...] = rng.uniform(-r, r, size=W.shape)
        for b in self.biases:
            b.fill(bias)

    def get_params(self) -> list[np.ndarray]:
        """Copies of the parameters, in the order [W0, b0, W1, b1, ...]."""
        return [p.copy() for pair in zip(self.weights, self.biases) for p in pair]

    def set_params(self, params) -> None:
        """Set the parameters from arrays in the order [W0, b0, W1, b1, ...] (shapes must match)."""
        params = list(params)
        mine = [p for pair in zip(self.weights, self.biases) for p in pair]
        if len(params) != len(mine):
            raise ValueError(f"expected {len(mine)} arrays (W0, b0, ...), got {len(params)}")
        for k, (dst, src) in enumerate(zip(mine, params)):
            src = np.asarray(src)
            if src.shape != dst.shape:
                raise ValueError(f"parameter {k} must have shape {dst.shape}, got {src.shape}")
            dst[...] = src

    def get_gradients(self) -> list[np.ndarray]:
        """Copies of the last computed gradients, in the order [dW0, db0, dW1, db1, ...]."""
        return [g.copy() for pair in zip(self.grad_weights, self.grad_biases) for g in pair]

    # -- forward ------------------------------------------------------------------------------
    def forward(self, X: np.ndarray) -> np.ndarray:
        """Output of the network for a batch ``X`` (samples, inputs): a new (samples, outputs) array."""
        return self._forward(self._as_input(X), self._workspace(len(X))).copy()

    def forward_layers(self, X: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """Every layer's (pre-activation z, activation a) for ``X``, for the teaching pages."""
        a, layers = self._as_input(X), []
        for i, (W, b) in enumerate(zip(self.weights, self.biases)):
            z = a @ W + b
            a = self._layer_activation(i).forward(z.copy())
            layers.append((z, a))
        return layers

    def _layer_activation(self, i):
        return self.output if i == self.n_layers - 1 else self.activation

    def _as_input(self, X):
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have shape (samples, {self.sizes[0]}), got {X.shape}")
        return X if X.dtype == self.dtype else X.astype(self.dtype)

    def _workspace(self, n):
        """Activation, delta and scratch buffers for a batch of n samples (kept for reuse)."""
        ws = self._workspaces.get(n)
        if ws is None:
            if len(self._workspaces) >= _MAX_WORKSPACES:
                self._workspaces.clear()
            width = self.sizes[1:]
            ws = tuple([np.empty((n, w), self.dtype) for w in width] for _ in range(3))
            self._workspaces[n] = ws
        return ws

    def _forward(self, X, workspace):
        acts = workspace[0]
        a = X
        for i, (W, b) in enumerate(zip(self.weights, self.biases)):
            z = acts[i]
            np.matmul(a, W, out=z)
            z += b
            a = self._layer_activation(i).forward(z)
        return a

    # -- loss and gradient --------------------------------------------------------------------
    def loss(self, X, Y, loss="mse", penalty="none", rate=0.0) -> float:
        """Mean loss over the batch plus ``rate`` times the weight penalty."""
        p = self._forward(self._as_input(X), self._workspace(len(X)))
        return LOSSES[loss].value(p, Y) + rate * PENALTIES[penalty].value(self.theta[:self.n_weights])

    def loss_and_gradient(self, X, Y, loss="mse", penalty="none", rate=0.0, *,
                          with_loss=True) -> float:
        """Compute the gradient of the (penalised) batch loss into ``self.grad``; return the loss.

        ``Y`` has the output's shape: a 0/1 column, one-hot rows, or real targets. The gradient of
        every parameter is then in ``grad_weights`` / ``grad_biases`` (views of ``grad``), and
        ``get_gradients()`` copies them. ``with_loss=False`` skips computing the value (training
        does not need it per batch) and returns nan.
        """
        X = self._as_input(X)
        ws = self._workspace(len(X))
        p = self._forward(X, ws)
        self._backward(X, Y, ws, LOSSES[loss])
        weights = self.theta[:self.n_weights]
        if rate:
            PENALTIES[penalty].add_gradient(weights, self.grad[:self.n_weights], rate)
        if not with_loss:
            return float("nan")
        return LOSSES[loss].value(p, Y) + rate * PENALTIES[penalty].value(weights)

    def _backward(self, X, Y, workspace, loss):
        acts, deltas, scratch = workspace
        last = self.n_layers - 1
        output_delta(self.output.name, loss, acts[last], Y, deltas[last])
        for i in range(last, -1, -1):
            d = deltas[i]
            a_prev = X if i == 0 else acts[i - 1]
            # dL/dW = a_prev^T d and dL/db = column sums of d, where d = dL/dz of this layer.
            np.matmul(a_prev.T, d, out=self.grad_weights[i])
            np.sum(d, axis=0, out=self.grad_biases[i])
            if i:
                np.matmul(d, self.weights[i].T, out=deltas[i - 1])
                self.activation.backward(deltas[i - 1], a_prev, scratch[i - 1])


def _layer_views(flat, shapes, n_weights):
    """Views of a flat vector as per-layer weight matrices, then per-layer bias vectors."""
    weights, biases, w_at, b_at = [], [], 0, n_weights
    for fan_in, fan_out in shapes:
        weights.append(flat[w_at:w_at + fan_in * fan_out].reshape(fan_in, fan_out))
        biases.append(flat[b_at:b_at + fan_out])
        w_at += fan_in * fan_out
        b_at += fan_out
    return weights, biases
