"""The settings controls as data: one record per control, no Streamlit.

``config.FIELDS`` says what the engine accepts; a ``Control`` says what a person can pick on a
page: its widgets, their labels, ranges and steps, its group, when it is drawn, and the value it
shows for any config value (a slider in whole percents shows a label noise of 0.025 as 2 %; the
batch-size slider ends at the training rows). The sidebar (``playground/ui/controls.py``) draws
these records; links (``playground/links.py``) round a link's values as the controls will before
anything trains on them; the teacher's show/hide list and the compare page's learning-rate sweep
read them too.

``shown(config, where)`` is the config the page's controls would show, and so hand back, for any
valid config. A link must carry a config that ``shown`` leaves unchanged, or the page's first
draw changes a setting, starts a new run and throws away the epochs the link trained to.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Callable

from playground.activations import ACTIVATIONS
from playground.config import DERIVED_KEYS, FIELDS, TrainConfig
from playground.datasets import CATDOG_FEATURES, DATASETS, training_rows
from playground.losses import LOSSES, PENALTIES, TASK_LOSSES
from playground.network import INITIALIZERS
from playground.optimizers import OPTIMIZER_LABELS, OPTIMIZER_SETTINGS

LR_STEPS = (1e-5, 3e-5, 1e-4, 3e-4, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
RATE_STEPS = (0.0, 1e-4, 3e-4, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
INIT_LABELS = MappingProxyType({"glorot_uniform": "Glorot uniform", "he_uniform": "He uniform",
                                "uniform_0.5": "Uniform ±0.5 (classic)"})
MAX_LAYERS = FIELDS["hidden"].length[1]
MAX_WIDTH = FIELDS["hidden"].allowed[1]


@dataclass(frozen=True)
class Where:
    """What a page's controls depend on besides the config.

    Attributes
    ----------
    datasets : tuple of str
        The datasets the page offers, in its order.
    upload : (task, rows) or None
        An uploaded table the page offers as dataset 'csv': its task and its number of rows.
    columns : str
        How the page picks cat/dog features: "pair" (two boxes, x and y) or "set" (the
        cats-and-dogs page: any two or more).
    hidden_controls : frozenset of str
        Controls not drawn (a teacher's link hides them): their values stay as they are.
    """

    datasets: tuple
    upload: tuple | None = None
    columns: str = "pair"
    hidden_controls: frozenset = frozenset()

    def offered(self) -> tuple:
        return tuple(self.datasets) + (("csv",) if self.upload else ())

    def task(self, dataset: str) -> str:
        return self.upload[0] if dataset == "csv" and self.upload else DATASETS[dataset].task

    def training_rows(self, get) -> int:
        """The training rows the batch-size slider ends at (at least 2: a slider needs a range)."""
        if get("dataset") == "csv" and self.upload:
            return max(2, round(self.upload[1] * get("train_ratio")))
        return training_rows(get("dataset"), get("n_samples"), get("train_ratio"))


@dataclass(frozen=True)
class Widget:
    """One widget of a control, editing one setting.

    ``kind`` is "select" (choices from ``options``), "multiselect", "steps" (a select slider over
    ``options`` plus the value in force), "slider", "number" (a number box) or "checkbox".
    Sliders and number boxes take ``low``, ``high`` and ``step`` in their own units: the config's
    value times ``scale`` (100 for a percent slider). A slider shows only the values on its grid;
    a number box shows any value in its range (``step`` is what its +/- buttons add). ``high``
    may depend on the values in force: ``high(get, where)``.
    """

    field: str
    label: str
    kind: str
    options: Callable | tuple = ()
    low: float | None = None
    high: float | Callable | None = None
    step: float | None = None
    scale: int = 1
    labels: Callable | None = None

    def choices(self, get, where) -> tuple:
        return tuple(self.options(get, where) if callable(self.options) else self.options)

    def to_widget(self, value):
        """The config's value in the widget's units (a percent slider: whole percents)."""
        return round(value * self.scale) if self.scale != 1 else value

    def from_widget(self, value):
        return value / self.scale if self.scale != 1 else value

    def top(self, get, where):
        """The widget's highest value, in its own units."""
        return self.high(get, where) if callable(self.high) else self.high

    def show(self, value, get, where):
        """The value this widget shows (and hands back) for a config value."""
        if self.kind == "select":
            options = self.choices(get, where)
            return value if value in options else options[0]
        if self.kind == "slider":
            return self.snap(value, self.top(get, where))
        return value

    def snap(self, value, top):
        """The nearest value on the slider's grid from ``low`` to ``top``, in the config's units."""
        if isinstance(self.step, int) and self.scale == 1:  # whole numbers: 50, 60, 70 ...
            return max(self.low, min(top, self.low + round((value - self.low) / self.step)
                                     * self.step))
        per_unit = round(self.scale / self.step)  # steps per unit: 20 for 5 % steps
        return max(self.low / self.scale, min(top / self.scale, round(value * per_unit) / per_unit))

    def holds(self, value, get, where) -> bool:
        """Whether the widget can show ``value`` as it is: one of its options, in its range, on
        its grid (the property the tests check for every control)."""
        if self.kind == "select":
            return value in self.choices(get, where)
        if self.kind == "steps":
            return value in set(self.choices(get, where)) | {value}  # the value in force is added
        if self.kind == "multiselect":
            return set(value) <= set(self.choices(get, where))
        if self.kind == "checkbox":
            return isinstance(value, bool)
        items = value if isinstance(value, tuple) else (value,)  # hidden: one box a layer
        top = self.top(get, where)
        for item in items:
            shown = self.to_widget(item)
            if not self.low <= shown <= top or self.from_widget(shown) != item:
                return False  # out of range, or lost in the widget's units (whole percents)
            steps = (shown - self.low) / self.step
            if self.kind == "slider" and abs(steps - round(steps)) > 1e-9:
                return False  # between two of the slider's positions
        return True


@dataclass(frozen=True)
class Control:
    """One control of the settings sidebar: the widgets it draws and when it draws them.

    ``name`` is the control's name in a link (``hide=``, ``show=``) and its first setting;
    ``title`` is how the teacher's list names it; ``drawn(get, where)`` says whether the page
    draws it for the values in force (``get(name)``); ``otherwise(get)`` is the value the page
    gives its first setting when it is not drawn (None: left as it is). ``render`` names the
    sidebar's own drawing function when a plain loop over the widgets is not enough; ``widths``
    puts the widgets side by side in columns of those proportions.
    """

    name: str
    group: str
    title: str
    widgets: tuple
    drawn: Callable = lambda get, where: True
    otherwise: Callable | None = None
    render: str | None = None
    widths: tuple | None = None
    custom_show: Callable | None = None

    @property
    def fields(self) -> tuple:
        return tuple(w.field for w in self.widgets)

    def show(self, get, where) -> dict:
        """The values of the control's settings as the page would show them."""
        if not self.drawn(get, where):
            if self.otherwise is None:
                return {}
            return {self.name: self.otherwise(get)}
        if self.custom_show is not None:
            return {self.name: self.custom_show(get(self.name), get, where)}
        return {w.field: w.show(get(w.field), get, where) for w in self.widgets}


# -- when a control is drawn, and the values only some pages show ---------------------------------
def _two_d(get, where):
    return get("dataset") != "csv" and DATASETS[get("dataset")].two_d


def _flipped_labels_drawn(get, where):
    if get("dataset") == "csv":
        return where.upload is not None and where.upload[0] != "regression"
    return DATASETS[get("dataset")].two_d


def _columns_drawn(get, where):
    return get("dataset") == "catdog"


def _columns_otherwise(get):
    # An uploaded table's columns name its own features; nothing else has columns.
    return get("columns") if get("dataset") == "csv" else ()


def _columns_shown(columns, get, where):
    """The Train page's x and y boxes hold two features (the link's first, then the table's);
    the cats-and-dogs page keeps any two or more in the table's order."""
    if where.columns == "set":
        if len(columns) < 2:  # refused with a message; the choice in force stays
            return columns
        return tuple(f for f in CATDOG_FEATURES if f in columns)
    pair = list(columns[:2])
    pair += [f for f in CATDOG_FEATURES if f not in pair][:2 - len(pair)]
    return tuple(pair)


def _optimizer_reads(name):
    return lambda get, where: name in OPTIMIZER_SETTINGS[get("optimizer")]


def _losses(get, where):
    return ("auto",) + TASK_LOSSES[where.task(get("dataset"))]


def _label(table):
    return lambda key: table[key].label


def _datasets(get, where):
    return where.offered()


def _dataset_label(get, where):
    def label(key):
        if key == "csv":
            return f"Your CSV ({where.upload[0]})"
        return f"{DATASETS[key].label} ({DATASETS[key].task})"
    return label


def _loss_label(get, where):
    usual = LOSSES[TASK_LOSSES[where.task(get("dataset"))][0]].label
    return lambda key: f"Auto ({usual})" if key == "auto" else LOSSES[key].label


def _rate(field, step):
    """An optimizer's averaging rate: a slider from 0 to the setting's top, in ``step``s."""
    return Widget(field, field.capitalize(), "slider", low=0.0, high=FIELDS[field].allowed[1],
                  step=step)


def _slider(field, label, step, scale=1):
    """A slider over the setting's whole range (config.FIELDS), in the slider's units."""
    low, high = FIELDS[field].allowed
    return Widget(field, label, "slider", low=round(low * scale), high=round(high * scale),
                  step=step, scale=scale)


_SEED_MAX = FIELDS["data_seed"].allowed[1]

_CONTROLS = (
    # -- data ----------------------------------------------------------------------------------
    Control("dataset", "data", "Dataset",
            (Widget("dataset", "Dataset", "select", _datasets, labels=_dataset_label),), render="dataset"),
    Control("columns", "data", "Cat/dog features",
            (Widget("columns", "x and y feature", "multiselect", CATDOG_FEATURES),),
            drawn=_columns_drawn, otherwise=_columns_otherwise, render="columns",
            custom_show=_columns_shown),
    Control("n_classes", "data", "Classes", (_slider("n_classes", "Classes", 1),),
            drawn=lambda get, where: get("dataset") == "blobs"),
    Control("n_samples", "data", "Points",
            (_slider("n_samples", "Points", 10),), drawn=_two_d),
    Control("noise", "data", "Noise",
            (_slider("noise", "Noise (%)", 1, 100),),
            drawn=_two_d),
    Control("label_noise", "data", "Flipped labels",
            (_slider("label_noise", "Flipped labels (%)", 1, 100),), drawn=_flipped_labels_drawn),
    Control("train_ratio", "data", "Training share",
            (_slider("train_ratio", "Training share (%)", 5, 100),)),
    Control("data_seed", "data", "Data seed",
            (Widget("data_seed", "Data seed", "number", low=0, high=_SEED_MAX, step=1),),
            render="data_seed"),
    Control("features", "data", "Extra features",
            (Widget("features", "Extra input features", "multiselect", DERIVED_KEYS),),
            drawn=_two_d, otherwise=lambda get: ()),
    # -- network -------------------------------------------------------------------------------
    Control("hidden", "network", "Hidden layers",
            (Widget("hidden", "Neurons in layer", "number", low=1, high=MAX_WIDTH, step=1),),
            render="hidden"),
    Control("activation", "network", "Activation",
            (Widget("activation", "Activation", "select", tuple(ACTIVATIONS),
                    labels=lambda get, where: _label(ACTIVATIONS)),)),
    Control("init", "network", "Initial weights",
            (Widget("init", "Initial weights", "select", tuple(INITIALIZERS),
                    labels=lambda get, where: INIT_LABELS.get),)),
    Control("init_seed", "network", "Weight seed and bias",
            (Widget("init_seed", "Weight seed", "number", low=0, high=_SEED_MAX, step=1),
             Widget("bias_init", "Initial bias", "number", low=-1.0, high=1.0, step=0.1)),
            widths=(1, 1)),
    # -- training ------------------------------------------------------------------------------
    Control("loss", "training", "Loss",
            (Widget("loss", "Loss", "select", _losses, labels=_loss_label),), render="loss"),
    Control("optimizer", "training", "Optimizer",
            (Widget("optimizer", "Optimizer", "select", tuple(OPTIMIZER_LABELS),
                    labels=lambda get, where: OPTIMIZER_LABELS.get),)),
    Control("lr", "training", "Learning rate",
            (Widget("lr", "Learning rate", "steps", LR_STEPS),)),
    Control("momentum", "training", "Momentum", (_rate("momentum", 0.001),),
            drawn=_optimizer_reads("momentum")),
    Control("rho", "training", "Rho", (_rate("rho", 0.001),), drawn=_optimizer_reads("rho")),
    Control("beta1", "training", "Beta1", (_rate("beta1", 0.001),),
            drawn=_optimizer_reads("beta1")),
    Control("beta2", "training", "Beta2", (_rate("beta2", 0.0001),),
            drawn=_optimizer_reads("beta2")),
    Control("batch_size", "training", "Batch size",
            (Widget("batch_size", "Batch size", "slider", low=1, step=1,
                    high=lambda get, where: where.training_rows(get)),), render="batch_size"),
    Control("penalty", "training", "Regularisation",
            (Widget("penalty", "Regularisation", "select", tuple(PENALTIES),
                    labels=lambda get, where: _label(PENALTIES)),
             Widget("penalty_rate", "Rate", "steps", RATE_STEPS)),
            render="penalty", widths=(3, 2)),
    Control("epochs", "training", "Epoch limit",
            (Widget("epochs", "Epoch limit", "number", low=1, high=FIELDS["epochs"].allowed[1],
                    step=100),)),
    Control("early_stopping", "training", "Early stopping",
            (Widget("early_stopping", "Early stopping", "checkbox"),
             Widget("patience", "Patience", "number", low=1, high=FIELDS["patience"].allowed[1],
                    step=1)), widths=(3, 2)),
)

CONTROLS = MappingProxyType({c.name: c for c in _CONTROLS})
"""Every control of the settings sidebar, in its order, keyed by name."""

GROUPS = MappingProxyType({group: tuple(c.name for c in _CONTROLS if c.group == group)
                           for group in ("data", "network", "training")})
"""The controls of each expander of the sidebar; a link's ``hide=network`` names a group."""

SHARED = MappingProxyType({w.field: c.name for c in _CONTROLS for w in c.widgets[1:]})
"""Settings drawn beside another control's (the bias beside the weight seed): hiding either
name hides that control."""

NO_CONTROL = ("dtype",)
"""Settings no page draws: they keep whatever value the config holds."""


def control_of(field: str) -> Control:
    """The control that draws a setting."""
    return CONTROLS[SHARED.get(field, field)]


def widget_of(field: str) -> Widget:
    return next(w for w in control_of(field).widgets if w.field == field)


def shown(config: TrainConfig, where: Where) -> TrainConfig:
    """The config as the page's controls would show it: what they hand back on their first draw.

    Controls are taken in the sidebar's order, each seeing the values the ones above it show
    (the batch-size slider ends at the rows the shown points and training share give).
    """
    values = config.to_dict()
    get = values.__getitem__
    for control in _CONTROLS:
        if control.name not in where.hidden_controls:
            values.update(control.show(get, where))
    return TrainConfig.from_dict(values)


def page_grid(field: str) -> str | None:
    """What the pages' control of a setting lets a person pick, when it is less than the engine
    takes (for the command line's help); None when it takes every value."""
    if field in NO_CONTROL:
        return None
    widget = widget_of(field)
    if widget.kind == "steps":
        return "the pages offer " + ", ".join("0" if v == 0 else f"{v:g}" for v in widget.options)
    if widget.kind != "slider" or (widget.step == 1 and widget.scale == 1):
        return None
    if widget.scale == 100:
        return "the pages move in whole percents" if widget.step == 1 else \
            f"the pages move in steps of {widget.step} %"
    return f"the pages move in steps of {widget.step:g}"


def why(field: str) -> str:
    """Why a shown value differs from the one asked for, in a note's words."""
    widget = widget_of(field)
    if field == "batch_size":
        return "capped at the training points (full batch)"
    if field == "columns":
        return "the page picks its features so"
    if widget.kind == "select":
        return "not offered here"
    if widget.scale == 100:
        return ("the slider moves in whole percents" if widget.step == 1 else
                f"the slider moves in steps of {widget.step} %")
    return f"the slider moves in steps of {widget.step:g}"
