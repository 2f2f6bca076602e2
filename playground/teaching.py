"""One example, end to end: its forward pass, its loss, and one SGD step on it alone.

The cat/dog page uses these helpers to show what training does to one animal, with real numbers.
Every number comes from the engine that trains the network, never from a re-implementation:

- the inputs the network sees come from ``Trainer.transform`` (the training set's standardiser),
- each layer's pre-activation and activation from ``MLP.forward_layers``,
- the loss from the ``LOSSES`` table, the gradient from ``MLP.loss_and_gradient``,
- the update from ``optimizers.SGD``, the same class the trainer steps with.

Beside them sit small helpers for the page's results and its input box: confusion matrices, the
animals a network is most wrong about, parsing typed-in measurements, and checking them against
the range of the training data.

Left out: multi-class and regression tasks (the page's task is binary, cat or dog), and single
steps with momentum or Adam: their running averages are built over many examples, which one
example on its own cannot show.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Callable, Sequence

import numpy as np

from playground import readable
from playground.losses import LOSSES, TASK_LOSSES
from playground.network import MLP
from playground.optimizers import SGD
from playground.text import number_problem, parse_number as parse_text_number
from playground.training import Trainer, targets

SPLITS = ("train", "test")


# -- the forward pass ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Layer:
    """One layer's values for one example: pre-activations ``z = a_prev W + b`` and ``a = f(z)``.

    Attributes
    ----------
    index : int
        1 for the first weight layer.
    is_output : bool
    activation : str
        Key of the activation (``tanh``, ``sigmoid`` ...).
    z, a : ndarray, shape (units,)
    """

    index: int
    is_output: bool
    activation: str
    z: np.ndarray
    a: np.ndarray


@dataclass(frozen=True)
class Forward:
    """One example's pass through the network, layer by layer.

    Attributes
    ----------
    raw : ndarray, shape (features,)
        The measurements as given, in their units.
    mean, scale : ndarray, shape (features,)
        The training set's column means and spreads the inputs are standardised with.
    scaled : ndarray, shape (features,)
        What the network sees: ``(raw - mean) / scale``.
    layers : tuple of Layer
        Hidden layers in order, then the output layer.
    """

    raw: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    scaled: np.ndarray
    layers: tuple

    @property
    def p_dog(self) -> float:
        """The output: the network's probability that the animal is a dog (class 1)."""
        return float(self.layers[-1].a[0])

    @property
    def probabilities(self) -> tuple[float, float]:
        """(P(cat), P(dog)); they sum to one because the output is one sigmoid unit."""
        return 1.0 - self.p_dog, self.p_dog


def copy_model(model: MLP) -> MLP:
    """A new network with the same shape, activations and weights, sharing no memory."""
    twin = MLP(model.sizes, model.activation.name, model.output.name, model.dtype)
    twin.theta[...] = model.theta
    return twin


def _one_row(x_raw) -> np.ndarray:
    x = np.asarray(x_raw, dtype=np.float64)
    return x.reshape(1, -1) if x.ndim == 1 else x


def forward_breakdown(trainer: Trainer, x_raw, model: MLP | None = None) -> Forward:
    """Pass one example's raw measurements through the network and keep every layer's values.

    Parameters
    ----------
    trainer : Trainer
        Provides the input scaling (fitted on its training set) and, by default, the network.
    x_raw : array_like, shape (features,) or (1, features)
        Measurements in the order of ``trainer.input_names``.
    model : MLP, optional
        A network of the trainer's shape to use instead of ``trainer.model`` (e.g. a copy that
        took single-example steps).

    Returns
    -------
    Forward
    """
    model = trainer.model if model is None else model
    x = _one_row(x_raw)
    scaled = trainer.transform(x)
    layers = []
    for i, (z, a) in enumerate(model.forward_layers(scaled)):
        last = i == model.n_layers - 1
        name = model.output.name if last else model.activation.name
        layers.append(Layer(i + 1, last, name, z[0].copy(), a[0].copy()))
    return Forward(raw=x[0].copy(), mean=trainer.scaler.mean_.copy(),
                   scale=trainer.scaler.scale_.copy(), scaled=scaled[0].copy(),
                   layers=tuple(layers))


# -- the loss of one example ----------------------------------------------------------------------
def _num(v: float) -> str:
    return f"{v:.4g}"


def _fill_bce(p: float, y: int) -> str:
    """-[y log p + (1 - y) log(1 - p)] with the numbers, then the one term that is not zero."""
    kept = f"−log {_num(p)}" if y == 1 else f"−log(1 − {_num(p)})"
    return f"−[{y} × log {_num(p)} + {1 - y} × log(1 − {_num(p)})] = {kept}"


def _fill_mse(p: float, y: int) -> str:
    return f"({_num(p)} − {y})²"


_FILLERS: MappingProxyType = MappingProxyType({
    "bce": ("−[y log p + (1 − y) log(1 − p)]", _fill_bce),
    "mse": ("(p − y)²", _fill_mse),
})
"""Binary losses -> (their formula, a function filling it in with one example's p and y)."""


@dataclass(frozen=True)
class LossLine:
    """One loss of one example: the formula, the formula with numbers, and its value.

    ``value`` is the engine's ``LOSSES[name].value`` (so at p = 0 or 1 it is the clipped,
    finite value training uses).
    """

    name: str
    label: str
    formula: str
    filled: str
    value: float
    in_use: bool


def loss_lines(p_dog: float, label: int, in_use: str) -> tuple[LossLine, ...]:
    """The example's loss under every binary loss: cross-entropy and mean squared error.

    Parameters
    ----------
    p_dog : float
        The network's P(dog), the ``p`` of the formulas.
    label : int
        0 for cat, 1 for dog: the ``y`` of the formulas.
    in_use : str
        Name of the loss the trainer uses (marked ``in_use``).
    """
    p = np.array([[p_dog]], dtype=np.float64)
    y = np.array([[label]], dtype=np.float64)
    lines = []
    for name in TASK_LOSSES["binary"]:
        formula, fill = _FILLERS[name]
        lines.append(LossLine(name, LOSSES[name].label, formula, fill(float(p_dog), int(label)),
                              LOSSES[name].value(p, y), name == in_use))
    return tuple(lines)


# -- one SGD step on one example -----------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """One plain SGD step on one example: ``W_after = W_before - lr * gradient``.

    Parameter arrays are per layer in the engine's block layout, shape (fan_in + 1, fan_out):
    the weight rows, then the bias as the last row.

    Attributes
    ----------
    lr : float
    label : int
    before, gradient, change, after : list of ndarray
        ``change`` is ``after - before`` as the engine applied it (``-lr * gradient`` up to the
        rounding of the network's dtype).
    loss_before, loss_after : float
        The example's loss (plus the weight penalty, if the run has one) at the old and new
        weights.
    p_before, p_after : float
        P(dog) at the old and new weights.
    readable_gradient : list of ndarray
        The same gradient from ``readable.backward`` in float64 (the page shows that code), in
        the same block layout; it agrees with ``gradient`` to the network's rounding.
    """

    lr: float
    label: int
    before: list
    gradient: list
    change: list
    after: list
    loss_before: float
    loss_after: float
    p_before: float
    p_after: float
    readable_gradient: list

    @property
    def p_label_before(self) -> float:
        """Probability of the example's true class before the step."""
        return self.p_before if self.label == 1 else 1.0 - self.p_before

    @property
    def p_label_after(self) -> float:
        """Probability of the example's true class after the step."""
        return self.p_after if self.label == 1 else 1.0 - self.p_after


def one_example_step(trainer: Trainer, x_raw, label: int, lr: float,
                     model: MLP | None = None) -> Step:
    """Take one SGD step on one example alone, in place, and report every part of it.

    The gradient is the engine's (``MLP.loss_and_gradient`` on the one scaled example, with the
    trainer's loss and weight penalty) and the update is ``optimizers.SGD(lr).step``, the very
    code the trainer runs with ``optimizer="sgd"`` and a batch of one.

    Parameters
    ----------
    trainer : Trainer
        Provides the input scaling, the loss, the penalty and, by default, the network.
    x_raw : array_like, shape (features,)
        Raw measurements.
    label : int
        0 (cat) or 1 (dog).
    lr : float
        Learning rate of this step.
    model : MLP, optional
        The network to step instead of ``trainer.model`` (a copy keeps the trained network as it
        was). Its weights change in place.

    Returns
    -------
    Step
    """
    if label not in (0, 1):
        raise ValueError(f"label must be 0 (cat) or 1 (dog), got {label!r}")
    if not (lr > 0 and math.isfinite(lr)):
        raise ValueError(f"the learning rate must be a positive number, got {lr!r}")
    model = trainer.model if model is None else model
    x = trainer.transform(_one_row(x_raw))
    y = targets(np.array([label]), "binary", 1, model.dtype)
    cfg = trainer.config
    before = [block.copy() for block in model.blocks]
    p_before = float(model.forward(x)[0, 0])
    loss_before = model.loss_and_gradient(x, y, trainer.loss_name, cfg.penalty, cfg.penalty_rate)
    gradient = [g.copy() for g in model.grad_blocks]
    plain = readable.backward([(W.astype(np.float64), b.astype(np.float64))
                               for W, b in zip(model.weights, model.biases)],
                              x, y, cfg.activation, model.output.name, trainer.loss_name,
                              cfg.penalty, cfg.penalty_rate)
    SGD(lr).step([model.theta], [model.grad])
    after = [block.copy() for block in model.blocks]
    return Step(lr=lr, label=int(label), before=before, gradient=gradient,
                change=[a - b for a, b in zip(after, before)], after=after,
                loss_before=float(loss_before),
                loss_after=float(model.loss(x, y, trainer.loss_name, cfg.penalty,
                                            cfg.penalty_rate)),
                p_before=p_before, p_after=float(model.forward(x)[0, 0]),
                readable_gradient=[np.vstack([dW, db]) for dW, db in plain])


def block_row_names(trainer: Trainer, layer: int) -> list[str]:
    """Row labels of a layer's parameter block: its inputs, then "bias"."""
    if layer == 0:
        inputs = list(trainer.input_names)
    else:
        inputs = [f"h{layer}.{k + 1}" for k in range(trainer.model.sizes[layer])]
    return inputs + ["bias"]


def block_column_names(trainer: Trainer, layer: int) -> list[str]:
    """Column labels of a layer's parameter block: the units the layer feeds."""
    if layer == trainer.model.n_layers - 1:
        return ["output"]
    return [f"h{layer + 1}.{k + 1}" for k in range(trainer.model.sizes[layer + 1])]


# -- results of a run -----------------------------------------------------------------------------
def p_dog(trainer: Trainer, split: str, model: MLP | None = None) -> np.ndarray:
    """P(dog) for every animal of a split ('train' or 'test'), shape (n,)."""
    if split not in SPLITS:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    model = trainer.model if model is None else model
    X = trainer.X_train if split == "train" else trainer.X_test
    return model.forward(X)[:, 0].astype(np.float64)


def labels(trainer: Trainer, split: str) -> np.ndarray:
    """The 0/1 labels of a split."""
    data = trainer.dataset
    return np.asarray(data.y_train if split == "train" else data.y_test)


def confusion(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int = 2) -> np.ndarray:
    """Counts of (true class, predicted class): rows are the truth, columns the prediction.

    Returns
    -------
    ndarray of int64, shape (n_classes, n_classes)
        Sums to the number of examples; the diagonal holds the right answers.
    """
    y_true, y_pred = np.asarray(y_true, np.int64), np.asarray(y_pred, np.int64)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred differ in shape: {y_true.shape} vs {y_pred.shape}")
    counts = np.zeros((n_classes, n_classes), np.int64)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


def confusions(trainer: Trainer) -> dict:
    """Confusion matrix of each split ('train', 'test') at a threshold of P(dog) = 0.5."""
    return {split: confusion(labels(trainer, split), (p_dog(trainer, split) > 0.5).astype(int))
            for split in SPLITS}


@dataclass(frozen=True)
class Wrong:
    """One animal and how sure the network is of the wrong answer."""

    split: str
    index: int
    name: str
    label: int
    p_dog: float

    @property
    def p_label(self) -> float:
        """Probability the network gives the true class."""
        return self.p_dog if self.label == 1 else 1.0 - self.p_dog


def most_wrong(trainer: Trainer, k: int = 10) -> list[Wrong]:
    """The k animals (training and test) with the lowest probability for their true class.

    Misclassified animals come first because their P(true class) is below 0.5; when the network
    gets fewer than k wrong, the list goes on with the ones it is least sure of.
    """
    rows = []
    for split in SPLITS:
        names = (trainer.dataset.names_train if split == "train" else trainer.dataset.names_test)
        p, y = p_dog(trainer, split), labels(trainer, split)
        for i in range(len(y)):
            rows.append(Wrong(split, i, names[i] if names else f"#{i}", int(y[i]), float(p[i])))
    rows.sort(key=lambda r: (r.p_label, r.split, r.index))
    return rows[:k]


# -- typed-in measurements ------------------------------------------------------------------------
def parse_number(text: str) -> float:
    """A typed measurement as a float; ValueError with a message for the user otherwise.

    The number rule is ``text``'s (rule 2 there), with a decimal comma allowed ("4,5"): plain
    decimals with an optional exponent, within +-``MAX_MAGNITUDE`` (1e308 would make every
    layer's values nan). Never evaluates the text.
    """
    problem = number_problem(text or "", decimal_comma=True)
    if problem == "is empty":
        raise ValueError("is empty: type a number such as 4.5")
    if problem:
        hint = ": type a number such as 4.5" if problem == "is not a number" else ""
        raise ValueError(f"“{(text or '').strip()[:40]}” {problem}{hint}")
    return parse_text_number(text, decimal_comma=True)


def parse_measurements(texts: Sequence[str], names: Sequence[str],
                       label: Callable[[str], str] = str) -> tuple[np.ndarray | None, list[str]]:
    """Read one typed value per feature.

    Returns
    -------
    values : ndarray of float64, shape (features,), or None if any value is bad
    errors : list of str
        One message per bad value, naming the feature (through ``label``).
    """
    values, errors = [], []
    for text, name in zip(texts, names):
        try:
            values.append(parse_number(text))
        except ValueError as problem:
            errors.append(f"{label(name)} {problem}.")
    if errors:
        return None, errors
    return np.array(values, dtype=np.float64), []


@dataclass(frozen=True)
class OutOfRange:
    """A measurement outside the range of the training data on that feature."""

    feature: str
    value: float
    low: float
    high: float


def outside_seen(trainer: Trainer, x_raw) -> list[OutOfRange]:
    """The features on which an example lies outside what the network was trained on.

    The network's output there is an extrapolation: nothing in training constrained it.
    """
    X = trainer.dataset.X_train
    low, high = X.min(axis=0), X.max(axis=0)
    x = _one_row(x_raw)[0]
    return [OutOfRange(name, float(v), float(lo), float(hi))
            for name, v, lo, hi in zip(trainer.dataset.feature_names, x, low, high)
            if not lo <= v <= hi]
