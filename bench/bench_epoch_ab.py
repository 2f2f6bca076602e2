"""Seconds per epoch of two versions of the engine, side by side, as the pages train.

    flock /tmp/heavy.lock .venv/bin/python bench/bench_epoch_ab.py --before /work/main [--rounds 5]

``--before`` and ``--after`` (default: this checkout) are checkouts of the project. Each round
runs every workload once in a fresh process per version, alternating (before, after, before ...)
so a noisy neighbour on a shared machine hits both alike; the table shows the medians over the
rounds and the ratio after / before. A workload's timing is ``Trainer.run(epochs=K)`` over K
epochs after one warm-up epoch, with the full per-epoch measurement the pages need, and, for the
sliced line, ``run(seconds=0.05)`` calls as the page's ticks make them. A report, never a
pass/fail test.

Measured 2026-12-04 on the shared 2-core machine (load 4-5 from other jobs: the same workload
varied 2x between runs, so ratios within ~15 % are noise): before 66c71e5, after f8f2eba, 5
rounds: default 0.422 -> 0.433 ms/epoch, 2-64-64-1 batch 10 1.011 -> 1.078, full batch
2-64-64-1 2.697 -> 2.552, 8 x 128 batch 10 99.7 -> 99.0; 0.05 s ticks on 8 x 128: the longest
call 120 ms -> 50 ms (the epoch used to be one piece).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

WORKLOADS = {
    # name: (config changes, epochs timed, slices of 0.05 s instead of run(epochs=K))
    "2-8-8-1 tanh, 250 rows, batch 10 (default)": ({}, 300, False),
    "2-64-64-1 tanh, 250 rows, batch 10": ({"hidden": [64, 64]}, 100, False),
    "2-64-64-1 relu, 2500 rows, batch 64, adam": (
        {"hidden": [64, 64], "activation": "relu", "n_samples": 5000, "batch_size": 64,
         "optimizer": "adam", "lr": 0.001}, 20, False),
    "2-8-8-8-1, 500 rows, full batch": (
        {"hidden": [8, 8, 8], "n_samples": 1000, "batch_size": 500}, 1000, False),
    "2-64-64-1, 4500 rows, full batch": (
        {"hidden": [64, 64], "n_samples": 5000, "train_ratio": 0.9, "batch_size": 4500}, 50,
        False),
    "8 x 128, 4500 rows, batch 10": (
        {"hidden": [128] * 8, "n_samples": 5000, "train_ratio": 0.9}, 2, False),
    "8 x 128, 4500 rows, batch 10, 0.05 s ticks": (
        {"hidden": [128] * 8, "n_samples": 5000, "train_ratio": 0.9}, 2, True),
}

CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from playground.config import TrainConfig
from playground.training import Trainer
changes, epochs, sliced = json.loads(sys.argv[2])
changes = {k: tuple(v) if isinstance(v, list) else v for k, v in changes.items()}
trainer = Trainer(TrainConfig(epochs=100000, **changes))
trainer.run(epochs=1)
start = time.perf_counter()
if sliced:
    ticks, longest = 0, 0.0
    while trainer.epoch < 1 + epochs:
        t = time.perf_counter()
        trainer.run(epochs=1 + epochs - trainer.epoch, seconds=0.05)
        longest, ticks = max(longest, time.perf_counter() - t), ticks + 1
else:
    trainer.run(epochs=epochs)
    longest = None
print(json.dumps({"epoch": (time.perf_counter() - start) / epochs, "longest": longest}))
"""


def once(tree, workload):
    out = subprocess.run([sys.executable, "-c", CHILD, str(tree), json.dumps(workload)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, type=Path)
    parser.add_argument("--after", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", default="", help="run the workloads whose name has this")
    args = parser.parse_args(argv)
    print(f"before: {args.before}  after: {args.after}  (medians of {args.rounds} rounds)")
    print(f"{'workload':<46} {'before ms/epoch':>16} {'after ms/epoch':>15} {'after/before':>13}"
          f" {'longest call (before / after)':>30}")
    for name, workload in WORKLOADS.items():
        if args.only not in name:
            continue
        runs = {"before": [], "after": []}
        for _ in range(args.rounds):
            runs["before"].append(once(args.before, workload))
            runs["after"].append(once(args.after, workload))
        med = {k: statistics.median(r["epoch"] for r in v) for k, v in runs.items()}
        longest = ""
        if workload[2]:
            longest = " / ".join(f"{max(r['longest'] for r in runs[k]) * 1e3:.0f} ms"
                                 for k in ("before", "after"))
        print(f"{name:<46} {med['before'] * 1e3:>16.3f} {med['after'] * 1e3:>15.3f} "
              f"{med['after'] / med['before']:>13.2f} {longest:>30}", flush=True)


if __name__ == "__main__":
    main()
