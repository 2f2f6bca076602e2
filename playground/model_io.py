"""Saving and loading a trained model as plain, versioned JSON (never pickle, never eval).

A saved model holds everything needed to predict without the data: the config, the layer sizes,
the input pipeline (derived features and the standardisation's mean and scale), the parameters
and the last epoch's metrics. Loading validates every part against the schema (known names,
shapes, finite numbers, size limits; the bytes by ``text``'s file rule, UTF-8 or UTF-16/32 with
a byte-order mark; names by its name rule) and raises ``ModelFileError`` with one message naming
the first problem, so a bad upload changes nothing.

Left out: the training history (export it as CSV) and the optimizer's state (a loaded model
continues with a fresh optimizer).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from playground.config import FIELDS, TrainConfig
from playground.datasets import derive_features
from playground.losses import TASK_LOSSES, output_activation
from playground.network import MLP
from playground.text import TextError, count, decode, name_problem, quote

SCHEMA = "nn-playground-model"
VERSION = 1
MAX_BYTES = 5_000_000
MAX_ABS = 1e6  # no sane trained weight gets near this; bigger numbers mean a broken file


class ModelFileError(ValueError):
    """A model file that cannot be used; the message names the problem."""


@dataclass(frozen=True)
class SavedModel:
    """A model read from JSON: enough to predict, and to continue training on its own data."""

    config: TrainConfig
    task: str
    sizes: tuple
    input_names: tuple
    class_names: tuple | None
    mean: np.ndarray
    scale: np.ndarray
    params: list
    epoch: int
    metrics: dict

    def network(self) -> MLP:
        """A fresh MLP holding the saved parameters."""
        output = output_activation(self.task, self.config.loss_for(self.task))
        net = MLP(self.sizes, self.config.activation, output, self.config.dtype)
        net.set_params(self.params)
        return net

    def predict(self, X_raw: np.ndarray) -> np.ndarray:
        """Outputs for raw inputs, through the saved input pipeline."""
        X = np.asarray(X_raw, float)
        if self.config.features:
            X = derive_features(X, self.config.features)
        return self.network().forward(((X - self.mean) / self.scale).astype(self.config.dtype))


def to_dict(trainer) -> dict:
    """The JSON-ready dict of a trainer's current model."""
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "config": trainer.config.to_dict(),
        "task": trainer.task,
        "sizes": list(trainer.model.sizes),
        "input_names": list(trainer.input_names),
        "class_names": list(trainer.dataset.class_names) if trainer.dataset.class_names else None,
        "scaler": {"mean": trainer.scaler.mean_.tolist(), "scale": trainer.scaler.scale_.tolist()},
        "params": [p.astype(float).tolist() for p in trainer.model.get_params()],
        "epoch": trainer.epoch,
        "metrics": {k: (None if v != v else v) for k, v in trainer.history.last().items()},
    }


def dumps(trainer) -> str:
    """The model as a JSON string."""
    return json.dumps(to_dict(trainer), indent=1)


def loads(text: str | bytes) -> SavedModel:
    """Parse and validate a model file; ModelFileError names the first problem found."""
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            raise ModelFileError(f"the file is {len(text):,} bytes; a model file is at most "
                                 f"{MAX_BYTES:,}")
        try:
            text = decode(text, save_as="the JSON this playground downloads")
        except TextError as err:
            raise ModelFileError(str(err)) from None
    if len(text) > MAX_BYTES:
        raise ModelFileError(f"the file is too large; a model file is at most {MAX_BYTES:,} bytes")
    try:
        data = json.loads(text, parse_constant=_reject_constant, parse_int=_whole_number)
    except json.JSONDecodeError as err:
        raise ModelFileError(f"not valid JSON: {err.msg} at line {err.lineno}, column "
                             f"{err.colno}") from None
    except RecursionError:
        raise ModelFileError("not a model file: its JSON is nested too deeply to read") from None
    except ModelFileError:
        raise
    except ValueError as err:
        raise ModelFileError(f"not a model file: {err}") from None
    return from_dict(data)


MAX_DIGITS = 100  # a saved epoch, seed or size has at most 10; longer is a broken file


def _whole_number(digits: str) -> int:
    """A JSON integer; a longer one than a model file holds is refused before it is converted
    (Python's own refusal, past 4,300 digits, tells the user to call sys.set_int_max_str_digits)."""
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise ModelFileError(f"the file holds a whole number of {len(digits.lstrip('-')):,} "
                             f"digits ({quote(digits)}); no number in a model file has more "
                             f"than {MAX_DIGITS}")
    return int(digits)


def _reject_constant(name):
    raise ModelFileError(f"the file contains {name}; every number must be finite")


def from_dict(data) -> SavedModel:
    """Validate a parsed model dict (see ``loads``)."""
    if not isinstance(data, dict):
        kind = {list: "a list", str: "a string", bool: "true or false", type(None): "null",
                int: "a number", float: "a number"}.get(type(data), "something else")
        raise ModelFileError(f"a model file must hold a JSON object; this one holds {kind}")
    if data.get("schema") != SCHEMA:
        raise ModelFileError(f"not a playground model: 'schema' must be {SCHEMA!r}")
    if data.get("version") != VERSION:
        raise ModelFileError(f"unsupported model version {data.get('version')!r}; "
                             f"this playground reads version {VERSION}")
    missing = [k for k in ("config", "task", "sizes", "input_names", "scaler", "params")
               if k not in data]
    if missing:
        raise ModelFileError(f"the model file lacks {', '.join(missing)}")
    try:
        config = TrainConfig.from_dict(data["config"])
    except (ValueError, TypeError) as err:
        raise ModelFileError(f"config: {err}") from None
    task = data["task"]
    if task not in TASK_LOSSES:
        raise ModelFileError(f"task must be one of {', '.join(TASK_LOSSES)} (got {task!r})")
    try:
        config.loss_for(task)
    except ValueError as err:
        raise ModelFileError(f"config: {err}") from None
    sizes = _sizes(data["sizes"], config, task)
    names = _names(data["input_names"], sizes[0], "input_names")
    classes = data.get("class_names")
    if classes is not None:
        classes = _names(classes, sizes[-1] if task == "multiclass" else 2, "class_names")
    # The scaler standardises what the network sees, derived features included.
    mean = _vector(data["scaler"], "mean", sizes[0])
    scale = _vector(data["scaler"], "scale", sizes[0])
    if (scale <= 0).any():
        raise ModelFileError("scaler: every scale must be positive")
    params = _params(data["params"], sizes)
    epoch = data.get("epoch", 0)
    top = FIELDS["epochs"].allowed[1]  # a run never goes past its epoch limit
    if isinstance(epoch, bool) or not isinstance(epoch, int) or not 0 <= epoch <= top:
        shown = epoch if len(repr(epoch)) <= 20 else f"{repr(epoch)[:20]}…"
        raise ModelFileError(f"epoch must be a whole number from 0 to {top:,} (got {shown})")
    metrics = data.get("metrics") or {}
    if not isinstance(metrics, dict):
        raise ModelFileError("metrics must be an object")
    return SavedModel(config, task, sizes, names, classes, mean, scale, params, epoch, metrics)


def _sizes(sizes, config, task):
    if not isinstance(sizes, list) or len(sizes) < 2 or not all(
            isinstance(s, int) and not isinstance(s, bool) and 1 <= s <= 128 for s in sizes):
        raise ModelFileError("sizes must be a list of layer widths, each 1 to 128")
    if tuple(sizes[1:-1]) != config.hidden:
        shown = sizes if len(sizes) <= 12 else [*sizes[:10], "…", f"{len(sizes):,} in all"]
        raise ModelFileError(f"sizes {shown} do not match the config's hidden layers "
                             f"{list(config.hidden)}")
    if task != "multiclass" and sizes[-1] != 1:
        raise ModelFileError(f"a {task} model has 1 output, the file says {sizes[-1]}")
    return tuple(sizes)


def _names(names, n, what):
    if not isinstance(names, list) or len(names) != n or not all(isinstance(v, str) for v in names):
        raise ModelFileError(f"{what} must be a list of {count(n, 'name')}")
    for k, name in enumerate(names):
        problem = name_problem(name)
        if problem:
            raise ModelFileError(f"{what}[{k}] {quote(name)} {problem}")
    return tuple(names)


def _vector(scaler, key, n):
    if not isinstance(scaler, dict) or key not in scaler:
        raise ModelFileError("scaler must have 'mean' and 'scale'")
    return _array(scaler[key], (n,), f"scaler {key}")


def _array(values, shape, what):
    try:
        items = np.array(values, dtype=object)
    except ValueError:  # ragged nesting
        raise ModelFileError(f"{what} must have shape {shape}") from None
    # JSON numbers only: NumPy would happily turn "1" or true into 1.0.
    if not all(type(v) in (int, float) for v in items.ravel()):
        raise ModelFileError(f"{what} must hold numbers only")
    arr = items.astype(float)
    if arr.shape != shape:
        raise ModelFileError(f"{what} must have shape {shape}, got {arr.shape}")
    if not np.isfinite(arr).all():
        raise ModelFileError(f"{what} holds a non-finite number")
    if np.abs(arr).max(initial=0) > MAX_ABS:
        raise ModelFileError(f"{what} holds a number beyond +-{MAX_ABS:g}")
    return arr


def _params(params, sizes):
    shapes = [s for i, o in zip(sizes[:-1], sizes[1:]) for s in ((i, o), (o,))]
    if not isinstance(params, list) or len(params) != len(shapes):
        raise ModelFileError(f"params must be a list of {len(shapes)} arrays (W0, b0, W1, b1, ...)")
    return [_array(p, shape, f"params[{k}]") for k, (p, shape) in enumerate(zip(params, shapes))]
