"""Train: pick data and a network, press Play, watch it learn.

The first screen (1366x768, and 1280x720 in projector mode with the sidebar closed) holds what a
class watches: the buttons, the epoch and the numbers, the boundary and the loss curve. So the
header is one row with the share link and the view switches in pop-overs at its right, and the
slower views (network, weights) and the files panel come below.
"""

import streamlit as st

from playground.ui import controls, lessons, links, live, sharing, state, views

SCOPE = "train"

ABOUT = ("Each epoch passes the training points through the network, measures the loss, and "
         "moves every weight a little downhill.")
projector = views.display()["projector"]

header = st.container(horizontal=True, vertical_alignment="center", key="train-header")
# On a projector the sentence goes into the title's tooltip: its line would push the loss
# curve below a 720-pixel screen.
header.title("Train a neural network", anchor=False, help=ABOUT if projector else None)
if not projector:
    st.caption(ABOUT)

controls.settings(SCOPE, hidden_controls=links.hidden_controls(SCOPE))
with header:
    sharing.share(SCOPE)  # after the settings: it re-splits an uploaded table if they changed
    # persist_state: a visit to another page would otherwise put the switches back to their
    # defaults.
    with st.popover("View", icon=":material/tune:", help="What the charts show"):
        discretize = st.toggle("Discretize output", key="train.view.discretize",
                               persist_state="session",
                               help="Show only the predicted class, not how sure the network is.")
        show_test = st.toggle("Show test points", value=True, key="train.view.test",
                              persist_state="session",
                              help="Test points (diamonds) are never trained on: they show "
                                   "whether the network generalises.")
        log_y = st.toggle("Log-scale loss", key="train.view.log", persist_state="session",
                          help="A log scale shows the slow late progress of the loss.")
lessons.challenge_status(SCOPE)
live.controls(SCOPE)


def draw(run: state.Run) -> None:
    left, right = views.chart_columns([5, 4], key="train-top")
    with left:
        views.boundary(run, key="train.boundary", discretize=discretize, show_test=show_test,
                       height=400 if projector else 440)
    with right:
        live.status(run)
        views.metrics(run, key="metrics-train")
        views.loss_curves(run, key="train.loss", log_y=log_y)
        views.health(run, key="train.health")
    left, right = views.chart_columns([1, 1], key="train-bottom")
    with left:
        views.network(run, key="train.network")
    with right:
        views.weights(run, key="train.weights")


live.live(SCOPE, draw)
sharing.files_panel(SCOPE)
