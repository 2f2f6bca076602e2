"""Inside the network: what every hidden neuron computes, and how a hidden layer bends the plane."""

import streamlit as st

from playground import charts_labs, inside
from playground.scopes import PAGES
from playground.ui import live, state, views
from playground.ui.live_chart import live_chart

st.title("Inside the network")
st.caption("Each hidden neuron draws one simple picture over the input plane; the next layer "
           "mixes those pictures into more complex ones. Press Play and watch them change.")

SCOPE = "train"
run = state.current_run(SCOPE)
model = run.trainer.model
st.page_link(PAGES["train"].script,
             label="Settings (data, layers, activation) are on the Train page",
             icon=":material/tune:")
live.controls(SCOPE)

hidden = list(model.sizes[1:-1])
layer, dims = None, 2
if hidden:
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    layer = left.selectbox(
        "Layer to look through", range(len(hidden)), key="labs.inside.layer",
        persist_state="session",
        index=next((i for i, w in enumerate(hidden) if w in (2, 3)), 0),
        format_func=lambda i: f"layer {i + 1} ({hidden[i]} neurons)")
    if hidden[layer] >= 3:
        dims = right.radio("Space", [2, 3], horizontal=True, key="labs.inside.dims",
                           persist_state="session",
                           index=1 if hidden[layer] == 3 else 0,
                           format_func=lambda d: f"{d}-D")


def draw(run: state.Run) -> None:
    live.status(run)
    trainer = run.trainer
    palette = views.display()["palette"]
    st.subheader("Every neuron over the input plane")
    _, _, values = inside.layers_on_plane(trainer)
    rows = inside.thumbnail_rows(trainer, values)
    fig = charts_labs.thumbnails_figure(rows, palette=palette)
    live_chart(fig, key="labs.inside.thumbnails", height=fig["layout"]["height"])
    st.caption("Blue: low output, orange: high, white: the middle (0 for tanh, ReLU and linear "
               "units; a probability of 0.5 for sigmoid units and the output). The first layer "
               "can only draw straight edges (one line each); deeper layers combine them into "
               "curves. Hover a picture for the neuron's bias and range, or an output picture's "
               "class.")
    if layer is None:
        st.info("This network has no hidden layer: the output sees the inputs directly, so "
                "there is no hidden space to look at. Add a layer on the Train page.")
        return
    st.subheader(f"The plane as layer {layer + 1} sees it")
    lines, points, titles, boundary = inside.warp(trainer, layer, dims)
    width = hidden[layer]
    how = ("its neurons' outputs are the coordinates" if width == dims else
           f"its {width} neurons' outputs, projected onto the {dims} directions in which the "
           "training points spread most (PCA)")
    fig = charts_labs.warped_figure(lines, points, trainer.dataset.y_train, task=trainer.task,
                                    palette=palette, axis_titles=titles, boundary=boundary,
                                    zrange=inside.colour_range(trainer),
                                    # A projector's screen is wide: the cube can come nearer.
                                    eye=charts_labs.WARP_EYE if views.display()["projector"]
                                    else charts_labs.SCENE_EYE)
    live_chart(fig, key="labs.inside.warped", height=fig["layout"]["height"])
    st.caption(f"Every grey line was a straight line of the input plane; {how}. The layer "
               "stretches and folds the plane until the classes can be cut apart"
               + (" by a straight line: the dashed one is where the output neuron says 50 %."
                  if boundary is not None else "."))
    if width > 3:
        st.caption("Tip: a hidden layer of 2 or 3 neurons is shown exactly, without a "
                   "projection (e.g. hidden layers 8, 2 on the Train page).")


live.live(SCOPE, draw)
