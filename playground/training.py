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

from playground import cost
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
# reaches NaN: the loss jumps from ln 2 to ~8 (the clipped log of 0) and stays there or swings.
# Each rule (factor, window, count): the training loss above factor x where the run started in
# `count` of the last `window` epochs. Normal runs stay near or below 1x their start and
# blown-up ones several times above it (the calibration: bench/NOTES.md).
BLOWUP_RULES = ((3.0, 5, 3),  # blown up, or swinging between ~1x and ~10x
                (2.0, 20, 10))  # stuck well above the start, oscillating
# Replay's kept weights: at most this many copies, and at most SNAPSHOT_BYTES of them (a network
# of 8 x 128 has 116,097 parameters, 464 KB: 18 copies), however long the run.
MAX_SNAPSHOTS = 256
MIN_SNAPSHOTS = 16
SNAPSHOT_BYTES = 8 * 2**20
HISTORY_FULL = 1000  # the history keeps every one of the first thousand epochs
HISTORY_ROWS = 4000  # and at most this many rows in all (see History)


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
    """Per-epoch figures, one column per figure, epoch 0 (before training) included.

    Columns: epoch, train_loss, test_loss, then train_accuracy/test_accuracy (classification) or
    train_r2/test_r2/train_rmse/test_rmse (regression), then grad_norm_<layer>, dead_fraction and
    saturated_fraction (over all hidden units).

    Bounded, so a student may play for hours: every epoch of the first ``full`` is kept; once
    more than ``max_rows`` rows are kept, the spacing ``every`` doubles (1, 2, 4 ...) and the
    later rows off its grid are dropped, the newest always kept. So the table holds at most
    ``max_rows`` + 1 rows (~0.5 MB), spans the whole run, and has every epoch since the last
    thinning: the charts look the same as with every epoch (they draw ~4,000 points at most).
    A thinning keeps the epochs it is told to (the trainer's snapshots: Replay shows each one's
    row), which are on a coarser grid anyway.
    The ``epoch`` column says which epochs a row is of; never take a row's index for its epoch.
    """

    def __init__(self, full: int = None, max_rows: int = None):
        self.full = HISTORY_FULL if full is None else full
        self.max_rows = HISTORY_ROWS if max_rows is None else max_rows
        self.every = 1
        self._data: dict[str, np.ndarray] = {}  # capacity grows by doubling; rows [:_n] are used
        self._n = 0

    def append(self, stats: EpochStats, keep=()) -> None:
        """Add an epoch's row; ``keep``: epochs a thinning must not drop (Replay's kept ones)."""
        row = {"epoch": stats.epoch, **stats.metrics}
        row.update({f"grad_norm_{i + 1}": g for i, g in enumerate(stats.grad_norms)})
        row["dead_fraction"] = _mean_or_nan(stats.dead)
        row["saturated_fraction"] = _mean_or_nan(stats.saturated)
        if self._n == 0 or self._n == len(self._data["epoch"]):
            self._grow(row)
        for key, value in row.items():
            self._data[key][self._n] = value
        self._n += 1
        if self._n > self.max_rows:
            self._thin(keep)

    def _grow(self, row):
        size = max(64, 2 * self._n)
        for key in row:
            column = np.empty(size, np.int64 if key == "epoch" else np.float64)
            column[:self._n] = self._data[key][:self._n] if self._n else ()
            self._data[key] = column

    def _thin(self, pinned):
        """Double the spacing and drop the rows off the new grid, into new arrays.

        New arrays, not in place: a column handed out before stays as it was.
        """
        self.every *= 2
        epochs = self._data["epoch"][:self._n]
        keep = (epochs < self.full) | (epochs % self.every == 0) | np.isin(epochs, list(pinned))
        keep[-1] = True
        self._data = {k: np.concatenate([v[:self._n][keep], np.empty(64, v.dtype)])
                      for k, v in self._data.items()}
        self._n = int(keep.sum())

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, key) -> np.ndarray:
        """The column as a read-only array (a view: rows are only ever added after it)."""
        column = self._data[key][:self._n]
        column.flags.writeable = False
        return column

    @property
    def columns(self) -> dict[str, np.ndarray]:
        """Every column, by name, as read-only arrays."""
        return {key: self[key] for key in self._data}

    def last(self) -> dict:
        """The newest row as a dict of plain numbers."""
        return {k: v[self._n - 1].item() for k, v in self._data.items()}

    def rows(self) -> list[dict]:
        """Every row as a dict of plain numbers (for CSV and JSON export)."""
        columns = {k: v[:self._n].tolist() for k, v in self._data.items()}
        return [dict(zip(columns, values)) for values in zip(*columns.values())]

    @property
    def nbytes(self) -> int:
        """Bytes the columns hold (capacity included)."""
        return sum(v.nbytes for v in self._data.values())


def _clock() -> float:
    return time.perf_counter()  # a function of its own, so tests can give the trainer a fake clock


def _drain(steps):
    """Run a generator of units of work to its end; return what it returns."""
    while True:
        try:
            with np.errstate(all="ignore"):
                next(steps)
        except StopIteration as finished:
            return finished.value


def _mean_or_nan(values):
    values = [v for v in values if v == v]  # NaN marks a layer the figure does not apply to
    return sum(values) / len(values) if values else float("nan")


@functools.lru_cache(maxsize=1)
def _blas_pools() -> tuple:
    """The BLAS libraries' thread-pool handles (finding them scans the loaded libraries once)."""
    return tuple(ThreadpoolController().select(user_api="blas").lib_controllers)


def one_blas_thread() -> None:
    """Keep this process's BLAS to one thread, for everything it computes.

    For a server: besides ``run`` and ``grid`` (which say so themselves), building a Trainer
    (its first measurement), predictions, the landscape's and the comparison's work all call
    BLAS, and with its default threads on a busy 2-core machine the first measurement of the
    biggest network took 0.5 to 2.6 s of CPU instead of 0.13 s, each session's threads
    spinning against the others'.
    """
    for pool in _blas_pools():
        pool.set_num_threads(1)


def _one_blas_thread(method):
    """Run a method with one BLAS thread.

    For matrices this small, waking threads costs more than they give (a 100 x 100 grid takes
    3x longer with two threads here), and on a shared server each session should keep to one
    core.
    """
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        # Set and put back by hand: threadpoolctl's limit() context re-reads every library's
        # state on each call, a sizeable share of a 100 x 100 grid's forward pass.
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
        self._ones_train, self._ones_test = (np.hstack([X, np.ones((len(X), 1), self.dtype)])
                                         for X in (self.X_train, self.X_test))
        self._ones_both = np.vstack([self._ones_train, self._ones_test])
        n_out = self.dataset.n_classes if self.task == "multiclass" else 1
        self.Y_train = targets(self.dataset.y_train, self.task, n_out, self.dtype)
        self.Y_test = targets(self.dataset.y_test, self.task, n_out, self.dtype)
        sizes = (len(self.input_names), *config.hidden, n_out)
        self.model = MLP(sizes, config.activation, self.output_name, self.dtype)
        self.model.initialize(np.random.default_rng(config.init_seed), config.init,
                              config.bias_init)
        # Two networks: ``model`` holds the weights of the last whole epoch (what the pages show,
        # save and replay), ``_net`` trains; they differ only while an epoch is under way.
        self._net = MLP(sizes, config.activation, self.output_name, self.dtype)
        self._net.theta[...] = self.model.theta
        self._shape = cost.Shape.of(sizes)
        self._chunk = cost.chunk_rows(self._shape)
        # The batch order has its own stream, so data, weights and order are each reproducible.
        self._order = np.random.default_rng([config.init_seed, 1])
        self.optimizer = OPTIMIZERS[config.optimizer](config.optimizer_settings())
        self.history = History()
        self.epoch, self.status, self.message = 0, READY, ""
        self.steps = 0  # mini-batch steps taken (counted, for tests and the curious)
        self._grid_inputs = {}
        self._bounds = {}
        self._batch_plan = (None,)  # (batch size, shuffled X, shuffled Y, batches): _batches
        self._pending = None  # the epoch under way: a generator (see _epoch)
        self._spent = 0.0  # predicted seconds of the work done since the clock was last read
        self._timed = [0.0, 0.0]  # seconds measured, seconds predicted, of the work run() timed
        self._pending_spent = 0.0
        self._speed, self._quantum = 1.0, cost.QUANTUM
        self.last_stats = _drain(self._measuring(0))
        self._spent = 0.0
        self.history.append(self.last_stats)
        self._best = (self.last_stats.metrics["test_loss"], 0, self.model.theta.copy())
        self.snapshots = {0: self.model.theta.copy()}
        self._snapshot_every = 1
        self._max_snapshots = min(MAX_SNAPSHOTS, max(MIN_SNAPSHOTS,
                                                     SNAPSHOT_BYTES // self.model.theta.nbytes))
        self._mark_start()

    def __getstate__(self):
        """For copies (a pinned run): an epoch under way is left out, since a generator cannot
        be copied; the copy holds the last whole epoch, and would train from there."""
        state = self.__dict__.copy()
        if state.get("_pending") is not None:
            state["_pending"], state["_restart"] = None, True
        return state

    def __setstate__(self, state):
        restart = state.pop("_restart", False)
        self.__dict__.update(state)
        if restart:
            self._net.theta[...] = self.model.theta

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
        self._net.theta[...] = self.model.theta
        self._pending = None  # an epoch under way belonged to the old weights
        self.optimizer = OPTIMIZERS[self.config.optimizer](self.config.optimizer_settings())
        self.status, self.message = READY, ""
        stats = _drain(self._measuring(0))  # 0: the full gradient, as for a run's first row
        self._spent = 0.0
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

        Returns the stats of the epochs completed. With ``seconds`` the call returns within a
        few milliseconds of it, on the biggest network too: the work goes in units the cost
        model predicts at ~``cost.QUANTUM`` seconds or less (a whole small epoch, or a part of a
        big one), and the next unit starts only if it is predicted to end in time. An epoch cut
        short goes on at the next call exactly where it stopped, so a run gives the same weights
        at epoch N however its epochs were sliced; history, snapshots and ``model`` change only
        when an epoch completes. At least one unit runs when training can go on; without
        ``seconds`` whole epochs run (one, without ``epochs`` either).
        """
        done, start = [], _clock()
        deadline = None if seconds is None else start + seconds
        unit = 0.0  # predicted seconds of the last unit: the guess for the next one
        while self.can_train and (epochs is None or len(done) < epochs):
            if self._pending is None:
                self._pending, unit = self._epoch(), 0.0
            try:
                while True:
                    with np.errstate(all="ignore"):  # overflow is caught at the commit
                        next(self._pending)
                    unit, self._spent = self._spent, 0.0
                    self._timed[1] += unit
                    if deadline is not None and _clock() + unit * self._speed > deadline:
                        self._timed[0] += _clock() - start
                        self._update_speed()
                        return done
            except StopIteration as finished:
                self._pending = None
                # A small epoch is one unit; a big one's next unit is like its last but one.
                self._timed[1] += self._spent
                unit, self._spent = max(unit, self._spent), 0.0
                done.append(self._commit(finished.value))
            if deadline is not None and _clock() + unit * self._speed > deadline:
                break
            if epochs is None and seconds is None:
                break
        self._timed[0] += _clock() - start
        self._update_speed()
        return done

    def _update_speed(self):
        """This server's seconds per predicted second, once enough work was timed (0.2 to 50).

        Units are cut at ``cost.QUANTUM`` of this server's seconds, and the clock's guess of
        the next unit is scaled alike, so the budget holds on a slower machine too.
        """
        measured, predicted = self._timed
        if predicted > 0.05:
            self._speed = min(50.0, max(0.2, measured / predicted))
            self._quantum = cost.QUANTUM / self._speed

    def run_epoch(self) -> EpochStats:
        """Complete one epoch (the one under way, if any), then measure and record."""
        if not self.can_train:
            raise RuntimeError(f"cannot train: {self.message}")
        return self.run(epochs=1)[0]

    @property
    def epoch_progress(self) -> float:
        """How much of the epoch under way is done, 0 to 1 (by the cost model's reckoning)."""
        if self._pending is None:
            return 0.0
        return min(0.99, self._pending_spent / max(self.predicted_epoch_seconds(), 1e-12))

    def predicted_epoch_seconds(self) -> float:
        """The cost model's seconds for one epoch with the current settings."""
        return cost.epoch_seconds(self._shape, len(self._ones_train), len(self._ones_test),
                                  self.config.batch_size)

    def epoch_seconds(self) -> float:
        """Seconds one epoch takes on this server: the prediction, scaled by what was measured."""
        return self.predicted_epoch_seconds() * self._speed

    def slow_note(self) -> str | None:
        """What to change, for the user, when an epoch takes longer than ~a second here."""
        return cost.slow_epoch_note(self.epoch_seconds(), len(self._ones_train),
                                    self.config.batch_size, self.config.hidden)

    def _rules(self):
        """(loss, penalty, rate, step) as the settings say now (they may change between units)."""
        cfg = self.config
        return LOSSES[self.loss_name], PENALTIES[cfg.penalty], cfg.penalty_rate, self.optimizer.step

    def _epoch(self):
        """One epoch as a generator: it gives control back between units of work.

        Each unit adds its predicted seconds to ``_spent``; ``run`` reads the clock at each
        yield. Returns the epoch's stats, measured on ``_net``; ``_commit`` records them.
        """
        self._pending_spent = 0.0
        # The batch size is read once: a change applies from the next epoch.
        if self.config.batch_size >= len(self._ones_train):
            yield from self._full_batch_step()
        else:
            yield from self._mini_batch_steps(self.config.batch_size)
        return (yield from self._measuring(self.epoch + 1))

    def _commit(self, stats) -> EpochStats:
        net, model = self._net, self.model
        if not (np.isfinite(stats.metrics["train_loss"]) and np.isfinite(net.theta).all()):
            self.epoch = stats.epoch
            stats = self._diverge(model.theta.copy(), stats)
            net.theta[...] = model.theta
            return stats
        if self._blown_up(stats):
            self.epoch = stats.epoch
            stats = self._diverge(model.theta.copy(), stats, blown_up=True)
            net.theta[...] = model.theta
            return stats
        self.epoch = stats.epoch
        model.theta[...] = net.theta
        self.last_stats = stats
        self.history.append(stats, keep=self.snapshots)
        self._snapshot()
        self._check_early_stop(stats)
        if self.status == STOPPED:  # the best weights were restored: train on from them
            net.theta[...] = model.theta
        self._check_limits()
        return stats

    def _mini_batch_steps(self, size):
        net = self._net
        X, Y, batches = self._batches(size)
        order = self._order.permutation(len(X))
        np.take(self._ones_train, order, axis=0, out=X)  # the shuffled set, into the same buffers
        np.take(self.Y_train, order, axis=0, out=Y)
        loss, penalty, rate, step = self._rules()
        gradient, grad = net.gradient, net.grad
        params, grads = [net.theta], [grad]
        mean_grad = self._epoch_grad
        mean_grad.fill(0)
        for parts, seconds in batches:
            if len(parts) == 1:
                ws, x, y = parts[0][:3]
                gradient(ws, x, y, loss, penalty, rate)
                self._spent += seconds
            else:  # the pieces count their own seconds
                yield from self._summed_gradient(parts, loss, penalty, rate)
            mean_grad += grad
            step(params, grads)
            self.steps += 1
            if self._spent >= self._quantum:
                self._pending_spent += self._spent
                yield
                loss, penalty, rate, step = self._rules()
        mean_grad *= 1 / len(batches)

    def _summed_gradient(self, parts, loss, penalty, rate):
        """The gradient of a batch too big for one unit, summed over its pieces into ``grad``.

        Each piece's mean gradient counts by its share of the rows; the penalty is added once.
        """
        net = self._net
        total = self._piece_sum
        total.fill(0)
        for ws, x, y, share, seconds in parts:
            net.gradient(ws, x, y, loss, penalty, 0.0)
            total += share * net.grad
            self._spent += seconds
            if self._spent >= self._quantum:
                self._pending_spent += self._spent
                yield
        net.grad[...] = total
        if rate:
            net.grad += rate * net.weight_mask * penalty.gradient(net.theta)

    def _pieces(self, X, Y):
        """(workspace, x, y, share, predicted seconds) per piece of a batch (one piece if small)."""
        n = len(X)
        return [(self._net.workspace(hi - lo), X[lo:hi], Y[lo:hi], (hi - lo) / n,
                 cost.gradient_seconds(self._shape, hi - lo))
                for lo, hi in cost.pieces(n, self._chunk)]

    @property
    def _piece_sum(self):
        if not hasattr(self, "_sum_buffer"):
            self._sum_buffer = np.zeros_like(self._net.grad)
        return self._sum_buffer

    def _batches(self, size):
        """Buffers for the shuffled training set and, per mini-batch, its pieces and cost.

        Made once per batch size: an epoch only writes the new order into the buffers, so the
        loop makes no slices (a few us a batch, on batches that cost ~50 us).
        """
        if self._batch_plan[0] != size:
            X, Y = np.empty_like(self._ones_train), np.empty_like(self.Y_train)
            plan = []
            for lo in range(0, len(X), size):
                x, y = X[lo:lo + size], Y[lo:lo + size]  # the last batch may be shorter
                plan.append((self._pieces(x, y), cost.batch_seconds(self._shape, len(x))))
            self._batch_plan = (size, X, Y, plan)
        return self._batch_plan[1:]

    def _full_batch_step(self):
        net, (loss, penalty, rate, step) = self._net, self._rules()
        n = len(self._ones_train)
        if n <= self._chunk:
            # The order of the points does not matter in one batch, and the measurement after
            # the previous epoch usually left the forward pass at these very weights: reuse it.
            ws = net.workspace(n)
            fresh = ws.last_input is self._ones_train and np.array_equal(net.theta, self._measured)
            net.gradient(ws, self._ones_train, self.Y_train, loss, penalty, rate,
                         forward=not fresh)
            self._spent += cost.gradient_seconds(self._shape, n)
        else:
            if not hasattr(self, "_train_pieces"):
                self._train_pieces = self._pieces(self._ones_train, self.Y_train)
            yield from self._summed_gradient(self._train_pieces, loss, penalty, rate)
        self._epoch_grad[...] = net.grad
        step([net.theta], [net.grad])
        self.steps += 1

    def _snapshot(self):
        """Keep the weights of every k-th epoch and of the newest; when there are too many, thin
        them to every 2k-th.

        So replay always covers the whole run, from epoch 0 to the very latest (the weights the
        other pages show), with at most ``_max_snapshots`` + 1 copies of the weights.
        """
        every, newest = self._snapshot_every, self.epoch
        if (newest - 1) % every and newest - 1 in self.snapshots:  # the last newest, off the grid
            del self.snapshots[newest - 1]
        self.snapshots[newest] = self.model.theta.copy()
        if len(self.snapshots) > self._max_snapshots + 1:
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
        self._start_out = self._shown_outputs(self.X_train)
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
    def _measuring(self, epoch: int):
        """Loss and metrics on both sets, gradient norms, dead and saturated units, of ``_net``.

        A generator like ``_epoch`` (a big network's pass over the data is done in pieces);
        returns the EpochStats of ``epoch``. The gradient norms are per layer, of the mean of the
        epoch's mini-batch gradients (for full-batch descent, the whole set's gradient): it
        follows the whole training set's gradient closely, and measuring that directly would
        cost another backward pass.
        """
        net = self._net
        if epoch == 0:  # no step taken yet: the whole training set's gradient
            loss, penalty, rate, _ = self._rules()
            yield from self._summed_gradient(self._pieces(self._ones_train, self.Y_train),
                                             loss, penalty, rate)
            self._epoch_grad = net.grad.copy()
        g = self._epoch_grad
        starts = [s.start for s in net.block_slices]
        grad_norms = tuple(np.sqrt(np.add.reduceat(g * g, starts)).tolist())
        health = _Health(self.config.activation)
        n = len(self._ones_train)
        if self.config.batch_size < n and n + len(self._ones_test) <= self._chunk:
            # Mini-batches: both sets in one pass, a set of NumPy calls fewer an epoch.
            out = yield from self._outputs(self._ones_both, health, rows=n)
            train_out, test_out = out[:n], out[n:]
        else:
            # Full batch: the training set alone, so the next step can reuse this pass. The
            # test set first: its workspace is the training set's when both have one size.
            test_out = yield from self._outputs(self._ones_test)
            train_out = yield from self._outputs(self._ones_train, health)
        self._measured = net.theta.copy()
        dead, saturated = health.result()
        loss = LOSSES[self.loss_name]
        metrics = {"train_loss": loss.value(train_out, self.Y_train),
                   "test_loss": loss.value(test_out, self.Y_test)}
        metrics.update(_task_metrics(self.task, "train", train_out, self.Y_train))
        metrics.update(_task_metrics(self.task, "test", test_out, self.Y_test))
        return EpochStats(epoch, metrics, grad_norms, dead, saturated)

    def _outputs(self, x_ones, health=None, rows=None):
        """The network's outputs for ``x_ones`` (a new array), in pieces if big; a generator.

        ``health`` counts the units' activations over the first ``rows`` rows (default all).
        """
        net, n = self._net, len(x_ones)
        if n <= self._chunk:
            ws = net.workspace(n)
            out = net._forward(ws, x_ones).copy()
            if health is not None:
                health.add([a[:rows] for a in ws.acts[:-1]] if rows else ws.acts[:-1])
            self._spent += cost.forward_seconds(self._shape, n)
            return out
        out = np.empty((n, net.sizes[-1]), net.dtype)
        for lo, hi in cost.pieces(n, self._chunk):
            ws = net.workspace(hi - lo)
            out[lo:hi] = net._forward(ws, x_ones[lo:hi])
            if health is not None:
                health.add(ws.acts[:-1])
            self._spent += cost.forward_seconds(self._shape, hi - lo)
            if self._spent >= self._quantum:
                self._pending_spent += self._spent
                yield
        return out

    def layer_weights(self) -> list[np.ndarray]:
        """Copies of each layer's weight matrix (fan_in, fan_out), for histograms and diagrams."""
        return [W.copy() for W in self.model.weights]

    # -- the input plane ----------------------------------------------------------------------
    def plane_bounds(self, axes=(0, 1), margin=0.05) -> tuple:
        """(x_min, x_max, y_min, y_max) around all the data on two raw features."""
        key = (tuple(axes), margin)
        if key not in self._bounds:  # the data never changes: once per pair (16 us a frame)
            self._bounds[key] = plane_bounds(self.dataset, axes, margin)
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
        out = self._shown_outputs(inputs)
        n_out = out.shape[1]
        values = out.reshape(len(ys), len(xs), n_out)
        return Grid(xs, ys, values[..., 0] if n_out == 1 else values, tuple(axes))

    def _shown_outputs(self, X) -> np.ndarray:
        """``model``'s outputs for the network inputs ``X``, in pieces if that is a lot of work.

        In pieces, a big network's buffers stay small: for the 10,000 rows of a grid at once,
        8 x 128 needs ~80 MB.
        """
        if len(X) <= self._chunk:
            return self.model.forward(X)
        out = np.empty((len(X), self.model.sizes[-1]), self.dtype)
        for lo, hi in cost.pieces(len(X), self._chunk):
            out[lo:hi] = self.model.forward(X[lo:hi])
        return out

    def _grid_input(self, resolution, bounds, axes):
        xs = np.linspace(bounds[0], bounds[1], resolution)
        ys = np.linspace(bounds[2], bounds[3], resolution)
        gx, gy = np.meshgrid(xs, ys)
        return xs, ys, self.plane_inputs(np.column_stack([gx.ravel(), gy.ravel()]), axes)

    def plane_inputs(self, points_xy: np.ndarray, axes=(0, 1)) -> np.ndarray:
        """What the network sees at points (n, 2) of the plane of two raw features.

        The other raw features are held at their training median; derived features and
        standardisation follow from ``transform``. The one place a plane becomes inputs.
        """
        return self.transform(plane_raw(self.dataset, points_xy, axes))


def plane_raw(dataset, points_xy: np.ndarray, axes=(0, 1)) -> np.ndarray:
    """Raw rows for points (n, 2) on two features of ``dataset``, the rest at the training median."""
    raw = np.tile(np.median(dataset.X_train, axis=0), (len(points_xy), 1))
    raw[:, axes[0]], raw[:, axes[1]] = points_xy[:, 0], points_xy[:, 1]
    return raw


def plane_bounds(dataset, axes=(0, 1), margin=0.05) -> tuple:
    """(x_min, x_max, y_min, y_max) around all of ``dataset`` on two raw features."""
    X = np.vstack([dataset.X_train, dataset.X_test])[:, list(axes)]
    low, high = X.min(axis=0), X.max(axis=0)
    pad = (high - low) * margin + 1e-9
    return (low[0] - pad[0], high[0] + pad[0], low[1] - pad[1], high[1] + pad[1])


class _Health:
    """Per hidden layer: fraction of dead ReLUs and fraction of saturated unit activations.

    Added up over the pieces of a pass. A ReLU unit is dead when it outputs 0 for every training
    point: no gradient reaches its weights any more. A tanh or sigmoid activation is saturated
    when its slope is under 5 % of the maximum slope, so the unit barely learns from that point:
    for tanh, 1 - a^2 < 0.05, i.e. |a| > sqrt(0.95); for sigmoid, 4 a (1 - a) < 0.05, i.e.
    |a - 1/2| > sqrt(0.95) / 2.
    """

    def __init__(self, activation):
        self.activation, self.parts, self.values = activation, None, 0

    def add(self, hidden_acts):
        self._widths = [a.shape[1] for a in hidden_acts]
        if self.activation == "relu":
            highest = [a.max(axis=0) for a in hidden_acts]
            self.parts = highest if self.parts is None else [
                np.maximum(h, p) for h, p in zip(highest, self.parts)]
        elif self.activation in ("tanh", "sigmoid"):
            if self.activation == "tanh":
                counts = [np.count_nonzero(np.abs(a) > _SATURATED) for a in hidden_acts]
            else:
                counts = [np.count_nonzero(np.abs(a - 0.5) > _SATURATED / 2) for a in hidden_acts]
            self.parts = counts if self.parts is None else [
                c + p for c, p in zip(counts, self.parts)]
            self.values += len(hidden_acts[0]) if hidden_acts else 0
        else:
            self.parts = [None] * len(hidden_acts)

    def result(self):
        """(dead, saturated): one fraction per hidden layer each, NaN where it does not apply."""
        parts = self.parts or []
        nan = (float("nan"),) * len(parts)
        if self.activation == "relu":
            return tuple(np.count_nonzero(h <= 0) / h.size for h in parts), nan
        if self.activation in ("tanh", "sigmoid"):
            return nan, tuple(c / (self.values * w) for c, w in zip(parts, self._widths))
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
