"""Seconds to compute a loss-landscape slice of the W2 network, and the longest chunk.

    .venv/bin/python bench/bench_landscape.py [--reps 5] [--epochs 30]

W2 is the core benchmark's network (bench/bench_engine.py): 2-8-8-8-1 tanh on make_moons(1000,
noise=0.2, random_state=0), batch 32, SGD momentum 0.9, lr 0.03, all 1000 points training. It
trains ``--epochs`` epochs first, so there is a path to project. Then, per resolution, the whole
slice (every grid point and every kept epoch's loss) is computed ``--reps`` times, interleaved
across resolutions so a noisy neighbour hits each alike; the table shows the median and the
fastest. "longest chunk" is the longest single ``run(seconds=BUDGET)`` call seen while the
page-sized chunks ran: the most the page waits between two progress-bar updates.
Last, the exact surface of the two-weight model as its page draws it (81 x 81, 160 points).

BLAS runs with one thread, as the trainer's own passes do. This is a report, never a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.datasets import make_moons
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playground.config import TrainConfig  # noqa: E402
from playground.datasets import Dataset  # noqa: E402
from playground.landscape import SliceJob, exact_surface, two_weight_data  # noqa: E402
from playground.training import Trainer  # noqa: E402
from playground.ui.live import BUDGET  # noqa: E402

RESOLUTIONS = (21, 31, 41, 51)


def w2_trainer(epochs: int) -> Trainer:
    X, y = make_moons(1000, noise=0.2, random_state=0)
    data = Dataset(key="moons", task="binary", X_train=X, y_train=y, X_test=X[:20],
                   y_test=y[:20], feature_names=("x1", "x2"), class_names=("0", "1"))
    cfg = TrainConfig(dataset="moons", hidden=(8, 8, 8), activation="tanh", batch_size=32,
                      optimizer="momentum", lr=0.03, epochs=max(epochs, 1))
    trainer = Trainer(cfg, data)
    trainer.run(epochs=epochs)
    return trainer


def whole(trainer, resolution) -> float:
    job = SliceJob(trainer, "filter", resolution=resolution)
    start = time.perf_counter()
    job.finish()
    return time.perf_counter() - start


def longest_chunk(trainer, resolution) -> tuple[float, int]:
    job = SliceJob(trainer, "filter", resolution=resolution)
    longest, chunks = 0.0, 0
    while not job.done:
        start = time.perf_counter()
        job.run(seconds=BUDGET)
        longest, chunks = max(longest, time.perf_counter() - start), chunks + 1
    return longest, chunks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=30)
    args = parser.parse_args()
    trainer = w2_trainer(args.epochs)
    kept = len(trainer.snapshots)
    times = {r: [] for r in RESOLUTIONS}
    with threadpool_limits(1, "blas"):
        whole(trainer, 5)  # warm-up: workspaces, first-call costs
        for _ in range(args.reps):
            for r in RESOLUTIONS:
                times[r].append(whole(trainer, r))
        chunked = {r: longest_chunk(trainer, r) for r in RESOLUTIONS}
    print(f"W2 (2-8-8-8-1 tanh, {len(trainer.X_train)} training points, "
          f"{trainer.model.theta.size} parameters), {kept} kept epochs on the path; "
          f"median of {args.reps}")
    print(f"{'grid':>9} {'points':>7} {'median s':>9} {'fastest s':>10} {'us/point':>9} "
          f"{'chunks':>7} {'longest chunk s':>16}")
    for r in RESOLUTIONS:
        med, points = statistics.median(times[r]), r * r + kept
        longest, chunks = chunked[r]
        print(f"{r:>4} x {r:<3} {points:>7} {med:>9.3f} {min(times[r]):>10.3f} "
              f"{1e6 * med / points:>9.0f} {chunks:>7} {longest:>16.3f}")
    print(f"exact two-weight surface, 81 x 81 points x 160 samples: "
          f"{1e3 * exact_seconds(args.reps):.1f} ms (median)")


def exact_seconds(reps: int) -> float:
    X, Y, _ = two_weight_data("gauss")
    ws = np.linspace(-4, 4, 81)
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        exact_surface(X, Y, "sigmoid", "bce", ws, ws)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


if __name__ == "__main__":
    main()
