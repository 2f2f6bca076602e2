"""Compare runs: a sweep over one setting, or pinned runs of the Train page, side by side."""

import streamlit as st

from playground import compare
from playground.datasets import DATASETS
from playground.scopes import PAGES
from playground.text import md_escape
from playground.ui import compare_page, state

st.title("Compare runs")
st.caption("Same data, same initial weights, one setting changed: whatever differs in the curves "
           "is that setting's doing.")

base, train_run = state.config("train"), state.current_run("train")
trainer = train_run.trainer
n_train = len(trainer.X_train)

with st.container(border=True):
    # md_escape: a CSV run's description names its columns, the user's text.
    st.markdown(f"**Base settings: the Train page's run** — {md_escape(compare.describe(base))}")
    st.page_link(PAGES["train"].script, label="Change them on the Train page",
                 icon=":material/tune:")
    left, middle, right = st.columns([2, 4, 2], vertical_alignment="bottom")
    field = left.selectbox("Vary", list(compare.SWEEPS), key="labs.compare.field",
                           persist_state="session",
                           format_func=lambda k: compare.SWEEPS[k].label,
                           help="The one setting that differs between the runs.")
    sweep = compare.SWEEPS[field]
    values_key = f"labs.compare.values.{field}"
    state.seed(values_key, compare.default_values(sweep, trainer.task, n_train))
    choices = sweep.choices(trainer.task, n_train)
    values = middle.multiselect("Values, one run each", choices, persist_state="session",
                                format_func=sweep.show,
                                **state.keyed(values_key, "default", choices),
                                max_selections=compare.MAX_RUNS,
                                help=f"2 to {compare.MAX_RUNS} values.")
    epochs = right.number_input("Epochs per run", 1, 5000, value=min(base.epochs, 200),
                                step=50, key="labs.compare.epochs", persist_state="session")
    go, pin = st.columns(2)
    if go.button("Start the sweep", icon=":material/science:", type="primary",
                 key="labs.compare.start", disabled=len(values) < 2, width="stretch",
                 help="Builds one run per value from the Train page's settings (replacing the "
                      "previous sweep; pinned runs stay)."):
        error = compare_page.start_sweep(base, field, sorted(values, key=sweep.choices(
            trainer.task, n_train).index), epochs, state.dataset("train"))
        if error:
            st.error(f"The sweep was not started: {error}")
    if len(values) < 2:
        st.caption("Pick at least two values to compare.")
    if pin.button(f"Pin the Train page's run (epoch {trainer.epoch})", icon=":material/push_pin:",
                  key="labs.compare.pin", width="stretch",
                  help="Keep a frozen copy of the Train page's run (its curves and weights) to "
                       "compare with; train on, change a setting, and pin again."):
        error = compare_page.pin_train_run()
        if error:
            st.error(error)

compare_page.sweep_timeline()
options = st.columns([2, 1, 1], vertical_alignment="bottom")
metric = "r2" if trainer.task == "regression" else "accuracy"
column = options[0].selectbox(
    "Curve", ["train_loss", "test_loss", f"train_{metric}", f"test_{metric}"],
    key="labs.compare.curve",
    persist_state="session", format_func=lambda c: c.replace("_", " ").replace("r2", "R²"))
log_y = options[1].toggle("Log-scale loss", value=True, key="labs.compare.log",
                          persist_state="session", disabled=not column.endswith("loss"),
                          help="Learning rates a hundred times apart give losses orders of "
                               "magnitude apart; a log scale shows them all.")
target = options[2].number_input("Target loss", 1e-4, 10.0, value=0.1, step=0.05, format="%.4g",
                                 key="labs.compare.target", persist_state="session",
                                 help="The table counts the epochs each run needs to reach it.")


def draw(comp) -> None:
    runs = compare_page.entries()
    if not runs:
        st.info("No runs yet: start a sweep, or pin the Train page's run.")
        return
    if comp is not None:
        st.markdown(f"**Epoch {comp.epoch}** of {comp.base.epochs} · "
                    f"{sum(t.can_train for t in comp.trainers)} of {len(comp.trainers)} runs "
                    "still training")
    # The target applies to the loss on show (the training loss while another curve is).
    loss = column if column.endswith("loss") else "train_loss"
    rows = compare.summary(runs, target, loss)
    reached = f"epochs to {loss.replace('_', ' ')} ≤ {target:g}"
    for row in rows:  # a word, not a blank, where the target was not reached
        row[reached] = str(row[reached]) if row[reached] is not None else (
            "not yet" if row["status"] == "training" else "never")
    # Four significant digits: an exploded loss (9.4e30) stays readable.
    formats = {k: st.column_config.NumberColumn(format="%.4g")
               for k in rows[0] if "loss" in k and "epochs" not in k}
    st.dataframe(rows, hide_index=True, width="stretch",
                 column_config={**formats, "run": st.column_config.TextColumn(width="medium")})
    compare_page.overlay(runs, column=column, log_y=log_y, target=target, key="labs.compare.curves")
    st.caption("Solid: the sweep's runs; dotted: pinned runs. A run that diverges stops with a "
               "red cross; its boundary below shows its last finite weights.")
    if all(DATASETS.get(e.trainer.dataset.key) for e in runs):
        compare_page.boundary_grid(runs, key="labs.compare.boundaries")


compare_page.sweep_live(draw)
