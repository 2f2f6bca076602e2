"""Train: pick data and a network, press Play, watch it learn."""

import streamlit as st

from playground.ui import controls, lessons, links, live, sharing, state, views

SCOPE = "train"

st.title("Train a neural network")
st.caption("The weights start arbitrary. Each epoch passes the training points through the "
           "network, measures the loss, and moves every weight a little downhill.")

controls.settings(SCOPE, hidden_controls=links.hidden_controls(SCOPE))
sharing.share(SCOPE)
lessons.challenge_status(SCOPE)
live.controls(SCOPE)
toggles = st.columns(3)
# persist_state: a visit to another page would otherwise put the toggles back to their defaults.
discretize = toggles[0].toggle("Discretize output", key="train.view.discretize",
                               persist_state="session",
                               help="Show only the predicted class, not how sure the network is.")
show_test = toggles[1].toggle("Show test points", value=True, key="train.view.test",
                              persist_state="session",
                              help="Test points (diamonds) are never trained on: they show "
                                   "whether the network generalises.")
log_y = toggles[2].toggle("Log-scale loss", key="train.view.log", persist_state="session",
                          help="A log scale shows the slow late progress of the loss.")


def draw(run: state.Run) -> None:
    live.status(run)
    left, right = views.chart_columns([5, 4])
    with left:
        views.boundary(run, key="train.boundary", discretize=discretize, show_test=show_test)
    with right:
        views.loss_curves(run, key="train.loss", log_y=log_y)
        views.health(run, key="train.health")
    left, right = views.chart_columns([1, 1])
    with left:
        views.network(run, key="train.network")
    with right:
        views.weights(run, key="train.weights")


live.live(SCOPE, draw)
sharing.files_panel(SCOPE)
