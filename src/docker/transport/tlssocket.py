"""A blocking TLS client socket that can half-close, on :class:`docker._core.tls.TLSEngine`.

:meth:`TLSSocket.shutdown` with ``SHUT_WR`` sends close_notify (what the Docker CLI's
``CloseWrite`` sends; the daemon reads it as the end of stdin) and the socket goes on
decrypting the daemon's output until it ends, which ``ssl.SSLSocket`` cannot do.

Only what the connections and upgraded sockets of this package use is implemented: blocking
and timed reads and writes, non-blocking peeks for the pool's liveness check, ``pending()``
for callers that wait with select/poll, and the descriptor.
"""

from __future__ import annotations

import contextlib
import errno
import socket
import ssl
import threading
from typing import Any

from .._core.tls import TLSEngine

__all__ = ["TLSSocket"]

#: Bytes asked from the kernel per read (a few TLS records).
_RAW_READ = 65536


class TLSSocket:
    """A connected TCP socket with TLS on top, handshake done by :meth:`handshake`.

    Reads and writes may come from two threads at once (stdin written while output is read):
    the TLS state is only touched under a lock, never while blocked on the network.
    """

    def __init__(
        self, raw: socket.socket, context: ssl.SSLContext, server_hostname: str | None
    ) -> None:
        self._raw = raw
        self._engine = TLSEngine(context, server_hostname)
        self._state = threading.Lock()  # the engine
        self._sending = threading.Lock()  # keeps encrypted records in order on the wire

    # Moving bytes -----------------------------------------------------------------------------
    def _send_produced(self) -> None:
        """Send what the engine produced (records, alerts); the caller holds _sending."""
        while True:
            with self._state:
                data = self._engine.produced()
            if not data:
                return
            self._raw.sendall(data)

    def _flush(self) -> None:
        """Send what the engine produced, waiting for a writer in progress."""
        with self._sending:
            self._send_produced()

    def _flush_unless_sending(self) -> None:
        """Send what reading produced (a key update answer), unless a writer is at it: a
        writer blocked on a full socket may be waiting for this very reader to drain the
        daemon's output, and it sends what is left when it is done."""
        if self._sending.acquire(blocking=False):
            try:
                self._send_produced()
            finally:
                self._sending.release()

    def _fill(self) -> None:
        """Read from the network into the engine (``b''``: its end)."""
        data = self._raw.recv(_RAW_READ)
        with self._state:
            self._engine.feed(data)

    def handshake(self) -> None:
        """Run the TLS handshake (certificate errors raise ``ssl.SSLError`` subclasses)."""
        while True:
            with self._state:
                done = self._engine.handshake()
            self._flush()
            if done:
                return
            self._fill()

    # Reading ----------------------------------------------------------------------------------
    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        """Up to ``bufsize`` decrypted bytes; ``b''`` at the end of the stream."""
        if flags & socket.MSG_PEEK:
            return self._peek()
        if flags:
            raise ValueError(f"flags {flags!r} are not supported on a TLS socket")
        engine, state = self._engine, self._state
        with state:
            data = engine.read(bufsize)
        while data is None:
            received = self._raw.recv(_RAW_READ)
            with state:
                engine.feed(received)
                data = engine.read(bufsize)
        if engine.has_output:  # reading produced a message to send (a key update)
            self._flush_unless_sending()
        return data

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        """Like :meth:`recv`, into ``buffer``; returns the number of bytes."""
        size = nbytes or len(buffer)
        data = self.recv(size, flags)
        buffer[: len(data)] = data
        return len(data)

    def _peek(self) -> bytes:
        """For the pool's liveness check on an idle, non-blocking socket.

        ``BlockingIOError`` when nothing is there (alive); ``b''`` at the end of the stream;
        one byte (kept for the next read) when the daemon sent data nobody asked for.  TLS
        records without application data (session tickets) count as nothing.
        """
        engine = self._engine
        with self._state:
            if engine.decrypted() or engine.ended:
                return engine.peek() or b""
            buffered = engine.buffered()
        if not buffered:
            if not self._raw.recv(1, socket.MSG_PEEK):  # BlockingIOError: nothing there
                return b""
            self._fill()
        with self._state:
            try:
                data = engine.peek()
            except ssl.SSLError:
                return b""
        if data is None:
            raise BlockingIOError(errno.EAGAIN, "no application data")
        return data

    def pending(self) -> int:
        """Bytes a read can take without waiting for the network (not 0 at the end too).

        Callers that wait on :meth:`fileno` with select/poll must not wait while this is not
        0: the bytes are in this object, not in the kernel.  Unlike ``SSLSocket.pending``,
        received bytes not yet decrypted count too.
        """
        return self._engine.buffered()

    # Writing ----------------------------------------------------------------------------------
    def sendall(self, data: bytes | bytearray | memoryview) -> None:
        """Encrypt and send all of ``data``."""
        with self._sending:
            with self._state:
                encrypted = self._engine.encrypt(data)
            self._raw.sendall(encrypted)
            if self._engine.has_output:  # a reader's message (key update) meanwhile
                self._send_produced()
        if self._engine.has_output:  # one a reader made just before we let go of the lock
            self._flush_unless_sending()

    def send(self, data: bytes | bytearray | memoryview) -> int:
        """Send all of ``data`` (a TLS record is all or nothing); returns its length."""
        self.sendall(data)
        return len(data)

    def shutdown(self, how: int) -> None:
        """``SHUT_WR``: send close_notify and keep reading; otherwise shut the socket down."""
        if how != socket.SHUT_WR:
            self._raw.shutdown(how)
            return
        with self._sending:
            with self._state:
                close_notify = self._engine.close_write()
            if close_notify is None:  # the daemon is gone: no TLS to close, end TCP
                with contextlib.suppress(OSError):
                    self._raw.shutdown(socket.SHUT_WR)
            elif close_notify:
                self._raw.sendall(close_notify)

    # The socket underneath --------------------------------------------------------------------
    def settimeout(self, timeout: float | None) -> None:
        """Timeout of each read and write on the network, as for a socket."""
        self._raw.settimeout(timeout)

    def gettimeout(self) -> float | None:
        """The current timeout (None: blocking)."""
        return self._raw.gettimeout()

    def setblocking(self, flag: bool) -> None:
        """Blocking (True) or non-blocking (False) network reads and writes."""
        self._raw.setblocking(flag)

    def fileno(self) -> int:
        """The descriptor of the TCP socket (mind :meth:`pending` before waiting on it)."""
        return self._raw.fileno()

    def close(self) -> None:
        """Close the TCP socket (without close_notify: replies are length-framed)."""
        self._raw.close()

    def detach(self) -> int:
        """Give up the TCP socket's descriptor without closing it; returns it."""
        return self._raw.detach()

    def getpeercert(self, binary_form: bool = False) -> Any:
        """The daemon's certificate, as ``ssl.SSLSocket.getpeercert`` gives it."""
        return self._engine.tls.getpeercert(binary_form)

    def version(self) -> str | None:
        """The TLS version in use (``'TLSv1.3'``, ...)."""
        return self._engine.tls.version()

    def cipher(self) -> tuple[str, str, int] | None:
        """The cipher in use: (name, protocol version, secret bits)."""
        return self._engine.tls.cipher()
