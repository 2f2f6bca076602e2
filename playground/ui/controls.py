"""Widget groups that edit a TrainConfig: data, network, training.

Every control lists the keys of an engine table and takes its help text from the config's FIELDS,
so the widgets, the command line and the links agree on names, ranges and meaning. Widget values
are seeded from the scope's stored config (see ``state``), and ``settings`` returns the new
config built from them; it never raises: a combination the engine would refuse is mended and the
user is told (e.g. a loss the new task does not allow falls back to the task's usual one).
"""

from __future__ import annotations

import streamlit as st

from playground.activations import ACTIVATIONS
from playground.config import DERIVED_KEYS, FIELDS, TrainConfig
from playground.datasets import CATDOG_FEATURES, DATASETS, feature_label, training_rows
from playground.links import NETWORK_CONTROLS, TRAINING_CONTROLS
from playground.losses import LOSSES, PENALTIES, TASK_LOSSES
from playground.network import INITIALIZERS
from playground.optimizers import OPTIMIZER_LABELS, OPTIMIZER_SETTINGS
from playground.text import md_escape
from playground.ui import state

LR_STEPS = (1e-5, 3e-5, 1e-4, 3e-4, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
RATE_STEPS = (0.0, 1e-4, 3e-4, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
INIT_LABELS = {"glorot_uniform": "Glorot uniform", "he_uniform": "He uniform",
               "uniform_0.5": "Uniform ±0.5 (classic)"}
MAX_WIDTHS = 8


def _wkey(scope, name):
    return f"{scope}.w.{name}"


def _seed(scope, name, value):
    """Put a widget's value in place before it is drawn (only if the widget has none yet)."""
    key = _wkey(scope, name)
    if key not in st.session_state:
        st.session_state[key] = value
    return key


def _seeded(scope, name, value, arg="value", options=None):
    """The widget's key and its default, both the value in force (see ``state.keyed``)."""
    return state.keyed(_seed(scope, name, value), arg, options)


def load(cfg: TrainConfig, scope: str = "train") -> None:
    """Make ``cfg`` the scope's settings and have every widget show it on the next draw."""
    state.set_config(cfg, scope)
    prefix = _wkey(scope, "")
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix)]:
        del st.session_state[key]
    state.put(scope, "widths", list(cfg.hidden) + [4] * (MAX_WIDTHS - len(cfg.hidden)))


def _help(name):
    return FIELDS[name].help


def _log_steps(steps, value):
    return tuple(sorted(set(steps) | {value}))


def _fmt_rate(v):
    return "0" if v == 0 else f"{v:g}"


def settings(scope: str = "train", *, datasets=None, hidden: set | frozenset = frozenset(),
             where=None) -> TrainConfig:
    """Draw the data, network and training controls; store and return the resulting config.

    ``datasets`` limits the dataset choice; ``hidden`` names controls not to draw (their stored
    values stay in force); ``where`` is the container (default: the sidebar).
    """
    cfg = state.config(scope)
    box = where if where is not None else st.sidebar
    notes = []
    with box:
        with st.expander("Data", expanded=True):
            values = _data_controls(scope, cfg, datasets, hidden, notes)
        with _group("Network", NETWORK_CONTROLS, hidden):
            values.update(_network_controls(scope, cfg, hidden))
        with _group("Training", TRAINING_CONTROLS, hidden):
            values.update(_training_controls(scope, cfg, values, hidden, notes))
    new = cfg.replace(**values)
    for note in notes:
        st.toast(md_escape(note))
    state.set_config(new, scope)
    return new


def _group(label, names, hidden):
    """An expander for a group of controls, or nothing to see if all of them are hidden."""
    return st.container() if set(names) <= set(hidden) else st.expander(label, expanded=True)


# -- data ---------------------------------------------------------------------------------------
def _data_controls(scope, cfg, datasets, hidden, notes):
    keys = list(datasets or DATASETS)
    labels = {k: f"{DATASETS[k].label} ({DATASETS[k].task})" for k in keys}
    if datasets is None and state.dataset(scope) is not None:
        keys.append("csv")  # an uploaded table (playground/ui/sharing.py)
        labels["csv"] = f"Your CSV ({state.dataset(scope).task})"
    values = {}
    if "dataset" not in hidden:
        values["dataset"] = st.selectbox(
            "Dataset", keys, help=_help("dataset"), format_func=labels.get,
            **_seeded(scope, "dataset", cfg.dataset if cfg.dataset in keys else keys[0],
                      "index", keys))
    key = values.get("dataset", cfg.dataset)
    if key == "csv":
        return _csv_controls(scope, cfg, hidden, values)
    spec = DATASETS[key]
    st.caption(spec.description)
    if key == "catdog" and "columns" not in hidden:
        values["columns"] = _catdog_axes(scope, cfg, notes)
    elif key != "catdog":
        values["columns"] = ()
    if key == "blobs" and "n_classes" not in hidden:
        values["n_classes"] = st.slider("Classes", 3, 5, help=_help("n_classes"),
                                        **_seeded(scope, "n_classes", cfg.n_classes))
    if spec.two_d:
        _samples_and_noise(scope, cfg, hidden, values)
    values.update(_split_and_seed(scope, cfg, hidden))
    if spec.two_d and "features" not in hidden:
        values["features"] = tuple(st.multiselect(
            "Extra input features", DERIVED_KEYS, help=_help("features"),
            **_seeded(scope, "features", list(cfg.features), "default", DERIVED_KEYS)))
    else:
        values["features"] = ()
    return values


def _task_of(scope, key):
    return state.dataset(scope).task if key == "csv" else DATASETS[key].task


def _csv_controls(scope, cfg, hidden, values):
    data = state.dataset(scope)
    st.caption(f"Your uploaded table: {len(data.X_train) + len(data.X_test)} rows, features "
               f"{md_escape(', '.join(data.feature_names))}. Upload another under 'Files' below the views.")
    if data.task != "regression" and "label_noise" not in hidden:
        values["label_noise"] = st.slider(
            "Flipped labels (%)", 0, 30, help=_help("label_noise"),
            **_seeded(scope, "label_noise", round(cfg.label_noise * 100))) / 100
    values.update(_split_and_seed(scope, cfg, hidden))
    values["features"] = ()  # x1^2, sin x1 ... are for the 2-D plane only
    return values


def _samples_and_noise(scope, cfg, hidden, values):
    if "n_samples" not in hidden:
        values["n_samples"] = st.slider("Points", 50, 5000, step=10, help=_help("n_samples"),
                                        **_seeded(scope, "n_samples", cfg.n_samples))
    if "noise" not in hidden:
        values["noise"] = st.slider("Noise (%)", 0, 50, help=_help("noise"),
                                    **_seeded(scope, "noise", round(cfg.noise * 100))) / 100
    if "label_noise" not in hidden:
        values["label_noise"] = st.slider(
            "Flipped labels (%)", 0, 30, help=_help("label_noise"),
            **_seeded(scope, "label_noise", round(cfg.label_noise * 100))) / 100


def _split_and_seed(scope, cfg, hidden):
    values = {}
    if "train_ratio" not in hidden:
        values["train_ratio"] = st.slider(
            "Training share (%)", 10, 90, step=5, help=_help("train_ratio"),
            **_seeded(scope, "train_ratio", round(cfg.train_ratio * 100))) / 100
    if "data_seed" not in hidden:
        left, right = st.columns(2, vertical_alignment="bottom")  # [3, 2] cut "Regene..."
        seeded = _seeded(scope, "data_seed", cfg.data_seed)
        key = seeded["key"]
        values["data_seed"] = left.number_input("Data seed", 0, FIELDS["data_seed"].allowed[1],
                                                help=_help("data_seed"), **seeded)
        right.button("Regenerate", key=_wkey(scope, "regenerate"), on_click=_next_seed,
                     args=(key,), help="Draw new points: the next data seed.")
    return values


def _next_seed(key):
    st.session_state[key] = (st.session_state[key] + 1) % FIELDS["data_seed"].allowed[1]


def _catdog_axes(scope, cfg, notes):
    default = list(cfg.columns) if len(cfg.columns) == 2 else list(CATDOG_FEATURES[:2])
    left, right = st.columns(2)
    x = left.selectbox("x feature", CATDOG_FEATURES, format_func=feature_label,
                       help="The measurement along the horizontal axis.",
                       **_seeded(scope, "col_x", default[0], "index", CATDOG_FEATURES))
    y = right.selectbox("y feature", CATDOG_FEATURES, format_func=feature_label,
                        help="The measurement along the vertical axis.",
                        **_seeded(scope, "col_y", default[1], "index", CATDOG_FEATURES))
    if x == y:
        st.warning("Pick two different features; the previous pair stays in use.")
        return tuple(cfg.columns) if len(cfg.columns) == 2 else tuple(CATDOG_FEATURES[:2])
    return (x, y)


# -- network ------------------------------------------------------------------------------------
def _network_controls(scope, cfg, hidden):
    values = {}
    widths = state.get(scope, "widths") or (list(cfg.hidden) + [4] * MAX_WIDTHS)[:MAX_WIDTHS]
    if "hidden" not in hidden:
        depth = st.slider("Hidden layers", 0, 8, **_seeded(scope, "depth", len(cfg.hidden)),
                          help="How many layers of neurons sit between input and output.")
        cols = st.columns(2)
        for i in range(depth):
            widths[i] = cols[i % 2].number_input(
                f"Neurons in layer {i + 1}", 1, 128, **_seeded(scope, f"width{i}", widths[i]),
                help=_help("hidden") if i == 0 else None)
        state.put(scope, "widths", widths)  # remembered even for layers removed for now
        values["hidden"] = tuple(int(w) for w in widths[:depth])
    if "activation" not in hidden:
        values["activation"] = st.selectbox(
            "Activation", list(ACTIVATIONS), format_func=lambda k: ACTIVATIONS[k].label,
            help=_help("activation"),
            **_seeded(scope, "activation", cfg.activation, "index", ACTIVATIONS))
    if "init" not in hidden:
        values["init"] = st.selectbox("Initial weights", list(INITIALIZERS),
                                      **_seeded(scope, "init", cfg.init, "index", INITIALIZERS),
                                      format_func=INIT_LABELS.get, help=_help("init"))
    if "init_seed" not in hidden:
        left, right = st.columns(2)
        values["init_seed"] = left.number_input("Weight seed", 0, FIELDS["init_seed"].allowed[1],
                                                **_seeded(scope, "init_seed", cfg.init_seed),
                                                help=_help("init_seed"))
        values["bias_init"] = right.number_input("Initial bias", -1.0, 1.0, step=0.1,
                                                 **_seeded(scope, "bias_init", cfg.bias_init),
                                                 help=_help("bias_init"))
    return values


# -- training -----------------------------------------------------------------------------------
def _training_controls(scope, cfg, values, hidden, notes):
    task = _task_of(scope, values.get("dataset", cfg.dataset))
    out = {}
    if "loss" not in hidden:
        out["loss"] = _loss_choice(scope, cfg, task, notes)
    if "optimizer" not in hidden:
        out["optimizer"] = st.selectbox(
            "Optimizer", list(OPTIMIZER_LABELS), format_func=OPTIMIZER_LABELS.get,
            help=_help("optimizer"),
            **_seeded(scope, "optimizer", cfg.optimizer, "index", OPTIMIZER_LABELS))
    optimizer = out.get("optimizer", cfg.optimizer)
    if "lr" not in hidden:
        lr_steps = _log_steps(LR_STEPS, cfg.lr)
        out["lr"] = st.select_slider("Learning rate", lr_steps, format_func=_fmt_rate,
                                     help=_help("lr"),
                                     **_seeded(scope, "lr", cfg.lr, options=lr_steps))
    for name in OPTIMIZER_SETTINGS[optimizer]:
        if name not in hidden:
            top = FIELDS[name].allowed[1]
            out[name] = st.slider(name.capitalize(), 0.0, top, step=0.001 if top < 0.9999
                                  else 0.0001, **_seeded(scope, name, getattr(cfg, name)),
                                  help=_help(name), format="%.4g")
    if "batch_size" not in hidden:
        out["batch_size"] = _batch_size(scope, cfg, values, notes)
    if "penalty" not in hidden:
        left, right = st.columns([3, 2])  # room for "Regularisation" beside its help icon
        out["penalty"] = left.selectbox(
            "Regularisation", list(PENALTIES), format_func=lambda k: PENALTIES[k].label,
            help=_help("penalty"), **_seeded(scope, "penalty", cfg.penalty, "index", PENALTIES))
        rate_steps = _log_steps(RATE_STEPS, cfg.penalty_rate)
        out["penalty_rate"] = right.select_slider(
            "Rate", rate_steps, format_func=_fmt_rate, help=_help("penalty_rate"),
            **_seeded(scope, "penalty_rate", cfg.penalty_rate, options=rate_steps))
        # Either one alone does nothing: say so rather than train as if nothing were chosen.
        if out["penalty"] != "none" and not out["penalty_rate"]:
            st.caption(f"{PENALTIES[out['penalty']].label} acts once its rate is above 0.")
        elif out["penalty"] == "none" and out["penalty_rate"]:
            st.caption("The rate acts once a penalty (L1 or L2) is chosen.")
    if "epochs" not in hidden:
        out["epochs"] = st.number_input("Epoch limit", 1, 100_000, step=100, help=_help("epochs"),
                                        **_seeded(scope, "epochs", cfg.epochs))
    if "early_stopping" not in hidden:
        left, right = st.columns([3, 2], vertical_alignment="bottom")
        out["early_stopping"] = left.checkbox(
            "Early stopping", help=_help("early_stopping"),
            **_seeded(scope, "early_stopping", cfg.early_stopping))
        out["patience"] = right.number_input("Patience", 1, 10_000, help=_help("patience"),
                                             **_seeded(scope, "patience", cfg.patience))
    return out


def _loss_choice(scope, cfg, task, notes):
    choices = ["auto", *TASK_LOSSES[task]]
    key = _wkey(scope, "loss")
    old = st.session_state.get(key, cfg.loss)
    if old not in choices:
        # Not a loss name at all: the browser keeps a select box's value as its label, and
        # "Auto (Binary cross-entropy)" is no label of a multi-class task's box. Just "auto".
        if old in LOSSES:
            notes.append(f"{LOSSES[old].label} does not fit a {task} task: the loss is now "
                         f"{LOSSES[TASK_LOSSES[task][0]].label}.")
        st.session_state[key] = "auto"
    seeded = _seeded(scope, "loss", cfg.loss if cfg.loss in choices else "auto", "index", choices)
    usual = LOSSES[TASK_LOSSES[task][0]].label
    return st.selectbox("Loss", choices, help=_help("loss"), **seeded,
                        format_func=lambda k: f"Auto ({usual})" if k == "auto" else LOSSES[k].label)


def _batch_size(scope, cfg, values, notes):
    dataset, ratio = values.get("dataset", cfg.dataset), values.get("train_ratio", cfg.train_ratio)
    uploaded = state.dataset(scope) if dataset == "csv" else None
    if uploaded is not None:
        # At least 2: a slider needs a range (a 10-row upload at a 10 % share has 1 training row).
        n_train = max(2, round((len(uploaded.X_train) + len(uploaded.X_test)) * ratio))
    else:
        n_train = training_rows(dataset, values.get("n_samples", cfg.n_samples), ratio)
    key = _wkey(scope, "batch_size")
    if st.session_state.get(key, cfg.batch_size) > n_train:
        notes.append(f"Batch size capped at the {n_train} training points (full batch).")
        st.session_state[key] = n_train
    return st.slider("Batch size", 1, n_train, help=_help("batch_size"),
                     **_seeded(scope, "batch_size", min(cfg.batch_size, n_train)))
