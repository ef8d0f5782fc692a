"""What every transport provides, and the blocking connection and pool they share.

A transport knows how to open a byte stream to the daemon (unix socket, TCP, later TLS, SSH and
named pipes) in blocking form (:meth:`Transport.connect`) and in asyncio form
(:meth:`Transport.open_async`).  HTTP framing is not its business: :class:`Connection` puts the
sans-IO :class:`~docker._core.http.ResponseParser` on top of a blocking socket, and
:class:`ConnectionPool` keeps idle keep-alive connections for reuse.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import threading
import weakref
from collections import deque
from collections.abc import Iterator
from time import monotonic
from typing import IO, TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Callable

from .._core.http import ResponseParser, encode_chunk
from ..errors import DaemonConnectionError, DaemonTimeout

P = TypeVar("P", bound="asyncio.BaseProtocol")

__all__ = ["Connection", "ConnectionPool", "Transport", "iter_body_chunks"]

#: Bytes asked of the socket per read.
RECV_SIZE = 65536
#: Piece size when a request body comes from a file object.
SEND_CHUNK = 65536
#: Seconds an idle connection may wait before it is checked for a close by the daemon.
STALE_CHECK_AFTER = 1.0


class Transport:
    """A way to reach one daemon; subclasses implement :meth:`connect` and :meth:`open_async`."""

    #: Value of the ``Host`` header.
    host_header = "localhost"
    #: Base of the URLs shown in errors and ``Response.url`` (the original's form).
    url_base = "http+docker://localhost"
    #: Human-readable address, used in error messages.
    address = ""
    #: Path prefix of every request target (a TCP base URL may carry one).
    base_path = ""

    def __init__(self, timeout: float | None = 60, max_pool_size: int = 10) -> None:
        self.timeout = timeout
        self.max_pool_size = max_pool_size

    def connect(self, timeout: float | None) -> socket.socket:
        """Open a new blocking socket to the daemon."""
        raise NotImplementedError

    async def open_async(self, protocol_factory: Callable[[], P]) -> P:
        """Open a new asyncio connection to the daemon, served by a new protocol object."""
        raise NotImplementedError

    # Error translation shared by all transports ---------------------------------------------
    def connect_error(self, exc: OSError) -> Exception:
        """A clear exception for a failure to connect, naming the address and likely cause."""
        if isinstance(exc, TimeoutError | socket.timeout):
            return DaemonTimeout(
                f"Timed out connecting to the Docker daemon at {self.address}. Is it overloaded "
                "or is the address wrong?"
            )
        hint = self.connect_hint(exc)
        return DaemonConnectionError(
            f"Cannot connect to the Docker daemon at {self.address}: {exc.strerror or exc}. {hint}"
        )

    def connect_hint(self, exc: OSError) -> str:
        """What to do about ``exc``; transports refine it."""
        return "Is the docker daemon running, and is DOCKER_HOST right?"

    def io_error(self, exc: OSError, timeout: float | None) -> Exception:
        """A clear exception for a failure while talking over an open connection."""
        if isinstance(exc, TimeoutError | socket.timeout):
            return DaemonTimeout(
                f"The Docker daemon at {self.address} did not answer within {timeout} s. "
                "Pass a larger timeout (or timeout=None) if the operation is slow."
            )
        return DaemonConnectionError(
            f"Lost the connection to the Docker daemon at {self.address}: {exc.strerror or exc}."
            " The daemon may have stopped or restarted."
        )


def _body_pieces(body: Any) -> Iterator[bytes]:
    """The pieces of a streamed request body (iterable of bytes or a binary file object)."""
    if hasattr(body, "read"):
        reader: IO[bytes] = body
        while True:
            piece = reader.read(SEND_CHUNK)
            if not piece:
                return
            yield piece if isinstance(piece, bytes) else str(piece).encode("utf-8")
    else:
        for piece in body:
            yield piece if isinstance(piece, bytes) else str(piece).encode("utf-8")


class Connection:
    """One HTTP/1.1 connection over a blocking socket, with its response parser."""

    __slots__ = ("_timeout", "idle_since", "parser", "reused", "sock", "transport")

    def __init__(self, sock: socket.socket, transport: Transport) -> None:
        self.sock = sock
        self.transport = transport
        self.parser = ResponseParser()
        self.reused = False
        self.idle_since = 0.0
        self._timeout: Any = ...

    def settimeout(self, timeout: float | None) -> None:
        """Set the socket timeout, skipping the syscall when it is unchanged."""
        if timeout != self._timeout:
            self.sock.settimeout(timeout)
            self._timeout = timeout

    def send(self, head: bytes, body: Any) -> None:
        """Write a request: ``head`` then ``body`` (bytes, or pieces sent chunked)."""
        sock = self.sock
        if body is None or isinstance(body, bytes | bytearray | memoryview):
            sock.sendall(head + body if body else head)
            return
        sock.sendall(head)
        for piece in _body_pieces(body):
            if piece:
                sock.sendall(encode_chunk(piece))
        sock.sendall(encode_chunk(b""))

    def receive(self) -> None:
        """Read once from the socket into the parser (end of file included)."""
        data = self.sock.recv(RECV_SIZE)
        if data:
            self.parser.feed(data)
        else:
            self.parser.feed_eof()

    def read_head(self) -> None:
        """Read until the response head is complete (the parser is fresh or was reset by
        :meth:`ConnectionPool.acquire`)."""
        parser = self.parser
        while not parser.headers_complete and not parser.upgraded:
            self.receive()

    def read_body(self) -> bytes:
        """Read the rest of the response body and return it whole."""
        parser = self.parser
        while not parser.message_complete:
            self.receive()
        pieces = parser.take_body()
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    def is_stale(self) -> bool:
        """True when the idle connection was closed by the daemon (or has unexpected data)."""
        try:
            self.sock.setblocking(False)
            try:
                self.sock.recv_into(bytearray(1), 1, socket.MSG_PEEK)
            finally:
                self.sock.settimeout(self._timeout if self._timeout is not ... else None)
        except BlockingIOError:
            return False
        except OSError:
            return True
        # Readable while idle: the daemon closed it (b"") or sent bytes nobody asked for.
        return True

    def close(self) -> None:
        """Close the socket."""
        with contextlib.suppress(OSError):
            self.sock.close()

    def release_descriptor(self) -> None:
        """Close this process's descriptor of the socket and nothing else (after a fork: the
        connection, and an ``ssh`` process behind it, stay the parent's)."""
        detach = getattr(self.sock, "detach", None)
        if detach is None:
            return
        with contextlib.suppress(OSError):
            os.close(detach())


def iter_body_chunks(conn: Connection) -> Iterator[bytes]:
    """Yield the body pieces of the current response as they arrive."""
    parser = conn.parser
    pending = parser.take_body()
    yield from pending
    while not parser.message_complete:
        conn.receive()
        yield from parser.take_body()


class ConnectionPool:
    """Idle keep-alive connections to one daemon, safe to share between threads.

    At most ``maxsize`` idle connections are kept; more may be open at once (each caller gets
    its own), and the extra ones are closed when released.
    """

    def __init__(self, transport: Transport, maxsize: int = 10) -> None:
        self.transport = transport
        self.maxsize = maxsize
        self._idle: deque[Connection] = deque()
        self._lock = threading.Lock()
        _pools.add(self)

    def _forget_after_fork(self) -> None:
        """In a child process: the idle connections are the parent's; start afresh.

        Sharing them would mix the two processes' replies on one socket.  Their descriptors
        are closed here (the parent keeps its own); the objects are kept, so that nothing
        they own (an ``ssh`` process) is ended by the child.
        """
        self._lock = threading.Lock()  # another thread may have held it at the fork
        inherited, self._idle = self._idle, deque()
        for conn in inherited:
            conn.release_descriptor()
        _left_by_parent.extend(inherited)

    def acquire(self, timeout: float | None) -> Connection:
        """A connection ready for a request: an idle live one, or a new one."""
        while True:
            with self._lock:
                conn = self._idle.pop() if self._idle else None
            if conn is None:
                break
            # A connection idle for a moment is checked before reuse; one used just now is
            # trusted (a failure before any reply byte is retried on a new connection anyway).
            if monotonic() - conn.idle_since > STALE_CHECK_AFTER and conn.is_stale():
                conn.close()
                continue
            conn.reused = True
            conn.parser.reset()  # a failed send must not see the previous reply's byte count
            return conn
        try:
            sock = self.transport.connect(timeout)
        except OSError as exc:
            raise self.transport.connect_error(exc) from exc
        return Connection(sock, self.transport)

    def release(self, conn: Connection) -> None:
        """Give back a connection whose response was read completely."""
        conn.idle_since = monotonic()
        with self._lock:
            if len(self._idle) < self.maxsize:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        """Close every idle connection (connections in use are closed by their owners)."""
        with self._lock:
            idle = list(self._idle)
            self._idle.clear()
        for conn in idle:
            conn.close()

    def __del__(self) -> None:
        # A client dropped without close(): release its sockets quietly.
        self.close()

    @property
    def idle_count(self) -> int:
        """How many idle connections are kept."""
        return len(self._idle)


#: Every live pool, so that a forked child can drop the connections it inherited.
_pools: weakref.WeakSet[ConnectionPool] = weakref.WeakSet()
#: Connections inherited from the parent process, kept so their owners are never ended here.
_left_by_parent: list[Connection] = []


def _after_fork_in_child() -> None:
    for pool in list(_pools):
        pool._forget_after_fork()


if hasattr(os, "register_at_fork"):  # not on Windows
    os.register_at_fork(after_in_child=_after_fork_in_child)


def retryable(exc: OSError) -> bool:
    """True for errors that mean a reused keep-alive connection had been closed by the peer."""
    return exc.errno in (errno.EPIPE, errno.ECONNRESET, errno.ECONNABORTED, errno.ENOTCONN)
