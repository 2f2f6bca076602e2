"""A multi-layer perceptron in NumPy: parameters, forward pass, backward pass.

Shapes are batch-first: an input batch ``X`` is (samples, features); layer ``i`` has weights
``W[i]`` of shape (fan_in, fan_out) and biases ``b[i]`` of shape (fan_out,), so a layer is
``a_next = f(a @ W + b)``.

All parameters live in ONE flat vector ``theta`` and ``weights[i]`` / ``biases[i]`` are views
into it; the gradient has the same layout in ``grad``. An optimizer then updates the whole
network with a handful of NumPy calls. Inside ``theta`` each layer is one block of shape
(fan_in + 1, fan_out): the weight rows, then the bias as the last row. Each layer's input carries
an extra column of ones, so ``[a, 1] @ [[W], [b]] = a @ W + b`` is one matrix product, and the
backward product ``[a, 1]^T d`` yields the weight and the bias gradients at once.

The backward pass is ``delta = dL/dz``; ``dW = a_prev.T @ delta``; ``db = delta.sum(0)``;
``delta = (delta @ W.T) * f'(z_prev)``, layer by layer from the output. ``playground/readable.py``
writes it (and the optimizers) one formula a line; this module computes the same numbers fast
(why it is shaped as it is: bench/NOTES.md).

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


class _Workspace:
    """Buffers for one batch size, and the forward and backward passes unrolled over them.

    Buffers are column-major: a layer's input ``[a, 1]`` keeps its ones column apart from the
    activations, and the view ``a`` of the activations stays contiguous, which the element-wise
    NumPy calls need to run at full speed. The products are written as their transposes,
    ``z^T = B^T [a, 1]^T``, because the transpose of a column-major buffer is row-major, the only
    layout ``np.dot`` writes into; ``np.dot`` costs about 0.7 us less per call than ``np.matmul``
    (here a third of a small product's time). The hidden layers' inputs are views of ONE flat
    buffer, ``hidden``, so the backward pass computes every hidden unit's slope f'(z) with one
    call over all of them (into ``slopes``; the ones columns get a slope too, unused) rather
    than one or two calls per layer. The "plans" are per-layer tuples of the arrays each step
    touches, so the hot loops do no attribute look-ups or index arithmetic.
    """

    def __init__(self, net: "MLP", n: int):
        sizes, dtype = net.sizes, net.dtype
        widths, hidden = sizes[1:], sizes[1:-1]
        self.z = [np.empty((n, w), dtype, order="F") for w in widths]
        self.hidden = np.ones(n * sum(w + 1 for w in hidden), dtype)
        self.slopes = np.empty_like(self.hidden)
        # inputs[i]: the input of layer i beside a ones column (the data, then each hidden layer).
        self.inputs = [np.ones((n, sizes[0] + 1), dtype, order="F"),
                       *_column_major(self.hidden, n, hidden)]
        self.acts = [x[:, :-1] for x in self.inputs[1:]] + [np.empty((n, sizes[-1]), dtype)]
        slopes = [x[:, :-1] for x in _column_major(self.slopes, n, hidden)]
        self.deltas = [np.empty((n, w), dtype, order="F") for w in widths]
        self.last_input = None
        layers = range(net.n_layers)
        following = [x.T for x in self.inputs[1:]] + [None]  # what each layer's output feeds
        self.forward_plan = [(net.blocks[i].T, self.z[i].T, self.z[i],
                              net._layer_activation(i).forward, self.acts[i], following[i])
                             for i in layers]
        self.backward_plan = [(self.inputs[i].T, self.deltas[i], self.deltas[i].T,
                               net.grad_blocks[i], net.weights[i], self.deltas[i - 1],
                               self.deltas[i - 1].T, slopes[i - 1])
                              for i in reversed(layers) if i]


def _column_major(flat, n, widths):
    """Consecutive (n, w + 1) column-major views of a flat buffer, one per width."""
    views, at = [], 0
    for w in widths:
        size = n * (w + 1)
        views.append(flat[at:at + size].reshape(w + 1, n).T)
        at += size
    return views


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
        self.theta = np.zeros(sum((i + 1) * o for i, o in shapes), self.dtype)
        self.grad = np.zeros_like(self.theta)
        self.blocks = _blocks(self.theta, shapes)
        ends = np.cumsum([blk.size for blk in self.blocks])
        self.block_slices = [slice(int(e - blk.size), int(e)) for e, blk in zip(ends, self.blocks)]
        self.grad_blocks = _blocks(self.grad, shapes)
        self.weights = [blk[:-1] for blk in self.blocks]
        self.biases = [blk[-1] for blk in self.blocks]
        self.grad_weights = [blk[:-1] for blk in self.grad_blocks]
        self.grad_biases = [blk[-1] for blk in self.grad_blocks]
        # 1 where theta holds a weight, 0 where it holds a bias: penalties apply to weights only.
        self.weight_mask = np.zeros_like(self.theta)
        for W in _blocks(self.weight_mask, shapes):
            W[:-1] = 1
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
        ws = self.load(X)
        return self._forward(ws, ws.inputs[0]).copy()

    def forward_layers(self, X: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """Every layer's (pre-activation z, activation a) for ``X``, for the teaching pages."""
        a, layers = self._as_input(X), []
        for i, (W, b) in enumerate(zip(self.weights, self.biases)):
            z = a @ W + b
            a = self._layer_activation(i).forward(z, z.copy())
            layers.append((z, a))
        return layers

    def _layer_activation(self, i):
        return self.output if i == self.n_layers - 1 else self.activation

    def _as_input(self, X):
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have shape (samples, {self.sizes[0]}), got {X.shape}")
        return X

    def workspace(self, n: int) -> _Workspace:
        """The buffers for a batch of n samples (made once, then reused)."""
        ws = self._workspaces.get(n)
        if ws is None:
            if len(self._workspaces) >= _MAX_WORKSPACES:
                self._workspaces.clear()
            ws = self._workspaces[n] = _Workspace(self, n)
        return ws

    def load(self, X) -> _Workspace:
        """Copy a batch into the input buffer of its workspace (beside the ones column)."""
        X = self._as_input(X)
        ws = self.workspace(len(X))
        ws.inputs[0][:, :-1] = X
        return ws

    def _forward(self, ws, x_ones):
        ws.last_input = x_ones  # lets a caller tell whether the buffers still hold this pass
        x_t = x_ones.T
        for block_t, z_t, z, f, a, next_t in ws.forward_plan:
            np.dot(block_t, x_t, z_t)  # z = [x, 1] @ block, written as its transpose
            f(z, a)
            x_t = next_t
        return a

    # -- loss and gradient --------------------------------------------------------------------
    def loss(self, X, Y, loss="mse", penalty="none", rate=0.0) -> float:
        """Mean loss over the batch plus ``rate`` times the weight penalty."""
        ws = self.load(X)
        p = self._forward(ws, ws.inputs[0])
        return LOSSES[loss].value(p, Y) + rate * self.penalty_value(penalty)

    def penalty_value(self, penalty: str) -> float:
        """The penalty's value on the current weights (without the rate)."""
        return PENALTIES[penalty].value(self.theta[self.weight_mask == 1])

    def loss_and_gradient(self, X, Y, loss="mse", penalty="none", rate=0.0, *,
                          with_loss=True) -> float:
        """Compute the gradient of the (penalised) batch loss into ``self.grad``; return the loss.

        ``Y`` has the output's shape: a 0/1 column, one-hot rows, or real targets. The gradient of
        every parameter is then in ``grad_weights`` / ``grad_biases`` (views of ``grad``), and
        ``get_gradients()`` copies them. ``with_loss=False`` skips computing the value and
        returns nan.
        """
        ws = self.load(X)
        self.gradient(ws, ws.inputs[0], Y, LOSSES[loss], PENALTIES[penalty], rate)
        if not with_loss:
            return float("nan")
        return LOSSES[loss].value(ws.acts[-1], Y) + rate * self.penalty_value(penalty)

    def gradient(self, ws: _Workspace, x_ones, Y, loss, penalty, rate, forward=True) -> None:
        """Forward and backward pass of a batch; the gradient lands in ``grad``.

        The lean entry point for training loops: ``x_ones`` is the batch with a ones column
        appended (samples, inputs + 1), ``ws`` the workspace of its size, ``loss`` and
        ``penalty`` the records rather than their names; nothing is checked. ``forward=False``
        reuses the activations a forward pass over the same ``x_ones`` at the same weights left
        in ``ws``.
        """
        if forward:
            self._forward(ws, x_ones)
        self._backward(ws, x_ones, Y, loss)
        if rate:
            self.grad += rate * self.weight_mask * penalty.gradient(self.theta)

    def _backward(self, ws, x_ones, Y, loss):
        output_delta(self.output.name, loss, ws.acts[-1], Y, ws.deltas[-1])
        linear = self.activation.name == "linear"
        if not linear:
            self.activation.derivative(ws.hidden, ws.slopes)  # f'(z) of every hidden unit at once
        for inputs_t, d, d_t, grad_block, weights, d_prev, d_prev_t, slope in ws.backward_plan:
            # [a_prev, 1]^T d: dL/dW in the first rows, dL/db (column sums of d) in the last.
            np.dot(inputs_t, d, grad_block)
            # Back through the weights, then through the activation: d_prev = (d W^T) * f'(z).
            np.dot(weights, d_t, d_prev_t)
            if not linear:
                np.multiply(d_prev, slope, d_prev)
        np.dot(x_ones.T, ws.deltas[0], self.grad_blocks[0])


def _blocks(flat, shapes):
    """Views of a flat vector as per-layer (fan_in + 1, fan_out) blocks: weights, then bias row."""
    blocks, at = [], 0
    for fan_in, fan_out in shapes:
        size = (fan_in + 1) * fan_out
        blocks.append(flat[at:at + size].reshape(fan_in + 1, fan_out))
        at += size
    return blocks
