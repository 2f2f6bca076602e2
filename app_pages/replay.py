"""Replay: the Train page's run at any kept epoch: boundary, weights and network as they were."""

import streamlit as st

from playground.ui import labs, state, views
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
    st.page_link("app_pages/train.py", label="Go to the Train page", icon=":material/model_training:")
    st.stop()

spacing = kept[1] - kept[0]
st.markdown(f"**{len(kept)} kept epochs**, from 0 to {kept[-1]}"
            + (f", every {spacing}" if spacing > 1 else "") + f" · the run is at epoch "
            f"{trainer.epoch}.")

EPOCH_KEY = "labs.replay.epoch"
PLAYING = "replay.playing"


def _play():
    if st.session_state.get(EPOCH_KEY, kept[-1]) >= kept[-1]:
        st.session_state[EPOCH_KEY] = kept[0]  # at the end: play from the start
    state.put(labs.SCOPE, PLAYING, True)


def _pause():
    state.put(labs.SCOPE, PLAYING, False)


playing = state.get(labs.SCOPE, PLAYING, False)
if playing:
    st.button("Pause", icon=":material/pause:", key="labs.replay.pause", on_click=_pause)
else:
    st.button("Play the replay", icon=":material/play_arrow:", key="labs.replay.play",
              type="primary", on_click=_play,
              help="Step through the kept epochs, a few a second.")


@st.fragment(run_every=0.4 if playing else None)
def frame():
    ticking = state.get(labs.SCOPE, PLAYING, False)
    current = st.session_state.get(EPOCH_KEY, kept[-1])
    if current not in trainer.snapshots:  # thinned away since: take the closest kept one
        current = labs.nearest_kept(trainer, current)
    if ticking:  # a whole replay takes at most ~50 frames (20 s), however many epochs are kept
        stride = max(1, len(kept) // 50)
        current = kept[min(kept.index(current) + stride, len(kept) - 1)]
    st.session_state[EPOCH_KEY] = current
    epoch = st.select_slider("Epoch", kept, **state.keyed(EPOCH_KEY, options=kept))
    frozen = state.Run(labs.trainer_at(trainer, epoch))
    row = labs.history_row(trainer, epoch)
    metric = views.metric_name(trainer)
    st.markdown(f"**Epoch {epoch}** · train loss {row['train_loss']:.4g} · test loss "
                f"{row['test_loss']:.4g} · test {metric.replace('r2', 'R²')} "
                f"{row['test_' + metric]:.3g}")
    left, right = views.chart_columns([5, 4], key="replay")
    with left:
        views.boundary(frozen, key="labs.replay.boundary", height=420)
    with right:
        live_chart(labs.replay_loss_figure(trainer, epoch), key="labs.replay.loss", height=260)
        views.weights(frozen, key="labs.replay.weights", height=220)
    views.network(frozen, key="labs.replay.network", height=320)
    if ticking and epoch == kept[-1]:
        state.put(labs.SCOPE, PLAYING, False)
        st.rerun()  # the end: a full rerun stops the timer and shows Play again


frame()
