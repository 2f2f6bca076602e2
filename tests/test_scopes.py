"""The registry of page scopes: each page's file, starting settings and datasets."""

from __future__ import annotations

import ast
import pathlib
import re

from playground import scopes
from playground.control_specs import shown
from playground.lessons import CHALLENGES, LESSONS

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_every_scope_names_its_page_file():
    for scope in scopes.SCOPES.values():
        assert (ROOT / scope.page).is_file(), scope.page
        assert scope.page.endswith(f"/{scope.url_path}.py")


def test_every_page_script_is_in_the_registry_once():
    scripts = [page.script for page in scopes.PAGES.values()]
    on_disk = sorted(f"app_pages/{p.name}" for p in (ROOT / "app_pages").glob("*.py"))
    assert sorted(scripts) == on_disk
    assert {scope.page for scope in scopes.SCOPES.values()} <= set(scripts)


def _sources():
    yield ROOT / "streamlit_app.py"
    yield from sorted((ROOT / "app_pages").glob("*.py"))
    yield from sorted((ROOT / "playground").rglob("*.py"))


def _strings(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def test_page_paths_are_written_only_in_the_registry():
    registry = ROOT / "playground" / "scopes.py"
    offenders = [(str(path.relative_to(ROOT)), text) for path in _sources() if path != registry
                 for text in _strings(path) if re.search(r"app_pages/\w+\.py", text)]
    assert offenders == []


def test_session_state_is_touched_only_through_ui_state():
    allowed = {ROOT / "playground" / "ui" / "state.py"}
    offenders = sorted({str(path.relative_to(ROOT)) for path in _sources() if path not in allowed
                        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                        if isinstance(node, ast.Attribute) and node.attr == "session_state"})
    assert offenders == []


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
