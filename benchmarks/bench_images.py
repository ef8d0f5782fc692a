"""Image streams: the memory of ``save()`` of a 1 GiB image.

Run with the project's venv (``bash benchmarks/run_all.sh`` does it and updates
``docs/performance.md``)::

    .venv/bin/python benchmarks/bench_images.py [--scale 1.0] [--markdown FILE]

* **save**: an image made by importing a tar that holds one 1 GiB file of random bytes
  (``import_image_from_data`` streaming the tar, chunked). Each measurement is a fresh process
  (``--save-child``) that imports the SDK, makes an ``APIClient(version='1.41')``, pings, reads
  its current RSS (``VmRSS``), streams ``get_image(name)`` with the default ``chunk_size`` to
  ``/dev/null`` and reads ``ru_maxrss``: the growth is the peak minus that baseline. The image
  is removed at the end.

Decoding pull progress, which this script used to time in memory, is in
``bench_pull_stream.py`` now: end to end, framed as the daemon frames it, with the in-memory
rows kept for comparison.

Target: ``save()`` adds under 64 MB of peak RSS.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

SAVE_BYTES = 1 << 30
RSS_LIMIT_MB = 64
IMAGE = "dsdk-bench-save"
API = "1.41"

# --------------------------------------------------------------------------- children (stdlib)


def _current_rss_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def save_child(image: str) -> None:
    """``get_image(image)`` streamed to /dev/null in this fresh process; print JSON."""
    import docker

    api = docker.APIClient(version=API)
    api.ping()
    before = _current_rss_kb()
    start = time.perf_counter_ns()
    total = 0
    with open("/dev/null", "wb") as out:
        for piece in api.get_image(image):
            out.write(piece)
            total += len(piece)
    elapsed = time.perf_counter_ns() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    api.close()
    print(
        json.dumps(
            {
                "docker_file": docker.__file__,
                "docker_version": docker.__version__,
                "ns": elapsed,
                "bytes": total,
                "rss_before_kb": before,
                "maxrss_after_kb": after,
                "growth_kb": after - before,
            }
        )
    )


# --------------------------------------------------------------------------- the run


def _child(python: Path, args: list[str], who: str) -> dict[str, Any]:
    from _common import clean_env

    proc = subprocess.run(
        [str(python), "-I", str(Path(__file__).resolve()), *args],
        cwd="/",
        env=clean_env(),
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{who} child {args[0]} failed:\n{proc.stderr}")
    data: dict[str, Any] = json.loads(proc.stdout)
    want = "/src/docker/" if who == "ours" else "/.venv-original/"
    if want not in data["docker_file"] or (who == "original" and data["docker_version"] != "7.2.0"):
        raise SystemExit(f"{who} imported docker from {data['docker_file']}")
    return data


def _tar_stream(size: int, block: int = 1 << 20) -> Iterator[bytes]:
    """A tar holding one file ``big.bin`` of ``size`` random bytes, piece by piece."""
    import tarfile

    info = tarfile.TarInfo("big.bin")
    info.size = size
    info.mode = 0o644
    info.mtime = int(time.time())
    yield info.tobuf(format=tarfile.USTAR_FORMAT)
    left = size
    while left:
        n = min(block, left)
        yield os.urandom(n)
        left -= n
    yield b"\0" * ((-size) % 512) + b"\0" * 1024


def _remove_image(api: Any) -> None:
    from docker.errors import NotFound

    with contextlib.suppress(NotFound):
        api.remove_image(f"{IMAGE}:latest", force=True)


def run(scale: float, log: Callable[[str], None]) -> dict[str, Any]:
    from _common import ORIGINAL_PYTHON, OUR_PYTHON, check_ours

    check_ours()
    import docker

    res: dict[str, Any] = {}
    save_size = max(1 << 20, int(SAVE_BYTES * scale))
    api = docker.APIClient(version=API, timeout=600)
    try:
        _remove_image(api)
        start = time.monotonic()
        api.import_image_from_data(_tar_stream(save_size), repository=IMAGE, tag="latest")
        image_size = api.inspect_image(f"{IMAGE}:latest")["Size"]
        log(f"imported {image_size / 2**20:,.0f} MiB image in {time.monotonic() - start:.1f} s")
        save: dict[str, list[dict[str, Any]]] = {}
        order = [("ours", OUR_PYTHON), ("original", ORIGINAL_PYTHON)]
        for r in range(1):
            for who, python in order[r % 2 :] + order[: r % 2]:
                got = _child(python, ["--save-child", f"{IMAGE}:latest"], who)
                if got["bytes"] < save_size:
                    raise SystemExit(f"save / {who}: only {got['bytes']} bytes")
                save.setdefault(who, []).append(got)
                log(
                    f"save / {who}: +{got['growth_kb'] / 1024:.1f} MB peak RSS, "
                    f"{got['ns'] / 1e9:.1f} s"
                )
        res["save"] = {"file_bytes": save_size, "image_bytes": image_size, "results": save}
    finally:
        _remove_image(api)
        api.close()
    return res


# --------------------------------------------------------------------------- report


def report(res: dict[str, Any], meta: dict[str, str]) -> tuple[str, dict[str, bool]]:
    from _common import met

    lines: list[str] = []
    add = lines.append
    checks: dict[str, bool] = {}
    for key, value in meta.items():
        add(f"- {key}: {value}")
    add("")
    save = res["save"]
    by = save["results"]
    add(
        f"`save()` (`get_image`, default 2 MiB chunks, to /dev/null) of an image of "
        f"{save['image_bytes'] / 2**20:,.0f} MiB (one file of random bytes): peak RSS growth of a "
        "fresh process during the download (absolute peak in brackets), and time."
    )
    add("")
    add("| Contender | RSS growth MB | time s (MB/s) | target | met? |")
    add("|---|---:|---:|---|---|")
    for who, label in (("ours", "ours"), ("original", "original 7.2")):
        growth = max(0.0, max(r["growth_kb"] for r in by[who]) / 1024)
        peak = max(r["maxrss_after_kb"] for r in by[who]) / 1024
        t = statistics.median([r["ns"] for r in by[who]]) / 1e9
        rate = by[who][0]["bytes"] / 1e6 / t
        targeted = who == "ours"
        ok = growth < RSS_LIMIT_MB
        if targeted:
            checks["save"] = ok
        add(
            f"| {label} | {growth:,.1f} ({peak:,.0f}) | {t:.1f} ({rate:,.0f}) "
            f"| {f'under {RSS_LIMIT_MB} MB' if targeted else ''} | {met(ok) if targeted else ''} |"
        )
    failed = [n for n, ok in checks.items() if not ok]
    add("")
    add(
        f"Targets met: {len(checks) - len(failed)} of {len(checks)}"
        + (f"; not met: {', '.join(failed)}." if failed else ".")
    )
    return "\n".join(lines) + "\n", checks


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--save-child"]:
        save_child(argv[1])
        return 0
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _common import bench_parser, log_to, meta_block, publish, start_run

    parser = bench_parser(
        __doc__, 1, "ignored (one download each)", "multiply the sizes (0.05 for a smoke run)"
    )
    args = parser.parse_args(argv)
    log = log_to("bench_images")
    started, busy, before = start_run()
    res = run(args.scale, log)
    meta = meta_block(
        started,
        busy,
        before,
        {
            "Run": (
                "save: one download per SDK, each in a fresh process; RSS growth = `ru_maxrss` "
                "after the download minus `VmRSS` after `import docker`, the client and a ping"
            )
        },
    )
    text, checks = report(res, meta)
    publish(text, checks, {"meta": meta, **res}, args.markdown, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
