"""The Cats vs dogs page through AppTest: data, features, live training, results, one animal.

Fragments run inline in AppTest and run_every has no timer, so each ``at.run()`` is one tick.
Live charts are components (``at.get("bidi_component")``, decoded with ``decode_payload``);
static ones are ``at.get("plotly_chart")`` with the figure in ``json.loads(el.proto.spec)``.
"""

import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from playground import teaching
from playground.datasets import CATDOG_FEATURES, load_catdog
from page_support import epoch_counter, live_charts, unescaped
from playground.ui.live_chart import decode_payload

APP = "../streamlit_app.py"
SCOPE = "catdog"


@pytest.fixture()
def at():
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    app.switch_page("app_pages/cats_dogs.py").run()
    assert not app.exception, app.exception
    return app


def _run(at):
    return at.session_state[f"{SCOPE}.run"]


def _static(at, key) -> dict:
    """A st.plotly_chart's figure, typed arrays decoded (the spec is the same JSON shape)."""
    for el in at.get("plotly_chart"):
        if key in el.proto.id:
            return decode_payload(el.proto.spec.encode())
    raise AssertionError(f"no chart {key!r}; have {[el.proto.id for el in at.get('plotly_chart')]}")


def _click(at, key):
    at.button(key=key).click().run()
    assert not at.exception, at.exception


def _texts(at, kind="markdown"):
    return [el.value for el in getattr(at, kind)]


def _step_report(at):
    """(P(true) before, after) from the sentence the page writes after a step."""
    for text in _texts(at):
        found = re.search(r"went from \*\*([\d.]+)\*\* to \*\*([\d.]+)\*\*", text)
        if found:
            return float(found.group(1)), float(found.group(2)), text
    raise AssertionError("no step report on the page")


# -- the data ----------------------------------------------------------------------------------------
def test_page_shows_the_table_the_card_and_the_pair_plot(at):
    table = at.dataframe[0].value
    assert len(table) == len(load_catdog()) == 600
    assert {"name", "species", *CATDOG_FEATURES} <= set(table.columns)
    assert any("Data card" in e.label for e in at.expander)
    assert any("synthetic" in md.value for md in at.markdown)
    pairs = _static(at, "catdog.pairs")
    traces = pairs["data"]
    assert [t["name"] for t in traces] == ["cat", "dog"]
    assert all(len(t["dimensions"]) == 6 for t in traces)
    # Each species' panel holds that species' own measurements, column by column.
    animals = load_catdog()
    for trace in traces:
        rows = animals[animals.species == trace["name"]]
        for dim, feature in zip(trace["dimensions"], CATDOG_FEATURES):
            np.testing.assert_allclose(np.asarray(dim["values"], float), rows[feature], rtol=1e-6)


# -- features and training ---------------------------------------------------------------------------
def test_defaults_use_all_features_one_hidden_layer_and_adam(at):
    cfg = _run(at).trainer.config
    assert cfg.dataset == "catdog" and cfg.hidden == (8,) and cfg.optimizer == "adam"
    assert _run(at).trainer.input_names == CATDOG_FEATURES
    # More than two features: the boundary is a slice, and the page says so.
    assert at.selectbox(key=f"{SCOPE}.axis_x.{'-'.join(CATDOG_FEATURES)}")
    assert any("training median" in c.value for c in at.caption)


def test_two_features_draw_the_boundary_over_them(at):
    pair = ["snout_length_cm", "tail_length_cm"]
    at.multiselect(key=f"{SCOPE}.w.columns").set_value(pair).run()
    assert not at.exception
    trainer = _run(at).trainer
    assert trainer.input_names == tuple(pair)
    assert any("exactly these two features" in c.value for c in at.caption)
    train_points = next(t for t in live_charts(at)["catdog.boundary"]["data"] if t["name"] == "train")
    np.testing.assert_allclose(train_points["x"], trainer.dataset.X_train[:, 0], rtol=1e-6)
    np.testing.assert_allclose(train_points["y"], trainer.dataset.X_train[:, 1], rtol=1e-6)
    assert any("Across: snout length (cm); up: tail length (cm)" in c.value for c in at.caption)
    layout = live_charts(at)["catdog.boundary"]["layout"]
    assert (layout["xaxis"]["title"]["text"], layout["yaxis"]["title"]["text"]) == (
        "snout length (cm)", "tail length (cm)")


def test_fewer_than_two_features_keep_the_previous_choice(at):
    chosen = ["body_mass_kg", "ear_length_cm", "tail_length_cm"]
    at.multiselect(key=f"{SCOPE}.w.columns").set_value(chosen).run()
    _click(at, f"{SCOPE}.step")
    epoch = epoch_counter(at)
    at.multiselect(key=f"{SCOPE}.w.columns").set_value(["body_mass_kg"]).run()
    assert not at.exception
    assert any("at least two features" in w.value for w in at.warning)
    assert _run(at).trainer.input_names == tuple(chosen)
    assert epoch_counter(at) == epoch  # the run was not reset


def test_play_ticks_train_and_the_loss_curve_grows(at):
    _click(at, f"{SCOPE}.play")
    first = epoch_counter(at)
    at.run()
    at.run()
    assert epoch_counter(at) > first > 0
    loss = live_charts(at)["catdog.loss"]
    assert len(loss["data"][0]["y"]) == epoch_counter(at) + 1
    _click(at, f"{SCOPE}.pause")
    paused = epoch_counter(at)
    at.run()
    assert epoch_counter(at) == paused


def test_results_show_accuracy_and_a_confusion_matrix_that_sums_to_the_sets(at):
    for _ in range(3):
        _click(at, f"{SCOPE}.step")
    trainer = _run(at).trainer
    metrics = {m.label: m.value for m in at.metric}
    last = trainer.history.last()
    assert metrics["Test accuracy"] == f"{last['test_accuracy']:.1%}"
    assert metrics["Training accuracy"] == f"{last['train_accuracy']:.1%}"
    confusion = live_charts(at)["catdog.confusion"]
    for trace, y in zip(confusion["data"], (trainer.dataset.y_train, trainer.dataset.y_test)):
        counts = np.array([[int(cell.split("<br>")[0]) for cell in row] for row in trace["text"]])
        assert counts.sum() == len(y)
        np.testing.assert_array_equal(counts.sum(axis=1), np.bincount(y))
    wrong = next(df.value for df in at.dataframe if "network says" in df.value.columns)
    assert len(wrong) == 10
    p_true = np.where(wrong["species"] == "dog", wrong["P(dog)"], wrong["P(cat)"])
    assert list(p_true) == sorted(p_true)


# -- one animal --------------------------------------------------------------------------------------
def _animal_box(at):
    cfg = _run(at).trainer.config
    return at.selectbox(key=f"{SCOPE}.animal.{cfg.data_seed}.{cfg.train_ratio}")


def test_picking_an_animal_shows_its_forward_pass(at):
    _animal_box(at).set_value(("test", 5)).run()
    assert not at.exception
    trainer = _run(at).trainer
    x = trainer.dataset.X_test[5]
    inputs = next(df.value for df in at.dataframe if "scaled" in df.value.columns)
    np.testing.assert_allclose(inputs["measured"], x)
    np.testing.assert_allclose(inputs["scaled"], trainer.transform(x[None])[0], rtol=1e-5)
    hidden = next(df.value for df in at.dataframe if "z" in df.value.columns)
    fwd = teaching.forward_breakdown(trainer, x)
    np.testing.assert_allclose(hidden["z"], fwd.layers[0].z, rtol=1e-5)
    bar = _static(at, "catdog.forward.bar")
    assert bar["data"][1]["x"][0] == pytest.approx(fwd.p_dog, abs=1e-6)
    species = trainer.dataset.class_names[int(trainer.dataset.y_test[5])]
    assert any(f"The true species is **{species}**" in t for t in _texts(at))
    losses = [t for t in _texts(at) if "Binary cross-entropy" in t or "Mean squared" in t]
    assert len(losses) == 2 and "the loss this network trains with" in losses[0]


def test_one_step_moves_the_probability_toward_the_label_and_again(at):
    for _ in range(2):
        _click(at, f"{SCOPE}.step")
    trained_theta = _run(at).trainer.model.theta.copy()
    _animal_box(at).set_value(("test", 3)).run()
    at.select_slider(key=f"{SCOPE}.step_lr").set_value(0.01).run()
    _click(at, f"{SCOPE}.one_step")
    before, after, text = _step_report(at)
    assert after > before and "toward the label" in text
    _click(at, f"{SCOPE}.one_step")
    before2, after2, text = _step_report(at)
    assert text.startswith("Step 2") and before2 == pytest.approx(after, abs=1e-4)
    assert after2 > before2
    # The step acted on a copy: the trained network is as it was, and the page says so.
    np.testing.assert_array_equal(_run(at).trainer.model.theta, trained_theta)
    assert any("change a copy" in c.value for c in at.caption)
    # The step shown is W - lr * gradient, layer by layer, in the heatmaps the page draws.
    for i in range(2):
        layer = _static(at, f"catdog.step.layer{i}")["data"]
        before_w, grad, change, after_w = (np.array(t["z"], float) for t in layer)
        np.testing.assert_allclose(after_w, before_w - 0.01 * grad, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(change, after_w - before_w, rtol=1e-3, atol=1e-6)
    bars = _static(at, "catdog.step.bar")["data"]
    label = int(_run(at).trainer.dataset.y_test[3])
    p_after = bars[1]["x"][1] if label == 1 else bars[0]["x"][1]
    assert p_after == pytest.approx(after2, abs=1e-4)
    # Beside the numbers, the readable code that computes them, and how well it agrees.
    code = [c.value for c in at.code]
    assert any("dW = a_prev.T @ delta" in c and "return w - lr * g" in c for c in code), code
    assert any("largest difference is" in m.value for m in at.markdown)
    # Back to the trained network: the copy is dropped and no step report remains.
    _click(at, f"{SCOPE}.lab_reset")
    with pytest.raises(AssertionError):
        _step_report(at)


def test_typed_measurements_bad_values_get_a_message_and_nothing_else_resets(at):
    at.multiselect(key=f"{SCOPE}.w.columns").set_value(
        ["body_mass_kg", "snout_length_cm", "tail_length_cm"]).run()
    _click(at, f"{SCOPE}.step")
    epoch = epoch_counter(at)
    at.radio(key=f"{SCOPE}.animal.source").set_value("Type its measurements").run()
    assert not at.exception
    at.text_input(key=f"{SCOPE}.typed.body_mass_kg").input("5.5").run()
    at.text_input(key=f"{SCOPE}.typed.snout_length_cm").input("2,5").run()
    at.text_input(key=f"{SCOPE}.typed.tail_length_cm").input("28").run()
    assert not at.error
    inputs = next(df.value for df in at.dataframe if "scaled" in df.value.columns)
    np.testing.assert_allclose(inputs["measured"], [5.5, 2.5, 28.0])

    at.text_input(key=f"{SCOPE}.typed.tail_length_cm").input("long").run()
    assert not at.exception
    messages = unescaped(" ".join(e.value for e in at.error))
    assert "tail length (cm) “long” is not a number" in messages
    # The last good values stay on show; the run, the features and the other inputs stay put.
    inputs = next(df.value for df in at.dataframe if "scaled" in df.value.columns)
    np.testing.assert_allclose(inputs["measured"], [5.5, 2.5, 28.0])
    assert epoch_counter(at) == epoch
    assert at.text_input(key=f"{SCOPE}.typed.body_mass_kg").value == "5.5"
    assert at.multiselect(key=f"{SCOPE}.w.columns").value == [
        "body_mass_kg", "snout_length_cm", "tail_length_cm"]

    at.text_input(key=f"{SCOPE}.typed.tail_length_cm").input("").run()
    assert "tail length (cm) is empty" in unescaped(" ".join(e.value for e in at.error))


def test_typed_measurements_outside_the_data_are_accepted_with_a_warning(at):
    at.radio(key=f"{SCOPE}.animal.source").set_value("Type its measurements").run()
    at.text_input(key=f"{SCOPE}.typed.body_mass_kg").input("250").run()
    assert not at.error and not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "Outside what the network has seen" in warning and "body mass (kg) 250" in warning
    inputs = next(df.value for df in at.dataframe if "scaled" in df.value.columns)
    assert inputs["measured"][0] == 250
    # A typed animal can be stepped on too, toward the label the learner chose.
    at.radio(key=f"{SCOPE}.typed.label").set_value(0).run()
    at.select_slider(key=f"{SCOPE}.step_lr").set_value(0.01).run()
    _click(at, f"{SCOPE}.one_step")
    before, after, _ = _step_report(at)
    assert after > before


def test_the_animal_and_typed_values_survive_a_visit_to_another_page(at):
    # Streamlit forgets a widget's value in a run that does not draw it: without
    # persist_state="session" a trip to the Train page put every typed value back to the median.
    at.radio(key=f"{SCOPE}.animal.source").set_value("Type its measurements").run()
    at.text_input(key=f"{SCOPE}.typed.body_mass_kg").input("5.5").run()
    at.radio(key=f"{SCOPE}.typed.label").set_value(0).run()
    at.select_slider(key=f"{SCOPE}.step_lr").set_value(0.01).run()
    at.switch_page("app_pages/train.py").run()
    assert not at.exception, at.exception
    at.switch_page("app_pages/cats_dogs.py").run()
    assert not at.exception, at.exception
    assert at.radio(key=f"{SCOPE}.animal.source").value == "Type its measurements"
    assert at.text_input(key=f"{SCOPE}.typed.body_mass_kg").value == "5.5"
    assert at.radio(key=f"{SCOPE}.typed.label").value == 0
    assert at.select_slider(key=f"{SCOPE}.step_lr").value == 0.01
    inputs = next(df.value for df in at.dataframe if "scaled" in df.value.columns)
    assert inputs["measured"][0] == 5.5


def test_projector_mode_enlarges_the_static_charts_but_not_the_small_multiples(at):
    def font(figure):
        return figure["layout"].get("font", {}).get("size", 12)

    bar, pairs = _static(at, "catdog.forward.bar"), _static(at, "catdog.pairs")
    at.toggle(key="display.projector").set_value(True).run()
    assert not at.exception, at.exception
    assert font(_static(at, "catdog.forward.bar")) == 1.5 * font(bar)
    # 15 small panels: larger type would run into the next panel, so the pair plot stays.
    assert _static(at, "catdog.pairs")["layout"] == pairs["layout"]
