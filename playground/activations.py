"""Activation functions, each beside its derivative.

The derivative is written in terms of the activation's *output* ``a = f(z)``, which is what
the backward pass keeps; every hidden activation here allows that (tanh' = 1 - a^2,
sigmoid' = a (1 - a), relu' = [a > 0] ...). Every record works in place on a (samples, units)
buffer (why: bench/NOTES.md); ``playground/readable.py`` has the plain formulas.

Left out: activations whose derivative needs z itself (GELU, swish); the playground does not need
them, and keeping only ``a`` halves the buffers.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Callable

import numpy as np

LEAKY_SLOPE = 0.01


def _constant(value):
    c = np.array(value, np.float32)
    c.flags.writeable = False
    return c


# Constants as read-only 0-d arrays: NumPy 2 takes a Python float operand through its "weak
# scalar" promotion, which costs more per call than an array operand, as much as the arithmetic
# on a mini-batch. The values are exact in float32, so float64 arrays lose nothing.
_ZERO, _HALF, _ONE = _constant(0.0), _constant(0.5), _constant(1.0)
_TWO, _MINUS_TWO = _constant(2.0), _constant(-2.0)

# From this many elements tanh takes its exp form (see _tanh_exp_form) where NumPy's own float32
# tanh is slow; below it one np.tanh call wins.
TANH_EXP_FORM_FROM = 4096


def _numpy_tanh_is_fast() -> bool:
    """Whether this NumPy runs float32 tanh with AVX-512 (its X86_V4 loop).

    Measured per element: with AVX-512, np.tanh 0.24 ns and the exp form 0.7 (float64: 1.1 and
    1.5); on a machine where NumPy ran its baseline loop, np.tanh 6.6 ns and the exp form 4.6.
    Decided from what NumPy reports, not by timing at import: a timing could choose differently
    from one process to the next, and the two forms differ in the last bits, so the same run
    would not give the same numbers twice.
    """
    try:
        from numpy.lib import introspect

        info = introspect.opt_func_info(func_name="^tanh$", signature="float32")
        return info["tanh"]["ff"]["current"] in ("X86_V4", "AVX512_SKX")
    except (ImportError, AttributeError, KeyError, TypeError):
        return False


NUMPY_TANH_IS_FAST = _numpy_tanh_is_fast()


@dataclass(frozen=True)
class Activation:
    """One activation function and its derivative.

    Attributes
    ----------
    name, label : str
        Table key and human label.
    forward : callable(z, out) -> out
        Writes ``f(z)`` into ``out`` (which may be ``z`` itself) and returns it.
    derivative : callable(a, out) -> out
        Writes ``f'(z)`` into ``out``, computed from the output ``a = f(z)``.
    formula : str
        The definition, for help texts and teaching pages.
    """

    name: str
    label: str
    forward: Callable[[np.ndarray, np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray, np.ndarray], np.ndarray]
    formula: str

    def __call__(self, z: np.ndarray) -> np.ndarray:
        """f(z) as a new array."""
        z = np.asarray(z, dtype=float)
        return self.forward(z, np.empty_like(z))


# The hot functions pass ``out`` by position: it saves a little per call, like the constants.
def _tanh_exp_form(z, out):
    if z.size < TANH_EXP_FORM_FROM:
        return np.tanh(z, out)
    # tanh z = 2 / (1 + e^-2z) - 1. Where NumPy's float32 tanh is not vectorised and its exp is,
    # on the large arrays of a whole data set or a decision-boundary grid five calls beat one
    # (bench/NOTES.md). The error stays under 2e-7. For
    # z < -44, e^-2z overflows to inf and the result is exactly -1 (and for large z it
    # underflows to 0: exactly 1).
    with np.errstate(over="ignore", under="ignore"):
        np.multiply(z, _MINUS_TWO, out)
        np.exp(out, out)
    np.add(out, _ONE, out)
    np.divide(_TWO, out, out)
    return np.subtract(out, _ONE, out)


_tanh = np.tanh if NUMPY_TANH_IS_FAST else _tanh_exp_form  # either takes (z, out)


def _tanh_d(a, out):
    np.multiply(a, a, out)
    return np.subtract(_ONE, out, out)


def _sigmoid(z, out):
    # 1 / (1 + e^-z) == tanh(z / 2) / 2 + 1 / 2: the second form never overflows.
    np.multiply(z, _HALF, out)
    np.tanh(out, out)
    np.multiply(out, _HALF, out)
    return np.add(out, _HALF, out)


def _sigmoid_d(a, out):
    np.subtract(_ONE, a, out)
    return np.multiply(out, a, out)


def _relu(z, out):
    # out by keyword: np.maximum deprecates it by position.
    if z.size < 1024 or out is z:
        return np.maximum(z, _ZERO, out=out)
    # Against an array of zeros rather than the scalar 0: NumPy's loop for a broadcast scalar is
    # not vectorised and runs several times slower on large arrays (bench/NOTES.md).
    out.fill(0)
    return np.maximum(z, out, out=out)


def _relu_d(a, out):
    # a >= 0 after relu, so sign(a) is exactly the 0/1 step.
    return np.sign(a, out)


def _leaky(z, out):
    return np.maximum(z, LEAKY_SLOPE * z, out=out)


def _leaky_d(a, out):
    out[...] = np.where(a > 0, 1.0, LEAKY_SLOPE)
    return out


def _elu(z, out):
    # exp of the negative part only, so large positive z cannot overflow.
    neg = np.expm1(np.minimum(z, 0.0))
    np.copyto(out, np.where(z > 0, z, neg))
    return out


def _elu_d(a, out):
    # For z <= 0, elu(z) = e^z - 1, so elu'(z) = e^z = a + 1.
    out[...] = np.where(a > 0, 1.0, a + 1.0)
    return out


def _linear(z, out):
    if out is not z:
        np.copyto(out, z)
    return out


def _linear_d(a, out):
    out.fill(1.0)
    return out


def _softmax(z, out):
    # Subtracting the row maximum leaves softmax unchanged and keeps exp() finite.
    np.subtract(z, z.max(axis=1, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=1, keepdims=True)
    return out


ACTIVATIONS = MappingProxyType({
    "tanh": Activation("tanh", "Tanh", _tanh, _tanh_d, "tanh(z)"),
    "relu": Activation("relu", "ReLU", _relu, _relu_d, "max(0, z)"),
    "leaky_relu": Activation("leaky_relu", "Leaky ReLU", _leaky, _leaky_d, "max(0.01 z, z)"),
    "elu": Activation("elu", "ELU", _elu, _elu_d, "z if z > 0 else e^z - 1"),
    "sigmoid": Activation("sigmoid", "Sigmoid", _sigmoid, _sigmoid_d, "1 / (1 + e^-z)"),
    "linear": Activation("linear", "Linear", _linear, _linear_d, "z"),
})
"""Hidden-layer activations, keyed by the name a config or a widget uses."""

OUTPUT_ACTIVATIONS = MappingProxyType({
    "sigmoid": ACTIVATIONS["sigmoid"],
    "softmax": Activation("softmax", "Softmax", _softmax, _linear_d, "e^z_k / sum_j e^z_j"),
    "linear": ACTIVATIONS["linear"],
})
"""Output activations; which one a network gets follows from its task and loss (see losses)."""
