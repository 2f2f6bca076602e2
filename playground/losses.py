"""Loss functions and weight penalties, each value beside its gradient.

A loss compares the network's output ``p`` (samples, outputs) with the target ``y`` of the same
shape (a 0/1 column for binary tasks, one-hot rows for multi-class, real values for regression)
and averages over the samples, so the gradient of a mini-batch does not grow with its size.

Which output activation a network gets follows from its task: sigmoid for binary, softmax for
multi-class, identity for regression; ``TASK_LOSSES`` lists the losses each task allows.
Cross-entropy after its matching output activation has the famously simple gradient with respect
to the pre-activation, ``(p - y) / n``; ``output_delta`` uses it, which is both faster and stable
where ``p`` saturates at 0 or 1.

Left out: losses the playground does not train with (hinge appears only in the loss explorer).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from types import MappingProxyType
from typing import Callable

import numpy as np


@functools.lru_cache(maxsize=8)
def _bounds(dtype):
    # log(0) is -inf; the smallest step of the dtype keeps every loss finite at p = 0 and 1.
    eps = np.finfo(dtype).eps if np.issubdtype(dtype, np.floating) else 1e-12
    return eps, 1.0 - eps


def _clip(p):
    low, high = _bounds(p.dtype)
    return np.minimum(np.maximum(p, low), high)


@functools.lru_cache(maxsize=64)
def _reciprocal(n, dtype):
    # 1 / n as a 0-d array of the batch's dtype: cheaper per call than a Python float operand.
    r = np.array(1.0 / n, dtype)
    r.flags.writeable = False
    return r


@dataclass(frozen=True)
class Loss:
    """A loss: its mean value over a batch and its gradient with respect to the output.

    Attributes
    ----------
    name, label : str
        Table key and human label.
    value : callable(p, y) -> float
    gradient : callable(p, y) -> ndarray
        dL/dp, same shape as ``p``, already divided by the batch size.
    formula : str
        The per-sample definition, for help texts and the teaching pages.
    """

    name: str
    label: str
    value: Callable[[np.ndarray, np.ndarray], float]
    gradient: Callable[[np.ndarray, np.ndarray], np.ndarray]
    formula: str


# The values sum with np.vdot: one call, where np.mean goes through several Python layers, and
# the trainer measures the loss of both sets after every epoch.
def _mse(p, y):
    err = p - y
    return float(np.vdot(err, err)) / err.size


def _mse_grad(p, y):
    return (2.0 / p.size) * (p - y)


def _mae(p, y):
    return float(np.mean(np.abs(p - y)))


def _mae_grad(p, y):
    return np.sign(p - y) / p.size


def _bce(p, y):
    q = _clip(p)
    # log(1 - q), not log1p(-q): 1 - q is exact for q >= 1/2 and within one rounding below, and
    # log1p runs 3x slower than log here.
    log_q, log_not_q = np.log(q), np.log(1.0 - q)
    # y log q + (1 - y) log(1 - q) == y (log q - log(1 - q)) + log(1 - q)
    return -float(np.vdot(y, log_q - log_not_q) + log_not_q.sum()) / q.size


def _bce_grad(p, y):
    q = _clip(p)
    return (q - y) / (q * (1 - q)) / p.shape[0]


def _ce(p, y):
    return -float(np.vdot(y, np.log(_clip(p)))) / p.shape[0]


def _ce_grad(p, y):
    return -y / _clip(p) / p.shape[0]


LOSSES = MappingProxyType({
    "bce": Loss("bce", "Binary cross-entropy", _bce, _bce_grad,
                "-[y log p + (1 - y) log(1 - p)]"),
    "cross_entropy": Loss("cross_entropy", "Categorical cross-entropy", _ce, _ce_grad,
                          "-sum_k y_k log p_k"),
    "mse": Loss("mse", "Mean squared error", _mse, _mse_grad, "(p - y)^2"),
    "mae": Loss("mae", "Mean absolute error", _mae, _mae_grad, "|p - y|"),
})
"""Training losses, keyed by the name a config or a widget uses."""

TASK_LOSSES = MappingProxyType({
    "binary": ("bce", "mse"),
    "multiclass": ("cross_entropy", "mse"),
    "regression": ("mse", "mae"),
})
"""The losses each task allows; the first is the default."""

TASK_OUTPUT = MappingProxyType({"binary": "sigmoid", "multiclass": "softmax", "regression": "linear"})
"""The output activation each task gets: probabilities for classifiers, a real value otherwise."""

# Output activation + loss pairs whose gradient w.r.t. the pre-activation is (p - y) / n.
_CANONICAL = frozenset({("sigmoid", "bce"), ("softmax", "cross_entropy")})


def output_activation(task: str, loss: str) -> str:
    """Name of the output activation for a task and loss; ValueError if they do not go together."""
    if task not in TASK_LOSSES:
        raise ValueError(f"task must be one of {', '.join(TASK_LOSSES)} (got {task!r})")
    if loss not in TASK_LOSSES[task]:
        raise ValueError(f"loss for a {task} task must be one of "
                         f"{', '.join(TASK_LOSSES[task])} (got {loss!r})")
    return TASK_OUTPUT[task]


def output_delta(output: str, loss: Loss, p: np.ndarray, y: np.ndarray, out: np.ndarray) -> None:
    """Write dL/dz of the output layer into ``out`` (z: pre-activation, p: output).

    For the canonical pairs this is (p - y) / n; otherwise the loss gradient dL/dp is pushed back
    through the output activation by the chain rule.
    """
    if (output, loss.name) in _CANONICAL:
        np.subtract(p, y, out)
        np.multiply(out, _reciprocal(p.shape[0], out.dtype), out)
        return
    g = loss.gradient(p, y)
    if output == "sigmoid":
        np.multiply(g, p * (1 - p), out=out)
    elif output == "softmax":
        # Softmax Jacobian-vector product: dz_k = p_k (g_k - sum_j g_j p_j).
        np.multiply(p, g - np.sum(g * p, axis=1, keepdims=True), out=out)
    else:
        out[...] = g


@dataclass(frozen=True)
class Penalty:
    """A weight penalty added to the loss: ``rate * value(w)``, whose gradient is ``rate * gradient(w)``.

    Penalties apply to the weights only, not to the biases (as in most textbooks and the classic
    playground), and are not divided by the batch size.
    """

    name: str
    label: str
    value: Callable[[np.ndarray], float]
    gradient: Callable[[np.ndarray], np.ndarray]
    formula: str


def _no_value(w):
    return 0.0


def _no_grad(w):
    return np.zeros_like(w)


def _l1_value(w):
    return float(np.abs(w).sum())


def _l2_value(w):
    return 0.5 * float(np.dot(w, w))


def _identity(w):
    return w


PENALTIES = MappingProxyType({
    "none": Penalty("none", "None", _no_value, _no_grad, "0"),
    "l1": Penalty("l1", "L1", _l1_value, np.sign, "rate * sum |w|"),
    "l2": Penalty("l2", "L2", _l2_value, _identity, "rate * sum w^2 / 2"),
})
"""Weight penalties (regularisation), keyed by name."""


def hinge(score: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-sample hinge loss max(0, 1 - s * score) of a raw score against a 0/1 label (s = 2y - 1).

    Only for the loss explorer: it shows a loss that stops caring once a sample is on the right
    side with a margin (s * score >= 1), beside cross-entropy, which never quite stops.
    """
    return np.maximum(0.0, 1.0 - (2 * y - 1) * score)
