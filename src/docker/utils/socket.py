"""Read container output from an attached socket (the original's ``docker.utils.socket``).

The functions take a socket-like object: anything with ``recv`` (a socket), with ``read`` (a
``socket.SocketIO`` or file), or a file descriptor holder with ``fileno``.  The frame format is
parsed by :class:`docker._core.frames.FrameDecoder`, the library's one implementation of it.

Differences from the original, all fixes: a read interrupted by a signal or finding no data
(``None`` from :func:`read`) is retried instead of failing; a stream that ends inside a frame
(a short header or payload) ends the iteration cleanly, as the original did for most cases;
large outputs are joined in linear time.
"""

from __future__ import annotations

import errno
import os
import select
import struct
from collections.abc import Iterable, Iterator
from typing import Any

from .._core.frames import FrameDecoder, collect

__all__ = [
    "STDERR",
    "STDOUT",
    "SocketError",
    "consume_socket_output",
    "demux_adaptor",
    "frames_iter",
    "frames_iter_no_tty",
    "frames_iter_tty",
    "next_frame_header",
    "read",
    "read_exactly",
]

STDOUT = 1
STDERR = 2

#: Read errors that mean "no data now, try again": :func:`read` returns None for them.
_RETRY_ERRNOS = frozenset({errno.EINTR, errno.EDEADLK, errno.EWOULDBLOCK, errno.EAGAIN})
#: Windows' ERROR_BROKEN_PIPE, raised by a named pipe whose other end closed.
_NPIPE_ENDED = 109
#: How much the frame iterators ask for per read.
_READ_SIZE = 65536


class SocketError(Exception):
    """A socket read failed, or the stream ended before the expected bytes arrived."""


def _wait_readable(sock: Any) -> None:
    """Block until ``sock`` has data (or EOF).

    Skipped where the read blocks by itself (a socket without a timeout), for TLS sockets with
    decrypted bytes already buffered, and for objects without a descriptor.
    """
    gettimeout = getattr(sock, "gettimeout", None)
    if gettimeout is not None and gettimeout() is None:
        return
    pending = getattr(sock, "pending", None)
    if pending is not None and pending():
        return  # a TLS socket with decrypted bytes buffered: its descriptor may look idle
    try:
        fd = sock if isinstance(sock, int) else sock.fileno()
    except (AttributeError, OSError, ValueError):
        return  # no descriptor (e.g. a named pipe object): the read itself blocks
    if fd < 0:
        return
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(fd, select.POLLIN | select.POLLPRI)
        poller.poll()
    else:  # pragma: no cover - Windows
        select.select([fd], [], [])


def read(socket: Any, n: int = 4096) -> bytes | None:
    """Wait until ``socket`` is readable, then read up to ``n`` bytes.

    Returns ``b''`` at end of stream and ``None`` when the read was interrupted or found no
    data (EINTR, EWOULDBLOCK, ...), in which case the caller should try again.
    """
    try:
        _wait_readable(socket)
        if hasattr(socket, "recv"):
            data = socket.recv(n)
        elif hasattr(socket, "read"):
            data = socket.read(n)
        else:
            fd = socket if isinstance(socket, int) else socket.fileno()
            data = os.read(fd, n)
    except OSError as exc:
        if exc.errno in _RETRY_ERRNOS:
            return None
        if getattr(exc, "winerror", None) == _NPIPE_ENDED:
            return b""
        raise
    except Exception as exc:
        # pywin32 reports a closed named pipe as ``error(109, ...)``, not an OSError.
        if exc.args and exc.args[0] == _NPIPE_ENDED:
            return b""
        raise
    if data is None:
        return None  # a non-blocking raw stream with nothing to read
    return bytes(data) if type(data) is not bytes else data


def read_exactly(socket: Any, n: int) -> bytes:
    """Read exactly ``n`` bytes; raise :class:`SocketError` if the stream ends first."""
    parts: list[bytes] = []
    missing = n
    while missing > 0:
        data = read(socket, missing)
        if data is None:
            continue
        if not data:
            raise SocketError("Unexpected EOF")
        parts.append(data)
        missing -= len(data)
    return b"".join(parts)


def next_frame_header(socket: Any) -> tuple[int, int]:
    """Read one frame header: ``(stream_id, payload_length)``, or ``(-1, -1)`` at the end."""
    try:
        header = read_exactly(socket, 8)
    except SocketError:
        return (-1, -1)
    stream_id, length = struct.unpack(">BxxxL", header)
    return (stream_id, length)


def frames_iter(socket: Any, tty: bool) -> Iterator[tuple[int, bytes]]:
    """``(stream_id, data)`` pairs from ``socket``; with ``tty`` every piece is stdout."""
    if tty:
        return ((STDOUT, data) for data in frames_iter_tty(socket))
    return frames_iter_no_tty(socket)


def frames_iter_no_tty(socket: Any) -> Iterator[tuple[int, bytes]]:
    """``(stream_id, data)`` pairs of a multiplexed stream; a frame may come in pieces.

    The stream ends at end of file, also when that falls inside a frame.  A stream id other
    than 0, 1 or 2 raises :class:`~docker.errors.ProtocolError`.
    """
    decoder = FrameDecoder._with_stream_ids()
    feed = decoder.feed
    while True:
        data = read(socket, _READ_SIZE)
        if data is None:
            continue
        if not data:
            return
        yield from feed(data)


def frames_iter_tty(socket: Any) -> Iterator[bytes]:
    """The raw pieces of a TTY stream, as read, until end of file."""
    while True:
        data = read(socket, _READ_SIZE)
        if data is None:
            continue
        if not data:
            return
        yield data


def consume_socket_output(frames: Iterable[Any], demux: bool = False) -> Any:
    """Join a whole stream: bytes, or ``(stdout, stderr)`` (``None`` for an empty side)."""
    return collect(frames, demux)


def demux_adaptor(stream_id: int, data: bytes) -> tuple[bytes | None, bytes | None]:
    """``(data, None)`` for stdout, ``(None, data)`` for stderr; ValueError for other ids."""
    if stream_id == STDOUT:
        return (data, None)
    if stream_id == STDERR:
        return (None, data)
    raise ValueError(f"{stream_id} is not a valid stream")
