"""The loss landscape: the training loss over a 2-D slice of weight space, and training's path.

A network with P parameters has a loss surface in P + 1 dimensions. As in Li et al. (2018),
"Visualizing the Loss Landscape of Neural Nets", we look at the plane through the current weights
``c`` spanned by two directions ``d1``, ``d2``::

    L(a, b) = loss(c + a d1 + b d2)        (the whole training set, plus the weight penalty)

so ``L(0, 0)`` is the current training loss.

Directions (``DIRECTIONS``):

- ``filter`` / ``layer``: Gaussian directions rescaled so that each neuron's incoming weights
  (``filter``) or each layer's weights (``layer``) in ``d`` have the norm of the same part of
  ``c``. Without the rescaling a step of 1 would be huge for a layer of small weights and nothing
  for one of large weights, and slices of different networks could not be compared. Biases get a
  zero direction, as in Li et al.'s code (``ignore="biasbn"``).
- ``pca``: the two directions in which the kept snapshots differ most from ``c`` (Li et al. §7).
  Random directions in a space of hundreds of dimensions are nearly orthogonal to the way training
  moved, so the path projected on a random plane hardly moves; these directions show the path.

The path: each kept snapshot ``theta_e`` is projected onto the plane by least squares,
``(a, b) = argmin ||theta_e - c - a d1 - b d2||``; ``captured`` is the share of the path's squared
distance from ``c`` that the plane explains (the rest is invisible in the picture).

Cost: one forward pass over the training set per grid point. One MLP is reused and its flat
``theta`` overwritten in place; the work is chunked (``SliceJob.run(seconds=...)``) so a page can
draw progress between chunks. Batching several grid points into one larger pass does not help:
the time goes into tanh over (points x samples x units) values either way.

The exact case: every network of the Train page has a bias, so even the smallest (no hidden
layer, two inputs) has three parameters. ``TwoWeightRun`` is a model with exactly two:
``p = sigmoid(w1 x1 + w2 x2)`` (binary) or ``y = w1 x1 + w2 x2`` (regression), on standardised
(centred) inputs so that a boundary through the origin can fit. Its whole loss surface is a
function of (w1, w2) (``exact_surface``) and its path is the exact weights after every step.

Left out: Hessian eigen-directions, 1-D interpolation plots between two runs, and the noise of
mini-batch losses (the slice always uses the whole training set).
"""

from __future__ import annotations

import time
from types import MappingProxyType

import numpy as np

from playground.activations import OUTPUT_ACTIVATIONS
from playground.datasets import DATASETS, Standardizer, make_dataset
from playground import cost
from playground.losses import LOSSES, TASK_LOSSES
from playground.network import MLP
from playground.optimizers import OPTIMIZERS

DIRECTIONS = MappingProxyType({
    "filter": "Random, scaled per neuron (Li et al.)",
    "layer": "Random, scaled per layer",
    "pca": "Along the path (PCA of the kept weights)",
})
"""How the two directions of the slice are chosen: key -> label."""

PATH_MARGIN = 1.3  # a PCA slice reaches this far beyond the path's farthest point


# -- directions ------------------------------------------------------------------------------------
def random_direction(model: MLP, rng: np.random.Generator, normalise: str = "filter") -> np.ndarray:
    """A Gaussian direction in ``model.theta``'s layout, rescaled per neuron or per layer.

    Parameters
    ----------
    model : MLP
        Supplies the layout and the weights the direction is scaled to.
    rng : numpy Generator
    normalise : {'filter', 'layer'}
        'filter': each neuron's incoming weights in the direction get the norm of that neuron's
        incoming weights in the model; 'layer': each layer's weight matrix gets the norm of the
        model's.

    Returns
    -------
    ndarray of float64, shape (model.theta.size,); zero at every bias.
    """
    if normalise not in ("filter", "layer"):
        raise ValueError(f"normalise must be 'filter' or 'layer' (got {normalise!r})")
    d = rng.standard_normal(model.theta.size)
    centre = model.theta.astype(np.float64)
    for block, part in zip(model.blocks, model.block_slices):
        D = d[part].reshape(block.shape)  # a view: writing D writes d
        W = centre[part].reshape(block.shape)[:-1]
        D[-1] = 0.0  # the bias row
        axis = 0 if normalise == "filter" else None
        wanted = np.linalg.norm(W, axis=axis)
        have = np.linalg.norm(D[:-1], axis=axis)
        D[:-1] *= wanted / np.where(have > 0, have, 1.0)
    return d


def pca_directions(centre: np.ndarray, thetas: np.ndarray):
    """The two orthonormal directions in which ``thetas`` differ most from ``centre``.

    Parameters
    ----------
    centre : (P,) array
    thetas : (k, P) array, oldest first

    Returns
    -------
    d1, d2 : (P,) float64 unit vectors, oriented so the oldest snapshot has negative coordinates
    (the path then runs towards the centre from the lower left).
    explained : (2,) share of the squared distance from ``centre`` along each direction.

    Raises
    ------
    ValueError
        Fewer than two independent differences (no training yet, or a single step).
    """
    moves = np.asarray(thetas, np.float64) - np.asarray(centre, np.float64)
    _, s, vt = np.linalg.svd(moves, full_matrices=False)
    if len(s) < 2 or s[1] <= 1e-12 * max(s[0], 1e-300):
        raise ValueError("the path needs at least two kept epochs that moved the weights in "
                         "different ways: train a few more epochs first")
    d1, d2 = vt[0].copy(), vt[1].copy()
    for d in (d1, d2):
        if moves[0] @ d > 0:
            d *= -1
    return d1, d2, (s[:2] ** 2) / np.sum(s ** 2)


def project(centre, d1, d2, thetas):
    """Least-squares coordinates of ``thetas`` on the plane ``centre + a d1 + b d2``.

    Returns
    -------
    coords : (k, 2) float64, the (a, b) of each theta
    captured : float, share of sum ||theta - centre||^2 that lies in the plane (1 if all are at
        the centre)
    """
    moves = np.asarray(thetas, np.float64) - np.asarray(centre, np.float64)
    basis = np.column_stack([d1, d2]).astype(np.float64)
    coords = np.linalg.lstsq(basis, moves.T, rcond=None)[0].T
    total = float(np.sum(moves ** 2))
    inside = float(np.sum((coords @ basis.T) ** 2))
    return coords, (inside / total if total > 0 else 1.0)


def grid_axis(span: float, resolution: int) -> np.ndarray:
    """``resolution`` evenly spaced values from -span to span, with exactly 0 in the middle."""
    if resolution < 3 or resolution % 2 == 0:
        raise ValueError(f"resolution must be an odd number >= 3 (got {resolution})")
    if not span > 0:
        raise ValueError(f"span must be positive (got {span})")
    half = resolution // 2
    return span * (np.arange(resolution) - half) / half


# -- the slice of a trainer's network ------------------------------------------------------------
def kept_path(trainer):
    """(epochs, thetas) of the trainer's kept snapshots, then its current weights if different."""
    epochs = sorted(trainer.snapshots)
    thetas = [trainer.snapshots[e] for e in epochs]
    now = trainer.model.theta
    if not np.array_equal(thetas[-1], now):  # thinned away, or early stopping restored the best
        epochs.append(trainer.epoch)
        thetas.append(now.copy())
    return np.asarray(epochs), np.stack(thetas)


class SliceJob:
    """The loss of a trainer's network over a (resolution x resolution) slice, computed in chunks.

    Everything needed is copied when the job is made, so the trainer may go on training (or be
    replaced) while the job runs: the slice stays the one around the weights of ``epoch``.

    Parameters
    ----------
    trainer : Trainer
    directions : key of DIRECTIONS
    resolution : odd int, grid points per axis
    span : float
        Random directions: the grid covers a, b in [-span, span] (1 = one norm of each neuron's
        weights). PCA: ignored; the grid reaches PATH_MARGIN times the path's farthest point.
    seed : int, seeds the random directions

    Attributes
    ----------
    alphas, betas : grid coordinates along d1 and d2
    loss : (len(betas), len(alphas)) array; NaN where not computed yet
    path_epochs, path : the kept epochs and their (a, b) coordinates
    path_loss : the loss each kept snapshot really had (NaN until computed)
    captured : share of the path's movement inside the plane
    explained : PCA only, each direction's share; None for random directions
    seconds : compute time spent so far
    """

    def __init__(self, trainer, directions="filter", *, resolution=31, span=1.0, seed=0):
        if directions not in DIRECTIONS:
            raise ValueError(f"directions must be one of {', '.join(DIRECTIONS)} "
                             f"(got {directions!r})")
        model = trainer.model
        self.epoch, self.directions = trainer.epoch, directions
        self.centre = model.theta.astype(np.float64)
        self._probe = MLP(model.sizes, trainer.config.activation, trainer.output_name, model.dtype)
        self._data = (trainer.X_train, trainer.Y_train)
        self._loss = (trainer.loss_name, trainer.config.penalty, trainer.config.penalty_rate)
        self.path_epochs, thetas = kept_path(trainer)
        self._thetas = thetas
        self.explained = None
        if directions == "pca":
            self.d1, self.d2, self.explained = pca_directions(self.centre, thetas)
        else:
            rng = np.random.default_rng(seed)
            self.d1 = random_direction(model, rng, directions)
            self.d2 = random_direction(model, rng, directions)
        self.path, self.captured = project(self.centre, self.d1, self.d2, thetas)
        if directions == "pca":
            reach = np.maximum(np.abs(self.path).max(axis=0), 1e-6) * PATH_MARGIN
            self.alphas = grid_axis(reach[0], resolution)
            self.betas = grid_axis(reach[1], resolution)
        else:
            self.alphas = self.betas = grid_axis(span, resolution)
        self.loss = np.full((len(self.betas), len(self.alphas)), np.nan)
        self.path_loss = np.full(len(thetas), np.nan)
        self._done, self.seconds = 0, 0.0
        # One point is one forward pass over the training set (in pieces on a big network).
        shape = cost.Shape.of(model.sizes)
        self._cost = cost.forward_seconds(shape, len(trainer.X_train))
        self._rows = cost.chunk_rows(shape)

    @property
    def total(self) -> int:
        """Number of loss evaluations: the grid points, then the path's snapshots."""
        return self.loss.size + len(self.path_loss)

    @property
    def progress(self) -> float:
        return self._done / self.total

    @property
    def done(self) -> bool:
        return self._done >= self.total

    def _evaluate(self, theta) -> float:
        # float64 arithmetic, then one cast: at a = b = 0 this is the centre bit for bit.
        self._probe.theta[...] = theta
        X, Y = self._data
        with np.errstate(all="ignore"):  # far from the centre the loss may overflow: inf/NaN
            if len(X) <= self._rows:
                return float(self._probe.loss(X, Y, *self._loss))
            # A big network in pieces: its buffers for every row at once would need ~70 MB.
            out = np.concatenate([self._probe.forward(X[lo:hi])
                                  for lo, hi in cost.pieces(len(X), self._rows)])
            name, penalty, rate = self._loss
            return float(LOSSES[name].value(out, Y) + rate * self._probe.penalty_value(penalty))

    @property
    def can_train(self) -> bool:
        """Whether there is work left (the timeline's word for it: a slice "trains" until done)."""
        return not self.done

    def run(self, epochs: int | None = None, seconds: float | None = None) -> int:
        """Compute up to ``epochs`` loss evaluations, or until ``seconds`` are spent.

        One evaluation is one pass over the training set, as an epoch is: the grid points row
        by row, then the path's losses. With neither limit one point is computed (as
        ``Trainer.run`` runs one epoch); at least one is whenever work is left. Returns the
        number of points computed.
        """
        start, first, done = time.perf_counter(), self._done, 0
        columns = len(self.alphas)
        while not self.done and (epochs is None or done < epochs):
            if seconds is not None and self._done > first and \
                    time.perf_counter() - start + self._cost > seconds:
                break  # the next point would not end in time (the cost model's forward pass)
            k = self._done
            if k < self.loss.size:
                j, i = divmod(k, columns)
                self.loss[j, i] = self._evaluate(
                    self.centre + self.alphas[i] * self.d1 + self.betas[j] * self.d2)
            else:
                at = k - self.loss.size
                self.path_loss[at] = self._evaluate(self._thetas[at])
            self._done += 1
            done += 1
            if seconds is not None and time.perf_counter() - start >= seconds:
                break
            if epochs is None and seconds is None:
                break
        self.seconds += time.perf_counter() - start
        return done

    def finish(self) -> None:
        """Compute whatever is left, in one go (for scripts and tests; a page uses ``run``)."""
        self.run(epochs=self.total)

    @property
    def centre_loss(self) -> float:
        """L(0, 0): the loss at the current weights."""
        return float(self.loss[len(self.betas) // 2, len(self.alphas) // 2])


# -- the exact two-weight model --------------------------------------------------------------------
TWO_WEIGHT_OUTPUT = MappingProxyType({"binary": "sigmoid", "regression": "linear"})
"""The output of the two-weight model per task (multi-class needs a weight pair per class)."""

TWO_WEIGHT_DATASETS = tuple(k for k, s in DATASETS.items()
                            if s.two_d and s.task in TWO_WEIGHT_OUTPUT)
MAX_PATH = 4000
TWO_WEIGHT_SAMPLES = 200
TWO_WEIGHT_POINTS = round(0.8 * TWO_WEIGHT_SAMPLES)  # the training part, all the model sees


def two_weight_data(key: str, *, n_samples=TWO_WEIGHT_SAMPLES, noise=0.2, label_noise=0.1,
                    seed=0):
    """Standardised inputs (n, 2) and targets (n, 1) of a 2-D dataset, and its task.

    Only the training part is used; standardising centres the data, which a model without a bias
    needs. Flipped labels (``label_noise``) make the classes overlap, which puts the lowest loss
    at finite weights; on cleanly separable data it lies infinitely far out.
    """
    if key not in TWO_WEIGHT_DATASETS:
        raise ValueError(f"the two-weight model takes one of {', '.join(TWO_WEIGHT_DATASETS)} "
                         f"(got {key!r})")
    data = make_dataset(key, n_samples=n_samples, noise=noise, label_noise=label_noise,
                        train_ratio=0.8, seed=seed)
    X = Standardizer().fit(data.X_train).transform(data.X_train)
    return X, np.asarray(data.y_train, np.float64).reshape(-1, 1), data.task


def _bce_columns(P, Y):
    eps = np.finfo(P.dtype).eps  # the clip losses._clip uses
    q = np.clip(P, eps, 1 - eps)
    return -np.mean(Y * np.log(q) + (1 - Y) * np.log1p(-q), axis=0)


def _mse_columns(P, Y):
    return np.mean((P - Y) ** 2, axis=0)


def _mae_columns(P, Y):
    return np.mean(np.abs(P - Y), axis=0)


COLUMN_LOSSES = MappingProxyType({"bce": _bce_columns, "mse": _mse_columns, "mae": _mae_columns})
"""Losses of one output unit for many weight settings at once: (n, G) outputs -> (G,) means.

Each equals ``LOSSES[name].value`` on one column (a test checks it)."""


def exact_surface(X, Y, output: str, loss: str, w1s, w2s) -> np.ndarray:
    """The loss of the two-weight model at every (w1, w2) of a grid: shape (len(w2s), len(w1s)).

    One matrix product gives every grid point's pre-activations, ``X @ [w1; w2]`` of shape
    (n, points), then the output activation and the loss run column by column in one call each.
    """
    g1, g2 = np.meshgrid(np.asarray(w1s, np.float64), np.asarray(w2s, np.float64))
    Z = np.asarray(X, np.float64) @ np.vstack([g1.ravel(), g2.ravel()])
    with np.errstate(all="ignore"):
        P = OUTPUT_ACTIVATIONS[output](Z)
        return COLUMN_LOSSES[loss](P, np.asarray(Y, np.float64)).reshape(g1.shape)


class TwoWeightRun:
    """Trains ``p = f(w1 x1 + w2 x2)`` with the playground's optimizers, keeping every step.

    The model is the engine's MLP with sizes (2, 1) whose bias is held at 0 (its gradient is zeroed
    before each step), so the losses and gradients are exactly those the engine trains with.

    Parameters
    ----------
    X, Y : (n, 2) inputs and (n, 1) targets
    task : 'binary' or 'regression'
    loss : key of LOSSES that suits the task
    optimizer : key of OPTIMIZERS; settings: dict with lr, momentum, rho, beta1, beta2
    batch_size : int; start : (w1, w2); seed : seeds the batch order
    max_epochs : int, where the walk stops (the weights of a long walk barely move)

    Attributes
    ----------
    path : (k, 2) array of the weights after each kept step, the start first
    steps : (k,) step number of each path point
    status : 'ready' or 'diverged'
    """

    # A weight past this is a run that has blown up (starts are within +-6, and even on
    # separable data the weights grow only like the log of the step count); waiting for inf
    # would keep dozens of epochs of weights near 1e36, whose surface no chart can draw.
    WEIGHT_LIMIT = 1000.0

    def __init__(self, X, Y, *, task="binary", loss="bce", optimizer="sgd", settings=None,
                 batch_size=None, start=(0.0, 0.0), seed=0, max_epochs=2000):
        self.X, self.Y = np.asarray(X, np.float64), np.asarray(Y, np.float64)
        self.output, self.loss_name = TWO_WEIGHT_OUTPUT[task], loss
        self.model = MLP((2, 1), "linear", self.output, np.float64)
        self.model.weights[0][:, 0] = start
        settings = {"lr": 0.1, "momentum": 0.9, "rho": 0.9, "beta1": 0.9, "beta2": 0.999,
                    **(settings or {})}
        self.optimizer = OPTIMIZERS[optimizer](settings)
        self.batch_size = min(int(batch_size or len(self.X)), len(self.X))
        self._order = np.random.default_rng(seed)
        self._path, self._steps = [np.array(start, np.float64)], [0]
        self.step_count, self.epoch, self.status = 0, 0, "ready"
        self.max_epochs = max_epochs
        self._surface = None  # (box, resolution, ws, surface): the last one asked for
        self._path_loss = {}  # step number -> loss at that step's weights

    @property
    def weights(self) -> np.ndarray:
        return self.model.weights[0][:, 0].copy()

    @property
    def path(self) -> np.ndarray:
        return np.array(self._path)

    @property
    def steps(self) -> np.ndarray:
        return np.array(self._steps)

    def loss(self) -> float:
        """The loss on the whole data at the current weights."""
        return self.model.loss(self.X, self.Y, self.loss_name)

    def box(self, least: float = 4.0) -> float:
        """Half-width of the (w1, w2) square to draw: room for the whole path, in steps of 2."""
        reach = float(np.abs(self.path).max()) * 1.15
        return max(least, 2.0 * np.ceil(reach / 2.0))

    def surface(self, box: float, resolution: int = 81):
        """(ws, loss over [-box, box]^2 on the grid ws x ws), kept while box and resolution stay."""
        if self._surface is None or self._surface[:2] != (box, resolution):
            ws = np.linspace(-box, box, resolution)
            self._surface = (box, resolution, ws,
                             exact_surface(self.X, self.Y, self.output, self.loss_name, ws, ws))
        return self._surface[2], self._surface[3]

    def path_losses(self) -> np.ndarray:
        """The loss at each kept point of the path, on the whole data.

        Only new steps are computed (a long path would otherwise cost a pass over the data per
        step on every frame); thinning drops points, so they are matched by step number.
        """
        steps, path = self.steps, self.path
        new = [k for k, s in enumerate(steps) if s not in self._path_loss]
        if new:
            with np.errstate(all="ignore"):
                out = OUTPUT_ACTIVATIONS[self.output](self.X @ path[new].T)
            fresh = COLUMN_LOSSES[self.loss_name](out, self.Y)
            self._path_loss.update(zip(steps[new].tolist(), fresh))
        kept = set(steps.tolist())
        self._path_loss = {s: v for s, v in self._path_loss.items() if s in kept}
        return np.array([self._path_loss[s] for s in steps.tolist()])

    @property
    def can_train(self) -> bool:
        return self.status == "ready" and self.epoch < self.max_epochs

    def run_epoch(self) -> None:
        """One shuffled pass in mini-batches; every step is recorded (thinned past MAX_PATH)."""
        order = self._order.permutation(len(self.X))
        for lo in range(0, len(order), self.batch_size):
            batch = order[lo:lo + self.batch_size]
            before = self.model.theta.copy()
            with np.errstate(all="ignore"):
                self.model.loss_and_gradient(self.X[batch], self.Y[batch], self.loss_name,
                                             with_loss=False)
                self.model.grad_biases[0][...] = 0.0  # the bias is not a parameter here
                self.optimizer.step([self.model.theta], [self.model.grad])
            if not np.abs(self.model.theta).max() <= self.WEIGHT_LIMIT:  # also catches NaN
                self.model.theta[...] = before
                self.status = "diverged"
                return
            self.step_count += 1
            self._record()
        self.epoch += 1

    def _record(self):
        self._path.append(self.weights)
        self._steps.append(self.step_count)
        if len(self._path) > MAX_PATH:  # keep the start, every other step, and the newest
            self._path = self._path[:1] + self._path[2:-1:2] + self._path[-1:]
            self._steps = self._steps[:1] + self._steps[2:-1:2] + self._steps[-1:]

    def run(self, epochs: int | None = None, seconds: float | None = None) -> int:
        """Train up to ``epochs`` epochs and/or for about ``seconds``; return the epochs run.

        With neither limit, one epoch runs (as ``Trainer.run`` does); never past ``max_epochs``.
        """
        start, done = time.perf_counter(), 0
        while self.can_train and (epochs is None or done < epochs):
            self.run_epoch()
            done += 1
            if seconds is not None and time.perf_counter() - start >= seconds:
                break
            if epochs is None and seconds is None:
                break
        return done


def loss_names_for(task: str) -> tuple:
    """The losses the two-weight model may use on a task (those COLUMN_LOSSES can evaluate)."""
    return tuple(k for k in TASK_LOSSES[task] if k in COLUMN_LOSSES)


__all__ = ["DIRECTIONS", "random_direction", "pca_directions", "project", "grid_axis",
           "kept_path", "SliceJob", "TwoWeightRun", "two_weight_data", "exact_surface",
           "COLUMN_LOSSES", "TWO_WEIGHT_DATASETS", "loss_names_for"]
