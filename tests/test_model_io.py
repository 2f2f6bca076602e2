"""Model JSON export and import, and the command line."""

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from playground import model_io
from playground.config import TrainConfig
from playground.training import Trainer

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def trained():
    trainer = Trainer(TrainConfig(features=("x1*x2", "sin x1"), hidden=(5, 3), epochs=20))
    trainer.run(epochs=20)
    return trainer


def test_export_then_import_gives_the_same_predictions(trained):
    saved = model_io.loads(model_io.dumps(trained))
    X = trained.dataset.X_test
    np.testing.assert_allclose(saved.predict(X), trained.predict(X), rtol=1e-6)
    assert saved.config == trained.config and saved.epoch == 20
    assert saved.input_names == ("x1", "x2", "x1*x2", "sin x1")


def test_multiclass_round_trip():
    trainer = Trainer(TrainConfig(dataset="blobs", n_classes=4, hidden=(6,)))
    trainer.run(epochs=5)
    saved = model_io.loads(model_io.dumps(trainer).encode())
    np.testing.assert_allclose(saved.predict(trainer.dataset.X_test),
                               trainer.predict(trainer.dataset.X_test), rtol=1e-6)


def _broken(trained, change):
    data = model_io.to_dict(trained)
    change(data)
    return json.dumps(data)


BAD_FILES = [
    (lambda t: b"\xff\xfe\x00garbage", "not valid JSON"),
    (lambda t: "{\"schema\": ", "not valid JSON"),
    (lambda t: "[1, 2]", "must hold a JSON object"),
    (lambda t: "{}", "not a playground model"),
    (lambda t: _broken(t, lambda d: d.update(version=99)), "unsupported model version 99"),
    (lambda t: _broken(t, lambda d: d.pop("params")), "lacks params"),
    (lambda t: _broken(t, lambda d: d["config"].update(lr=99)), "config: lr must be between"),
    (lambda t: _broken(t, lambda d: d["config"].update(activation="exec")),
     "config: activation must be one of"),
    (lambda t: _broken(t, lambda d: d.update(sizes=[4, 9, 3, 1])), "do not match the config"),
    (lambda t: _broken(t, lambda d: d["params"].pop()), "params must be a list of 6 arrays"),
    (lambda t: _broken(t, lambda d: d["params"].__setitem__(0, [[1.0]])),
     "params[0] must have shape (4, 5)"),
    (lambda t: _broken(t, lambda d: d["params"][1].__setitem__(0, "x")),
     "params[1] must hold numbers only"),
    (lambda t: _broken(t, lambda d: d["params"][1].__setitem__(0, 1e300)), "beyond +-1e+06"),
    (lambda t: model_io.dumps(t).replace("0.0", "NaN", 1), "contains NaN"),
    (lambda t: _broken(t, lambda d: d["scaler"].update(scale=[0.0] * 4)), "must be positive"),
    (lambda t: "x" * (model_io.MAX_BYTES + 1), "too large"),
    # json.loads raises RecursionError here, not JSONDecodeError: it too gets one message.
    (lambda t: "[" * 100_000 + "]" * 100_000, "nested too deeply"),
    (lambda t: re.sub(r'"epoch": \d+', '"epoch": ' + "9" * 5000, model_io.dumps(t)),
     "a whole number of 5,000 digits"),  # not Python's advice to call set_int_max_str_digits
    # An epoch past any run's limit passed, then broke the loss chart when training went on.
    (lambda t: _broken(t, lambda d: d.update(epoch=10 ** 30)), "epoch must be a whole number"),
]


@pytest.mark.parametrize("make,message", BAD_FILES)
def test_bad_model_files_end_in_one_clear_message(trained, make, message):
    with pytest.raises(model_io.ModelFileError) as info:
        model_io.loads(make(trained))
    assert message in str(info.value)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "playground", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_cli_trains_saves_and_prints_json(tmp_path):
    path = tmp_path / "model.json"
    run = _cli("train", "--dataset", "xor", "--layers", "4", "--lr", "0.1", "--epochs", "50",
               "--seed", "1", "--save", str(path), "--json")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["config"]["data_seed"] == 1 and out["config"]["hidden"] == [4]
    assert len(out["history"]) == 51 and out["status"] == "done"
    saved = model_io.loads(path.read_text())
    assert saved.epoch == 50
    # The same settings in Python give the same history: the CLI adds nothing of its own.
    trainer = Trainer(TrainConfig(dataset="xor", hidden=(4,), lr=0.1, epochs=50, data_seed=1,
                                  init_seed=1))
    trainer.run(epochs=50)
    assert out["history"][-1]["train_loss"] == trainer.history.last()["train_loss"]


def test_cli_prints_final_metrics():
    run = _cli("train", "--epochs", "5", "--quiet")
    assert run.returncode == 0
    assert run.stdout.startswith("done after 5 epochs: train_loss")


@pytest.mark.parametrize("args,message", [
    (["train", "--lr", "50"], "lr must be between 1e-05 and 10"),
    (["train", "--layers", "a,b"], "expected whole numbers separated by commas"),
    (["train", "--optimizer", "magic"], "optimizer must be one of"),
    (["train", "--bogus"], "unrecognized arguments: --bogus"),
    (["fly"], "invalid choice: 'fly'"),
])
def test_cli_bad_arguments_exit_nonzero_with_one_line(args, message):
    run = _cli(*args)
    assert run.returncode == 2
    assert message in run.stderr and len(run.stderr.strip().splitlines()) == 1


def test_cli_reports_divergence_with_exit_1():
    run = _cli("train", "--dataset", "plane", "--lr", "5", "--epochs", "20", "--quiet")
    assert run.returncode == 1 and "Diverged at epoch" in run.stderr


@pytest.mark.parametrize("bad", ["1", True, None])
def test_numbers_written_as_strings_or_booleans_are_refused(trained, bad):
    data = model_io.to_dict(trained)
    data["params"][1][0] = bad
    with pytest.raises(model_io.ModelFileError, match=r"params\[1\] must hold numbers only"):
        model_io.from_dict(data)
