"""A TLS client socket built on ``ssl.SSLObject`` and memory buffers, so it can half-close.

``ssl.SSLSocket`` cannot end the sending side alone: its ``shutdown()`` drops the TLS layer
and its ``unwrap()`` waits for the daemon's own close_notify, discarding output in flight.
Here the TLS state machine is fed by hand: :meth:`TLSSocket.shutdown` with ``SHUT_WR`` sends
close_notify (what the Docker CLI's ``CloseWrite`` sends; the daemon reads it as the end of
stdin) and the socket goes on decrypting the daemon's output until it ends.

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
        self._incoming = ssl.MemoryBIO()
        self._outgoing = ssl.MemoryBIO()
        self._tls = context.wrap_bio(
            self._incoming, self._outgoing, server_hostname=server_hostname
        )
        self._state = threading.Lock()  # the TLS object and its buffers
        self._sending = threading.Lock()  # keeps encrypted records in order on the wire
        self._write_closed = False
        self._eof = False  # the TCP stream ended
        self._ended = False  # the TLS stream ended (close_notify or end of file)
        self._held = bytearray()  # decrypted bytes set aside by a half-close

    # The TLS machinery ------------------------------------------------------------------------
    def _send_produced(self) -> None:
        """Send what the TLS object produced (records, alerts); the caller holds _sending."""
        while True:
            with self._state:
                data = self._outgoing.read()
            if not data:
                return
            self._raw.sendall(data)

    def _flush(self) -> None:
        """Send what the TLS object produced, waiting for a writer in progress."""
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

    def _fill(self) -> bool:
        """Read more bytes from the network into the TLS object; False at end of file."""
        data = self._raw.recv(_RAW_READ)
        if not data:
            with self._state:
                self._incoming.write_eof()
            self._eof = True
            return False
        with self._state:
            self._incoming.write(data)
        return True

    def handshake(self) -> None:
        """Run the TLS handshake (certificate errors raise ``ssl.SSLError`` subclasses)."""
        while True:
            try:
                with self._state:
                    self._tls.do_handshake()
            except ssl.SSLWantReadError:
                self._flush()
                if not self._fill():
                    raise ssl.SSLEOFError(
                        ssl.SSL_ERROR_EOF, "the daemon closed the connection during the handshake"
                    ) from None
            else:
                self._flush()
                return

    # Reading ----------------------------------------------------------------------------------
    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        """Up to ``bufsize`` decrypted bytes; ``b''`` at the end of the stream."""
        if flags & socket.MSG_PEEK:
            return self._peek()
        if flags:
            raise ValueError(f"flags {flags!r} are not supported on a TLS socket")
        state = self._state
        with state:
            data = self._take(bufsize)
        while data is None:
            received = self._raw.recv(_RAW_READ)
            with state:
                if received:
                    self._incoming.write(received)
                else:
                    self._incoming.write_eof()
                    self._eof = True
                data = self._take(bufsize)
        if self._outgoing.pending:  # reading produced a message to send (a key update)
            self._flush_unless_sending()
        return data

    def _take(self, bufsize: int) -> bytes | None:
        """Decrypted bytes, ``b''`` at the end of the stream, None when more must be read
        from the network.  The caller holds the state lock."""
        if self._held:  # decrypted by a half-close, before anything newer
            held = bytes(self._held[:bufsize])
            del self._held[:bufsize]
            return held
        if self._ended:
            return b""
        tls = self._tls
        if not (tls.pending() or self._incoming.pending or self._eof):
            return None
        try:
            data = tls.read(bufsize)
        except ssl.SSLWantReadError:
            if not self._eof:
                return None
            # The daemon closed TCP without close_notify (in the middle of a record or not).
        except (ssl.SSLZeroReturnError, ssl.SSLEOFError):  # close_notify, or end of file
            pass
        else:
            if data:
                return data
            # b'': how SSLObject.read reports the daemon's close_notify.
        self._ended = True
        return b""

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
        with self._state:
            if self._held or self._tls.pending():
                return bytes(self._held[:1]) or b"?"
            if self._ended:
                return b""
        if not self._incoming.pending:
            if not self._raw.recv(1, socket.MSG_PEEK):  # BlockingIOError: nothing there
                return b""
            if not self._fill():
                return b""
        with self._state:
            try:
                data = self._tls.read(1)
            except ssl.SSLWantReadError:
                raise BlockingIOError(errno.EAGAIN, "no application data") from None
            except ssl.SSLError:
                return b""
            if not data:  # close_notify
                self._ended = True
                return b""
            self._held += data
            return data

    def pending(self) -> int:
        """Bytes a read can take without waiting for the network (not 0 at the end too).

        Callers that wait on :meth:`fileno` with select/poll must not wait while this is not
        0: the bytes are in this object, not in the kernel.  Unlike ``SSLSocket.pending``,
        received bytes not yet decrypted count too.
        """
        ended = self._eof or self._ended
        return len(self._held) + self._tls.pending() + self._incoming.pending + ended

    # Writing ----------------------------------------------------------------------------------
    def sendall(self, data: bytes | bytearray | memoryview) -> None:
        """Encrypt and send all of ``data``."""
        if self._write_closed:
            raise OSError(errno.EPIPE, "the sending side of this TLS connection is closed")
        with self._sending:
            with self._state:
                self._tls.write(data)
                encrypted = self._outgoing.read()
            self._raw.sendall(encrypted)
            if self._outgoing.pending:  # a reader's message (key update) meanwhile
                self._send_produced()
        if self._outgoing.pending:  # one a reader made just before we let go of the lock
            self._flush_unless_sending()

    def send(self, data: bytes | bytearray | memoryview) -> int:
        """Send all of ``data`` (a TLS record is all or nothing); returns its length."""
        self.sendall(data)
        return len(data)

    def shutdown(self, how: int) -> None:
        """``SHUT_WR``: send close_notify and keep reading; otherwise shut the socket down."""
        if how == socket.SHUT_WR:
            if self._write_closed:
                return
            self._write_closed = True
            if self._eof:  # the daemon is gone: no TLS to close, end the TCP stream
                with contextlib.suppress(OSError):
                    self._raw.shutdown(socket.SHUT_WR)
                return
            with self._state:
                # unwrap() queues close_notify, then reads on to find the daemon's, and would
                # drop the application data it meets on the way: take out what is buffered
                # (decrypted or not) so it finds nothing, and put it back after.
                pending = self._tls.pending()
                if pending:
                    self._held += self._tls.read(pending)
                undecrypted = self._incoming.read()
                try:
                    self._tls.unwrap()
                except ssl.SSLWantReadError:
                    pass  # close_notify queued; the daemon's comes later, if ever
                finally:
                    self._incoming.write(undecrypted)
            self._flush()
            return
        self._raw.shutdown(how)

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
        return self._tls.getpeercert(binary_form)

    def version(self) -> str | None:
        """The TLS version in use (``'TLSv1.3'``, ...)."""
        return self._tls.version()

    def cipher(self) -> tuple[str, str, int] | None:
        """The cipher in use: (name, protocol version, secret bits)."""
        return self._tls.cipher()
