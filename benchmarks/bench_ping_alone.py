"""Why the ``ping()`` ratio moves: the same calls under different surroundings.

Not part of ``run_all.sh``; docs/performance.md quotes what it printed.  Three experiments, one
interpreter, each call timed:

* ``blocks`` (default): raw socket and ours alternate in blocks of 50 calls; ``--between``
  puts something after each pair of blocks: nothing, a 30 ms sleep, or a block of the original
  SDK's worker (as the old block-by-block ``bench_daemon.py`` harness did).
* ``paired``: raw and ours alternate call by call (``bench_daemon.py`` alternates all its
  contenders so, in random order), with the same ``--between`` choices after every 50 pairs.
* ``think``: the raw socket alone, spinning a given number of microseconds between calls: the
  daemon's latency as a function of how long the client takes between two requests.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_daemon import OriginalWorker, RawClient, raw_request  # noqa: E402

BLOCK = 50
THINK_US = (0, 2, 5, 10, 15, 20, 25, 30, 40, 60, 100)


def spin(microseconds: int) -> None:
    """Keep the CPU busy for ``microseconds`` (a client doing work between two requests)."""
    clock = time.perf_counter_ns
    end = clock() + microseconds * 1000
    while clock() < end:
        pass


def between_action(kind: str, original: OriginalWorker | None) -> Callable[[], object]:
    if kind == "sleep":
        return lambda: time.sleep(0.03)
    if kind == "original":
        assert original is not None
        return lambda: original.samples("ping", BLOCK)
    return lambda: None


def compare(mode: str, rounds: int, between: str) -> str:
    import docker

    raw = RawClient()
    request = raw_request("/_ping")
    ours = docker.APIClient(version="1.41")
    original = OriginalWorker() if between == "original" else None
    after = between_action(between, original)
    calls = {"raw": lambda: raw.get(request), "ours": ours.ping}
    samples: dict[str, list[int]] = {name: [] for name in calls}
    clock = time.perf_counter_ns
    try:
        for _ in range(rounds):
            if mode == "blocks":
                for name, call in calls.items():
                    append = samples[name].append
                    for _ in range(BLOCK):
                        start = clock()
                        call()
                        append(clock() - start)
            else:
                for i in range(BLOCK):
                    order = list(calls) if i % 2 else list(reversed(calls))
                    for name in order:
                        start = clock()
                        calls[name]()
                        samples[name].append(clock() - start)
            after()
    finally:
        raw.close()
        ours.close()
        if original is not None:
            original.close()
    med = {name: statistics.median(values) / 1000 for name, values in samples.items()}
    return (
        f"{mode}, {between} between: raw {med['raw']:.1f} µs, ours {med['ours']:.1f} µs, "
        f"ours / raw {med['ours'] / med['raw']:.2f}x"
    )


def think_sweep(calls: int) -> str:
    raw = RawClient()
    request = raw_request("/_ping")
    clock = time.perf_counter_ns
    lines = []
    try:
        for _ in range(calls // 10):  # warm up
            raw.get(request)
        for think in THINK_US:
            values = []
            for _ in range(calls):
                spin(think)
                start = clock()
                raw.get(request)
                values.append(clock() - start)
            lines.append(f"think {think:3d} µs: raw ping {statistics.median(values) / 1000:.1f} µs")
    finally:
        raw.close()
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("mode", nargs="?", choices=("blocks", "paired", "think"), default="blocks")
    parser.add_argument("--rounds", type=int, default=100, help="blocks/paired: rounds of 50")
    parser.add_argument("--between", choices=("none", "sleep", "original"), default="none")
    parser.add_argument("--calls", type=int, default=3000, help="think: calls per think time")
    args = parser.parse_args()
    if args.mode == "think":
        print(think_sweep(args.calls))
    else:
        print(compare(args.mode, args.rounds, args.between))


if __name__ == "__main__":
    main()
