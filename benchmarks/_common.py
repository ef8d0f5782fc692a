"""Shared pieces of the container benchmarks (bench_streams, bench_memory, bench_containers).

* :class:`Original`: ``_original_worker.py --serve`` under the original SDK 7.2's interpreter
  (``benchmarks/.venv-original/bin/python -I``, cwd ``/``), asked for one op at a time; every
  answer is checked to come from the PyPI ``docker`` 7.2.0.
* :func:`ours`: the same ops run in this process with our SDK, through exactly the same code
  (the op functions of ``_original_worker.py``), so the two SDKs are timed alike.
* The raw socket: :func:`raw_connect`, :func:`raw_upgrade` (a hijacked ``POST`` with
  ``Connection: Upgrade``), :func:`raw_drain` (read to EOF into a reused buffer, dropping the
  data) and :func:`raw_chunked_body` (a minimal chunked-body reader that drops the data); and
  readers that do what each SDK mode does: :func:`raw_recv_pieces` / :func:`raw_chunked_pieces`
  (the payload as ``memoryview`` pieces), :func:`raw_frames` (cut into frames) and
  :func:`raw_output` (hand out the pieces, or join them).
* Run metadata (date, machine, load) and small formatting helpers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import socket
import statistics
import struct
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
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
RECV = 65536

sys.path.insert(0, str(HERE))
import _original_worker as worker_ops  # noqa: E402  (stdlib only at import time)
from bench_daemon import RawClient, cpu_busy, cpu_model, engine_version  # noqa: E402

__all__ = [
    "API",
    "Original",
    "RawClient",
    "bench_parser",
    "check_ours",
    "cpu_busy",
    "cpu_model",
    "engine_version",
    "meta_block",
    "ours",
    "raw_chunked_body",
    "raw_chunked_pieces",
    "raw_connect",
    "raw_drain",
    "raw_frames",
    "raw_output",
    "raw_recv_pieces",
    "raw_upgrade",
    "remove_quietly",
    "start_run",
    "worker_ops",
]


def remove_quietly(api: Any, container: str) -> None:
    """``remove_container(force=True)``, ignoring a container already gone or being removed
    (other users of the engine may clean up at the same time)."""
    worker_ops.remove_quietly(api, container)


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}


def check_ours() -> None:
    import docker

    if not Path(docker.__file__).resolve().is_relative_to(ROOT / "src"):
        raise SystemExit(f"expected our docker from {ROOT / 'src'}, got {docker.__file__}")
    if not ORIGINAL_PYTHON.exists():
        raise SystemExit("benchmarks/.venv-original missing: run bash benchmarks/setup_original.sh")


def _check_original(data: dict[str, Any]) -> None:
    where = Path(data["docker_file"]).resolve()
    if not where.is_relative_to(ORIGINAL_VENV.resolve()) or data["docker_version"] != "7.2.0":
        raise SystemExit(f"original worker imported the wrong docker: {where}")


def _check_ours(data: dict[str, Any]) -> None:
    where = Path(data["docker_file"]).resolve()
    if not where.is_relative_to(ROOT / "src"):
        raise SystemExit(f"our worker imported the wrong docker: {where}")


class Original:
    """An SDK in a ``_original_worker.py --serve`` process kept for the whole run: the original
    (default), or ours with ``python=OUR_PYTHON`` (our package, from ``src/``, in a process of
    its own, timed exactly like the original)."""

    def __init__(self, python: Path = ORIGINAL_PYTHON) -> None:
        self._check = _check_original if python == ORIGINAL_PYTHON else _check_ours
        self.proc = subprocess.Popen(
            [str(python), "-I", str(WORKER), "--serve"],
            cwd="/",
            env=clean_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def run(self, op: str, args: dict[str, Any], n: int = 1) -> list[tuple[int, dict[str, Any]]]:
        """``n`` timed runs of ``op``: ``(ns, extra)`` each."""
        stdin, stdout = self.proc.stdin, self.proc.stdout
        assert stdin is not None and stdout is not None
        stdin.write(f"{op} {n} 0 {json.dumps(args)}\n")
        stdin.flush()
        line = stdout.readline()
        if not line:
            raise SystemExit(f"original worker died (exit {self.proc.wait()})")
        data = json.loads(line)
        self._check(data)
        return list(zip(data["samples_ns"], data["extra"], strict=True))

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=60)


class Ours:
    """The same ops as the worker, run here with our SDK."""

    def __init__(self) -> None:
        self.clients = worker_ops.Clients()

    def run(self, op: str, args: dict[str, Any], n: int = 1) -> list[tuple[int, dict[str, Any]]]:
        fn = worker_ops.ARG_OPS[op]
        return [fn(self.clients, args) for _ in range(n)]


def ours() -> Ours:
    check_ours()
    return Ours()


def one_shot(python: Path, op: str, args: dict[str, Any]) -> dict[str, Any]:
    """One run of ``op`` in a fresh ``python -I _original_worker.py`` process (cwd ``/``)."""
    out = subprocess.run(
        [str(python), "-I", str(WORKER), op, "1", "0", json.dumps(args)],
        cwd="/",
        env=clean_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    data: dict[str, Any] = json.loads(out)
    return data


# --------------------------------------------------------------------------- raw socket


def raw_connect() -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(SOCKET_PATH)
    return sock


def raw_read_head(sock: socket.socket) -> tuple[bytes, bytes]:
    """Read up to the end of the response head: ``(head, bytes after it)``."""
    buf = b""
    while (end := buf.find(b"\r\n\r\n")) < 0:
        data = sock.recv(RECV)
        if not data:
            raise SystemExit(f"raw: connection closed in the response head: {buf!r}")
        buf += data
    return buf[:end], buf[end + 4 :]


def raw_upgrade(path: str, body: bytes | None = None) -> tuple[socket.socket, bytes]:
    """``POST path`` with ``Connection: Upgrade, Upgrade: tcp``: the hijacked socket and the
    bytes that came with the ``101`` head."""
    sock = raw_connect()
    head = f"POST /v{API}{path} HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
    if body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    sock.sendall(head.encode("ascii") + b"\r\n" + (body or b""))
    status, rest = raw_read_head(sock)
    if not status.startswith((b"HTTP/1.1 101", b"HTTP/1.1 200")):
        raise SystemExit(f"raw upgrade of {path} failed: {status[:200]!r}")
    return sock, rest


def raw_drain(sock: socket.socket) -> int:
    """Read to EOF into one reused buffer, dropping the data: the bytes read."""
    scratch = bytearray(RECV)
    recv_into = sock.recv_into
    total = 0
    while got := recv_into(scratch):
        total += got
    return total


def raw_chunked_body(sock: socket.socket, buf: bytes) -> int:
    """Read a ``Transfer-Encoding: chunked`` body to its end (``buf``: what came with the head),
    parsing only the chunk-size lines and dropping the data: the body bytes read."""
    recv = sock.recv
    data, pos, total = bytes(buf), 0, 0
    while True:
        while (eol := data.find(b"\r\n", pos)) < 0:
            more = recv(RECV)
            if not more:
                raise SystemExit("raw: connection closed inside a chunked body")
            data, pos = data[pos:] + more, 0
        size = int(data[pos:eol].split(b";", 1)[0], 16)
        pos = eol + 2
        if size == 0:
            return total
        total += size
        skip = size + 2  # the payload and its CRLF
        if len(data) - pos >= skip:
            pos += skip
            continue
        skip -= len(data) - pos
        data, pos = b"", 0
        while skip > 0:
            more = recv(RECV)
            if not more:
                raise SystemExit("raw: connection closed inside a chunked body")
            if len(more) > skip:
                data = more[skip:]
                break
            skip -= len(more)


# --------------------------------------------------------------------------- raw readers that
# do what the SDK's modes do: pieces of payload, demultiplexed, kept or handed out

_frame_header = struct.Struct(">BxxxL")


def raw_recv_pieces(sock: socket.socket, rest: bytes) -> Iterator[memoryview]:
    """The bytes of a hijacked stream as they arrive, as ``memoryview`` pieces: ``rest`` (what
    came with the head), then one ``recv(64 KiB)`` after the other until EOF."""
    recv = sock.recv
    if rest:
        yield memoryview(rest)
    while data := recv(RECV):
        yield memoryview(data)


def raw_chunked_pieces(sock: socket.socket, buf: bytes) -> Iterator[memoryview]:
    """The payload of a ``Transfer-Encoding: chunked`` body (``buf``: what came with the head),
    piece by piece: every chunk's data as a ``memoryview`` slice of the ``recv(64 KiB)`` that
    carries it (no copy; a chunk cut by a read gives two pieces)."""
    recv = sock.recv
    data, pos = bytes(buf), 0
    view = memoryview(data)
    while True:
        while (eol := data.find(b"\r\n", pos)) < 0:
            more = recv(RECV)
            if not more:
                raise SystemExit("raw: connection closed inside a chunked body")
            data, pos = data[pos:] + more, 0
            view = memoryview(data)
        size = int(data[pos:eol].split(b";", 1)[0], 16)
        pos = eol + 2
        if size == 0:
            return
        while pos + size > len(data):  # the chunk goes on in the next read
            if pos < len(data):
                yield view[pos:]
                size -= len(data) - pos
            data, pos = recv(RECV), 0
            if not data:
                raise SystemExit("raw: connection closed inside a chunked body")
            view = memoryview(data)
        yield view[pos : pos + size]
        pos += size
        while len(data) - pos < 2:  # the CRLF after the chunk's data
            more = recv(RECV)
            if not more:
                raise SystemExit("raw: connection closed inside a chunked body")
            data, pos = data[pos:] + more, 0
            view = memoryview(data)
        pos += 2


def raw_frames(pieces: Iterable[memoryview]) -> Iterator[tuple[int, memoryview]]:
    """Cut the multiplexed stream (8-byte ``>BxxxL`` headers) carried by ``pieces`` into
    ``(stream id, payload piece)``: each payload is a ``memoryview`` slice of the piece that
    carries it (no copy; a piece that is payload only is passed on as it is); a header cut by
    a piece boundary is completed from the next piece."""
    unpack_from = _frame_header.unpack_from
    head = b""
    stream, need = 1, 0
    for data in pieces:
        size, pos = len(data), 0
        if need:
            if need >= size:
                need -= size
                yield stream, data
                continue
            yield stream, data[:need]
            pos, need = need, 0
        while pos < size:
            if head or size - pos < 8:
                take = 8 - len(head)
                head += bytes(data[pos : pos + take])
                pos += take
                if len(head) < 8:
                    break
                stream, length = _frame_header.unpack(head)
                head = b""
            else:
                stream, length = unpack_from(data, pos)
                pos += 8
            stop = pos + length
            if stop > size:
                if pos < size:
                    yield stream, data[pos:]
                need = stop - size
                break
            if length:
                yield stream, data[pos:stop]
            pos = stop
    if head or need:
        raise SystemExit("raw: the multiplexed stream ended inside a frame")


def raw_output(pieces: Iterable[memoryview], stream: bool, demux: bool) -> Any:
    """Do with the frames carried by ``pieces`` what the SDK's ``stream``/``demux`` mode does.

    * ``stream=True``: a generator of payload pieces, each copied into a ``bytes`` of its own
      (as the SDK hands them out), or with ``demux`` of ``(piece, None)`` / ``(None, piece)``;
    * ``stream=False``: the payloads joined once into one ``bytes``, or with ``demux`` into
      ``(stdout, stderr)``, ``None`` for a side without data; the join is the only copy.
    """
    frames = raw_frames(pieces)
    if stream:
        if demux:
            return ((None, bytes(p)) if s == 2 else (bytes(p), None) for s, p in frames)
        return (bytes(p) for _, p in frames)
    if not demux:
        return b"".join([p for _, p in frames])
    out: list[memoryview] = []
    err: list[memoryview] = []
    for s, p in frames:
        (err if s == 2 else out).append(p)
    return (b"".join(out) or None, b"".join(err) or None)


# --------------------------------------------------------------------------- reporting


def load_avg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def bench_parser(
    doc: str | None, rounds: int, rounds_help: str, scale_help: str
) -> argparse.ArgumentParser:
    """The options every benchmark takes (``run_all.sh`` passes ``--markdown``/``--json`` and
    ``BENCH_ARGS``); a benchmark may add its own before parsing."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=rounds, help=rounds_help)
    parser.add_argument("--scale", type=float, default=1.0, help=scale_help)
    parser.add_argument("--markdown", type=Path, help="also write the markdown section here")
    parser.add_argument("--json", type=Path, help="also write the raw results here as JSON")
    return parser


def start_run() -> tuple[float, float, str]:
    """``(started, busy, load_before)`` for :func:`meta_block`: the machine's state just before
    a run, and when it started."""
    busy = cpu_busy(2.0)
    before = load_avg()
    return time.monotonic(), busy, before


def meta_block(
    started: float, busy: float, load_before: str, extra: dict[str, str]
) -> dict[str, str]:
    orig_py = subprocess.run(
        [str(ORIGINAL_PYTHON), "-I", "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    meta = {
        "Date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "Machine": f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {cpu_model()}",
        "Python": f"{platform.python_version()} (ours), {orig_py} (original venv)",
        "Engine": engine_version(),
    }
    meta.update(extra)
    meta["Load"] = (
        f"took {time.monotonic() - started:.0f} s; CPU busy {busy:.0f}% just before (other "
        f"users); load average {load_before} before, {load_avg()} after"
    )
    return meta


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def met(ok: bool) -> str:
    return "yes" if ok else "**NO**"


def log_to(name: str) -> Any:
    def log(msg: str) -> None:
        print(f"[{name}] {msg} (load {os.getloadavg()[0]:.2f})", file=sys.stderr, flush=True)

    return log


def publish(
    text: str,
    checks: dict[str, bool],
    payload: dict[str, Any],
    markdown: Path | None,
    json_path: Path | None,
) -> None:
    """Print a benchmark's markdown section and its targets; write the files run_all.sh asks for.

    ``payload`` is the raw-results JSON object (``checks`` is added to it).
    """
    print(text)
    failed = [name for name, ok in checks.items() if not ok]
    print("targets:", "all met" if not failed else "NOT met: " + "; ".join(failed))
    if markdown:
        markdown.parent.mkdir(parents=True, exist_ok=True)
        markdown.write_text(text, encoding="utf-8")
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps({"checks": checks, **payload}, indent=2), encoding="utf-8")
