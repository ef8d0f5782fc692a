"""Demultiplexing throughput: ``FrameDecoder`` against just reading the same bytes.

Run with the project's venv::

    .venv/bin/python benchmarks/bench_demux.py [--mib 300] [--rounds 5]

Input: frames with 32 KiB payloads (the size the engine uses for exec output), stdout and
stderr mixed, in a 4 MiB buffer that is fed repeatedly (``--mib`` in total, 300 MiB by default)
in 64 KiB slices, the transport's read size.

* **memory**: the floor is slicing the buffer into 64 KiB pieces and nothing else; the
  contenders feed the same pieces to ``FrameDecoder`` and consume the items as a caller would
  (plain: append to a list of parts; demux: count the bytes per side).
* **socket**: a writer thread sends the frames over ``socket.socketpair()``; the limit is a
  reader that only ``recv(65536)``s and drops the data (``recv_into`` a reused buffer is shown
  too, a reader that hands out no bytes objects); the contenders ``recv(65536)`` and feed the
  decoder (plain, demux), or go through ``docker.utils.socket.frames_iter`` (the compat API,
  with its readiness wait before each read).

Each figure is the best of ``--rounds`` runs (contenders interleaved per round).
"""

from __future__ import annotations

import argparse
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from docker._core.frames import FrameDecoder
from docker.utils.socket import frames_iter

MIB = 1 << 20
PAYLOAD = 32 * 1024
SLICE = 64 * 1024
BUFFER = 4 * MIB


def build_buffer() -> bytes:
    """Frames of 32 KiB payloads, mostly stdout with every fourth on stderr, about 4 MiB."""
    parts: list[bytes] = []
    size = 0
    i = 0
    while size + 8 + PAYLOAD <= BUFFER:
        stream = 2 if i % 4 == 3 else 1
        payload = bytes([97 + i % 26]) * (PAYLOAD - 1) + b"\n"
        parts.append(struct.pack(">BxxxL", stream, len(payload)) + payload)
        size += 8 + PAYLOAD
        i += 1
    return b"".join(parts)


# --- in memory ---------------------------------------------------------------------------


def mem_floor(buf: bytes, repeat: int) -> int:
    total = 0
    n = len(buf)
    for _ in range(repeat):
        for pos in range(0, n, SLICE):
            total += len(buf[pos : pos + SLICE])
    return total


def mem_plain(buf: bytes, repeat: int) -> int:
    decoder = FrameDecoder(demux=False)
    feed = decoder.feed
    n = len(buf)
    total = 0
    for _ in range(repeat):
        parts: list[bytes] = []
        extend = parts.extend
        for pos in range(0, n, SLICE):
            extend(feed(buf[pos : pos + SLICE]))
        total += sum(map(len, parts))
    decoder.close()
    return total


def mem_floor_keep(buf: bytes, repeat: int) -> int:
    n = len(buf)
    total = 0
    for _ in range(repeat):
        parts = [buf[pos : pos + SLICE] for pos in range(0, n, SLICE)]
        total += sum(map(len, parts))
    return total


def mem_plain_count(buf: bytes, repeat: int) -> int:
    decoder = FrameDecoder(demux=False)
    feed = decoder.feed
    n = len(buf)
    total = 0
    for _ in range(repeat):
        for pos in range(0, n, SLICE):
            for piece in feed(buf[pos : pos + SLICE]):
                total += len(piece)
    decoder.close()
    return total


def mem_demux(buf: bytes, repeat: int) -> int:
    decoder = FrameDecoder(demux=True)
    feed = decoder.feed
    n = len(buf)
    out = err = 0
    for _ in range(repeat):
        for pos in range(0, n, SLICE):
            for stdout, stderr in feed(buf[pos : pos + SLICE]):
                if stdout is not None:
                    out += len(stdout)
                else:
                    err += len(stderr)
    decoder.close()
    return out + err


# --- over a socket pair ------------------------------------------------------------------


def over_socket(buf: bytes, repeat: int, reader: Callable[[socket.socket], int]) -> int:
    left, right = socket.socketpair()
    for s in (left, right):
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)

    def write() -> None:
        view = memoryview(buf)
        try:
            for _ in range(repeat):
                left.sendall(view)
        finally:
            left.shutdown(socket.SHUT_WR)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        return reader(right)
    finally:
        writer.join()
        left.close()
        right.close()


def sock_recv(sock: socket.socket) -> int:
    recv = sock.recv
    total = 0
    while True:
        data = recv(SLICE)
        if not data:
            return total
        total += len(data)


def sock_recv_keep(sock: socket.socket) -> int:
    recv = sock.recv
    parts: list[bytes] = []
    append = parts.append
    total = 0
    while True:
        data = recv(SLICE)
        if not data:
            return total + sum(map(len, parts))
        append(data)
        if len(parts) >= 64:
            total += sum(map(len, parts))
            parts.clear()


def sock_raw(sock: socket.socket) -> int:
    scratch = bytearray(SLICE)
    recv_into = sock.recv_into
    total = 0
    while True:
        got = recv_into(scratch)
        if not got:
            return total
        total += got


def sock_plain(sock: socket.socket) -> int:
    feed = FrameDecoder(demux=False).feed
    recv = sock.recv
    parts: list[bytes] = []
    extend = parts.extend
    total = 0
    while True:
        data = recv(SLICE)
        if not data:
            return total + sum(map(len, parts))
        extend(feed(data))
        if len(parts) >= 128:  # hand ~4 MiB on, as the in-memory run does per buffer
            total += sum(map(len, parts))
            parts.clear()


def sock_plain_count(sock: socket.socket) -> int:
    feed = FrameDecoder(demux=False).feed
    recv = sock.recv
    total = 0
    while True:
        data = recv(SLICE)
        if not data:
            return total
        for piece in feed(data):
            total += len(piece)


def sock_demux(sock: socket.socket) -> int:
    feed = FrameDecoder(demux=True).feed
    recv = sock.recv
    out = err = 0
    while True:
        data = recv(SLICE)
        if not data:
            return out + err
        for stdout, stderr in feed(data):
            if stdout is not None:
                out += len(stdout)
            else:
                err += len(stderr)


def sock_compat(sock: socket.socket) -> int:
    total = 0
    for _stream, data in frames_iter(sock, False):
        total += len(data)
    return total


def sock_compat_tty(sock: socket.socket) -> int:
    total = 0
    for _stream, data in frames_iter(sock, True):
        total += len(data)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=300, help="MiB per run (default 300)")
    parser.add_argument("--rounds", type=int, default=5, help="runs per contender (best kept)")
    args = parser.parse_args()

    buf = build_buffer()
    repeat = max(1, round(args.mib * MIB / len(buf)))
    wire = len(buf) * repeat
    payload = wire // (8 + PAYLOAD) * PAYLOAD

    def sock(reader: Callable[[socket.socket], int]) -> Callable[[], int]:
        return lambda: over_socket(buf, repeat, reader)

    contenders: list[tuple[str, str, Callable[[], int], int]] = [
        ("memory", "floor: slice 64 KiB", lambda: mem_floor(buf, repeat), wire),
        ("memory", "plain, count bytes", lambda: mem_plain_count(buf, repeat), payload),
        ("memory", "slice 64 KiB, keep parts [1]", lambda: mem_floor_keep(buf, repeat), wire),
        ("memory", "plain, keep parts [1]", lambda: mem_plain(buf, repeat), payload),
        ("memory", "demux, count per side", lambda: mem_demux(buf, repeat), payload),
        ("socket", "limit: recv() and drop", sock(sock_recv), wire),
        ("socket", "recv_into a reused buffer", sock(sock_raw), wire),
        ("socket", "plain, count bytes", sock(sock_plain_count), payload),
        ("socket", "recv() and keep parts [1]", sock(sock_recv_keep), wire),
        ("socket", "plain, keep parts [1]", sock(sock_plain), payload),
        ("socket", "demux, count per side", sock(sock_demux), payload),
        ("socket", "utils.socket.frames_iter", sock(sock_compat), payload),
        ("socket", "frames_iter, tty=True", sock(sock_compat_tty), wire),
    ]
    best = {(mode, name): float("inf") for mode, name, _, _ in contenders}
    for _ in range(args.rounds):
        for mode, name, run, expected in contenders:
            start = time.perf_counter()
            got = run()
            elapsed = time.perf_counter() - start
            if got != expected:
                raise SystemExit(f"{name}: got {got} bytes, expected {expected}")
            best[mode, name] = min(best[mode, name], elapsed)

    print(
        f"{wire / MIB:.0f} MiB on the wire ({repeat} x {len(buf)} bytes), 32 KiB frames, "
        f"64 KiB reads, best of {args.rounds}; MB/s of wire bytes\n"
    )
    print(f"| {'mode':<6} | {'contender':<29} | {'MB/s':>7} | {'ratio':>5} |")
    print(f"|{'-' * 8}|{'-' * 31}|{'-' * 9}|{'-' * 7}|")
    base: dict[str, float] = {}
    for mode, name, _, _ in contenders:
        rate = wire / 1e6 / best[mode, name]
        base.setdefault(mode, rate)
        print(f"| {mode:<6} | {name:<29} | {rate:>7.0f} | {rate / base[mode]:>5.2f} |")
    print(
        "\n[1] the caller keeps the parts and drops them every 4 MiB: glibc then gives the freed"
        "\n    heap back to the OS and page-faults it in again.  That is the caller's allocator,"
        "\n    not the decoder: compare with the plain reader that keeps parts, or run with"
        "\n    MALLOC_TRIM_THRESHOLD_=268435456 MALLOC_TOP_PAD_=67108864."
    )


if __name__ == "__main__":
    main()
