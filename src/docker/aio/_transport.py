"""asyncio connections and their bounded pool, over any transport's ``open_async``."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

from .._core.http import ResponseParser, encode_chunk
from ..errors import ProtocolError
from ..transport.base import RECV_SIZE, Transport

__all__ = ["AsyncConnection", "AsyncConnectionPool"]


class AsyncConnection:
    """One HTTP/1.1 connection over an asyncio stream, with its response parser."""

    __slots__ = ("parser", "pool", "reader", "reused", "writer")

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, pool: AsyncConnectionPool
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.pool = pool
        self.parser = ResponseParser()
        self.reused = False

    async def send(self, head: bytes, body: Any) -> None:
        """Write a request: ``head`` then ``body`` (bytes, or pieces sent chunked)."""
        writer = self.writer
        if body is None or isinstance(body, bytes | bytearray | memoryview):
            writer.write(head + body if body else head)
        else:
            writer.write(head)
            async for piece in _pieces(body):
                if piece:
                    writer.write(encode_chunk(piece))
                    await writer.drain()
            writer.write(encode_chunk(b""))
        await writer.drain()

    async def receive(self) -> None:
        """Read once into the parser (end of file included)."""
        data = await self.reader.read(RECV_SIZE)
        if data:
            self.parser.feed(data)
        else:
            self.parser.feed_eof()

    async def read_head(self) -> None:
        """Read until the response head is complete."""
        parser = self.parser
        parser.reset()
        while not parser.headers_complete and not parser.upgraded:
            await self.receive()

    async def read_body(self) -> bytes:
        """Read the rest of the body and return it whole."""
        parser = self.parser
        while not parser.message_complete:
            await self.receive()
        pieces = parser.take_body()
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    async def iter_body(self) -> AsyncGenerator[bytes, None]:
        """The body pieces of the current response as they arrive."""
        parser = self.parser
        for piece in parser.take_body():
            yield piece
        while not parser.message_complete:
            await self.receive()
            for piece in parser.take_body():
                yield piece

    def is_stale(self) -> bool:
        """True when the idle connection was closed by the daemon."""
        return self.reader.at_eof() or self.writer.is_closing()

    def close(self) -> None:
        """Close the connection in use and free its pool slot."""
        self.pool.discard(self)


async def _pieces(body: Any) -> AsyncIterator[bytes]:
    if hasattr(body, "__aiter__"):
        async for piece in body:
            yield piece
    elif hasattr(body, "read"):
        while True:
            piece = body.read(RECV_SIZE)
            if not piece:
                return
            yield piece
    else:
        for piece in body:
            yield piece


class AsyncConnectionPool:
    """Connections of one event loop to one daemon; at most ``maxsize`` open at once.

    Callers beyond ``maxsize`` wait until a connection is released, so any number of
    concurrent calls runs over a bounded number of sockets.
    """

    def __init__(self, transport: Transport, maxsize: int) -> None:
        self.transport = transport
        self.maxsize = maxsize
        self.loop = asyncio.get_running_loop()
        self._slots = asyncio.Semaphore(maxsize)
        self._idle: list[AsyncConnection] = []
        self._open: set[AsyncConnection] = set()

    async def acquire(self) -> AsyncConnection:
        """A connection for one request: an idle live one, or a new one."""
        await self._slots.acquire()
        try:
            while self._idle:
                conn = self._idle.pop()
                if conn.is_stale():
                    self._close(conn)
                    continue
                conn.reused = True
                return conn
            reader, writer = await self.transport.open_async()
        except OSError as exc:
            self._slots.release()
            raise self.transport.connect_error(exc) from exc
        except BaseException:
            self._slots.release()
            raise
        conn = AsyncConnection(reader, writer, self)
        self._open.add(conn)
        return conn

    def release(self, conn: AsyncConnection) -> None:
        """Give back a connection whose response was read completely."""
        if conn.parser.keep_alive and not conn.is_stale() and len(self._idle) < self.maxsize:
            self._idle.append(conn)
        else:
            self._close(conn)
        self._slots.release()

    def discard(self, conn: AsyncConnection) -> None:
        """Close a connection in use (error, or a reader that stopped early)."""
        self._close(conn)
        self._slots.release()

    def _close(self, conn: AsyncConnection) -> None:
        if not conn.writer.is_closing():
            conn.writer.close()
        self._open.discard(conn)

    @property
    def open_count(self) -> int:
        """Connections open now (idle or in use)."""
        return len(self._open)

    async def aclose(self) -> None:
        """Close every connection of the pool and wait until the sockets are closed."""
        conns = list(self._open)
        self._idle.clear()
        for conn in conns:
            self._close(conn)
        for conn in conns:
            with contextlib.suppress(OSError, ProtocolError):
                await conn.writer.wait_closed()
