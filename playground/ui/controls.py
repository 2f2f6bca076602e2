"""The settings sidebar: draws the control records of ``playground/control_specs.py``.

Each control's widgets, labels, ranges, steps and when it is drawn come from its record, and its
help text from the config's FIELDS, so the widgets, the links, the command line and the teacher's
list agree on names, ranges and meaning. A plain loop draws most controls; a few have their own
drawing function here (the dataset, the cat/dog axes, the layers, the data seed's button, the
loss, the batch size, the penalty's caption). Widget values are seeded from the scope's stored
config (see ``state``), and ``settings`` returns the new config built from them; it never raises:
a combination the engine would refuse is mended and the user is told (e.g. a loss the new task
does not allow falls back to the task's usual one).
"""

from __future__ import annotations

import streamlit as st

from playground.config import FIELDS, TrainConfig
from playground.control_specs import CONTROLS, GROUPS, MAX_LAYERS, Where
from playground.datasets import CATDOG_FEATURES, DATASETS, feature_label
from playground.scopes import SCOPES
from playground.losses import LOSSES, PENALTIES, TASK_LOSSES
from playground.text import md_escape
from playground.ui import state

GROUP_LABELS = {"data": "Data", "network": "Network", "training": "Training"}


def _wkey(scope, name):
    return f"{scope}.w.{name}"


def _seeded(scope, name, value, arg="value", options=None):
    """The widget's key and its default, both the value in force (see ``state.keyed``)."""
    return state.keyed(state.seed(_wkey(scope, name), value), arg, options)


def load(cfg: TrainConfig, scope: str = "train") -> None:
    """Make ``cfg`` the scope's settings and have every widget show it on the next draw."""
    state.set_config(cfg, scope)
    state.forget(_wkey(scope, ""))
    state.put(scope, "widths", list(cfg.hidden) + [4] * (MAX_LAYERS - len(cfg.hidden)))


def _help(name):
    return FIELDS[name].help


def _fmt_rate(v):
    return "0" if v == 0 else f"{v:g}"


def where_of(scope: str, hidden_controls=frozenset()) -> Where:
    """What the scope's controls depend on besides its config: datasets, an upload, hidden ones."""
    data = state.dataset(scope)
    upload = (data.task, len(data.X_train) + len(data.X_test)) if data is not None else None
    return SCOPES[scope].where(upload, hidden_controls)


def settings(scope: str = "train", *, hidden_controls: set | frozenset = frozenset(),
             where=None) -> TrainConfig:
    """Draw the data, network and training controls; store and return the resulting config.

    The scope's page (``scopes.SCOPES``) says which datasets it offers and which controls it
    draws itself; ``hidden_controls`` names controls not to draw (their stored values stay in force);
    ``where`` is the container (default: the sidebar).
    """
    cfg = state.config(scope)
    page = where_of(scope, hidden_controls)
    own = SCOPES[scope].own
    values = cfg.to_dict()  # the values in force, updated control by control
    values.update({k: tuple(v) for k, v in values.items() if isinstance(v, list)})
    notes = []
    with where if where is not None else st.sidebar:
        for group, names in GROUPS.items():
            with _group(group, names, page.hidden_controls):
                for name in (n for n in names if n not in own):
                    values.update(_control(scope, CONTROLS[name], values.__getitem__, page,
                                           notes))
    new = cfg.replace(**values)
    for note in notes:
        st.toast(md_escape(note))
    state.set_config(new, scope)
    return new


def _group(group, names, hidden_controls):
    """An expander for a group of controls, or nothing to see if all of them are hidden.

    The data group always shows, for the dataset's description."""
    if group != "data" and set(names) <= set(hidden_controls):
        return st.container()
    return st.expander(GROUP_LABELS[group], expanded=True)


def _control(scope, control, get, page, notes) -> dict:
    """Draw one control if it is drawn here; return the values of the settings it sets."""
    if control.name in page.hidden_controls:
        return {}
    if not control.drawn(get, page):
        return {} if control.otherwise is None else {control.name: control.otherwise(get)}
    shown = control.show(get, page)
    draw = _RENDERERS.get(control.render, _plain)
    return draw(scope, control, lambda name: shown.get(name, get(name)), page, notes)


def _plain(scope, control, get, page, notes) -> dict:
    """The control's widgets, one under the other or side by side in columns."""
    if control.widths is None:
        places = [st] * len(control.widgets)
    else:
        checkbox = any(w.kind == "checkbox" for w in control.widgets)
        places = st.columns(list(control.widths),
                            vertical_alignment="bottom" if checkbox else "top")
    return {w.field: _widget(scope, w, get, page, place)
            for w, place in zip(control.widgets, places)}


def _widget(scope, w, get, page, place=st, **extra):
    """One widget of a record, seeded with the value it shows; returns the config's value."""
    value, options = get(w.field), None
    args = {"help": _help(w.field), **extra}
    if w.kind == "select":
        options = w.choices(get, page)
        labels = w.labels(get, page) if w.labels else None
        return place.selectbox(w.label, options, **({"format_func": labels} if labels else {}),
                               **_seeded(scope, w.field, value, "index", options), **args)
    if w.kind == "steps":
        options = tuple(sorted(set(w.choices(get, page)) | {value}))
        return place.select_slider(w.label, options, format_func=_fmt_rate,
                                   **_seeded(scope, w.field, value, options=options), **args)
    if w.kind == "multiselect":
        options = w.choices(get, page)
        return tuple(place.multiselect(w.label, options, **args,
                                       **_seeded(scope, w.field, list(value), "default",
                                                 options)))
    if w.kind == "checkbox":
        return place.checkbox(w.label, **_seeded(scope, w.field, value), **args)
    if w.kind == "slider":
        if isinstance(w.step, float):
            args["format"] = "%.4g"
        picked = place.slider(w.label, w.low, w.top(get, page), step=w.step, **args,
                              **_seeded(scope, w.field, w.to_widget(value)))
        return w.from_widget(picked)
    return place.number_input(w.label, w.low, w.high, step=w.step, **args,
                              **_seeded(scope, w.field, value))


# -- the controls with drawing of their own -------------------------------------------------------
def _dataset(scope, control, get, page, notes) -> dict:
    (w,) = control.widgets
    key = _widget(scope, w, get, page)
    if key == "csv":
        data = state.dataset(scope)
        st.caption(f"Your uploaded table: {len(data.X_train) + len(data.X_test)} rows, features "
                   f"{md_escape(', '.join(data.feature_names))}. Upload another under 'Files' "
                   "below the views.")
    else:
        st.caption(DATASETS[key].description)
    return {"dataset": key}


def _columns(scope, control, get, page, notes) -> dict:
    x_now, y_now = get("columns")  # the shown pair
    left, right = st.columns(2)
    x = left.selectbox("x feature", CATDOG_FEATURES, format_func=feature_label,
                       help="The measurement along the horizontal axis.",
                       **_seeded(scope, "col_x", x_now, "index", CATDOG_FEATURES))
    y = right.selectbox("y feature", CATDOG_FEATURES, format_func=feature_label,
                        help="The measurement along the vertical axis.",
                        **_seeded(scope, "col_y", y_now, "index", CATDOG_FEATURES))
    if x == y:
        st.warning("Pick two different features; the previous pair stays in use.")
        return {"columns": (x_now, y_now)}
    return {"columns": (x, y)}


def _data_seed(scope, control, get, page, notes) -> dict:
    left, right = st.columns(2, vertical_alignment="bottom")  # "Regenerate" needs half the row
    seed = _widget(scope, control.widgets[0], get, page, left)
    right.button("Regenerate", key=_wkey(scope, "regenerate"), on_click=_next_seed,
                 args=(_wkey(scope, "data_seed"),), help="Draw new points: the next data seed.")
    return {"data_seed": seed}


def _next_seed(key):
    state.set_value(key, (state.value(key) + 1) % FIELDS["data_seed"].allowed[1])


def _hidden_layers(scope, control, get, page, notes) -> dict:
    (w,) = control.widgets
    layers = get("hidden")
    widths = state.get(scope, "widths") or (list(layers) + [4] * MAX_LAYERS)[:MAX_LAYERS]
    depth = st.slider("Hidden layers", 0, MAX_LAYERS, **_seeded(scope, "depth", len(layers)),
                      help="How many layers of neurons sit between input and output.")
    cols = st.columns(2)
    for i in range(depth):
        widths[i] = cols[i % 2].number_input(
            f"{w.label} {i + 1}", w.low, w.high, **_seeded(scope, f"width{i}", widths[i]),
            help=_help("hidden") if i == 0 else None)
    state.put(scope, "widths", widths)  # remembered even for layers removed for now
    return {"hidden": tuple(int(v) for v in widths[:depth])}


def _loss(scope, control, get, page, notes) -> dict:
    task = page.task(get("dataset"))
    choices = control.widgets[0].choices(get, page)
    key = _wkey(scope, "loss")
    old = state.value(key, get("loss"))
    if old not in choices:
        # Not a loss name at all: the browser keeps a select box's value as its label, and
        # "Auto (Binary cross-entropy)" is no label of a multi-class task's box. Just "auto".
        if old in LOSSES:
            notes.append(f"{LOSSES[old].label} does not fit a {task} task: the loss is now "
                         f"{LOSSES[TASK_LOSSES[task][0]].label}.")
        state.set_value(key, "auto")
    return _plain(scope, control, get, page, notes)


def _batch_size(scope, control, get, page, notes) -> dict:
    rows = page.training_rows(get)
    key = _wkey(scope, "batch_size")
    if state.value(key, get("batch_size")) > rows:
        notes.append(f"Batch size capped at the {rows} training points (full batch).")
        state.set_value(key, rows)
    return _plain(scope, control, get, page, notes)


def _penalty(scope, control, get, page, notes) -> dict:
    values = _plain(scope, control, get, page, notes)  # [3, 2]: room for "Regularisation"'s icon
    # Either one alone does nothing: say so rather than train as if nothing were chosen.
    if values["penalty"] != "none" and not values["penalty_rate"]:
        st.caption(f"{PENALTIES[values['penalty']].label} acts once its rate is above 0.")
    elif values["penalty"] == "none" and values["penalty_rate"]:
        st.caption("The rate acts once a penalty (L1 or L2) is chosen.")
    return values


_RENDERERS = {"dataset": _dataset, "columns": _columns, "data_seed": _data_seed,
              "hidden": _hidden_layers, "loss": _loss, "batch_size": _batch_size,
              "penalty": _penalty}
