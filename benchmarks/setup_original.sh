#!/usr/bin/env bash
# benchmarks/setup_original.sh - the ORIGINAL Docker SDK for Python 7.2.0, in a venv of its own.
#
#   bash benchmarks/setup_original.sh
#
# Creates benchmarks/.venv-original (python3 -m venv) and installs `docker[ssh]==7.2.0` from
# PyPI into it (the ssh extra brings paramiko, the original's default SSH transport, for
# bench_transports.py).  Idempotent: when the venv already imports docker 7.2.0 and paramiko
# it does nothing.
# The benchmarks only ever run this venv's interpreter in a subprocess (`python -I`, cwd
# outside src/); nothing in our package or tests imports from it.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/.venv-original"
PY="$VENV/bin/python"
WANT=7.2.0
PYTHON="${PYTHON:-python3}"

installed_version() {
    # -I: isolated mode, so neither PYTHONPATH nor the cwd can shadow the venv's `docker`.
    (cd / && "$PY" -I -c 'import docker, paramiko; print(docker.__version__)' 2>/dev/null) || true
}

if [[ -x "$PY" && "$(installed_version)" == "$WANT" ]]; then
    echo "setup_original: $VENV already has docker $WANT"
    exit 0
fi

if [[ ! -x "$PY" ]]; then
    echo "setup_original: creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi
echo "setup_original: installing docker[ssh]==$WANT"
"$PY" -I -m pip install --quiet --disable-pip-version-check "docker[ssh]==$WANT"

got="$(installed_version)"
if [[ "$got" != "$WANT" ]]; then
    echo "setup_original: expected docker $WANT in $VENV, got '${got:-nothing}'" >&2
    exit 1
fi
echo "setup_original: docker $got ready in $VENV"
