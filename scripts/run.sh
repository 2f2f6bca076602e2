#!/usr/bin/env bash
# Start the app on http://localhost:8501 after installing its pinned deps in .venv.
# Extra arguments go to `streamlit run`, e.g. `bash scripts/run.sh --server.port 8600`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
exec .venv/bin/python -m streamlit run streamlit_app.py "$@"
