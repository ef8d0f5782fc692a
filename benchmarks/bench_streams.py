"""Container output throughput: exec, logs and attach, raw socket vs our SDK vs the original 7.2.

Run with the project's venv (``bash benchmarks/run_all.sh`` does it and updates
``docs/performance.md``)::

    .venv/bin/python benchmarks/bench_streams.py [--rounds 5] [--scale 1.0] [--markdown FILE]

What one run measures, all contenders in the same run: each round runs the measurements in an
order rotated from round to round, and the contenders of one measurement back to back (also
rotated), so that the runs compared share the machine's load; the figure is the median over
the rounds, with the per-round ("paired") ratio of ours to raw and the range of the run times:

* **exec**: a running ``busybox`` container; each run creates an exec of
  ``head -c 300000000 /dev/zero`` (untimed), then times ``exec_start`` until the last byte is
  read.  ``/dev/zero`` rather than ``yes | head -c``: on this machine the ``yes`` pipeline
  tops out at ~75 MB/s against ~140 MB/s, so it would measure busybox, not the client.
  Ours and the original run each of the four modes (``stream`` False/True x ``demux``
  False/True) and read the result to its end (count the bytes of every piece, or ``len`` of the
  bytes / of each side of the tuple).
* **logs**: a stopped container whose json-file log holds 300 MB in 1,000-byte lines
  (``yes aaa...a | head -c 300000000``); ``logs(stream=False)`` and ``logs(stream=True)`` read
  to the end.
* **attach**: each run creates a container running ``head -c 300000000 /dev/zero`` with the
  ``none`` log driver (so that the daemon does not also write the 300 MB to a json log), calls
  ``attach(stream=True)``, starts the container and reads the stream; timed from the first
  piece received to the end (the container's start is the daemon's time, not the client's).

*raw* is a unix socket with hand-written HTTP reading the same response and doing what the
mode does (``_common.raw_output``): for exec ``POST /exec/{id}/start`` with ``Connection:
Upgrade, Upgrade: tcp`` and a JSON body, then ``recv(64 KiB)`` until EOF; for attach the same on
``POST /containers/{id}/attach?stream=1&stdout=1&stderr=1``; for logs ``GET
/containers/{id}/logs?stdout=1&stderr=1`` and a minimal chunked-body reader.  The payload is cut
into its frames (8-byte headers parsed with ``struct``, a header cut by a read completed from
the next one) as ``memoryview`` slices of the reads, then:

* ``stream=True``: a generator hands out each payload piece as ``bytes`` (one copy, as the SDK),
  or with ``demux`` ``(piece, None)`` / ``(None, piece)``;
* ``stream=False``: the pieces are kept and joined once at the end into one ``bytes`` (with
  ``demux``: one join per side, ``None`` for an empty side), the only copy of the payload.

Every contender's result is consumed by the same code (``_original_worker._count``).  One more
raw series, *raw drain*, reads the exec output into one reused buffer and drops it: what the
engine can deliver at all, for reference (no target).  Throughput is payload bytes (300 MB)
over the median time, for every contender.

The original's ``exec_start(stream=False, demux=True)`` joins the stdout pieces with ``+=``,
which is quadratic (on the order of ten minutes for 300 MB): it is measured at 10, 20 and 40 MB
only (ours and raw too, for comparison) and its 300 MB figure is reported as not measured.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    API,
    Original,
    bench_parser,
    log_to,
    median,
    met,
    meta_block,
    ours,
    publish,
    raw_chunked_pieces,
    raw_connect,
    raw_drain,
    raw_output,
    raw_read_head,
    raw_recv_pieces,
    raw_upgrade,
    remove_quietly,
    start_run,
    worker_ops,
)

ROUNDS = 5
SIZE = 300_000_000
SMALL_SIZES = (10_000_000, 20_000_000, 40_000_000)
SMALL_ROUNDS = 2
LINE = 1000
IMAGE = "busybox:latest"
LABEL = "docker-sdk-bench"
LABELS = {LABEL: "streams"}
TARGET = 0.9

EXEC_MODES = ((False, False), (False, True), (True, False), (True, True))
DRAIN = "raw drain"


def mode_name(stream: bool, demux: bool) -> str:
    return f"exec_start(stream={stream}, demux={demux})"


Run = Callable[[], tuple[int, dict[str, Any]]]


@dataclass
class Series:
    """The timed runs of one contender on one measurement."""

    payload: int
    runs: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return median([ns for ns, _ in self.runs]) / 1e9

    @property
    def mbps(self) -> float:
        return self.payload / 1e6 / self.seconds

    @property
    def best_mbps(self) -> float:
        """Throughput of the fastest run (the least disturbed by other load)."""
        return self.payload / 1e6 / (min(ns for ns, _ in self.runs) / 1e9)

    @property
    def cpu_seconds(self) -> float | None:
        cpus = [x["cpu_ns"] for _, x in self.runs if "cpu_ns" in x]
        return median(cpus) / 1e9 if cpus else None

    def spread(self) -> str:
        times = [ns / 1e9 for ns, _ in self.runs]
        return f"{min(times):.2f} to {max(times):.2f}"

    def as_json(self) -> dict[str, Any]:
        return {
            "payload": self.payload,
            "median_s": self.seconds,
            "mb_per_s": self.mbps,
            "runs": [{"ns": ns, **x} for ns, x in self.runs],
        }


# --------------------------------------------------------------------------- raw contenders


def raw_exec_drain(api: Any, container: str, cmd: list[str]) -> tuple[int, dict[str, Any]]:
    """Reference: the exec output read into one reused buffer and dropped (no frames)."""
    exec_id = api.exec_create(container, cmd)["Id"]
    body = json.dumps({"Detach": False, "Tty": False}).encode()
    cpu0, start = time.process_time_ns(), time.perf_counter_ns()
    sock, rest = raw_upgrade(f"/exec/{exec_id}/start", body)
    wire = len(rest) + raw_drain(sock)
    elapsed = time.perf_counter_ns() - start
    cpu_ns = time.process_time_ns() - cpu0
    sock.close()
    return elapsed, {"wire_bytes": wire, "cpu_ns": cpu_ns}


def raw_exec(
    api: Any, container: str, cmd: list[str], stream: bool, demux: bool
) -> tuple[int, dict[str, Any]]:
    exec_id = api.exec_create(container, cmd)["Id"]
    body = json.dumps({"Detach": False, "Tty": False}).encode()
    cpu0, start = time.process_time_ns(), time.perf_counter_ns()
    sock, rest = raw_upgrade(f"/exec/{exec_id}/start", body)
    output = raw_output(raw_recv_pieces(sock, rest), stream, demux)
    extra: dict[str, Any] = worker_ops._count(output, stream, demux)
    elapsed = time.perf_counter_ns() - start
    extra["cpu_ns"] = time.process_time_ns() - cpu0
    sock.close()
    return elapsed, extra


def raw_logs(container: str, stream: bool) -> tuple[int, dict[str, Any]]:
    cpu0, start = time.process_time_ns(), time.perf_counter_ns()
    sock = raw_connect()
    sock.sendall(
        f"GET /v{API}/containers/{container}/logs?stdout=1&stderr=1 HTTP/1.1\r\n"
        "Host: docker\r\n\r\n".encode("ascii")
    )
    head, rest = raw_read_head(sock)
    if not head.startswith(b"HTTP/1.1 200") or b"chunked" not in head.lower():
        raise SystemExit(f"raw logs: unexpected response head {head[:300]!r}")
    output = raw_output(raw_chunked_pieces(sock, rest), stream, False)
    extra: dict[str, Any] = worker_ops._count(output, stream, False)
    elapsed = time.perf_counter_ns() - start
    extra["cpu_ns"] = time.process_time_ns() - cpu0
    sock.close()
    return elapsed, extra


def raw_attach(api: Any, cmd: list[str]) -> tuple[int, dict[str, Any]]:
    host_config = api.create_host_config(log_config={"Type": "none"})
    container = api.create_container(IMAGE, cmd, host_config=host_config, labels=LABELS)["Id"]
    try:
        sock, rest = raw_upgrade(f"/containers/{container}/attach?stream=1&stdout=1&stderr=1")
        api.start(container)
        pieces = raw_output(raw_recv_pieces(sock, rest), True, False)
        first = next(pieces)  # the timer starts when the output does
        cpu0, start = time.process_time_ns(), time.perf_counter_ns()
        total = 0
        for piece in pieces:
            total += len(piece)
        elapsed = time.perf_counter_ns() - start
        cpu_ns = time.process_time_ns() - cpu0
        sock.close()
        return elapsed, {"bytes": total, "first_piece": len(first), "cpu_ns": cpu_ns}
    finally:
        remove_quietly(api, container)


# --------------------------------------------------------------------------- setup


def exec_cmd(size: int) -> list[str]:
    return ["head", "-c", str(size), "/dev/zero"]


def setup(api: Any, size: int, log: Callable[[str], None]) -> tuple[str, str]:
    """A running container for the execs, and a stopped one whose log holds ``size`` bytes."""
    runner = api.create_container(IMAGE, ["sleep", "3600"], labels=LABELS)["Id"]
    api.start(runner)
    line = "a" * (LINE - 1)
    printer = api.create_container(
        IMAGE, ["sh", "-c", f"yes {line} | head -c {size}"], labels=LABELS
    )["Id"]
    start = time.monotonic()
    api.start(printer)
    status = api.wait(printer, timeout=600)
    if status.get("StatusCode") not in (0, 141):  # 141: yes got SIGPIPE, fine
        raise SystemExit(f"log printer exited with {status}")
    log(f"log container wrote {size / 1e6:.0f} MB in {time.monotonic() - start:.1f} s")
    return runner, printer


def cleanup(api: Any) -> None:
    for c in api.containers(all=True, filters={"label": f"{LABEL}=streams"}):
        remove_quietly(api, c["Id"])


# --------------------------------------------------------------------------- the run


@dataclass
class Results:
    size: int
    series: dict[str, dict[str, Series]] = field(default_factory=dict)
    small: dict[int, dict[str, Series]] = field(default_factory=dict)

    def add(
        self,
        table: dict[Any, dict[str, Series]],
        key: Any,
        who: str,
        payload: int,
        result: tuple[int, dict[str, Any]],
    ) -> None:
        table.setdefault(key, {}).setdefault(who, Series(payload)).runs.append(result)


def check_bytes(label: str, who: str, result: tuple[int, dict[str, Any]], want: int) -> None:
    extra = result[1]
    if who == "drain":  # counts wire bytes: the payload plus 8 bytes of header per frame
        ok = extra["wire_bytes"] >= want
    elif label == "attach(stream=True)":  # timed after the first piece
        ok = extra["bytes"] + extra["first_piece"] == want
    else:
        ok = extra["bytes"] == want
    if not ok:
        raise SystemExit(f"{label} / {who}: wrong byte count {extra} (want {want})")


def run(rounds: int, scale: float, log: Callable[[str], None]) -> Results:
    size = max(LINE, int(SIZE * scale) // LINE * LINE)
    small_sizes = [max(LINE, int(s * scale)) for s in SMALL_SIZES]
    mine = ours()
    api = mine.clients.api
    cleanup(api)
    original = Original()
    res = Results(size=size)
    try:
        runner, printer = setup(api, size, log)
        cmd = exec_cmd(size)
        attach_args = {"image": IMAGE, "cmd": cmd, "log_driver": "none", "labels": LABELS}
        # measurement -> contender -> how to run it once
        plan: dict[str, dict[str, Run]] = {}
        for stream, demux in EXEC_MODES:
            args = {"container": runner, "cmd": cmd, "stream": stream, "demux": demux}
            entry: dict[str, Run] = {
                "raw": lambda s=stream, d=demux: raw_exec(api, runner, cmd, s, d),
                "ours": lambda a=args: mine.run("exec", a)[0],
            }
            if not (demux and not stream):  # quadratic in the original: small sizes only
                entry["original"] = lambda a=args: original.run("exec", a)[0]
            plan[mode_name(stream, demux)] = entry
        for stream in (False, True):
            args = {"container": printer, "stream": stream}
            plan[f"logs(stream={stream})"] = {
                "raw": lambda s=stream: raw_logs(printer, s),
                "ours": lambda a=args: mine.run("logs", a)[0],
                "original": lambda a=args: original.run("logs", a)[0],
            }
        plan["attach(stream=True)"] = {
            "raw": lambda: raw_attach(api, cmd),
            "ours": lambda: mine.run("attach", attach_args)[0],
            "original": lambda: original.run("attach", attach_args)[0],
        }
        plan[DRAIN] = {"drain": lambda: raw_exec_drain(api, runner, cmd)}

        # warm up: one small exec per contender (connections, imports)
        warm_cmd = exec_cmd(1_000_000)
        warm = {"container": runner, "cmd": warm_cmd, "stream": True, "demux": False}
        mine.run("exec", warm)
        original.run("exec", warm)
        raw_exec(api, runner, warm_cmd, True, False)

        labels = list(plan)
        for r in range(rounds):
            # The measurements in an order rotated each round; within one, its contenders back
            # to back (also rotated), so that the runs compared share the machine's load.
            shift = r % len(labels)
            for label in labels[shift:] + labels[:shift]:
                entry = plan[label]
                who_all = list(entry)
                k = r % len(who_all)
                for who in who_all[k:] + who_all[:k]:
                    result = entry[who]()
                    check_bytes(label, who, result, size)
                    res.add(res.series, label, who, size, result)
            if r < SMALL_ROUNDS:
                for small in small_sizes:
                    small_cmd = exec_cmd(small)
                    args = {"container": runner, "cmd": small_cmd, "stream": False, "demux": True}
                    trio: list[tuple[str, Run]] = [
                        ("raw", lambda c=small_cmd: raw_exec(api, runner, c, False, True)),
                        ("ours", lambda a=args: mine.run("exec", a)[0]),
                        ("original", lambda a=args: original.run("exec", a)[0]),
                    ]
                    k = r % 3
                    for who, fn in trio[k:] + trio[:k]:
                        result = fn()
                        check_bytes("small", who, result, small)
                        res.add(res.small, small, who, small, result)
            log(f"round {r + 1}/{rounds} done")
    finally:
        original.close()
        cleanup(api)
    return res


# --------------------------------------------------------------------------- report


def paired(mine: Series, raw: Series) -> list[float]:
    """Per round, raw's time over ours (ours' throughput relative to raw's), from the two runs
    made back to back in that round."""
    return [r / m for (m, _), (r, _) in zip(mine.runs, raw.runs, strict=True)]


def report(res: Results, meta: dict[str, str]) -> tuple[str, dict[str, bool]]:
    lines: list[str] = []
    add = lines.append
    checks: dict[str, bool] = {}
    mb = res.size / 1e6
    for key, value in meta.items():
        add(f"- {key}: {value}")
    add("")
    add(
        f"Throughput on {mb:,.0f} MB of output, MB/s (median time in seconds in brackets). "
        "*raw* does what the mode does (hands out each piece, or keeps and joins the whole "
        'output; see above). "ours / raw" is the ratio of the median throughputs, the verdict; '
        '"paired" gives the median and the range over the rounds of the ratio between the two '
        "runs made back to back in a round; client CPU is the median CPU time the client "
        "process spent in the timed part."
    )
    add("")
    add(
        "| Measurement | raw socket | ours | original 7.2 | ours / raw | paired ours / raw: "
        "median (range) | ours / original | client CPU s: raw / ours / original | target "
        "| met? |"
    )
    add("|---|---:|---:|---:|---:|---:|---:|---:|---|---|")

    def cell(s: Series | None) -> str:
        return "not measured" if s is None else f"{s.mbps:,.0f} ({s.seconds:.2f} s)"

    def cpu(s: Series | None) -> str:
        return "—" if s is None or s.cpu_seconds is None else f"{s.cpu_seconds:.2f}"

    for label, by in res.series.items():
        if label == DRAIN:
            continue
        raw, mine, orig = by["raw"], by["ours"], by.get("original")
        ratio = mine.mbps / raw.mbps
        pairs = paired(mine, raw)
        ok = ratio >= TARGET
        checks[label] = ok
        vs_orig = f"{mine.mbps / orig.mbps:.2f}x" if orig else "—"
        orig_cell = cell(orig) if orig else "not measured (quadratic: see below)"
        add(
            f"| `{label}` | {cell(raw)} | {cell(mine)} | {orig_cell} | {ratio:.2f}x "
            f"| {median(pairs):.2f}x ({min(pairs):.2f} to {max(pairs):.2f}) | {vs_orig} "
            f"| {cpu(raw)} / {cpu(mine)} / {cpu(orig)} | >= {TARGET}x raw | {met(ok)} |"
        )
    drain = res.series[DRAIN]["drain"]
    add("")
    add(
        f"Reference, *raw drain* (exec output read into one reused 64 KiB buffer and dropped, "
        f"no frame parsing): {drain.mbps:,.0f} MB/s ({drain.seconds:.2f} s, client CPU "
        f"{cpu(drain)} s), what the engine delivers when the reader does nothing."
    )
    add("")
    small_runs = max((len(by["ours"].runs) for by in res.small.values()), default=0)
    add(
        "`exec_start(stream=False, demux=True)` at smaller sizes, where the original can be "
        f"measured (seconds, median of {small_runs} runs):"
    )
    add("")
    add("| Output | raw socket | ours | original 7.2 | original / ours |")
    add("|---:|---:|---:|---:|---:|")
    for size, by in res.small.items():
        raw, mine, orig = by["raw"], by["ours"], by["original"]
        add(
            f"| {size / 1e6:,.4g} MB | {raw.seconds:.2f} | {mine.seconds:.2f} | "
            f"{orig.seconds:.2f} | {orig.seconds / mine.seconds:,.1f}x |"
        )
    add(
        f"| {mb:,.0f} MB | {res.series[mode_name(False, True)]['raw'].seconds:.2f} | "
        f"{res.series[mode_name(False, True)]['ours'].seconds:.2f} | **not measured** | — |"
    )
    add("")
    add("Noise: range of the per-run times, seconds.")
    add("")
    add("| Measurement | raw socket | ours | original 7.2 |")
    add("|---|---:|---:|---:|")
    for label, by in res.series.items():
        if label == DRAIN:
            add(f"| raw drain (reference) | {by['drain'].spread()} | — | — |")
            continue
        orig = by.get("original")
        add(
            f"| `{label}` | {by['raw'].spread()} | {by['ours'].spread()} | "
            f"{orig.spread() if orig else '—'} |"
        )
    failed = [name for name, ok in checks.items() if not ok]
    add("")
    add(
        f"Target (ours >= {TARGET}x the throughput of the raw reader doing the same work, in "
        f"every mode) met in {len(checks) - len(failed)} of {len(checks)} modes"
        + (f"; not met: {', '.join(f'`{n}`' for n in failed)}." if failed else ".")
    )
    return "\n".join(lines) + "\n", checks


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(
        __doc__, ROUNDS, f"rounds (default {ROUNDS})", "multiply the sizes (0.1 for a smoke run)"
    )
    args = parser.parse_args(argv)
    log = log_to("bench_streams")
    started, busy, before = start_run()
    res = run(args.rounds, args.scale, log)
    meta = meta_block(
        started,
        busy,
        before,
        {
            "Run": (
                f"{args.rounds} rounds; each round runs the measurements in an order rotated "
                "each round, and the contenders of one measurement back to back (also rotated); "
                f"{res.size / 1e6:,.0f} MB per run (exec and attach: `head -c {res.size} "
                f"/dev/zero`; logs: json-file, {LINE}-byte lines); the original's "
                f"`stream=False, demux=True` at "
                + ", ".join(f"{s / 1e6:,.4g}" for s in res.small)
                + f" MB, {SMALL_ROUNDS} rounds"
            ),
        },
    )
    text, checks = report(res, meta)
    payload = {
        "meta": meta,
        "size": res.size,
        "series": {k: {w: s.as_json() for w, s in by.items()} for k, by in res.series.items()},
        "small": {str(k): {w: s.as_json() for w, s in by.items()} for k, by in res.small.items()},
    }
    publish(text, checks, payload, args.markdown, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
