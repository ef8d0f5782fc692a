"""asyncio connections and their bounded pool, over any transport's ``open_async``.

A connection is an :class:`asyncio.Protocol` that feeds what arrives straight into the sans-IO
:class:`~docker._core.http.ResponseParser` (no stream-reader buffering in between) and wakes
the one coroutine waiting on it.  Reading pauses when unread body data piles up, so a slow
consumer of a large stream keeps memory bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

from .._core.http import ResponseParser, encode_chunk
from ..transport.base import SEND_CHUNK, Transport

__all__ = ["AsyncConnection", "AsyncConnectionPool"]

#: Unread bytes at which reading from the socket pauses.
HIGH_WATER = 4 * 1024 * 1024
#: Bytes read from the socket at a time.
READ_SIZE = 65536


class AsyncConnection(asyncio.BufferedProtocol):
    """One HTTP/1.1 connection: an asyncio protocol with its response parser.

    It reads into one reused buffer (the default protocol path allocates a fresh 256 KiB
    buffer per read, which costs more than a small reply's whole exchange).
    """

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._buffer = bytearray(READ_SIZE)
        self._view = memoryview(self._buffer)
        self._expiry: asyncio.TimerHandle | None = None
        self._timeout: float | None = None
        self._last_activity = 0.0
        self.parser = ResponseParser()
        self.transport: asyncio.Transport | None = None
        self.pool: AsyncConnectionPool | None = None
        self.reused = False
        self.closed = False
        self._waiter: asyncio.Future[None] | None = None
        self._error: BaseException | None = None
        self._eof = False
        self._paused = False
        self._write_ready: asyncio.Future[None] | None = None
        # After an upgrade, raw bytes go here instead of into the parser.
        self._raw: deque[bytes] | None = None
        self._raw_size = 0

    # asyncio.Protocol ------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._view

    def buffer_updated(self, nbytes: int) -> None:
        self.data_received(bytes(self._view[:nbytes]))

    def data_received(self, data: bytes) -> None:
        if self._timeout is not None:
            self._last_activity = self._loop.time()
        if self._raw is not None:
            self._raw.append(data)
            self._raw_size += len(data)
            pending = self._raw_size
        else:
            try:
                self.parser.feed(data)
            except Exception as exc:
                self._error = exc
            if self.parser.upgraded:
                self._raw = deque([self.parser.tail] if self.parser.tail else [])
                self._raw_size = len(self.parser.tail)
            pending = self.parser.body_pending
        if pending > HIGH_WATER and self.transport is not None and not self._paused:
            self._paused = True
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool:
        self._eof = True
        self._wake()
        return True  # keep the write side open (half-close after an upgrade)

    def connection_lost(self, exc: Exception | None) -> None:
        self._eof = True
        self.closed = True
        self._timeout = None
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None
        if exc is not None and self._error is None:
            self._error = exc
        self._wake()
        ready = self._write_ready
        if ready is not None and not ready.done():
            ready.set_result(None)

    def pause_writing(self) -> None:
        self._write_ready = self._loop.create_future()

    def resume_writing(self) -> None:
        ready, self._write_ready = self._write_ready, None
        if ready is not None and not ready.done():
            ready.set_result(None)

    # -----------------------------------------------------------------------------------------
    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)

    async def _wait(self) -> None:
        """Wait for more data, end of file or an error."""
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        if self._eof:
            self.parser.feed_eof()
            return
        if self._paused and self.transport is not None:
            self._paused = False
            self.transport.resume_reading()
        self._waiter = self._loop.create_future()
        await self._waiter
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def write(self, data: bytes) -> None:
        """Queue bytes for sending."""
        assert self.transport is not None
        self.transport.write(data)

    async def drain(self) -> None:
        """Wait until the socket accepts more data."""
        ready = self._write_ready
        if ready is not None:
            await ready
        if self.closed:
            raise ConnectionResetError("the daemon closed the connection")

    async def send(self, head: bytes, body: Any) -> None:
        """Write a request: ``head`` then ``body`` (bytes, or pieces sent chunked)."""
        if body is None or isinstance(body, bytes | bytearray | memoryview):
            self.write(head + body if body else head)
            return
        self.write(head)
        async for piece in _pieces(body):
            if piece:
                self.write(encode_chunk(piece))
                await self.drain()
        self.write(encode_chunk(b""))
        await self.drain()

    async def read_head(self) -> None:
        """Read until the response head is complete."""
        parser = self.parser
        while not parser.headers_complete and not parser.upgraded:
            await self._wait()

    async def read_body(self) -> bytes:
        """Read the rest of the body and return it whole."""
        parser = self.parser
        while not parser.message_complete:
            await self._wait()
        return self.whole_body()

    def whole_body(self) -> bytes:
        """The body of a response read to its end (``parser.message_complete``), whole."""
        pieces = self.parser.take_body()
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    async def iter_body(self) -> AsyncGenerator[bytes, None]:
        """The body pieces of the current response as they arrive."""
        parser = self.parser
        while True:
            for piece in parser.take_body():
                yield piece
            if parser.message_complete:
                return
            await self._wait()

    async def read_raw(self, size: int) -> bytes:
        """After an upgrade: up to ``size`` bytes, ``b''`` at end of stream."""
        raw = self._raw
        assert raw is not None, "the connection was not upgraded"
        while not raw:
            if self._eof:
                return b""
            await self._wait()
        data = raw.popleft()
        if len(data) > size:
            raw.appendleft(data[size:])
            data = data[:size]
        self._raw_size -= len(data)
        return data

    def reset(self) -> None:
        """Prepare for the next request on this connection."""
        self.parser.reset()

    def arm_timeout(self, timeout: float | None) -> None:
        """Fail the waiting reader with ``TimeoutError`` once nothing arrived for ``timeout`` s.

        Like a socket timeout, it bounds the silence between reads, not the whole exchange.
        The connection keeps one timer for all its requests: a request finds it still
        pending (armed by an earlier one, firing no later than needed) and only notes the
        time; when it fires early, :meth:`_expire` waits out the rest.
        """
        self._timeout = timeout
        if timeout is not None:
            now = self._last_activity = self._loop.time()
            expiry = self._expiry
            if expiry is None or expiry.when() > now + timeout:
                if expiry is not None:
                    expiry.cancel()
                self._expiry = self._loop.call_at(now + timeout, self._expire)

    def disarm_timeout(self) -> None:
        """Stop the timeout set by :meth:`arm_timeout` (a pending timer then lapses)."""
        self._timeout = None

    def _expire(self) -> None:
        self._expiry = None
        timeout = self._timeout
        if timeout is None:
            return
        idle = self._loop.time() - self._last_activity
        if idle < timeout:  # data arrived meanwhile: wait for the rest of the period
            self._expiry = self._loop.call_later(timeout - idle, self._expire)
            return
        self._error = TimeoutError("the daemon did not answer in time")
        self._wake()
        ready = self._write_ready
        if ready is not None and not ready.done():
            ready.set_exception(TimeoutError("the daemon did not read the request in time"))

    def is_stale(self) -> bool:
        """True when the idle connection was closed by the daemon."""
        return self._eof or self.closed or self._error is not None

    def close(self) -> None:
        """Close the connection in use and free its pool slot."""
        if self.pool is not None:
            self.pool.discard(self)
        elif self.transport is not None:
            self.transport.close()


async def _pieces(body: Any) -> AsyncIterator[bytes]:
    if hasattr(body, "__aiter__"):
        async for piece in body:
            yield piece
    elif hasattr(body, "read"):
        while True:
            piece = body.read(SEND_CHUNK)
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
        # Slots for open connections: a counter, and the callers waiting for a slot in
        # arrival order (an asyncio.Semaphore, minus its cost on the path of every call).
        self._free_slots = maxsize
        self._slot_waiters: deque[asyncio.Future[None]] = deque()
        self._idle: list[AsyncConnection] = []
        self._open: set[AsyncConnection] = set()

    async def _wait_for_slot(self) -> None:
        waiter = self.loop.create_future()
        self._slot_waiters.append(waiter)
        try:
            await waiter  # _release_slot hands its slot over by setting the result
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release_slot()  # handed a slot just as we were cancelled: pass it on
            else:
                with contextlib.suppress(ValueError):
                    self._slot_waiters.remove(waiter)
            raise

    def _release_slot(self) -> None:
        waiters = self._slot_waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._free_slots += 1

    async def acquire(self, timeout: float | None = None) -> AsyncConnection:
        """A connection for one request: an idle live one, or a new one.

        ``timeout`` bounds the connection set-up (not the wait for a free slot).
        """
        if self._free_slots and not self._slot_waiters:
            self._free_slots -= 1
        else:
            await self._wait_for_slot()
        try:
            while self._idle:
                conn = self._idle.pop()
                if conn.is_stale():
                    self._close(conn)
                    continue
                conn.reused = True
                conn.reset()
                return conn
            opening = self.transport.open_async(AsyncConnection)
            if timeout is None:
                conn = await opening
            else:
                try:
                    conn = await asyncio.wait_for(opening, timeout)
                except asyncio.TimeoutError as exc:
                    if isinstance(exc, OSError):
                        raise  # Python 3.11+: the built-in TimeoutError
                    # Python 3.10: asyncio's own class, not an OSError; the built-in one
                    # becomes DaemonTimeout below, as on later versions.
                    raise TimeoutError(f"no connection within {timeout} s") from None
        except OSError as exc:
            self._release_slot()
            raise self.transport.connect_error(exc) from exc
        except BaseException:
            self._release_slot()
            raise
        conn.pool = self
        self._open.add(conn)
        return conn

    def release(self, conn: AsyncConnection) -> None:
        """Give back a connection whose response was read completely."""
        if conn.parser.keep_alive and not conn.is_stale() and len(self._idle) < self.maxsize:
            self._idle.append(conn)
        else:
            self._close(conn)
        self._release_slot()

    def discard(self, conn: AsyncConnection) -> None:
        """Close a connection in use (error, or a reader that stopped early)."""
        if conn in self._open:
            self._close(conn)
            self._release_slot()

    def _close(self, conn: AsyncConnection) -> None:
        if conn.transport is not None and not conn.transport.is_closing():
            conn.transport.close()
        self._open.discard(conn)

    @property
    def open_count(self) -> int:
        """Connections open now (idle or in use)."""
        return len(self._open)

    async def aclose(self) -> None:
        """Close every connection of the pool."""
        conns = list(self._open)
        self._idle.clear()
        for conn in conns:
            self._close(conn)
        # Let the event loop run the transports' close callbacks.
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(0)
