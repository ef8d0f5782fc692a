"""Push decoders for container output: the multiplexed frame format and raw TTY streams.

A container without a TTY sends its output (logs, attach, exec) as frames: an 8-byte header
``>BxxxL`` (stream id: 0 stdin, 1 stdout, 2 stderr; three padding bytes; payload length as a
big-endian uint32) followed by the payload.  A container with a TTY sends raw bytes.

The decoders follow the :class:`~docker._core.message.Decoder` protocol and do no I/O.  Input
may be cut anywhere, even inside a header.  Every input byte is handled once: payload pieces are
sliced straight out of the chunk that carries them (a chunk that is payload only is passed on
as it is), a large frame is never held back until complete, and only a header cut by a chunk
boundary (at most 7 bytes) is kept between calls.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from typing import Any, Literal, overload

from ..errors import ProtocolError

__all__ = ["FrameDecoder", "TTYDecoder", "collect"]

HEADER_SIZE = 8
_header_at = struct.Struct(">BxxxL").unpack_from

# What ``FrameDecoder`` yields per payload piece.
_PLAIN = 0  # the bytes
_DEMUX = 1  # (stdout, None) or (None, stderr)
_IDS = 2  # (stream id, bytes), the shape of ``docker.utils.socket.frames_iter``

DemuxItem = tuple[bytes | None, bytes | None]


def _invalid_stream(stream_id: int) -> ProtocolError:
    return ProtocolError(
        f"invalid stream id {stream_id} in multiplexed stream: is the container a TTY? "
        "(a TTY container's output is raw bytes, not frames)"
    )


class FrameDecoder:
    """Split a multiplexed (non-TTY) container stream into its payloads.

    With ``demux=False`` the items are payload bytes, stdout and stderr mixed in arrival order;
    with ``demux=True`` they are ``(data, None)`` for stdout and ``(None, data)`` for stderr.
    Stdin frames (id 0) count as stdout; any other id raises
    :class:`~docker.errors.ProtocolError`.  A frame that arrives over several chunks gives one
    item per chunk (never an empty one); zero-length frames give nothing.
    """

    __slots__ = ("_head", "_length", "_mode", "_remaining", "_stream")

    def __init__(self, demux: bool = False) -> None:
        self._mode = _DEMUX if demux else _PLAIN
        self._head = b""  # the start of a header cut by a chunk boundary
        self._stream = 1  # stream id of the frame in progress
        self._length = 0  # its payload length
        self._remaining = 0  # payload bytes of it still to come

    @classmethod
    def _with_stream_ids(cls) -> FrameDecoder:
        """A decoder yielding ``(stream_id, data)`` pairs (for ``docker.utils.socket``)."""
        decoder = cls()
        decoder._mode = _IDS
        return decoder

    def _item(self, stream: int, piece: bytes) -> Any:
        mode = self._mode
        if mode == _PLAIN:
            return piece
        if mode == _DEMUX:
            return (None, piece) if stream == 2 else (piece, None)
        return (stream, piece)

    def _continue(self, data: bytes, size: int, out: list[Any]) -> int:
        """Take the rest of the frame in progress from ``data``: the position after it."""
        remaining = self._remaining
        if remaining >= size:
            self._remaining = remaining - size
            out.append(self._item(self._stream, data))
            return size
        out.append(self._item(self._stream, data[:remaining]))
        self._remaining = 0
        return remaining

    def feed(self, data: bytes) -> list[Any]:
        """Take the next chunk of the stream and return the payload pieces it completes."""
        size = len(data)
        if type(data) is not bytes:
            data = bytes(data)
        elif size > HEADER_SIZE and not self._remaining and not self._head:
            # The chunk is exactly one whole frame: what logs send, one HTTP chunk per line.
            stream, length = _header_at(data, 0)
            if length == size - HEADER_SIZE and stream <= 2:
                piece = data[HEADER_SIZE:]
                mode = self._mode
                if mode == _PLAIN:
                    return [piece]
                if mode == _DEMUX:
                    return [(None, piece) if stream == 2 else (piece, None)]
                return [(stream, piece)]
        if not size:
            return []
        pos = 0
        out: list[Any] = []
        append = out.append
        if self._remaining:
            # The chunk continues the payload of the frame in progress.
            pos = self._continue(data, size, out)
            if pos == size:
                return out
        elif self._head:
            # Complete the header cut by the previous chunk boundary.
            need = HEADER_SIZE - len(self._head)
            if size < need:
                self._head += data
                return out
            stream, length = _header_at(self._head + data[:need])
            self._head = b""
            if stream > 2:
                raise _invalid_stream(stream)
            pos = need + length
            if pos > size:
                self._stream, self._length, self._remaining = stream, length, pos - size
                if need < size:
                    append(self._item(stream, data[need:]))
                return out
            if length:
                append(self._item(stream, data[need:pos]))

        mode = self._mode
        while True:
            if size - pos < HEADER_SIZE:
                if pos < size:
                    self._head = data[pos:]
                return out
            stream, length = _header_at(data, pos)
            if stream > 2:
                raise _invalid_stream(stream)
            start = pos + HEADER_SIZE
            pos = start + length
            if pos > size:
                # The frame goes on in the next chunk: pass on what is here.
                self._stream, self._length, self._remaining = stream, length, pos - size
                if start < size:
                    piece = data[start:]
                else:
                    return out
            elif length:
                piece = data[start:pos]
            else:
                continue
            if mode == _PLAIN:
                append(piece)
            elif mode == _DEMUX:
                append((None, piece) if stream == 2 else (piece, None))
            else:
                append((stream, piece))
            if pos > size:
                return out

    def close(self) -> list[Any]:
        """End the stream; raise :class:`~docker.errors.ProtocolError` if it stopped mid-frame."""
        if self._head:
            raise ProtocolError(
                f"truncated multiplexed stream: {len(self._head)} of {HEADER_SIZE} header bytes"
            )
        if self._remaining:
            received = self._length - self._remaining
            raise ProtocolError(
                f"truncated multiplexed stream: {received} of {self._length} payload bytes"
            )
        return []


class TTYDecoder:
    """Pass a TTY container's raw output through: bytes, or ``(data, None)`` with ``demux``."""

    __slots__ = ("_demux",)

    def __init__(self, demux: bool = False) -> None:
        self._demux = demux

    def feed(self, data: bytes) -> list[Any]:
        """The chunk itself as one item (nothing for an empty chunk)."""
        if not data:
            return []
        if type(data) is not bytes:
            data = bytes(data)
        return [(data, None)] if self._demux else [data]

    def close(self) -> list[Any]:
        """Nothing is held back."""
        return []


@overload
def collect(items: Iterable[bytes], demux: Literal[False] = ...) -> bytes: ...
@overload
def collect(items: Iterable[DemuxItem], demux: Literal[True]) -> DemuxItem: ...
@overload
def collect(items: Iterable[Any], demux: bool) -> bytes | DemuxItem: ...
def collect(items: Iterable[Any], demux: bool = False) -> bytes | DemuxItem:
    """Join a finished stream's items into one bytes, or ``(stdout, stderr)`` with ``demux``.

    In demux mode a side with no data is ``None``.  Each side is joined once (linear time).
    """
    if not demux:
        return b"".join(items)
    out: list[bytes] = []
    err: list[bytes] = []
    for stdout, stderr in items:
        if stdout is not None:
            out.append(stdout)
        if stderr is not None:
            err.append(stderr)
    return (b"".join(out) or None, b"".join(err) or None)
