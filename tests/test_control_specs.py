"""The control records: what a page's controls show, for every control and any config.

One property covers the link-rounding class of bug for every control at once: for any valid
config, ``shown`` gives a config that the page's controls show as it is (its own shown value,
each drawn widget holding its value: one of its options, in its range, on its grid), and a link
decodes to such a config, so a page's first draw never changes a setting a link gave. The last
test checks the records against the real widgets: a page opened with a link to a shown config
keeps it, setting for setting.
"""

from __future__ import annotations

import ast
import pathlib

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from playground import control_specs, links
from playground.config import FIELDS, TrainConfig
from playground.control_specs import CONTROLS, Where, shown
from playground.datasets import CATDOG_FEATURES, DATASETS
from test_links import random_config

ALL = tuple(DATASETS)
CATDOG_PAGE = TrainConfig(dataset="catdog", hidden=(8,), optimizer="adam", lr=0.01, epochs=500)
WHERES = {
    "train": Where(ALL),
    "catdog": Where(("catdog",), columns="set"),
    "binary upload": Where(ALL, upload=("binary", 37)),
    "multiclass upload": Where(ALL, upload=("multiclass", 900)),
    "regression upload": Where(ALL, upload=("regression", 10)),
}


def _raw_config(rng, where):
    """Any valid config the page could hold, shown or not (a link, a lesson, a saved model)."""
    config = random_config(rng)  # shown on the Train page; now undo some of that
    changes = {}
    for name in ("noise", "label_noise", "train_ratio", "momentum", "beta2"):
        if rng.random() < 0.5:
            low, high = FIELDS[name].allowed
            changes[name] = float(rng.uniform(low, high))
    if rng.random() < 0.5:
        changes["n_samples"] = int(rng.integers(50, 5001))
    if rng.random() < 0.5:
        changes["batch_size"] = int(rng.integers(1, 5001))
    if config.dataset == "catdog":
        n = int(rng.integers(0, len(CATDOG_FEATURES) + 1))
        changes["columns"] = tuple(str(c) for c in rng.permutation(CATDOG_FEATURES)[:n])
    if "catdog" in where.datasets and where.datasets != ALL:
        changes["dataset"] = "catdog"
        changes["features"] = ()
        changes["loss"] = "auto"
    if where.upload and rng.random() < 0.5:
        changes.update(dataset="csv", features=(), loss="auto",
                       columns=("a", "b")[:int(rng.integers(1, 3))])
    return config.replace(**changes)


def _get(config):
    values = config.to_dict()
    return lambda name: tuple(values[name]) if isinstance(values[name], list) else values[name]


@pytest.mark.parametrize("page", list(WHERES))
@pytest.mark.parametrize("seed", range(4))
def test_every_control_shows_its_shown_value_as_it_is(page, seed):
    rng = np.random.default_rng(seed)
    for case in range(150):
        hidden_controls = frozenset(c for c in CONTROLS if rng.random() < 0.1)
        where = Where(WHERES[page].datasets, WHERES[page].upload, WHERES[page].columns,
                      hidden_controls)
        config = _raw_config(rng, where)
        once = shown(config, where)
        assert shown(once, where) == once, (page, seed, case, config)
        get = _get(once)
        for control in CONTROLS.values():
            if control.name in hidden_controls:
                assert {f: get(f) for f in control.fields} == \
                    {f: getattr(config, f) for f in control.fields}  # not drawn: left alone
                continue
            if not control.drawn(get, where):
                continue
            for widget in control.widgets:
                if control.name == "columns":  # drawn as two boxes or one multiselect
                    assert set(get("columns")) <= set(CATDOG_FEATURES)
                    if where.columns == "pair":
                        assert len(get("columns")) == 2
                    continue
                assert widget.holds(get(widget.field), get, where), \
                    (page, seed, case, widget.field, get(widget.field))


def test_the_shown_value_of_each_kind_of_control():
    train = WHERES["train"]
    raw = TrainConfig(noise=0.123, label_noise=0.025, train_ratio=0.33, n_samples=512,
                      optimizer="momentum", momentum=0.9555, batch_size=400)
    assert shown(raw, train) == raw.replace(noise=0.12, label_noise=0.02, train_ratio=0.35,
                                            n_samples=510, momentum=0.956,
                                            batch_size=round(510 * 0.35))
    catdog = TrainConfig(dataset="catdog", columns=("tail_length_cm",), features=())
    assert shown(catdog, train).columns == ("tail_length_cm", "body_mass_kg")
    assert shown(catdog.replace(columns=("tail_length_cm", "ear_length_cm")),
                 WHERES["catdog"]).columns == ("ear_length_cm", "tail_length_cm")
    # The batch-size slider of an upload ends at its training rows: 37 rows, half for training.
    upload = TrainConfig(dataset="csv", columns=("a", "b"), batch_size=100)
    assert shown(upload, WHERES["binary upload"]).batch_size == 18
    # A loss the task does not allow is shown as the task's usual one ("auto").
    assert shown(TrainConfig(dataset="blobs", loss="bce"), train).loss == "auto"


@pytest.mark.parametrize("page, base, columns", [("train", links.DEFAULTS, "pair"),
                                                 ("catdog", CATDOG_PAGE, "set")])
@pytest.mark.parametrize("seed", range(3))
def test_a_link_carries_a_shown_config_there_and_back(page, base, columns, seed):
    where = WHERES[page]
    datasets = None if page == "train" else where.datasets
    rng = np.random.default_rng(50 + seed)
    for case in range(100):
        config = _raw_config(rng, where)
        # Any valid config: its link decodes to the config the page shows, nothing else.
        link = links.decode(links.encode(config, base=base), base=base, datasets=datasets,
                            columns=columns)
        assert link.config == shown(config, where), (seed, case, config)
        # A shown config: there and back with no note.
        once = shown(config, where)
        link = links.decode(links.encode(once, base=base), base=base, datasets=datasets,
                            columns=columns)
        assert (link.config, link.notes) == (once, ()), (seed, case, once)


def test_a_garbled_link_still_decodes_to_a_shown_config():
    rng = np.random.default_rng(7)
    texts = ["0.0251", "513", "0.3333", "-1", "7.5", "x", "none", "0.95555", "100000", "tanh",
             "body_mass_kg", "sin x1", "catdog", "blobs", "csv", "1e-300"]
    for _ in range(400):
        params = {str(rng.choice(list(FIELDS))): str(rng.choice(texts))
                  for _ in range(rng.integers(1, 6))}
        config = links.decode(params).config
        assert shown(config, WHERES["train"]) == config, params


def test_the_records_cover_every_setting_once():
    fields = [f for control in CONTROLS.values() for f in control.fields]
    assert sorted(fields) == sorted(set(FIELDS) - set(control_specs.NO_CONTROL))
    assert [c for names in control_specs.GROUPS.values() for c in names] == list(CONTROLS)


SEEDS = range(6)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_page_keeps_a_shown_config_it_is_opened_with(seed):
    # The records against the real widgets: a page drawn from a shown config hands back the
    # same config (a widget that rounded or capped would change it and start a new run).
    rng = np.random.default_rng(300 + seed)
    config = shown(_raw_config(rng, WHERES["train"]), WHERES["train"])
    at = AppTest.from_file("../streamlit_app.py", default_timeout=60)
    for key, value in links.encode(config).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["train.config"] == config
    assert not [w.value for w in at.warning if "could not be used" in w.value]


# -- import rules -----------------------------------------------------------------------------
ROOT = pathlib.Path(__file__).resolve().parent.parent


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def test_only_the_ui_package_imports_streamlit():
    library = ROOT / "playground"
    offenders = [str(p.relative_to(ROOT)) for p in library.rglob("*.py")
                 if library / "ui" not in p.parents
                 and any(m == "streamlit" or m.startswith("streamlit.") for m in _imports(p))]
    assert offenders == []


def test_links_and_the_control_records_do_not_import_the_charts():
    for name in ("links.py", "control_specs.py", "config.py"):
        imported = set(_imports(ROOT / "playground" / name))
        assert not {m for m in imported if m.startswith("playground.charts")}, name


def test_the_command_lines_help_says_what_the_pages_offer():
    from playground import cli
    text = " ".join(cli.build_parser()._subparsers._group_actions[0].choices["train"]
                    .format_help().split())
    assert "0 to 0.5; the pages move in whole percents" in text
    assert "the pages move in steps of 5 %" in text
    assert "the pages offer 1e-05, 3e-05, 0.0001" in text
