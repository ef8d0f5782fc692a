#!/usr/bin/env bash
# benchmarks/run_all.sh - run every benchmark and refresh the numbers in docs/performance.md.
#
#   bash benchmarks/run_all.sh            # full run (a few minutes on 2 cores)
#   BENCH_ARGS="--rounds 2 --scale 0.1" bash benchmarks/run_all.sh   # quick smoke run
#
# Needs the engine (bash scripts/engine.sh up) and the project's venv (.venv, with our package
# installed editable).  Sets up benchmarks/.venv-original (the original SDK 7.2 from PyPI) on
# first use.  Each benchmark writes a markdown section; it replaces the text between
# <!-- bench:NAME:start --> and <!-- bench:NAME:end --> in docs/performance.md.  Raw results
# (JSON) go to benchmarks/results/, which git ignores.  Nothing here runs inside the tests.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
PY="$ROOT/.venv/bin/python"
DOC="$ROOT/docs/performance.md"
RESULTS="$HERE/results"
read -r -a BENCH_ARGS <<< "${BENCH_ARGS:-}"

if [[ ! -x "$PY" ]]; then
    echo "run_all: $PY not found: create the project's venv first" >&2
    exit 1
fi
if ! "$PY" -I -c 'import socket; socket.socket(socket.AF_UNIX).connect("/var/run/docker.sock")' \
    2>/dev/null; then
    echo "run_all: no engine on /var/run/docker.sock: run bash scripts/engine.sh up" >&2
    exit 1
fi

bash "$HERE/setup_original.sh"
mkdir -p "$RESULTS"

echo "run_all: load before: $(uptime)"

# name:script pairs; later benchmarks (streams, build contexts) add theirs here.  Each script
# must accept `--markdown FILE --json FILE` (its section for docs/performance.md, and its raw
# results); BENCH_ARGS, when set, is passed to every script.
BENCHMARKS=(
    "daemon:bench_daemon.py"
    "streams:bench_streams.py"
    "memory:bench_memory.py"
    "containers:bench_containers.py"
    "images:bench_images.py"
    "pull:bench_pull_stream.py"
    "build:bench_build_context.py"
    "transports:bench_transports.py"
)

for entry in "${BENCHMARKS[@]}"; do
    name="${entry%%:*}"
    script="${entry#*:}"
    echo "run_all: running $script"
    (cd "$ROOT" && "$PY" "$HERE/$script" "${BENCH_ARGS[@]}" \
        --markdown "$RESULTS/$name.md" --json "$RESULTS/$name.json")
    "$PY" "$HERE/_splice.py" "$DOC" "$name" "$RESULTS/$name.md"
    echo "run_all: updated section '$name' of $DOC"
done
