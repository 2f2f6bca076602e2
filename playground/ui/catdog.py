"""Widget groups and per-user state of the cat/dog page.

- ``pick_features``: which measurements the network sees (two or more; fewer is refused with a
  message and the previous choice stays in force).
- ``boundary_axes``: the two features the decision boundary is drawn over.
- ``pick_animal``: an animal from the table, or measurements typed in by hand (parsed, never
  evaluated; a bad value gets one message and the last good values stay on show).
- ``step_copy`` and ``step_buttons``: the single-example steps. They act on a *copy* of the trained
  network, so stepping again and again on one animal never rewrites the run whose loss curve the
  page shows; the copy follows the trained network until the learner steps, and is dropped when
  the animal or the run changes, or on "Back to the trained network".

Left out: editing the table, and uploading other animals (the Train page takes CSV uploads).
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import streamlit as st

from playground import charts_catdog, readable, teaching
from playground.activations import ACTIVATIONS, OUTPUT_ACTIVATIONS
from playground.charts_catdog import feature_label
from playground.datasets import CATDOG_FEATURES, CATDOG_PATH
from playground.network import MLP
from playground.text import count, md_escape
from playground.training import Trainer
from playground.ui import state, views
from playground.ui.live_chart import live_chart

STEP_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
DEFAULT_STEP_RATE = 0.01
SOURCES = ("From the data", "Type its measurements")
SPECIES = (0, 1)


def data_card() -> str:
    """The data card (data/CATDOG.md) with its headings moved down two levels to fit a note."""
    text = CATDOG_PATH.with_name("CATDOG.md").read_text(encoding="utf-8")
    return re.sub(r"^(#+) ", lambda m: "#" * min(len(m.group(1)) + 2, 6) + " ", text,
                  flags=re.MULTILINE)


# -- features -------------------------------------------------------------------------------------
def pick_features(scope: str) -> tuple[str, ...]:
    """Draw the feature choice; store it as the config's ``columns``; return the ones in force.

    Must run before ``state.current_run`` so that the run is built on the chosen features.
    """
    cfg = state.config(scope)
    in_force = tuple(cfg.columns) or CATDOG_FEATURES
    key = f"{scope}.w.columns"
    state.seed(key, list(in_force))
    chosen = st.multiselect(
        "Features the network sees", CATDOG_FEATURES, format_func=feature_label,
        **state.keyed(key, "default", CATDOG_FEATURES),
        help="Any two or more of the six measurements. Two features draw the boundary exactly; "
             "with more, the boundary is a slice through the others' medians.")
    if len(chosen) < 2:
        st.warning("Pick at least two features. The network keeps using the previous choice: "
                   + ", ".join(feature_label(f) for f in in_force) + ".")
        return in_force
    # Keep the table's column order whatever order they were clicked in: a new order would be a
    # new network (its first weight matrix's rows are in that order) for the same choice.
    columns = tuple(f for f in CATDOG_FEATURES if f in chosen)
    # Compared with the choice in force, not cfg.columns: empty columns mean all six, and
    # writing them out would make a link's "all" look changed (and every link longer).
    if columns != in_force:
        state.set_config(cfg.replace(columns=columns), scope)
    return columns


def boundary_axes(scope: str, columns: tuple[str, ...]) -> tuple[int, int]:
    """Indices (into ``columns``) of the boundary's x and y features; drawn only for > 2."""
    if len(columns) == 2:
        return (0, 1)
    left, right = st.columns(2)
    wanted = state.get(scope, "axes", ("snout_length_cm", "tail_length_cm"))
    x_default = wanted[0] if wanted[0] in columns else columns[0]
    y_default = wanted[1] if wanted[1] in columns and wanted[1] != x_default else next(
        c for c in columns if c != x_default)
    x = left.selectbox("Boundary: x feature", columns, index=columns.index(x_default),
                       format_func=feature_label, key=f"{scope}.axis_x.{'-'.join(columns)}")
    y = right.selectbox("Boundary: y feature", columns, index=columns.index(y_default),
                        format_func=feature_label, key=f"{scope}.axis_y.{'-'.join(columns)}")
    if x == y:
        st.warning("Pick two different features for the boundary's axes; the previous pair "
                   "stays on show.")
        x, y = x_default, y_default
    state.put(scope, "axes", (x, y))
    return columns.index(x), columns.index(y)


# -- the animal -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Example:
    """The animal the one-example section follows.

    ``key`` identifies it: ("data", split, index) or ("typed", values, label).
    """

    key: tuple
    title: str
    raw: np.ndarray
    label: int


def _data_choices(trainer: Trainer) -> list[tuple[str, int]]:
    data = trainer.dataset
    return ([("test", i) for i in range(len(data.y_test))]
            + [("train", i) for i in range(len(data.y_train))])


def _animal_title(trainer: Trainer, split: str, i: int) -> str:
    data = trainer.dataset
    names = data.names_test if split == "test" else data.names_train
    y = data.y_test if split == "test" else data.y_train
    return f"{names[i]} · {data.class_names[int(y[i])]} · {split} animal {i + 1}"


def _animal_key(scope: str, trainer: Trainer) -> str:
    # Another split is another list of animals: a fresh choice, not an index into the old one.
    return f"{scope}.animal.{trainer.config.data_seed}.{trainer.config.train_ratio}"


def _pick_most_wrong(scope: str) -> None:
    trainer = state.current_run(scope).trainer
    worst = teaching.most_wrong(trainer, k=1)[0]
    state.set_value(_animal_key(scope, trainer), (worst.split, worst.index))


def _from_data(scope: str, trainer: Trainer) -> Example:
    choices = _data_choices(trainer)
    key = _animal_key(scope, trainer)
    box, button = st.columns([4, 1], vertical_alignment="bottom")
    button.button("The most wrong one", key=f"{scope}.animal.worst", width="stretch",
                  on_click=_pick_most_wrong, args=(scope,),
                  help="The animal the trained network gives the lowest probability for its "
                       "true species: where a step has the most to do.")
    split, i = box.selectbox(
        "Animal", choices, key=key, format_func=lambda c: _animal_title(trainer, *c),
        help="Test animals come first: the network never trained on them. Type to search, "
             "e.g. a breed.", persist_state="session")
    data = trainer.dataset
    X, y = (data.X_test, data.y_test) if split == "test" else (data.X_train, data.y_train)
    return Example(("data", split, i), _animal_title(trainer, split, i), X[i].copy(), int(y[i]))


def _typed(scope: str, trainer: Trainer) -> Example:
    names = trainer.dataset.feature_names
    median = np.median(trainer.dataset.X_train, axis=0)
    cols = st.columns(len(names) + 1)
    texts = []
    for col, name, m in zip(cols, names, median):
        key = f"{scope}.typed.{name}"
        state.seed(key, f"{m:g}")
        texts.append(col.text_input(feature_label(name), persist_state="session",
                                    **state.keyed(key)))
    label = cols[-1].radio("Species", SPECIES, format_func=trainer.dataset.class_names.__getitem__,
                           key=f"{scope}.typed.label", help="The label the loss compares with.",
                           persist_state="session")
    values, errors = teaching.parse_measurements(texts, names, feature_label)
    last = state.get(scope, "typed_last", {})
    if errors:
        st.error("  \n".join(map(md_escape, errors))  # they quote what was typed
                 + "  \nShowing the last values that were numbers instead.")
        values = np.array([last.get(n, m) for n, m in zip(names, median)], dtype=np.float64)
    else:
        state.put(scope, "typed_last", {**last, **dict(zip(names, values.tolist()))})
    shown = ", ".join(f"{feature_label(n)} {v:g}" for n, v in zip(names, values))
    return Example(("typed", tuple(values.tolist()), int(label)),
                   f"typed in: {shown} ({trainer.dataset.class_names[int(label)]})",
                   values, int(label))


def pick_animal(scope: str, trainer: Trainer) -> Example:
    """Draw the animal choice and return the chosen animal (never None: bad typing keeps the
    last good values)."""
    source = st.radio("Where the animal comes from", SOURCES, horizontal=True,
                      key=f"{scope}.animal.source", label_visibility="collapsed",
                      persist_state="session")
    example = _from_data(scope, trainer) if source == SOURCES[0] else _typed(scope, trainer)
    outside = teaching.outside_seen(trainer, example.raw)
    if outside:
        parts = [f"{feature_label(o.feature)} {o.value:g} (training data: {o.low:g} to "
                 f"{o.high:g})" for o in outside]
        impossible = any(o.value < 0 for o in outside)
        st.warning("Outside what the network has seen: " + "; ".join(parts) + ". Its answer "
                   "here is an extrapolation that no training example constrained."
                   + (" A negative measurement is not a possible animal." if impossible else ""))
    return example


# -- single-example steps -------------------------------------------------------------------------
@dataclass
class StepCopy:
    """A copy of the trained network that single-example steps act on.

    ``p_label`` is the probability of the example's true class before any step, then after each.
    """

    trainer: Trainer
    epoch: int
    example_key: tuple
    model: MLP
    p_label: list = field(default_factory=list)
    last: teaching.Step | None = None

    @property
    def steps(self) -> int:
        return len(self.p_label) - 1


def _p_label(trainer, model, example):
    p = teaching.forward_breakdown(trainer, example.raw, model).p_dog
    return p if example.label == 1 else 1.0 - p


def step_copy(scope: str, run: state.Run, example: Example) -> StepCopy:
    """The scope's copy for this run and animal, made afresh when either changed.

    Until the learner steps, the copy follows the trained network (it is re-taken whenever the
    run has trained further); after a step it stays put, so the learner's steps are not lost.
    """
    trainer = run.trainer
    current = state.get(scope, "step_copy")
    stale = (current is None or current.trainer is not trainer
             or current.example_key != example.key
             or (current.steps == 0 and current.epoch != trainer.epoch))
    if stale:
        model = teaching.copy_model(trainer.model)
        current = StepCopy(trainer, trainer.epoch, example.key, model,
                      [_p_label(trainer, model, example)])
        state.put(scope, "step_copy", current)
    return current


def _take_step(scope: str, example: Example) -> None:
    current = state.get(scope, "step_copy")
    if current is None or current.example_key != example.key:
        return  # the page changed under the click; the next run shows the new animal
    lr = state.value(f"{scope}.step_lr", DEFAULT_STEP_RATE)
    step = teaching.one_example_step(current.trainer, example.raw, example.label, lr,
                                     model=current.model)
    current.last = step
    current.p_label.append(step.p_label_after)


def _back_to_trained(scope: str) -> None:
    state.put(scope, "step_copy", None)


def step_buttons(scope: str, example: Example, current: StepCopy) -> None:
    """The step's learning rate, "One SGD step on this animal" and "Back to the trained
    network"."""
    key = f"{scope}.step_lr"
    state.seed(key, DEFAULT_STEP_RATE)
    rate, step, back = st.columns([3, 2, 2], vertical_alignment="bottom")
    rate.select_slider("Learning rate of this step", STEP_RATES,
                       **state.keyed(key, options=STEP_RATES),
                       help="How far the step moves each weight: lr × its gradient. One "
                            "animal's gradient is not averaged with any other's, so a rate "
                            "that suits a batch can swing this one animal right over (try 0.3).",
                       persist_state="session")
    step.button("One SGD step on this animal", key=f"{scope}.one_step", type="primary",
                on_click=_take_step, args=(scope, example), width="stretch",
                help="Back-propagate this animal's loss to get the gradient of every weight, "
                     "then move each weight by −lr × its gradient.")
    back.button("Back to the trained network", key=f"{scope}.lab_reset",
                on_click=_back_to_trained, args=(scope,), width="stretch",
                disabled=current.steps == 0,
                help="Forget the single-example steps and copy the trained network again.")


def _prob(p: float) -> str:
    """A probability with four decimals, or eight near 0 and 1 so a small change still shows."""
    return f"{p:.4f}" if 1e-3 < p < 1 - 1e-3 else f"{p:.8f}"


# -- drawing the numbers --------------------------------------------------------------------------
def _activation_label(name: str) -> str:
    record = ACTIVATIONS.get(name) or OUTPUT_ACTIVATIONS[name]
    return record.formula


def _inputs_table(fwd: teaching.Forward, names) -> pd.DataFrame:
    return pd.DataFrame({"feature": [feature_label(n) for n in names], "measured": fwd.raw,
                         "mean": fwd.mean, "sd": fwd.scale,
                         "scaled": fwd.scaled.astype(np.float64)})


def _layer_table(layer: teaching.Layer) -> pd.DataFrame:
    units = [f"h{layer.index}.{k + 1}" for k in range(len(layer.z))]
    return pd.DataFrame({"unit": units, "z": layer.z.astype(np.float64),
                         f"a = {_activation_label(layer.activation)}":
                             layer.a.astype(np.float64)})


_FORMATS = {"measured": "%.2f", "mean": "%.2f", "sd": "%.2f", "scaled": "%.3f", "z": "%.3f"}


def _number_columns(extra=()) -> dict:
    formats = dict(_FORMATS, **{name: "%.3f" for name in extra})
    return {name: st.column_config.NumberColumn(format=fmt) for name, fmt in formats.items()}


def show_forward(fwd: teaching.Forward, trainer: Trainer, palette, label: int) -> None:
    """The example's inputs, every hidden layer's z and a, and the output as a probability bar."""
    hidden = fwd.layers[:-1]
    per_row = 4
    boxes = [("inputs", None)] + [(f"hidden layer {h.index}", h) for h in hidden]
    for start in range(0, len(boxes), per_row):
        # The inputs table has five columns to a layer's three: give it more room.
        widths = [5 if title == "inputs" else 3 for title, _ in boxes[start:start + per_row]]
        cols = st.columns(widths + [3] * (min(per_row, len(boxes)) - len(widths)))
        for col, (title, layer) in zip(cols, boxes[start:start + per_row]):
            with col:
                st.markdown(f"**{title}**")
                if layer is None:
                    st.dataframe(_inputs_table(fwd, trainer.input_names), hide_index=True,
                                 column_config=_number_columns(), width="stretch")
                    st.caption("What the network sees: scaled = (measured − mean) / sd, with "
                               "the mean and sd of the training animals.")
                else:
                    table = _layer_table(layer)
                    st.dataframe(table, hide_index=True, width="stretch",
                                 column_config=_number_columns(table.columns[2:]))
                    st.caption(f"z = (previous layer's values) · W{layer.index} + "
                               f"b{layer.index}, then a = "
                               f"{_activation_label(layer.activation)} for each unit.")
    out = fwd.layers[-1]
    z, p = float(out.z[0]), fwd.p_dog
    names = trainer.dataset.class_names
    st.markdown(f"**output**: z = {z:.4g}, then P({names[1]}) = σ(z) = 1 / (1 + e^(−z)) = "
                f"1 / (1 + e^({-z:.4g})) = **{_prob(p)}**, and P({names[0]}) = 1 − "
                f"P({names[1]}) = **{_prob(1 - p)}**. The true species is **{names[label]}**.")
    views.static_chart(charts_catdog.probability_figure([("network says", p)], names,
                                                        palette=palette),
                       key="catdog.forward.bar", config={"displayModeBar": False})


def show_losses(fwd: teaching.Forward, label: int, trainer: Trainer) -> None:
    """The example's loss under each binary loss, formula filled in with its numbers."""
    names = trainer.dataset.class_names
    st.markdown(f"With **p** = P({names[1]}) = {fwd.p_dog:.4g} and the label **y** = {label} "
                f"({names[label]}):")
    for line in teaching.loss_lines(fwd.p_dog, label, trainer.loss_name):
        used = " — *the loss this network trains with*" if line.in_use else ""
        st.markdown(f"- **{line.label}**{used}: {line.formula} = {line.filled} = "
                    f"**{line.value:.4g}**")
    if trainer.config.penalty != "none" and trainer.config.penalty_rate > 0:
        st.caption(f"The run also has a {trainer.config.penalty.upper()} weight penalty (rate "
                   f"{trainer.config.penalty_rate:g}); the step below includes its gradient.")


def show_step(step: teaching.Step, current: StepCopy, trainer: Trainer, palette) -> None:
    """What the last single-example step did: probabilities, loss, and every layer's numbers."""
    names = trainer.dataset.class_names
    true = names[step.label]
    moved = step.p_label_after - step.p_label_before
    direction = ("toward" if moved > 0 else "away from" if moved < 0 else
                 "no change at the network's float32 precision, not even toward")
    st.markdown(f"Step {current.steps} (lr {step.lr:g}): P({true}) went from "
                f"**{_prob(step.p_label_before)}** to **{_prob(step.p_label_after)}** "
                f"({moved:+.3g}, {direction} the label {true}); the loss went from "
                f"**{step.loss_before:.4g}** to **{step.loss_after:.4g}**.")
    if step.loss_before < 0.01:
        st.info("The network is already sure about this animal: its loss is tiny, so the "
                "gradient is tiny and the step barely moves anything. Try an animal it gets "
                "wrong (the button beside the animal box picks the worst one).")
    elif step.loss_after >= step.loss_before:
        st.info("The step overshot: with this learning rate it moved the weights so far that "
                "the loss did not fall. A smaller learning rate follows the slope more closely.")
    left, right = views.chart_columns([3, 2], key="catdog-step")
    with left:
        bars = [("before the step", step.p_before), ("after the step", step.p_after)]
        views.static_chart(charts_catdog.probability_figure(bars, names, palette=palette),
                           key="catdog.step.bar", config={"displayModeBar": False})
    with right:
        views.static_chart(charts_catdog.trajectory_figure(current.p_label, true, palette=palette,
                                                           colour_index=step.label),
                           key="catdog.step.trajectory", config={"displayModeBar": False})
    for i in range(len(step.before)):
        rows = [feature_label(r) for r in teaching.block_row_names(trainer, i)]
        cols = teaching.block_column_names(trainer, i)
        fan_in, fan_out = step.before[i].shape[0] - 1, step.before[i].shape[1]
        st.markdown(f"**Layer {i + 1}** ({fan_in} × {fan_out} weights and "
                    f"{count(fan_out, 'bias', 'biases')}; the "
                    f"last row is the bias)")
        fig = charts_catdog.step_figure(step.before[i], step.gradient[i], step.change[i],
                                        step.after[i], rows, cols, lr=step.lr, palette=palette)
        # A grid of numbered cells: larger type would not fit in the cells.
        views.wide_chart(fig, key=f"catdog.step.layer{i}", projector=False,
                         min_width=charts_catdog.step_figure_width(cols),
                         config={"displayModeBar": False})
    st.caption("Before and after share one colour scale. One step moves a weight by lr × its "
               "gradient, often too little to see at three digits: the change panel shows it.")
    show_readable_step(step)
    if len(step.before) > 1:
        st.caption("Why some rows or columns of a gradient are nearly white: the gradient "
                   "reaching a hidden unit is multiplied by its activation's slope (for tanh, "
                   "1 − a²). A unit whose a is near ±1 for this animal is saturated and passes "
                   "almost nothing back, so its incoming weights barely move.")


def show_readable_step(step: teaching.Step) -> None:
    """The code that computes this step, written to be read, and how well it agrees."""
    gap = max(float(np.max(np.abs(fast - plain)))
              for fast, plain in zip(step.gradient, step.readable_gradient))
    scale = max(float(np.max(np.abs(plain))) for plain in step.readable_gradient) or 1.0
    with st.expander("The code of this step: back-propagation and one SGD step, written out"):
        st.markdown("The engine computes the gradients above with fast, buffered code; this is "
                    "the same maths one formula a line (``playground/readable.py``). Run on "
                    "this animal in float64, it gives the gradient the panels show: the "
                    f"largest difference is {gap:.2g} (of gradients up to {scale:.2g}; the "
                    "network computes in float32).")
        st.code(inspect.getsource(readable.backward) + "\n\n"
                + inspect.getsource(readable.sgd_step), language="python")


def show_copy_effect(current: StepCopy, trainer: Trainer) -> None:
    """How the copy's single-example steps changed its test accuracy, beside the trained net's."""
    y = teaching.labels(trainer, "test")
    trained = float(np.mean((teaching.p_dog(trainer, "test") > 0.5) == (y == 1)))
    copied = float(np.mean((teaching.p_dog(trainer, "test", current.model) > 0.5) == (y == 1)))
    st.caption(f"Test accuracy: the trained network {trained:.1%}; this copy after "
               f"{current.steps} single-animal step{'s' if current.steps != 1 else ''} "
               f"{copied:.1%}. Training averages the gradient over many animals so that no one "
               f"animal pulls the weights its own way.")


# -- results of the run --------------------------------------------------------------------------
def results(run: state.Run, columns, key: str) -> None:
    """Accuracy, the confusion matrices and the animals the network is most wrong about."""
    trainer = run.trainer
    last = trainer.history.last()
    matrices = teaching.confusions(trainer)
    left, right = views.chart_columns([2, 3], key="catdog-results")  # stacked when narrow: the table needs width
    with left:
        a, b = st.columns(2)
        a.metric("Training accuracy", f"{last['train_accuracy']:.1%}")
        b.metric("Test accuracy", f"{last['test_accuracy']:.1%}",
                 help="On animals the network never trained on.")
        live_chart(charts_catdog.confusion_figure(matrices, trainer.dataset.class_names),
                   key=f"{key}.confusion", height=260, projector=False)  # two small panels
        st.caption(f"Rows: the true species; columns: what the network says (P(dog) > 0.5). "
                   f"Test set: {int(matrices['test'].sum())} animals.")
    with right:
        st.markdown("**The animals the network is most wrong about** (lowest probability for "
                    "their true species)")
        st.dataframe(_wrong_table(trainer, columns), hide_index=True, height=330,
                     width="stretch", column_config=_wrong_columns(trainer))


def _wrong_table(trainer: Trainer, columns) -> pd.DataFrame:
    rows = teaching.most_wrong(trainer, k=10)
    names = trainer.dataset.class_names
    data = trainer.dataset
    table = pd.DataFrame({  # the probabilities before "set": all of them fit on a laptop
        "breed": [r.name for r in rows],
        "species": [names[r.label] for r in rows],
        "network says": [names[int(r.p_dog > 0.5)] for r in rows],
        f"P({names[0]})": [1 - r.p_dog for r in rows],
        f"P({names[1]})": [r.p_dog for r in rows],
        "set": [r.split for r in rows],
    })
    for j, name in enumerate(columns):
        table[feature_label(name)] = [
            (data.X_train if r.split == "train" else data.X_test)[r.index, j] for r in rows]
    return table


def _wrong_columns(trainer: Trainer) -> dict:
    names = trainer.dataset.class_names
    # Narrow text columns, so both probability bars fit beside them on a laptop; the
    # measurements after them scroll sideways.
    narrow = {c: st.column_config.TextColumn(c, width="small") for c in ("set", "species")}
    return {**narrow, **{f"P({c})": st.column_config.ProgressColumn(
        f"P({c})", min_value=0.0, max_value=1.0, format="percent", width="small")
        for c in names}}
