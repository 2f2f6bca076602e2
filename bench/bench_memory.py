"""What a run holds in memory after a long session, for two versions of the engine side by side.

    flock /tmp/heavy.lock .venv/bin/python bench/bench_memory.py --before /work/main

A student at full speed for 10 minutes trains as many epochs as the epoch limit allows (the
highest limit is 100,000; the default 2-8-8-1 network runs ~2,000 epochs a second alone on this
machine, so the limit comes first). Each line trains one config to that many epochs in a fresh
process of each version and reports, with tracemalloc, the bytes the Trainer still holds (its
history, Replay's snapshots, its buffers) and the peak while training, plus the history's rows
and the snapshots' count. The data are small (50 points, full batch) where that does not change
what is measured, so the long runs take seconds. A report, never a pass/fail test.

Measured 2026-12-04 (before: 66c71e5, the engine before bounded histories; after: this commit):
  2-8-8-1, 100,000 epochs:  held 39.2 MB -> 0.53 MB (history 100,001 -> 1,902 rows)
  2-8-8-1, batch 10, 10,000 epochs:  4.3 MB -> 0.86 MB
  8 x 128, 3,000 epochs:  held 89.3 MB (peak 120) -> 12.1 MB (peak 15.9); snapshots 189 copies,
  83.7 MB -> 13 copies, 5.8 MB. On 4,500 training rows the buffers of one 4,500-row pass
  (~70 MB for 8 x 128) are gone too: pieces of 289 rows.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

CASES = {
    # name: (config changes, epochs)
    "2-8-8-1, 100,000 epochs (the highest limit)": (
        {"n_samples": 50, "batch_size": 50}, 100_000),
    "2-8-8-1, 500 points, batch 10, 10,000 epochs": ({}, 10_000),
    "8 x 128, 3,000 epochs": ({"hidden": [128] * 8, "n_samples": 50, "batch_size": 50}, 3_000),
}

CHILD = r"""
import gc, json, sys, tracemalloc
sys.path.insert(0, sys.argv[1])
from playground.config import TrainConfig
from playground.training import Trainer
changes, epochs = json.loads(sys.argv[2])
changes = {k: tuple(v) if isinstance(v, list) else v for k, v in changes.items()}
tracemalloc.start()
trainer = Trainer(TrainConfig(epochs=epochs, **changes))
while trainer.can_train:
    trainer.run(epochs=1000)
for key in trainer.history.columns:  # what the charts ask for every frame
    trainer.history[key]
gc.collect()
now, peak = tracemalloc.get_traced_memory()
snap = sum(w.nbytes for w in trainer.snapshots.values())
print(json.dumps({"held": now, "peak": peak, "rows": len(trainer.history),
                  "snapshots": len(trainer.snapshots), "snapshot_bytes": snap,
                  "epoch": trainer.epoch}))
"""


def once(tree, case):
    out = subprocess.run([sys.executable, "-c", CHILD, str(tree), json.dumps(case)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, type=Path)
    parser.add_argument("--after", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args(argv)
    print(f"before: {args.before}  after: {args.after}")
    for name, case in CASES.items():
        for label, tree in (("before", args.before), ("after", args.after)):
            r = once(tree, case)
            print(f"{name:<46} {label:<6} held {r['held'] / 2**20:7.2f} MB, peak "
                  f"{r['peak'] / 2**20:7.2f} MB; history {r['rows']:>6} rows; "
                  f"{r['snapshots']:>3} snapshots, {r['snapshot_bytes'] / 2**20:6.2f} MB "
                  f"(epoch {r['epoch']})", flush=True)


if __name__ == "__main__":
    main()
