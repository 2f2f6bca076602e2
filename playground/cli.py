"""Headless command line: train a network from the shell, print metrics, save the model.

    python -m playground train --dataset spiral --layers 8,8 --activation tanh --loss bce \
        --optimizer adam --lr 0.01 --epochs 300 --seed 1 [--json] [--save model.json]

Every option comes from the config's FIELDS table (``--lr``, ``--batch-size``, ...), so the command
line, the pages and the links share one definition of each setting. A progress bar goes to
stderr; stdout gets the final metrics, or with ``--json`` the whole history for scripts. Bad
arguments exit with status 2 and a one-line reason.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time

from playground.config import FIELDS, TrainConfig


class _OneLineParser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _list_of(kind):
    def parse(text):
        items = [t.strip() for t in text.split(",") if t.strip()]
        if kind is int:
            try:
                return [int(t) for t in items]
            except ValueError:
                raise argparse.ArgumentTypeError(f"expected whole numbers separated by commas, "
                                                 f"got {text!r}") from None
        return items
    return parse


_TYPES = {"int": int, "float": float, "str": str, "ints": _list_of(int), "strs": _list_of(str)}


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
                               help=f"{f.help} (default: {_show(f.default)})")
    train.add_argument("--seed", type=int, help="set both the data seed and the init seed")
    train.add_argument("--json", action="store_true", help="print the whole history as JSON")
    train.add_argument("--save", metavar="FILE", help="write the trained model as JSON")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def _show(value):
    return ",".join(map(str, value)) if isinstance(value, tuple) else value


def config_from_args(args) -> TrainConfig:
    settings = {name: getattr(args, name) for name in FIELDS if getattr(args, name) is not None}
    if args.seed is not None:
        settings.setdefault("data_seed", args.seed)
        settings.setdefault("init_seed", args.seed)
    return TrainConfig.from_dict(settings)


def _progress(trainer, total, started, stream):
    width = 30
    done = trainer.epoch * width // max(total, 1)
    loss = trainer.history.last()["train_loss"]
    rate = trainer.epoch / max(time.perf_counter() - started, 1e-9)
    stream.write(f"\r[{'#' * done}{' ' * (width - done)}] {trainer.epoch}/{total} "
                 f"loss {loss:.4f}  {rate:.0f} epochs/s")
    stream.flush()


def train(args, out=sys.stdout, err=sys.stderr) -> int:
    from playground import model_io
    from playground.training import Trainer

    config = config_from_args(args)
    trainer = Trainer(config)
    started = time.perf_counter()
    while trainer.can_train:
        trainer.run(seconds=0.1)
        if not args.quiet:
            _progress(trainer, config.epochs, started, err)
    if not args.quiet:
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
    args = parser.parse_args(argv)
    try:
        return train(args)
    except ValueError as err:
        parser.exit(2, f"{parser.prog}: error: {err}\n")
    except OSError as err:
        parser.exit(2, f"{parser.prog}: error: cannot write {err.filename}: {err.strerror}\n")
