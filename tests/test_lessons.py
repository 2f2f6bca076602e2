"""Lessons and challenges: every challenge is solvable (and not solved by its start), every lesson
says something true about its presets, and every preset loads into its page and trains.

The challenge tests train the known solution with the real Trainer and check it with the same
``Challenge.check`` the pages show; the start config trained just as long must fail, so the
check can fail. The lesson tests train the presets and compare them the way each lesson's text
says they differ.
"""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest


from playground import lessons
from playground.ui import lessons as lessons_ui
from playground.config import TrainConfig
from playground.lessons import CHALLENGES, LESSONS
from playground.training import Trainer

APP = "../streamlit_app.py"


def trained(config: TrainConfig, epochs: int) -> Trainer:
    trainer = Trainer(config)
    trainer.run(epochs=epochs)
    return trainer


# -- challenges ---------------------------------------------------------------------------------
def test_there_are_at_least_five_challenges_with_distinct_keys():
    assert len(CHALLENGES) >= 5
    assert len({c.key for c in CHALLENGES}) == len(CHALLENGES)


@pytest.mark.parametrize("challenge", CHALLENGES, ids=lambda c: c.key)
def test_the_solution_solves_the_challenge(challenge):
    trainer = trained(challenge.solution, challenge.solution_epochs)
    checks = challenge.check(trainer)
    assert all(c.met for c in checks), [(c.rule, c.seen) for c in checks]
    assert challenge.solved(trainer)


@pytest.mark.parametrize("challenge", CHALLENGES, ids=lambda c: c.key)
def test_the_start_alone_does_not_solve_it_at_any_epoch(challenge):
    # Checked after every epoch up to the start's own epoch limit, as pressing Step or Play and
    # waiting does: a start may pass its goal on the way (at epoch 1, or late in its budget) and
    # fall back below it by the end. Nor does the start blow up.
    trainer = Trainer(challenge.start)
    limit = max(challenge.start.epochs, challenge.solution_epochs)
    solved_at = []
    for _ in range(limit + 1):
        if challenge.solved(trainer):
            solved_at.append(trainer.epoch)
        if not trainer.can_train:
            break
        trainer.run(epochs=1)
    assert not solved_at, f"solved by its start at epochs {solved_at[:10]}"
    assert trainer.status == "done", trainer.message
    checks = challenge.check(trainer)
    # The rules about the data and the network hold at the start: only the goal is missing.
    assert checks[0].met and checks[0].seen == "as set"


def test_changing_the_data_breaks_the_data_rule():
    challenge = lessons.CHALLENGE_KEYS["xor"]
    trainer = trained(challenge.solution.replace(n_samples=1000), challenge.solution_epochs)
    first = challenge.check(trainer)[0]
    assert not first.met and first.seen == "changed: n samples"


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov", "rmsprop", "adam"])
def test_a_new_learning_rate_before_training_equals_starting_with_it(optimizer):
    # A student who starts a challenge and then moves the slider must get the run that the
    # solution's config gives (plain SGD must not take the config's momentum).
    start = TrainConfig(dataset="circle", hidden=(8,), optimizer=optimizer, lr=0.01)
    direct = trained(start.replace(lr=0.3), 5)
    changed = Trainer(start)
    changed.update_config(start.replace(lr=0.3))
    changed.run(epochs=5)
    assert np.array_equal(direct.history["test_loss"], changed.history["test_loss"])
    assert np.array_equal(direct.model.theta, changed.model.theta)


def test_measure_matches_the_history_of_the_same_weights():
    trainer = trained(TrainConfig(dataset="circle", hidden=(4,)), 5)
    measured = lessons.measure(trainer)
    last = trainer.history.last()
    assert measured["test_loss"] == pytest.approx(last["test_loss"], rel=1e-5)
    assert measured["test_accuracy"] == last["test_accuracy"]


def test_measure_sees_the_restored_best_weights_after_early_stopping():
    config = lessons.LESSON_KEYS["overfit"].presets[2].config  # the early-stopping preset
    trainer = trained(config, 600)
    assert trainer.status == "stopped"
    best = trainer.history["test_loss"][trainer.best_epoch - trainer.history["epoch"][0]]
    assert lessons.measure(trainer)["test_loss"] == pytest.approx(best, rel=1e-5)
    assert lessons.measure(trainer)["test_loss"] < trainer.history.last()["test_loss"]


def test_accuracy_is_shown_rounded_down_so_a_near_miss_does_not_read_as_met():
    rule = lessons.at_least("test_accuracy", 0.97)
    met, seen = rule.test(None, {"test_accuracy": 0.96999})
    assert (met, seen) == (False, "96.9%")
    assert rule.text == "test accuracy at least 97%"


# -- what each lesson says about its presets ----------------------------------------------------
def test_there_are_six_to_ten_lessons_each_with_presets():
    assert 6 <= len(LESSONS) <= 10
    for lesson in LESSONS:
        assert 1 <= len(lesson.presets) <= 3 and lesson.question.endswith("?")
        assert lesson.page in ("train", "catdog")


def _presets(key):
    return [p.config for p in lessons.LESSON_KEYS[key].presets]


def test_weights_lesson_two_seeds_start_differently():
    first, second = (Trainer(c) for c in _presets("weights"))
    assert not np.array_equal(first.model.theta, second.model.theta)
    again = Trainer(_presets("weights")[0])
    assert np.array_equal(first.model.theta, again.model.theta)  # same seed, same start
    before = first.model.theta.copy()
    first.run(epochs=1)
    assert not np.array_equal(before, first.model.theta)  # and they move


def test_sgd_lesson_the_loss_falls():
    loss = trained(_presets("sgd")[0], 60).history["train_loss"]
    assert loss[-1] < 0.6 * loss[0]


def test_loss_lesson_presets_differ_only_in_the_loss():
    mse, bce = _presets("loss")
    assert {k for k, v in mse.to_dict().items() if bce.to_dict()[k] != v} == {"loss"}
    assert np.array_equal(Trainer(mse).model.theta, Trainer(bce).model.theta)


def test_rate_lesson_too_high_diverges_too_low_crawls():
    high, low, right = _presets("rate")
    assert trained(high, 300).status == "diverged"
    crawl, good = trained(low, 100), trained(right, 100)
    assert good.history.last()["test_r2"] > 0.99
    crawl_loss = crawl.history["test_loss"]
    assert crawl.history.last()["test_r2"] < 0.5 and crawl_loss[-1] < crawl_loss[0]  # but moving


def test_xor_lesson_needs_a_hidden_layer_or_the_product():
    alone, hidden, product = (trained(c, 200).history.last()["test_accuracy"]
                              for c in _presets("xor"))
    assert alone < 0.7 and hidden > 0.95 and product > 0.95


def test_depth_lesson_three_layers_beat_one():
    one, three = (trained(c, 300).history.last()["test_accuracy"] for c in _presets("depth"))
    assert three > one + 0.05


def test_batch_lesson_batch_one_learns_more_per_epoch():
    single, full = (trained(c, 30).history.last()["train_loss"] for c in _presets("batch"))
    assert single < 0.5 * full


def test_overfit_lesson_test_loss_climbs_and_help_helps():
    plain, l2, early = (trained(c, 600) for c in _presets("overfit"))
    test = plain.history["test_loss"]
    assert plain.history.last()["train_loss"] < 0.05 and test[-1] > 2 * test.min()
    for helped in (l2, early):
        assert lessons.measure(helped)["test_loss"] < 0.5 * lessons.measure(plain)["test_loss"]


def test_catdog_lesson_all_six_beat_mass_and_height():
    pair, six = (trained(c, 200).history.last()["test_accuracy"] for c in _presets("catdog"))
    assert six > pair + 0.1


# -- the pages ------------------------------------------------------------------------------------
PAGES = {"train": ("app_pages/train.py", "Train a neural network"),
         "catdog": ("app_pages/cats_dogs.py", "Cats vs dogs: what training means")}


def on_lessons_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    return at.switch_page("app_pages/lessons.py").run()


def _lesson_buttons():
    return [(lesson, preset) for lesson in LESSONS for preset in lesson.presets]


@pytest.mark.parametrize("lesson, preset", _lesson_buttons(),
                         ids=lambda v: getattr(v, "key", None) or getattr(v, "label", ""))
def test_each_preset_loads_into_its_page_and_trains(lesson, preset):
    at = on_lessons_page()
    at.button(key=f"lesson.{lesson.key}.{preset.label}").click().run()
    assert not at.exception, at.exception
    scope = lesson.page
    page, title = PAGES[scope]
    assert at.title[0].value == title  # the click switched pages
    assert at.session_state[f"{scope}.config"] == preset.config
    at.switch_page(page)  # AppTest would otherwise ask for the lessons page on every run
    at.button(key=f"{scope}.step").click().run()
    assert not at.exception, at.exception
    assert at.session_state[f"{scope}.run"].trainer.epoch == 1
    assert at.session_state[f"{scope}.run"].trainer.config == preset.config
    assert any(m.value.startswith("**Epoch 1**") for m in at.markdown)


def test_a_challenge_starts_on_the_train_page_and_shows_its_checks():
    challenge = lessons.CHALLENGE_KEYS["fast"]
    at = on_lessons_page()
    at.button(key="challenge.fast").click().run()
    assert at.title[0].value == PAGES["train"][1]
    at.switch_page("app_pages/train.py")
    assert at.session_state["train.config"] == challenge.start
    box = [i.value for i in at.main.info if "epoch 0" in i.value.lower()]
    assert box and lessons_ui.NOT_MET in box[0]
    # Solve it by hand: the learning rate the solution uses, then ten steps.
    at.select_slider(key="train.w.lr").set_value(challenge.solution.lr).run()
    for _ in range(10):
        at.button(key="train.step").click().run()
    solved = [s.value for s in at.main.success]
    assert solved and solved[0].startswith("**Solved!**") and "epoch 10" in solved[0]


@pytest.mark.parametrize("key", ["depth", "catdog"])
def test_a_loaded_lesson_keeps_its_question_on_its_page(key):
    # The question stays on the page the preset loaded into, where the learner works on it,
    # not only on the Lessons page.
    lesson = lessons.LESSON_KEYS[key]
    scope = lesson.page
    at = on_lessons_page()
    at.button(key=f"lesson.{key}.{lesson.presets[0].label}").click().run()
    at.switch_page(PAGES[scope][0])

    def question_shown():
        return any(lesson.question in m.value for m in at.main.markdown)

    assert question_shown()
    for _ in range(2):  # it stays while the learner trains
        at.button(key=f"{scope}.step").click().run()
        assert not at.exception, at.exception
        assert question_shown()
    # The other preset loads from the box itself, and the question stays.
    other = lesson.presets[1]
    at.button(key=f"{scope}.lesson.{other.label}").click().run()
    assert at.session_state[f"{scope}.config"] == other.config
    assert at.session_state[f"{scope}.run"].trainer.epoch == 0
    assert question_shown()
    at.button(key=f"{scope}.lesson.leave").click().run()
    assert not question_shown()


def test_a_challenge_replaces_the_lesson_on_the_train_page():
    at = on_lessons_page()
    at.button(key="lesson.depth.One layer of 8").click().run()
    at.switch_page("app_pages/lessons.py").run()
    at.button(key="challenge.fast").click().run()
    at.switch_page("app_pages/train.py").run()
    question = lessons.LESSON_KEYS["depth"].question
    assert not any(question in m.value for m in at.main.markdown)
    assert any("Challenge: " in m.value for m in at.main.markdown)
