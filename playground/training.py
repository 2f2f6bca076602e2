"""Training: a Trainer runs epochs of mini-batch descent and keeps the history of every epoch.

One epoch is one pass over the training set, shuffled once, in mini-batches; after each batch the
optimizer moves every weight a little against the gradient of that batch's loss. After each epoch
the trainer measures the whole training and test sets (loss, accuracy or R^2 and RMSE, per-layer
gradient norms, dead and saturated units) and appends them to ``history``.

The trainer computes and never draws, prints or sleeps: the caller decides how many epochs to run
per call (``run(epochs=..., seconds=...)``) and what to show. Everything random comes from
Generators seeded by the config, so one config gives one run, bit for bit, on one machine.

Input pipeline: raw features (the plane's x1, x2 or a table's columns) -> derived features
(x1^2, sin x1, ...) -> standardisation with the training set's mean and spread -> network.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from dataclasses import dataclass

import numpy as np
from threadpoolctl import ThreadpoolController

from playground.config import TrainConfig
from playground.datasets import DATASETS, Dataset, Standardizer, derive_features, make_dataset
from playground.losses import LOSSES, PENALTIES, output_activation
from playground.network import MLP
from playground.optimizers import OPTIMIZER_SETTINGS, OPTIMIZERS, apply_settings

__all__ = ["TrainConfig", "Trainer", "EpochStats", "History", "Grid", "build_dataset"]

# A unit counts as saturated on a sample when its slope f'(z) is below this share of its maximum.
SATURATION_SLOPE = 0.05
_SATURATED = float(np.sqrt(1 - SATURATION_SLOPE))  # the |tanh| above which that happens
READY, DIVERGED, STOPPED, DONE = "ready", "diverged", "stopped", "done"
# A finite blow-up also counts as diverging. A too-high learning rate on a classifier rarely
# reaches NaN: the loss jumps from ln 2 to ~8 (the clipped log of 0) and stays there or swings,
# and the run used to end "done". Each rule (factor, window, count): the training loss above
# factor x where the run started in `count` of the last `window` epochs. Measured on every
# dataset x optimizer at the default rate for 1,000 epochs, the largest such windowed ratio of a
# normal run was 1.03 (3 of 5; the spiral's early plateau at its starting loss) and 0.94 (10 of
# 20); at lr 10 the blown-up runs sat at 4 to 16 times their start.
BLOWUP_RULES = ((3.0, 5, 3),  # blown up, or swinging between ~1x and ~10x
                (2.0, 20, 10))  # stuck well above the start, oscillating
MAX_SNAPSHOTS = 256


@dataclass(frozen=True)
class EpochStats:
    """What one epoch measured. ``metrics`` keys depend on the task (see ``History``)."""

    epoch: int
    metrics: dict
    grad_norms: tuple
    dead: tuple
    saturated: tuple


@dataclass(frozen=True)
class Grid:
    """The network evaluated on a regular grid over two input features.

    ``values`` is (ny, nx) for binary tasks (probability of class 1) and regression (the output),
    and (ny, nx, classes) of probabilities for multi-class tasks.
    """

    xs: np.ndarray
    ys: np.ndarray
    values: np.ndarray
    axes: tuple


class History:
    """Per-epoch figures, one list per column, epoch 0 (before training) included.

    Columns: epoch, train_loss, test_loss, then train_accuracy/test_accuracy (classification) or
    train_r2/test_r2/train_rmse/test_rmse (regression), then grad_norm_<layer>, dead_fraction and
    saturated_fraction (over all hidden units).
    """

    def __init__(self):
        self.columns: dict[str, list] = {}
        self._arrays: dict[str, np.ndarray] = {}  # read-only copies, extended as rows come

    def append(self, stats: EpochStats) -> None:
        row = {"epoch": stats.epoch, **stats.metrics}
        row.update({f"grad_norm_{i + 1}": g for i, g in enumerate(stats.grad_norms)})
        row["dead_fraction"] = _mean_or_nan(stats.dead)
        row["saturated_fraction"] = _mean_or_nan(stats.saturated)
        for key, value in row.items():
            self.columns.setdefault(key, []).append(value)

    def __len__(self) -> int:
        return len(self.columns.get("epoch", ()))

    def __getitem__(self, key) -> np.ndarray:
        """The column as a read-only array.

        Kept between calls and extended by the new rows only: the pages ask for every column
        on every frame, and converting a long run's lists anew each time cost ~15 ms a frame
        at 30,000 epochs.
        """
        values, cached = self.columns[key], self._arrays.get(key)
        if cached is None:
            cached = np.asarray(values)
        elif len(cached) < len(values):
            cached = np.concatenate([cached, np.asarray(values[len(cached):])])
        cached.flags.writeable = False
        self._arrays[key] = cached
        return cached

    def last(self) -> dict:
        """The newest row as a dict."""
        return {k: v[-1] for k, v in self.columns.items()}

    def rows(self) -> list[dict]:
        """Every row as a dict (for CSV and JSON export)."""
        keys = list(self.columns)
        return [dict(zip(keys, values)) for values in zip(*self.columns.values())]

    def truncate(self, n: int) -> None:
        """Keep the first n rows (used when a run goes back to earlier weights)."""
        for values in self.columns.values():
            del values[n:]
        self._arrays.clear()


def _mean_or_nan(values):
    values = [v for v in values if v == v]  # NaN marks a layer the figure does not apply to
    return sum(values) / len(values) if values else float("nan")


@functools.lru_cache(maxsize=1)
def _blas_pools() -> tuple:
    """The BLAS libraries' thread-pool handles (finding them scans the loaded libraries once)."""
    return tuple(ThreadpoolController().select(user_api="blas").lib_controllers)


def _one_blas_thread(method):
    """Run a method with one BLAS thread.

    For matrices this small, waking threads costs more than they give (a 100 x 100 grid takes
    3x longer with two threads here), and on a shared server each session should keep to one
    core.
    """
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        # Set and put back by hand: threadpoolctl's limit() context re-reads every library's
        # state, 11-30 us a call, as much as a tenth of a 100 x 100 grid (1.5 us this way).
        pools = _blas_pools()
        before = [pool.get_num_threads() for pool in pools]
        for pool in pools:
            pool.set_num_threads(1)
        try:
            return method(*args, **kwargs)
        finally:
            for pool, threads in zip(pools, before):
                pool.set_num_threads(threads)
    return wrapper


def build_dataset(config: TrainConfig) -> Dataset:
    """The dataset a config describes (not for 'csv', whose data comes from an upload)."""
    if config.dataset == "csv":
        raise ValueError("dataset 'csv' has no generator: pass the uploaded Dataset to Trainer")
    return make_dataset(config.dataset, n_samples=config.n_samples, noise=config.noise,
                        label_noise=config.label_noise, train_ratio=config.train_ratio,
                        seed=config.data_seed, n_classes=config.n_classes,
                        columns=list(config.columns) or None)


def targets(y: np.ndarray, task: str, n_classes: int, dtype) -> np.ndarray:
    """Labels as the network's output shape: a 0/1 column, one-hot rows, or a target column."""
    if task == "multiclass":
        return np.eye(n_classes, dtype=dtype)[y]
    return np.asarray(y, dtype=dtype).reshape(-1, 1)


class Trainer:
    """Trains one network on one dataset, epoch by epoch.

    Parameters
    ----------
    config : TrainConfig
    dataset : Dataset, optional
        Data to use instead of the one the config describes (an uploaded CSV).

    Attributes
    ----------
    model : MLP
    history : History
    epoch : int
        Epochs trained so far.
    status : str
        'ready' (can train), 'diverged', 'stopped' (early stopping) or 'done' (epoch limit).
    message : str
        Why training cannot go on, for the user; empty while ready.
    """

    def __init__(self, config: TrainConfig, dataset: Dataset | None = None):
        self.dataset = dataset if dataset is not None else build_dataset(config)
        self.task = self.dataset.task
        self.config = config
        self.loss_name = config.loss_for(self.task)
        self.output_name = output_activation(self.task, self.loss_name)
        self._check_features(config)
        self.dtype = np.dtype(config.dtype)
        self.input_names = tuple(self.dataset.feature_names) + tuple(config.features)
        self.scaler = Standardizer().fit(self._derive(self.dataset.X_train))
        self.X_train = self.transform(self.dataset.X_train)
        self.X_test = self.transform(self.dataset.X_test)
        # The training inputs beside a ones column, the layout the network's lean path takes.
        self._X1_train, self._X1_test = (np.hstack([X, np.ones((len(X), 1), self.dtype)])
                                         for X in (self.X_train, self.X_test))
        n_out = self.dataset.n_classes if self.task == "multiclass" else 1
        self.Y_train = targets(self.dataset.y_train, self.task, n_out, self.dtype)
        self.Y_test = targets(self.dataset.y_test, self.task, n_out, self.dtype)
        sizes = (len(self.input_names), *config.hidden, n_out)
        self.model = MLP(sizes, config.activation, self.output_name, self.dtype)
        self.model.initialize(np.random.default_rng(config.init_seed), config.init,
                              config.bias_init)
        # The batch order has its own stream, so data, weights and order are each reproducible.
        self._order = np.random.default_rng([config.init_seed, 1])
        self.optimizer = OPTIMIZERS[config.optimizer](config.optimizer_settings())
        self.history = History()
        self.epoch, self.status, self.message = 0, READY, ""
        self._grid_inputs = {}
        self._bounds = {}
        self._batch_plan = (None,)  # (batch size, shuffled X, shuffled Y, batches): _batches
        self.last_stats = self._measure()
        self.history.append(self.last_stats)
        self._best = (self.last_stats.metrics["test_loss"], 0, self.model.theta.copy())
        self.snapshots = {0: self.model.theta.copy()}
        self._snapshot_every = 1
        self._mark_start()

    def _check_features(self, config):
        spec = DATASETS.get(self.dataset.key)
        if config.features and not (spec and spec.two_d):
            raise ValueError("features (x1^2, sin x1, ...) apply only to the 2-D plane datasets")

    # -- the input pipeline -----------------------------------------------------------------------
    def _derive(self, X):
        return derive_features(X, self.config.features) if self.config.features else X

    def transform(self, X_raw: np.ndarray) -> np.ndarray:
        """Raw features -> what the network sees (derived features added, standardised)."""
        return self.scaler.transform(self._derive(np.asarray(X_raw, float))).astype(self.dtype)

    def predict(self, X_raw: np.ndarray) -> np.ndarray:
        """Network output for raw inputs: probabilities (classification) or values (regression)."""
        return self.model.forward(self.transform(X_raw))

    # -- changing settings mid-run --------------------------------------------------------------------
    def update_config(self, config: TrainConfig) -> None:
        """Apply new training settings without touching the weights.

        After a divergence, a lower learning rate makes the trainer ready again, going on from
        the last finite weights; a raised epoch limit or early stopping turned off lets a
        finished run go on.

        Raises ValueError if a reset setting (data, architecture, initialisation) differs: that
        is a new run, so make a new Trainer.
        """
        changed = self.config.reset_changes(config)
        if changed:
            raise ValueError(f"changing {', '.join(changed)} needs a new run (a new Trainer)")
        loss = config.loss_for(self.task)
        if config.optimizer != self.config.optimizer:
            self.optimizer = OPTIMIZERS[config.optimizer](config.optimizer_settings())
        else:
            apply_settings(self.optimizer, config.optimizer_settings(),
                           OPTIMIZER_SETTINGS[config.optimizer])
        lowered = config.lr < self.config.lr
        self.config, self.loss_name = config, loss
        if self.status == DIVERGED and lowered:
            # A smaller step from the kept (finite) weights may well converge: let it try.
            self.status, self.message = READY, ""
        if self.status in (DONE, STOPPED):
            self.status, self.message = READY, ""
        self._check_limits()  # a limit lowered below the current epoch ends the run now

    def resume(self, params: list, epoch: int = 0) -> None:
        """Go on from saved parameters [W0, b0, W1, ...] (a model file), counting from ``epoch``.

        The history restarts with one row measured on these weights; the optimizer starts
        afresh, because a model file does not carry its running averages.
        """
        self.model.set_params(params)
        self.optimizer = OPTIMIZERS[self.config.optimizer](self.config.optimizer_settings())
        self.status, self.message = READY, ""
        self.epoch = 0  # _measure computes the full gradient only for a run's first row
        stats = self._measure()
        self.epoch, self.last_stats = epoch, dataclasses.replace(stats, epoch=epoch)
        self.history = History()
        self.history.append(self.last_stats)
        self._best = (stats.metrics["test_loss"], epoch, self.model.theta.copy())
        self.snapshots, self._snapshot_every = {epoch: self.model.theta.copy()}, 1
        self._mark_start()
        self._check_limits()

    # -- training -----------------------------------------------------------------------------
    @property
    def can_train(self) -> bool:
        return self.status == READY

    @_one_blas_thread
    def run(self, epochs: int | None = None, seconds: float | None = None) -> list[EpochStats]:
        """Train up to ``epochs`` epochs and/or for about ``seconds``; stop early if training ends.

        At least one epoch runs when training can go on. Returns the stats of the epochs run.
        """
        done, start = [], time.perf_counter()
        while self.can_train and (epochs is None or len(done) < epochs):
            done.append(self.run_epoch())
            if seconds is not None and time.perf_counter() - start >= seconds:
                break
            if epochs is None and seconds is None:
                break
        return done

    def run_epoch(self) -> EpochStats:
        """One pass over the shuffled training set in mini-batches, then measure and record."""
        if not self.can_train:
            raise RuntimeError(f"cannot train: {self.message}")
        model = self.model
        before = model.theta.copy()
        with np.errstate(all="ignore"):  # overflow is caught below, as divergence
            if self.config.batch_size >= len(self._X1_train):
                self._full_batch_step()
            else:
                self._mini_batch_steps()
            self.epoch += 1
            stats = self._measure()
        if not (np.isfinite(stats.metrics["train_loss"]) and np.isfinite(model.theta).all()):
            return self._diverge(before, stats)
        if self._blown_up(stats):
            return self._diverge(before, stats, blown_up=True)
        self.last_stats = stats
        self.history.append(stats)
        self._snapshot()
        self._check_early_stop(stats)
        self._check_limits()
        return stats

    def _mini_batch_steps(self):
        model, cfg = self.model, self.config
        X, Y, batches = self._batches(cfg.batch_size)
        order = self._order.permutation(len(X))
        np.take(self._X1_train, order, axis=0, out=X)  # the shuffled set, into the same buffers
        np.take(self.Y_train, order, axis=0, out=Y)
        loss, penalty, rate = LOSSES[self.loss_name], PENALTIES[cfg.penalty], cfg.penalty_rate
        gradient, step, grad = model.gradient, self.optimizer.step, model.grad
        params, grads = [model.theta], [grad]
        mean_grad = self._epoch_grad
        mean_grad.fill(0)
        for ws, x, y in batches:
            gradient(ws, x, y, loss, penalty, rate)
            mean_grad += grad
            step(params, grads)
        mean_grad *= 1 / len(batches)

    def _batches(self, size):
        """Buffers for the shuffled training set and, per mini-batch, (workspace, x, y) views.

        Made once per batch size: an epoch only writes the new order into the buffers, so the
        loop makes no slices (a few us a batch, on batches that cost ~50 us).
        """
        if self._batch_plan[0] != size:
            X, Y = np.empty_like(self._X1_train), np.empty_like(self.Y_train)
            plan = []
            for lo in range(0, len(X), size):
                x, y = X[lo:lo + size], Y[lo:lo + size]  # the last batch may be shorter
                plan.append((self.model.workspace(len(x)), x, y))
            self._batch_plan = (size, X, Y, plan)
        return self._batch_plan[1:]

    def _full_batch_step(self):
        # The order of the points does not matter in one batch, and the measurement after the
        # previous epoch usually left the forward pass at these very weights: reuse it.
        model, cfg = self.model, self.config
        ws = model.workspace(len(self._X1_train))
        fresh = ws.last_input is self._X1_train and np.array_equal(model.theta, self._measured)
        model.gradient(ws, self._X1_train, self.Y_train, LOSSES[self.loss_name],
                       PENALTIES[cfg.penalty], cfg.penalty_rate, forward=not fresh)
        self._epoch_grad[...] = model.grad
        self.optimizer.step([model.theta], [model.grad])

    def _snapshot(self):
        """Keep the weights of every k-th epoch and of the newest; when there are too many, thin
        them to every 2k-th.

        So replay always covers the whole run, from epoch 0 to the very latest (the weights the
        other pages show), with at most MAX_SNAPSHOTS + 1 copies of the weights.
        """
        every, newest = self._snapshot_every, self.epoch
        if (newest - 1) % every and newest - 1 in self.snapshots:  # the last newest, off the grid
            del self.snapshots[newest - 1]
        self.snapshots[newest] = self.model.theta.copy()
        if len(self.snapshots) > MAX_SNAPSHOTS + 1:
            self._snapshot_every = every = 2 * every
            self.snapshots = {e: w for e, w in self.snapshots.items()
                              if e % every == 0 or e == newest}

    def params_at(self, epoch: int) -> list[np.ndarray]:
        """The parameters [W0, b0, ...] as they were after a kept epoch (see ``snapshots``)."""
        if epoch not in self.snapshots:
            raise KeyError(f"epoch {epoch} was not kept; kept epochs: every "
                           f"{self._snapshot_every} up to {max(self.snapshots)}")
        probe = MLP(self.model.sizes, self.config.activation, self.output_name, self.dtype)
        probe.theta[...] = self.snapshots[epoch]
        return probe.get_params()

    def _blown_up(self, stats) -> bool:
        """True when the training loss has blown up without overflowing (see BLOWUP_RULES)."""
        loss = stats.metrics["train_loss"]
        reference = self._starting_loss()
        if loss <= min(f for f, _, _ in BLOWUP_RULES) * reference:
            return False  # the common case, decided without looking back
        losses, epochs = self.history.columns["train_loss"], self.history.columns["epoch"]
        for factor, window, count in BLOWUP_RULES:
            recent = [x for x, e in zip(losses[1 - window:], epochs[1 - window:])
                      if e > self._watch_from]
            if 1 + sum(x > factor * reference for x in recent) >= count and \
                    loss > factor * reference:
                return True
        return False

    def _mark_start(self) -> None:
        """Remember the network's training-set output now: where the run starts (or goes on
        from, after a divergence), for the blow-up check."""
        self._watch_from = self.epoch
        self._start_out = self.model.forward(self.X_train)
        self._reference = {}

    def _starting_loss(self) -> float:
        """The larger of the loss where the run started and the loss of a network that has
        learned nothing (every output the training set's mean), under the loss now chosen.

        Measured afresh per loss (the loss may change mid-run). The second keeps a low start
        (a trained model file opened, a converged run's kept weights) from making an ordinary
        wobble look like a blow-up.
        """
        name = self.loss_name
        if name not in self._reference:
            loss, Y = LOSSES[name], self.Y_train
            constant = np.broadcast_to(Y.mean(axis=0), Y.shape)
            self._reference[name] = max(loss.value(self._start_out, Y), loss.value(constant, Y))
        return self._reference[name]

    def _diverge(self, before, stats, blown_up=False):
        self.model.theta[...] = before
        loss = stats.metrics["train_loss"]
        self.status = DIVERGED
        what = (f"the training loss blew up to {loss:.3g}, far above where it started "
                f"({self._starting_loss():.3g})" if blown_up else f"the loss became {loss:g}")
        self.message = (f"Diverged at epoch {self.epoch}: {what}. The weights of "
                        f"epoch {self.epoch - 1} are kept; try a smaller learning rate "
                        f"(now {self.config.lr:g}).")
        self.epoch -= 1
        self._mark_start()
        # The optimizer's running averages saw the exploding gradients: start them afresh.
        self.optimizer = OPTIMIZERS[self.config.optimizer](self.config.optimizer_settings())
        return stats

    def _check_early_stop(self, stats):
        test_loss = stats.metrics["test_loss"]
        if test_loss < self._best[0]:
            self._best = (test_loss, self.epoch, self.model.theta.copy())
        best_loss, best_epoch, best_theta = self._best
        if self.config.early_stopping and self.epoch - best_epoch >= self.config.patience:
            self.model.theta[...] = best_theta
            self.status = STOPPED
            self.message = (f"Stopped early at epoch {self.epoch}: the test loss has not improved "
                            f"for {self.config.patience} epochs. The weights of the best epoch, "
                            f"{best_epoch} (test loss {best_loss:.4g}), are restored.")

    @property
    def best_epoch(self) -> int:
        """Epoch with the lowest test loss so far (the early-stopping mark)."""
        return self._best[1]

    def _check_limits(self):
        if self.status == READY and self.epoch >= self.config.epochs:
            self.status = DONE
            self.message = f"Reached the epoch limit ({self.config.epochs})."

    # -- measuring -----------------------------------------------------------------------------
    def _measure(self) -> EpochStats:
        """Loss and metrics on both sets, gradient norms, dead and saturated units.

        The gradient norms are per layer, of the mean of the epoch's mini-batch gradients (for
        full-batch descent, the whole set's gradient): it follows the whole training set's
        gradient closely, and measuring that directly would cost another backward pass.
        """
        model = self.model
        if self.epoch == 0:  # no step taken yet: the whole training set's gradient
            model.loss_and_gradient(self.X_train, self.Y_train, self.loss_name,
                                    self.config.penalty, self.config.penalty_rate)
            self._epoch_grad = model.grad.copy()
        g = self._epoch_grad
        starts = [s.start for s in model.block_slices]
        grad_norms = tuple(np.sqrt(np.add.reduceat(g * g, starts)).tolist())
        # The test set first: its workspace is the training set's when both have one size.
        test_out = model._forward(model.workspace(len(self._X1_test)), self._X1_test).copy()
        ws = model.workspace(len(self._X1_train))
        train_out = model._forward(ws, self._X1_train).copy()
        self._measured = model.theta.copy()
        dead, saturated = _unit_health(ws.acts[:-1], self.config.activation)
        loss = LOSSES[self.loss_name]
        metrics = {"train_loss": loss.value(train_out, self.Y_train),
                   "test_loss": loss.value(test_out, self.Y_test)}
        metrics.update(_task_metrics(self.task, "train", train_out, self.Y_train))
        metrics.update(_task_metrics(self.task, "test", test_out, self.Y_test))
        return EpochStats(self.epoch, metrics, grad_norms, dead, saturated)

    def layer_weights(self) -> list[np.ndarray]:
        """Copies of each layer's weight matrix (fan_in, fan_out), for histograms and diagrams."""
        return [W.copy() for W in self.model.weights]

    # -- the input plane ----------------------------------------------------------------------
    def plane_bounds(self, axes=(0, 1), margin=0.05) -> tuple:
        """(x_min, x_max, y_min, y_max) around all the data on two raw features."""
        key = (tuple(axes), margin)
        if key not in self._bounds:  # the data never changes: once per pair (16 us a frame)
            X = np.vstack([self.dataset.X_train, self.dataset.X_test])[:, list(axes)]
            low, high = X.min(axis=0), X.max(axis=0)
            pad = (high - low) * margin + 1e-9
            self._bounds[key] = (low[0] - pad[0], high[0] + pad[0], low[1] - pad[1],
                                 high[1] + pad[1])
        return self._bounds[key]

    @_one_blas_thread
    def grid(self, resolution: int = 100, bounds=None, axes=(0, 1)) -> Grid:
        """Evaluate the network on a resolution x resolution grid over two raw features.

        The other features (for table data with more than two) are held at their training
        median. The transformed grid inputs are cached, so a redraw costs one forward pass.
        """
        bounds = tuple(bounds) if bounds is not None else self.plane_bounds(axes)
        key = (resolution, bounds, tuple(axes))
        if key not in self._grid_inputs:
            self._grid_inputs = {key: self._grid_input(resolution, bounds, axes)}
        xs, ys, inputs = self._grid_inputs[key]
        out = self.model.forward(inputs)
        n_out = out.shape[1]
        values = out.reshape(len(ys), len(xs), n_out)
        return Grid(xs, ys, values[..., 0] if n_out == 1 else values, tuple(axes))

    def _grid_input(self, resolution, bounds, axes):
        xs = np.linspace(bounds[0], bounds[1], resolution)
        ys = np.linspace(bounds[2], bounds[3], resolution)
        gx, gy = np.meshgrid(xs, ys)
        raw = np.tile(np.median(self.dataset.X_train, axis=0), (gx.size, 1))
        raw[:, axes[0]], raw[:, axes[1]] = gx.ravel(), gy.ravel()
        return xs, ys, self.transform(raw)


def _unit_health(hidden_acts, activation):
    """Per hidden layer: fraction of dead ReLUs and fraction of saturated unit activations.

    A ReLU unit is dead when it outputs 0 for every training point: no gradient reaches its
    weights any more. A tanh or sigmoid activation is saturated when its slope is under 5 % of
    the maximum slope, so the unit barely learns from that point: for tanh, 1 - a^2 < 0.05, i.e.
    |a| > sqrt(0.95); for sigmoid, 4 a (1 - a) < 0.05, i.e. |a - 1/2| > sqrt(0.95) / 2.
    """
    nan = (float("nan"),) * len(hidden_acts)
    if activation == "relu":
        return tuple(np.count_nonzero(a.max(axis=0) <= 0) / a.shape[1] for a in hidden_acts), nan
    if activation == "tanh":
        return nan, tuple(np.count_nonzero(np.abs(a) > _SATURATED) / a.size for a in hidden_acts)
    if activation == "sigmoid":
        return nan, tuple(np.count_nonzero(np.abs(a - 0.5) > _SATURATED / 2) / a.size
                          for a in hidden_acts)
    return nan, nan


def _task_metrics(task, split, out, Y):
    """Accuracy for classifiers; R^2 and RMSE for regression."""
    if task == "binary":
        return {f"{split}_accuracy": np.count_nonzero((out > 0.5) == (Y > 0.5)) / len(Y)}
    if task == "multiclass":
        return {f"{split}_accuracy": np.count_nonzero(out.argmax(1) == Y.argmax(1)) / len(Y)}
    err = out[:, 0].astype(float) - Y[:, 0]
    spread = np.sum((Y[:, 0] - Y[:, 0].mean()) ** 2)
    r2 = 1 - np.sum(err * err) / spread if spread > 0 else float("nan")
    return {f"{split}_r2": float(r2), f"{split}_rmse": float(np.sqrt(np.mean(err * err)))}
