"""Calibrate playground/cost.py: time forward passes and gradient steps, fit the constants.

    flock /tmp/heavy.lock .venv/bin/python bench/bench_cost.py [--reps 5]

For each network shape (2-4-1 up to 8 hidden layers of 128) and row count (1 to 4,500), times
one forward pass (``MLP._forward`` on a workspace) and one gradient with an optimizer step
(``MLP.gradient`` + SGD with momentum), as the trainer runs them: one BLAS thread, float32, tanh.
Each timing is the median of ``--reps`` repetitions of a loop long enough to take ~5 ms. The
constants of cost.py are then fitted by non-negative least squares on the relative error, and the
table shows each shape's measured and predicted seconds with those constants and with the ones
cost.py holds now. A report, never a pass/fail test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import nnls

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playground import cost  # noqa: E402
from playground.losses import LOSSES, PENALTIES  # noqa: E402
from playground.network import MLP  # noqa: E402
from playground.optimizers import SGD  # noqa: E402
from playground.training import _blas_pools  # noqa: E402

SHAPES = [(2, 4, 1), (2, 8, 8, 1), (2, 8, 8, 8, 1), (2, 32, 32, 1), (2, 64, 64, 1),
          (2, 128, 1), (2, 128, 128, 128, 1), (2,) + (64,) * 6 + (1,), (2,) + (128,) * 8 + (1,)]
ROWS = (1, 10, 64, 250, 1000, 4500)


def _timed(fn, reps):
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < 0.005 or calls < 2:
        fn()
        calls += 1
    samples = []
    for _ in range(reps):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - start) / calls)
    return statistics.median(samples)


def measure(sizes, rows, reps):
    net = MLP(sizes, "tanh", "sigmoid", np.float32)
    net.initialize(np.random.default_rng(0))
    rng = np.random.default_rng(1)
    x1 = np.hstack([rng.normal(size=(rows, sizes[0])), np.ones((rows, 1))]).astype(np.float32)
    y = (rng.random((rows, 1)) > 0.5).astype(np.float32)
    ws = net.workspace(rows)
    opt = SGD(0.001, 0.9)
    loss, penalty = LOSSES["bce"], PENALTIES["none"]

    def forward():
        net._forward(ws, x1)

    def gradient():
        net.gradient(ws, x1, y, loss, penalty, 0.0)
        opt.step([net.theta], [net.grad])

    return _timed(forward, reps), _timed(gradient, reps)


def features(shape, rows, kind):
    """The model's terms for one timing, in the order of the constants."""
    if kind == "forward":
        return [1.0, shape.layers, rows * shape.params, rows * shape.units]
    return [1.0, shape.layers, rows * shape.params, rows * shape.units, shape.params]


def fit(samples, kind):
    A = np.array([features(s, r, kind) for s, r, _ in samples])
    t = np.array([t for _, _, t in samples])
    coef, _ = nnls(A / t[:, None], np.ones(len(t)))  # least squares on the relative error
    return coef


def predict(coef, shape, rows, kind):
    return float(np.dot(coef, features(shape, rows, kind)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args(argv)
    for pool in _blas_pools():
        pool.set_num_threads(1)
    samples = {"forward": [], "gradient": []}
    for sizes in SHAPES:
        shape = cost.Shape.of(sizes)
        for rows in ROWS:
            if rows * shape.params > 4 * cost.CHUNK_MACS:
                continue  # the trainer never runs a piece this big
            f, g = measure(sizes, rows, args.reps)
            samples["forward"].append((shape, rows, f))
            samples["gradient"].append((shape, rows, g))
    now = {"forward": [cost.F_CALL, cost.F_LAYER, cost.F_MAC, cost.F_UNIT],
           "gradient": [cost.G_CALL, cost.G_LAYER, cost.G_MAC, cost.G_UNIT, cost.G_PARAM]}
    for kind, rows in samples.items():
        coef = fit(rows, kind)
        names = (["F_CALL", "F_LAYER", "F_MAC", "F_UNIT"] if kind == "forward"
                 else ["G_CALL", "G_LAYER", "G_MAC", "G_UNIT", "G_PARAM"])
        print(f"\n{kind}: fitted " + ", ".join(f"{n} = {c:.2g}" for n, c in zip(names, coef)))
        print(f"{'shape':>28} {'rows':>5} {'measured':>10} {'fitted':>10} {'cost.py':>10}")
        errors, errors_now = [], []
        for shape, r, t in rows:
            p, q = predict(coef, shape, r, kind), predict(now[kind], shape, r, kind)
            errors.append(abs(p / t - 1))
            errors_now.append(abs(q / t - 1))
            label = f"L{shape.layers} P{shape.params} U{shape.units}"
            print(f"{label:>28} {r:>5} {t * 1e3:>8.3f}ms {p * 1e3:>8.3f}ms {q * 1e3:>8.3f}ms")
        for name, errs in (("fitted", errors), ("cost.py", errors_now)):
            print(f"relative error with the {name} constants: median {np.median(errs):.0%}, "
                  f"90th percentile {np.percentile(errs, 90):.0%}, max {max(errs):.0%}")
    big = cost.Shape.of((2,) + (128,) * 8 + (1,))
    print(f"\n8 x 128: {cost.chunk_rows(big)} rows a chunk, a chunk's gradient "
          f"{cost.gradient_seconds(big, cost.chunk_rows(big)) * 1e3:.2f} ms (cost.py); epoch on "
          f"4,500 rows, batch 10: {cost.epoch_seconds(big, 4500, 500, 10):.2f} s, full batch: "
          f"{cost.epoch_seconds(big, 4500, 500, 4500):.3f} s")


if __name__ == "__main__":
    main()
