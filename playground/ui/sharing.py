"""Sharing a run: the link to copy, and the Files panel (download, open a model, own data).

The Files panel has three tabs:

- *Download*: the model as JSON (``model_io``), the history and the dataset as CSV (``files``).
  The buttons make their file when clicked, from the run as it is then; while training plays
  they wait for Pause, so a file never mixes two epochs.
- *Open a model*: a model JSON is validated in full by ``model_io.loads`` before anything is
  shown; then its settings, metrics, network and boundary can be inspected, and one click
  continues training it on the Train page.
- *Your own data*: a CSV is read by the core loader (through ``files.read_table``) after the
  user picks the label and feature columns; a preview plots it; one click trains on it.

Every failure is one ``st.error`` with the loader's message, and nothing the user had changes:
the current run, settings and data stay until a new file has passed every check.

Left out: saving files on the server (nothing is written), pickles of any kind, and the
optimizer's state in model files (a continued run starts its optimizer afresh).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from playground import charts, files, model_io
from playground.text import md_escape, plotly_escape
from playground.activations import ACTIVATIONS
from playground.config import TrainConfig
from playground.datasets import DATASETS, DataError, dataset_from_table
from playground.losses import TASK_LOSSES
from playground.optimizers import OPTIMIZER_LABELS
from playground.training import Trainer, build_dataset, plane_bounds, plane_raw
from playground.ui import controls, links as link_ui, state, views

PREVIEW_HEIGHT = 320


def share(scope: str) -> None:
    """The share box (under the page's title); also keeps an uploaded table's split in step.

    Call it after ``controls.settings`` and before the run is used (``live.controls``).
    """
    _keep_split(scope)
    link_ui.share_box(scope)


def files_panel(scope: str) -> None:
    """Download, open a model, use your own data (the last two not in a teacher-locked page)."""
    locked = bool(link_ui.hidden_controls(scope))
    box = link_ui.lazy_expander("Files: download this run, open a saved model, use your own "
                                "data", f"{scope}.files.open", icon=":material/folder_open:")
    if not box.open:
        return
    with box:
        if locked:
            _downloads(scope)
            st.caption("Opening files is off: this page was opened from a class link that "
                       "fixes some settings.")
            return
        download, model, data = st.tabs(["Download", "Open a model", "Your own data"])
        with download:
            _downloads(scope)
        with model:
            _open_model(scope)
        with data:
            _own_data(scope)


# -- downloads ----------------------------------------------------------------------------------
def _downloads(scope: str) -> None:
    run = state.current_run(scope)
    trainer = run.trainer
    name = f"{trainer.dataset.key}-epoch{trainer.epoch}"
    if run.playing:
        st.info("Pause training to download the run as it is at that moment.")
    cols = st.columns(3)
    cols[0].download_button(
        "Model (JSON)", lambda: model_io.dumps(trainer), file_name=f"model-{name}.json",
        mime="application/json", disabled=run.playing, on_click="ignore",
        key=f"{scope}.dl.model", width="stretch",
        help="Settings, weights, input scaling and metrics; open it again here to go on.")
    cols[1].download_button(
        "History (CSV)", lambda: files.history_csv(trainer.history),
        file_name=f"history-{name}.csv", mime="text/csv", disabled=run.playing,
        on_click="ignore", key=f"{scope}.dl.history", width="stretch",
        help="One row per epoch: losses, accuracy or R², gradient norms, unit health.")
    cols[2].download_button(
        "Dataset (CSV)", lambda: files.dataset_csv(trainer.dataset),
        file_name=f"data-{trainer.dataset.key}.csv", mime="text/csv", on_click="ignore",
        key=f"{scope}.dl.data", width="stretch",
        help="Every point with its label and whether it is a training or a test point.")
    st.caption("Each chart downloads itself as a PNG: the camera icon in its toolbar, shown "
               "when the pointer is over the chart.")


# -- opening a model ----------------------------------------------------------------------------
def _open_model(scope: str) -> None:
    upload = st.file_uploader("A model file saved here (JSON)", type=["json"], max_upload_size=6,
                              key=f"{scope}.model_upload",
                              help="Checked in full before anything changes.")
    if upload is None:
        return
    try:
        saved = model_io.loads(upload.getvalue())
    except model_io.ModelFileError as err:
        st.error(f"**{md_escape(upload.name)}** cannot be used: {md_escape(err)}. Nothing was "
                 "changed.")
        return
    data, problem = _data_for(scope, saved)
    trainer = None
    if data is not None:
        trainer, problem = _fitted(saved, data)
    _describe(saved)
    left, right = st.columns(2)
    if trainer is not None:  # the model fits its data: draw it over that data
        with left:
            views.static_chart(_saved_boundary(saved, data), f"{scope}.model_boundary")
    with right if trainer is not None else left:
        views.static_chart(charts.network_figure(saved.params[0::2], saved.params[1::2],
                                     input_names=[plotly_escape(n) for n in saved.input_names],
                                     palette=views.display()["palette"], height=PREVIEW_HEIGHT),
               f"{scope}.model_network")
    if problem:
        st.warning(md_escape(problem))
    st.button("Continue training this model", type="primary", disabled=trainer is None,
              key=f"{scope}.model_continue", on_click=_continue, args=(scope, saved, trainer),
              help="Loads its settings and weights into the Train page, from its epoch.")


def _fitted(saved, data):
    """A new trainer for the saved model's settings and data, or why there cannot be one."""
    try:
        trainer = Trainer(saved.config, data if saved.config.dataset == "csv" else None)
    except (DataError, ValueError) as err:
        return None, f"This model cannot be trained here: {err}."
    if (tuple(trainer.model.sizes), trainer.input_names) != (saved.sizes, saved.input_names):
        return None, (f"The file's network ({' → '.join(map(str, saved.sizes))}, inputs "
                      f"{', '.join(saved.input_names)}) does not fit its settings' data "
                      f"({' → '.join(map(str, trainer.model.sizes))}): it can be inspected "
                      "but not continued.")
    same_scaling = (np.allclose(trainer.scaler.mean_, saved.mean)
                    and np.allclose(trainer.scaler.scale_, saved.scale))
    note = None if same_scaling else (
        "The data here is scaled differently from the data the model was saved with, so its "
        "predictions will shift when training goes on.")
    return trainer, note


def _describe(saved) -> None:
    cfg, metrics = saved.config, saved.metrics
    layers = " × ".join(map(str, cfg.hidden)) or "no hidden layer"
    st.markdown(f"A **{saved.task}** model at **epoch {saved.epoch}**, trained on "
                f"{_data_label(cfg.dataset)}: inputs {md_escape(', '.join(saved.input_names))}; hidden "
                f"layers {layers} ({ACTIVATIONS[cfg.activation].label}); "
                f"{OPTIMIZER_LABELS[cfg.optimizer]} at learning rate {cfg.lr:g}.")
    shown = [f"{label} {_number(metrics.get(key))}" for key, label in (
        ("test_loss", "test loss"), ("test_accuracy", "test accuracy"), ("test_r2", "test R²"))
        if key in metrics]
    st.caption("When saved: " + ", ".join(shown) + "." if shown else "No metrics were saved.")


def _number(value) -> str:
    return f"{value:.4g}" if isinstance(value, (int, float)) else "n/a"


def _data_label(key: str) -> str:
    return "your CSV" if key == "csv" else DATASETS[key].label


def _data_for(scope, saved):
    """The dataset the model was trained on, and why continuing is not possible (or None).

    A model of an uploaded CSV needs that file uploaded in this session: its table is split
    again with the model's own settings, so the rows fall as they did.
    """
    if saved.config.dataset != "csv":
        return build_dataset(saved.config), None
    table, wanted = state.get(scope, "csv_table"), tuple(saved.input_names)
    if table is None or not set(wanted) <= set(table.feature_columns):
        return None, ("This model was trained on an uploaded CSV with the columns "
                      f"{', '.join(wanted)}. Upload that file under 'Your own data' to see "
                      "the model on it and go on training it.")
    try:
        return _split(table, saved.config), None
    except (DataError, ValueError) as err:
        return None, f"The uploaded table cannot be split as the model's settings say: {err}."


def _saved_boundary(saved, data):
    """The saved model's output over its data's plane, drawn like the Train page's boundary."""
    left, right, bottom, top = plane_bounds(data)
    xs, ys = np.linspace(left, right, 80), np.linspace(bottom, top, 80)
    gx, gy = np.meshgrid(xs, ys)
    raw = plane_raw(data, np.column_stack([gx.ravel(), gy.ravel()]))
    out = saved.predict(raw)
    values = out.reshape(len(ys), len(xs), -1)
    values = values[..., 0] if values.shape[-1] == 1 else values
    points = (data.X_test[:, :2], data.y_test, None)
    reach = 1.0
    if saved.task == "regression":
        reach = float(np.abs(data.y_test).max()) or 1.0
    return charts.boundary_figure(
        xs, ys, values, saved.task, palette=views.display()["palette"], test=points,
        class_names=(tuple(map(plotly_escape, data.class_names))
                     if data.class_names else None), zrange=(-reach, reach), height=PREVIEW_HEIGHT,
        title="The saved model on its test points",
        axis_titles=tuple(map(plotly_escape, data.feature_names[:2])))


def _continue(scope: str, saved, trainer) -> None:
    """Make the saved model the scope's run: its settings, its weights, from its epoch."""
    trainer.resume(saved.params, saved.epoch)
    if saved.config.dataset == "csv":
        state.set_dataset(trainer.dataset, scope)
        state.put(scope, "csv_split", _split_key(saved.config))
    controls.load(saved.config, scope)
    state.reset_run(scope)
    state.current_run(scope).trainer = trainer


# -- your own data ------------------------------------------------------------------------------
def _own_data(scope: str) -> None:
    st.markdown("A CSV file with a header line: one column to predict (a class name or a "
                "number) and at least two numeric columns to predict it from. At most "
                f"{files.MAX_ROWS:,} rows and {files.MAX_CLASSES} classes.")
    upload = st.file_uploader("Your CSV file", type=["csv", "txt"], key=f"{scope}.csv_upload",
                              max_upload_size=6)  # MB; the loader refuses over 5,000,000 bytes
    error = state.get(scope, "csv_error")
    if error:
        st.error(error)  # made by _failed: escaped there
        state.put(scope, "csv_error", None)
    if upload is None:
        return
    sniffed = _once(scope, (upload.file_id,), files.sniff, upload.getvalue())
    if isinstance(sniffed, DataError):
        _report(upload.name, str(sniffed))
        return
    for note in sniffed.notes:
        st.info(md_escape(note))
    label, features = _column_choice(scope, upload, sniffed)
    table = _once(scope, (upload.file_id, label, tuple(features)), files.read_table,
                  upload.getvalue(), label, features)
    if isinstance(table, DataError):
        _report(upload.name, str(table))
        return
    views.static_chart(_preview(table, features), f"{scope}.csv_preview")
    st.button("Train on this data", type="primary", key=f"{scope}.csv_use",
              on_click=_use_table, args=(scope, upload.name, table, tuple(features)))
    if state.config(scope).dataset == "csv" and state.get(scope, "csv_name") == upload.name:
        st.caption("The Train page is using this file.")


def _once(scope: str, key: tuple, read, *args):
    """``read(*args)`` (or the DataError it raised), computed once per upload and column choice:
    a 5 MB file takes about half a second to read and check, and the panel is drawn on every
    rerun of the page. One result is kept per reader, the last."""
    name = f"csv_read.{read.__name__}"
    kept = state.get(scope, name)
    if kept is None or kept[0] != key:
        try:
            kept = (key, read(*args))
        except DataError as err:
            kept = (key, err)
        state.put(scope, name, kept)
    return kept[1]


def _report(name: str, message: str) -> None:
    st.error(_failed(name, message))


def _failed(name: str, message) -> str:
    """The one message for a file that cannot be used; the name and the message are the user's
    text (the loader quotes cells and column names), so both are escaped."""
    return (f"**{md_escape(name)}** cannot be used: {md_escape(message)}. Your current data and "
            "run are unchanged.")


def _column_choice(scope, upload, sniffed):
    """Label and feature columns, remembered per uploaded file."""
    key = f"{scope}.csv.{upload.file_id}"
    left, right = st.columns([1, 2])
    label = left.selectbox("Column to predict", sniffed.columns,
                           index=sniffed.columns.index(sniffed.label), key=f"{key}.label")
    others = [c for c in sniffed.columns if c != label]
    features = right.multiselect("Columns to predict it from", others,
                                 default=files.default_features(sniffed, label),
                                 key=f"{key}.features.{label}",
                                 help="Numbers only; leave out names, notes and ids.")
    return label, features


def _preview(table, features) -> dict:
    """The first two chosen features, one dot per row, coloured by the label."""
    palette = views.display()["palette"]
    df = table.df
    x, y = df[features[0]].to_numpy(np.float32), df[features[1]].to_numpy(np.float32)
    labels = df[table.label_column]
    if table.class_names:
        traces = [{"type": "scattergl", "mode": "markers", "name": plotly_escape(name),
                   "x": x[(labels == name).to_numpy()], "y": y[(labels == name).to_numpy()],
                   "marker": {"color": palette[i], "size": 7, "line": {"width": 1,
                                                                       "color": "white"}}}
                  for i, name in enumerate(table.class_names)]
    else:
        traces = [{"type": "scattergl", "mode": "markers", "name": plotly_escape(table.label_column),
                   "x": x, "y": y, "marker": {"color": labels.to_numpy(np.float32), "size": 7,
                                              "colorscale": [[0, palette[0]], [0.5, "#f7f7f7"],
                                                             [1, palette[1]]],
                                              "showscale": True}}]
    more = f" (the network sees all {len(features)})" if len(features) > 2 else ""
    layout = {"height": PREVIEW_HEIGHT, "margin": {"l": 50, "r": 20, "t": 40, "b": 40},
              "title": {"text": f"{len(df)} rows, {table.task}{more}", "x": 0.02},
              "xaxis": {"title": plotly_escape(features[0])},
              "yaxis": {"title": plotly_escape(features[1])},
              "legend": {"orientation": "h", "y": -0.2}}
    return {"data": traces, "layout": layout}


def _use_table(scope: str, name: str, table, features: tuple) -> None:
    """Train on an uploaded table: split it by the current settings, then start a new run."""
    cfg = state.config(scope)
    new = cfg.replace(dataset="csv", columns=features, features=(),
                      label_noise=0.0 if table.task == "regression" else cfg.label_noise)
    if new.loss != "auto" and new.loss not in TASK_LOSSES[table.task]:
        new = new.replace(loss="auto")
    try:
        data = _split(table, new)
        Trainer(new, data)  # every check the run will make, before anything changes
    except (DataError, ValueError) as err:
        state.put(scope, "csv_error", _failed(name, err))
        return
    state.put(scope, "csv_table", table)
    state.put(scope, "csv_name", name)
    state.put(scope, "csv_split", _split_key(new))
    state.set_dataset(data, scope)
    controls.load(new, scope)
    state.reset_run(scope)


def _split(table, cfg: TrainConfig):
    return dataset_from_table(table, feature_columns=list(cfg.columns),
                              train_ratio=cfg.train_ratio, seed=cfg.data_seed,
                              label_noise=cfg.label_noise if table.task != "regression" else 0.0)


def _split_key(cfg: TrainConfig) -> tuple:
    return (cfg.columns, cfg.train_ratio, cfg.data_seed, cfg.label_noise)


def _keep_split(scope: str) -> None:
    """Re-split the uploaded table when the training share, data seed or label noise change."""
    cfg, table = state.config(scope), state.get(scope, "csv_table")
    if cfg.dataset != "csv" or table is None or state.get(scope, "csv_split") == _split_key(cfg):
        return
    try:
        data = _split(table, cfg)
    except (DataError, ValueError) as err:
        # Put the settings back to the split in use, so the page and the run agree.
        columns, ratio, seed, noise = state.get(scope, "csv_split")
        state.put(scope, "csv_error", f"That split cannot be made: {md_escape(err)}. The "
                                      "previous one stays in use.")
        controls.load(cfg.replace(columns=columns, train_ratio=ratio, data_seed=seed,
                                  label_noise=noise), scope)
        st.rerun()
    state.set_dataset(data, scope)
    state.put(scope, "csv_split", _split_key(cfg))
