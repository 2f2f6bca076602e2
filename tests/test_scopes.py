"""The registry of page scopes: each page's file, starting settings and datasets."""

from __future__ import annotations

import pathlib

from playground import scopes
from playground.control_specs import shown
from playground.lessons import CHALLENGES, LESSONS

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_every_scope_names_its_page_file():
    for scope in scopes.SCOPES.values():
        assert (ROOT / scope.page).is_file(), scope.page
        assert scope.page.endswith(f"/{scope.url_path}.py")


def test_a_page_finds_its_scope_and_the_others_work_on_the_train_run():
    assert scopes.of_page("cats_dogs").key == "catdog"
    assert scopes.of_page("train").key == "train"
    for other in ("", "lessons", "compare", "landscape", "replay", "inside"):
        assert scopes.of_page(other).key == "train"


def test_a_first_visit_draws_the_starting_settings_as_they_are():
    # A starting config the page's controls would change would start a second run at once.
    for scope in scopes.SCOPES.values():
        assert shown(scope.default, scope.where()) == scope.default, scope.key
        if scope.datasets:
            assert scope.default.dataset in scope.datasets


def test_lessons_load_only_into_scopes_that_exist():
    assert {lesson.page for lesson in LESSONS} <= set(scopes.SCOPES)


def test_every_lesson_and_challenge_loads_settings_its_page_shows_as_they_are():
    for lesson in LESSONS:
        where = scopes.SCOPES[lesson.page].where()
        for preset in lesson.presets:
            assert shown(preset.config, where) == preset.config, (lesson.key, preset.label)
    where = scopes.SCOPES["train"].where()
    for challenge in CHALLENGES:
        assert shown(challenge.start, where) == challenge.start, challenge.key
