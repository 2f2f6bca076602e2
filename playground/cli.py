"""Headless command line: train a network from the shell, print metrics, save the model.

    python -m playground train --dataset spiral --layers 8,8 --activation tanh --loss bce \
        --optimizer adam --lr 0.01 --epochs 300 --seed 1 [--json] [--save model.json]

Every option comes from the config's FIELDS table (``--lr``, ``--batch-size``, ...), so the command
line, the pages and the links share one definition of each setting; ``--help`` lists each
setting's choices or range. ``--csv FILE`` trains on your own table through the upload's checks
(``files``), ``--label`` and ``--columns`` choosing its columns. Numbers are read by ``text``'s
number rule, as in links and uploads.

A progress bar goes to stderr when it is a terminal; stdout gets the final metrics, or with
``--json`` the whole history for scripts. Bad arguments, an unreadable CSV and a ``--save`` path
that cannot be written (checked before training) exit with status 2 and a one-line reason;
Ctrl-C exits with 130 and one line; a diverged run exits 1.
"""

from __future__ import annotations

import argparse
import errno
import json
import math
import os
import sys
import time

from playground import control_specs
from playground.config import FIELDS, TrainConfig
from playground.text import TextError, parse_number


class _OneLineParser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _number(text, whole=False):
    """A number by ``text``'s number rule (as in links and uploads): '1_000' and 'nan' are not."""
    try:
        value = parse_number(text)
    except TextError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    if whole:
        if value != int(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
        return int(text) if text.strip().lstrip("+-").isdigit() else int(value)
    return value


def _list_of(kind):
    def parse(text):
        items = [t.strip() for t in text.split(",") if t.strip()]
        if kind is int:
            try:
                return [_number(t, whole=True) for t in items]
            except argparse.ArgumentTypeError:
                raise argparse.ArgumentTypeError(f"expected whole numbers separated by commas, "
                                                 f"got {text!r}") from None
        return items
    return parse


_TYPES = {"int": lambda t: _number(t, whole=True), "float": _number, "str": str,
          "ints": _list_of(int), "strs": _list_of(str)}


def build_parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(prog="python -m playground",
                            description="Train a small neural network headlessly.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_OneLineParser)
    train = commands.add_parser("train", help="train and print the final metrics")
    for f in FIELDS.values():
        flags = [f"--{f.name.replace('_', '-')}"] + (["--layers"] if f.name == "hidden" else [])
        if f.kind == "bool":
            train.add_argument(*flags, dest=f.name, action=argparse.BooleanOptionalAction,
                               default=None, help=f.help)
        else:
            train.add_argument(*flags, dest=f.name, type=_TYPES[f.kind], default=None,
                               metavar=f.name.upper(), help=_help(f))
    train.add_argument("--csv", metavar="FILE",
                       help="train on your own CSV table (implies --dataset csv): a header line, "
                            "numeric feature columns and a column to predict; the same checks "
                            "as an upload on the Train page")
    train.add_argument("--label", metavar="COLUMN",
                       help="with --csv: the column to predict (default: as the page proposes, "
                            "a text column with few values, else the last); --columns picks "
                            "the features (default: the numeric columns)")
    train.add_argument("--seed", type=lambda t: _number(t, whole=True),
                       help="set both the data seed and the init seed")
    train.add_argument("--json", action="store_true", help="print the whole history as JSON")
    train.add_argument("--save", metavar="FILE", help="write the trained model as JSON (the "
                                                      "path is checked before training)")
    train.add_argument("--quiet", action="store_true",
                       help="no progress bar (there is none when stderr is not a terminal)")
    return parser


def _help(f) -> str:
    """The field's help, its choices or range, and its default."""
    if f.kind in ("str", "strs") and f.allowed is not None:
        where = f"one of: {', '.join(f.allowed)}" if f.kind == "str" else \
            f"comma-separated, from: {', '.join(f.allowed)}"
    elif f.kind in ("int", "float", "ints") and f.allowed is not None:
        low, high = f.allowed
        where = f"{'each ' if f.kind == 'ints' else ''}{low:,} to {high:,}" if f.kind != "float" \
            else f"{low:g} to {high:g}"
    else:
        where = ""
    grid = control_specs.page_grid(f.name)
    where += f"; {grid}" if where and grid else grid or ""
    return f"{f.help} ({where + '; ' if where else ''}default: {_show(f.default)})" \
        .replace("%", "%%")


def _show(value):
    return ",".join(map(str, value)) if isinstance(value, tuple) else value


def config_from_args(args) -> TrainConfig:
    settings = {name: getattr(args, name) for name in FIELDS if getattr(args, name) is not None}
    if args.seed is not None:
        settings.setdefault("data_seed", args.seed)
        settings.setdefault("init_seed", args.seed)
    if args.csv is not None:
        if settings.setdefault("dataset", "csv") != "csv":
            raise ValueError(f"--csv trains on the file: leave out --dataset "
                             f"{settings['dataset']} (or use --dataset csv)")
    elif settings.get("dataset") == "csv":
        raise ValueError("--dataset csv needs the table: add --csv FILE")
    elif args.label is not None:
        raise ValueError("--label goes with --csv FILE")
    return TrainConfig.from_dict(settings)


def csv_dataset(args, config: TrainConfig):
    """The CSV file's dataset and the config that trains on it (its feature columns), read
    through the same checks as an upload on the Train page; ValueError names the problem."""
    from playground import files
    from playground.datasets import dataset_from_table

    try:
        with open(args.csv, "rb") as f:
            data = f.read(files.MAX_BYTES + 1)  # one byte more tells "too large" apart
    except OSError as err:
        raise ValueError(f"cannot read {args.csv}: {err.strerror}") from None
    sniffed = files.sniff(data)
    label = args.label if args.label is not None else sniffed.label
    if label not in sniffed.columns:
        raise ValueError(f"--label {label!r} is not a column of {args.csv}; its columns are: "
                         f"{', '.join(sniffed.columns)}")
    features = list(config.columns) or files.default_features(sniffed, label)
    table = files.read_table(data, label, features)
    for note in sniffed.notes:  # e.g. a pandas index column left out
        sys.stderr.write(f"note: {note}\n")
    config = config.replace(columns=tuple(features),
                            label_noise=0.0 if table.task == "regression" else config.label_noise)
    return dataset_from_table(table, feature_columns=features, train_ratio=config.train_ratio,
                              seed=config.data_seed, label_noise=config.label_noise), config


def _check_writable(path: str) -> None:
    """Refuse a --save path that cannot be written, before any training (leaves no file)."""
    existed = os.path.exists(path)
    if os.path.isdir(path):
        raise OSError(errno.EISDIR, "it is a folder", path)
    with open(path, "a", encoding="utf-8"):
        pass
    if not existed:
        os.remove(path)


def _progress(trainer, total, started, stream):
    width = 30
    done = trainer.epoch * width // max(total, 1)
    loss = trainer.history.last()["train_loss"]
    rate = trainer.epoch / max(time.perf_counter() - started, 1e-9)
    stream.write(f"\r[{'#' * done}{' ' * (width - done)}] {trainer.epoch}/{total} "
                 f"loss {loss:.4f}  {rate:.0f} epochs/s")
    stream.flush()


def train(args, out=None, err=None) -> int:
    from playground import model_io
    from playground.training import Trainer

    out, err = out or sys.stdout, err or sys.stderr

    config = config_from_args(args)
    data = None
    if args.csv is not None:
        data, config = csv_dataset(args, config)
    if args.save:
        _check_writable(args.save)
    trainer = Trainer(config, data)
    bar = not args.quiet and err.isatty()  # a log file or a pipe gets no carriage returns
    started = time.perf_counter()
    try:
        while trainer.can_train:
            trainer.run(seconds=0.1)
            if bar:
                _progress(trainer, config.epochs, started, err)
    except KeyboardInterrupt:
        err.write(("\n" if bar else "") + f"interrupted at epoch {trainer.epoch}: nothing was "
                  "saved\n")
        return 130
    if bar:
        err.write("\n")
    if trainer.message and trainer.status != "done":
        err.write(trainer.message + "\n")
    if args.save:
        with open(args.save, "w", encoding="utf-8") as f:
            f.write(model_io.dumps(trainer))
    if args.json:
        rows = [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
                for r in trainer.history.rows()]
        json.dump({"config": config.to_dict(), "status": trainer.status, "history": rows}, out)
        out.write("\n")
    else:
        last = trainer.history.last()
        shown = {k: v for k, v in last.items() if "loss" in k or "accuracy" in k or "r2" in k
                 or "rmse" in k}
        out.write(f"{trainer.status} after {trainer.epoch} epochs: "
                  + ", ".join(f"{k} {v:.4f}" for k, v in shown.items()) + "\n")
    return 1 if trainer.status == "diverged" else 0


def main(argv=None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return train(args)
    except KeyboardInterrupt:  # before training started (imports, reading the CSV)
        sys.stderr.write("interrupted\n")
        return 130
    except ValueError as err:  # DataError and the config's checks are ValueErrors
        parser.exit(2, f"{parser.prog}: error: {err}\n")
    except OSError as err:
        parser.exit(2, f"{parser.prog}: error: cannot write {err.filename}: {err.strerror}\n")
