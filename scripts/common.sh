# Shared by run.sh, serve.sh and test.sh (sourced, not run): the same set-up steps everywhere.

# The pinned dependencies in .venv at the repo root (made with python3 -m venv if missing),
# and the playground package itself, editable.
prepare_venv() {  # $1: a requirements file
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/python -m pip install -q --disable-pip-version-check -r "$1"
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
}

# Install the Debian packages whose program is missing, as root or with sudo: apt-get update
# once, then one install for all of them. Arguments: "program-path:package [package...]".
install_missing_packages() {
  local wanted=() pair sudo=""
  for pair in "$@"; do
    # shellcheck disable=SC2206  # the package list splits on spaces on purpose
    [ -x "${pair%%:*}" ] || wanted+=(${pair#*:})
  done
  [ ${#wanted[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${wanted[@]}" >/dev/null
}
