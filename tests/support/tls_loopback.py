"""Real TLS on loopback for the unit tests of the TLS clients (blocking and asyncio).

A throwaway CA and a server certificate for IP 127.0.0.1 made with the ``openssl`` tool, and a
server thread (``ssl.SSLSocket``) that accepts one connection and runs a test's script on it.

Every socket has a timeout and every thread is joined with one, so a bug fails a test instead
of hanging the run.
"""

from __future__ import annotations

import select
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest

__all__ = [
    "TIMEOUT",
    "TLS12",
    "TLS13",
    "VERSION_NAMES",
    "Certs",
    "HasFileno",
    "Server",
    "close_without_close_notify",
    "make_certs",
    "read_to_end",
    "readable",
    "send_close_notify",
    "wait",
]

#: Seconds allowed to any socket operation, wait or join in these tests.
TIMEOUT = 5.0

TLS12 = pytest.param(ssl.TLSVersion.TLSv1_2, id="TLSv1.2")
TLS13 = pytest.param(ssl.TLSVersion.TLSv1_3, id="TLSv1.3")
VERSION_NAMES = {ssl.TLSVersion.TLSv1_2: "TLSv1.2", ssl.TLSVersion.TLSv1_3: "TLSv1.3"}


# The certificates -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Certs:
    ca: Path
    cert: Path
    key: Path


_REQ_CONFIG = """\
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
"""

_SERVER_EXTENSIONS = """\
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


def _openssl(*args: str, cwd: Path) -> None:
    openssl = shutil.which("openssl")
    assert openssl is not None, "the openssl command is not installed"
    subprocess.run([openssl, *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_certs(directory: Path) -> Certs:
    """A throwaway CA and a certificate it signed for IP 127.0.0.1 (EC P-256 keys), written
    to ``directory``."""
    d = directory
    (d / "req.cnf").write_text(_REQ_CONFIG)
    (d / "server.ext").write_text(_SERVER_EXTENSIONS)
    ec_key = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    _openssl(
        "req", "-x509", *ec_key, "-config", "req.cnf", "-extensions", "ca",
        "-subj", "/CN=tls loopback test CA", "-days", "2", "-keyout", "ca.key", "-out", "ca.pem",
        cwd=d,
    )  # fmt: skip
    _openssl(
        "req", "-new", *ec_key, "-config", "req.cnf", "-subj", "/CN=127.0.0.1",
        "-keyout", "server.key", "-out", "server.csr",
        cwd=d,
    )  # fmt: skip
    _openssl(
        "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "2", "-extfile", "server.ext", "-out", "server.pem",
        cwd=d,
    )  # fmt: skip
    return Certs(ca=d / "ca.pem", cert=d / "server.pem", key=d / "server.key")


# The server -----------------------------------------------------------------------------------
class Server:
    """Accepts one connection on loopback and runs a test's script on it in a thread."""

    def __init__(self, certs: Certs) -> None:
        self._certs = certs
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(TIMEOUT)
        host, port = self._listener.getsockname()[:2]
        self.address: tuple[str, int] = (host, port)
        #: Set by the test (and at teardown) when a script waits for the test's go-ahead.
        self.release = threading.Event()
        #: Why the server's side of the handshake failed, if it did.
        self.handshake_error: OSError | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def serve(
        self,
        script: Callable[[ssl.SSLSocket], None],
        *,
        version: ssl.TLSVersion | None = None,
        suppress_ragged_eofs: bool = True,
        client_ca: Path | None = None,
    ) -> None:
        """Serve TLS: handshake, then ``script``, then close (a bare close: no close_notify).

        With ``suppress_ragged_eofs=False`` the script's reads return ``b''`` only for the
        client's close_notify; a TCP end of file without it raises ``ssl.SSLEOFError``.  With
        ``client_ca`` the server requires a client certificate signed by that CA.
        """
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self._certs.cert, self._certs.key)
        if version is not None:
            context.minimum_version = context.maximum_version = version
        if client_ca is not None:
            context.load_verify_locations(cafile=str(client_ca))
            context.verify_mode = ssl.CERT_REQUIRED

        def run(conn: socket.socket) -> None:
            try:
                tls = context.wrap_socket(
                    conn, server_side=True, suppress_ragged_eofs=suppress_ragged_eofs
                )
            except OSError as exc:
                self.handshake_error = exc
                return
            with tls:
                script(tls)

        self.serve_tcp(run)

    def serve_tcp(self, script: Callable[[socket.socket], None]) -> None:
        """Run ``script`` on the accepted TCP connection (closed afterwards)."""
        assert self._thread is None, "one connection per test"
        self._thread = threading.Thread(
            target=self._run, args=(script,), name="tls-loopback-server", daemon=True
        )
        self._thread.start()

    def _run(self, script: Callable[[socket.socket], None]) -> None:
        try:
            conn, _ = self._listener.accept()
            with conn:
                conn.settimeout(TIMEOUT)
                script(conn)
        except BaseException as exc:
            self._error = exc

    def join(self) -> None:
        """Wait for the script to end and raise what failed in it."""
        assert self._thread is not None
        self._thread.join(TIMEOUT)
        assert not self._thread.is_alive(), "the server thread is stuck"
        error, self._error = self._error, None
        if error is not None:
            raise error

    def close(self) -> None:
        """Teardown: let a waiting script go, wait for the thread, close the listener.

        Errors of the script are only raised by :meth:`join` (the tests call it): a test that
        already failed, or an expected failure, leaves the server side in a state of its own.
        """
        self.release.set()
        try:
            if self._thread is not None:
                self._thread.join(TIMEOUT)
                assert not self._thread.is_alive(), "the server thread is stuck"
        finally:
            self._listener.close()


# Helpers for the scripts ----------------------------------------------------------------------
class HasFileno(Protocol):
    def fileno(self) -> int: ...


def wait(event: threading.Event) -> None:
    """Wait for ``event``, bounded."""
    if not event.wait(TIMEOUT):
        raise TimeoutError("the other side never got there")


def readable(sock: HasFileno, timeout: float = TIMEOUT) -> bool:
    """Whether the kernel has bytes (or an end of file) for the descriptor within ``timeout``."""
    return bool(select.select([sock], [], [], timeout)[0])


def read_to_end(tls: ssl.SSLSocket) -> bytes:
    """The server reads until the client's stream ends."""
    chunks = []
    while chunk := tls.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def send_close_notify(tls: ssl.SSLSocket) -> None:
    """Send close_notify without waiting for the client's (a blocking unwrap() would)."""
    tls.setblocking(False)
    deadline = time.monotonic() + TIMEOUT
    try:
        while True:
            try:
                tls.unwrap()  # returns at once if the client's close_notify already came
                return
            except ssl.SSLWantReadError:  # sent; now it would wait for the client's
                return
            except ssl.SSLWantWriteError:  # the send buffer is full: wait for room
                remaining = deadline - time.monotonic()
                assert remaining > 0, "could not send close_notify"
                select.select([], [tls], [], remaining)
    finally:
        tls.settimeout(TIMEOUT)


def close_without_close_notify(tls: ssl.SSLSocket) -> None:
    """End the TCP stream under TLS with no close_notify (``SSLSocket.shutdown`` drops TLS)."""
    tls.shutdown(socket.SHUT_RDWR)
