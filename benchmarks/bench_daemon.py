"""Daemon round-trip benchmark: raw socket (the limit) vs our SDK vs the original SDK 7.2.

Run with the project's venv (``bash benchmarks/run_all.sh`` does it and updates
``docs/performance.md``)::

    .venv/bin/python benchmarks/bench_daemon.py [--rounds 20] [--scale 1.0] [--markdown FILE]

What one run measures, every contender in the same run:

* ``GET /_ping``, ``version()`` and ``info()`` per call, over a keep-alive connection:
  *raw* is a unix socket with hand-written request bytes and a minimal response reader
  (Content-Length or chunked; for version/info it also ``json.loads`` the body, the least any
  client must do to hand back a dict): the limit.  *ours* is ``docker.APIClient(version='1.41')``
  in this process (and ``docker.APIClient()`` with lazy negotiation, warm).  *original* is the
  original SDK 7.2 run by ``_original_worker.py --serve`` (one process for the whole run) under
  ``benchmarks/.venv-original/bin/python -I`` from ``/``, so its ``import docker`` is the PyPI
  one (checked on every answer).
* ``import docker``: wall time of ``python -I -c "import docker"`` minus ``python -I -c pass``,
  medians over interleaved runs, and which heavy/optional modules the import loaded.
* ``docker.aio.AsyncAPIClient(version='1.41')``: sequential ``await ping()`` per call, and
  1,000 concurrent pings through ``asyncio.gather`` with ``max_pool_size=10``, sampling
  ``client._pool.open_count`` during the run.  Next to it, asyncio's floor: the same exchange
  through a minimal ``BufferedProtocol`` with no HTTP parser and no SDK.

Contenders alternate call by call (the original's worker is asked for one call at a time; the
pipe round trip is not timed), in a fresh random order at every step, so each call meets the
machine in the same state.  The figure reported is the median of the per-round medians, with
the range of the round medians to show the noise.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ORIGINAL_VENV = HERE / ".venv-original"
ORIGINAL_PYTHON = ORIGINAL_VENV / "bin" / "python"
WORKER = HERE / "_original_worker.py"
OUR_PYTHON = Path(sys.executable)
API = "1.41"
SOCKET_PATH = "/var/run/docker.sock"

#: Modules that only some features need: ``import docker`` must not load any of them.
OPTIONAL_MODULES = (
    "asyncio",
    "ssl",
    "subprocess",
    "paramiko",
    "websocket",
    "requests",
    "urllib3",
    "cryptography",
)
#: Other modules worth knowing about when they show up after ``import docker``.
HEAVY_MODULES = (
    "json",
    "http.client",
    "urllib.request",
    "email",
    "socket",
    "selectors",
    "threading",
    "concurrent.futures",
    "tarfile",
    "tempfile",
    "shutil",
    "logging",
    "datetime",
    "base64",
    "hashlib",
    "uuid",
    "inspect",
    "dataclasses",
    "typing",
    "httptools",
    "certifi",
    "charset_normalizer",
    "idna",
)

# Steps per round for each operation, at --scale 1: a step calls each contender once.
STEPS = {"ping": 1200, "version": 40, "info": 40}
ROUNDS = 15
ASYNC_CONCURRENT = 1000
ASYNC_POOL = 10
IMPORT_RUNS = 20


# --------------------------------------------------------------------------- stats

#: A contender: one call, returning how long it took (ns).
Timed = Callable[[], Awaitable[int]]


@dataclass
class RoundStat:
    """Per-call statistics of one contender in one round (nanoseconds)."""

    median_ns: float
    mean_ns: float
    min_ns: float
    p90_ns: float

    @classmethod
    def of(cls, samples: list[int]) -> RoundStat:
        samples = sorted(samples)
        return cls(
            median_ns=float(statistics.median(samples)),
            mean_ns=statistics.fmean(samples),
            min_ns=float(samples[0]),
            p90_ns=float(samples[int(0.9 * (len(samples) - 1))]),
        )


@dataclass
class Series:
    """One contender's round results for one measurement."""

    rounds: list[RoundStat] = field(default_factory=list)

    @property
    def median_ns(self) -> float:
        """The median of the per-round medians: the figure reported."""
        return float(statistics.median(r.median_ns for r in self.rounds))

    @property
    def spread_ns(self) -> tuple[float, float]:
        medians = [r.median_ns for r in self.rounds]
        return min(medians), max(medians)

    @property
    def fastest_ns(self) -> float:
        return min(r.min_ns for r in self.rounds)

    def as_json(self) -> dict[str, Any]:
        return {
            "median_of_round_medians_ns": self.median_ns,
            "rounds": [vars(r) for r in self.rounds],
        }


def timed_sync(call: Callable[[], object]) -> Timed:
    """Times one blocking call (run right in the event loop's thread: nothing else runs)."""
    clock = time.perf_counter_ns

    async def once() -> int:
        start = clock()
        call()
        return clock() - start

    return once


def timed_async(call: Callable[[], Awaitable[object]]) -> Timed:
    """Times one awaited call."""
    clock = time.perf_counter_ns

    async def once() -> int:
        start = clock()
        await call()
        return clock() - start

    return once


async def interleaved_round(
    contenders: dict[str, Timed], steps: int, seed: int
) -> dict[str, list[int]]:
    """``steps`` steps, each calling every contender once in a fresh random order; every
    call's time per contender.

    Contenders alternate call by call so that each meets the machine in the same state: on
    this VM a call's latency depends on what ran just before it (an idle pause, another
    process, even how long the client took since the previous reply: see
    docs/performance.md).  Blocks of one contender at a time would charge such a change to
    whichever ran after it, and a fixed (or merely rotated) order would give each contender
    the same predecessor every time; a random order gives each the same mix.
    """
    names = list(contenders)
    samples: dict[str, list[int]] = {name: [] for name in names}
    appends = {name: samples[name].append for name in names}
    shuffle = random.Random(seed).shuffle
    for _ in range(steps):
        shuffle(names)
        for name in names:
            appends[name](await contenders[name]())
    return samples


# --------------------------------------------------------------------------- raw socket


class RawClient:
    """The limit: one keep-alive unix socket, request bytes written by hand, a minimal reader."""

    def __init__(self, path: str = SOCKET_PATH) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.buf = b""

    def close(self) -> None:
        self.sock.close()

    def get(self, request: bytes) -> bytes:
        """Send ``request`` (a full GET request) and return the response body."""
        sock = self.sock
        sock.sendall(request)
        buf = self.buf
        while (end := buf.find(b"\r\n\r\n")) < 0:
            buf += sock.recv(65536)
        head = buf[:end].lower()
        buf = buf[end + 4 :]
        pos = head.find(b"content-length:")
        if pos >= 0:
            eol = head.find(b"\r\n", pos)
            length = int(head[pos + 15 : eol if eol >= 0 else len(head)])
            while len(buf) < length:
                buf += sock.recv(65536)
            self.buf = buf[length:]
            return buf[:length]
        # Transfer-Encoding: chunked (what the engine sends for bigger JSON such as /info)
        pieces: list[bytes] = []
        while True:
            while (eol := buf.find(b"\r\n")) < 0:
                buf += sock.recv(65536)
            size = int(buf[:eol].split(b";", 1)[0], 16)
            need = eol + 2 + size + 2
            while len(buf) < need:
                buf += sock.recv(65536)
            if size == 0:
                self.buf = buf[need:]
                return b"".join(pieces)
            pieces.append(buf[eol + 2 : eol + 2 + size])
            buf = buf[need:]


def raw_request(path: str) -> bytes:
    return f"GET /v{API}{path} HTTP/1.1\r\nHost: docker\r\n\r\n".encode("ascii")


def raw_calls(raw: RawClient) -> dict[str, Callable[[], object]]:
    ping_req, version_req, info_req = (raw_request(p) for p in ("/_ping", "/version", "/info"))
    get = raw.get
    loads = json.loads
    return {
        "ping": lambda: get(ping_req) == b"OK",
        "version": lambda: loads(get(version_req)),
        "info": lambda: loads(get(info_req)),
    }


# --------------------------------------------------------------------------- original SDK


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}


class OriginalWorker:
    """``_original_worker.py --serve`` under the original SDK's interpreter (isolated, cwd ``/``).

    One process for the whole run, so its clients stay warm and it can be asked for a short
    block of calls at a time, interleaved with the other contenders.
    """

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [str(ORIGINAL_PYTHON), "-I", str(WORKER), "--serve"],
            cwd="/",
            env=clean_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def samples(self, op: str, k: int) -> list[int]:
        """Each call's time for ``k`` calls of ``op`` in the original SDK."""
        stdin, stdout = self.proc.stdin, self.proc.stdout
        assert stdin is not None and stdout is not None
        stdin.write(f"{op} {k} 0\n")
        stdin.flush()
        line = stdout.readline()
        if not line:
            raise SystemExit(f"original worker died (exit {self.proc.wait()})")
        data = json.loads(line)
        where = Path(data["docker_file"]).resolve()
        if not where.is_relative_to(ORIGINAL_VENV.resolve()) or data["docker_version"] != "7.2.0":
            raise SystemExit(f"original worker imported the wrong docker: {where}")
        return list(data["samples_ns"])

    def contender(self, op: str) -> Timed:
        """One call of ``op`` in the worker (the pipe round trip is not timed)."""

        async def once() -> int:
            return self.samples(op, 1)[0]

        return once

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)


# --------------------------------------------------------------------------- import time


def _wall_ns(argv: list[str]) -> int:
    start = time.perf_counter_ns()
    subprocess.run(argv, cwd="/", env=clean_env(), check=True)
    return time.perf_counter_ns() - start


def measure_import(runs: int) -> dict[str, Any]:
    """``python -I -c "import docker"`` minus ``python -I -c pass``: medians per interpreter."""
    interpreters = {"ours": OUR_PYTHON, "original": ORIGINAL_PYTHON}
    times: dict[str, dict[str, list[int]]] = {
        name: {"pass": [], "import": []} for name in interpreters
    }
    for py in interpreters.values():  # warm the pyc caches and the page cache
        for _ in range(2):
            _wall_ns([str(py), "-I", "-c", "import docker"])
    for _ in range(runs):
        for name, py in interpreters.items():
            times[name]["pass"].append(_wall_ns([str(py), "-I", "-c", "pass"]))
            times[name]["import"].append(_wall_ns([str(py), "-I", "-c", "import docker"]))
    result: dict[str, Any] = {}
    probe = (
        "import sys; base = set(sys.modules); import docker; "
        "print(docker.__file__); print(' '.join(sorted(set(sys.modules) - base)))"
    )
    for name, py in interpreters.items():
        out = subprocess.run(
            [str(py), "-I", "-c", probe],
            cwd="/",
            env=clean_env(),
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
        loaded = set(out[1].split()) if len(out) > 1 else set()
        base_ms = statistics.median(times[name]["pass"]) / 1e6
        import_ms = statistics.median(times[name]["import"]) / 1e6
        result[name] = {
            "docker_file": out[0],
            "interpreter_ms": base_ms,
            "import_total_ms": import_ms,
            "import_ms": import_ms - base_ms,
            "modules_loaded": len(loaded),
            "optional_loaded": sorted(m for m in OPTIONAL_MODULES if m in loaded),
            "heavy_loaded": sorted(m for m in HEAVY_MODULES if m in loaded),
        }
    if not result["ours"]["docker_file"].startswith(str(ROOT / "src")):
        raise SystemExit(f"our python imported docker from {result['ours']['docker_file']}")
    if not result["original"]["docker_file"].startswith(str(ORIGINAL_VENV)):
        raise SystemExit(
            f"original python imported docker from {result['original']['docker_file']}"
        )
    return result


# --------------------------------------------------------------------------- async gather


@dataclass
class GatherRound:
    total_ns: int
    max_open_sampled: int
    max_open_exact: int | None


class _MaxSet(set[Any]):
    """A set that remembers its largest size (swapped in for the pool's set of open conns)."""

    max_len = 0

    def add(self, item: Any) -> None:
        super().add(item)
        self.max_len = max(self.max_len, len(self))


async def gather_round(concurrent: int) -> GatherRound:
    """``concurrent`` pings at once through a fresh client with ``max_pool_size=ASYNC_POOL``,
    sampling ``client._pool.open_count`` from a task of its own while they run."""
    from docker.aio import AsyncAPIClient

    client = AsyncAPIClient(version=API, max_pool_size=ASYNC_POOL)
    try:
        await asyncio.gather(*(client.ping() for _ in range(2 * ASYNC_POOL)))  # warm the pool
        pool: Any = client._pool
        # Exact peak too, when the pool keeps its open connections in a set named _open.
        tracker: _MaxSet | None = None
        if isinstance(getattr(pool, "_open", None), set):
            tracker = _MaxSet(pool._open)
            tracker.max_len = len(tracker)
            pool._open = tracker
        counts: list[int] = []
        done = False

        async def sample() -> None:
            while not done:
                current = client._pool
                if current is not None:
                    counts.append(current.open_count)
                await asyncio.sleep(0)

        sampler = asyncio.ensure_future(sample())
        await asyncio.sleep(0)
        start = time.perf_counter_ns()
        replies = await asyncio.gather(*(client.ping() for _ in range(concurrent)))
        total = time.perf_counter_ns() - start
        done = True
        await sampler
        if not all(replies):
            raise SystemExit("a concurrent ping did not return True")
        return GatherRound(
            total_ns=total,
            max_open_sampled=max(counts),
            max_open_exact=tracker.max_len if tracker is not None else None,
        )
    finally:
        await client.close()


# --------------------------------------------------------------------------- the run


@dataclass
class Results:
    series: dict[str, dict[str, Series]] = field(default_factory=dict)
    gather: list[GatherRound] = field(default_factory=list)
    imports: dict[str, Any] = field(default_factory=dict)

    def add(self, op: str, contender: str, samples: list[int]) -> None:
        by_op = self.series.setdefault(op, {})
        by_op.setdefault(contender, Series()).rounds.append(RoundStat.of(samples))


class _FloorProtocol(asyncio.BufferedProtocol):
    """asyncio's floor: the least an asyncio client can do for ``GET /_ping``.

    No HTTP parser and no SDK: bytes go into one reused buffer (the cheapest asyncio read
    path) and the waiting coroutine is woken once the reply ends in ``OK``.
    """

    def __init__(self) -> None:
        self.buffer = bytearray(65536)
        self.size = 0
        self.waiter: asyncio.Future[None] | None = None

    def get_buffer(self, sizehint: int) -> memoryview:
        return memoryview(self.buffer)[self.size :]

    def buffer_updated(self, nbytes: int) -> None:
        self.size += nbytes
        if self.buffer[self.size - 2 : self.size] == b"OK" and self.waiter is not None:
            self.waiter.set_result(None)


async def floor_async_ping() -> tuple[Callable[[], Awaitable[bool]], asyncio.BaseTransport]:
    """``GET /_ping`` through :class:`_FloorProtocol` on one unix connection."""
    loop = asyncio.get_running_loop()
    transport, proto = await loop.create_unix_connection(_FloorProtocol, SOCKET_PATH)
    request = raw_request("/_ping")

    async def ping() -> bool:
        proto.size = 0
        waiter = proto.waiter = loop.create_future()
        transport.write(request)
        await waiter
        return proto.buffer.startswith(b"HTTP/1.1 200 ")

    return ping, transport


async def run_async(rounds: int, steps: dict[str, int], log: Callable[[str], None]) -> Results:
    import docker
    from docker.aio import AsyncAPIClient

    raw = RawClient()
    raw_ops = raw_calls(raw)
    ours = docker.APIClient(version=API)
    ours_auto = docker.APIClient()
    ours_auto.ping()  # negotiate now: the loop measures the warm, lazily negotiated client
    ours_async = AsyncAPIClient(version=API, max_pool_size=ASYNC_POOL)
    floor_async, floor_transport = await floor_async_ping()
    if not await floor_async():
        raise SystemExit("the asyncio floor client did not get 200 OK for /_ping")
    original = OriginalWorker()
    contenders: dict[str, dict[str, Timed]] = {
        "ping": {
            "raw": timed_sync(raw_ops["ping"]),
            "ours": timed_sync(ours.ping),
            "ours_auto": timed_sync(ours_auto.ping),
            "ours_async": timed_async(ours_async.ping),
            "floor_async": timed_async(floor_async),
            "original": original.contender("ping"),
            "original_auto": original.contender("ping_auto"),
        },
        **{
            op: {
                "raw": timed_sync(raw_ops[op]),
                "ours": timed_sync(getattr(ours, op)),
                "original": original.contender(op),
            }
            for op in ("version", "info")
        },
    }
    results = Results()
    try:
        for op, by_name in contenders.items():  # warm up: untimed steps
            await interleaved_round(by_name, STEPS[op] // 10, 0)
        for r in range(rounds):
            for op, by_name in contenders.items():
                samples = await interleaved_round(by_name, steps[op], r)
                for name, values in samples.items():
                    results.add(op, name, values)
            results.gather.append(await gather_round(ASYNC_CONCURRENT))
            log(f"round {r + 1}/{rounds} done (load {os.getloadavg()[0]:.2f})")
    finally:
        raw.close()
        ours.close()
        ours_auto.close()
        await ours_async.close()
        floor_transport.close()
        original.close()
    return results


def run(rounds: int, scale: float, log: Callable[[str], None]) -> Results:
    import docker

    if not Path(docker.__file__).resolve().is_relative_to(ROOT / "src"):
        raise SystemExit(f"expected our docker from {ROOT / 'src'}, got {docker.__file__}")
    if not ORIGINAL_PYTHON.exists():
        raise SystemExit("benchmarks/.venv-original missing: run bash benchmarks/setup_original.sh")
    steps = {op: max(1, round(n * scale)) for op, n in STEPS.items()}
    results = asyncio.run(run_async(rounds, steps, log))
    results.imports = measure_import(IMPORT_RUNS)
    log("import timing done")
    return results


# --------------------------------------------------------------------------- report


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def cpu_busy(seconds: float) -> float:
    """Percent of all CPUs busy over ``seconds`` (from /proc/stat), before the run starts."""

    def sample() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        return sum(fields), idle

    total0, idle0 = sample()
    time.sleep(seconds)
    total1, idle1 = sample()
    return 100.0 * (1 - (idle1 - idle0) / max(1, total1 - total0))


def engine_version() -> str:
    raw = RawClient()
    try:
        data = json.loads(raw.get(raw_request("/version")))
    finally:
        raw.close()
    return f"{data['Version']} (API {data['ApiVersion']})"


def us(ns: float) -> str:
    return f"{ns / 1000:,.1f}"


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x"


def met(ok: bool) -> str:
    return "yes" if ok else "**NO**"


def report(res: Results, meta: dict[str, str]) -> tuple[str, dict[str, bool]]:
    s = res.series
    lines: list[str] = []
    checks: dict[str, bool] = {}
    add = lines.append
    for key, value in meta.items():
        add(f"- {key}: {value}")
    add("")
    add(
        "| Measurement | raw socket (limit) | ours | original 7.2 | ours / raw "
        "| original / ours | target | met? |"
    )
    add("|---|---:|---:|---:|---:|---:|---|---|")

    raw_ping = s["ping"]["raw"].median_ns
    for name, label, ours_key, orig_key in (
        ("ping (version='1.41')", "`ping()`, version='1.41', µs/call", "ours", "original"),
        (
            "ping (default version)",
            "`ping()`, default version (lazy negotiation, warm), µs/call",
            "ours_auto",
            "original_auto",
        ),
    ):
        o, g = s["ping"][ours_key].median_ns, s["ping"][orig_key].median_ns
        ok = o <= 1.5 * raw_ping and g >= 5 * o
        checks[name] = ok
        why = "" if ok else f" ({o / raw_ping:.3f}x raw, original {g / o:.3f}x slower)"
        add(
            f"| {label} | {us(raw_ping)} | {us(o)} | {us(g)} | {ratio(o, raw_ping)} "
            f"| {ratio(g, o)} | <= 1.5x raw and >= 5x faster than original | {met(ok)}{why} |"
        )
    for op in ("version", "info"):
        r, o, g = (s[op][k].median_ns for k in ("raw", "ours", "original"))
        label = f"`{op}()`, µs/call"
        ok = o <= 1.15 * r
        checks[f"{op}()"] = ok
        why = "" if ok else f" ({o / r:.3f}x raw)"
        add(
            f"| {label} | {us(r)} | {us(o)} | {us(g)} | {ratio(o, r)} | {ratio(g, o)} "
            f"| <= 1.15x raw | {met(ok)}{why} |"
        )

    imp_o, imp_g = res.imports["ours"], res.imports["original"]
    ok = imp_o["import_ms"] < 40 and not imp_o["optional_loaded"]
    checks["import docker"] = ok
    add(
        f"| `import docker`, ms (net of interpreter start) | — | {imp_o['import_ms']:.1f} "
        f"| {imp_g['import_ms']:.1f} | — | {ratio(imp_g['import_ms'], imp_o['import_ms'])} "
        f"| < 40 ms, no optional module loaded "
        f"(loaded: {', '.join(imp_o['optional_loaded']) or 'none'}) | {met(ok)} |"
    )

    a = s["ping"]["ours_async"].median_ns
    sync = s["ping"]["ours"].median_ns
    ok = a <= sync
    checks["async ping as fast as sync"] = ok
    add(
        f"| async `await ping()`, sequential, µs/call | {us(raw_ping)} | {us(a)} | — "
        f"| {ratio(a, raw_ping)} | — | <= sync ping per call (async / sync = "
        f"{a / sync:.2f}x) | {met(ok)} |"
    )
    fl = s["ping"]["floor_async"].median_ns
    add(
        f"| asyncio floor: `GET /_ping` through a minimal `BufferedProtocol` (no HTTP parser, "
        f"no SDK), µs/call | {us(raw_ping)} | {us(fl)} | — | {ratio(fl, raw_ping)} | — "
        f"| what asyncio itself costs: floor / ours sync = {fl / sync:.2f}x; "
        f"ours async / floor = {a / fl:.2f}x | — |"
    )

    totals = [g.total_ns for g in res.gather]
    n_conc = ASYNC_CONCURRENT
    total = statistics.median(totals)
    max_sampled = max(g.max_open_sampled for g in res.gather)
    exacts = [g.max_open_exact for g in res.gather if g.max_open_exact is not None]
    max_exact = max(exacts) if exacts else None
    peak = max(max_sampled, max_exact or 0)
    ok = peak <= ASYNC_POOL
    checks["pool bound under 1,000 concurrent pings"] = ok
    peak_note = f"max open sampled {max_sampled}" + (
        f", exact {max_exact}" if max_exact is not None else ""
    )
    add(
        f"| {n_conc:,} concurrent async pings, `max_pool_size={ASYNC_POOL}`: total ms "
        f"(amortised µs/call) | — | {total / 1e6:,.1f} ({us(total / n_conc)}) | — | — | — "
        f"| open connections <= {ASYNC_POOL} ({peak_note}) | {met(ok)} |"
    )

    add("")
    add(
        "Noise: range of the per-round medians, and in brackets the fastest single call "
        "(µs/call; ms for the concurrent total)."
    )
    add("")
    add("| Measurement | raw socket | ours | original 7.2 |")
    add("|---|---:|---:|---:|")

    def rng(op: str, key: str) -> str:
        if key not in s[op]:
            return "—"
        series = s[op][key]
        lo, hi = series.spread_ns
        return f"{us(lo)} to {us(hi)} ({us(series.fastest_ns)})"

    for label, op, ours_key, orig_key, raw_key in (
        ("`ping()`, version='1.41'", "ping", "ours", "original", "raw"),
        ("`ping()`, default version", "ping", "ours_auto", "original_auto", "-"),
        ("`version()`", "version", "ours", "original", "raw"),
        ("`info()`", "info", "ours", "original", "raw"),
        ("async `await ping()`", "ping", "ours_async", "-", "-"),
        ("asyncio floor (minimal protocol)", "ping", "floor_async", "-", "-"),
    ):
        add(f"| {label} | {rng(op, raw_key)} | {rng(op, ours_key)} | {rng(op, orig_key)} |")
    add(
        f"| {n_conc:,} concurrent async pings | — "
        f"| {min(totals) / 1e6:,.1f} to {max(totals) / 1e6:,.1f} | — |"
    )
    add("")
    heavy_o = ", ".join(imp_o["heavy_loaded"]) or "none"
    heavy_g = ", ".join(imp_g["heavy_loaded"] + imp_g["optional_loaded"]) or "none"
    add(
        f"`import docker` loads {imp_o['modules_loaded']} modules for ours "
        f"(optional: {', '.join(imp_o['optional_loaded']) or 'none'}; other notable: {heavy_o}) "
        f"and {imp_g['modules_loaded']} for the original (notable: {heavy_g}). "
        f"Interpreter start alone: {imp_o['interpreter_ms']:.1f} ms (ours), "
        f"{imp_g['interpreter_ms']:.1f} ms (original venv)."
    )
    failed = [name for name, ok in checks.items() if not ok]
    add("")
    add(
        f"Targets met in this run: {len(checks) - len(failed)} of {len(checks)}"
        + (f"; not met: {'; '.join(failed)}." if failed else ".")
    )
    return "\n".join(lines) + "\n", checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--rounds", type=int, default=ROUNDS, help=f"interleaved rounds (default {ROUNDS})"
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiply iteration counts (0.1 for a smoke run)"
    )
    parser.add_argument("--markdown", type=Path, help="also write the markdown section here")
    parser.add_argument("--json", type=Path, help="also write the raw results here as JSON")
    args = parser.parse_args(argv)

    def log(msg: str) -> None:
        print(f"[bench_daemon] {msg}", file=sys.stderr, flush=True)

    busy = cpu_busy(2.0)
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    started = time.monotonic()
    res = run(args.rounds, args.scale, log)
    elapsed = time.monotonic() - started
    load_after = Path("/proc/loadavg").read_text().split()[:3]
    orig_py = subprocess.run(
        [str(ORIGINAL_PYTHON), "-I", "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    steps = {op: max(1, round(n * args.scale)) for op, n in STEPS.items()}
    meta = {
        "Date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "Machine": f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {cpu_model()}",
        "Python": f"{platform.python_version()} (ours), {orig_py} (original venv)",
        "Engine": engine_version(),
        "Run": (
            f"{args.rounds} rounds; per contender per round "
            + ", ".join(f"{op} {steps[op]}" for op in STEPS)
            + " calls, contenders alternating call by call in random order; "
            + f"{ASYNC_CONCURRENT:,} concurrent"
            + " pings once a round; "
            f"import {IMPORT_RUNS} runs each; took {elapsed:.0f} s; CPU busy {busy:.0f}% "
            f"just before (other users); load average {' '.join(load_before)} before, "
            f"{' '.join(load_after)} after"
        ),
    }
    text, checks = report(res, meta)
    print(text)
    failed = [name for name, ok in checks.items() if not ok]
    print("targets:", "all met" if not failed else "NOT met: " + "; ".join(failed))
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(text, encoding="utf-8")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "meta": meta,
            "checks": checks,
            "series": {
                op: {k: v.as_json() for k, v in by.items()} for op, by in res.series.items()
            },
            "gather": [vars(g) for g in res.gather],
            "imports": res.imports,
        }
        args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
