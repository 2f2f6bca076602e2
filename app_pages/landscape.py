"""The loss landscape: a slice through the Train page's network, or all of a two-weight model's."""

import numpy as np
import streamlit as st

from playground import charts_labs, landscape
from playground.datasets import DATASETS
from playground.losses import LOSSES
from playground.optimizers import OPTIMIZER_LABELS
from playground.scopes import PAGES
from playground.text import count
from playground.ui import landscape_page, state
from playground.ui.live_chart import live_chart

st.title("The loss landscape")
st.caption("Training is a walk downhill: every step moves the weights a little against the "
           "gradient, towards lower loss. Here is the hill.")

SLICE, EXACT = "slice", "exact"
mode = st.radio("Show", [SLICE, EXACT], horizontal=True, key="labs.landscape.mode",
                persist_state="session",
                format_func={SLICE: "A slice through your network",
                             EXACT: "The whole surface of a two-weight model"}.get)


def slice_view() -> None:
    trainer = state.current_run("train").trainer
    n_params = trainer.model.theta.size
    st.markdown(
        f"Your network on the Train page has **{n_params} parameters**, so its loss is a surface "
        f"in {n_params + 1} dimensions. This is a flat slice through it: the loss at "
        "*current weights + a·d1 + b·d2* for two directions d1, d2, with the current weights at "
        "the centre (0, 0). The black line is the path training took, each kept epoch's weights "
        "projected onto the slice.")
    st.page_link(PAGES["train"].script, label="Train the network further on the Train page",
                 icon=PAGES["train"].icon)
    # Two rows: the directions' names need the width of half the page (in one row of five,
    # "Random, scaled per neuron" was cut off at 1024 pixels).
    top = st.columns([3, 2], vertical_alignment="bottom")
    cols = [top[0], *st.columns([2, 2, 1], vertical_alignment="bottom"), top[1]]
    directions = cols[0].selectbox(
        "Directions", list(landscape.DIRECTIONS), key="labs.landscape.directions",
        persist_state="session",
        format_func=landscape.DIRECTIONS.get,
        help="Random directions, scaled to each neuron's weights (Li et al. 2018), show the "
             "shape of the surface around the weights; the path directions (the two along "
             "which training moved the weights most) show the path itself.")
    resolution = cols[1].select_slider("Grid points per axis", [21, 31, 41, 51, 61], value=31,
                                       key="labs.landscape.resolution", persist_state="session",
                                       help="Each point is one pass over the training set.")
    span = cols[2].select_slider("Reach", [0.1, 0.25, 0.5, 1.0, 2.0], value=1.0,
                                 key="labs.landscape.span",
                                 persist_state="session", disabled=directions == "pca",
                                 help="How far the slice reaches along each random direction: "
                                      "1 = as far as each neuron's weights are long.")
    seed = cols[3].number_input("Seed", 0, 999, 0, key="labs.landscape.seed",
                                persist_state="session",
                                disabled=directions == "pca",
                                help="Other random directions, another slice.")
    kind = cols[4].radio("Draw as", ["contour", "surface"], horizontal=True,
                         key="labs.landscape.kind",
                         persist_state="session", format_func=str.capitalize)
    job, error = landscape_page.slice_job(trainer, directions, resolution, span, seed)
    if error:
        st.info(f"No path to follow yet: {error}.")
        return
    landscape_page.slice_progress(job, lambda j: draw_slice(j, trainer, kind))


def draw_slice(job, trainer, kind) -> None:
    if job.directions == "pca":
        titles = tuple(f"d{k + 1}: path direction {k + 1} ({share:.0%} of the movement)"
                       for k, share in enumerate(job.explained))
    else:
        titles = ("a (along d1)", "b (along d2)")
    labels = [f"epoch {e}" for e in job.path_epochs]
    # The title is page text, not the chart's: it wraps on a phone, and a projector's legend
    # above the plot ran into a chart title.
    st.markdown(f"**{LOSSES[trainer.loss_name].label} around the weights of epoch {job.epoch}**")
    fig = charts_labs.landscape_figure(
        job.alphas, job.betas, job.loss, path=job.path, path_loss=job.path_loss,
        path_labels=labels, axis_titles=titles, kind=kind, centre_label=f"epoch {job.epoch}")
    live_chart(fig, key="labs.landscape.slice", height=fig["layout"]["height"])
    last = trainer.history.last()
    penalty = (f" plus the {trainer.config.penalty.upper()} penalty"
               if trainer.config.penalty != "none" and trainer.config.penalty_rate else "")
    st.markdown(
        f"Centre: the weights of epoch {job.epoch}, loss **{job.centre_loss:.4g}**{penalty} "
        f"(the Train page's training loss: {last['train_loss']:.4g}). "
        f"The slice holds **{job.captured:.0%}** of the path's movement.")
    if job.directions != "pca" and job.captured < 0.5:
        st.caption("Random directions in a space of many dimensions are almost at right angles "
                   "to the way training moved, so the path's shadow on this slice is short and "
                   "its points sit where the slice is not: pick *Along the path* to see the "
                   "walk downhill.")
    n = len(trainer.X_train)
    st.caption(f"{job.loss.size} grid points x {n} training points, plus "
               f"{count(len(job.path_loss), 'path point')}, in {job.seconds:.2f} s. Hover the path for "
               "each epoch's true loss; where it differs from the colour under it, the weights "
               "were off the slice.")


def exact_view() -> None:
    intro = st.empty()  # its words depend on the data chosen below
    settings = two_weight_settings()
    regression = _task(settings["dataset"]) == "regression"
    model = ("*y = w1·x1 + w2·x2*" if regression else "*p = σ(w1·x1 + w2·x2)*")
    fits = ("a plane through the origin can fit" if regression
            else "a boundary through the middle can fit")
    intro.markdown(
        "A network on the Train page always has a bias, so even the smallest has three "
        f"parameters. This model has exactly **two**: {model} on the standardised (centred) "
        f"data, so {fits}. Its loss is a function of (w1, w2) alone: the picture is the "
        "**whole** surface, and the line is the exact weights after every step of the "
        "optimizer.")
    run = landscape_page.two_weight_run(settings)
    landscape_page.two_weight_timeline(run)
    landscape_page.two_weight_live(run, draw_exact)


def _task(dataset: str) -> str:
    return DATASETS[dataset].task


def two_weight_settings() -> dict:
    cols = st.columns(4)
    dataset = cols[0].selectbox("Data", landscape.TWO_WEIGHT_DATASETS, key="labs.two.dataset",
                                persist_state="session", format_func=lambda k: DATASETS[k].label,
                                index=landscape.TWO_WEIGHT_DATASETS.index("gauss"))
    noise = cols[0].slider("Noise (%)", 0, 50, 20, key="labs.two.noise", persist_state="session",
                           help="How far points scatter from the clean pattern.") / 100
    task = _task(dataset)
    flipped = cols[0].slider("Flipped labels (%)", 0, 30, 10, key="labs.two.flipped",
                             persist_state="session", disabled=task == "regression",
                             help="With some labels wrong the classes overlap and the lowest "
                                  "loss sits at finite weights; on cleanly separable data it "
                                  "lies infinitely far out, and the weights grow forever. "
                                  "(Regression targets have no labels to flip.)") / 100
    losses = landscape.loss_names_for(task)
    loss = cols[1].selectbox("Loss", losses, key=f"labs.two.loss.{task}", persist_state="session",
                             format_func=lambda k: LOSSES[k].label)
    optimizer = cols[1].selectbox("Optimizer", list(OPTIMIZER_LABELS), key="labs.two.optimizer",
                                  persist_state="session",
                                  format_func=OPTIMIZER_LABELS.get)
    lr = cols[2].select_slider("Learning rate", [0.001, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0],
                               value=0.3, key="labs.two.lr",
                               persist_state="session", format_func=lambda v: f"{v:g}")
    n = landscape.TWO_WEIGHT_POINTS
    batch = cols[2].select_slider("Batch size", [1, 10, 40, n], value=n, key="labs.two.batch",
                                  persist_state="session",
                                  format_func=lambda b: f"all {n}" if b == n else str(b),
                                  help="All points follow the true gradient; smaller batches "
                                       "take noisy steps.")
    w1 = cols[3].slider("Start w1", -6.0, 6.0, 3.0, 0.5, key="labs.two.w1", persist_state="session")
    w2 = cols[3].slider("Start w2", -6.0, 6.0, 3.5, 0.5, key="labs.two.w2", persist_state="session")
    st.caption("Changing a setting starts again from the start point.")
    return {"dataset": dataset, "noise": noise, "label_noise": flipped, "loss": loss,
            "optimizer": optimizer, "lr": lr, "batch_size": batch, "w1": w1, "w2": w2}


def draw_exact(run) -> None:
    ws, surface = run.surface(run.box())
    path_loss = run.path_losses()
    model = "p = σ(w1·x1 + w2·x2)" if run.output == "sigmoid" else "y = w1·x1 + w2·x2"
    st.markdown(f"**{LOSSES[run.loss_name].label} of {model}**")  # page text: it wraps
    fig = charts_labs.landscape_figure(
        ws, ws, surface, path=run.path, path_loss=path_loss,
        path_labels=[f"step {s}" for s in run.steps], mark_lowest=True,
        axis_titles=("w1 (weight of x1)", "w2 (weight of x2)"))
    fig["layout"]["yaxis"].update(scaleanchor="x", scaleratio=1)  # one unit of w1 = one of w2
    fig["layout"]["xaxis"]["constrain"] = "domain"
    live_chart(fig, key="labs.landscape.exact", height=fig["layout"]["height"])
    w = run.weights
    status = (f" · diverged: the next step went past ±{run.WEIGHT_LIMIT:g}; try a smaller "
              "learning rate" if run.status == "diverged" else "")
    st.markdown(f"**Epoch {run.epoch}**, step {run.step_count} · w = ({w[0]:.4g}, {w[1]:.4g}) · "
                f"loss **{path_loss[-1]:.4g}**{status}")
    lowest = np.nanmin(surface)
    st.caption(f"The lowest loss on this grid is {lowest:.4g}. Every colour is computed "
               f"directly from the {len(run.X)} points; nothing is projected.")


if mode == SLICE:
    slice_view()
else:
    exact_view()
