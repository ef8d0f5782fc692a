"""TLS without I/O: an ``ssl.SSLObject`` between two memory buffers, fed by a transport.

``ssl.SSLSocket`` and asyncio's TLS transport cannot end the sending side alone, which is how
the end of stdin reaches an attached process (the Docker CLI sends TLS close_notify and reads
on).  With the TLS object fed by hand it can: :meth:`TLSEngine.close_write` produces
close_notify while the daemon's output keeps being decrypted.  The blocking socket
(:mod:`docker.transport.tlssocket`) and the asyncio protocol
(:mod:`docker.transport.tlsprotocol`) move the bytes; every decision about them is made here.

Not thread-safe: the blocking socket guards it with a lock.
"""

from __future__ import annotations

import errno
import ssl

__all__ = ["TLSEngine"]


class TLSEngine:
    """The TLS state of one client connection.

    Feed what the network delivered with :meth:`feed` (``b''`` for its end), take plaintext
    with :meth:`read`, encrypt with :meth:`encrypt`, and send what :meth:`produced` returns
    after each step (handshake messages, alerts, key update answers).
    """

    def __init__(self, context: ssl.SSLContext, server_hostname: str | None) -> None:
        self._incoming = ssl.MemoryBIO()
        self._outgoing = ssl.MemoryBIO()
        #: The TLS object (``version()``, ``cipher()``, ``getpeercert()``).
        self.tls = context.wrap_bio(self._incoming, self._outgoing, server_hostname=server_hostname)
        #: The network stream ended.
        self.eof = False
        #: The TLS stream ended (close_notify, or the network's end).
        self.ended = False
        #: close_notify was sent: nothing more may be written.
        self.write_closed = False
        self._held = bytearray()  # decrypted bytes set aside by close_write

    # Handshake ----------------------------------------------------------------------------
    def handshake(self) -> bool:
        """Advance the handshake with what was fed; True once it is complete.

        Certificate and protocol failures raise ``ssl.SSLError`` subclasses.
        """
        try:
            self.tls.do_handshake()
        except ssl.SSLWantReadError:
            if self.eof:
                raise ssl.SSLEOFError(
                    ssl.SSL_ERROR_EOF, "the daemon closed the connection during the handshake"
                ) from None
            return False
        return True

    # Reading ------------------------------------------------------------------------------
    def feed(self, data: bytes) -> None:
        """Bytes received from the network; ``b''`` when it ended."""
        if data:
            self._incoming.write(data)
        elif not self.eof:
            self._incoming.write_eof()
            self.eof = True

    def read(self, size: int) -> bytes | None:
        """Up to ``size`` decrypted bytes; ``b''`` at the end of the stream; None when more
        must be fed first.  Other TLS failures (an alert from the daemon) raise."""
        held = self._held
        if held:  # set aside by close_write or peek, before anything newer
            data = bytes(held[:size])
            del held[:size]
            more = min(size - len(data), self.tls.pending())
            return data + self.tls.read(more) if more > 0 else data
        if self.ended:
            return b""
        tls = self.tls
        if not (tls.pending() or self._incoming.pending or self.eof):
            return None
        try:
            data = tls.read(size)
        except ssl.SSLWantReadError:
            if not self.eof:
                return None
            # The network ended without close_notify (in the middle of a record or not).
        except (ssl.SSLZeroReturnError, ssl.SSLEOFError):  # close_notify, or the end
            pass
        else:
            if data:
                return data
            # b'': how SSLObject.read reports the daemon's close_notify.
        self.ended = True
        return b""

    def peek(self) -> bytes | None:
        """For a liveness check: one byte of application data (kept for :meth:`read`), ``b''``
        at the end of the stream, None when nothing is there (records that carry no
        application data, such as session tickets, count as nothing)."""
        if self._held:
            return bytes(self._held[:1])
        if self.ended:
            return b""
        data = self.read(1)
        if data:
            self._held += data
        return data

    def buffered(self) -> int:
        """How much a read can take without waiting for the network (at least 1 at the end):
        decrypted bytes, and received bytes not decrypted yet."""
        ended = self.eof or self.ended
        return len(self._held) + self.tls.pending() + self._incoming.pending + ended

    def decrypted(self) -> int:
        """Decrypted bytes waiting to be read."""
        return len(self._held) + self.tls.pending()

    # Writing ------------------------------------------------------------------------------
    def encrypt(self, data: bytes | bytearray | memoryview) -> bytes:
        """``data`` as TLS records to send (with anything produced before)."""
        if self.write_closed:
            raise BrokenPipeError(
                errno.EPIPE,
                "the sending side of this TLS connection is closed (close_notify was sent)",
            )
        self.tls.write(data)
        return self._outgoing.read()

    def produced(self) -> bytes:
        """Bytes the TLS object produced that are still to be sent."""
        return self._outgoing.read()

    @property
    def has_output(self) -> bool:
        """Whether :meth:`produced` has something to send."""
        return bool(self._outgoing.pending)

    def close_write(self) -> bytes | None:
        """close_notify to send (the end of our input to the daemon; reading goes on).

        None when the network stream has ended already: there is no TLS left to close, the
        caller ends the TCP stream instead.  A second call returns ``b''``.
        """
        if self.write_closed:
            return b""
        self.write_closed = True
        if self.eof:
            return None
        # unwrap() queues close_notify, then reads on to find the daemon's, and would drop the
        # application data it met on the way: take out what is buffered (decrypted or not) so
        # it finds nothing, and put it back after.
        tls = self.tls
        pending = tls.pending()
        if pending:
            self._held += tls.read(pending)
        undecrypted = self._incoming.read()
        try:
            tls.unwrap()
        except ssl.SSLWantReadError:
            pass  # close_notify queued; the daemon's comes later, if ever
        finally:
            self._incoming.write(undecrypted)
        return self._outgoing.read()
