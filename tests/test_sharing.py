"""Sharing through the app (AppTest): links that reproduce a run, teacher keys, and every bad
upload ending in its one message with the session's previous state intact.

The oracle for a link is a headless Trainer made from the link's decoded config: a fresh session
opened with the link must hold the same data, the same initial weights and, after the same
epochs, the same history, bit for bit. The oracle for an upload is the state before it: config,
run (the same object, at the same epoch) and data.
"""

from __future__ import annotations

import io
import json
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest


from page_support import unescaped
from playground import files, links, model_io
from playground.config import TrainConfig
from playground.datasets import CATDOG_FEATURES, DataError, dataset_from_table, make_dataset
from playground import cost, training
from playground.training import Trainer
from playground.ui import live

APP = "../streamlit_app.py"


def app(params=None, url=None, settle=True) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    # The share box and the files panel are built only when opened, as a user would open them.
    at.session_state["train.share.open"] = True
    at.session_state["train.files.open"] = True
    for key, value in (params or {}).items():
        at.query_params[key] = value
    if url:
        at.context["url"] = url
    at.run()
    assert not at.exception, at.exception
    if settle:
        ticks_to_goal(at)
    return at


def ticks_to_goal(at, scope="train", most=500) -> int:
    """Rerun (one tick of the live fragment each) until a link's ``at`` is reached."""
    for ticks in range(most):
        run = at.session_state[f"{scope}.run"] if f"{scope}.run" in at.session_state else None
        if run is None or run.goal is None:
            return ticks
        at.run()
        assert not at.exception, at.exception
    raise AssertionError(f"not at epoch {run.goal} after {most} ticks")


def run_of(at, scope="train"):
    return at.session_state[f"{scope}.run"]


def playing(at, scope="train"):
    """Whether the scope's run is what the scope plays (the one flag ui/live.py keeps)."""
    return (f"{scope}.playing" in at.session_state
            and at.session_state[f"{scope}.playing"] is run_of(at, scope).trainer)


def step(at, times=1, scope="train"):
    for _ in range(times):
        at.button(key=f"{scope}.step").click().run()
        assert not at.exception, at.exception


def same_history(a: Trainer, b: Trainer) -> bool:
    return (a.history.columns.keys() == b.history.columns.keys() and all(
        np.array_equal(np.asarray(a.history.columns[k]), np.asarray(b.history.columns[k]),
                       equal_nan=True) for k in a.history.columns))


def headless(params, epochs) -> Trainer:
    trainer = Trainer(links.decode(params).config)
    trainer.run(epochs=epochs)
    return trainer


# -- links ----------------------------------------------------------------------------------------
def test_settings_made_with_the_widgets_travel_in_the_url_to_a_fresh_session():
    first = app()
    first.selectbox(key="train.w.dataset").select("circle").run()
    first.slider(key="train.w.noise").set_value(20).run()
    first.slider(key="train.w.depth").set_value(1).run()
    first.number_input(key="train.w.width0").set_value(5).run()
    first.select_slider(key="train.w.lr").set_value(0.03).run()
    first.number_input(key="train.w.init_seed").set_value(7).run()
    first.multiselect(key="train.w.features").select("x1*x2").run()
    step(first, 6)
    params = dict(first.query_params)
    assert params == {"dataset": "circle", "noise": "0.2", "features": "x1*x2", "hidden": "5",
                      "init_seed": "7", "lr": "0.03", "at": "6"}

    second = app({k: v for k, v in params.items() if k != "at"})
    assert second.session_state["train.config"] == first.session_state["train.config"]
    trainer = run_of(second).trainer
    assert np.array_equal(trainer.model.theta, run_of(first).trainer.snapshots[0])
    assert np.array_equal(trainer.dataset.X_train, run_of(first).trainer.dataset.X_train)
    step(second, 6)
    assert same_history(run_of(second).trainer, run_of(first).trainer)
    assert np.array_equal(run_of(second).trainer.model.theta, run_of(first).trainer.model.theta)
    assert same_history(run_of(second).trainer, headless(params, 6))  # and the engine agrees


def test_the_copy_link_opens_at_the_same_epoch_with_the_same_history():
    first = app({"dataset": "xor", "hidden": "3"}, url="http://localhost:8501/")
    step(first, 4)
    assert first.checkbox(key="train.share.at").value  # ticked without being asked
    url = first.code[0].value
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc) == ("http", "localhost:8501")
    params = dict(parse_qsl(parts.query))
    assert params == {"dataset": "xor", "hidden": "3", "at": "4"}
    second = app(params)
    assert run_of(second).trainer.epoch == 4
    assert same_history(run_of(second).trainer, run_of(first).trainer)
    assert second.query_params["at"] == "4"  # the address bar keeps the epoch: a reload is safe


def test_a_shared_link_can_still_leave_out_the_epoch():
    first = app({"dataset": "xor", "hidden": "3"}, url="http://localhost:8501/")
    step(first, 2)
    first.checkbox(key="train.share.at").uncheck().run()
    assert dict(parse_qsl(urlsplit(first.code[0].value).query)) == {"dataset": "xor",
                                                                    "hidden": "3"}


def test_the_address_bar_says_the_epoch_so_a_reload_comes_back_to_it():
    opened = app({"dataset": "xor", "hidden": "3", "at": "57"})
    assert run_of(opened).trainer.epoch == 57
    assert dict(opened.query_params) == {"dataset": "xor", "hidden": "3", "at": "57"}
    step(opened, 2)
    params = dict(opened.query_params)
    assert params["at"] == "59"
    reloaded = app(params)  # a reload: a new session from the address bar
    assert run_of(reloaded).trainer.epoch == 59
    assert np.array_equal(run_of(reloaded).trainer.model.theta, run_of(opened).trainer.model.theta)
    assert same_history(run_of(reloaded).trainer, run_of(opened).trainer)
    reloaded.button(key="train.reset").click().run()
    assert "at" not in reloaded.query_params  # back at epoch 0: nothing to train on a reload
    reloaded.selectbox(key="train.w.dataset").select("circle").run()  # a new run, epoch 0
    assert "at" not in reloaded.query_params


def test_the_url_survives_moving_between_pages():
    at = app({"lr": "0.3", "dataset": "moons"})
    at.switch_page("app_pages/lessons.py").run()
    assert dict(at.query_params) == {"dataset": "moons", "lr": "0.3"}
    at.switch_page("app_pages/train.py").run()
    assert dict(at.query_params) == {"dataset": "moons", "lr": "0.3"}
    assert at.session_state["train.config"] == TrainConfig(dataset="moons", lr=0.3)


def test_garbage_in_the_url_gives_one_note_and_a_working_page():
    at = app({"lr": "fast", "n_samples": "-3", "hidden": "4,,x", "dataset": "mnist",
              "evil": "__import__('os')", "activation": "relu", "autoplay": "sure"})
    notes = [unescaped(w.value) for w in at.warning if "could not be used" in w.value]
    assert len(notes) == 1
    for fragment in ("lr='fast'", "n_samples='-3'", "'x'", "dataset='mnist'", "'evil'",
                     "autoplay="):
        assert fragment in notes[0], fragment
    assert at.session_state["train.config"] == TrainConfig(n_samples=50, hidden=(4,),
                                                           activation="relu")
    step(at)
    assert run_of(at).trainer.epoch == 1 and not playing(at)
    at.button(key="links.dismiss").click().run()
    assert not [w for w in at.warning if "could not be used" in w.value]


def test_a_link_that_asks_to_train_far_is_capped_by_the_epoch_limit():
    at = app({"dataset": "gauss", "hidden": "none", "epochs": "12", "at": "500"})
    assert run_of(at).trainer.epoch == 12 and run_of(at).trainer.status == "done"


BIG_LINK = {"hidden": ",".join(["128"] * 8), "n_samples": "5000", "train_ratio": "0.9"}


def model_clock(monkeypatch):
    """A machine exactly as fast as the cost model says: a budget becomes a count of batches."""
    made, init = [], Trainer.__init__

    def recorded(self, *args, **kwargs):
        init(self, *args, **kwargs)
        made.append(self)
    monkeypatch.setattr(Trainer, "__init__", recorded)
    monkeypatch.setattr(training, "_clock",
                        lambda: sum(t._timed[1] + t._spent for t in made))


def test_a_far_epoch_on_a_big_network_trains_across_ticks_with_the_page_usable(monkeypatch):
    model_clock(monkeypatch)
    at = app({**BIG_LINK, "epochs": "20000", "at": "20000"}, settle=False)
    run, per_batch = run_of(at), cost.batch_seconds(cost.Shape.of((2,) + (128,) * 8 + (1,)), 10)
    assert run.trainer.epoch < 20 and run.goal == 20000 and playing(at)
    # The first page run: the link's action, then the live fragment's first tick.
    assert run.trainer.steps * per_batch <= live.ACTION_SECONDS + live.BUDGET
    first = run.trainer.steps
    line = [m.value for m in at.markdown if m.value.startswith("**Epoch")][0]
    assert f"training to epoch 20,000 from the link: {run.trainer.epoch:,} so far" in line
    assert any("fewer or smaller hidden layers" in c.value for c in at.caption) or \
        run.trainer.epoch_seconds() < 1  # the note comes with slow epochs only
    for _ in range(3):
        at.run()  # one tick each
        assert not at.exception
    assert 0 < run.trainer.steps - first <= 3 * live.BUDGET / per_batch + 3
    assert at.query_params["at"] == "20000"  # a reload still aims at the link's epoch
    at.button(key="train.pause").click().run()  # the page answers, and Pause ends the goal
    assert not playing(at) and run_of(at).goal is None


def test_step_on_a_big_network_finishes_its_epoch_in_ticks(monkeypatch):
    model_clock(monkeypatch)
    at = app({**BIG_LINK, "batch_size": "1"})  # 4,500 steps: more than one click's work
    assert cost.epoch_seconds(cost.Shape.of((2,) + (128,) * 8 + (1,)), 4500, 500, 1) > \
        live.ACTION_SECONDS
    step(at)
    run = run_of(at)
    assert run.trainer.epoch == 0 and run.goal == 1 and playing(at)  # more than one click's work
    assert 0 < run.trainer.epoch_progress < 1
    ticks = ticks_to_goal(at)
    assert run_of(at).trainer.epoch == 1 and not playing(at) and ticks > 1
    assert run_of(at).trainer.history["epoch"].tolist() == [0, 1]


@pytest.mark.parametrize("params, name, shown", [
    ({"label_noise": "0.025"}, "label_noise", 0.02),
    ({"n_samples": "100", "train_ratio": "0.2", "batch_size": "64"}, "batch_size", 20)])
def test_a_link_trained_to_an_epoch_keeps_it_when_the_page_rounds_a_value(params, name, shown):
    # The rounding must come before the link trains to its epoch: from the page's first draw,
    # it would start a new run at 0 with a note blaming the user for changing the setting.
    at = app({**params, "at": "20"})
    assert getattr(at.session_state["train.config"], name) == shown
    assert run_of(at).trainer.epoch == 20
    at.run()
    assert run_of(at).trainer.epoch == 20 and not any("new run" in i.value for i in at.info)
    notes = [unescaped(w.value) for w in at.warning if "could not be used" in w.value]
    assert notes and f"{name}" in notes[0] and f"{shown:g}" in notes[0]


def test_values_the_page_controls_round_are_reported():
    at = app({"noise": "0.123"})
    notes = [unescaped(w.value) for w in at.warning if "could not be used" in w.value]
    assert at.session_state["train.config"].noise == 0.12
    assert notes and "noise: the link's 0.123 became 0.12" in notes[0]


def test_show_one_control_hides_the_rest_and_autoplay_plays():
    at = app({"dataset": "circle", "show": "lr", "autoplay": "1"})
    controls = [w.key for kind in ("select_slider", "selectbox", "slider", "number_input",
                                   "multiselect", "checkbox")
                for w in getattr(at.sidebar, kind) if w.key.startswith("train.w.")]
    assert controls == ["train.w.lr"]
    assert playing(at)
    assert at.session_state["train.config"].dataset == "circle"
    assert not at.get("file_uploader")  # a class link turns uploads off
    # Playing has trained a first frame: the address says that epoch too.
    assert dict(at.query_params) == {"dataset": "circle", "show": "lr", "autoplay": "1",
                                     "at": str(run_of(at).trainer.epoch)}


def test_closing_the_share_box_keeps_its_options():
    at = app({"dataset": "spiral"}, url="http://host/")
    at.multiselect(key="train.share.only").select("lr").run()
    at.session_state["train.share.open"] = False
    at.run()
    assert not at.code  # closed: nothing of the box is built
    at.session_state["train.share.open"] = True
    at.run()
    assert at.multiselect(key="train.share.only").value == ["lr"]
    assert at.code[0].value == "http://host?show=lr"  # the kept option is in the link


def test_the_teacher_options_make_the_link():
    at = app({"dataset": "spiral"}, url="http://host/")
    at.multiselect(key="train.share.only").select("lr").select("batch_size").run()
    at.checkbox(key="train.share.autoplay").check().run()
    params = dict(parse_qsl(urlsplit(at.code[0].value).query))
    assert params == {"hide": ",".join(c for c in links.CONTROLS
                                       if c not in ("lr", "batch_size")),
                      "autoplay": "1"} or params == {"show": "lr,batch_size", "autoplay": "1"}
    student = app(params)
    assert {s.key for s in student.sidebar.select_slider} == {"train.w.lr"}
    assert {s.key for s in student.sidebar.slider} == {"train.w.batch_size"}


def test_projector_and_palette_stay_in_the_address_bar_but_not_in_shared_links():
    at = app({"projector": "1", "palette": "colorblind"}, url="http://host/")
    assert at.session_state["display.projector"] is True
    assert at.session_state["display.palette"] == "colorblind"
    assert dict(at.query_params) == {"projector": "1", "palette": "colorblind"}
    assert at.code[0].value == "http://host"  # st.context.url drops the trailing slash
    assert any("font-size" in h.proto.body for h in at.get("html"))


def test_a_cats_page_link_without_columns_means_every_feature_and_gives_no_note():
    # Empty columns mean "all six": made explicit after the page's first run, they would be
    # reported as the link's "none" having become all six.
    fresh = AppTest.from_file(APP, default_timeout=60)
    fresh.query_params["lr"] = "0.03"
    fresh.query_params["projector"] = "1"
    fresh.switch_page("app_pages/cats_dogs.py").run()
    assert not fresh.exception, fresh.exception
    assert not fresh.warning, [w.value for w in fresh.warning]
    assert fresh.session_state["catdog.config"].lr == 0.03
    assert fresh.multiselect(key="catdog.w.columns").value == list(CATDOG_FEATURES)
    assert dict(fresh.query_params) == {"lr": "0.03", "projector": "1"}


def test_a_cats_page_link_keeps_the_cat_page_settings():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/cats_dogs.py").run()
    at.number_input(key="catdog.w.init_seed").set_value(3).run()
    params = dict(at.query_params)
    assert params.get("init_seed") == "3" and "dataset" not in params  # the page's own default
    fresh = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        fresh.query_params[key] = value
    fresh.switch_page("app_pages/cats_dogs.py").run()  # the link opens the cats page itself
    assert not fresh.exception, fresh.exception
    assert fresh.session_state["catdog.config"] == at.session_state["catdog.config"]
    assert "train.config" not in fresh.session_state  # the Train page's settings untouched


# -- uploads: the state that must survive a bad one -----------------------------------------------
def snapshot(at, scope="train"):
    run = run_of(at, scope)
    return (at.session_state[f"{scope}.config"], run, run.trainer, run.trainer.epoch,
            at.session_state[f"{scope}.dataset"] if f"{scope}.dataset" in at.session_state
            else None)


def trained_session():
    at = app({"dataset": "moons", "hidden": "4"})
    step(at, 3)
    return at, snapshot(at)


def errors(at):
    return [unescaped(e.value) for e in at.error]


def upload(at, key, name, content, mime="text/csv"):
    at.file_uploader(key=key).upload(name, content, mime).run()
    assert not at.exception, at.exception


def csv_text(rows, header="x1,x2,label"):
    return (header + "\n" + "\n".join(",".join(map(str, r)) for r in rows) + "\n").encode()


GOOD = csv_text([(i, (i * 7) % 11, "a" if i % 2 else "b") for i in range(40)])

BAD_CSV = [
    ("empty.csv", b"", "empty"),
    ("blank.csv", b"\n\n  \n", "empty"),
    ("binary.csv", bytes(range(256)) * 4, "NUL byte"),
    ("latin1.csv", "x1,x2,label\n1,2,é\n".encode("latin-1") * 12, "not UTF-8"),
    ("one_column.csv", b"label\n" + b"a\nb\n" * 10, "only one column"),
    ("duplicate.csv", b"x,x,label\n" + b"1,2,a\n3,4,b\n" * 6, "twice"),
    ("ragged.csv", GOOD.replace(b"3,10,a\n", b"3,10,a,9\n"), "has 4 fields"),
    ("nan.csv", GOOD.replace(b"3,10,a", b"nan,10,a"), "missing value"),
    ("inf.csv", GOOD.replace(b"3,10,a", b"inf,10,a"), "non-finite"),
    ("one_class.csv", csv_text([(i, i, "a") for i in range(20)]), "single class"),
    ("few_rows.csv", csv_text([(i, i, "ab"[i % 2]) for i in range(6)]), "too few rows"),
    ("many_rows.csv", csv_text([(i, i, "ab"[i % 2]) for i in range(5001)]), "too many rows"),
    ("too_large.csv", b"x1,x2,label\n" + b"1.000000000,2.0000000000,a\n" * 200_000,
     "too large"),
    ("six_classes.csv", csv_text([(i, i, "abcdef"[i % 6]) for i in range(36)]),
     "too many classes"),
    ("typo.csv", csv_text([(i, "7,5" if i == 5 else i, "ab"[i % 2]) for i in range(20)]),
     "has 4 fields"),
    ("text.csv", csv_text([(i, "seven" if i == 5 else i, "ab"[i % 2]) for i in range(20)]),
     "not numeric: 'seven'"),
]


@pytest.mark.parametrize("name, content, fragment", BAD_CSV, ids=[c[0] for c in BAD_CSV])
def test_a_bad_csv_gives_one_message_and_changes_nothing(name, content, fragment):
    at, before = trained_session()
    upload(at, "train.csv_upload", name, content)
    shown = errors(at)
    assert len(shown) == 1 and fragment in shown[0], shown
    assert "unchanged" in shown[0]
    assert not [b for b in at.button if b.key == "train.csv_use"]
    step(at)
    assert snapshot(at)[:3] == before[:3] and run_of(at).trainer.epoch == before[3] + 1
    assert snapshot(at)[4] is before[4]


def test_choosing_fewer_than_two_features_is_refused():
    at, before = trained_session()
    upload(at, "train.csv_upload", "good.csv", GOOD)
    chooser = [m for m in at.multiselect if m.key and m.key.startswith("train.csv.")][0]
    chooser.unselect("x2").run()
    assert len(errors(at)) == 1 and "at least two feature columns" in errors(at)[0]
    assert snapshot(at) == before


def test_a_good_csv_is_previewed_then_trained_on_and_a_later_bad_one_keeps_it():
    at, before = trained_session()
    people = csv_text([(f"P{i}", 150 + i, 50 + (i * 13) % 40, "ab"[i % 2]) for i in range(60)],
                      header="name,height,weight,kind")
    upload(at, "train.csv_upload", "people.csv", people)
    assert not errors(at)
    label = [s for s in at.selectbox if s.key and s.key.endswith(".label")][0]
    chooser = [m for m in at.multiselect if m.key and m.key.startswith("train.csv.")][0]
    assert label.value == "kind" and chooser.value == ["height", "weight"]  # 'name' left out
    assert at.session_state["train.config"] == before[0]  # a preview changes nothing yet
    at.button(key="train.csv_use").click().run()
    assert not at.exception
    config = at.session_state["train.config"]
    assert (config.dataset, config.columns) == ("csv", ("height", "weight"))
    trainer = run_of(at).trainer
    assert trainer.epoch == 0 and trainer.dataset.feature_names == ("height", "weight")
    assert at.selectbox(key="train.w.dataset").options[-1] == "Your CSV (binary)"
    assert at.selectbox(key="train.w.dataset").value == "csv"
    step(at, 2)
    kept = snapshot(at)
    at.file_uploader(key="train.csv_upload").clear().run()
    upload(at, "train.csv_upload", "bad.csv", b"\x00\x01")
    assert len(errors(at)) == 1
    assert snapshot(at) == kept


def test_the_training_share_splits_the_uploaded_table_again():
    at, _ = trained_session()
    upload(at, "train.csv_upload", "good.csv", GOOD)
    at.button(key="train.csv_use").click().run()
    assert len(run_of(at).trainer.dataset.X_train) == 20
    at.slider(key="train.w.train_ratio").set_value(75).run()
    assert not at.exception and not errors(at)
    data = run_of(at).trainer.dataset
    assert (len(data.X_train), len(data.X_test)) == (30, 10)
    assert at.session_state["train.dataset"] is data


def test_a_split_that_fails_is_refused_and_the_old_split_stays(monkeypatch):
    at, _ = trained_session()
    upload(at, "train.csv_upload", "good.csv", GOOD)
    at.button(key="train.csv_use").click().run()
    before = snapshot(at)

    def refuse(*args, **kwargs):  # the core's own refusal, whatever the reason
        raise DataError("cannot split 40 rows into training and test parts: test")
    monkeypatch.setattr("playground.ui.sharing.dataset_from_table", refuse)
    at.slider(key="train.w.train_ratio").set_value(75).run()
    assert not at.exception
    shown = errors(at)
    assert len(shown) == 1 and "That split cannot be made" in shown[0]
    assert at.session_state["train.config"].train_ratio == 0.5
    assert at.slider(key="train.w.train_ratio").value == 50
    assert run_of(at).trainer is before[2] and snapshot(at)[4] is before[4]


# -- model files ----------------------------------------------------------------------------------
def saved_model(**changes) -> bytes:
    trainer = Trainer(TrainConfig(dataset="circle", hidden=(4,), lr=0.3))
    trainer.run(epochs=20)
    data = model_io.to_dict(trainer)
    data.update(changes)
    return json.dumps(data).encode()


def _mutated(path, value):
    data = json.loads(saved_model())
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return json.dumps(data).encode()


BAD_MODELS = [
    ("empty.json", b"", "not valid JSON"),
    ("malformed.json", b'{"schema": "nn-playground-model", ', "not valid JSON"),
    ("binary.json", bytes(range(256)), "not a text file"),
    ("list.json", b"[1, 2, 3]", "JSON object"),
    ("other.json", b'{"name": "not a model"}', "not a playground model"),
    ("version.json", _mutated(["version"], 99), "unsupported model version"),
    ("activation.json", _mutated(["config", "activation"], "swish"), "activation"),
    ("unknown_setting.json", _mutated(["config", "colour"], "red"), "unknown setting"),
    ("shape.json", _mutated(["params", 0], [[0.1] * 4] * 3), "shape"),
    ("nan.json", saved_model().replace(b"0.", b"NaN, 0.", 1), "must be finite"),
    ("huge.json", _mutated(["params", 1], [1e300, 0, 0, 0]), "beyond"),
    ("infinite.json", saved_model().replace(b'"epoch": 20', b'"epoch": Infinity'),
     "must be finite"),
    ("text.json", _mutated(["params", 1], ["a", "b", "c", "d"]), "numbers only"),
    ("big.json", b" " * 5_000_001, "at most"),
    ("sizes.json", _mutated(["sizes"], [2, 9, 1]), "do not match"),
]


@pytest.mark.parametrize("name, content, fragment", BAD_MODELS, ids=[m[0] for m in BAD_MODELS])
def test_a_bad_model_file_gives_one_message_and_changes_nothing(name, content, fragment):
    at, before = trained_session()
    upload(at, "train.model_upload", name, content, "application/json")
    shown = errors(at)
    assert len(shown) == 1 and fragment in shown[0], shown
    assert "Nothing was changed" in shown[0]
    assert not [b for b in at.button if b.key == "train.model_continue"]
    assert snapshot(at) == before


def test_a_model_whose_network_does_not_fit_its_data_can_be_inspected_not_continued():
    data = json.loads(saved_model())
    data["sizes"] = [3, 4, 1]
    data["input_names"] = ["x1", "x2", "x3"]
    data["scaler"] = {"mean": [0, 0, 0], "scale": [1, 1, 1]}
    data["params"][0] = [[0.1] * 4] * 3
    at, before = trained_session()
    upload(at, "train.model_upload", "wrong_inputs.json", json.dumps(data).encode())
    assert not errors(at)
    assert any("does not fit" in unescaped(w.value) for w in at.warning)
    assert at.button(key="train.model_continue").disabled
    assert snapshot(at) == before


def test_a_saved_model_continues_with_the_same_predictions():
    original = Trainer(TrainConfig(dataset="circle", hidden=(4,), lr=0.3))
    original.run(epochs=20)
    at, _ = trained_session()
    upload(at, "train.model_upload", "model.json", model_io.dumps(original).encode(),
           "application/json")
    assert not errors(at) and len(at.get("plotly_chart")) == 2  # boundary and network
    at.button(key="train.model_continue").click().run()
    assert not at.exception
    trainer = run_of(at).trainer
    assert at.session_state["train.config"] == original.config
    assert trainer.epoch == 20
    X = original.dataset.X_test
    assert np.array_equal(trainer.predict(X), original.predict(X))
    step(at)
    assert trainer.epoch == 21 and run_of(at).trainer is trainer
    oracle = Trainer(original.config)
    oracle.resume(model_io.loads(model_io.dumps(original)).params, 20)
    oracle.run(epochs=1)
    assert np.array_equal(trainer.model.theta, oracle.model.theta)


# -- downloads ------------------------------------------------------------------------------------
def test_the_model_file_round_trips_to_the_same_predictions():
    trainer = Trainer(TrainConfig(dataset="blobs", hidden=(6, 5), activation="relu",
                                  features=("x1^2",), optimizer="adam", lr=0.01))
    trainer.run(epochs=15)
    saved = model_io.loads(model_io.dumps(trainer))
    X = np.vstack([trainer.dataset.X_train, trainer.dataset.X_test])
    assert np.array_equal(saved.predict(X), trainer.predict(X))


def test_the_history_csv_holds_every_epoch_and_column():
    trainer = Trainer(TrainConfig(dataset="plane", hidden=(3,)))
    trainer.run(epochs=7)
    table = pd.read_csv(io.StringIO(files.history_csv(trainer.history)))
    assert list(table.columns) == list(trainer.history.columns)
    assert list(table["epoch"]) == list(range(8))
    assert np.allclose(table["test_loss"], trainer.history["test_loss"], rtol=1e-12)


def test_the_dataset_csv_uploads_again_to_the_same_points():
    data = make_dataset("blobs", n_samples=90, n_classes=4, seed=3)
    text = files.dataset_csv(data).encode()
    sniffed = files.sniff(text)
    assert (sniffed.label, sniffed.numeric) == ("label", ("x1", "x2"))  # 'split' left out
    table = files.read_table(text, "label", ["x1", "x2"])
    X = np.vstack([data.X_train, data.X_test])
    assert np.array_equal(table.df[["x1", "x2"]].to_numpy(), X)
    names = np.asarray(data.class_names)[np.concatenate([data.y_train, data.y_test])]
    assert list(table.df["label"]) == list(names)
    again = dataset_from_table(table, train_ratio=0.5, seed=0)
    assert again.class_names == tuple(sorted(data.class_names))  # the loader sorts classes


def test_a_regression_dataset_csv_proposes_its_target_not_the_split_column():
    # With numeric labels 'split' (train/test) is the only text column: proposed as the
    # answer, it would put the real target among the inputs.
    data = make_dataset("plane", n_samples=100, seed=0)
    sniffed = files.sniff(files.dataset_csv(data).encode())
    assert files.dataset_csv(data).splitlines()[0] == "split,x1,x2,label"
    assert sniffed.label == "label"


def test_download_buttons_wait_for_pause():
    at = app({"dataset": "circle"})
    buttons = {b.label: b for b in at.get("download_button")}
    assert set(buttons) == {"Model (JSON)", "History (CSV)", "Dataset (CSV)"}
    assert not any(b.proto.disabled for b in buttons.values())
    at.button(key="train.play").click().run()
    buttons = {b.label: b for b in at.get("download_button")}
    assert buttons["Model (JSON)"].proto.disabled and buttons["History (CSV)"].proto.disabled


def test_reading_columns_leaves_unchosen_ones_unchecked():
    text = b"id,note,a,b,y\n" + b"".join(
        f"{i},free text {i}!,{i},{i % 3},{'yn'[i % 2]}\n".encode() for i in range(20))
    sniffed = files.sniff(text)
    assert (sniffed.label, sniffed.numeric) == ("y", ("id", "a", "b"))
    table = files.read_table(text, "y", ["a", "b"])
    assert table.feature_columns == ("a", "b") and table.class_names == ("n", "y")
    with pytest.raises(DataError, match="not numeric"):
        files.read_table(text, "y", ["a", "note"])
    with pytest.raises(DataError, match="cannot also be a feature"):
        files.read_table(text, "y", ["a", "y"])


def _shown_by_default(widget) -> bool:
    """Whether the widget's default (what a browser shows before it knows a value) is its value."""
    p = widget.proto
    kind = type(widget).__name__
    if kind == "SelectSlider":
        return widget.options[int(p.default[0])] == widget.format_func(widget.value)
    if kind == "Slider":
        return list(p.default) == [float(widget.value)]
    if kind == "Selectbox":
        return p.default == widget.index
    if kind == "Multiselect":
        return list(p.default) == list(widget.indices)
    return p.default == widget.value  # number inputs, checkboxes, toggles


def test_every_widget_defaults_to_the_value_a_link_gave_it():
    # A widget the browser mounts late (its code loads lazily on a fresh page) shows its DEFAULT
    # when a run starts before it has mounted, then sends that back as the user's choice. With
    # the link's values in session state and Streamlit's defaults (the minimum, the first
    # option), picking a dataset right after opening could set Points to 50 and Training share
    # to 10 %. So every widget's default is its value.
    config = TrainConfig(dataset="blobs", n_classes=4, n_samples=800, noise=0.1,
                         label_noise=0.05, train_ratio=0.7, data_seed=3, features=("x1*x2",),
                         hidden=(6, 5, 3), activation="relu", init="he_uniform", init_seed=7,
                         bias_init=0.2, loss="mse", optimizer="adam", lr=0.003, beta1=0.8,
                         batch_size=16, penalty="l2", penalty_rate=0.001, epochs=300,
                         early_stopping=True, patience=9)
    params = {**links.encode(config), "projector": "1", "palette": "colorblind"}
    at = app(params)
    assert not at.warning and not at.toast, ([w.value for w in at.warning], at.toast)
    widgets = [w for kind in ("slider", "select_slider", "number_input", "selectbox",
                              "multiselect", "checkbox", "toggle")
               for w in getattr(at, kind)]
    assert len(widgets) >= 25
    wrong = {w.key: w.value for w in widgets if not _shown_by_default(w)}
    assert not wrong, wrong


def test_every_cats_page_widget_defaults_to_its_value():
    fresh = AppTest.from_file(APP, default_timeout=60)
    fresh.query_params.update(links.encode(TrainConfig(dataset="catdog", lr=0.03, hidden=(5,)),
                                           base=TrainConfig(dataset="catdog")))
    fresh.switch_page("app_pages/cats_dogs.py").run()
    assert not fresh.exception, fresh.exception
    widgets = [w for kind in ("slider", "select_slider", "number_input", "selectbox",
                              "multiselect", "checkbox", "toggle", "text_input")
               for w in getattr(fresh, kind)]
    assert len(widgets) >= 20
    wrong = {w.key: w.value for w in widgets if not _shown_by_default(w)}
    assert not wrong, wrong
