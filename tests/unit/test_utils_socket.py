"""Tests for docker.utils.socket over real socket pairs (and a few socket-like objects)."""

from __future__ import annotations

import errno
import io
import os
import socket
import struct
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from docker.errors import ProtocolError
from docker.utils import socket as dsocket
from docker.utils.socket import (
    STDERR,
    STDOUT,
    SocketError,
    consume_socket_output,
    demux_adaptor,
    frames_iter,
    frames_iter_no_tty,
    frames_iter_tty,
    next_frame_header,
    read,
    read_exactly,
)


def frame(stream: int, payload: bytes) -> bytes:
    return struct.pack(">BxxxL", stream, len(payload)) + payload


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    """(writer, reader): a connected socket pair, closed after the test."""
    writer, reader = socket.socketpair()
    try:
        yield writer, reader
    finally:
        writer.close()
        reader.close()


def send_and_close(writer: socket.socket, data: bytes) -> None:
    writer.sendall(data)
    writer.shutdown(socket.SHUT_WR)


def send_in_thread(writer: socket.socket, pieces: list[bytes]) -> threading.Thread:
    def run() -> None:
        for piece in pieces:
            writer.sendall(piece)
        writer.shutdown(socket.SHUT_WR)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


STREAM = frame(1, b"out1\n") + frame(2, b"err1\n") + frame(1, b"") + frame(1, b"out2\n")


def test_constants() -> None:
    assert (STDOUT, STDERR) == (1, 2)
    assert issubclass(SocketError, Exception)


# ----------------------------------------------------------------------------------------------
# read / read_exactly / next_frame_header


def test_read_socket(pair: tuple[socket.socket, socket.socket]) -> None:
    writer, reader = pair
    send_and_close(writer, b"hello")
    assert read(reader) == b"hello"
    assert read(reader) == b""


def test_read_with_timeout_waits_for_data(pair: tuple[socket.socket, socket.socket]) -> None:
    writer, reader = pair
    reader.settimeout(0.05)  # read() waits for readability itself, beyond the socket timeout
    timer = threading.Timer(0.2, send_and_close, (writer, b"late"))
    timer.start()
    try:
        assert read(reader, 10) == b"late"
    finally:
        timer.join()


def test_read_nonblocking_socket_waits(pair: tuple[socket.socket, socket.socket]) -> None:
    writer, reader = pair
    reader.setblocking(False)
    timer = threading.Timer(0.1, send_and_close, (writer, b"x"))
    timer.start()
    try:
        assert read(reader) == b"x"
    finally:
        timer.join()


def test_read_respects_n(pair: tuple[socket.socket, socket.socket]) -> None:
    writer, reader = pair
    send_and_close(writer, b"abcdef")
    assert read(reader, 2) == b"ab"
    assert read(reader, 100) == b"cdef"


def test_read_socketio_and_fd(pair: tuple[socket.socket, socket.socket]) -> None:
    writer, reader = pair
    send_and_close(writer, b"via SocketIO")
    stream = socket.SocketIO(reader, "rb")
    try:
        assert not hasattr(stream, "recv")
        assert read(stream) == b"via SocketIO"
    finally:
        stream.close()

    rfd, wfd = os.pipe()
    try:
        os.write(wfd, b"via fd")

        class FdOnly:
            def fileno(self) -> int:
                return rfd

        assert read(FdOnly()) == b"via fd"
    finally:
        os.close(rfd)
        os.close(wfd)


class Flaky:
    """A socket-like object whose reads fail with the given errors first."""

    def __init__(self, data: bytes, errors: list[Exception], chunk: int = 3) -> None:
        self._data = io.BytesIO(data)
        self._errors = list(errors)
        self._chunk = chunk

    def recv(self, n: int) -> bytes:
        if self._errors:
            raise self._errors.pop(0)
        return self._data.read(min(n, self._chunk))


@pytest.mark.parametrize("code", [errno.EINTR, errno.EWOULDBLOCK, errno.EDEADLK])
def test_read_recoverable_errors_give_none(code: int) -> None:
    sock = Flaky(b"data", [OSError(code, os.strerror(code))])
    assert read(sock) is None
    assert read(sock) == b"dat"


def test_read_other_errors_raise() -> None:
    sock = Flaky(b"", [OSError(errno.ECONNRESET, "reset")])
    with pytest.raises(ConnectionResetError):
        read(sock)


def test_read_named_pipe_ended_is_eof() -> None:
    class PipeError(Exception):
        pass

    sock = Flaky(b"", [PipeError(109, "ReadFile", "The pipe has been ended.")])
    assert read(sock) == b""
    with pytest.raises(PipeError):
        read(Flaky(b"", [PipeError(5, "ReadFile", "Access is denied.")]))


def test_read_exactly_short_reads_and_retries() -> None:
    sock = Flaky(b"0123456789", [OSError(errno.EINTR, "interrupted")], chunk=3)
    assert read_exactly(sock, 7) == b"0123456"
    assert read_exactly(sock, 3) == b"789"
    assert read_exactly(sock, 0) == b""


def test_read_exactly_eof(pair: tuple[socket.socket, socket.socket]) -> None:
    writer, reader = pair
    send_and_close(writer, b"abc")
    with pytest.raises(SocketError, match="Unexpected EOF"):
        read_exactly(reader, 5)


def test_read_exactly_across_socket_writes(pair: tuple[socket.socket, socket.socket]) -> None:
    writer, reader = pair
    thread = send_in_thread(writer, [b"ab", b"c", b"defg"])
    try:
        assert read_exactly(reader, 7) == b"abcdefg"
    finally:
        thread.join()


def test_next_frame_header(pair: tuple[socket.socket, socket.socket]) -> None:
    writer, reader = pair
    send_and_close(writer, frame(2, b"x" * 300) + b"\x01\x00\x00")
    assert next_frame_header(reader) == (2, 300)
    assert read_exactly(reader, 300) == b"x" * 300
    assert next_frame_header(reader) == (-1, -1)  # a short header at EOF ends the stream


# ----------------------------------------------------------------------------------------------
# frames_iter


def test_frames_iter_no_tty(pair: tuple[socket.socket, socket.socket]) -> None:
    writer, reader = pair
    send_and_close(writer, frame(0, b"in") + STREAM)
    assert list(frames_iter(reader, False)) == [
        (0, b"in"),
        (1, b"out1\n"),
        (2, b"err1\n"),
        (1, b"out2\n"),
    ]


def test_frames_iter_no_tty_split_writes(pair: tuple[socket.socket, socket.socket]) -> None:
    writer, reader = pair
    payload = bytes(range(256)) * 1000
    data = frame(1, payload) + frame(2, b"E" * 70000) + frame(1, b"end")
    pieces = [data[i : i + 4093] for i in range(0, len(data), 4093)]
    thread = send_in_thread(writer, pieces)
    try:
        items = list(frames_iter_no_tty(reader))
    finally:
        thread.join()
    assert all(piece for _, piece in items)
    assert b"".join(p for sid, p in items if sid == 1) == payload + b"end"
    assert b"".join(p for sid, p in items if sid == 2) == b"E" * 70000


@pytest.mark.parametrize("cut", [3, 8 + 2])
def test_frames_iter_truncated_ends_cleanly(
    pair: tuple[socket.socket, socket.socket], cut: int
) -> None:
    writer, reader = pair
    send_and_close(writer, frame(1, b"whole") + frame(2, b"cut short")[:cut])
    items = list(frames_iter(reader, False))
    assert items[0] == (1, b"whole")
    assert b"".join(p for _, p in items[1:]) == b"cut short"[: max(cut - 8, 0)]


def test_frames_iter_invalid_stream_id(pair: tuple[socket.socket, socket.socket]) -> None:
    writer, reader = pair
    send_and_close(writer, b"plain TTY text\n")
    with pytest.raises(ProtocolError, match="TTY"):
        list(frames_iter(reader, False))


def test_frames_iter_tty(pair: tuple[socket.socket, socket.socket]) -> None:
    writer, reader = pair
    thread = send_in_thread(writer, [b"raw ", frame(2, b"not parsed")])
    try:
        items = list(frames_iter(reader, True))
    finally:
        thread.join()
    assert all(sid == STDOUT and data for sid, data in items)
    assert b"".join(data for _, data in items) == b"raw " + frame(2, b"not parsed")


def test_frames_iter_tty_retries_none_reads() -> None:
    # A12: a read interrupted by a signal gives None; the iterator goes on instead of failing.
    sock = Flaky(b"abcdef", [OSError(errno.EINTR, "interrupted"), OSError(errno.EAGAIN, "again")])
    assert b"".join(frames_iter_tty(sock)) == b"abcdef"


def test_frames_iter_no_tty_retries_none_reads() -> None:
    data = frame(1, b"abc") + frame(2, b"de")
    sock = Flaky(data, [OSError(errno.EINTR, "interrupted")] * 3, chunk=5)
    items = list(frames_iter_no_tty(sock))
    assert consume_socket_output((demux_adaptor(*item) for item in items), True) == (b"abc", b"de")


# ----------------------------------------------------------------------------------------------
# consume_socket_output / demux_adaptor


def test_demux_adaptor() -> None:
    assert demux_adaptor(STDOUT, b"o") == (b"o", None)
    assert demux_adaptor(STDERR, b"e") == (None, b"e")
    for bad in (0, 3):
        with pytest.raises(ValueError):
            demux_adaptor(bad, b"x")


def test_consume_socket_output_plain(pair: tuple[socket.socket, socket.socket]) -> None:
    writer, reader = pair
    send_and_close(writer, STREAM)
    gen = (data for _, data in frames_iter(reader, False))
    assert consume_socket_output(gen) == b"out1\nerr1\nout2\n"


def test_consume_socket_output_demux(pair: tuple[socket.socket, socket.socket]) -> None:
    writer, reader = pair
    send_and_close(writer, STREAM)
    gen = (demux_adaptor(*item) for item in frames_iter(reader, False))
    assert consume_socket_output(gen, demux=True) == (b"out1\nout2\n", b"err1\n")


def test_consume_socket_output_demux_one_side_empty(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    writer, reader = pair
    send_and_close(writer, frame(1, b"only stdout"))
    gen = (demux_adaptor(*item) for item in frames_iter(reader, False))
    assert consume_socket_output(gen, demux=True) == (b"only stdout", None)
    assert consume_socket_output(iter([]), demux=True) == (None, None)
    assert consume_socket_output([(None, b"e")], True) == (None, b"e")


def test_consume_socket_output_large_demux_is_linear() -> None:
    # C1: 20,000 small pieces per side; repeated ``bytes +=`` would copy ~2 GB here.
    pieces: list[Any] = []
    for _ in range(20000):
        pieces.append((b"o" * 100, None))
        pieces.append((None, b"e" * 100))
    out, err = consume_socket_output(pieces, demux=True)
    assert out == b"o" * 2_000_000
    assert err == b"e" * 2_000_000


def test_module_names() -> None:
    assert set(dsocket.__all__) == {
        "STDOUT",
        "STDERR",
        "SocketError",
        "read",
        "read_exactly",
        "next_frame_header",
        "frames_iter",
        "frames_iter_no_tty",
        "frames_iter_tty",
        "consume_socket_output",
        "demux_adaptor",
    }
