"""Replies that own their connection while the caller reads them (blocking form).

:class:`StreamingResponse` is an HTTP response whose body is read as it arrives;
:class:`UpgradedConnection` is the raw two-way byte stream left after an HTTP upgrade (attach,
exec).  Both can be closed at any time, also from another thread (which wakes a reader blocked
on the socket), and close their socket when garbage-collected.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..errors import ProtocolError
from .base import RECV_SIZE, Connection, ConnectionPool, iter_body_chunks

if TYPE_CHECKING:
    from .._core.message import Headers, Response

__all__ = ["OwnedConnection", "StreamingResponse", "UpgradedConnection"]


class OwnedConnection:
    """A connection handed to a reader; the base of the two reply kinds below."""

    def __init__(self, conn: Connection, response: Response) -> None:
        self._conn: Connection | None = conn
        #: The response head (status, headers).
        self.response = response
        self.status_code = response.status_code
        self.reason = response.reason
        self.headers: Headers = response.headers
        self.url = response.url
        #: True once the reply was read to its end or closed.
        self.closed = False

    def _chunks(self, conn: Connection) -> Iterator[bytes]:
        raise NotImplementedError

    def _finished(self, conn: Connection) -> None:
        conn.close()

    def iter_chunks(self) -> Iterator[bytes]:
        """The incoming bytes, piece by piece, as they arrive."""
        conn = self._conn
        if conn is None:
            return
        try:
            yield from self._chunks(conn)
        except (OSError, ProtocolError) as exc:
            if self.closed:  # stopped by close(), maybe from another thread
                return
            # A failure, not a close(): drop the connection but leave ``closed`` unset, so the
            # stream above raises the error instead of ending quietly.
            self._drop()
            if isinstance(exc, OSError):
                raise conn.transport.io_error(exc, None) from exc
            raise
        except BaseException:
            self.close()
            raise
        if self._conn is not None:
            self._conn = None
            self.closed = True
            self._finished(conn)

    def close(self) -> None:
        """Stop reading: shut the connection down (this also wakes a blocked reader)."""
        self.closed = True
        self._drop()

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.sock.shutdown(socket.SHUT_RDWR)
            conn.close()

    def __enter__(self) -> OwnedConnection:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        if self._conn is not None:
            self.close()


class StreamingResponse(OwnedConnection):
    """An HTTP response read as it arrives; its connection returns to the pool at the end."""

    def __init__(self, conn: Connection, pool: ConnectionPool, response: Response) -> None:
        super().__init__(conn, response)
        self._pool = pool

    def _chunks(self, conn: Connection) -> Iterator[bytes]:
        return iter_body_chunks(conn)

    def _finished(self, conn: Connection) -> None:
        if conn.parser.keep_alive:
            self._pool.release(conn)
        else:
            conn.close()


class UpgradedConnection(OwnedConnection):
    """The raw two-way byte stream left after the HTTP upgrade (attach, exec start).

    :meth:`recv` first returns the bytes that arrived with the response head.  Write stdin with
    :meth:`sendall`, end it with :meth:`shutdown_write` while output keeps coming.  The
    connection is never reused for HTTP.
    """

    def __init__(self, conn: Connection, response: Response) -> None:
        super().__init__(conn, response)
        #: The socket under the connection.
        self.sock = conn.sock
        self._tail = conn.parser.tail

    def recv(self, size: int = RECV_SIZE) -> bytes:
        """Up to ``size`` bytes; ``b''`` at end of stream."""
        if self._tail:
            data, self._tail = self._tail[:size], self._tail[size:]
            return data
        return self.sock.recv(size)

    def _chunks(self, conn: Connection) -> Iterator[bytes]:
        if self._tail:
            tail, self._tail = self._tail, b""
            yield tail
        recv = self.sock.recv
        while data := recv(RECV_SIZE):
            yield data

    def sendall(self, data: bytes) -> None:
        """Write ``data`` (stdin of the attached process)."""
        self.sock.sendall(data)

    def shutdown_write(self) -> None:
        """Half-close: signal the end of input while output keeps coming."""
        self.sock.shutdown(socket.SHUT_WR)

    def settimeout(self, timeout: float | None) -> None:
        """Set the socket timeout for reads and writes."""
        self.sock.settimeout(timeout)

    def pending(self) -> int:
        """Bytes :meth:`recv` can return without waiting for the socket to be readable.

        Callers that wait on :meth:`fileno` with select/poll must read first while this is
        not 0: those bytes arrived with the response head, or sit decrypted (or not yet
        decrypted) in a TLS socket, and the descriptor shows none of them.
        """
        in_socket = getattr(self.sock, "pending", None)
        return len(self._tail) + (in_socket() if in_socket is not None else 0)

    def fileno(self) -> int:
        """The socket's file descriptor (for select/poll)."""
        return self.sock.fileno()

    def __enter__(self) -> UpgradedConnection:
        return self
