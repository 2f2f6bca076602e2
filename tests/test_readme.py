"""The README's promises: its Python example runs, its two commands exist and say what they do."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_python_example_runs_from_any_folder(tmp_path):
    # As the README promises once the scripts have installed the package: run from another
    # folder, with nothing on PYTHONPATH.
    example = re.search(r"```python\n(.*?)```", README, re.S).group(1)
    script = tmp_path / "example.py"
    script.write_text(example, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    status, accuracy = out.stdout.split()
    assert status == "done" and float(accuracy) > 0.8


def test_the_two_commands_are_there_and_ci_calls_the_test_command():
    assert "bash scripts/run.sh" in README and "bash scripts/test.sh" in README
    assert (ROOT / "scripts/run.sh").exists() and (ROOT / "scripts/test.sh").exists()
    ci = (ROOT / ".ci/run").read_text()
    assert "bash scripts/test.sh" in ci
