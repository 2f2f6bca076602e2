"""What training costs: a model of the seconds a mini-batch, a measurement and an epoch take.

The trainer does its work in *units* small enough that a time budget is kept to within a few
milliseconds on the biggest network the settings allow (8 hidden layers of 128 on 4,500 training
rows): a batch that would be too much work in one go is split into *chunks* of rows whose
gradients are summed, and the per-epoch measurement is split the same way. The chunking is a
function of the network's size alone (``chunk_rows``), never of the clock, so a run gives the
same weights however its epochs are sliced.

The model, for a network with ``L`` weight layers, ``P`` parameters (weights and biases: the
multiply-adds of one row's forward pass) and ``U`` units after the input:

    forward(rows)  = F_CALL + L F_LAYER + rows (P F_MAC + U F_UNIT)
    gradient(rows) = G_CALL + L G_LAYER + rows (P G_MAC + U G_UNIT) + P G_PARAM

``gradient`` is one forward and backward pass and one optimizer step. An epoch is its batches'
gradients plus a forward pass over the training and the test rows (the measurement).

Calibration: the constants below are fitted by ``bench/bench_cost.py`` (one BLAS thread,
float32, tanh, SGD with momentum; 9 shapes from 2-4-1 to 8 x 128, 1 to 4,500 rows) on the
2-core machine this project is developed on; how far off they were there is in bench/NOTES.md.
They are good to a few tens of percent, so a unit meant as 2 ms is 1 to 3 ms; a slower server
scales every figure alike, and ``Trainer`` also keeps the ratio of the seconds it measured to
the seconds predicted, which scales the units and what it tells a user.
"""

from __future__ import annotations

from dataclasses import dataclass

# Seconds, from bench/bench_cost.py (see the module docstring).
F_CALL, F_LAYER, F_MAC, F_UNIT = 1.4e-6, 1.6e-6, 3.0e-11, 6.8e-10
G_CALL, G_LAYER, G_MAC, G_UNIT, G_PARAM = 6.7e-6, 1.8e-6, 6.8e-11, 1.2e-9, 8.1e-10

# Most multiply-adds of one chunk: 2^25 is ~3 ms of gradient for 8 x 128 here (289 rows a
# chunk); the 2-64-64-1 network's full batch of 4,500 rows (19 M) stays one piece.
CHUNK_MACS = 2 ** 25
# Work done between two looks at the clock, at least: small epochs run whole between them.
QUANTUM = 0.002
SLOW_EPOCH = 1.0  # an epoch predicted to take longer than this gets a note for the user


@dataclass(frozen=True)
class Shape:
    """What the cost depends on: layers, parameters (multiply-adds a row) and units."""

    layers: int
    params: int
    units: int

    @classmethod
    def of(cls, sizes) -> "Shape":
        sizes = tuple(int(s) for s in sizes)
        pairs = list(zip(sizes[:-1], sizes[1:]))
        return cls(len(pairs), sum((i + 1) * o for i, o in pairs), sum(sizes[1:]))


def forward_seconds(shape: Shape, rows: int) -> float:
    """Predicted seconds of one forward pass over ``rows`` rows."""
    return (F_CALL + shape.layers * F_LAYER
            + rows * (shape.params * F_MAC + shape.units * F_UNIT))


def gradient_seconds(shape: Shape, rows: int) -> float:
    """Predicted seconds of one forward and backward pass over ``rows`` rows, and one step."""
    return (G_CALL + shape.layers * G_LAYER
            + rows * (shape.params * G_MAC + shape.units * G_UNIT) + shape.params * G_PARAM)


def chunk_rows(shape: Shape) -> int:
    """Most rows one piece of work takes (a batch or a measurement with more is split)."""
    return max(1, CHUNK_MACS // shape.params)


def pieces(rows: int, size: int) -> list[tuple[int, int]]:
    """(start, stop) of consecutive pieces of at most ``size`` rows covering ``rows`` rows."""
    return [(lo, min(lo + size, rows)) for lo in range(0, rows, size)]


def batch_seconds(shape: Shape, rows: int) -> float:
    """Predicted seconds of one mini-batch of ``rows`` rows, chunked as the trainer chunks it."""
    parts = pieces(rows, chunk_rows(shape))
    return sum(gradient_seconds(shape, hi - lo) for lo, hi in parts) - \
        (len(parts) - 1) * shape.params * G_PARAM  # one optimizer step a batch


def measure_seconds(shape: Shape, n_train: int, n_test: int) -> float:
    """Predicted seconds of the per-epoch measurement (a forward pass over both sets)."""
    size = chunk_rows(shape)
    return sum(forward_seconds(shape, hi - lo)
               for n in (n_train, n_test) for lo, hi in pieces(n, size))


def epoch_seconds(shape: Shape, n_train: int, n_test: int, batch_size: int) -> float:
    """Predicted seconds of one epoch: every mini-batch, then the measurement."""
    batch = min(batch_size, n_train)
    full, rest = divmod(n_train, batch)
    train = full * batch_seconds(shape, batch) + (batch_seconds(shape, rest) if rest else 0.0)
    return train + measure_seconds(shape, n_train, n_test)


def slow_epoch_note(seconds: float, n_train: int, batch_size: int, hidden) -> str | None:
    """What to change when one epoch takes long (``seconds`` in this server's time), or None."""
    if seconds < SLOW_EPOCH:
        return None
    changes = []
    if len(hidden) > 2 or max(hidden, default=0) > 32:
        changes.append("fewer or smaller hidden layers")
    if n_train > 500:
        changes.append("fewer points")
    if batch_size < 32 and n_train > batch_size:
        changes.append("bigger mini-batches")
    advice = (", ".join(changes[:-1]) + " or " + changes[-1]) if len(changes) > 1 else (
        changes[0] if changes else "a smaller network or fewer points")
    return (f"One epoch of this network on {n_train:,} training points takes about "
            f"{_duration(seconds)} here, so the views change slowly (each frame shows how far the "
            f"epoch has got). For faster epochs, use {advice}.")


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.2g} s" if seconds < 10 else f"{seconds:.0f} s"
    return f"{seconds / 60:.1f} min"
