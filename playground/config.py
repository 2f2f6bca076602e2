"""TrainConfig: every setting of a run, validated, frozen and serialisable to a plain dict.

One table, ``FIELDS``, lists every setting with its type, default, allowed values and a one-line
help text that explains the idea; validation, the command line, the pages' widgets and the
shareable links all read it, so a setting is defined in exactly one place.

The settings fall in two groups. Changing a *reset* setting (the data, the architecture, the
initialisation) makes a different run, so the trainer starts again; every other setting (loss,
optimizer and its rates, penalty, batch size, limits) may change between epochs and training goes
on from the current weights.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from types import MappingProxyType

from playground.activations import ACTIVATIONS
from playground.datasets import PARAM_RANGES
from playground.losses import LOSSES, PENALTIES, TASK_LOSSES
from playground.network import INITIALIZERS
from playground.optimizers import OPTIMIZERS

DATASET_KEYS = ("circle", "xor", "gauss", "spiral", "moons", "linear", "blobs", "plane",
                "multi_gauss", "catdog", "csv")
DERIVED_KEYS = ("x1^2", "x2^2", "x1*x2", "sin x1", "sin x2")
MAX_SEED = 2**31 - 1


@dataclass(frozen=True)
class Field:
    """One setting: its kind ('int', 'float', 'str', 'bool', 'ints', 'strs'), default and limits.

    ``allowed`` is a (low, high) range for numbers, a tuple of choices for strings, and for the
    tuple kinds the allowed items (``ints``: an item range plus a length range).
    """

    name: str
    kind: str
    default: object
    allowed: object
    help: str
    reset: bool = False
    length: tuple[int, int] | None = None


_FIELDS = (
    # -- data: changing any of these makes a different run -------------------------------------
    Field("dataset", "str", "spiral", DATASET_KEYS,
          "The points to learn from; each dataset asks for a differently shaped boundary.", True),
    Field("n_samples", "int", 500, PARAM_RANGES["n_samples"],
          "How many points there are; fewer points are easier to overfit.", True),
    Field("noise", "float", 0.0, PARAM_RANGES["noise"],
          "How far points scatter from the clean pattern, as a fraction of its size.", True),
    Field("label_noise", "float", 0.0, PARAM_RANGES["label_noise"],
          "Fraction of labels flipped at random: mistakes in the data no model should copy.", True),
    Field("train_ratio", "float", 0.5, PARAM_RANGES["train_ratio"],
          "Share of points used for training; the rest test how well the network generalises.",
          True),
    Field("data_seed", "int", 0, (0, MAX_SEED),
          "Seed of the random draw of the data: the same seed gives the same points.", True),
    Field("n_classes", "int", 3, PARAM_RANGES["n_classes"],
          "Number of classes of the blobs dataset.", True),
    Field("features", "strs", (), DERIVED_KEYS,
          "Extra inputs computed from x1 and x2; the right one can replace a hidden layer.", True,
          (0, len(DERIVED_KEYS))),
    Field("columns", "strs", (), None,
          "Which measured features of a table dataset the network sees (empty: all).", True,
          (0, 50)),
    # -- network -----------------------------------------------------------------------------
    Field("hidden", "ints", (8, 8), (1, 128),
          "Neurons in each hidden layer; more layers can bend the boundary in more ways.", True,
          (0, 8)),
    Field("activation", "str", "tanh", tuple(ACTIVATIONS),
          "The non-linearity each hidden neuron applies; without one, depth adds nothing.", True),
    Field("init", "str", "glorot_uniform", tuple(INITIALIZERS),
          "How the arbitrary starting weights are drawn before any learning.", True),
    Field("bias_init", "float", 0.0, (-1.0, 1.0), "Starting value of every bias.", True),
    Field("init_seed", "int", 0, (0, MAX_SEED),
          "Seed of the starting weights and the batch order: the same seed, the same run.", True),
    Field("dtype", "str", "float32", ("float32", "float64"),
          "Number precision; float32 is faster and precise enough to watch.", True),
    # -- training: may change between epochs -----------------------------------------------------
    Field("loss", "str", "auto", ("auto",) + tuple(LOSSES),
          "How the gap between prediction and label is measured ('auto': the task's usual one)."),
    Field("optimizer", "str", "sgd", tuple(OPTIMIZERS),
          "The rule that turns gradients into weight changes."),
    Field("lr", "float", 0.1, (1e-5, 10.0),
          "Learning rate: how far each step moves the weights; too big diverges, too small crawls."),
    Field("momentum", "float", 0.9, (0.0, 0.999),
          "Fraction of the previous step kept: steps build up speed along a steady slope."),
    Field("rho", "float", 0.9, (0.0, 0.999),
          "RMSprop: how slowly the running average of squared gradients forgets."),
    Field("beta1", "float", 0.9, (0.0, 0.999),
          "Adam: how slowly the running average of gradients forgets."),
    Field("beta2", "float", 0.999, (0.0, 0.9999),
          "Adam: how slowly the running average of squared gradients forgets."),
    Field("batch_size", "int", 10, (1, 5000),
          "Points per weight update: 1 is pure stochastic descent, all points is full-batch."),
    Field("penalty", "str", "none", tuple(PENALTIES),
          "Regularisation: L2 pulls every weight toward 0, L1 pushes small ones to exactly 0."),
    Field("penalty_rate", "float", 0.0, (0.0, 10.0), "Strength of the weight penalty."),
    Field("epochs", "int", 1000, (1, 100_000),
          "Epoch limit: training stops after this many passes over the training data."),
    Field("early_stopping", "bool", False, None,
          "Stop when the test loss has not improved for `patience` epochs; keep the best weights."),
    Field("patience", "int", 50, (1, 10_000), "Epochs without a better test loss before stopping."),
)

FIELDS = MappingProxyType({f.name: f for f in _FIELDS})
"""Every setting of a run, keyed by name."""


@dataclass(frozen=True, kw_only=True)
class TrainConfig:
    """All settings of one run; built only through validation, so an instance is always valid.

    ``TrainConfig()`` gives the defaults (spiral, two hidden layers of 8, tanh, SGD lr 0.1);
    ``TrainConfig(lr=0.1)`` or ``cfg.replace(lr=0.1)`` change some; ``to_dict`` / ``from_dict``
    convert to and from plain JSON-friendly dicts. A bad value raises ``ValueError`` whose message
    names the field and its allowed range.
    """

    dataset: str = "spiral"
    n_samples: int = 500
    noise: float = 0.0
    label_noise: float = 0.0
    train_ratio: float = 0.5
    data_seed: int = 0
    n_classes: int = 3
    features: tuple = ()
    columns: tuple = ()
    hidden: tuple = (8, 8)
    activation: str = "tanh"
    init: str = "glorot_uniform"
    bias_init: float = 0.0
    init_seed: int = 0
    dtype: str = "float32"
    loss: str = "auto"
    optimizer: str = "sgd"
    lr: float = 0.1
    momentum: float = 0.9
    rho: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    batch_size: int = 10
    penalty: str = "none"
    penalty_rate: float = 0.0
    epochs: int = 1000
    early_stopping: bool = False
    patience: int = 50

    def __post_init__(self):
        for f in _FIELDS:
            object.__setattr__(self, f.name, _check(f, getattr(self, f.name)))

    # -- conversions ------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """Plain dict of every setting (tuples become lists), ready for JSON."""
        return {f.name: _plain(getattr(self, f.name)) for f in _FIELDS}

    @classmethod
    def from_dict(cls, data) -> "TrainConfig":
        """Build from a dict of settings; missing keys take defaults, unknown keys are an error."""
        if not isinstance(data, dict):
            raise ValueError(f"a config must be a mapping of settings, got {type(data).__name__}")
        unknown = sorted(set(data) - set(FIELDS))
        if unknown:
            raise ValueError(f"unknown setting {unknown[0]!r}; known settings: {', '.join(FIELDS)}")
        return cls(**data)

    def replace(self, **changes) -> "TrainConfig":
        """A copy with some settings changed (validated)."""
        return dataclasses.replace(self, **changes)

    # -- derived ----------------------------------------------------------------------------------
    def loss_for(self, task: str) -> str:
        """The loss this config trains with on a task ('auto' resolves to the task's usual one)."""
        if self.loss == "auto":
            return TASK_LOSSES[task][0]
        if self.loss not in TASK_LOSSES[task]:
            raise ValueError(f"loss for a {task} task must be one of "
                             f"{', '.join(TASK_LOSSES[task])} (got {self.loss!r})")
        return self.loss

    def optimizer_settings(self) -> dict:
        """The numbers an optimizer reads: lr, momentum, rho, beta1, beta2."""
        return {k: getattr(self, k) for k in ("lr", "momentum", "rho", "beta1", "beta2")}

    def reset_changes(self, other: "TrainConfig") -> list[str]:
        """Names of the reset settings that differ between two configs (empty: same run)."""
        return [f.name for f in _FIELDS if f.reset and getattr(self, f.name) != getattr(other, f.name)]


def _plain(value):
    return list(value) if isinstance(value, tuple) else value


def _check(f: Field, value):
    """Validate one value against its field; return it normalised (int/float/tuple)."""
    checker = _CHECKS[f.kind]
    return checker(f, value)


def _check_number(f, value, kind):
    ok_types = (int,) if kind is int else (int, float)
    if isinstance(value, bool) or not isinstance(value, ok_types):
        raise ValueError(f"{f.name} must be {'a whole number' if kind is int else 'a number'} "
                         f"(got {value!r})")
    low, high = f.allowed
    if not low <= value <= high:  # also rejects nan
        show = (lambda v: f"{v:,}") if kind is int else (lambda v: f"{v:g}")  # 2,147,483,647
        raise ValueError(f"{f.name} must be between {show(low)} and {show(high)} "
                         f"(got {value!r})")
    return kind(value)


def _check_int(f, value):
    return _check_number(f, value, int)


def _check_float(f, value):
    return _check_number(f, value, float)


def _check_str(f, value):
    if value not in f.allowed:
        raise ValueError(f"{f.name} must be one of {', '.join(f.allowed)} (got {value!r})")
    return value


def _check_bool(f, value):
    if not isinstance(value, bool):
        raise ValueError(f"{f.name} must be true or false (got {value!r})")
    return value


def _check_items(f, value, item_check):
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise ValueError(f"{f.name} must be a list (got {value!r})")
    low, high = f.length
    if not low <= len(value) <= high:
        raise ValueError(f"{f.name} must have {low} to {high} items (got {len(value)})")
    return tuple(item_check(v) for v in value)


def _check_ints(f, value):
    item = Field(f"each item of {f.name}", "int", None, f.allowed, "")
    return _check_items(f, value, lambda v: _check_int(item, v))


def _check_strs(f, value):
    def one(v):
        if not isinstance(v, str) or (f.allowed is not None and v not in f.allowed):
            choices = f"one of {', '.join(f.allowed)}" if f.allowed else "a column name"
            raise ValueError(f"each item of {f.name} must be {choices} (got {v!r})")
        return v
    items = _check_items(f, value, one)
    if len(set(items)) != len(items):
        raise ValueError(f"{f.name} lists an item twice: {list(items)}")
    return items


_CHECKS = MappingProxyType({
    "int": _check_int, "float": _check_float, "str": _check_str, "bool": _check_bool,
    "ints": _check_ints, "strs": _check_strs,
})
