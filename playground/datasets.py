"""The data layer: toy 2-D problems, the shipped cat/dog table and user-uploaded CSV files.

Every dataset ends as a :class:`Dataset`: raw (unscaled) float64 features, batch-first
``(samples, features)``, split into a training and a test part. Classification labels are int64
class indices, regression targets float64. What the module offers:

* ``DATASETS`` - the read-only catalogue the widgets list; ``make_dataset`` builds any entry.
  The toy sets follow the TensorFlow playground (its ``src/dataset.ts``): points in about
  ``[-6, 6]^2``, binary labels coloured blue (class 0) and orange (class 1).
* ``DERIVED_FEATURES`` / ``derive_features`` - the playground's extra inputs (x1^2, sin x1 ...).
* ``Standardizer`` - z-scores fitted on the training part only.
* ``load_catdog`` - the synthetic cat/dog table (``data/catdog.csv``, see ``data/CATDOG.md``).
* ``load_csv`` / ``dataset_from_table`` - an uploaded CSV, checked so that every problem ends in
  one :class:`DataError` that names the problem, the row and the column.

Left out on purpose: scaling inside the datasets (the caller decides, with ``Standardizer``),
mini-batching and per-epoch shuffling (the trainer's job), images or other file types, any
caching across users (the one cache here holds the read-only shipped file), and Streamlit.
Every random draw comes from ``np.random.default_rng(seed)``, so equal seeds give equal data.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import json
import numbers
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Mapping, NamedTuple, Sequence

import numpy as np
import pandas as pd
from sklearn.datasets import make_blobs, make_moons
from sklearn.model_selection import train_test_split

from playground.text import (INFINITE_WORDS, MAX_MAGNITUDE, MISSING_WORDS, NUMBER, TextError,
                             count, decode as decode_text, name_problem, number_problem, quote)

# Inclusive ranges of the make_dataset arguments; config.FIELDS takes a run's ranges of these
# settings from here, and the pages' controls (control_specs) stay inside them.
PARAM_RANGES: Mapping[str, tuple[float, float]] = MappingProxyType(
    {
        "n_samples": (50, 5000),
        "noise": (0.0, 0.5),
        "label_noise": (0.0, 0.3),
        "train_ratio": (0.1, 0.9),
        "n_classes": (3, 5),
    }
)

# Binary toy sets use the TensorFlow playground's two colours; blobs continue in the d3
# category10 order so that a class keeps its colour name whatever the number of classes.
CLASS_COLOURS = ("blue", "orange", "green", "red", "purple")

DERIVED_FEATURES: Mapping[str, Callable[[np.ndarray], np.ndarray]] = MappingProxyType(
    {
        "x1^2": lambda X: X[:, 0] ** 2,
        "x2^2": lambda X: X[:, 1] ** 2,
        "x1*x2": lambda X: X[:, 0] * X[:, 1],
        "sin x1": lambda X: np.sin(X[:, 0]),
        "sin x2": lambda X: np.sin(X[:, 1]),
    }
)

CATDOG_PATH = Path(__file__).resolve().parent.parent / "data" / "catdog.csv"
CATDOG_FEATURES = (
    "body_mass_kg",
    "shoulder_height_cm",
    "skull_width_cm",
    "snout_length_cm",
    "ear_length_cm",
    "tail_length_cm",
)
CATDOG_LABEL = "species"
_UNITS = {"kg": "kg", "cm": "cm"}


def feature_label(name: str) -> str:
    """A column name for people: ``body_mass_kg`` -> ``body mass (kg)``."""
    stem, _, unit = name.rpartition("_")
    if stem and unit in _UNITS:
        return f"{stem.replace('_', ' ')} ({_UNITS[unit]})"
    return name.replace("_", " ")
CATDOG_NAME = "name"
CATDOG_CLASSES = ("cat", "dog")

# An uploaded table needs enough rows that both the training and the test part hold each class.
MIN_ROWS = 10
MIN_ROWS_PER_CLASS = 2


class DataError(ValueError):
    """One clear message for the user, naming the problem and the row/column."""


@dataclass(frozen=True)
class DatasetSpec:
    """One catalogue entry: what the widgets show and what task the data poses."""

    key: str
    label: str
    task: str
    description: str
    two_d: bool


@dataclass(frozen=True, eq=False)  # eq=False: comparing arrays field by field is ambiguous
class Dataset:
    """A split dataset. Arrays are read-only so that a cached copy cannot be changed by a user.

    Attributes
    ----------
    X_train, X_test : ndarray of float64, shape (n_train, d) / (n_test, d)
        Raw features, not scaled.
    y_train, y_test : ndarray, shape (n_train,) / (n_test,)
        int64 class indices into ``class_names``, or float64 targets for regression.
    feature_names : tuple of str
        One name per column of ``X``.
    class_names : tuple of str or None
        Class index -> name; None for regression.
    names_train, names_test : tuple of str or None
        Per-row names (the breed, for the cat/dog table), else None.
    """

    key: str
    task: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...] | None
    names_train: tuple[str, ...] | None = None
    names_test: tuple[str, ...] | None = None

    @property
    def n_classes(self) -> int:
        """Number of classes; 1 for regression (one output)."""
        return len(self.class_names) if self.class_names else 1


@dataclass(frozen=True)
class Table:
    """A checked, uploaded table: numeric float64 features and a clean label column.

    For classification the label column holds the class names as strings (numeric labels such
    as 0/1 become "0"/"1"); for regression it holds float64 targets.
    """

    df: pd.DataFrame
    feature_columns: tuple[str, ...]
    label_column: str
    task: str
    class_names: tuple[str, ...] | None
    notes: tuple[str, ...] = ()  # what the loader did that the user should know (plain text)


class _Raw(NamedTuple):
    """Unsplit data on its way to a Dataset."""

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...] | None
    names: np.ndarray | None


# --------------------------------------------------------------------------- toy generators
# Each takes (n, n_classes, rng) and returns clean points X (n, 2) and labels y (n,). Noise is
# added afterwards by _jitter, the same way for all of them.


def _sk_seed(rng: np.random.Generator) -> int:
    """An int random_state for scikit-learn, drawn from our Generator."""
    return int(rng.integers(0, 2**31 - 1))


def _halves(n: int) -> tuple[int, int]:
    return n // 2, n - n // 2


def _two_labels(n: int) -> np.ndarray:
    return np.repeat([0, 1], _halves(n))


def _polar(r: np.ndarray, angle: np.ndarray) -> np.ndarray:
    return np.column_stack([r * np.sin(angle), r * np.cos(angle)])


def _circle(n: int, n_classes: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    # A filled disc of radius 2.5 inside a ring from 3.5 to 5, as in the playground; radii are
    # uniform (not area-uniform), so points crowd the centre just like the original.
    # make_circles would give two thin rings instead of a filled disc.
    n_in, n_out = _halves(n)
    r = np.concatenate([rng.uniform(0.0, 2.5, n_in), rng.uniform(3.5, 5.0, n_out)])
    return _polar(r, rng.uniform(0.0, 2 * np.pi, n)), _two_labels(n)


def _away_from_zero(v: np.ndarray, padding: float) -> np.ndarray:
    # Pushing points off the boundary leaves an empty margin, so noise 0 is separable.
    return v + np.where(v > 0, padding, -padding)


def _xor(n: int, n_classes: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    X = _away_from_zero(rng.uniform(-5.0, 5.0, (n, 2)), 0.3)
    return X, (X[:, 0] * X[:, 1] < 0).astype(np.int64)


def _gauss(n: int, n_classes: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    # Variance 0.5 is the playground's value at noise 0.
    return make_blobs(
        n_samples=list(_halves(n)),
        centers=[[2.0, 2.0], [-2.0, -2.0]],
        cluster_std=np.sqrt(0.5),
        random_state=_sk_seed(rng),
    )


def _spiral(n: int, n_classes: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    def arm(m: int, phase: float) -> np.ndarray:
        t = np.arange(m) / m
        return _polar(5.0 * t, 1.75 * 2 * np.pi * t + phase)  # 1.75 turns out to radius 5

    n0, n1 = _halves(n)
    return np.vstack([arm(n0, 0.0), arm(n1, np.pi)]), _two_labels(n)


def _moons(n: int, n_classes: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    X, y = make_moons(n_samples=_halves(n), noise=0.0, random_state=_sk_seed(rng))
    # make_moons spans x in [-1, 2], y in [-0.5, 1]; centre it and stretch to about +-5.
    return (X - [0.5, 0.25]) * 3.5, y


def _linear(n: int, n_classes: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    # A line through the origin at a random angle, with the xor set's margin, so that one
    # neuron can separate it exactly (make_classification's clusters may overlap instead).
    angle = rng.uniform(0.0, np.pi)
    normal = np.array([np.cos(angle), np.sin(angle)])
    X = rng.uniform(-5.0, 5.0, (n, 2))
    distance = X @ normal
    X += np.outer(_away_from_zero(distance, 0.3) - distance, normal)
    return X, (X @ normal < 0).astype(np.int64)


def _blobs(n: int, n_classes: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    # Centres evenly spaced on a circle (randomly turned) so no two clusters sit on each other.
    angles = rng.uniform(0.0, 2 * np.pi) + 2 * np.pi * np.arange(n_classes) / n_classes
    centers = _polar(np.full(n_classes, 3.5), angles)
    return make_blobs(n_samples=n, centers=centers, cluster_std=1.0, random_state=_sk_seed(rng))


def _plane(n: int, n_classes: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    X = rng.uniform(-6.0, 6.0, (n, 2))
    return X, (X[:, 0] + X[:, 1]) / 10.0  # the playground maps x1 + x2 in [-10, 10] to [-1, 1]


# Six bumps of alternating sign; each point takes the bump with the largest |value|.
_BUMPS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1],  # centre x, centre y, sign
                   [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]])


def _multi_gauss(n: int, n_classes: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    X = rng.uniform(-6.0, 6.0, (n, 2))
    distance = np.linalg.norm(X[:, None, :] - _BUMPS[None, :, :2], axis=2)  # (n, 6)
    values = _BUMPS[:, 2] * np.clip(1.0 - distance / 2.0, 0.0, 1.0)  # 1 at a centre, 0 from 2 on
    strongest = np.argmax(np.abs(values), axis=1)
    return X, values[np.arange(n), strongest]


class _Toy(NamedTuple):
    """A toy generator and its radius R: noise moves a point by up to noise * R per axis."""

    generate: Callable[[int, int, np.random.Generator], tuple[np.ndarray, np.ndarray]]
    radius: float


_TOYS: Mapping[str, _Toy] = MappingProxyType(
    {
        "circle": _Toy(_circle, 5.0),
        "xor": _Toy(_xor, 5.0),
        "gauss": _Toy(_gauss, 5.0),
        "spiral": _Toy(_spiral, 5.0),
        "moons": _Toy(_moons, 5.0),
        "linear": _Toy(_linear, 5.0),
        "blobs": _Toy(_blobs, 5.0),
        "plane": _Toy(_plane, 6.0),
        "multi_gauss": _Toy(_multi_gauss, 6.0),
    }
)

DATASETS: Mapping[str, DatasetSpec] = MappingProxyType(
    {
        spec.key: spec
        for spec in (
            DatasetSpec("circle", "Circle", "binary",
                        "A blue disc inside an orange ring: no straight line splits them; "
                        "try x1^2 and x2^2 or a hidden layer.", True),
            DatasetSpec("xor", "Exclusive or", "binary",
                        "Blue where x1 and x2 share a sign: the product x1*x2 solves it, "
                        "one neuron on x1, x2 cannot.", True),
            DatasetSpec("gauss", "Two Gaussians", "binary",
                        "Two round clouds: a straight line separates them until noise makes "
                        "them overlap.", True),
            DatasetSpec("spiral", "Spiral", "binary",
                        "Two interleaved spirals: the hardest toy set; needs several layers or "
                        "the sine features.", True),
            DatasetSpec("moons", "Two moons", "binary",
                        "Two interlocking half-moons (scikit-learn's make_moons): a gently "
                        "curved boundary.", True),
            DatasetSpec("linear", "Linear", "binary",
                        "Two classes on either side of a straight line: a single neuron is "
                        "enough.", True),
            DatasetSpec("blobs", "Blobs", "multiclass",
                        "3 to 5 clusters around a circle, one class each: softmax output with "
                        "one unit per class.", True),
            DatasetSpec("plane", "Plane", "regression",
                        "Regression: the target rises evenly along x1 + x2; a linear model "
                        "fits it exactly.", True),
            DatasetSpec("multi_gauss", "Six bumps", "regression",
                        "Regression: six bumps of alternating sign; a hidden layer has to "
                        "build each bump.", True),
            DatasetSpec("catdog", "Cats and dogs", "binary",
                        "Cat or dog from six body measurements (synthetic): no single one "
                        "separates them; combined, they do.", False),
        )
    }
)


# --------------------------------------------------------------------------- shared helpers


def _check_range(name: str, value: object) -> None:
    """Raise ValueError naming ``name`` unless ``value`` is a number in PARAM_RANGES[name]."""
    low, high = PARAM_RANGES[name]
    kind = numbers.Integral if isinstance(low, int) else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind) or not low <= value <= high:
        noun = "a whole number" if kind is numbers.Integral else "a number"
        raise ValueError(f"{name} must be {noun} between {low} and {high}, got {value!r}")


def _select_columns(requested: Sequence[str] | None, available: Sequence[str]) -> tuple[str, ...]:
    """The requested feature columns (default: all), checked against ``available``."""
    if requested is None:
        return tuple(available)
    if isinstance(requested, str):
        raise DataError(f"columns must be a list of column names, not the string {requested!r}")
    chosen = tuple(requested)
    unknown = [c for c in chosen if c not in available]
    if unknown:
        raise DataError(f"unknown feature column {unknown[0]!r}; choose from: "
                        f"{', '.join(available)}")
    if not chosen:
        raise DataError(f"choose at least one feature column from: {', '.join(available)}")
    if len(set(chosen)) < len(chosen):
        raise DataError(f"a feature column is chosen twice: {', '.join(chosen)}")
    return chosen


def _jitter(shape: tuple[int, ...], scale: float, rng: np.random.Generator) -> np.ndarray:
    # Uniform like the playground, and drawn even at noise 0: the stream of draws then does
    # not depend on the noise level, so moving the noise slider moves the same points further.
    return rng.uniform(-1.0, 1.0, shape) * scale


def _split(y: np.ndarray, n_classes: int, stratify: bool, train_ratio: float,
           rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Train and test row indices; stratified for classification."""
    n = len(y)
    # Tiny uploaded tables: keep at least one row per class on each side.
    n_train = int(np.clip(round(train_ratio * n), n_classes, n - n_classes))
    try:
        return train_test_split(np.arange(n), train_size=n_train,
                                stratify=y if stratify else None, random_state=_sk_seed(rng))
    except ValueError as error:
        raise DataError(f"cannot split {n} rows into training and test parts: {error}") from None


def _flip_labels(y: np.ndarray, fraction: float, n_classes: int,
                 rng: np.random.Generator) -> np.ndarray:
    """Move round(fraction * n) labels to another class (binary: 0 <-> 1)."""
    # Draw the order and the shifts for every row whatever the fraction: a higher fraction then
    # flips a superset of the rows a lower one flips.
    order = rng.permutation(len(y))
    shift = rng.integers(1, n_classes, size=len(y))
    chosen = order[: round(fraction * len(y))]
    flipped = y.copy()
    flipped[chosen] = (y[chosen] + shift[chosen]) % n_classes
    return flipped


def _readonly(a: np.ndarray, dtype: type) -> np.ndarray:
    a = np.array(a, dtype=dtype, order="C")  # always a copy, never a view on caller data
    a.flags.writeable = False
    return a


def _assemble(key: str, task: str, raw: _Raw, train_ratio: float, label_noise: float,
              rng: np.random.Generator) -> Dataset:
    """Split, add label noise to the training labels, freeze."""
    classify = raw.class_names is not None
    n_classes = len(raw.class_names) if classify else 1
    train, test = _split(raw.y, n_classes, classify, train_ratio, rng)
    y_train = raw.y[train]
    if classify:
        # Test labels stay clean, so the test score keeps measuring the true rule.
        y_train = _flip_labels(y_train, label_noise, n_classes, rng)
    y_type = np.int64 if classify else np.float64
    names = None if raw.names is None else np.asarray(raw.names, dtype=object)
    return Dataset(
        key=key,
        task=task,
        X_train=_readonly(raw.X[train], np.float64),
        y_train=_readonly(y_train, y_type),
        X_test=_readonly(raw.X[test], np.float64),
        y_test=_readonly(raw.y[test], y_type),
        feature_names=tuple(raw.feature_names),
        class_names=raw.class_names,
        names_train=None if names is None else tuple(names[train]),
        names_test=None if names is None else tuple(names[test]),
    )


# --------------------------------------------------------------------------- building datasets


def _toy_raw(key: str, n_samples: int, noise: float, n_classes: int,
             rng: np.random.Generator) -> _Raw:
    toy = _TOYS[key]
    X, y = toy.generate(n_samples, n_classes, rng)
    X = np.asarray(X, dtype=np.float64) + _jitter((n_samples, 2), noise * toy.radius, rng)
    task = DATASETS[key].task
    names = {"binary": CLASS_COLOURS[:2], "multiclass": CLASS_COLOURS[:n_classes],
             "regression": None}[task]
    return _Raw(X, np.asarray(y), ("x1", "x2"), names, None)


def _table_raw(table: Table, columns: Sequence[str] | None,
               names: np.ndarray | None = None) -> _Raw:
    chosen = _select_columns(columns, table.feature_columns)
    X = table.df[list(chosen)].to_numpy(dtype=np.float64)
    labels = table.df[table.label_column]
    if table.class_names is None:
        return _Raw(X, labels.to_numpy(dtype=np.float64), chosen, None, names)
    codes = pd.Categorical(labels.astype(str), categories=list(table.class_names)).codes
    if (codes < 0).any():
        row = int(np.argmax(codes < 0))
        raise DataError(f"label {_show(labels.iloc[row])} in {_where(row, table.label_column)} "
                        f"is not one of the classes {', '.join(table.class_names)}")
    return _Raw(X, codes.astype(np.int64), chosen, table.class_names, names)


def make_dataset(key: str, *, n_samples: int = 500, noise: float = 0.0,
                 label_noise: float = 0.0, train_ratio: float = 0.5, seed: int = 0,
                 n_classes: int = 3, columns: Sequence[str] | None = None) -> Dataset:
    """Build the catalogue entry ``key``, split into training and test parts.

    Parameters
    ----------
    key : str
        A key of ``DATASETS``.
    n_samples : int, 50..5000
        Number of points, training and test together (toy sets only).
    noise : float, 0..0.5
        Toy sets only: every point moves by a uniform amount of up to ``noise * R`` along each
        axis, R being the data radius (5, or 6 for the regression sets), as in the playground.
    label_noise : float, 0..0.3
        Fraction of the *training* labels moved to another class (binary: 0 <-> 1; multiclass:
        a random other class). Test labels stay clean. Ignored for regression.
    train_ratio : float, 0.1..0.9
        Share of the rows in the training part: ``round(train_ratio * n)`` rows. The split is
        stratified for classification.
    seed : int
        Seeds the one ``np.random.Generator`` all draws come from.
    n_classes : int, 3..5
        Number of classes of the "blobs" set (checked always, used only there).
    columns : sequence of str, optional
        "catdog" only: which of ``CATDOG_FEATURES`` to use, in this order (default: all).

    Returns
    -------
    Dataset
        Raw, unscaled features; the "catdog" set carries the breed per row.

    Notes
    -----
    "catdog" reads the shipped table, so ``n_samples`` and ``noise`` do not apply to it (the
    ~600 animals are used as they are); ``label_noise``, ``train_ratio`` and ``seed`` do.

    Raises
    ------
    ValueError
        An unknown key, or an argument out of range (the message names the argument).
    """
    if key not in DATASETS:
        raise ValueError(f"unknown dataset {key!r}; choose from: {', '.join(DATASETS)}")
    for name, value in (("n_samples", n_samples), ("noise", noise), ("label_noise", label_noise),
                        ("train_ratio", train_ratio), ("n_classes", n_classes)):
        _check_range(name, value)
    rng = np.random.default_rng(seed)
    spec = DATASETS[key]
    if spec.two_d:
        raw = _toy_raw(key, n_samples, noise, n_classes, rng)
    else:
        frame = load_catdog()
        raw = _table_raw(_catdog_table(frame), columns, frame[CATDOG_NAME].to_numpy())
    return _assemble(key, spec.task, raw, train_ratio, label_noise, rng)


def derive_features(X: np.ndarray, derived: Sequence[str]) -> np.ndarray:
    """Append the named DERIVED_FEATURES to the base coordinates.

    Parameters
    ----------
    X : array_like, shape (n, 2)
        Base coordinates x1, x2.
    derived : sequence of str
        Keys of ``DERIVED_FEATURES``, in the order the columns should appear.

    Returns
    -------
    ndarray of float64, shape (n, 2 + len(derived))

    Raises
    ------
    ValueError
        ``X`` is not (n, 2), or a name is unknown (the message lists the allowed names).
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n, 2), got {X.shape}")
    if isinstance(derived, str):
        raise ValueError(f"derived must be a list of names, not the string {derived!r}")
    for name in derived:
        if name not in DERIVED_FEATURES:
            raise ValueError(f"unknown derived feature {name!r}; choose from: "
                             f"{', '.join(DERIVED_FEATURES)}")
    return np.column_stack([X] + [DERIVED_FEATURES[name](X) for name in derived])


class Standardizer:
    """Z-scores per column: ``(X - mean_) / scale_``, with mean and scale from ``fit``.

    Fit it on the training part only, so nothing about the test part leaks into training.
    A constant column gets ``scale_ = 1`` (it becomes all zeros instead of NaN).

    Attributes
    ----------
    mean_, scale_ : ndarray of float64, shape (d,)
        Column means and population standard deviations; None before ``fit``.
    """

    def __init__(self) -> None:
        self.mean_: np.ndarray | None = None
        self.scale_: np.ndarray | None = None

    def fit(self, X: np.ndarray) -> "Standardizer":
        """Learn column means and scales from ``X``, shape (n, d)."""
        X = _as_matrix(X)
        self.mean_ = X.mean(axis=0)
        scale = X.std(axis=0)
        # A constant column can come out as 1e-17 instead of 0 through rounding; treat anything
        # that small relative to the column's size as constant.
        tiny = 10 * np.finfo(np.float64).eps * np.maximum(np.abs(self.mean_), 1.0)
        self.scale_ = np.where(scale > tiny, scale, 1.0)
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Standardise ``X``, shape (n, d), with the fitted statistics; returns a new array."""
        if self.mean_ is None:
            raise RuntimeError("Standardizer.transform called before fit")
        X = _as_matrix(X)
        if X.shape[1] != self.mean_.shape[0]:
            raise ValueError(f"X has {X.shape[1]} columns, the Standardizer was fitted on "
                             f"{self.mean_.shape[0]}")
        return (X - self.mean_) / self.scale_


def _as_matrix(X: np.ndarray) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"X must have shape (n, d) with n >= 1, got {X.shape}")
    return X


# --------------------------------------------------------------------------- cat/dog table


@functools.lru_cache(maxsize=1)
def _read_catdog() -> pd.DataFrame:
    # Cached once per process; callers only ever get copies (load_catdog), so it stays as read.
    frame = pd.read_csv(CATDOG_PATH)
    expected = (CATDOG_NAME, CATDOG_LABEL) + CATDOG_FEATURES
    if tuple(frame.columns) != expected:
        raise DataError(f"{CATDOG_PATH} has columns {tuple(frame.columns)}, expected {expected}; "
                        "regenerate it with scripts/make_catdog.py")
    return frame


def training_rows(key: str, n_samples: int, train_ratio: float) -> int:
    """How many training rows the pages count on for the batch-size slider (at least 2).

    ``n_samples`` counts for the 2-D datasets; the cat/dog table has its own size. Not for an
    uploaded CSV, whose size only the upload knows.
    """
    n = len(_read_catdog()) if key == "catdog" else n_samples
    return max(2, round(n * train_ratio))


def load_catdog() -> pd.DataFrame:
    """The shipped cat/dog table (``data/catdog.csv``) as a fresh DataFrame.

    Columns: ``name`` (breed), ``species`` ("cat"/"dog"), then ``CATDOG_FEATURES`` in real
    units. See ``data/CATDOG.md`` for how it was generated.
    """
    return _read_catdog().copy()


def _catdog_table(frame: pd.DataFrame) -> Table:
    return Table(frame, CATDOG_FEATURES, CATDOG_LABEL, "binary", CATDOG_CLASSES)


# --------------------------------------------------------------------------- uploaded CSV


def _where(row: int, column: str) -> str:
    """Name a cell for a person holding the file: both numberings, said which is which."""
    return (f"column {column!r}, data row {row + 1} (spreadsheet row {row + 2}, "
            f"counting the header as row 1)")


MAX_LINE_CHARS = 20_000
"""Longest line a CSV upload may have: 50 columns of long numbers take ~1,500 characters; a
longer line is a different kind of file (or one huge quoted cell)."""


def _decode(data: bytes, max_bytes: int) -> str:
    """The file's text by ``text.decode`` (BOMs, line endings, binary files), size first."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be the file's bytes, got {type(data).__name__}")
    if len(data) > max_bytes:  # before any copy or decoding
        raise DataError(f"the file is too large: {len(data):,} bytes, the limit is "
                        f"{max_bytes:,} bytes")
    try:
        text = decode_text(data, save_as="'CSV UTF-8'")
    except TextError as err:
        raise DataError(str(err)) from None
    if not text.strip():
        raise DataError("the file is empty")
    return text


@dataclass(frozen=True)
class CsvRows:
    """A CSV file read as text, every limit checked: the header, the data rows (lists of
    strings, blank lines left out) and notes for the user."""

    header: tuple
    rows: list
    notes: tuple = ()


INDEX_NOTE = ("The first column has no name in the header: it is read as the row numbers "
              "pandas writes (DataFrame.to_csv without index=False) and left out.")
SEP_NOTE = "The first line, sep=',', is Excel's hint of the separator: left out."


def _empty_columns_note(n: int) -> str:
    which = "The last column has" if n == 1 else f"The last {n} columns have"
    return f"{which} no name and no values (a spreadsheet's trailing commas): left out."


def _empty_rows_note(n: int) -> str:
    return (f"{count(n, 'row')} with no values (only commas, as a spreadsheet writes rows it "
            f"once used) {'was' if n == 1 else 'were'} left out.")


def _has_data(row: list) -> bool:
    """A row that holds a value: blank lines and rows of empty cells (',,,') do not."""
    return any(cell.strip() for cell in row)


def read_csv_rows(data: bytes, *, max_bytes: int = 5_000_000, max_columns: int = 50,
                  max_rows: int = 5000) -> CsvRows:
    """Read an uploaded CSV's cells as strings, checking the limits before the costly work.

    In order, each in time linear in the file: its size (before decoding), its text
    (``text.decode``), the header line alone (its number of columns, its names), the longest
    line, then the rows, stopping at ``max_rows + 1``. A first column with an empty name is a
    pandas index column: dropped, with ``INDEX_NOTE``. What spreadsheets add is left out with
    a note: Excel's ``sep=,`` first line, rows of empty cells (``,,,``: rows once used) and
    trailing columns with no name and no values (a comma ending every line); a trailing
    unnamed column that holds a value is refused like any unnamed column. Cells are not
    interpreted here.
    """
    text = _decode(data, max_bytes)
    _not_a_table(text)
    notes = []
    if re.match(r"sep=,[ \t]*\n", text):  # Excel's separator hint (its ';' spelling is refused)
        text = text[text.index("\n"):]  # a blank line now: the lines keep their numbers
        notes.append(SEP_NOTE)
    reader = csv.reader(io.StringIO(_fewer_blank_lines(text, max_rows)))
    try:
        header = next(row for row in reader if row)
    except StopIteration:
        raise DataError("the file is empty: it holds no header line") from None
    except csv.Error as error:
        raise DataError(f"could not read the CSV header (line 1): {_csv_error(error)}") from None
    if not any(name.strip() for name in header):
        raise DataError("the first line holds no column names (only commas); it must name "
                        "the columns, e.g. x1,x2,label")
    index = len(header) > 1 and header[0].strip() == ""
    if index:
        notes.append(INDEX_NOTE)
    # Trailing columns without a name are checked after the rows: empty ones are left out.
    named = header[index:]
    trailing = len(named) - len(list(itertools.dropwhile(lambda n: not n.strip(),
                                                         reversed(named))))
    _check_header(header[:len(header) - trailing] if trailing <= max_columns else header,
                  max_columns, skip=int(index))
    _check_line_length(text)
    skipped = []
    try:  # at most one row more than allowed: enough to tell "too many" apart
        rows = list(itertools.islice(_rows_with_data(reader, skipped), max_rows + 1))
    except csv.Error as error:
        raise DataError(f"could not read the CSV: line {reader.line_num} of the file: "
                        f"{_csv_error(error)}") from None
    if len(rows) > max_rows:
        raise DataError(f"the file has too many rows: more than {max_rows:,} data rows, the "
                        f"limit is {max_rows:,}")
    ragged = next((i for i, row in enumerate(rows) if len(row) != len(header)), None)
    if ragged is not None:
        line = _line_of(text, ragged)
        raise DataError(f"could not read the CSV: line {line} of the file (spreadsheet row "
                        f"{line}) has {len(rows[ragged])} fields, the header has {len(header)}")
    if trailing:
        _check_trailing(header, rows, trailing, max_columns, int(index))
        notes.append(_empty_columns_note(trailing))
    if skipped[0]:
        notes.append(_empty_rows_note(skipped[0]))
    stop = len(header) - trailing
    if index or trailing:
        rows = [row[int(index):stop] for row in rows]
    return CsvRows(tuple(header[int(index):stop]), rows, tuple(notes))


def _fewer_blank_lines(text: str, max_rows: int) -> str:
    """``text`` with runs of blank lines made one, when it holds more of them than rows.

    The reader passes a blank line over at Python speed (5 MB of them took 1.5 s of CPU, twice
    per upload); this is C speed. Normal files are read as they are: the line numbers the
    reader's own errors quote (rare: a stray quote) are then the file's. A quoted cell's blank
    lines are collapsed too, but such a cell is never a number or a class name.
    """
    if text.count("\n\n") <= max_rows:
        return text
    return re.sub(r"\n\n+", "\n", text)


def _rows_with_data(reader, skipped: list):
    """The rows that hold a value; ``skipped[0]`` counts the rows of empty cells passed over
    (blank lines are not counted: nobody sees them as rows)."""
    skipped.append(0)
    for row in reader:
        if _has_data(row):
            yield row
        elif row:
            skipped[0] += 1


def _check_trailing(header, rows, trailing, max_columns, skip):
    """Unnamed trailing columns must be empty: one holding a value needs a name."""
    for j in range(len(header) - trailing, len(header)):
        if any(row[j].strip() for row in rows):
            _check_header(header, max_columns, skip)  # names the column without a name


def _line_of(text: str, index: int) -> int:
    """The file line on which data row ``index`` ends (blank lines and quoted line breaks
    counted), found again only when a message needs it."""
    reader = csv.reader(io.StringIO(text))
    next(row for row in reader if row)
    for i, _ in enumerate(filter(_has_data, reader)):
        if i == index:
            return reader.line_num
    return reader.line_num


def _not_a_table(text: str) -> None:
    """Name the text files people pick by mistake: JSON (a saved model) and web pages."""
    start = text.lstrip()[:15].lower()
    if start[:1] in ("{", "["):
        try:
            json.loads(text)
        except ValueError:
            return  # not JSON after all: let the CSV reader speak
        raise DataError("this is a JSON file, not a CSV table (a model saved here opens under "
                        "'Open a model')")
    if start.startswith(("<!doctype html", "<html")):
        raise DataError("this is a web page (HTML), not a CSV table; save the table itself as "
                        "'CSV UTF-8'")


def _csv_error(error: csv.Error) -> str:
    if "field larger than field limit" in str(error):
        return f"a cell is longer than {csv.field_size_limit():,} characters"
    return str(error)


def _check_header(header: list, max_columns: int, skip: int) -> None:
    if len(header) - skip > max_columns:
        raise DataError(f"the file has too many columns: {len(header) - skip:,}, the limit is "
                        f"{max_columns}")
    if len(header) == 1:
        name = header[0]
        for mark, what in ((";", "semicolons (';'), as Excel saves CSV where the comma is the "
                                 "decimal mark"), ("\t", "tabs")):
            if mark in name:
                raise DataError(f"the file has only one column: its header line is separated by "
                                f"{what}; save it with commas between the columns and '.' as "
                                "the decimal point")
    seen = {}
    for position, name in enumerate(header[skip:], start=skip + 1):
        problem = name_problem(name)
        if problem:
            raise DataError(f"column {position}'s name {quote(name)} in the header line "
                            f"{problem}; every column needs a name of visible characters")
        if name in seen:
            raise DataError(f"the header names column {name!r} twice (columns "
                            f"{seen[name]} and {position}); rename one")
        seen[name] = position


def _check_line_length(text: str) -> None:
    lengths = list(map(len, text.split("\n")))
    longest = max(lengths)
    if longest > MAX_LINE_CHARS:
        line = lengths.index(longest) + 1
        raise DataError(f"line {line} of the file is {longest:,} characters long, the limit is "
                        f"{MAX_LINE_CHARS:,}: it is not a table of at most 50 columns")


def _frame(csv_rows: CsvRows) -> pd.DataFrame:
    return pd.DataFrame(csv_rows.rows, columns=list(csv_rows.header), dtype=object)


def _check_size(df: pd.DataFrame) -> None:
    if df.empty:
        raise DataError("the file has a header but no data rows")
    if len(df) < MIN_ROWS:
        raise DataError(f"the file has too few rows: {len(df)} data rows, at least {MIN_ROWS} "
                        "are needed to train and test")


def _label_name(df: pd.DataFrame, label_column: str | None) -> str:
    label = df.columns[-1] if label_column is None else label_column
    if label not in df.columns:
        raise DataError(f"label column {label!r} not found; the columns are: "
                        f"{', '.join(map(str, df.columns))}")
    if df.shape[1] < 2:
        raise DataError(f"the file has only one column ({label!r}), so there are no features "
                        "besides the label; columns must be separated by commas")
    return label


def _numbers(cells: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A column of cell strings as float64 by the number rule (``text``), and which are not."""
    # One regex call over the joined column when every cell is a number (the usual case);
    # decoded text holds no NUL, so it cannot join two cells into one.
    if _ALL_NUMBERS.fullmatch("\0".join(cells)):
        values = pd.to_numeric(cells).to_numpy(dtype=np.float64)
        return values, ~(np.abs(values) <= MAX_MAGNITUDE)
    bad = np.array([NUMBER.fullmatch(c) is None for c in cells], dtype=bool)
    values = np.full(len(cells), np.nan)
    if (~bad).any():
        values[~bad] = pd.to_numeric(cells[~bad]).to_numpy(dtype=np.float64)
    bad |= ~(np.abs(values) <= MAX_MAGNITUDE)
    return values, bad


_ALL_NUMBERS = re.compile(f"(?:(?:{NUMBER.pattern})\0)*(?:{NUMBER.pattern})")


def _numeric_features(df: pd.DataFrame, features: tuple[str, ...], label: str) -> dict:
    """Each feature column as float64; DataError naming the first cell that is not a number."""
    parsed = {c: _numbers(df[c]) for c in features}
    bad = [c for c in features if parsed[c][1].any()]
    if not bad:
        return {c: parsed[c][0] for c in features}
    # A column of numbers with one typo is not "text": point at the typo instead.
    if len(bad) == len(features) and all(parsed[c][1].all() for c in bad):
        raise DataError(f"no numeric feature columns: besides the label {label!r} every column "
                        f"holds text ({', '.join(bad)})")
    column = bad[0]
    row = int(np.argmax(parsed[column][1]))
    raise DataError(_cell_problem(df[column].iloc[row], row, column, label=False))


def _cell_problem(cell: str, row: int, column: str, *, label: bool) -> str:
    where = _where(row, column)
    problem = number_problem(cell)
    if not cell.strip() or problem.endswith("(it marks a missing value)"):
        what = "a missing value" + (f" ({quote(cell)})" if cell.strip() else "")
    elif problem == "is not a finite number":
        what = f"a non-finite value ({quote(cell)})"
    elif problem.startswith("is beyond"):
        what = f"a value too large to train with ({quote(cell)}; at most ±{MAX_MAGNITUDE:g})"
    elif label:
        what = f"{quote(cell)}, which {problem}"
    else:
        return (f"feature column {column!r} is not numeric: {quote(cell)} in {where} {problem}; "
                "features must be numbers, so fix the cell, remove the column or choose it as "
                "the label")
    return (f"{what} in {where}; every cell must hold a finite number (or a class name in the "
            "label column)")


def _label_values(cells: pd.Series, label: str) -> pd.Series:
    """The label column: float64 if every cell is a number, else the cells as class names."""
    values, bad = _numbers(cells)
    stripped = cells.str.strip()
    missing = (stripped == "") | stripped.str.lower().isin(MISSING_WORDS)
    if missing.any():
        row = int(np.argmax(missing.to_numpy()))
        raise DataError(_cell_problem(cells.iloc[row], row, label, label=True))
    if not bad.any():
        return pd.Series(values, index=cells.index)
    numeric_looking = np.array([NUMBER.fullmatch(c) is not None for c in cells], dtype=bool)
    if numeric_looking.all() or np.isin(stripped.str.lower(), list(INFINITE_WORDS)).any():
        row = int(np.argmax(bad))  # numbers, one too large or infinite: not a class
        raise DataError(_cell_problem(cells.iloc[row], row, label, label=True))
    for name in stripped.unique():
        problem = name_problem(name)
        if problem:
            row = int(np.argmax((stripped == name).to_numpy()))
            raise DataError(f"the class name {quote(name)} in {_where(row, label)} {problem}")
    return stripped


def _show(value: object) -> str:
    """repr of a cell value without numpy's type wrapper (np.int64(1) -> 1)."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def _label_kind(values: pd.Series, label: str,
                max_classes: int) -> tuple[str, tuple[str, ...] | None]:
    """Task and class names of a checked label column."""
    distinct = values.unique()
    if len(distinct) < 2:
        raise DataError(f"the label column {label!r} holds a single class "
                        f"({_show(distinct[0])}); a model needs at least two classes (or "
                        "varying numbers) to learn from")
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if numeric:
        whole = np.all(np.mod(distinct.astype(np.float64), 1.0) == 0.0)
        if not whole or len(distinct) > max_classes:
            return "regression", None  # many distinct numbers: a quantity, not categories
        names = tuple(str(int(v)) for v in np.sort(distinct))
    else:
        if len(distinct) > max_classes:
            raise DataError(f"the label column {label!r} has too many classes: {len(distinct)} "
                            f"different values, the limit is {max_classes}")
        names = tuple(sorted(str(v) for v in distinct))
    return ("binary" if len(names) == 2 else "multiclass"), names


def _check_class_sizes(labels: pd.Series, label: str) -> None:
    counts = labels.value_counts()
    small = counts[counts < MIN_ROWS_PER_CLASS]
    if len(small):
        raise DataError(f"class {_show(small.index[0])} of the label column {label!r} has only "
                        f"{small.iloc[0]} row; each class needs at least {MIN_ROWS_PER_CLASS} "
                        "rows, one for training and one for testing")


def load_csv(data: bytes, label_column: str | None = None, *, max_rows: int = 5000,
             max_columns: int = 50, max_classes: int = 10, max_bytes: int = 5_000_000) -> Table:
    """Read and check an uploaded CSV file.

    Parameters
    ----------
    data : bytes
        The file as uploaded: text by ``text.decode`` (UTF-8, a BOM is fine, UTF-16 with its
        BOM, any line endings), comma separated, one header line. A first column with an empty
        name (pandas' index) is left out, with a note in ``Table.notes``. Numbers are spelled as
        ``text``'s number rule says. Nothing in it is ever evaluated or unpickled.
    label_column : str, optional
        The column to predict; default the last one. Every other column is a feature and must
        be numeric.
    max_rows, max_columns, max_classes, max_bytes : int
        Limits; exceeding one is a DataError, found before the work that grows with it.

    Returns
    -------
    Table
        Features as float64. A numeric label with at most ``max_classes`` whole-number values,
        or a text label, is a class label ("binary" or "multiclass", classes sorted); any other
        numeric label is a regression target.

    Raises
    ------
    DataError
        The first problem found, naming it and, where there is one, the row (data row and
        spreadsheet row) and the column.
    """
    csv_rows = read_csv_rows(data, max_bytes=max_bytes, max_columns=max_columns,
                             max_rows=max_rows)
    return table_from_rows(csv_rows, label_column, max_classes=max_classes)


def table_from_rows(csv_rows: CsvRows, label_column: str | None = None, *,
                    max_classes: int = 10, columns: Sequence[str] | None = None) -> Table:
    """``load_csv``'s checks on rows already read by ``read_csv_rows`` (see there), on
    ``columns`` only (default all; columns left out are never checked)."""
    df = _frame(csv_rows)
    if columns is not None:
        df = df[[c for c in df.columns if c in set(columns)]]
    _check_size(df)
    label = _label_name(df, label_column)
    features = tuple(c for c in df.columns if c != label)
    numbers = _numeric_features(df, features, label)
    labels = _label_values(df[label], label)
    task, class_names = _label_kind(labels, label, max_classes)
    clean = pd.DataFrame(numbers, index=df.index)
    if class_names is None:
        clean[label] = labels.astype(np.float64)
    else:
        clean[label] = _class_strings(labels)
        _check_class_sizes(clean[label], label)
    clean = clean[list(df.columns)]
    return Table(clean, features, label, task, class_names, csv_rows.notes)


def _class_strings(values: pd.Series) -> pd.Series:
    # 1.0 and 1 must both become "1", to match the class names built by _label_kind.
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    return values.map(lambda v: str(int(v))) if numeric else values.astype(str)


def dataset_from_table(table: Table, *, feature_columns: Sequence[str] | None = None,
                       train_ratio: float = 0.5, seed: int = 0,
                       label_noise: float = 0.0) -> Dataset:
    """Split a checked Table (from ``load_csv``) into a Dataset with key "csv".

    Parameters
    ----------
    table : Table
    feature_columns : sequence of str, optional
        Subset of ``table.feature_columns`` to use, in this order (default: all).
    train_ratio, seed, label_noise
        As in ``make_dataset``.

    Raises
    ------
    ValueError
        An argument out of range, or (as DataError) an unknown column.
    """
    _check_range("train_ratio", train_ratio)
    _check_range("label_noise", label_noise)
    rng = np.random.default_rng(seed)
    raw = _table_raw(table, feature_columns)
    return _assemble("csv", table.task, raw, train_ratio, label_noise, rng)
