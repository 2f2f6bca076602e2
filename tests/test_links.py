"""Links: settings -> URL parameters -> settings, and what a garbled URL turns into.

The round trips are property tests over random valid configs drawn from the FIELDS table itself
(a seeded NumPy generator, so a failure names its seed and case). The garbage tests check the
user-visible contract: decode never raises, a bad value is clamped or dropped with a note naming
its key, and it never changes any other setting.
"""

from __future__ import annotations

import math
import string

import numpy as np
import pytest

from playground import control_specs, links
from playground.config import FIELDS, MAX_SEED, Field, TrainConfig
from playground.datasets import CATDOG_FEATURES, DATASETS
from playground.losses import TASK_LOSSES

TRAIN_PAGE = control_specs.Where(tuple(DATASETS))


def _random_value(field, rng, dataset):
    kind, allowed = field.kind, field.allowed
    if kind == "int":
        low, high = allowed
        if rng.random() < 0.2:
            return int(rng.choice([low, high]))
        return int(np.exp(rng.uniform(np.log(low + 1), np.log(high + 1)))) - 1 if low >= 0 \
            else int(rng.integers(low, high + 1))
    if kind == "float":
        low, high = allowed
        pick = rng.random()
        if pick < 0.2:
            return float(rng.choice([low, high]))
        if pick < 0.5:  # a percent grid, as a slider moves
            return min(high, max(low, round(float(rng.uniform(low, high)) * 100) / 100))
        return float(rng.uniform(low, high))  # any double: repr must read back exactly
    if kind == "bool":
        return bool(rng.random() < 0.5)
    if kind == "str":
        if field.name == "dataset":
            return str(rng.choice([k for k in allowed if k != "csv"]))
        if field.name == "loss":
            return str(rng.choice(("auto",) + TASK_LOSSES[DATASETS[dataset].task]))
        return str(rng.choice(allowed))
    if kind == "ints":
        return tuple(int(v) for v in rng.integers(1, 129, size=rng.integers(0, 9)))
    if field.name == "features":
        if not DATASETS[dataset].two_d:
            return ()
        n = int(rng.integers(0, len(allowed) + 1))
        return tuple(str(v) for v in rng.permutation(allowed)[:n])
    if field.name == "columns":
        if dataset != "catdog":
            return ()
        n = int(rng.integers(1, len(CATDOG_FEATURES) + 1))
        return tuple(str(v) for v in rng.permutation(CATDOG_FEATURES)[:n])
    raise AssertionError(f"no generator for {field.name}")


def random_config(rng, where=None) -> TrainConfig:
    """A valid config as the page's controls show it, each setting at its default half the time.

    Any valid config turns into one the controls show with ``control_specs.shown``: the percent
    sliders round, the batch size ends at the training rows, the Train page shows two cat/dog
    features.
    """
    dataset = str(rng.choice([k for k in FIELDS["dataset"].allowed if k != "csv"]))
    values = {"dataset": dataset}
    for name, field in FIELDS.items():
        if name != "dataset" and rng.random() < 0.5:
            values[name] = _random_value(field, rng, dataset)
    return control_specs.shown(TrainConfig(**values), where or TRAIN_PAGE)


@pytest.mark.parametrize("seed", range(10))
def test_round_trip_of_random_configs(seed):
    rng = np.random.default_rng(seed)
    for case in range(60):
        config = random_config(rng)
        params = links.encode(config)
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in params.items())
        # Only what differs from the defaults is written.
        assert set(params) == {n for n in FIELDS if getattr(config, n) != FIELDS[n].default}
        link = links.decode(params)
        assert link.notes == (), (seed, case, params)
        assert link.config == config, (seed, case, params)


def test_floats_survive_bit_for_bit():
    for lr in (0.1, 1e-05, 0.30000000000000004, 2 / 3, 9.999999999999998):
        config = TrainConfig(lr=lr)
        assert links.decode(links.encode(config)).config.lr == lr


def test_defaults_make_an_empty_link():
    assert links.encode(TrainConfig()) == {}
    assert links.decode({}) == links.Link(TrainConfig())


@pytest.mark.parametrize("seed", range(5))
def test_teacher_keys_round_trip(seed):
    rng = np.random.default_rng(100 + seed)
    for _ in range(40):
        hidden = frozenset(c for c in links.CONTROLS if rng.random() < rng.random())
        autoplay = bool(rng.random() < 0.5)
        config = random_config(rng)
        at = int(rng.integers(0, min(config.epochs, links.MAX_AT) + 1))
        params = links.encode(config, hidden_controls=hidden, autoplay=autoplay, at=at)
        link = links.decode(params)
        assert (link.hidden_controls, link.autoplay, link.at, link.notes) == (hidden, autoplay, at, ())
        assert link.config == config


def test_show_one_control_hides_all_others():
    link = links.decode({"show": "lr"})
    assert link.hidden_controls == frozenset(links.CONTROLS) - {"lr"}
    assert links.encode(TrainConfig(), hidden_controls=link.hidden_controls) == {"show": "lr"}


def test_hide_groups_and_shared_controls():
    link = links.decode({"hide": "network,penalty_rate"})
    assert link.hidden_controls == {"hidden", "activation", "init", "init_seed", "penalty"}
    assert link.notes == ()


def test_the_control_lists_cover_every_setting():
    covered = set(links.CONTROLS) | set(links.SHARED_CONTROL)
    assert covered == set(FIELDS) - {"dtype"}  # dtype has no control on any page


# -- garbage ------------------------------------------------------------------------------------
GARBAGE = ["", " ", "abc", "nan", "NaN", "inf", "-inf", "1e999", "-1e999", "0x10", "１２",
           "9" * 5000, "\x00", "<script>alert(1)</script>", "1,2,3", "None", "[1, 2]",
           "__import__('os').system('true')", "-1", "1e-300", "true", "0.5.5", "%", "\u202e",
           "1_000", "١٢٣", "Infinity"]


@pytest.mark.parametrize("name", list(FIELDS))
def test_garbage_in_one_key_never_raises_nor_leaks(name):
    good = {"lr": "0.03", "hidden": "4", "data_seed": "7"}
    good.pop(name, None)
    expected_others = links.decode(good).config
    for text in GARBAGE:
        link = links.decode({**good, name: text})
        for other in FIELDS:
            if other != name:
                assert getattr(link.config, other) == getattr(expected_others, other), \
                    (name, text, other)
        # Text that reads as a valid value is taken silently; anything else leaves a note
        # that names the key.
        alone = links.decode({name: text})
        if _reads_cleanly(FIELDS[name], text):
            assert alone.notes == (), (name, text)
        else:
            assert alone.notes and all(name in note for note in alone.notes), (name, text)


def _reads_cleanly(field, text):
    """An independent reading of which texts are valid values of a field."""
    text = text.strip()
    if field.kind in ("int", "float"):
        if not text.isascii() or "_" in text:  # the number rule: ASCII digits, no separators
            return False
        try:
            number = float(text)
        except ValueError:
            return False
        low, high = field.allowed
        if not math.isfinite(number) or not low <= number <= high:
            return False
        if field.kind == "int" and number != int(number):
            return False
        get = TrainConfig().to_dict().__getitem__
        if field.name in FIELDS and field.name not in control_specs.NO_CONTROL \
                and control_specs.control_of(field.name).drawn(get, TRAIN_PAGE):
            # On the grid of the page's control (a slider in whole percents, points in tens).
            return control_specs.widget_of(field.name).holds(number, get, TRAIN_PAGE)
        return True
    if field.kind == "bool":
        return text.lower() in links.TRUE + links.FALSE
    if field.kind == "str":
        return text in field.allowed and text != "csv"
    if not text:
        return False  # an empty list is written none
    items = [] if text.lower() == "none" else [i.strip() for i in text.split(",")]
    if field.kind == "ints":
        layer = Field("layer", "int", None, field.allowed, "")
        return len(items) <= field.length[1] and all(_reads_cleanly(layer, i) for i in items)
    if field.name == "columns":
        return not items  # the default dataset (spiral) has no columns to choose
    return len(set(items)) == len(items) and set(items) <= set(field.allowed)


@pytest.mark.parametrize("params, field, value, fragment", [
    ({"lr": "100"}, "lr", 10.0, "set to 10"),
    ({"lr": "-1"}, "lr", 1e-05, "set to 1e-05"),
    ({"lr": "nan"}, "lr", 0.1, "not a finite number"),
    ({"lr": "1e999"}, "lr", 0.1, "not a finite number"),
    ({"n_samples": "999999"}, "n_samples", 5000, "set to 5000"),
    ({"n_samples": "512.7"}, "n_samples", 510, "rounded to 513"),
    ({"n_samples": "512"}, "n_samples", 510, "became 510 (the slider moves in steps of 10)"),
    ({"train_ratio": "0.33"}, "train_ratio", 0.35, "steps of 5 %"),
    ({"optimizer": "adam", "beta2": "0.99985"}, "beta2", 0.9998, "steps of 0.0001"),
    ({"data_seed": "-3"}, "data_seed", 0, "set to 0"),
    ({"data_seed": str(2**40)}, "data_seed", MAX_SEED, "outside"),
    ({"hidden": "4,x,500"}, "hidden", (4, 128), "layer 2"),
    ({"hidden": ",".join(["3"] * 12)}, "hidden", (3,) * 8, "first 8"),
    ({"hidden": "none"}, "hidden", (), None),
    ({"activation": "swish"}, "activation", "tanh", "not one of"),
    ({"dataset": "csv"}, "dataset", "spiral", "cannot come from a link"),
    ({"dataset": "../../etc/passwd"}, "dataset", "spiral", "not one of"),
    ({"early_stopping": "perhaps"}, "early_stopping", False, "not 1 or 0"),
    ({"early_stopping": "yes"}, "early_stopping", True, None),
    ({"features": "x1*x2,x1*x2,bad"}, "features", ("x1*x2",), "twice"),
    ({"dataset": "catdog", "features": "x1^2"}, "features", (), "2-D datasets"),
    ({"columns": "body_mass_kg"}, "columns", (), "cats-and-dogs"),
    ({"dataset": "catdog", "columns": "body_mass_kg,wings"}, "columns",
     ("body_mass_kg", "shoulder_height_cm"), "'wings'"),  # the Train page shows two
    ({"dataset": "blobs", "loss": "bce"}, "loss", "auto", "does not fit"),
])
def test_each_bad_value_is_mended_and_noted(params, field, value, fragment):
    link = links.decode(params)
    assert getattr(link.config, field) == value
    if fragment is None:
        assert link.notes == ()
    else:
        assert fragment in " ".join(link.notes), link.notes
        assert all(field in note for note in link.notes), link.notes


def test_unknown_keys_are_noted_and_streamlits_own_are_not():
    link = links.decode({"learning_rate": "0.3", "embed": "true", "lr": "0.3"})
    assert link.config == TrainConfig(lr=0.3)
    assert link.notes == ("'learning_rate' is not a setting: ignored.",)


def test_a_repeated_key_takes_its_last_value():
    assert links.decode({"lr": ["0.3", "0.01"]}).config.lr == 0.01


def test_teacher_garbage():
    link = links.decode({"hide": "lr,wings", "autoplay": "maybe", "at": "-4"})
    assert link.hidden_controls == {"lr"} and not link.autoplay and link.at == 0
    assert len(link.notes) == 3
    assert links.decode({"at": "5000", "epochs": "300"}).at == 300


def test_csv_data_cannot_travel():
    config = TrainConfig(dataset="csv", columns=("height", "weight"), lr=0.03)
    params = links.encode(config)
    assert params == {"lr": "0.03"}
    assert "cannot travel" in links.unshareable(config)
    assert links.unshareable(TrainConfig()) is None


@pytest.mark.parametrize("seed", range(4))
def test_fuzzed_urls_never_raise(seed):
    rng = np.random.default_rng(1000 + seed)
    keys = list(FIELDS) + list(links.TEACHER_KEYS) + ["", "x", "embed"]
    alphabet = string.printable + "é€\u0000𝔁"
    for _ in range(300):
        params = {}
        for _ in range(rng.integers(0, 12)):
            key = str(rng.choice(keys))
            length = int(rng.integers(0, 12))
            params[key] = "".join(rng.choice(list(alphabet), size=length))
        link = links.decode(params)
        TrainConfig.from_dict(link.config.to_dict())  # still a valid config
        assert link.hidden_controls <= set(links.CONTROLS)
        assert 0 <= link.at <= link.config.epochs
        assert all(isinstance(n, str) and len(n) < 400 for n in link.notes)
        # Every note names a key the URL held (a user can tell which part was wrong).
        named = [k or "''" for k in params]
        assert all(any(k in note for k in named) for note in link.notes), (params, link.notes)


# -- display keys and other pages ---------------------------------------------------------------
def test_display_keys_round_trip_and_are_not_settings():
    params = links.encode(TrainConfig(), display={"projector": True, "palette": "colorblind"})
    assert params == {"projector": "1", "palette": "colorblind"}
    link = links.decode(params)
    assert link.display == {"projector": True, "palette": "colorblind"}
    assert link.config == TrainConfig() and link.notes == ()
    assert links.encode(TrainConfig(), display={"projector": False, "palette": None}) == {}


def test_bad_display_values_are_noted():
    link = links.decode({"palette": "rainbow", "projector": "bright"})
    assert link.display == {"projector": False}
    assert len(link.notes) == 2 and "rainbow" in link.notes[0] + link.notes[1]


CATDOG_PAGE = TrainConfig(dataset="catdog", hidden=(8,), optimizer="adam", lr=0.01, epochs=500)


def test_a_page_with_its_own_defaults_writes_and_reads_relative_to_them():
    config = CATDOG_PAGE.replace(lr=0.3, columns=("ear_length_cm", "tail_length_cm"))
    params = links.encode(config, base=CATDOG_PAGE)
    assert params == {"columns": "ear_length_cm,tail_length_cm", "lr": "0.3"}
    assert links.decode(params, base=CATDOG_PAGE, datasets=("catdog",),
                        columns="set").config == config


def test_a_page_refuses_datasets_it_does_not_offer():
    link = links.decode({"dataset": "spiral", "features": "x1^2", "lr": "0.3"},
                        base=CATDOG_PAGE, datasets=("catdog",), columns="set")
    assert link.config == CATDOG_PAGE.replace(lr=0.3)
    assert "not offered on this page" in link.notes[0] and "2-D" in link.notes[1]
