"""TLS settings for connections to a Docker daemon over TCP.

``ssl`` is imported only inside :meth:`TLSConfig.ssl_context`, so importing this module (and
``docker``) stays cheap for users of unix sockets.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from .errors import TLSParameterError

if TYPE_CHECKING:
    import ssl

__all__ = ["TLSConfig"]


class TLSConfig:
    """Certificates and verification policy for a TLS connection to the daemon.

    ``client_cert`` is a ``(certificate_file, key_file)`` pair used to authenticate the client;
    ``ca_cert`` is the CA bundle used to check the daemon's certificate when ``verify`` is
    true (without it the system CAs are used). ``verify`` None or False turns the server
    check off. Missing files raise :class:`~docker.errors.TLSParameterError` at once.
    """

    #: The ``(certificate, key)`` pair, or None when no client certificate is used.
    cert: tuple[str, str] | None = None
    #: The CA bundle that checks the daemon's certificate, if any.
    ca_cert: str | None = None
    #: Whether to check the daemon's certificate (a str is taken as a CA bundle path).
    verify: bool | str | None = None

    def __init__(
        self,
        client_cert: tuple[str, str] | None = None,
        ca_cert: str | None = None,
        verify: bool | str | None = None,
    ) -> None:
        if client_cert:
            if isinstance(client_cert, (str, bytes)):
                raise TLSParameterError(
                    "client_cert must be a tuple of (client certificate, key file)"
                )
            try:
                cert_file, key_file = client_cert
            except (TypeError, ValueError):
                raise TLSParameterError(
                    "client_cert must be a tuple of (client certificate, key file)"
                ) from None
            if not (
                cert_file and key_file and os.path.isfile(cert_file) and os.path.isfile(key_file)
            ):
                missing = [
                    f"{what} {path!r}"
                    for what, path in (("certificate", cert_file), ("key", key_file))
                    if not (path and os.path.isfile(path))
                ]
                raise TLSParameterError(
                    "client_cert must name an existing client certificate file and an "
                    f"existing key file (no such file: {', '.join(missing)})"
                )
            self.cert = (cert_file, key_file)

        self.verify = verify
        self.ca_cert = ca_cert
        if self.verify and self.ca_cert and not os.path.isfile(self.ca_cert):
            raise TLSParameterError("Invalid CA certificate provided for `ca_cert`.")

    def __repr__(self) -> str:
        return (
            f"TLSConfig(client_cert={self.cert!r}, ca_cert={self.ca_cert!r}, "
            f"verify={self.verify!r})"
        )

    def configure_client(self, client: Any) -> None:
        """Attach these TLS settings to ``client``.

        When the client has a ``_configure_tls`` method (the clients of this library do), it
        is called with this config and the transport builds its SSL context from it. Any other
        object gets the attributes a ``requests.Session`` uses: ``verify`` (the CA bundle when
        ``verify`` and ``ca_cert`` are both set, else ``verify`` itself) and ``cert``.
        """
        configure = getattr(client, "_configure_tls", None)
        if callable(configure):
            configure(self)
            return
        if self.verify and self.ca_cert:
            client.verify = self.ca_cert
        else:
            client.verify = self.verify
        if self.cert:
            client.cert = self.cert

    def ssl_context(self) -> ssl.SSLContext:
        """Build a client-side :class:`ssl.SSLContext` that applies these settings.

        With ``verify`` true the daemon's certificate and host name are checked against
        ``ca_cert`` (or, without one, the CA bundle path given as ``verify`` or the system
        CAs); otherwise no check is made. The client certificate, when set, is loaded.
        """
        import ssl

        if self.verify:
            if self.ca_cert:
                context = verifying_context(cafile=self.ca_cert)
            elif isinstance(self.verify, str):
                if os.path.isdir(self.verify):
                    context = verifying_context(capath=self.verify)
                else:
                    context = verifying_context(cafile=self.verify)
            else:
                context = verifying_context()
        else:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if self.cert:
            context.load_cert_chain(certfile=self.cert[0], keyfile=self.cert[1])
        return context


def verifying_context(cafile: str | None = None, capath: str | None = None) -> ssl.SSLContext:
    """A client context that checks the daemon's certificate and name, as the Docker CLI does.

    Python 3.13 made ``ssl.create_default_context`` strict about X.509 extensions
    (``VERIFY_X509_STRICT``): a CA certificate without a key usage extension, which is what
    Docker's own instructions for ``dockerd --tlsverify`` produce, would then be refused.  The
    Docker CLI (Go) and the original SDK (urllib3) accept it, so the strict flag is cleared.
    """
    import ssl

    context = ssl.create_default_context(cafile=cafile, capath=capath)
    context.verify_flags &= ~ssl.VERIFY_X509_STRICT
    return context
