"""TLS for the asyncio client, on :class:`docker._core.tls.TLSEngine`, so it can half-close.

asyncio's own TLS transport has no ``write_eof()``.  :class:`TLSProtocol` sits between a
plain TCP transport (below) and the connection's protocol (above), for which it is the
transport: it encrypts what the protocol writes, decrypts what arrives, and its
:meth:`~TLSProtocol.write_eof` sends close_notify while output keeps coming.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

from .._core.tls import TLSEngine

__all__ = ["TLSProtocol"]

#: Plaintext handed to the protocol above per call.
_DELIVER = 65536


class TLSProtocol(asyncio.Protocol, asyncio.Transport):
    """TLS over one TCP connection, and the transport of ``inner`` once the handshake is done.

    ``ready`` gets ``inner`` when the handshake completes, or the exception that ended it.
    """

    def __init__(
        self,
        context: ssl.SSLContext,
        server_hostname: str | None,
        inner: asyncio.BaseProtocol,
        ready: asyncio.Future[asyncio.BaseProtocol],
    ) -> None:
        asyncio.Transport.__init__(self)
        self._engine = TLSEngine(context, server_hostname)
        self._inner = inner
        self._ready = ready
        self._below: asyncio.Transport | None = None
        self._open = False  # the handshake completed and inner was told
        self._paused = False  # inner asked to stop reading
        self._eof_told = False
        self._lost = False
        self._closing = False  # close() or abort() was called: hand nothing more up

    # The TCP transport below ----------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._below = transport  # type: ignore[assignment]
        self._handshake()

    def data_received(self, data: bytes) -> None:
        self._engine.feed(data)
        self._advance()

    def eof_received(self) -> bool:
        self._engine.feed(b"")
        self._advance()
        return True  # the write side stays open: output may still follow a half-close

    def connection_lost(self, exc: Exception | None) -> None:
        if self._lost:
            return
        self._lost = True
        if not self._open:
            if not self._ready.done():
                self._ready.set_exception(
                    exc or ConnectionResetError("the daemon closed the connection")
                )
            return
        self._inner.connection_lost(exc)

    def pause_writing(self) -> None:
        self._inner.pause_writing()

    def resume_writing(self) -> None:
        self._inner.resume_writing()

    def _advance(self) -> None:
        """Go on with what was fed: the handshake, or handing plaintext up."""
        if self._open:
            self._deliver()
        else:
            self._handshake()

    def _handshake(self) -> None:
        try:
            done = self._engine.handshake()
        except (ssl.SSLError, OSError) as exc:
            self._send_produced()  # the alert, if any
            if not self._ready.done():
                self._ready.set_exception(exc)
            self._abort_below()
            return
        self._send_produced()
        if done:
            self._open = True
            self._inner.connection_made(self)
            if not self._ready.done():
                self._ready.set_result(self._inner)
            self._deliver()  # what came with the end of the handshake

    def _send_produced(self) -> None:
        data = self._engine.produced()
        if data and self._below is not None and not self._below.is_closing():
            self._below.write(data)

    def _deliver(self) -> None:
        """Hand the protocol above what can be decrypted now (unless it paused reading)."""
        engine, inner = self._engine, self._inner
        while not (self._paused or self._lost or self._closing):
            try:
                data = engine.read(_DELIVER)
            except ssl.SSLError as exc:  # an alert from the daemon
                self._fail(exc)
                return
            if data is None:
                break
            if not data:
                if not self._eof_told:
                    self._eof_told = True
                    if not inner.eof_received():  # type: ignore[attr-defined]
                        self.close()  # asyncio's rule: a false answer closes the transport
                break
            inner.data_received(data)  # type: ignore[attr-defined]
        if engine.has_output:
            self._send_produced()

    def _fail(self, exc: Exception) -> None:
        self._abort_below()
        self._inner.connection_lost(exc)

    def _abort_below(self) -> None:
        """Drop the TCP connection; its connection_lost then tells nobody again."""
        self._lost = True
        if self._below is not None:
            self._below.abort()

    # The transport of the protocol above ----------------------------------------------------
    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Encrypt and send ``data``."""
        if self._below is None or self._below.is_closing():
            return  # as asyncio's transports do after close(): the reader sees the loss
        self._below.write(self._engine.encrypt(data))

    def writelines(self, list_of_data: Any) -> None:
        """Encrypt and send each piece."""
        for data in list_of_data:
            self.write(data)

    def can_write_eof(self) -> bool:
        """Always: the end of our input is sent as TLS close_notify."""
        return True

    def write_eof(self) -> None:
        """Send close_notify (the daemon reads the end of stdin); reading goes on."""
        close_notify = self._engine.close_write()
        below = self._below
        if below is None or below.is_closing():
            return
        if close_notify is None:  # the daemon is gone: no TLS to close, end TCP
            if below.can_write_eof():
                below.write_eof()
        elif close_notify:
            below.write(close_notify)

    def close(self) -> None:
        """Close the TCP connection (without close_notify: replies are length-framed)."""
        self._closing = True
        if self._below is not None:
            self._below.close()

    def abort(self) -> None:
        """Close the TCP connection at once, dropping what is not sent yet."""
        self._closing = True
        if self._below is not None:
            self._below.abort()

    def is_closing(self) -> bool:
        """Whether the connection is closed or being closed."""
        return self._below is None or self._below.is_closing()

    def pause_reading(self) -> None:
        """Stop handing data up (and reading from the network) until :meth:`resume_reading`."""
        self._paused = True
        if self._below is not None:
            self._below.pause_reading()

    def resume_reading(self) -> None:
        """Hand data up again, first what was decrypted meanwhile."""
        self._paused = False
        self._deliver()
        if self._below is not None and not self._paused and not self._below.is_closing():
            self._below.resume_reading()

    def is_reading(self) -> bool:
        """Whether data is being handed up."""
        return not (self._paused or self._closing or self._lost)

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        """As for asyncio's TLS transport: ``ssl_object``, ``peercert``, ``cipher``... and
        what the TCP transport knows (``socket``, ``peername``...)."""
        tls = self._engine.tls
        if name == "ssl_object":
            return tls
        if name == "peercert":
            return tls.getpeercert()
        if name == "cipher":
            return tls.cipher()
        if name == "compression":
            return tls.compression()
        if name == "sslcontext":
            return tls.context
        if self._below is None:
            return default
        return self._below.get_extra_info(name, default)

    def get_write_buffer_size(self) -> int:
        """Bytes waiting to be sent by the TCP transport."""
        return self._below.get_write_buffer_size() if self._below is not None else 0

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        """Flow-control limits of the TCP transport."""
        if self._below is not None:
            self._below.set_write_buffer_limits(high, low)
