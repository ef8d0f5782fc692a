#!/usr/bin/env bash
# The whole test suite: brings the real-engine test bed up, then runs the quality gates
# (ruff, mypy --strict, docs build with warnings as errors) and pytest against the engine.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/engine.sh up
bash scripts/venv.sh
echo "== ruff"
.venv/bin/ruff check src tests benchmarks scripts examples
.venv/bin/ruff format --check src tests benchmarks scripts examples
echo "== mypy --strict"
.venv/bin/mypy
echo "== docs (sphinx, warnings are errors)"
.venv/bin/sphinx-build -q -W --keep-going -b html docs docs/_build/html
echo "== pytest"
.venv/bin/python -m pytest -p no:cacheprovider "$@"
