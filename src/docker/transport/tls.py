"""TLS over TCP (``https://host:port``, or ``tcp://`` with ``tls=``).

The socket of :class:`~docker.transport.tcp.TCPTransport` is wrapped with the SSL context of a
:class:`~docker.tls.TLSConfig` (or, for ``tls=True``, a default context that checks the
daemon's certificate against the system CAs).  The server name checked is the host of the
URL, also when the connection goes through a proxy's ``CONNECT`` tunnel.  TLS failures are
turned into errors that say what is wrong: a daemon certificate signed by another CA, one
issued for another name, a daemon that wants a client certificate, a client certificate the
daemon does not accept.

``ssl`` is imported here only, so ``import docker`` does not load it.
"""

from __future__ import annotations

import os
import socket
import ssl
from typing import TYPE_CHECKING, Any

from ..errors import DaemonConnectionError, TLSParameterError
from ..tls import verifying_context
from .tcp import TCPTransport
from .tlssocket import TLSSocket

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..tls import TLSConfig
    from .base import P

__all__ = ["TLSTransport", "build_ssl_context"]

# OpenSSL X509 verification codes (x509_vfy.h).
_UNTRUSTED_CODES = {2, 18, 19, 20, 21, 27}  # unknown issuer, self-signed, not trusted
_EXPIRED_CODES = {9, 10}  # not yet valid, expired
_NAME_CODES = {62, 64}  # hostname mismatch, IP address mismatch


def build_ssl_context(tls: Any) -> ssl.SSLContext:
    """The client SSL context for ``tls`` (a TLSConfig, or True for the system defaults).

    A certificate, key or CA file that cannot be loaded raises
    :class:`~docker.errors.TLSParameterError` naming the file.
    """
    if tls is True or not hasattr(tls, "ssl_context"):
        context = verifying_context()
    else:
        try:
            context = tls.ssl_context()
        except (ssl.SSLError, OSError) as exc:
            raise _parameter_error(tls, exc) from exc
    return context


def _parameter_error(tls: TLSConfig, exc: Exception) -> TLSParameterError:
    """Which file of ``tls`` could not be loaded, and why."""
    reason = getattr(exc, "reason", None) or getattr(exc, "strerror", None) or str(exc)
    ca_file = tls.ca_cert if tls.verify and tls.ca_cert else None
    if ca_file is None and isinstance(tls.verify, str) and os.path.isfile(tls.verify):
        ca_file = tls.verify
    if ca_file and not _loads_as_certificates(ca_file):
        return TLSParameterError(
            f"Cannot load the CA certificate {ca_file} (ca_cert / DOCKER_CERT_PATH/ca.pem): "
            f"{reason}; it must be a readable PEM certificate file"
        )
    if tls.cert:
        cert_file, key_file = tls.cert
        if not _loads_as_certificates(cert_file):
            return TLSParameterError(
                f"Cannot load the client certificate {cert_file}: {reason}; it must be a "
                "readable PEM certificate file"
            )
        if "KEY_VALUES_MISMATCH" in str(exc) or reason == "KEY_VALUES_MISMATCH":
            return TLSParameterError(
                f"The client key {key_file} does not belong to the client certificate "
                f"{cert_file} (key values mismatch): pass the key made with that certificate"
            )
        return TLSParameterError(
            f"Cannot load the client key {key_file} for the certificate {cert_file}: "
            f"{reason}; it must be a readable, unencrypted PEM private key"
        )
    return TLSParameterError(f"Cannot build the TLS settings: {exc}")


def _loads_as_certificates(path: str) -> bool:
    try:
        ssl.create_default_context().load_verify_locations(cafile=path)
    except (ssl.SSLError, OSError):
        return False
    return True


class TLSTransport(TCPTransport):
    """Reach the daemon over TCP with TLS at ``base_url`` (``https://host:port[/base]``).

    ``tls`` is a :class:`~docker.tls.TLSConfig` or True (verify against the system CAs).
    Through a proxy (``https_proxy``/``all_proxy``), TLS runs inside the ``CONNECT`` tunnel
    and the certificate is still checked against the daemon's name.
    """

    proxy_scheme = "https"
    address_suffix = " (TLS)"

    def __init__(
        self,
        base_url: str,
        timeout: float | None = 60,
        max_pool_size: int = 10,
        tls: Any = True,
    ) -> None:
        super().__init__(base_url, timeout, max_pool_size)
        self.configure(tls)

    def configure(self, tls: Any) -> None:
        """Use the settings of ``tls`` (a TLSConfig or True) for new connections."""
        self.tls = tls
        self.ssl_context = build_ssl_context(tls)
        #: The name checked against the daemon's certificate (and sent as SNI).
        self.server_hostname = self.hostname

    def connect(self, timeout: float | None) -> socket.socket:
        raw = super().connect(timeout)
        try:
            sock = TLSSocket(raw, self.ssl_context, self.server_hostname)
            sock.handshake()
        except BaseException:
            raw.close()
            raise
        return sock  # type: ignore[return-value]  # socket-like: what Connection uses

    async def open_async(self, protocol_factory: Callable[[], P]) -> P:
        import asyncio

        from .tlsprotocol import TLSProtocol

        # TLS by our own protocol over plain TCP, not asyncio's TLS transport: that one cannot
        # half-close (end stdin of an attached process while reading its output).
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[asyncio.BaseProtocol] = loop.create_future()
        inner = protocol_factory()

        def tls_protocol() -> TLSProtocol:
            return TLSProtocol(self.ssl_context, self.server_hostname, inner, ready)

        tls = await self._open_async(tls_protocol)
        try:
            await ready
        except BaseException:
            tls.abort()
            raise
        return inner

    # Errors ---------------------------------------------------------------------------------
    def _where(self) -> str:
        return f"the Docker daemon at {self.address}"

    def _ca_name(self) -> str:
        tls = self.tls
        if tls is True:
            return "the system's CA bundle"
        if tls.ca_cert:
            return str(tls.ca_cert)
        if isinstance(tls.verify, str):
            return tls.verify
        return "the system's CA bundle"

    def tls_error(self, exc: OSError) -> Exception | None:
        """A clear error for a TLS failure, or None when ``exc`` is not one."""
        if isinstance(exc, ssl.SSLCertVerificationError):
            code = exc.verify_code
            if code in _NAME_CODES:
                return DaemonConnectionError(
                    f"TLS error with {self._where()}: the daemon's certificate is not valid "
                    f"for {self.hostname!r} (hostname mismatch: {exc.verify_message}). Connect "
                    "with a host name or IP address the certificate lists, or give the daemon "
                    "a certificate for this name."
                )
            if code in _UNTRUSTED_CODES:
                return DaemonConnectionError(
                    f"TLS error with {self._where()}: the daemon's certificate is not signed "
                    f"by the CA in {self._ca_name()} ({exc.verify_message}): check "
                    "DOCKER_CERT_PATH / ca_cert."
                )
            if code in _EXPIRED_CODES:
                return DaemonConnectionError(
                    f"TLS error with {self._where()}: the daemon's certificate is expired or "
                    f"not yet valid ({exc.verify_message}). Renew it, or check the clocks."
                )
            return DaemonConnectionError(
                f"TLS error with {self._where()}: the daemon's certificate was rejected "
                f"({exc.verify_message})."
            )
        if not isinstance(exc, ssl.SSLError):
            return None
        reason = str(exc.reason or exc)
        has_cert = self.tls is not True and bool(self.tls.cert)
        if "CERTIFICATE_REQUIRED" in reason or (
            not has_cert and ("HANDSHAKE_FAILURE" in reason or "BAD_CERTIFICATE" in reason)
        ):
            return DaemonConnectionError(
                f"TLS error with {self._where()}: the daemon requires a client certificate "
                "and none was given: pass TLSConfig(client_cert=(cert, key)) or set "
                "DOCKER_CERT_PATH to a directory holding cert.pem and key.pem."
            )
        if any(
            mark in reason
            for mark in ("BAD_CERTIFICATE", "UNKNOWN_CA", "CERTIFICATE_UNKNOWN", "DECRYPT_ERROR")
        ):
            cert = self.tls.cert[0] if has_cert else "?"
            return DaemonConnectionError(
                f"TLS error with {self._where()}: the daemon refused the client certificate "
                f"{cert} ({reason}): it is not signed by a CA the daemon trusts (--tlscacert)."
            )
        if isinstance(exc, ssl.SSLEOFError) or "WRONG_VERSION_NUMBER" in reason:
            return DaemonConnectionError(
                f"TLS error with {self._where()}: {reason}. Does the daemon speak TLS on "
                f"this port (dockerd --tls/--tlsverify), and does it accept this client?"
            )
        return DaemonConnectionError(f"TLS error with {self._where()}: {reason}.")

    def connect_error(self, exc: OSError) -> Exception:
        return self.tls_error(exc) or super().connect_error(exc)

    def io_error(self, exc: OSError, timeout: float | None) -> Exception:
        # With TLS 1.3 the daemon checks the client certificate after the client finished
        # its handshake: its refusal arrives with the first read.
        if isinstance(exc, ConnectionResetError) and not (self.tls is not True and self.tls.cert):
            return DaemonConnectionError(
                f"TLS error with {self._where()}: the daemon closed the connection; it "
                "probably requires a client certificate and none was given: pass "
                "TLSConfig(client_cert=(cert, key)) or set DOCKER_CERT_PATH."
            )
        return self.tls_error(exc) or super().io_error(exc, timeout)
