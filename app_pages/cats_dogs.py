"""Cats vs dogs: training as optimisation, on a real table and on one animal end to end.

Top to bottom: the data (table, data card, pair plot); a network trained live on chosen features
with the same timeline and views as the Train page; its results; then one animal's forward pass,
its loss, and single SGD steps on it alone, every number from the training engine.
"""

import numpy as np
import streamlit as st

from playground import charts_catdog, teaching
from playground.datasets import CATDOG_FEATURES, load_catdog
from playground.ui import catdog, controls, lessons, live, state, views

SCOPE = "catdog"

st.title("Cats vs dogs: what training means")
st.markdown(
    "Training is an optimisation. The network's weights start arbitrary. A **forward pass** "
    "turns an animal's measurements into probabilities (say 75 % cat, 25 % dog); a **loss** "
    "measures how far that is from the label; the **optimizer** (stochastic gradient descent or "
    "one of its relatives) moves every weight a little so that the loss shrinks. Passing the "
    "same animals again and again, epoch after epoch, is training.")
palette = views.display()["palette"]

# -- 1. the data --------------------------------------------------------------------------------
st.header("1 · The data", divider="gray")
table = load_catdog()
st.markdown(f"{len(table)} animals, {int((table.species == 'cat').sum())} cats and "
            f"{int((table.species == 'dog').sum())} dogs, six measurements each. Click a column "
            "heading to sort.")
with st.expander("Data card: where these numbers come from (they are synthetic)"):
    st.markdown(catdog.data_card())
st.dataframe(table, hide_index=True, height=260, width="stretch",
             column_config={f: st.column_config.NumberColumn(charts_catdog.feature_label(f),
                                                              format="%.1f")
                            for f in CATDOG_FEATURES} | {"name": "breed"})
plot, notes = st.columns([3, 1])
with plot:
    pairs = charts_catdog.pair_figure(table[list(CATDOG_FEATURES)].to_numpy(),
                                      (table.species == "dog").to_numpy().astype(int),
                                      CATDOG_FEATURES, ("cat", "dog"),
                                      names=table.name.tolist(), palette=palette)
    views.wide_chart(pairs, key="catdog.pairs", projector=False,  # 15 small panels
                     min_width=charts_catdog.PAIR_MIN_WIDTH)
with notes:
    st.markdown(
        "**Every feature against every other**, one dot per animal (hover for its breed; drag "
        "a box to zoom into one panel).\n\n"
        "Where the two colours sit apart, that pair of features tells cats from dogs; where "
        "they overlap, it cannot. Snout length against tail length comes closest: most cats "
        "share one short-snout, long-tail corner. But flat-faced dogs (Pug, Shih Tzu) land "
        "among the cats, and tail-less cats (Manx) among the docked dogs.\n\n"
        "No single panel separates the species. A network that combines all six measurements "
        "can: section 2 lets you check.")

# -- 2. training --------------------------------------------------------------------------------
st.header("2 · Train a network", divider="gray")
columns = catdog.pick_features(SCOPE)
controls.settings(SCOPE)
st.caption("Network and training settings are in the sidebar. Play trains epoch after epoch; "
           "Step trains exactly one epoch.")
lessons.lesson_status(SCOPE)
live.controls(SCOPE)
axes = catdog.boundary_axes(SCOPE, columns)


def draw(run: state.Run) -> None:
    live.status(run)
    left, right = views.chart_columns([5, 4], key="catdog-top")
    with left:
        views.boundary(run, key="catdog.boundary", axes=axes, height=420)
        across, up = (charts_catdog.feature_label(columns[i]) for i in axes)
        where = f"Across: {across}; up: {up}."
        if len(columns) == 2:
            st.caption(f"{where} The network sees exactly these two features: the colours are "
                       "its P(dog) everywhere on this plane (blue cat, orange dog). Crosses mark "
                       "wrong answers.")
        else:
            medians = np.median(run.trainer.dataset.X_train, axis=0)
            others = [f"{charts_catdog.feature_label(c)} {medians[j]:g}"
                      for j, c in enumerate(columns) if j not in axes]
            st.caption(f"{where} The network sees more than two features, so this is a slice: "
                       "the colours are its P(dog) over these two with the other features held "
                       "at their training median (" + ", ".join(others) + "). Points sit at "
                       "their own values of every feature, so a point can look on the wrong "
                       "side and still be classified right.")
    with right:
        views.loss_curves(run, key="catdog.loss", height=300)
        st.caption("Loss (left) and accuracy (right) per epoch; solid: training animals, "
                   "dashed: test animals.")
    catdog.results(run, columns, key="catdog")


live.live(SCOPE, draw)

# -- 3. one animal, one step ----------------------------------------------------------------------
st.header("3 · One animal, one step", divider="gray")
st.markdown("Follow one animal through the network, see its loss, and take single steps of "
            "stochastic gradient descent on it alone.")
run = state.current_run(SCOPE)
trainer = run.trainer
example = catdog.pick_animal(SCOPE, trainer)
copy = catdog.step_copy(SCOPE, run, example)
where = (f"the trained network at epoch {copy.epoch}" if copy.steps == 0 else
         f"a copy of the network of epoch {copy.epoch} after {copy.steps} single-animal step"
         f"{'s' if copy.steps != 1 else ''}")
st.caption(f"Numbers below: {where}. Single-animal steps change a copy; the network trained "
           f"above stays as it is, so its loss curve remains a record of real training.")

st.subheader("Forward pass")
fwd = teaching.forward_breakdown(trainer, example.raw, copy.model)
catdog.show_forward(fwd, trainer, palette, example.label)

st.subheader("Loss")
catdog.show_losses(fwd, example.label, trainer)

st.subheader("One SGD step on this animal alone")
st.markdown("Back-propagation gives the gradient of this animal's loss with respect to every "
            "weight; the step moves each weight by −learning rate × its gradient. Then the "
            "forward pass above is run again with the new weights.")
catdog.step_buttons(SCOPE, example, copy)
if copy.last is not None:
    catdog.show_step(copy.last, copy, trainer, palette)
    catdog.show_copy_effect(copy, trainer)
else:
    st.caption("Press the button to take a step; press it again to take another.")
