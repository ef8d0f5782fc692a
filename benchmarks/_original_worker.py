"""Times one operation of a Docker SDK in its own process and prints JSON timing stats.

Run by ``bench_daemon.py`` with the ORIGINAL SDK's interpreter, isolated from this checkout::

    cd / && benchmarks/.venv-original/bin/python -I benchmarks/_original_worker.py ping 2000

Arguments: ``OP ITERATIONS [WARMUP]``, OP one of ``ping``, ``ping_auto`` (default version
negotiation, done once at construction), ``version``, ``info``.  Prints one JSON object:
``{"op", "docker_file", "docker_version", "n", "median_ns", "mean_ns", "min_ns", "p90_ns",
"samples_ns"}`` (``samples_ns``: every call's time, in call order).

With ``--serve`` it instead reads ``OP ITERATIONS WARMUP`` lines from stdin and answers each
with one such JSON line, keeping its clients (and their connections) between requests: that is
how ``bench_daemon.py`` interleaves it with the other contenders in many short rounds without
paying an interpreter start per round.  Uses only the standard library besides ``docker``, so
it runs under any SDK.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

OPS = ("ping", "ping_auto", "version", "info")


class Calls:
    """The timed callables, one client per flavour, created on first use and then kept."""

    def __init__(self) -> None:
        self._calls: dict[str, Callable[[], Any]] = {}

    def get(self, op: str) -> Callable[[], Any]:
        if op not in OPS:
            raise SystemExit(f"unknown op {op!r}; expected one of {', '.join(OPS)}")
        if op not in self._calls:
            import docker

            if op == "ping_auto":
                self._calls[op] = docker.APIClient().ping
            else:
                if "ping" not in self._calls:
                    client = docker.APIClient(version="1.41")
                    self._calls.update(ping=client.ping, version=client.version, info=client.info)
        return self._calls[op]


def measure(calls: Calls, op: str, iterations: int, warmup: int) -> str:
    """Time ``iterations`` calls of ``op`` one by one; the stats as one JSON line."""
    import docker

    call = calls.get(op)
    for _ in range(warmup):
        call()
    clock = time.perf_counter_ns
    samples: list[int] = []
    append = samples.append
    for _ in range(iterations):
        start = clock()
        call()
        append(clock() - start)
    ordered = sorted(samples)
    return json.dumps(
        {
            "op": op,
            "docker_file": docker.__file__,
            "docker_version": docker.__version__,
            "n": iterations,
            "median_ns": statistics.median(ordered),
            "mean_ns": statistics.fmean(ordered),
            "min_ns": ordered[0],
            "p90_ns": ordered[int(0.9 * (len(ordered) - 1))],
            "samples_ns": samples,
        }
    )


def main(argv: list[str]) -> int:
    calls = Calls()
    if argv == ["--serve"]:
        for line in sys.stdin:
            if not line.strip():
                continue
            op, iterations, warmup = line.split()
            print(measure(calls, op, int(iterations), int(warmup)), flush=True)
        return 0
    if len(argv) not in (2, 3):
        print("usage: _original_worker.py (OP ITERATIONS [WARMUP] | --serve)", file=sys.stderr)
        return 2
    iterations = int(argv[1])
    warmup = int(argv[2]) if len(argv) == 3 else max(20, iterations // 10)
    print(measure(calls, argv[0], iterations, warmup))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
