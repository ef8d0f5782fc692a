"""``ping()`` against the raw socket with nothing else in between (see docs/performance.md).

Raw socket and ours alternate in blocks of 50 calls, each call timed, in one interpreter, with
no other process talking to the daemon; ``--with-original`` puts a block of the original SDK's
worker between them, as ``bench_daemon.py`` does, to show how that shifts ours but not raw.
Prints the medians and their ratio; not part of ``run_all.sh``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_daemon import OriginalWorker, RawClient, raw_request  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--with-original", action="store_true")
    args = parser.parse_args()
    import docker

    raw = RawClient()
    request = raw_request("/_ping")
    ours = docker.APIClient(version="1.41")
    original = OriginalWorker() if args.with_original else None
    calls = {"raw": lambda: raw.get(request), "ours": ours.ping}
    samples: dict[str, list[int]] = {name: [] for name in calls}
    clock = time.perf_counter_ns
    try:
        for _ in range(args.rounds):
            for name, call in calls.items():
                append = samples[name].append
                for _ in range(50):
                    start = clock()
                    call()
                    append(clock() - start)
                if original is not None:
                    original.samples("ping", 50)
    finally:
        raw.close()
        ours.close()
        if original is not None:
            original.close()
    med = {name: statistics.median(values) / 1000 for name, values in samples.items()}
    print(
        f"raw {med['raw']:.1f} µs, ours {med['ours']:.1f} µs: ours / raw "
        f"{med['ours'] / med['raw']:.2f}x" + (" (original in between)" if original else "")
    )


if __name__ == "__main__":
    main()
