"""Pull progress end to end (issue #4): 100 MB of progress, framed as dockerd frames it, read
through each SDK's public API; raw socket vs our SDK vs the original 7.2.

Run with the project's venv (``bash benchmarks/run_all.sh`` does it and updates
``docs/performance.md``)::

    .venv/bin/python benchmarks/bench_pull_stream.py [--rounds 5] [--scale 1.0] [--markdown FILE]

1. **How the daemon frames it** (``_wire_capture.py``, needs the engine; ``--no-capture`` skips
   it): a recording relay in front of the real engine, and four real progress streams through
   it (pull of a present image, a build, a push to the mirror registry, a pull that downloads
   and extracts layers).  The report counts the HTTP chunks of each reply and the JSON
   messages in each chunk.
2. **End to end**: ``_pull_server.py``, a local unix-socket server in a process of its own,
   answers ``POST /images/create`` with at least 100 MB of realistic pull progress
   (``_progress_data.py``) held in memory and framed like the daemon (dockerd's headers,
   ``Transfer-Encoding: chunked``, one HTTP chunk per JSON message), written with one
   ``sendall``, so the server is never the bottleneck.  The contenders, each in a worker
   process of its own (``_original_worker.py --serve``; ours under this venv's interpreter,
   the original under ``benchmarks/.venv-original``), run one after the other in an order
   rotated each round:

   * *raw*: a new unix connection, the request written by hand, the chunked body parsed by
     hand and ``json.loads`` on each chunk's payload, every object yielded by a generator
     (``_original_worker.raw_pull_objects``; stdlib only);
   * ``APIClient(base_url='unix://...', version='1.41').pull('x', stream=True,
     decode=True)``, every dict read (ours and the original): **the target row**;
   * ``DockerClient(base_url=..., version='1.41').images.pull('x')``: the whole pull, then the
     image inspect.  Not the same work in the two SDKs: ours decodes the progress (to raise the
     daemon's errors), the original reads it as raw chunks and drops them.

   The figure is the median time over the rounds; client CPU is the worker's CPU time in the
   timed part.
3. **In memory, decoder only** (the earlier framing, kept for comparison): the same kind of
   progress cut into 64 KiB ``bytes`` chunks before the clock starts (and, for context, 10 MB
   in 1 MiB chunks), decoded in a fresh process per SDK: ours ``JSONStreamDecoder.feed`` and
   ``json_stream()``, the original ``json_stream()``; the *limit* there is the stdlib's C
   scanner on each object, split beforehand.  The daemon never sends 64 KiB chunks: a reader
   of its stream gets one message per HTTP chunk (part 1).

Target: ``APIClient.pull(stream=True, decode=True)`` at least 3x faster than the original, end
to end.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import (  # noqa: E402
    ORIGINAL_PYTHON,
    OUR_PYTHON,
    Original,
    bench_parser,
    check_ours,
    clean_env,
    log_to,
    median,
    met,
    meta_block,
    publish,
    start_run,
)

SIZE = 100_000_000
ROUNDS = 5
TARGET = 3.0
DECODE_ROUNDS = 3
MEMORY_CHUNK = 65536
BIG_CHUNK_BYTES = 10_000_000
BIG_CHUNK = 1 << 20

E2E = ("pull_stream", "images_pull")
E2E_LABEL = {
    "pull_stream": "`APIClient.pull('x', stream=True, decode=True)`, every dict read",
    "images_pull": "`DockerClient.images.pull('x')` (ours decodes, the original does not)",
}


# --------------------------------------------------------------------------- in memory (child)


def decode_child(size: int, chunk: int, rounds: int) -> None:
    """Time the decoders of the ``docker`` this interpreter imports on progress cut into
    ``chunk``-byte pieces in memory; print JSON.  Run as ``--decode-child`` under either SDK."""
    import _progress_data

    import docker
    from docker.utils import json_stream as js

    msgs = _progress_data.messages(size)
    count = len(msgs)
    data = b"".join(msgs)
    del msgs
    chunks = [data[i : i + chunk] for i in range(0, len(data), chunk)]
    methods: dict[str, Callable[[], int]] = {
        "json_stream": lambda: sum(1 for _ in js.json_stream(chunks))
    }
    decoder_cls = getattr(js, "JSONStreamDecoder", None)
    if decoder_cls is not None:

        def push() -> int:
            decoder = decoder_cls()
            n = 0
            for piece in chunks:
                n += len(decoder.feed(piece))
            return n + len(decoder.close())

        # The stdlib's limit: the C scanner on each object, already split, no streaming.
        lines = data.decode().split("\r\n")[:-1]
        scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
        methods = {
            "JSONStreamDecoder": push,
            **methods,
            "stdlib_floor": lambda: sum(1 for line in lines if scan(line, 0)),
        }
    del data
    results: dict[str, list[int]] = {}
    clock = time.perf_counter_ns
    for _ in range(rounds):
        for name, run in methods.items():
            start = clock()
            got = run()
            results.setdefault(name, []).append(clock() - start)
            if got != count:
                raise SystemExit(f"{name}: decoded {got} objects, expected {count}")
    print(
        json.dumps(
            {
                "docker_file": docker.__file__,
                "docker_version": docker.__version__,
                "bytes": sum(map(len, chunks)),
                "objects": count,
                "chunks": len(chunks),
                "samples_ns": results,
            }
        )
    )


def _decode_run(python: Path, size: int, chunk: int, rounds: int, who: str) -> dict[str, Any]:
    proc = subprocess.run(
        [
            str(python),
            "-I",
            str(Path(__file__).resolve()),
            "--decode-child",
            str(size),
            str(chunk),
            str(rounds),
        ],
        cwd="/",
        env=clean_env(),
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{who} decode child failed:\n{proc.stderr}")
    data: dict[str, Any] = json.loads(proc.stdout)
    want = "/src/docker/" if who == "ours" else "/.venv-original/"
    if want not in data["docker_file"] or (who == "original" and data["docker_version"] != "7.2.0"):
        raise SystemExit(f"{who} imported docker from {data['docker_file']}")
    return data


# --------------------------------------------------------------------------- the run


@dataclass
class Series:
    runs: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return median([ns for ns, _ in self.runs]) / 1e9

    @property
    def cpu(self) -> float:
        return median([x["cpu_ns"] for _, x in self.runs]) / 1e9

    def spread(self) -> str:
        times = [ns / 1e9 for ns, _ in self.runs]
        return f"{min(times):.2f} to {max(times):.2f}"


class Server:
    """``_pull_server.py`` in a process of its own, on a socket in a temporary directory."""

    def __init__(self, size: int) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="dsdk-bench-pull-")
        self.path = str(Path(self._dir.name) / "pull.sock")
        self.proc = subprocess.Popen(
            [str(OUR_PYTHON), "-I", str(HERE / "_pull_server.py"), self.path, str(size)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().split()
        if not line or line[0] != "ready":
            raise SystemExit(f"pull server did not start (exit {self.proc.poll()})")
        self.messages, self.body_bytes, self.payload_bytes = map(int, line[1:4])

    @property
    def base_url(self) -> str:
        return f"unix://{self.path}"

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)
        self._dir.cleanup()


def check(label: str, who: str, extra: dict[str, Any], messages: int) -> None:
    if "objects" in extra and extra["objects"] != messages:
        raise SystemExit(f"{label} / {who}: {extra['objects']} objects, expected {messages}")
    if "objects" in extra and not str(extra["last"].get("status", "")).startswith("Status: "):
        raise SystemExit(f"{label} / {who}: unexpected last object {extra['last']}")
    if "id" in extra and not str(extra["id"]).startswith("sha256:"):
        raise SystemExit(f"{label} / {who}: unexpected image {extra['id']}")


def run(rounds: int, scale: float, capture: bool, log: Callable[[str], None]) -> dict[str, Any]:
    check_ours()
    res: dict[str, Any] = {}
    if capture:
        import _wire_capture

        log("capturing the daemon's framing through a relay (pull, build, push, pull)")
        res["wire"] = _wire_capture.capture()
    size = max(1_000_000, int(SIZE * scale))
    started = time.monotonic()
    server = Server(size)
    log(
        f"server ready in {time.monotonic() - started:.1f} s: {server.messages:,} messages, "
        f"{server.body_bytes / 1e6:,.1f} MB on the wire"
    )
    ours, original = Original(OUR_PYTHON), Original(ORIGINAL_PYTHON)
    series: dict[str, dict[str, Series]] = {}
    try:
        args = {"base_url": server.base_url, "repository": "x"}
        warm = {"base_url": server.base_url, "repository": "warm"}
        for worker in (ours, original):  # connections, imports, first-call costs
            for op in E2E:
                worker.run(op, warm)
        ours.run("raw_pull", warm)
        jobs: list[tuple[str, str, Callable[[], tuple[int, dict[str, Any]]]]] = [
            ("pull_stream", "raw", lambda: ours.run("raw_pull", args)[0]),
        ]
        for op in E2E:
            jobs.append((op, "ours", lambda o=op: ours.run(o, args)[0]))
            jobs.append((op, "original", lambda o=op: original.run(o, args)[0]))
        for r in range(rounds):
            shift = r % len(jobs)
            for label, who, fn in jobs[shift:] + jobs[:shift]:
                ns, extra = fn()
                check(label, who, extra, server.messages)
                series.setdefault(label, {}).setdefault(who, Series()).runs.append((ns, extra))
            log(f"round {r + 1}/{rounds} done")
    finally:
        ours.close()
        original.close()
        server.close()
    series["images_pull"]["raw"] = series["pull_stream"]["raw"]
    res["e2e"] = {
        "messages": server.messages,
        "body_bytes": server.body_bytes,
        "payload_bytes": server.payload_bytes,
        "series": series,
    }
    memory: dict[str, Any] = {}
    for key, (msize, chunk) in {
        "64k": (size, MEMORY_CHUNK),
        "1m": (max(1_000_000, int(BIG_CHUNK_BYTES * scale)), BIG_CHUNK),
    }.items():
        memory[key] = {
            who: _decode_run(python, msize, chunk, DECODE_ROUNDS, who)
            for who, python in (("ours", OUR_PYTHON), ("original", ORIGINAL_PYTHON))
        }
        log(f"in-memory decode, {key} chunks, done")
    res["memory"] = memory
    return res


# --------------------------------------------------------------------------- report


def _wire_table(wire: dict[str, Any], add: Callable[[str], None]) -> None:
    add(
        "How dockerd framed real progress streams (recorded through a relay in this run): "
        "HTTP chunks of each reply, and JSON messages per chunk."
    )
    add("")
    add(
        "| Stream | HTTP chunks | JSON messages | chunks holding exactly one message, ending "
        "`\\r\\n` | chunk bytes min / median / max | socket reads by the relay |"
    )
    add("|---|---:|---:|---:|---|---:|")
    for label, info in wire.items():
        one = min(info["chunks_with_one_message"], info["chunks_ending_crlf"])
        add(
            f"| {label} | {info['chunks']:,} | {info['messages']:,} | {one:,} "
            f"| {info['chunk_bytes_min']} / {info['chunk_bytes_median']:g} / "
            f"{info['chunk_bytes_max']} | {info['reads']:,} |"
        )
    headers = next(iter(wire.values()))["headers"]
    add("")
    add("Response headers (besides `Date`): " + ", ".join(f"`{h}`" for h in headers) + ".")


def report(res: dict[str, Any], meta: dict[str, str]) -> tuple[str, dict[str, bool]]:
    lines: list[str] = []
    add = lines.append
    checks: dict[str, bool] = {}
    for key, value in meta.items():
        add(f"- {key}: {value}")
    add("")
    if "wire" in res:
        _wire_table(res["wire"], add)
        add("")
    e2e = res["e2e"]
    mb = e2e["payload_bytes"] / 1e6
    add(
        f"Time to read {mb:,.0f} MB of pull progress ({e2e['messages']:,} JSON messages, one "
        f"HTTP chunk each, {e2e['body_bytes'] / 1e6:,.1f} MB on the wire), seconds (MB/s of "
        "JSON in brackets), median of the rounds. *raw*: raw socket, chunked body parsed by "
        "hand, `json.loads` per message (a baseline, not a limit: ours decodes with the C "
        "scanner directly). The in-memory rows (decoder only, no socket) are from the earlier "
        "framing; their *raw* column is the stdlib's C scanner on each object, split beforehand."
    )
    add("")
    add(
        "| Measurement | raw | ours | original 7.2 | ours / raw (time) | original / ours "
        "(speed-up) | client CPU s: raw / ours / original | target | met? |"
    )
    add("|---|---:|---:|---:|---:|---:|---:|---|---|")

    def cell(t: float, size_mb: float) -> str:
        return f"{t:.2f} ({size_mb / t:,.0f})"

    for op in E2E:
        by = e2e["series"][op]
        raw, mine, orig = by["raw"], by["ours"], by["original"]
        speedup = orig.seconds / mine.seconds
        targeted = op == "pull_stream"
        if targeted:
            checks["pull_stream"] = speedup >= TARGET
        add(
            f"| end to end, unix socket: {E2E_LABEL[op]} | {cell(raw.seconds, mb)} "
            f"| {cell(mine.seconds, mb)} | {cell(orig.seconds, mb)} "
            f"| {mine.seconds / raw.seconds:.2f}x | {speedup:.1f}x "
            f"| {raw.cpu:.2f} / {mine.cpu:.2f} / {orig.cpu:.2f} "
            f"| {f'original / ours >= {TARGET:g}x' if targeted else '—'} "
            f"| {met(checks['pull_stream']) if targeted else '—'} |"
        )
    for key, piece in (("64k", "64 KiB"), ("1m", "1 MiB")):
        ours, orig = res["memory"][key]["ours"], res["memory"][key]["original"]
        size_mb = ours["bytes"] / 1e6

        def t(samples: list[int]) -> float:
            return float(statistics.median(samples)) / 1e9

        floor = t(ours["samples_ns"]["stdlib_floor"])
        base = t(orig["samples_ns"]["json_stream"])
        for name, label in (
            ("JSONStreamDecoder", "`JSONStreamDecoder.feed`"),
            ("json_stream", "`json_stream()`"),
        ):
            mine = t(ours["samples_ns"][name])
            add(
                f"| in memory, decoder only, {size_mb:,.0f} MB in {piece} chunks: ours "
                f"{label}, original `json_stream()` | {cell(floor, size_mb)} "
                f"| {cell(mine, size_mb)} | {cell(base, size_mb)} | {mine / floor:.2f}x "
                f"| {base / mine:.1f}x | — | — | — |"
            )
    add("")
    add("Noise: range of the per-run times, seconds.")
    add("")
    add("| Measurement | raw | ours | original 7.2 |")
    add("|---|---:|---:|---:|")
    for op in E2E:
        by = e2e["series"][op]
        add(
            f"| {E2E_LABEL[op]} | {by['raw'].spread()} | {by['ours'].spread()} "
            f"| {by['original'].spread()} |"
        )
    add("")
    ok = checks["pull_stream"]
    add(
        f"Target (`APIClient.pull(stream=True, decode=True)` end to end at least {TARGET:g}x "
        f"faster than the original): {'met' if ok else '**not met**'}."
    )
    return "\n".join(lines) + "\n", checks


def _jsonable(res: dict[str, Any]) -> dict[str, Any]:
    out = dict(res)
    e2e = dict(res["e2e"])
    e2e["series"] = {
        op: {
            who: {"median_s": s.seconds, "runs": [{"ns": ns, **x} for ns, x in s.runs]}
            for who, s in by.items()
        }
        for op, by in e2e["series"].items()
    }
    out["e2e"] = e2e
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--decode-child"]:
        decode_child(int(argv[1]), int(argv[2]), int(argv[3]))
        return 0
    parser = bench_parser(
        __doc__, ROUNDS, f"rounds (default {ROUNDS})", "multiply the sizes (0.1 for a smoke run)"
    )
    parser.add_argument(
        "--no-capture", action="store_true", help="skip recording the daemon's framing"
    )
    args = parser.parse_args(argv)
    log = log_to("bench_pull_stream")
    started, busy, before = start_run()
    res = run(args.rounds, args.scale, not args.no_capture, log)
    meta = meta_block(
        started,
        busy,
        before,
        {
            "Run": (
                f"{args.rounds} rounds of the end-to-end reads, contenders in an order rotated "
                "each round, each in a worker process of its own; in memory: "
                f"{DECODE_ROUNDS} decodes per decoder in one fresh process per SDK"
            )
        },
    )
    text, checks = report(res, meta)
    publish(text, checks, _jsonable(res), args.markdown, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
