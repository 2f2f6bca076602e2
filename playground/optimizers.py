"""Optimizers: rules that move each parameter a little against its gradient.

Each optimizer owns only its own state (velocities, running averages, a step count) and updates a
list of parameter arrays in place with ``step(params, grads)``; it never sees the network. The
trainer passes the network's single flat parameter vector, so one step is a handful of NumPy
calls whatever the depth. Settings such as ``lr`` or ``momentum`` are plain attributes and may be
changed between steps without losing the state.

Update rules (g: gradient, t: step count starting at 1):
- SGD:       w -= lr g
- Momentum:  v = mu v - lr g;          w += v
- Nesterov:  v = mu v - lr g;          w += mu v - lr g     (Sutskever et al. 2013 form)
- RMSprop:   s = rho s + (1 - rho) g^2; w -= lr g / (sqrt(s) + eps)
- Adam:      m = b1 m + (1 - b1) g;     v = b2 v + (1 - b2) g^2
             w -= lr m_hat / (sqrt(v_hat) + eps), m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t)

Left out: learning-rate schedules (the playground lets the learner change lr by hand), AdamW.
"""

from __future__ import annotations

import functools
from types import MappingProxyType

import numpy as np


def _zeros_like(params):
    return [np.zeros_like(w) for w in params]


@functools.lru_cache(maxsize=64)
def _operands(dtype, *values):
    """Settings as 0-d arrays of the parameters' dtype, made once per change of a setting.

    NumPy 2 takes a Python float operand through its "weak scalar" promotion, which costs ~0.5 us
    more per call than an array operand: as much as the arithmetic of a small network's step.
    """
    return tuple(np.array(v, dtype) for v in values)


class SGD:
    """Stochastic gradient descent, optionally with (Nesterov) momentum."""

    def __init__(self, lr=0.01, momentum=0.0, nesterov=False):
        self.lr, self.momentum, self.nesterov = lr, momentum, nesterov
        self._velocity = self._scratch = None

    def step(self, params, grads) -> None:
        """Update ``params`` in place from ``grads`` (lists of same-shaped arrays)."""
        if self._scratch is None:
            self._scratch = _zeros_like(params)
        lr, mu = _operands(params[0].dtype, self.lr, self.momentum)
        if not self.momentum:
            for w, g, tmp in zip(params, grads, self._scratch):
                w -= np.multiply(g, lr, tmp)
            return
        if self._velocity is None:
            self._velocity = _zeros_like(params)
        for w, g, v, tmp in zip(params, grads, self._velocity, self._scratch):
            np.multiply(g, lr, tmp)
            v *= mu
            v -= tmp  # v = mu v - lr g
            if self.nesterov:
                w -= tmp  # w += mu v - lr g: look ahead along the new velocity
                w += np.multiply(v, mu, tmp)
            else:
                w += v


class RMSprop:
    """Divides each step by a running root-mean-square of that parameter's recent gradients."""

    def __init__(self, lr=0.001, rho=0.9, eps=1e-7):
        self.lr, self.rho, self.eps = lr, rho, eps
        self._square = self._scratch = None

    def step(self, params, grads) -> None:
        """Update ``params`` in place from ``grads``."""
        if self._square is None:
            self._square, self._scratch = _zeros_like(params), _zeros_like(params)
        lr, share, eps = _operands(params[0].dtype, self.lr, 1 - self.rho, self.eps)
        for w, g, s, tmp in zip(params, grads, self._square, self._scratch):
            # s += (1 - rho) (g^2 - s) is s = rho s + (1 - rho) g^2 without a temporary.
            np.multiply(g, g, tmp)
            tmp -= s
            tmp *= share
            s += tmp
            np.sqrt(s, tmp)
            tmp += eps
            np.divide(g, tmp, tmp)
            tmp *= lr
            w -= tmp


class Adam:
    """Momentum and RMSprop together, with bias correction of both running averages."""

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.t = 0
        self._m = self._v = self._scratch = None

    def step(self, params, grads) -> None:
        """Update ``params`` in place from ``grads``."""
        if self._m is None:
            self._m, self._v, self._scratch = (_zeros_like(params) for _ in range(3))
        self.t += 1
        # Bias corrections: the averages start at 0, so early on they underestimate g and g^2.
        # lr m_hat / (sqrt(v_hat) + eps) == (lr sqrt(c2) / c1) m / (sqrt(v) + eps sqrt(c2)).
        c1 = 1 - self.beta1 ** self.t
        root_c2 = np.sqrt(1 - self.beta2 ** self.t)
        dtype = params[0].dtype
        share1, share2 = _operands(dtype, 1 - self.beta1, 1 - self.beta2)
        eps = np.array(self.eps * root_c2, dtype)
        step_size = np.array(self.lr * root_c2 / c1, dtype)
        for w, g, m, v, tmp in zip(params, grads, self._m, self._v, self._scratch):
            np.subtract(g, m, tmp)  # m += (1 - b1)(g - m)
            tmp *= share1
            m += tmp
            np.multiply(g, g, tmp)  # v += (1 - b2)(g^2 - v)
            tmp -= v
            tmp *= share2
            v += tmp
            np.sqrt(v, tmp)
            tmp += eps
            np.divide(m, tmp, tmp)
            tmp *= step_size
            w -= tmp


def _sgd(s):
    return SGD(s["lr"])


def _momentum(s):
    return SGD(s["lr"], s["momentum"])


def _nesterov(s):
    return SGD(s["lr"], s["momentum"], nesterov=True)


def _rmsprop(s):
    return RMSprop(s["lr"], s["rho"])


def _adam(s):
    return Adam(s["lr"], s["beta1"], s["beta2"])


OPTIMIZERS = MappingProxyType({
    "sgd": _sgd,
    "momentum": _momentum,
    "nesterov": _nesterov,
    "rmsprop": _rmsprop,
    "adam": _adam,
})
"""Optimizer factories: name -> callable(settings) -> optimizer.

``settings`` is a mapping with the keys lr, momentum, rho, beta1, beta2 (each factory reads the
ones it uses).
"""

OPTIMIZER_LABELS = MappingProxyType({
    "sgd": "SGD", "momentum": "SGD + momentum", "nesterov": "Nesterov momentum",
    "rmsprop": "RMSprop", "adam": "Adam",
})

OPTIMIZER_SETTINGS = MappingProxyType({
    "sgd": (), "momentum": ("momentum",), "nesterov": ("momentum",),
    "rmsprop": ("rho",), "adam": ("beta1", "beta2"),
})
"""Which settings beyond lr each optimizer reads: the pages show only those controls."""


def apply_settings(optimizer, settings, names) -> None:
    """Change an optimizer's lr and its own settings ``names`` in place, keeping its state.

    ``names`` comes from OPTIMIZER_SETTINGS: plain SGD has a ``momentum`` attribute too (0), which
    must not take the config's momentum, which belongs to the momentum optimizers.
    """
    optimizer.lr = settings["lr"]
    for name in names:
        setattr(optimizer, name, settings[name])
