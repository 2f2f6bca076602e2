"""Replay: the Train page's run at any kept epoch: boundary, weights and network as they were."""

import streamlit as st

from playground import replay
from playground.scopes import PAGES
from playground.ui import live, replay_page, state, views
from playground.ui.live_chart import live_chart

st.title("Replay a run")
st.caption("Training keeps the weights of a bounded number of epochs (all of a short run, every "
           "2nd, 4th ... of a long one). Slide back to any of them and see the network as it "
           "was then.")

run = state.current_run("train")
trainer = run.trainer
kept = sorted(trainer.snapshots)
if len(kept) < 2:
    st.info("Nothing to replay yet: the run is at epoch 0. Train it on the Train page first.")
    st.page_link(PAGES["train"].script, label="Go to the Train page", icon=PAGES["train"].icon)
    st.stop()

spacing = kept[1] - kept[0]
st.markdown(f"**{len(kept)} kept epochs**, from 0 to {kept[-1]}"
            + (f", every {spacing}" if spacing > 1 else "") + f" · the run is at epoch "
            f"{trainer.epoch}.")

EPOCH_KEY = replay_page.EPOCH_KEY


def draw(cursor) -> None:
    kept = cursor.kept
    state.set_value(EPOCH_KEY, cursor.epoch)
    epoch = st.select_slider("Epoch", kept, **state.keyed(EPOCH_KEY, options=kept),
                             on_change=replay_page.seek, args=(cursor,))
    frozen = state.Run(replay.trainer_at(trainer, epoch))
    row = replay.history_row(trainer, epoch)
    metric = views.metric_name(trainer)
    st.markdown(f"**Epoch {epoch}** · train loss {row['train_loss']:.4g} · test loss "
                f"{row['test_loss']:.4g} · test {metric.replace('r2', 'R²')} "
                f"{row['test_' + metric]:.3g}")
    left, right = views.chart_columns([5, 4], key="replay")
    with left:
        views.boundary(frozen, key="labs.replay.boundary", height=420)
    with right:
        live_chart(replay_page.loss_figure(trainer, epoch), key="labs.replay.loss", height=260)
        views.weights(frozen, key="labs.replay.weights", height=220)
    views.network(frozen, key="labs.replay.network", height=320)


cursor = replay_page.cursor(trainer)
live.controls(replay_page.SCOPE, cursor, look=replay_page.LOOK)
live.live(replay_page.SCOPE, draw, cursor, look=replay_page.LOOK)
