#!/usr/bin/env bash
# Set everything up on a new Debian 12 machine (engine, registries, images, virtualenv) and
# run the README's quickstart against the real engine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/engine.sh up
bash scripts/venv.sh
.venv/bin/python examples/quickstart.py
