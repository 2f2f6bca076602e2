#!/usr/bin/env bash
# Run every test, after setting up what they need on a fresh machine (Debian, Python 3.11+):
# Debian's chromium for the browser tests and haproxy for the scale-out test, a virtual
# environment with the pinned test deps.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -m "not browser"`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

install_missing_packages "/usr/bin/chromium:chromium fonts-dejavu-core" "/usr/sbin/haproxy:haproxy"
prepare_venv requirements-dev.txt

exec .venv/bin/python -m pytest "$@"
