"""TLS against a real daemon: the second, TLS-only engine of ``scripts/tls_engine.sh``.

The module starts that engine (tcp://127.0.0.1:2376, ``--tlsverify``) and always stops it at
the end. The certificates it generated live in ``/var/lib/docker-testbed/tls``.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
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
from docker.transport.base import Connection
from docker.transport.tls import TLSTransport
from docker.utils.socket import frames_iter
from tests.support.forking import Child
from tests.support.tls_engine import TLS_SOCK, TLS_URL, cert, run_tls_engine

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module", autouse=True)
def tls_engine(engine: str) -> Iterator[None]:
    yield from run_tls_engine()


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


def test_forked_child_gets_tls_connections_of_its_own() -> None:
    with docker.APIClient(base_url=TLS_URL, tls=good_tls(), version="1.41") as client:
        assert client.ping() is True

        def in_child() -> None:
            for _ in range(50):
                assert client.version()["ApiVersion"] == "1.41"

        child = Child(in_child)
        for _ in range(50):
            assert client.ping() is True
        assert child.result() == ""
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


# ----------------------------------------------------------------------------------------------
# the pool's liveness check on TLS sockets


def test_idle_tls_connection_closed_by_the_peer_is_stale() -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert("server.pem"), cert("server-key.pem"))
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    close_now = threading.Event()

    def serve() -> None:
        conn, _ = listener.accept()
        with context.wrap_socket(conn, server_side=True):
            close_now.wait(10)
        listener.close()

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    transport = TLSTransport(
        f"https://127.0.0.1:{port}", tls=TLSConfig(ca_cert=cert("ca.pem"), verify=True)
    )
    conn = Connection(transport.connect(10), transport)
    try:
        conn.settimeout(10)
        time.sleep(0.2)  # the TLS 1.3 session tickets arrive: no application data
        assert not conn.is_stale()
        close_now.set()
        server.join(10)
        deadline = time.monotonic() + 5
        while not conn.is_stale():
            assert time.monotonic() < deadline, "the closed connection was not seen as stale"
            time.sleep(0.05)
    finally:
        conn.close()


def test_configure_client_switches_the_tls_settings() -> None:
    client = docker.APIClient(base_url=TLS_URL, tls=good_tls(), version="1.41")
    try:
        assert client.ping() is True
        TLSConfig(ca_cert=cert("other-ca.pem"), verify=True).configure_client(client)
        client.close()  # drop the idle connection made with the old settings
        with pytest.raises(DaemonConnectionError, match="not signed by the CA in"):
            client.ping()
    finally:
        client.close()
    with docker.APIClient(version="1.41") as plain, pytest.raises(TLSParameterError):
        good_tls().configure_client(plain)


# ----------------------------------------------------------------------------------------------
# upgraded connections over TLS


@pytest.fixture(scope="module")
def tls_image() -> str:
    """alpine:3.10 copied from the main engine into the TLS engine."""
    cli = shutil.which("docker")
    assert cli is not None
    saved = subprocess.run(
        [cli, "-H", "unix:///var/run/docker.sock", "save", "alpine:3.10"],
        capture_output=True,
        timeout=120,
        check=True,
    )
    subprocess.run(
        [cli, "-H", f"unix://{TLS_SOCK}", "load"],
        input=saved.stdout,
        capture_output=True,
        timeout=120,
        check=True,
    )
    return "alpine:3.10"


def test_attach_over_tls_half_close_ends_stdin_and_output_keeps_coming(tls_image: str) -> None:
    # `cat` ends when stdin ends; what the shell prints after that must still arrive.
    script = "cat; sleep 0.3; echo after-eof"
    with docker.APIClient(base_url=TLS_URL, tls=good_tls()) as client:
        cid = client.create_container(
            tls_image,
            ["sh", "-c", script],
            stdin_open=True,
            host_config=client.create_host_config(network_mode="none"),
        )["Id"]
        try:
            sock = client.attach_socket(cid, params={"stdin": 1, "stdout": 1, "stream": 1})
            try:
                client.start(cid)
                sock.sendall(b"hello over tls\n")
                sock.shutdown_write()
                with pytest.raises(OSError, match="sending side .* closed"):
                    sock.sendall(b"too late\n")
                sock.settimeout(20)
                frames = list(frames_iter(sock, tty=False))
            finally:
                sock.close()
            assert b"".join(data for _, data in frames) == b"hello over tls\nafter-eof\n"
            assert {stream for stream, _ in frames} == {1}  # stdout
            assert client.wait(cid, timeout=20)["StatusCode"] == 0
        finally:
            client.remove_container(cid, force=True)


def test_exec_over_tls_streams_stdin_and_output_at_once(tls_image: str) -> None:
    # 2 MiB through `cat` while the output is read in another thread: both directions of the
    # TLS socket busy at once, then the half-close ends `cat`.
    payload = bytes(range(256)) * 8192
    with docker.APIClient(base_url=TLS_URL, tls=good_tls()) as client:
        cid = client.create_container(
            tls_image,
            ["sleep", "60"],
            host_config=client.create_host_config(network_mode="none"),
        )["Id"]
        try:
            client.start(cid)
            exec_id = client.exec_create(cid, ["cat"], stdin=True)["Id"]
            sock = client.exec_start(exec_id, socket=True)
            sock.settimeout(30)
            received: list[tuple[int, bytes]] = []
            reader = threading.Thread(
                target=lambda: received.extend(frames_iter(sock, tty=False)), daemon=True
            )
            try:
                reader.start()
                for start in range(0, len(payload), 65536):
                    sock.sendall(payload[start : start + 65536])
                sock.shutdown_write()
                reader.join(30)
                assert not reader.is_alive()
            finally:
                sock.close()
            assert b"".join(data for _, data in received) == payload
            assert client.exec_inspect(exec_id)["ExitCode"] == 0
        finally:
            client.remove_container(cid, force=True)


def test_async_attach_over_tls_half_close_ends_stdin_and_output_keeps_coming(
    tls_image: str,
) -> None:
    async def main() -> None:
        async with AsyncAPIClient(base_url=TLS_URL, tls=good_tls()) as client:
            cid = (
                await client.create_container(
                    tls_image,
                    ["sh", "-c", "cat; sleep 0.3; echo after-eof"],
                    stdin_open=True,
                    host_config=client.create_host_config(network_mode="none"),
                )
            )["Id"]
            try:
                conn = await client.attach_socket(
                    cid, params={"stdin": 1, "stdout": 1, "stream": 1}
                )
                try:
                    await client.start(cid)
                    await conn.write(b"hello async tls\n")
                    conn.write_eof()
                    out = b""
                    while data := await asyncio.wait_for(conn.read(4096), 20):
                        out += data
                finally:
                    await conn.aclose()
                frames = list(frames_iter(io.BytesIO(out), tty=False))
                assert b"".join(data for _, data in frames) == b"hello async tls\nafter-eof\n"
                assert (await client.wait(cid, timeout=20))["StatusCode"] == 0
            finally:
                await client.remove_container(cid, force=True)

    asyncio.run(main())
