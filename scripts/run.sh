#!/usr/bin/env bash
# Start the app on http://localhost:8501 after installing its pinned deps in .venv.
# Extra arguments go to `streamlit run`, e.g. `bash scripts/run.sh --server.port 8600`.
# For a whole class, with several app processes behind a proxy, see scripts/serve.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
prepare_venv requirements.txt
exec .venv/bin/python -m streamlit run streamlit_app.py "$@"
