"""Peak memory of big downloads: ``export()`` and ``get_archive()`` of a container holding 1 GiB.

Run with the project's venv (``bash benchmarks/run_all.sh`` does it and updates
``docs/performance.md``)::

    .venv/bin/python benchmarks/bench_memory.py [--rounds 1] [--scale 1.0] [--markdown FILE]

Setup: a stopped ``busybox`` container that wrote a 1 GiB file (``head -c 1073741824 /dev/zero
> /big``).  Each measurement is a fresh process doing only that one download, written piece by
piece to ``/dev/null``: it imports the SDK, makes an ``APIClient(version='1.41')``, pings (so
the connection is open), reads its current RSS (``VmRSS``, the baseline), then
``export(container)`` or ``get_archive(container, '/big')`` with the default ``chunk_size``
(2 MiB) to the end, and reads ``ru_maxrss``: the growth is that peak minus the baseline, the
most the download can have added (``ru_maxrss`` minus ``ru_maxrss`` could hide a download
peak below the import's).  Ours and the original run the
same code (``_original_worker.py export_rss|archive_rss``) under their own interpreters; *raw*
is this script in a child process (``--raw-child``, no SDK imported): a hand-written ``GET`` on
the unix socket, its chunked body read into a reused 64 KiB buffer and dropped.

Target: ours adds under 64 MB of peak RSS for either download.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    API,
    ORIGINAL_PYTHON,
    OUR_PYTHON,
    bench_parser,
    check_ours,
    clean_env,
    log_to,
    median,
    met,
    meta_block,
    one_shot,
    publish,
    raw_connect,
    raw_read_head,
    remove_quietly,
    start_run,
    worker_ops,
)

SIZE = 1 << 30
ROUNDS = 1
LIMIT_MB = 64
IMAGE = "busybox:latest"
LABEL = "docker-sdk-bench"
LABELS = {LABEL: "memory"}
OPS = {"export": "export_rss", "get_archive": "archive_rss"}


# --------------------------------------------------------------------------- raw child


def raw_child(op: str, container: str, out_path: str) -> None:
    """The raw download in this (fresh) process; prints the same JSON as the worker."""
    if op == "export":
        path = f"/v{API}/containers/{container}/export"
    else:
        path = f"/v{API}/containers/{container}/archive?path=/big"
    sock = raw_connect()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    current = worker_ops._current_rss_kb()
    start = time.perf_counter_ns()
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: docker\r\n\r\n".encode("ascii"))
    head, rest = raw_read_head(sock)
    if not head.startswith(b"HTTP/1.1 200"):
        raise SystemExit(f"raw {op}: {head[:300]!r}")
    lower = head.lower()
    scratch = bytearray(65536)
    view = memoryview(scratch)
    total = 0
    with open(out_path, "wb") as out:
        if b"chunked" in lower:
            total = _chunked_to(sock, rest, out, scratch)
        else:
            pos = lower.find(b"content-length:")
            eol = lower.find(b"\r\n", pos)
            length = int(lower[pos + 15 : eol if eol >= 0 else len(lower)])
            out.write(rest)
            total = len(rest)
            while total < length:
                got = sock.recv_into(scratch)
                if not got:
                    break
                out.write(view[:got])
                total += got
    elapsed = time.perf_counter_ns() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "samples_ns": [elapsed],
                "extra": [
                    {
                        "bytes": total,
                        "rss_before_kb": current,
                        "maxrss_before_kb": before,
                        "maxrss_after_kb": after,
                    }
                ],
            }
        )
    )


def _chunked_to(sock: Any, buf: bytes, out: Any, scratch: bytearray) -> int:
    """Copy a chunked body to ``out``, parsing the chunk-size lines; the body bytes copied."""
    view = memoryview(scratch)
    data, pos, total = bytes(buf), 0, 0
    while True:
        while (eol := data.find(b"\r\n", pos)) < 0:
            more = sock.recv(65536)
            if not more:
                raise SystemExit("raw: connection closed inside a chunked body")
            data, pos = data[pos:] + more, 0
        size = int(data[pos:eol].split(b";", 1)[0], 16)
        pos = eol + 2
        if size == 0:
            return total
        total += size
        need = size + 2
        have = min(need, len(data) - pos)
        out.write(data[pos : pos + min(have, size)])
        pos += have
        need -= have
        if need:
            data, pos = b"", 0
            while need > 0:
                got = sock.recv_into(scratch, min(65536, need))
                if not got:
                    raise SystemExit("raw: connection closed inside a chunked body")
                payload = min(got, max(0, need - 2))
                if payload:
                    out.write(view[:payload])
                need -= got


# --------------------------------------------------------------------------- the run


def setup(api: Any, size: int, log: Callable[[str], None]) -> str:
    container = api.create_container(
        IMAGE, ["sh", "-c", f"head -c {size} /dev/zero > /big"], labels=LABELS
    )["Id"]
    start = time.monotonic()
    api.start(container)
    status = api.wait(container, timeout=600)
    if status.get("StatusCode") != 0:
        raise SystemExit(f"setup container exited with {status}")
    log(f"container wrote {size / 2**20:,.0f} MiB in {time.monotonic() - start:.1f} s")
    return str(container)


def cleanup(api: Any) -> None:
    for c in api.containers(all=True, filters={"label": f"{LABEL}=memory"}):
        remove_quietly(api, c["Id"])


def run_one(who: str, op: str, container: str) -> dict[str, Any]:
    if who == "raw":
        out = subprocess.run(
            [
                str(OUR_PYTHON),
                "-I",
                str(Path(__file__).resolve()),
                "--raw-child",
                op,
                container,
                "/dev/null",
            ],
            cwd="/",
            env=clean_env(),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        data: dict[str, Any] = json.loads(out)
    else:
        python = OUR_PYTHON if who == "ours" else ORIGINAL_PYTHON
        args: dict[str, Any] = {"container": container, "out": "/dev/null"}
        if op == "get_archive":
            args["path"] = "/big"
        data = one_shot(python, OPS[op], args)
        want = "/src/docker/" if who == "ours" else "/.venv-original/"
        if want not in data["docker_file"]:
            raise SystemExit(f"{who} imported docker from {data['docker_file']}")
    ns, extra = data["samples_ns"][0], data["extra"][0]
    return {
        "ns": ns,
        "bytes": extra["bytes"],
        "rss_before_kb": extra["rss_before_kb"],
        "maxrss_before_kb": extra["maxrss_before_kb"],
        "after_kb": extra["maxrss_after_kb"],
        # peak during the download over the RSS just before it (conservative: the peak so far
        # may come from the imports, which a peak-minus-peak difference would hide)
        "growth_kb": extra["maxrss_after_kb"] - extra["rss_before_kb"],
    }


def run(rounds: int, scale: float, log: Callable[[str], None]) -> dict[str, Any]:
    check_ours()
    import docker

    size = max(1 << 20, int(SIZE * scale))
    api = docker.APIClient(version=API)
    cleanup(api)
    results: dict[str, dict[str, list[dict[str, Any]]]] = {op: {} for op in OPS}
    try:
        container = setup(api, size, log)
        order = ["raw", "ours", "original"]
        for r in range(rounds):
            for op in OPS:
                k = r % len(order)
                for who in order[k:] + order[:k]:
                    got = run_one(who, op, container)
                    if got["bytes"] < size:
                        raise SystemExit(f"{op} / {who}: only {got['bytes']} bytes")
                    results[op].setdefault(who, []).append(got)
                    log(
                        f"{op} / {who}: +{got['growth_kb'] / 1024:.1f} MB peak RSS, "
                        f"{got['ns'] / 1e9:.1f} s"
                    )
    finally:
        cleanup(api)
        api.close()
    return {"size": size, "results": results}


# --------------------------------------------------------------------------- report


def report(res: dict[str, Any], meta: dict[str, str]) -> tuple[str, dict[str, bool]]:
    lines: list[str] = []
    add = lines.append
    checks: dict[str, bool] = {}
    for key, value in meta.items():
        add(f"- {key}: {value}")
    add("")
    add(
        "Peak RSS growth of a fresh process during the download, MB (the largest over the runs; "
        "absolute peak in brackets), and the median time of the download."
    )
    add("")
    add(
        "| Download | raw socket | ours | original 7.2 | time s (MB/s): raw / ours / original "
        "| target | met? |"
    )
    add("|---|---:|---:|---:|---|---|---|")
    size_mib = res["size"] / 2**20
    for op, by in res["results"].items():

        def growth(who: str, by: dict[str, Any] = by) -> float:
            # a difference below zero is the kernel's RSS accounting lag: nothing was added
            return max(0.0, float(max(r["growth_kb"] for r in by[who])) / 1024)

        def peak(who: str, by: dict[str, Any] = by) -> float:
            return float(max(r["after_kb"] for r in by[who])) / 1024

        def t(who: str, by: dict[str, Any] = by) -> str:
            s = median([r["ns"] for r in by[who]]) / 1e9
            return f"{s:.1f} ({res['size'] / 1e6 / s:,.0f})"

        ok = growth("ours") < LIMIT_MB
        checks[op] = ok
        label = (
            f"`export()` of a container holding {size_mib:,.0f} MiB"
            if op == "export"
            else f"`get_archive()` of the {size_mib:,.0f} MiB file"
        )
        add(
            f"| {label} | {growth('raw'):,.1f} ({peak('raw'):,.0f}) "
            f"| {growth('ours'):,.1f} ({peak('ours'):,.0f}) "
            f"| {growth('original'):,.1f} ({peak('original'):,.0f}) "
            f"| {t('raw')} / {t('ours')} / {t('original')} "
            f"| ours < {LIMIT_MB} MB | {met(ok)} |"
        )
    failed = [n for n, ok in checks.items() if not ok]
    add("")
    add(
        f"Target (ours adds under {LIMIT_MB} MB of peak RSS while streaming either download) met "
        f"for {len(checks) - len(failed)} of {len(checks)}"
        + (f"; not met: {', '.join(failed)}." if failed else ".")
    )
    return "\n".join(lines) + "\n", checks


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--raw-child"]:
        raw_child(*argv[1:4])
        return 0
    parser = bench_parser(
        __doc__,
        ROUNDS,
        f"runs each (default {ROUNDS})",
        "multiply the file size (0.1 for a smoke run)",
    )
    args = parser.parse_args(argv)
    log = log_to("bench_memory")
    started, busy, before = start_run()
    res = run(args.rounds, args.scale, log)
    meta = meta_block(
        started,
        busy,
        before,
        {
            "Run": (
                f"{args.rounds} run(s) of each download per contender, each in a fresh process, "
                "written to /dev/null; growth = `ru_maxrss` after the download minus the RSS "
                "(`VmRSS`) after `import docker`, the client and a ping"
            )
        },
    )
    text, checks = report(res, meta)
    publish(text, checks, {"meta": meta, **res}, args.markdown, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
