"""A catalogue of bad, odd and hostile inputs, each met the way a user meets it.

Every case asserts the message the user sees AND that what they had survives: for the pages (a
CSV upload, a model file, a typed measurement) the settings, the run (the same object at the
same epoch) and the data of a session that trained a few epochs first; for links, the settings
the link did not break; for the command line, that nothing was trained or written. The rules
the messages follow are written once, in ``playground/text.py``.

The uploads share one trained session per kind (an AppTest run per case, not a session per
case): each case checks the state against the one taken before the first upload, so a case that
changed anything fails there and every later case fails with it.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import zipfile

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from page_support import live_charts, unescaped
from playground import cli, datasets, files, links, model_io, teaching, text
from playground.config import TrainConfig
from playground.training import Trainer

APP = "../streamlit_app.py"


# -- helpers ------------------------------------------------------------------------------------
def _session(params=None, page=None):
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["train.files.open"] = True
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _step(at, times=1, scope="train"):
    for _ in range(times):
        at.button(key=f"{scope}.step").click().run()
        assert not at.exception, at.exception


def _state(at, scope="train"):
    """What a bad input must not change: the settings, the run and its trainer (the very
    objects), the epoch, and the data."""
    run = at.session_state[f"{scope}.run"]
    data = (at.session_state[f"{scope}.dataset"] if f"{scope}.dataset" in at.session_state
            else None)
    return (at.session_state[f"{scope}.config"], id(run), id(run.trainer), run.trainer.epoch,
            id(data))


def _trained():
    at = _session({"dataset": "moons", "hidden": "4"})
    _step(at, 3)
    return at, _state(at)


def _upload(at, key, name, content, mime):
    uploader = at.file_uploader(key=key)
    if uploader.value:
        uploader.clear().run()
    at.file_uploader(key=key).upload(name, content, mime).run()
    assert not at.exception, at.exception


def _errors(at):
    return [unescaped(e.value) for e in at.error]


def _csv(header, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def _good_rows(n=40):
    return [(i, (i * 7) % 11, "a" if i % 2 else "b") for i in range(n)]


GOOD = _csv(["x1", "x2", "label"], _good_rows())


def _with_cell(value, column=0, row=3):
    rows = [list(r) for r in _good_rows()]
    rows[row][column] = value
    return _csv(["x1", "x2", "label"], rows)


def _zip_named_csv() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("data.csv", GOOD)
    return out.getvalue()


def _model(**changes) -> dict:
    trainer = Trainer(TrainConfig(dataset="circle", hidden=(4,), lr=0.3))
    trainer.run(epochs=5)
    data = model_io.to_dict(trainer)
    data.update(changes)
    return data


MODEL = _model()


def _model_bytes(**changes) -> bytes:
    return json.dumps({**MODEL, **changes}).encode()


# -- CSV upload: refused, one message, nothing changed --------------------------------------------
BAD_CSV = [
    ("header_only", b"x1,x2,label\n", "header but no data rows"),
    ("excel_semicolons", GOOD.replace(b",", b";"), "semicolons"),
    ("tabs", GOOD.replace(b",", b"\t"), "tabs"),
    ("duplicate_names", GOOD.replace(b"x1,x2,label", b"x,x,label", 1), "'x' twice"),
    ("one_class", _csv(["x1", "x2", "label"], [(i, i % 5, "a") for i in range(30)]),
     "single class"),
    ("zip_renamed_csv", _zip_named_csv(), "zip archive"),
    ("xlsx_workbook", b"PK\x03\x04" + bytes(200), "an Excel .xlsx workbook is one"),
    ("pdf", b"%PDF-1.7\n" + bytes(100), "PDF document"),
    ("png", b"\x89PNG\r\n\x1a\n" + bytes(100), "PNG image"),
    ("utf16_without_bom", GOOD.decode().encode("utf-16-le"), "UTF-16 text without a byte-order"),
    ("latin1", GOOD.replace(b"label", "étiquette".encode("latin-1")), "not UTF-8"),
    ("nul_byte", GOOD.replace(b"3,10", b"3\x00,10"), "NUL byte"),
    ("control_character", GOOD.replace(b"3,10", b"3\x07,10"), "U+0007"),
    ("empty", b"", "empty"),
    ("blank_lines_only", b"\n\r\n  \n", "empty"),
    ("one_column", b"label\n" + b"a\nb\n" * 10, "only one column"),
    ("nan_cell", _with_cell("nan"), "missing value"),
    ("NA_cell", _with_cell("NA"), "missing value"),
    ("empty_cell", _with_cell(""), "missing value"),
    ("inf_cell", _with_cell("inf"), "non-finite"),
    ("thousands_underscore", _with_cell("1_000"), "thousands separator"),
    ("thousands_comma", _with_cell("1,000"), "thousands separator"),
    ("hexadecimal", _with_cell("0x1F"), "another base"),
    ("arabic_indic_digits", _with_cell("١٢٣"), "digits other than 0-9"),
    ("fullwidth_digits", _with_cell("１２"), "digits other than 0-9"),
    ("decimal_comma", _with_cell("1,5"), "decimal comma"),
    ("unit_in_cell", _with_cell("5kg"), "'5kg'"),
    ("beyond_float32", _with_cell("1e31"), "too large to train with"),
    ("label_beyond_range", _csv(["x1", "x2", "y"], [(i, i % 3, 1e40 if i == 4 else i * 0.5)
                                                      for i in range(30)]), "too large"),
    ("missing_label", _with_cell("", column=2), "missing value"),
    ("invisible_in_class", _with_cell("a\u200b", column=2), "U+200B"),
    ("too_many_classes", _csv(["x1", "x2", "label"], [(i, i % 3, "abcdef"[i % 6])
                                                       for i in range(36)]), "too many classes"),
    ("too_few_rows", _csv(["x1", "x2", "label"], _good_rows(6)), "too few rows"),
    ("too_many_rows", _csv(["x1", "x2", "label"], _good_rows(5001)), "too many rows"),
    ("too_large_bytes", b"x1,x2,label\n" + b"1.000000000,2.0000000000,a\n" * 200_000,
     "too large"),
    ("sixty_columns", _csv([f"c{i}" for i in range(59)] + ["label"],
                           [list(range(59)) + ["ab"[i % 2]] for i in range(12)]),
     "too many columns: 60"),
    ("twenty_thousand_columns", (",".join(f"c{i}" for i in range(20_000)) + "\n").encode(),
     "too many columns: 20,000"),
    ("huge_line", b"x1,x2,label\n1,2,\"" + b"x" * 30_000 + b"\"\n", "characters long"),
    ("ragged_row", GOOD.replace(b"3,10,a\n", b"3,10,a,9\n"), "has 4 fields"),
    ("unnamed_middle_column", GOOD.replace(b"x1,x2,label", b"x1,,label", 1), "is empty"),
    ("unnamed_last_column_with_a_value", GOOD.replace(b"\n", b",\n").replace(b"3,10,a,", b"3,10,a,7"),
     "column 4's name '' in the header line is empty"),
    ("only_rows_of_commas", b"x1,x2,label\n" + b",,\n" * 40, "header but no data rows"),
    ("header_of_commas_only", b",,\n" + GOOD.split(b"\n", 1)[1], "holds no column names"),
    ("excel_sep_semicolon", b"sep=;\n" + GOOD.replace(b",", b";"), "separated by semicolons"),
    ("control_in_column_name", GOOD.replace(b"x1,", b"x\x1b1,", 1), "U+001B"),
    ("rtl_override_in_name", GOOD.replace(b"x1,", "x\u202e1,".encode(), 1), "U+202E"),
    ("zero_width_in_name", GOOD.replace(b"x1,", "x\u200b1,".encode(), 1), "U+200B"),
    ("very_long_name", GOOD.replace(b"x1,", b"x" * 500 + b",", 1), "500 characters long"),
    ("all_text_features", _csv(["pet", "colour", "label"],
                               [(f"Rex{i}", "brown", "ab"[i % 2]) for i in range(20)]),
     "no numeric feature columns"),
    ("json_as_csv", b'{"x1": [1, 2], "label": ["a", "b"]}', "JSON file, not a CSV table"),
    ("model_file_as_csv", _model_bytes(), "opens under 'Open a model'"),
    ("web_page_as_csv", b"<!DOCTYPE html><html><body><table></table></body></html>",
     "web page"),
    # A bad cell late in a column of numbers: the one match over the joined column once took
    # time exponential in the rows before it (this page run did not end).
    ("missing_value_in_the_last_row", _with_cell("", row=39), "data row 40"),
    ("text_in_the_last_row", _with_cell("n/a", row=39), "missing value ('n/a')"),
    ("long_digits_then_a_letter", _with_cell("1" * 15_000 + "x", row=39), "is not a number"),
]


@pytest.fixture(scope="module")
def csv_session():
    return _trained()


@pytest.mark.parametrize("name, content, says", BAD_CSV, ids=[c[0] for c in BAD_CSV])
def test_a_bad_csv_upload_says_why_and_changes_nothing(csv_session, name, content, says):
    at, before = csv_session
    _upload(at, "train.csv_upload", f"{name}.csv", content, "text/csv")
    shown = _errors(at)
    assert len(shown) == 1 and says in shown[0], shown
    assert f"{name}.csv" in shown[0] and "Your current data and run are unchanged" in shown[0]
    assert not [b for b in at.button if b.key == "train.csv_use"]  # nothing to train on
    assert _state(at) == before


def test_the_number_rule_reads_each_spelling_in_one_way_only():
    # Old and new patterns accept the same strings (the old one is the oracle on short strings,
    # where its many ways to match cost nothing) ...
    old = re.compile(r"[ \t]*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t]*")
    for size in range(6):
        for chars in itertools.product("1.e+- x", repeat=size):
            spelling = "".join(chars)
            assert bool(old.fullmatch(spelling)) == bool(text.NUMBER.fullmatch(spelling))
    # ... and a column of 5,000 numbers with a bad last cell is refused (it was 2^5000 steps).
    column = pd.Series([str(10 + i % 90) for i in range(4999)] + ["12a"])
    values, bad = datasets._numbers(column)
    assert bad.tolist() == [False] * 4999 + [True] and values[0] == 10.0


def test_the_refused_uploads_leave_a_session_that_still_trains(csv_session):
    at, before = csv_session
    _step(at)
    assert _state(at)[:3] == before[:3] and _state(at)[3] == before[3] + 1


def test_a_hundred_megabyte_file_is_refused_by_its_size_before_it_is_read():
    # bytes(n) is zeros the system hands out lazily: the size check comes before any pass over
    # them (a pass would find a NUL byte and say so instead).
    with pytest.raises(datasets.DataError, match="too large: 100,000,000 bytes"):
        files.sniff(bytes(100_000_000))


# -- CSV upload: files from elsewhere that are fine ---------------------------------------------
def _pandas_default_export() -> bytes:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(40, 2)).round(3), columns=["height", "weight"])
    frame["kind"] = np.where(frame.height > frame.weight, "tall", "heavy")
    return frame.to_csv().encode()  # the index column, its header cell empty


ODD_BUT_FINE = [
    ("pandas_default_export", _pandas_default_export(), ["height", "weight"],
     "row numbers pandas writes"),
    ("utf8_bom", b"\xef\xbb\xbf" + GOOD, ["x1", "x2"], None),
    ("utf16_bom", "\ufeff".encode("utf-16-le") + GOOD.decode().encode("utf-16-le"),
     ["x1", "x2"], None),
    ("utf16_be_bom", GOOD.decode().encode("utf-16"), ["x1", "x2"], None),
    ("crlf", GOOD.replace(b"\n", b"\r\n"), ["x1", "x2"], None),
    ("cr_only", GOOD.replace(b"\n", b"\r"), ["x1", "x2"], None),
    ("spaces_around_numbers", GOOD.replace(b"3,10,a", b" 3 , 10 ,a"), ["x1", "x2"], None),
    ("exponents_and_signs", GOOD.replace(b"3,10,a", b"+3e0,.1E2,a"), ["x1", "x2"], None),
    # What spreadsheets write: rows once used (only commas), a trailing comma on every line,
    # Excel's "sep=," first line. Each is left out with a note, not refused.
    ("excel_rows_of_commas", GOOD + b",,\n" * 12, ["x1", "x2"], "12 rows with no values"),
    ("excel_trailing_commas", GOOD.replace(b"\n", b",,\r\n"), ["x1", "x2"],
     "The last 2 columns have no name and no values"),
    ("excel_sep_line", b"sep=,\r\n" + GOOD, ["x1", "x2"], "Excel's hint of the separator"),
    ("a_column_of_missing_values", _csv(["x1", "x2", "x3", "label"],  # not proposed
                                        [(a, b, "", c) for a, b, c in _good_rows()]),
     ["x1", "x2"], None),
]


@pytest.mark.parametrize("name, content, features, note", ODD_BUT_FINE,
                         ids=[c[0] for c in ODD_BUT_FINE])
def test_files_from_other_systems_are_read_and_change_nothing_until_used(
        csv_session, name, content, features, note):
    at, before = csv_session
    _upload(at, "train.csv_upload", f"{name}.csv", content, "text/csv")
    assert not at.error, _errors(at)
    chooser = [m for m in at.multiselect if m.key and m.key.startswith("train.csv.")][0]
    assert chooser.value == features and "" not in chooser.options
    notes = [unescaped(i.value) for i in at.info]
    assert notes == ([] if note is None else [n for n in notes if note in n]) and \
        len(notes) == (note is not None), notes
    assert [b for b in at.button if b.key == "train.csv_use"]  # offered, not yet used
    assert _state(at)[:3] == before[:3]


def test_the_core_loader_and_the_page_agree_on_pandas_index_columns():
    table = datasets.load_csv(_pandas_default_export())
    assert table.feature_columns == ("height", "weight") and table.notes == (datasets.INDEX_NOTE,)
    sniffed = files.sniff(_pandas_default_export())
    assert sniffed.columns == ("height", "weight", "kind") and sniffed.label == "kind"


# -- model files -----------------------------------------------------------------------------------
BAD_MODELS = [
    ("list", b"[1, 2, 3]", "holds a list"),
    ("string", b'"model"', "holds a string"),
    ("zip_renamed_json", _zip_named_csv(), "zip archive"),
    ("control_in_name", _model_bytes(input_names=["x\u00011", "x2"]), "U+0001"),
    ("nul_in_name", _model_bytes(input_names=["x\u00001", "x2"]), "U+0000"),
    ("lone_surrogate_in_name", _model_bytes(input_names=["\ud800", "x2"]), "U+D800"),
    ("rtl_override_in_name", _model_bytes(input_names=["a\u202eb", "x2"]), "U+202E"),
    ("zero_width_in_name", _model_bytes(input_names=["x\u200b1", "x2"]), "U+200B"),
    ("bom_in_name", _model_bytes(input_names=["\ufeffx1", "x2"]), "U+FEFF"),
    ("very_long_name", _model_bytes(input_names=["x" * 100_000, "x2"]), "100,000 characters"),
    ("empty_name", _model_bytes(input_names=["", "x2"]), "is empty"),
    ("surrogate_class_name", _model_bytes(class_names=["a", "\udfff"]), "U+DFFF"),
    ("deep_nesting", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ("nan_weight", _model_bytes().replace(b"0.", b"NaN, 0.", 1), "must be finite"),
    ("latin1", _model_bytes(input_names=["x1", "x2"]).replace(b'"x1"', '"é"'.encode("latin-1")),
     "not UTF-8"),
    ("truncated", _model_bytes()[:-40], "not valid JSON"),
    ("empty_file", b"", "not valid JSON: Expecting value at line 1, column 1"),
    ("null", b"null", "holds null"),
    ("five_thousand_digits", b'{"epoch": ' + b"9" * 5000 + b"}", "a whole number of 5,000 digits"),
    ("huge_epoch", _model_bytes().replace(b'"epoch": 5', b'"epoch": ' + b"9" * 40),
     "epoch must be a whole number from 0 to"),
    ("huge_layer", _model_bytes(sizes=[2, 10 ** 9, 1]), "each 1 to 128"),
    ("ten_thousand_layers", _model_bytes(sizes=[2] + [4] * 10_000 + [1]),
     "'10,002 in all'] do not match"),
    ("wrong_weight_shape", _model_bytes(params=[[[1.0, 2.0]]] + MODEL["params"][1:]),
     "params[0] must have shape (2, 4), got (1, 2)"),
    ("weights_as_text", _model_bytes(params=[["a"]] + MODEL["params"][1:]), "numbers only"),
    ("a_weight_missing", _model_bytes(params=MODEL["params"][:-1]), "a list of 4 arrays"),
    ("unknown_setting", _model_bytes(config={**MODEL["config"], "evil": "__import__('os')"}),
     "unknown setting 'evil'"),
    ("hidden_of_a_billion", _model_bytes(config={**MODEL["config"], "hidden": [10 ** 9]}),
     "between 1 and 128"),
    ("zero_scale", _model_bytes(scaler={"mean": [0, 0], "scale": [0, 1]}), "must be positive"),
    ("one_class_name_short", _model_bytes(task="multiclass"), "a list of 1 name"),
    ("pickle", b"\x80\x04\x95" + bytes(30), "Python pickle"),
]


@pytest.fixture(scope="module")
def model_session():
    return _trained()


@pytest.mark.parametrize("name, content, says", BAD_MODELS, ids=[c[0] for c in BAD_MODELS])
def test_a_bad_model_file_says_why_and_changes_nothing(model_session, name, content, says):
    at, before = model_session
    _upload(at, "train.model_upload", f"{name}.json", content, "application/json")
    shown = _errors(at)
    assert len(shown) == 1 and says in shown[0], shown
    assert "Nothing was changed" in shown[0]
    assert not [b for b in at.button if b.key == "train.model_continue"]
    assert _state(at) == before


@pytest.mark.parametrize("name, content", [
    ("utf8_bom", b"\xef\xbb\xbf" + _model_bytes()),
    ("utf16_bom", json.dumps(MODEL).encode("utf-16")),
    ("crlf", json.dumps(MODEL, indent=1).replace("\n", "\r\n").encode()),
])
def test_model_files_from_other_editors_open_and_change_nothing_until_continued(
        model_session, name, content):
    at, before = model_session
    _upload(at, "train.model_upload", f"{name}.json", content, "application/json")
    assert not at.error, _errors(at)
    assert not at.button(key="train.model_continue").disabled
    assert _state(at) == before


# -- links ------------------------------------------------------------------------------------------
BAD_LINKS = [
    ({"n_samples": "1_000"}, "n_samples", "not a whole number"),
    ({"n_samples": "١٢٣"}, "n_samples", "not a whole number"),
    ({"n_samples": "１２３"}, "n_samples", "not a whole number"),
    ({"lr": "nan"}, "lr", "not a finite number"),
    ({"lr": "Infinity"}, "lr", "not a finite number"),
    ({"lr": "0x1p-3"}, "lr", "not a finite number"),
    ({"noise": "1,5"}, "noise", "not a finite number"),
    ({"activation": "<img src=x onerror=alert(1)>"}, "activation", "is not one of"),
    ({"dataset": "\u202ecsv"}, "dataset", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ({"n_classes": "4\x00"}, "n_classes", "U+0000"),
    ({"lr": "9" * 400}, "lr", "characters long"),
    # A NUL or another invisible character refuses the whole value, and a list of layers
    # with nothing readable in it keeps the page's layers (not "no hidden layer").
    ({"hidden": "\x00"}, "hidden", "invisible character U+0000 at position 1"),
    ({"hidden": "4,\x00,4"}, "hidden", "U+0000 at position 3"),
    ({"hidden": "\x1b[31m4"}, "hidden", "U+001B"),
    ({"hidden": "4\u200b"}, "hidden", "U+200B (ZERO WIDTH SPACE)"),
    ({"hidden": ""}, "hidden", "is empty (to ask for none, write hidden=none)"),
    ({"hidden": "x,y"}, "hidden", "holds no whole number: left out (it stays"),
    ({"hidden": ","}, "hidden", "holds no whole number"),
    ({"hidden": "٤"}, "hidden", "holds no whole number"),
    ({"hidden": "nan,inf"}, "hidden", "holds no whole number"),
    ({"features": "bogus"}, "features", "names none of"),
    ({"features": ""}, "features", "is empty"),
    ({"lr": ["0.3", "\x00"]}, "lr", "U+0000"),  # a repeated key: the last value counts
    ({"lr": "-inf"}, "lr", "not a finite number"),
    ({"lr": "1e"}, "lr", "not a finite number"),
    ({"n_samples": "1e400"}, "n_samples", "not a whole number"),
    ({"n_samples": "9" * 301}, "n_samples", "301 characters long"),
    ({"noise": ""}, "noise", "not a finite number"),
    ({"activation": "TANH"}, "activation", "is not one of"),
]


@pytest.mark.parametrize("params, key, says", BAD_LINKS, ids=[f"{k}-{i}" for i, (_, k, _) in
                                                             enumerate(BAD_LINKS)])
def test_a_bad_link_value_gets_a_note_and_every_other_setting_stays(params, key, says):
    good = {"dataset": "xor", "hidden": "4", "lr": "0.03", "n_samples": "300", "noise": "0.1",
            "activation": "relu"}
    good.pop(key, None)
    expected = links.decode(good).config
    link = links.decode({**good, **params})
    assert len(link.notes) == 1 and key in link.notes[0] and says in link.notes[0], link.notes
    assert link.config == expected  # the bad key keeps the page's value, the rest is the link's


BAD_TEACHER_KEYS = [
    ({"show": "\x00"}, "U+0000"),
    ({"show": ""}, "names no control: ignored (every control is shown)"),
    ({"show": "learning_rate"}, "names no control"),
    ({"hide": "lr\x00"}, "U+0000"),
    ({"at": "5\x00"}, "U+0000"),
    ({"at": "9" * 400}, "400 characters long"),
    ({"at": "nan"}, "not a whole number"),
    ({"autoplay": "1\x00"}, "U+0000"),
    ({"palette": "\u202eclassic"}, "U+202E"),
]


@pytest.mark.parametrize("params, says", BAD_TEACHER_KEYS,
                         ids=[f"{k}-{i}" for i, (p, _) in enumerate(BAD_TEACHER_KEYS) for k in p])
def test_a_bad_teacher_key_is_ignored_with_one_note_and_hides_nothing(params, says):
    good = {"dataset": "xor", "hidden": "4", "lr": "0.03"}
    link = links.decode({**good, **params})
    assert len(link.notes) == 1 and says in link.notes[0], link.notes
    assert link.config == links.decode(good).config
    assert link.hidden_controls == frozenset() and not link.autoplay and link.at == 0
    assert link.display in ({}, {"projector": False})


def test_a_link_with_a_nul_in_hidden_keeps_the_layers_and_the_rest_on_the_page():
    at = _session({"hidden": "\x00", "lr": "0.3", "dataset": "xor", "at": "3"})
    notes = [unescaped(w.value) for w in at.warning]
    assert len(notes) == 1 and "hidden='\\x00' holds the invisible character U+0000" in notes[0]
    config = at.session_state["train.config"]
    assert config == TrainConfig(dataset="xor", lr=0.3)  # the page's layers, the link's rest
    run = at.session_state["train.run"]
    assert run.trainer.config.hidden == TrainConfig().hidden and run.trainer.epoch == 3
    assert at.query_params.get("hidden") is None  # the address now says what the page shows


# -- typed measurements (cats vs dogs) ---------------------------------------------------------------
BAD_TYPED = [
    ("1e308", "beyond ±1e+30"),
    ("-1e31", "beyond ±1e+30"),
    ("nan", "not a finite number"),
    ("inf", "not a finite number"),
    ("1_000", "thousands separator"),
    ("1,000", "could mean a thousands separator"),
    ("0x10", "another base"),
    ("١٢", "digits other than 0-9"),
    ("5kg", "is not a number"),
    ("", "is empty"),
]


@pytest.fixture(scope="module")
def catdog_session():
    at = _session(page="app_pages/cats_dogs.py")
    _step(at, 2, scope="catdog")
    at.radio(key="catdog.animal.source").set_value("Type its measurements").run()
    at.text_input(key="catdog.typed.body_mass_kg").input("5.5").run()
    assert not at.exception and not at.error
    return at, _state(at, "catdog"), _measured(at)


def _measured(at):
    return next(df.value for df in at.dataframe if "scaled" in df.value.columns)["measured"]


@pytest.mark.parametrize("typed, says", BAD_TYPED, ids=[t or "empty" for t, _ in BAD_TYPED])
def test_a_bad_typed_measurement_says_why_and_the_walk_through_keeps_the_last_good_values(
        catdog_session, typed, says):
    at, before, measured = catdog_session
    at.text_input(key="catdog.typed.body_mass_kg").input(typed).run()
    assert not at.exception
    shown = _errors(at)
    assert len(shown) == 1 and "body mass (kg)" in shown[0] and says in shown[0], shown
    np.testing.assert_array_equal(_measured(at), measured)
    page = " ".join(m.value for m in at.markdown)
    assert "nan" not in page.replace("\\", "").lower().split(), page  # no 'nan' walk-through
    assert _state(at, "catdog") == before


def test_typed_values_follow_the_one_number_rule():
    # The same spelling is a number everywhere or nowhere: typed values, CSV cells, links.
    for spelling in ("12", "-0.5", ".5", "3.", "1e-3", "+2.5E6", " 7 "):
        assert teaching.parse_number(spelling) == float(spelling)
        assert datasets.load_csv(_with_cell(spelling)).df["x1"].iloc[3] == float(spelling)
        assert links.decode({"lr": spelling}).config.lr == min(max(float(spelling), 1e-5), 10)
    for spelling in ("nan", "1_000", "0x10", "١٢"):
        assert text.number_problem(spelling)
        with pytest.raises(ValueError):
            teaching.parse_number(spelling)
        with pytest.raises(datasets.DataError):
            datasets.load_csv(_with_cell(spelling))
        assert links.decode({"lr": spelling}).notes


# -- the command line ----------------------------------------------------------------------------------
class _Counted:
    """Counts Trainer constructions: a refusal must come before any training."""

    def __init__(self, monkeypatch):
        self.made = 0
        real = Trainer

        def make(*args, **kwargs):
            self.made += 1
            return real(*args, **kwargs)
        monkeypatch.setattr("playground.training.Trainer", make)


def _cli(argv, capsys):
    try:
        code = cli.main(argv)
    except SystemExit as stop:
        code = stop.code
    out, err = capsys.readouterr()
    return code, out, err


def _bad_csv_file(tmp_path, content):
    path = tmp_path / "table.csv"
    path.write_bytes(content)
    return str(path)


BAD_CLI = [
    (["--seed", "-1"], "data_seed must be between 0 and 2,147,483,647 (got -1)"),
    (["--save", "{tmp}/no/such/folder/model.json"], "cannot write"),
    (["--save", "{tmp}"], "it is a folder"),
    (["--dataset", "csv"], "--dataset csv needs the table: add --csv FILE"),
    (["--csv", "{tmp}/missing.csv"], "cannot read"),
    (["--csv", "{bad_csv}"], "header but no data rows"),
    (["--csv", "{good_csv}", "--label", "nope"], "'nope' is not a column"),
    (["--csv", "{good_csv}", "--dataset", "xor"], "leave out --dataset xor"),
    (["--label", "x"], "--label goes with --csv"),
    (["--lr", "nan"], "not a finite number"),
    (["--lr", "1_000"], "thousands separator"),
    (["--epochs", "1e400"], "beyond"),
    (["--layers", "a,b"], "expected whole numbers separated by commas"),
    (["--optimizer", "magic"], "optimizer must be one of"),
]


@pytest.mark.parametrize("args, says", BAD_CLI, ids=[" ".join(a)[:40] for a, _ in BAD_CLI])
def test_a_bad_command_line_exits_2_with_one_line_before_training(
        tmp_path, capsys, monkeypatch, args, says):
    counted = _Counted(monkeypatch)
    places = {"tmp": str(tmp_path), "bad_csv": _bad_csv_file(tmp_path, b"x1,x2,label\n")}
    if any("{good_csv}" in a for a in args):
        places["good_csv"] = _bad_csv_file(tmp_path, GOOD)
    argv = ["train", "--epochs", "3", *(a.format(**places) for a in args)]
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = _cli(argv, capsys)
    assert code == 2 and says in err and len(err.strip().splitlines()) == 1, (code, err)
    assert counted.made == 0 and out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written


def test_ctrl_c_prints_one_line_and_leaves_the_old_model_file(tmp_path, capsys, monkeypatch):
    saved = tmp_path / "model.json"
    saved.write_text("the previous model")
    calls = []

    def interrupted(self, **kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_run(self, **kwargs)
    real_run = Trainer.run
    monkeypatch.setattr(Trainer, "run", interrupted)
    code, out, err = _cli(["train", "--epochs", "100000", "--save", str(saved)], capsys)
    assert code == 130 and err.strip().startswith("interrupted at epoch ")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err and out == ""
    assert saved.read_text() == "the previous model"


def test_cli_help_lists_every_choice_and_range(capsys):
    code, out, _ = _cli(["train", "--help"], capsys)
    assert code == 0
    flat = " ".join(out.split())
    for words in ("circle, xor, gauss, spiral", "tanh", "adam", "sgd", "glorot_uniform",
                  "0 to 2,147,483,647", "x1^2", "--csv FILE"):
        assert words in flat, words


def test_no_progress_bar_when_stderr_is_not_a_terminal(capsys):
    code, out, err = _cli(["train", "--epochs", "3"], capsys)  # capsys' stderr is no terminal
    assert code == 0 and out.startswith("done after 3 epochs") and "\r" not in err and "#" not in err


def test_the_cli_trains_on_a_pandas_export_like_the_page(tmp_path, capsys):
    path = _bad_csv_file(tmp_path, _pandas_default_export())
    code, out, err = _cli(["train", "--csv", path, "--epochs", "5", "--seed", "3"], capsys)
    assert code == 0 and out.startswith("done after 5 epochs") and "row numbers pandas" in err
    table = files.read_table(_pandas_default_export(), "kind", ["height", "weight"])
    config = TrainConfig(dataset="csv", columns=("height", "weight"), epochs=5, data_seed=3,
                         init_seed=3)
    data = datasets.dataset_from_table(table, feature_columns=["height", "weight"], seed=3)
    trainer = Trainer(config, data)
    trainer.run(epochs=5)
    assert f"train_loss {trainer.history.last()['train_loss']:.4f}" in out


# -- escaping: hostile text through every place the app shows user text --------------------------------
HOSTILE = ["![x](http://127.0.0.1:1/p.png)", "[link](javascript:alert(1))", "**bold**",
           "<img src=x onerror=alert(1)>", "$x$", ":red[x]", "`code`"]
RAW = ("![", "](", "<img", "onerror=")


def _shown_texts(at) -> list:
    """Every Markdown body and every widget label and tooltip on the page."""
    texts = []
    for kind in ("markdown", "caption", "error", "warning", "info", "success", "toast"):
        texts += [el.value for el in getattr(at, kind)]
    for kind in ("button", "selectbox", "multiselect", "text_input", "radio", "checkbox",
                 "slider", "number_input", "expander"):
        for el in getattr(at, kind):
            texts += [getattr(el, "label", "") or "", getattr(el, "help", "") or ""]
    return texts


def _chart_texts(at) -> str:
    static = [json.loads(el.proto.spec) for el in at.get("plotly_chart")]
    live = list(live_charts(at).values())
    return json.dumps(static + live, ensure_ascii=False, default=lambda a: "")  # arrays: numbers


def _live(markdown: str) -> str:
    """The characters Markdown still reads as syntax: every backslash-escaped one masked."""
    return re.sub(r"\\.", "§", markdown)


def _assert_escaped(at, where):
    for body in _shown_texts(at):
        for raw in RAW + tuple(HOSTILE):
            assert raw not in _live(body), (where, raw, body)
    charts = _chart_texts(at)
    assert "<img" not in charts and "<a " not in charts, where


def _hostile_csv(text_cell=False) -> bytes:
    names = [HOSTILE[3], HOSTILE[1], HOSTILE[0], HOSTILE[2]]  # "<img" on the x axis
    rows = [[i, (i * 7) % 11, i % 5, (i * 3) % 7, HOSTILE[4 + i % 2]] for i in range(40)]
    if text_cell:
        rows[5][1] = HOSTILE[0]
    return _csv(names + [HOSTILE[6]], rows)


def test_hostile_csv_column_and_class_names_are_shown_escaped_everywhere():
    at, before = _trained()
    _upload(at, "train.csv_upload", HOSTILE[0] + ".csv", _hostile_csv(), "text/csv")
    assert not at.error, _errors(at)
    _assert_escaped(at, "preview")
    at.button(key="train.csv_use").click().run()
    assert not at.exception and at.session_state["train.config"].dataset == "csv"
    _step(at, 2)
    _assert_escaped(at, "training on it")
    assert any(HOSTILE[0] in unescaped(c.value) for c in at.caption)  # shown, as text
    kept = _state(at)
    _upload(at, "train.csv_upload", HOSTILE[3] + ".csv", _hostile_csv(text_cell=True), "text/csv")
    chooser = [m for m in at.multiselect if m.key and m.key.startswith("train.csv.")][0]
    assert HOSTILE[1] not in chooser.value  # a column with text is not proposed; choose it
    chooser.select(HOSTILE[1]).run()
    shown = _errors(at)
    assert len(shown) == 1 and HOSTILE[1] in shown[0] and HOSTILE[3] in shown[0], shown
    _assert_escaped(at, "a refused file")
    assert _state(at) == kept


def test_hostile_model_input_names_are_shown_escaped():
    at, before = _trained()
    content = _model_bytes(input_names=[HOSTILE[0], HOSTILE[3]])
    _upload(at, "train.model_upload", HOSTILE[2] + ".json", content, "application/json")
    assert not at.error, _errors(at)
    warnings = [unescaped(w.value) for w in at.warning]
    assert any(HOSTILE[0] in w for w in warnings), warnings  # the names do not fit its data
    _assert_escaped(at, "model file")
    assert _state(at) == before


def test_hostile_link_values_are_shown_escaped_in_the_notes():
    at = _session({"activation": HOSTILE[0], "dataset": HOSTILE[3], HOSTILE[2]: "1",
                   "palette": HOSTILE[5], "hide": HOSTILE[1], "lr": HOSTILE[4]})
    notes = " ".join(unescaped(w.value) for w in at.warning)
    assert "activation=" in notes and "palette=" in notes, notes
    _assert_escaped(at, "link notes")
    assert at.session_state["train.config"] == TrainConfig()  # nothing of it was used


def test_hostile_typed_measurements_are_shown_escaped():
    at = _session(page="app_pages/cats_dogs.py")
    at.radio(key="catdog.animal.source").set_value("Type its measurements").run()
    for value in HOSTILE:
        at.text_input(key="catdog.typed.body_mass_kg").input(value).run()
        assert not at.exception and len(at.error) == 1
        _assert_escaped(at, value)


@pytest.mark.parametrize("payload", HOSTILE)
def test_md_escape_leaves_no_markdown_and_reads_back_as_the_text(payload):
    escaped = text.md_escape(payload)
    assert payload not in _live(escaped)
    for raw in RAW + ("**", "$", ":red[", "`"):
        assert raw not in _live(escaped)
    assert unescaped(escaped) == payload
    assert text.md_escape("a\n# heading") == "a \\# heading"  # no block can start
    assert "&lt;" in text.plotly_escape(payload) or "<" not in payload


def test_an_upload_is_read_once_not_on_every_rerun(monkeypatch):
    calls = []
    for name in ("sniff", "read_table"):
        real = getattr(files, name)

        def counted(*args, _real=real, _name=name):
            calls.append(_name)
            return _real(*args)
        counted.__name__ = name
        monkeypatch.setattr(files, name, counted)
    at, _ = _trained()
    _upload(at, "train.csv_upload", "good.csv", GOOD, "text/csv")
    _step(at, 3)  # three more runs of the page with the panel open
    assert calls == ["sniff", "read_table"]
    chooser = [m for m in at.multiselect if m.key and m.key.startswith("train.csv.")][0]
    chooser.unselect("x2").run()  # a new choice (refused: one feature), then the first again
    assert len(_errors(at)) == 1
    [m for m in at.multiselect if m.key and m.key.startswith("train.csv.")][0].select("x2").run()
    assert not at.error and calls.count("read_table") == 3 and calls.count("sniff") == 1


def _trained_on_the_hostile_csv():
    """A page whose run trained two Steps on the hostile CSV, and the state to keep."""
    at, _ = _trained()
    _upload(at, "train.csv_upload", "hostile.csv", _hostile_csv(), "text/csv")
    at.button(key="train.csv_use").click().run()
    _step(at, 2)
    return at, _state(at)


def test_a_pinned_run_of_hostile_csv_columns_is_shown_escaped_on_the_compare_page():
    # A pinned run's label names its CSV columns: the user's text, in the curves' legend.
    at, kept = _trained_on_the_hostile_csv()
    at.switch_page("app_pages/compare.py").run()
    at.button(key="labs.compare.pin").click().run()
    assert not at.exception and not at.error, _errors(at)
    pinned = at.session_state["labs.pinned"]
    assert len(pinned) == 1 and HOSTILE[3] in pinned[0].label  # kept as the text it is
    _assert_escaped(at, "compare page")
    assert text.plotly_escape(HOSTILE[3]) in _chart_texts(at)  # shown, as text
    at.switch_page("app_pages/train.py").run()
    assert _state(at) == kept


def test_every_page_shows_a_hostile_csv_runs_names_escaped():
    # The run trained on the hostile CSV is what the other pages show (Replay, Inside, the
    # landscape, Compare's base settings): no page may render its names as Markdown or HTML.
    from playground.scopes import PAGES
    at, kept = _trained_on_the_hostile_csv()
    for page in PAGES.values():
        at.switch_page(page.script).run()
        assert not at.exception, (page.script, at.exception)
        _assert_escaped(at, page.script)
    at.switch_page(PAGES["train"].script).run()
    assert _state(at) == kept


def test_five_megabytes_of_blank_lines_are_passed_over_without_a_python_step_each(monkeypatch):
    # Counted, not timed: the rows the CSV reader hands to Python. 4,999,000 blank lines were
    # as many Python steps (1.5 s of CPU a read, two reads an upload).
    handed = []
    real = datasets._rows_with_data

    def counted(reader, skipped):
        for row in real(_Counting(reader, handed), skipped):
            yield row
    monkeypatch.setattr(datasets, "_rows_with_data", counted)
    data = b"x1,x2,label\n" + b"\n" * 4_999_000
    with pytest.raises(datasets.DataError, match="header but no data rows"):
        datasets.load_csv(data)
    assert len(handed) < 10
    rows = datasets.read_csv_rows(GOOD.replace(b"\n", b"\n\n\n", 8000)[:-1] + b"\n" * 9000)
    assert len(rows.rows) == 40 and not rows.notes  # the same rows, no rows of commas noted


class _Counting:
    def __init__(self, reader, handed):
        self.reader, self.handed = reader, handed

    def __iter__(self):
        for row in self.reader:
            self.handed.append(1)
            yield row

    @property
    def line_num(self):
        return self.reader.line_num
