"""TLS against a real daemon: the second, TLS-only engine of ``scripts/tls_engine.sh``.

The module starts that engine (tcp://127.0.0.1:2376, ``--tlsverify``) and always stops it at
the end. The certificates it generated live in ``/var/lib/docker-testbed/tls``.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import docker
from docker.aio import AsyncAPIClient
from docker.errors import DaemonConnectionError, TLSParameterError
from docker.tls import TLSConfig
from docker.transport.tls import TLSTransport

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "tls_engine.sh"
CERTS = Path("/var/lib/docker-testbed/tls")
TLS_URL = "tcp://127.0.0.1:2376"
TLS_SOCK = "/var/run/dsdk-tls.sock"

pytestmark = pytest.mark.engine


def _script(action: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT), action], capture_output=True, text=True, timeout=180, check=False
    )


@pytest.fixture(scope="module", autouse=True)
def tls_engine(engine: str) -> Iterator[None]:
    try:
        started = _script("up")
        if started.returncode != 0:
            pytest.fail(f"scripts/tls_engine.sh up failed:\n{started.stdout}\n{started.stderr}")
        yield
    finally:
        stopped = _script("down")
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr


def cert(name: str) -> str:
    return str(CERTS / name)


def good_tls() -> TLSConfig:
    return TLSConfig(
        client_cert=(cert("client.pem"), cert("client-key.pem")),
        ca_cert=cert("ca.pem"),
        verify=True,
    )


class CountingTransport:
    """Counts the connections a client's transport opens."""

    def __init__(self, transport: TLSTransport) -> None:
        self.count = 0
        original = transport.connect

        def connect(timeout: float | None) -> socket.socket:
            self.count += 1
            return original(timeout)

        transport.connect = connect  # type: ignore[method-assign]


# ----------------------------------------------------------------------------------------------
# working connections


def test_version_over_tls() -> None:
    with docker.APIClient(base_url=TLS_URL, tls=good_tls()) as client:
        assert isinstance(client._transport, TLSTransport)
        assert client.base_url == "https://127.0.0.1:2376"
        version = client.version()
        assert version["ApiVersion"]
        assert client.ping() is True


def test_https_url_and_localhost_name() -> None:
    with docker.APIClient(base_url="https://localhost:2376", tls=good_tls()) as client:
        assert client.ping() is True


def test_async_version_over_tls() -> None:
    async def main() -> None:
        async with AsyncAPIClient(base_url=TLS_URL, tls=good_tls()) as client:
            assert (await client.version())["ApiVersion"]
            assert await client.ping() is True
            results = await asyncio.gather(*(client.ping() for _ in range(5)))
            assert results == [True] * 5

    asyncio.run(main())


def test_pooled_connections_are_reused() -> None:
    with docker.APIClient(base_url=TLS_URL, tls=good_tls(), version="1.41") as client:
        assert isinstance(client._transport, TLSTransport)
        counter = CountingTransport(client._transport)
        for _ in range(5):
            assert client.ping() is True
        assert counter.count == 1
        # An idle connection is checked before reuse (TLS sockets answer the peek too).
        time.sleep(1.2)
        assert client.ping() is True
        assert client.version()["ApiVersion"]
        assert counter.count == 1


def test_from_env_with_cert_path(tmp_path: Path) -> None:
    for src, dst in (
        ("ca.pem", "ca.pem"),
        ("client.pem", "cert.pem"),
        ("client-key.pem", "key.pem"),
    ):
        shutil.copy(cert(src), tmp_path / dst)
    env = {"DOCKER_HOST": TLS_URL, "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": str(tmp_path)}
    client = docker.from_env(environment=env)
    try:
        assert client.ping() is True
        assert client.version()["ApiVersion"]
    finally:
        client.close()

    async def main() -> None:
        async with docker.aio.from_env(environment=env) as aclient:
            assert await aclient.ping() is True

    asyncio.run(main())


def test_tls_true_uses_system_cas_and_refuses_our_ca() -> None:
    with (
        docker.APIClient(base_url=TLS_URL, tls=True, version="1.41") as client,
        pytest.raises(DaemonConnectionError, match="not signed by the CA in the system"),
    ):
        client.ping()


# ----------------------------------------------------------------------------------------------
# refusals


def test_server_signed_by_another_ca_is_refused() -> None:
    tls = TLSConfig(
        client_cert=(cert("client.pem"), cert("client-key.pem")),
        ca_cert=cert("other-ca.pem"),
        verify=True,
    )
    with (
        docker.APIClient(base_url=TLS_URL, tls=tls, version="1.41") as client,
        pytest.raises(DaemonConnectionError) as info,
    ):
        client.ping()
    text = str(info.value)
    assert "not signed by the CA in" in text and "other-ca.pem" in text
    assert "DOCKER_CERT_PATH" in text


def test_server_signed_by_another_ca_is_refused_async() -> None:
    tls = TLSConfig(ca_cert=cert("other-ca.pem"), verify=True)

    async def main() -> None:
        async with AsyncAPIClient(base_url=TLS_URL, tls=tls, version="1.41") as client:
            with pytest.raises(DaemonConnectionError, match="not signed by the CA in"):
                await client.ping()

    asyncio.run(main())


def test_daemon_refuses_client_without_certificate() -> None:
    tls = TLSConfig(ca_cert=cert("ca.pem"), verify=True)
    with (
        docker.APIClient(base_url=TLS_URL, tls=tls, version="1.41") as client,
        pytest.raises(DaemonConnectionError, match="requires a client certificate"),
    ):
        client.ping()

    async def main() -> None:
        async with AsyncAPIClient(base_url=TLS_URL, tls=tls, version="1.41") as aclient:
            with pytest.raises(DaemonConnectionError, match="requires a client certificate"):
                await aclient.ping()

    asyncio.run(main())


def test_daemon_refuses_certificate_of_another_ca() -> None:
    tls = TLSConfig(
        client_cert=(cert("other-client.pem"), cert("other-client-key.pem")),
        ca_cert=cert("ca.pem"),
        verify=True,
    )
    with (
        docker.APIClient(base_url=TLS_URL, tls=tls, version="1.41") as client,
        pytest.raises(DaemonConnectionError, match="refused the client certificate"),
    ):
        client.ping()


def test_no_verification_accepts_unknown_server() -> None:
    # DOCKER_CERT_PATH without DOCKER_TLS_VERIFY: client certificate, no server check.
    tls = TLSConfig(
        client_cert=(cert("client.pem"), cert("client-key.pem")),
        ca_cert=cert("other-ca.pem"),
        verify=False,
    )
    with docker.APIClient(base_url=TLS_URL, tls=tls, version="1.41") as client:
        assert client.ping() is True


# ----------------------------------------------------------------------------------------------
# host names: a TLS front serving a certificate for "localhost" only, in front of the engine


@contextlib.contextmanager
def localhost_only_front() -> Iterator[int]:
    """A TLS proxy on 127.0.0.1 with the localhost-only certificate, to the TLS engine's socket."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert("localhost-only.pem"), cert("localhost-only-key.pem"))
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    stop = threading.Event()
    threads: list[threading.Thread] = []

    def pipe(src: Any, dst: Any) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.close()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(10)
            try:
                tls_conn = context.wrap_socket(conn, server_side=True)
            except (ssl.SSLError, OSError):
                conn.close()
                continue
            upstream = socket.socket(socket.AF_UNIX)
            upstream.connect(TLS_SOCK)
            for a, b in ((tls_conn, upstream), (upstream, tls_conn)):
                t = threading.Thread(target=pipe, args=(a, b), daemon=True)
                t.start()
                threads.append(t)

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    try:
        yield port
    finally:
        stop.set()
        server.join(5)
        listener.close()


def test_hostname_mismatch_is_refused() -> None:
    tls = TLSConfig(ca_cert=cert("ca.pem"), verify=True)
    with localhost_only_front() as port:
        with (
            docker.APIClient(base_url=f"tcp://127.0.0.1:{port}", tls=tls, version="1.41") as c,
            pytest.raises(DaemonConnectionError) as info,
        ):
            c.ping()
        assert "hostname mismatch" in str(info.value)
        assert "not valid for '127.0.0.1'" in str(info.value)
        # The name the certificate lists works ...
        with docker.APIClient(base_url=f"tcp://localhost:{port}", tls=tls) as c:
            assert c.ping() is True
        # ... and so does any name when verification is off (the original's verify=False).
        with docker.APIClient(
            base_url=f"tcp://127.0.0.1:{port}", tls=TLSConfig(verify=False), version="1.41"
        ) as c:
            assert c.ping() is True


# ----------------------------------------------------------------------------------------------
# bad parameters: raised when the client is created, naming the file


def test_missing_client_certificate_file_is_named(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope-cert.pem")
    with pytest.raises(TLSParameterError, match="nope-cert.pem"):
        TLSConfig(client_cert=(missing, cert("client-key.pem")))


def test_unreadable_certificate_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "garbage-cert.pem"
    bad.write_text("not a certificate\n")
    tls = TLSConfig(client_cert=(str(bad), cert("client-key.pem")), ca_cert=cert("ca.pem"))
    with pytest.raises(TLSParameterError, match="client certificate .*garbage-cert.pem"):
        docker.APIClient(base_url=TLS_URL, tls=tls)


def test_unreadable_key_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "garbage-key.pem"
    bad.write_text("not a key\n")
    tls = TLSConfig(client_cert=(cert("client.pem"), str(bad)), ca_cert=cert("ca.pem"))
    with pytest.raises(TLSParameterError, match="client key .*garbage-key.pem"):
        docker.APIClient(base_url=TLS_URL, tls=tls)


def test_unreadable_ca_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "garbage-ca.pem"
    bad.write_text("not a CA\n")
    tls = TLSConfig(ca_cert=str(bad), verify=True)
    with pytest.raises(TLSParameterError, match="CA certificate .*garbage-ca.pem"):
        docker.APIClient(base_url=TLS_URL, tls=tls)


def test_certificate_key_mismatch_is_named() -> None:
    tls = TLSConfig(client_cert=(cert("client.pem"), cert("other-client-key.pem")))
    with pytest.raises(TLSParameterError) as info:
        docker.APIClient(base_url=TLS_URL, tls=tls)
    text = str(info.value)
    assert "other-client-key.pem" in text and "client.pem" in text and "mismatch" in text
