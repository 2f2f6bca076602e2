"""Lessons and challenges: guided set-ups for a class, and goals with an automatic check.

A *lesson* is one idea of training (weights start arbitrary and move; the loss falls as SGD
works; ...) told in two or three sentences, a question to think about, and one to three
presets that load into the Train page (or the cats-and-dogs page) in one click. Where a lesson
compares two settings (MSE against cross-entropy, batch size 1 against the full batch), each
setting is its own preset with the same seeds, so the runs differ only in what is compared.

A *challenge* is a starting preset, a goal and a few rules, checked against a live trainer:
``Challenge.check(trainer)`` measures the trainer's *current* weights on the test set (so the
best weights restored by early stopping count) and returns one ``Check`` per rule, each with
the number it saw. Every challenge carries a known solution (config and epochs); the tests
train it with the real Trainer and see it pass.

Left out: scoring, timing and storing students' results (the app has no accounts), and any
Streamlit: the pages draw these records.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Callable

import numpy as np

from playground.config import TrainConfig
from playground.datasets import CATDOG_FEATURES, DATASETS, feature_label
from playground.losses import LOSSES

DATA_FIELDS = ("dataset", "n_samples", "noise", "label_noise", "train_ratio", "data_seed",
               "n_classes")


@dataclass(frozen=True)
class Preset:
    """One click's worth of settings: a button label and the config it loads."""

    label: str
    config: TrainConfig


@dataclass(frozen=True)
class Lesson:
    """A guided set-up: the idea, a short text, a question and the presets to try.

    ``page`` is where the presets load: "train" (the Train page) or "catdog" (the cats-and-dogs
    page, whose settings are its own).
    """

    key: str
    title: str
    idea: str
    text: str
    question: str
    presets: tuple
    page: str = "train"


@dataclass(frozen=True)
class Check:
    """One rule of a challenge as checked: what it asks, whether it is met, what was seen."""

    rule: str
    met: bool
    seen: str


@dataclass(frozen=True)
class Rule:
    """A condition on a run: ``test(trainer, measured) -> (met, seen)``."""

    text: str
    test: Callable


@dataclass(frozen=True)
class Challenge:
    """A goal on given data under some rules, with a start and a known solution."""

    key: str
    title: str
    text: str
    start: TrainConfig
    rules: tuple
    solution: TrainConfig
    solution_epochs: int
    hint: str

    def check(self, trainer) -> list[Check]:
        """Every rule checked against the trainer's current config and weights."""
        measured = measure(trainer)
        return [Check(rule.text, *rule.test(trainer, measured)) for rule in self.rules]

    def solved(self, trainer) -> bool:
        return all(c.met for c in self.check(trainer))


# -- measuring ----------------------------------------------------------------------------------
def measure(trainer) -> dict:
    """Test loss and test accuracy (classifiers) or R^2 (regression) of the current weights.

    Measured afresh rather than read from the history: after early stopping, the weights in
    the network are the best epoch's, not the last one's.
    """
    out = trainer.model.forward(trainer.X_test).astype(np.float64)
    Y = trainer.Y_test.astype(np.float64)
    result = {"test_loss": float(LOSSES[trainer.loss_name].value(out, Y))}
    if trainer.task == "binary":
        result["test_accuracy"] = float(np.mean((out[:, 0] > 0.5) == (Y[:, 0] > 0.5)))
    elif trainer.task == "multiclass":
        result["test_accuracy"] = float(np.mean(out.argmax(1) == Y.argmax(1)))
    else:
        spread = np.sum((Y[:, 0] - Y[:, 0].mean()) ** 2)
        result["test_r2"] = float(1 - np.sum((out[:, 0] - Y[:, 0]) ** 2) / spread)
    return result


# -- rules --------------------------------------------------------------------------------------
def same_data(start: TrainConfig) -> Rule:
    """The data settings are the challenge's own (a different draw could be easier)."""
    wanted = {f: getattr(start, f) for f in DATA_FIELDS}

    def test(trainer, measured):
        cfg = trainer.config
        changed = [f.replace("_", " ") for f in DATA_FIELDS if getattr(cfg, f) != wanted[f]]
        return not changed, "as set" if not changed else "changed: " + ", ".join(changed)
    label = DATASETS[start.dataset].label
    return Rule(f"the challenge's data ({label}, as loaded)", test)


METRIC_LABELS = {"test_loss": "test loss", "test_accuracy": "test accuracy",
                 "test_r2": "test R²"}


def below(metric: str, limit: float) -> Rule:
    def test(trainer, measured):
        value = measured.get(metric)
        return value is not None and value < limit, _number(metric, value)
    return Rule(f"{METRIC_LABELS[metric]} under {_number(metric, limit)}", test)


def at_least(metric: str, limit: float) -> Rule:
    def test(trainer, measured):
        value = measured.get(metric)
        return value is not None and value >= limit, _number(metric, value)
    return Rule(f"{METRIC_LABELS[metric]} at least {_number(metric, limit)}", test)


def max_neurons(n: int) -> Rule:
    def test(trainer, measured):
        hidden = trainer.config.hidden
        total = f", {sum(hidden)} in all" if len(hidden) > 1 else ""
        return sum(hidden) <= n, _layers(hidden) + total
    return Rule(f"at most {n} hidden neurons in all", test)


def no_hidden_layer() -> Rule:
    def test(trainer, measured):
        return trainer.config.hidden == (), _layers(trainer.config.hidden)
    return Rule("no hidden layer", test)


def one_layer_of_at_most(n: int) -> Rule:
    def test(trainer, measured):
        hidden = trainer.config.hidden
        return len(hidden) == 1 and hidden[0] <= n, _layers(hidden)
    return Rule(f"one hidden layer of at most {n} neurons", test)


def layers_of_at_least(count: int, width: int) -> Rule:
    def test(trainer, measured):
        hidden = trainer.config.hidden
        return len(hidden) >= count and min(hidden, default=0) >= width, _layers(hidden)
    return Rule(f"at least {count} hidden layers, each of at least {width} neurons", test)


def no_extra_features() -> Rule:
    def test(trainer, measured):
        features = trainer.config.features
        return not features, ", ".join(features) or "none"
    return Rule("no extra input features", test)


def optimizer_is(name: str, label: str) -> Rule:
    def test(trainer, measured):
        return trainer.config.optimizer == name, trainer.config.optimizer
    return Rule(f"optimizer: {label}", test)


def within_epochs(n: int) -> Rule:
    def test(trainer, measured):
        return 1 <= trainer.epoch <= n, f"epoch {trainer.epoch}"
    return Rule(f"reached within {n} epochs (Reset to try again)", test)


def trained_through(n: int) -> Rule:
    """The run has gone the whole way (or early stopping ended it): a goal an untrained or
    barely trained network meets on its way (a low test loss before any overfitting) is not
    met by stopping there."""
    def test(trainer, measured):
        if trainer.status == "stopped":
            return True, f"stopped early at epoch {trainer.epoch}"
        return trainer.epoch >= n, f"epoch {trainer.epoch}"
    return Rule(f"trained for {n} epochs, or stopped early", test)


def feature_count(n: int) -> Rule:
    def test(trainer, measured):
        names = trainer.dataset.feature_names
        return len(names) == n, ", ".join(map(feature_label, names))
    return Rule(f"exactly {n} measurements as inputs", test)


def _number(metric, value) -> str:
    if value is None:
        return "not measured"
    # Accuracy reads best as a percentage; a value just under the bar must not round up to it.
    if metric.endswith("accuracy"):
        return f"{np.floor(value * 1000) / 10:g}%"
    return f"{value:.4g}"


def _layers(hidden) -> str:
    return " × ".join(map(str, hidden)) + " neurons" if hidden else "no hidden layer"


# -- the lessons ----------------------------------------------------------------------------------
def _cfg(**settings) -> TrainConfig:
    return TrainConfig(**settings)


_CIRCLE = dict(dataset="circle", hidden=(4,), lr=0.03, batch_size=10, epochs=300)
_OVERFIT = dict(dataset="moons", n_samples=100, noise=0.3, label_noise=0.1,
                hidden=(32, 32, 32), optimizer="adam", lr=0.01, epochs=600)
_CATDOG_PAIR = ("body_mass_kg", "shoulder_height_cm")

LESSONS = (
    Lesson("weights", "Weights start arbitrary, then move",
           "Before any training, the weights are random numbers; training moves them.",
           "Every weight starts as a random draw, so the untrained network's boundary is an "
           "arbitrary smear. Press Step a few times and watch the weight histograms and the "
           "lines of the network diagram change; then load the other seed and compare.",
           "Do two different weight seeds end with the same weights? With the same boundary?",
           (Preset("Weight seed 0", _cfg(**_CIRCLE)),
            Preset("Weight seed 1", _cfg(**_CIRCLE, init_seed=1)))),
    Lesson("sgd", "The loss falls as SGD works",
           "Each step of stochastic gradient descent moves the weights a little downhill.",
           "The loss measures how wrong the network is on the training points. Stochastic "
           "gradient descent takes ten points at a time, computes which way each weight should "
           "move to lower their loss, and moves it a little. Press Play and watch the loss "
           "curve.",
           "Why is the training-loss curve a little wobbly, and why does the test loss sit "
           "above it?",
           (Preset("Circle, SGD", _cfg(**_CIRCLE)),)),
    Lesson("loss", "MSE or cross-entropy: the same data, two losses",
           "The loss decides what 'wrong' means, and so how big each step is.",
           "Both presets train the same network from the same starting weights on the same "
           "points; only the loss differs. Mean squared error barely pushes a confident wrong "
           "answer, while cross-entropy pushes it hard. Compare the accuracy curves, since the "
           "two loss values are on different scales.",
           "Which loss reaches 95% test accuracy in fewer epochs here, and why?",
           (Preset("Mean squared error", _cfg(**_CIRCLE, loss="mse")),
            Preset("Cross-entropy", _cfg(**_CIRCLE, loss="bce")))),
    Lesson("rate", "Learning rate: too high diverges, too low crawls",
           "The learning rate is the size of each step.",
           "This is a straight-line fit (no hidden layer) on the plane data. With too big a "
           "step, every update overshoots further than the last and the loss explodes; with "
           "too small a step, the line barely moves. Try all three.",
           "At which learning rate does the fit stop converging, and how does the loss curve "
           "look just below it?",
           (Preset("Too high (1)", _cfg(dataset="plane", hidden=(), lr=1.0, epochs=300)),
            Preset("Too low (0.00003)", _cfg(dataset="plane", hidden=(), lr=3e-5,
                                             epochs=300)),
            Preset("About right (0.03)", _cfg(dataset="plane", hidden=(), lr=0.03,
                                              epochs=300)))),
    Lesson("xor", "XOR needs a hidden layer (or the product x1·x2)",
           "A single neuron can only draw a straight line.",
           "Exclusive-or puts one class in opposite corners, which no straight line can split. "
           "Without a hidden layer, the network stays near 50% accuracy; a hidden layer of four "
           "neurons solves it, and so does giving the lone neuron the product x1·x2 as input.",
           "Why does the product x1·x2 make the problem easy for a single neuron?",
           (Preset("No hidden layer", _cfg(dataset="xor", hidden=(), epochs=200)),
            Preset("One hidden layer of 4", _cfg(dataset="xor", hidden=(4,), epochs=200)),
            Preset("No hidden layer + x1·x2", _cfg(dataset="xor", hidden=(),
                                                    features=("x1*x2",), epochs=200)))),
    Lesson("depth", "Depth for the spiral",
           "Each layer bends the boundary again; stacked layers bend it into shapes one "
           "layer of the same size cannot.",
           "The two spirals wind around each other. One hidden layer of 8 neurons draws a few "
           "bends and stalls; three layers of 8 bend the bends and follow the arms. Both use "
           "Adam with the same learning rate.",
           "Three layers of 8 have more weights than one layer of 8: is it the depth or the "
           "number of weights that helps (try one layer of 24)?",
           (Preset("One layer of 8", _cfg(hidden=(8,), optimizer="adam", lr=0.01, epochs=500)),
            Preset("Three layers of 8", _cfg(hidden=(8, 8, 8), optimizer="adam", lr=0.01,
                                             epochs=500)))),
    Lesson("batch", "Batch size 1 or the full batch",
           "How many points each step looks at trades noise for the number of steps.",
           "With a batch of 1, every single point moves the weights: 250 noisy steps per "
           "epoch. With the full batch, one careful step per epoch. Compare the loss curves "
           "after the same number of epochs, and the time each epoch takes.",
           "Per epoch, which learns more? Per second? Why?",
           (Preset("Batch size 1", _cfg(dataset="circle", hidden=(8,), lr=0.03, batch_size=1,
                                        epochs=300)),
            Preset("Full batch (250)", _cfg(dataset="circle", hidden=(8,), lr=0.03,
                                            batch_size=250, epochs=300)))),
    Lesson("overfit", "Overfitting, and what L2 or early stopping does",
           "A big network can memorise a small noisy training set instead of learning the "
           "pattern.",
           "Only 50 training points, a tenth of their labels flipped, and three layers of 32 "
           "neurons. Without help, the training loss goes to zero while the test loss climbs. "
           "An L2 penalty keeps the weights small; early stopping keeps the weights of the "
           "epoch with the best test loss.",
           "Where does the test loss start to climb, and what does the boundary look like "
           "then?",
           (Preset("No regularisation", _cfg(**_OVERFIT)),
            Preset("L2 penalty 0.003", _cfg(**_OVERFIT, penalty="l2", penalty_rate=0.003)),
            Preset("Early stopping", _cfg(**_OVERFIT, early_stopping=True, patience=50)))),
    Lesson("catdog", "Cats vs dogs: real features",
           "What the network can learn depends on the measurements it is given.",
           "Six body measurements per animal. Body mass against shoulder height leaves cats and "
           "dogs overlapping (small dogs, big cats); other pairs separate them better, and all "
           "six together almost perfectly.",
           "Which two measurements tell cats from dogs best? Why do they work together?",
           (Preset("Mass and height", _cfg(dataset="catdog", columns=_CATDOG_PAIR, hidden=(8,),
                                           optimizer="adam", lr=0.01, epochs=500)),
            Preset("All six measurements", _cfg(dataset="catdog", columns=CATDOG_FEATURES,
                                                hidden=(8,), optimizer="adam", lr=0.01,
                                                epochs=500))),
           page="catdog"),
)


# -- the challenges -------------------------------------------------------------------------------
def _challenge(key, title, text, start, goals, solution, epochs, hint):
    rules = (same_data(start), *goals)
    return Challenge(key, title, text, start, rules, solution, epochs, hint)


_XOR = _cfg(dataset="xor", hidden=(), epochs=300)
_CIRCLE_START = _cfg(dataset="circle", hidden=(3,), lr=0.01, epochs=300)
_SPIRAL = _cfg(hidden=(12,), epochs=1000)
_BUMPS = _cfg(dataset="multi_gauss", hidden=(16,), epochs=2000)
_OVERFIT_START = _cfg(**_OVERFIT)
_FAST = _cfg(dataset="circle", hidden=(8,), lr=0.01, epochs=10)  # Play stops at the limit
_CATDOG = _cfg(dataset="catdog", columns=_CATDOG_PAIR, hidden=(8,), optimizer="adam",
               lr=0.01, epochs=500)

CHALLENGES = (
    _challenge("xor", "XOR with no hidden layer",
               "Learn exclusive-or with a single output neuron and no hidden layer.",
               _XOR, (no_hidden_layer(), at_least("test_accuracy", 0.98)),
               _XOR.replace(features=("x1*x2",)), 200,
               "A straight line cannot do it on x1 and x2 alone. Which extra input would?"),
    _challenge("circle", "The circle with three neurons",
               "Separate the disc from the ring with one hidden layer of at most three neurons "
               "and no extra input features.",
               _CIRCLE_START, (one_layer_of_at_most(3), no_extra_features(),
                               at_least("test_accuracy", 0.97)),
               _CIRCLE_START.replace(lr=0.1), 200,
               "Three straight lines make a triangle. Is the learning rate holding it back?"),
    _challenge("spiral", "The spiral with at most 12 neurons",
               "Get the test loss under 0.10 on the spiral with at most 12 hidden neurons in "
               "all, within 1000 epochs.",
               # The start's plain SGD gets there too, given ~1,700 epochs: hence the budget.
               _SPIRAL, (max_neurons(12), within_epochs(1000), below("test_loss", 0.10)),
               _SPIRAL.replace(features=("sin x1", "sin x2"), optimizer="adam", lr=0.03,
                               batch_size=250), 600,
               "Neurons are scarce, so let the inputs do some of the work, and pick a faster "
               "optimizer."),
    _challenge("bumps", "Six bumps with 16 neurons",
               "Fit the six-bumps regression to a test R² of at least 0.9 with at most 16 "
               "hidden neurons.",
               _BUMPS, (max_neurons(16), at_least("test_r2", 0.9)),
               _BUMPS.replace(hidden=(8, 8), optimizer="adam", lr=0.03, batch_size=250), 1000,
               "Each bump needs neurons of its own; two layers may share them better than one."),
    _challenge("overfit", "Keep the big network honest",
               "Keep three hidden layers of at least 32 neurons, and still have the test loss "
               "under 0.45 on the small noisy moons after 600 epochs (or when early stopping "
               "ends the run).",
               # Any start meets the loss on its way down, before it overfits (0.41 at epoch
               # 1): the goal is to keep it there, so the run must go the whole way.
               _OVERFIT_START, (layers_of_at_least(3, 32), trained_through(600),
                                below("test_loss", 0.45)),
               _OVERFIT_START.replace(penalty="l2", penalty_rate=0.003), 600,
               "The network memorises the flipped labels. Penalise big weights, or stop at "
               "the right moment."),
    _challenge("fast", "The circle in ten epochs, plain SGD",
               "Reach 97% test accuracy on the circle within 10 epochs, using plain SGD.",
               _FAST, (optimizer_is("sgd", "plain SGD"), within_epochs(10),
                       at_least("test_accuracy", 0.97)),
               _FAST.replace(lr=3.0), 10,
               "Plain SGD goes exactly as fast as its learning rate lets it."),
    _challenge("catdog", "Cats vs dogs from two measurements",
               "Tell cats from dogs with 95% test accuracy using only two of the six "
               "measurements (choose them in the Data settings).",
               _CATDOG, (feature_count(2), at_least("test_accuracy", 0.95)),
               _CATDOG.replace(columns=("ear_length_cm", "tail_length_cm")), 200,
               "Look at the pair plot on the cats-and-dogs page: which pair separates the "
               "colours best?"),
)

LESSON_KEYS = MappingProxyType({lesson.key: lesson for lesson in LESSONS})
CHALLENGE_KEYS = MappingProxyType({c.key: c for c in CHALLENGES})
