"""HTTP(S)_PROXY / NO_PROXY for tcp:// and https:// daemons, through a real proxy (tinyproxy).

Each module-scoped proxy is a ``tinyproxy -d`` started here with its own configuration in a
temporary directory and stopped at the end. Its log lists every ``CONNECT`` it served
(``Request (file descriptor N): CONNECT host:port HTTP/1.1``): the tests count those lines to
prove that traffic went through the proxy, or did not. The daemons are the shared engine,
reached over TCP through ``tests/support/tcp_forward.py``, and the TLS engine of
``scripts/tls_engine.sh`` (tcp://127.0.0.1:2376).
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import struct
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

import docker
from docker.aio import AsyncAPIClient
from docker.errors import DaemonConnectionError, DaemonTimeout, DockerException
from docker.tls import TLSConfig
from docker.transport.proxy import ProxyURL
from docker.transport.tcp import TCPTransport
from tests.support.tcp_forward import TCPForwarder
from tests.support.tls_engine import TLS_URL, cert, run_tls_engine

pytestmark = pytest.mark.engine

PROXY_VARIABLES = [
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "REQUEST_METHOD",
]
USER = "alice"
PASSWORD = "s3cr-t.pw"
TLS_TARGET = "127.0.0.1:2376"
IMAGE = "busybox:latest"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


class Tinyproxy:
    """A tinyproxy in the foreground, with its own configuration and log."""

    def __init__(
        self, directory: Path, *, auth: bool = False, connect_ports: list[int] | None = None
    ) -> None:
        binary = shutil.which("tinyproxy") or "/usr/bin/tinyproxy"
        if not Path(binary).exists():
            pytest.fail("tinyproxy is missing: apt-get install tinyproxy (scripts/engine.sh up)")
        directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.log = directory / "tinyproxy.log"
        lines = [
            f"Port {self.port}",
            "Listen 127.0.0.1",
            "Timeout 120",
            f'LogFile "{self.log}"',
            "LogLevel Info",
            "MaxClients 50",
            "Allow 127.0.0.1",
        ]
        lines += [f"ConnectPort {port}" for port in connect_ports or []]
        if auth:
            lines.append(f"BasicAuth {USER} {PASSWORD}")
        conf = directory / "tinyproxy.conf"
        conf.write_text("\n".join(lines) + "\n")
        self._output: IO[bytes] = open(directory / "stdout.txt", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [binary, "-d", "-c", str(conf)], stdout=self._output, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 15
        while True:
            if self.process.poll() is not None:
                self._output.close()
                output = (directory / "stdout.txt").read_text(errors="replace")
                pytest.fail(f"tinyproxy exited at start ({self.process.returncode}):\n{output}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    pytest.fail("tinyproxy did not listen within 15 s")
                time.sleep(0.05)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def tunnels(self, target: str) -> int:
        """How many CONNECT requests for ``target`` (``host:port``) the proxy received."""
        if not self.log.exists():
            return 0
        needle = f": CONNECT {target} HTTP/1.1"
        return sum(
            1 for line in self.log.read_text(errors="replace").splitlines() if needle in line
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self._output.close()
        assert self.process.returncode is not None


@pytest.fixture(autouse=True)
def proxy_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No proxy variable from the outside reaches a test."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture(scope="module")
def forward(engine: str) -> Iterator[TCPForwarder]:
    with TCPForwarder() as forwarder:
        yield forwarder


@pytest.fixture(scope="module")
def closed_port() -> int:
    """A port nothing listens on."""
    return free_port()


@pytest.fixture(scope="module")
def proxy(
    tmp_path_factory: pytest.TempPathFactory, forward: TCPForwarder, closed_port: int
) -> Iterator[Tinyproxy]:
    ports = [forward.port, 2376, closed_port]
    server = Tinyproxy(tmp_path_factory.mktemp("tinyproxy"), connect_ports=ports)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def auth_proxy(
    tmp_path_factory: pytest.TempPathFactory, forward: TCPForwarder
) -> Iterator[Tinyproxy]:
    server = Tinyproxy(tmp_path_factory.mktemp("tinyproxy-auth"), auth=True)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def tls_daemon(engine: str) -> Iterator[None]:
    yield from run_tls_engine()


@pytest.fixture
def cat_container(engine: str) -> Iterator[str]:
    """A running ``cat`` with stdin open, made over the unix socket."""
    with docker.APIClient() as client:
        name = f"dsdk-test-proxy-{uuid.uuid4().hex[:8]}"
        cid = client.create_container(IMAGE, "cat", stdin_open=True, name=name)["Id"]
        try:
            client.start(cid)
            yield cid
        finally:
            client.remove_container(cid, force=True)


def good_tls() -> TLSConfig:
    return TLSConfig(
        client_cert=(cert("client.pem"), cert("client-key.pem")), ca_cert=cert("ca.pem")
    )


def target(forwarder: TCPForwarder) -> str:
    return f"127.0.0.1:{forwarder.port}"


def transport_of(client: docker.APIClient | AsyncAPIClient) -> TCPTransport:
    transport = client._transport
    assert isinstance(transport, TCPTransport)
    return transport


# ----------------------------------------------------------------------------------------------
# plain tcp:// daemon


def test_plain_daemon_goes_through_the_proxy(
    proxy_env: pytest.MonkeyPatch, proxy: Tinyproxy, forward: TCPForwarder
) -> None:
    proxy_env.setenv("HTTP_PROXY", proxy.url)
    tunnels, accepted = proxy.tunnels(target(forward)), forward.connections
    with docker.APIClient(base_url=forward.url) as client:
        transport = transport_of(client)
        assert transport.proxy == ProxyURL("127.0.0.1", proxy.port, variable="HTTP_PROXY")
        assert "HTTP_PROXY" in transport.proxy_choice.reason
        assert proxy.url in transport.address and forward.url in transport.address
        for _ in range(5):
            assert client.ping() is True
        assert client.version()["ApiVersion"]
        assert isinstance(client.containers(all=True), list)
    # One pooled connection served everything, and it was a tunnel through the proxy.
    assert proxy.tunnels(target(forward)) == tunnels + 1
    assert forward.connections == accepted + 1


def test_proxy_is_chosen_once_per_client(
    proxy_env: pytest.MonkeyPatch, proxy: Tinyproxy, forward: TCPForwarder
) -> None:
    proxy_env.setenv("http_proxy", proxy.url)
    tunnels = proxy.tunnels(target(forward))
    with docker.APIClient(base_url=forward.url, version="1.41") as client:
        proxy_env.delenv("http_proxy")
        proxy_env.setenv("NO_PROXY", "*")
        assert client.ping() is True
        client.close()  # the next call opens a new connection: still through the proxy
        assert client.ping() is True
    assert proxy.tunnels(target(forward)) == tunnels + 2


def test_lower_case_variable_wins(
    proxy_env: pytest.MonkeyPatch, proxy: Tinyproxy, forward: TCPForwarder, closed_port: int
) -> None:
    proxy_env.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port}")
    proxy_env.setenv("http_proxy", proxy.url)
    tunnels = proxy.tunnels(target(forward))
    with docker.APIClient(base_url=forward.url, version="1.41") as client:
        assert client.ping() is True
    assert proxy.tunnels(target(forward)) == tunnels + 1


def test_all_proxy_is_the_fallback(
    proxy_env: pytest.MonkeyPatch, proxy: Tinyproxy, forward: TCPForwarder
) -> None:
    proxy_env.setenv("ALL_PROXY", proxy.url)
    tunnels = proxy.tunnels(target(forward))
    with docker.APIClient(base_url=forward.url, version="1.41") as client:
        assert transport_of(client).proxy is not None
        assert client.ping() is True
    assert proxy.tunnels(target(forward)) == tunnels + 1


@pytest.mark.parametrize(
    "no_proxy",
    ["127.0.0.1", "example.com, 127.0.0.0/8", "*", "localhost,127.0.0.1:{port}", "[::1],127.0.0.1"],
)
def test_no_proxy_bypasses_the_proxy(
    proxy_env: pytest.MonkeyPatch, proxy: Tinyproxy, forward: TCPForwarder, no_proxy: str
) -> None:
    proxy_env.setenv("HTTP_PROXY", proxy.url)
    proxy_env.setenv("NO_PROXY", no_proxy.format(port=forward.port))
    tunnels, accepted = proxy.tunnels(target(forward)), forward.connections
    with docker.APIClient(base_url=forward.url, version="1.41") as client:
        transport = transport_of(client)
        assert transport.proxy is None
        assert "NO_PROXY" in transport.proxy_choice.reason
        assert client.ping() is True
    assert proxy.tunnels(target(forward)) == tunnels
    assert forward.connections == accepted + 1


def test_no_proxy_entry_for_another_port_does_not_bypass(
    proxy_env: pytest.MonkeyPatch, proxy: Tinyproxy, forward: TCPForwarder
) -> None:
    proxy_env.setenv("HTTP_PROXY", proxy.url)
    proxy_env.setenv("no_proxy", f"127.0.0.1:{forward.port + 1},10.0.0.0/8,docker.example")
    tunnels = proxy.tunnels(target(forward))
    with docker.APIClient(base_url=forward.url, version="1.41") as client:
        assert client.ping() is True
    assert proxy.tunnels(target(forward)) == tunnels + 1


def test_https_proxy_does_not_apply_to_plain_tcp(
    proxy_env: pytest.MonkeyPatch, proxy: Tinyproxy, forward: TCPForwarder
) -> None:
    proxy_env.setenv("HTTPS_PROXY", proxy.url)
    tunnels = proxy.tunnels(target(forward))
    with docker.APIClient(base_url=forward.url, version="1.41") as client:
        assert transport_of(client).proxy is None
        assert client.ping() is True
    assert proxy.tunnels(target(forward)) == tunnels


def test_proxy_with_credentials(
    proxy_env: pytest.MonkeyPatch, auth_proxy: Tinyproxy, forward: TCPForwarder
) -> None:
    # The password is percent-encoded in the URL ("-" as %2D) and decoded before sending.
    proxy_env.setenv(
        "HTTP_PROXY", f"http://{USER}:{PASSWORD.replace('-', '%2D')}@127.0.0.1:{auth_proxy.port}"
    )
    tunnels = auth_proxy.tunnels(target(forward))
    with docker.APIClient(base_url=forward.url) as client:
        proxy_url = transport_of(client).proxy
        assert proxy_url is not None and proxy_url.password == PASSWORD
        assert client.ping() is True
        assert client.version()["ApiVersion"]
    assert auth_proxy.tunnels(target(forward)) == tunnels + 1


def test_wrong_proxy_password_is_a_clear_error(
    proxy_env: pytest.MonkeyPatch, auth_proxy: Tinyproxy, forward: TCPForwarder
) -> None:
    proxy_env.setenv("HTTP_PROXY", f"http://{USER}:wrong-secret@127.0.0.1:{auth_proxy.port}")
    with (
        docker.APIClient(base_url=forward.url, version="1.41") as client,
        pytest.raises(DaemonConnectionError) as caught,
    ):
        client.ping()
    message = str(caught.value)
    # tinyproxy answers a wrong password with 401 (407 when none is given).
    assert "HTTP/1.0 401 Unauthorized" in message
    assert "rejected the user name and password given in HTTP_PROXY" in message
    assert auth_proxy.url in message and forward.url in message
    assert "wrong-secret" not in message


def test_missing_proxy_credentials_are_a_clear_error(
    proxy_env: pytest.MonkeyPatch, auth_proxy: Tinyproxy, forward: TCPForwarder
) -> None:
    proxy_env.setenv("HTTP_PROXY", auth_proxy.url)
    with (
        docker.APIClient(base_url=forward.url, version="1.41") as client,
        pytest.raises(DaemonConnectionError, match="requires credentials") as caught,
    ):
        client.ping()
    assert "407" in str(caught.value)


def test_unreachable_proxy_is_named(
    proxy_env: pytest.MonkeyPatch, forward: TCPForwarder, closed_port: int
) -> None:
    proxy_env.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port}")
    accepted = forward.connections
    with (
        docker.APIClient(base_url=forward.url, version="1.41") as client,
        pytest.raises(DaemonConnectionError) as caught,
    ):
        client.ping()
    message = str(caught.value)
    assert (
        f"Cannot connect to the proxy http://127.0.0.1:{closed_port} (from HTTP_PROXY)" in message
    )
    assert forward.url in message
    assert "NO_PROXY" in message
    assert forward.connections == accepted


def test_proxy_name_that_does_not_resolve(
    proxy_env: pytest.MonkeyPatch, forward: TCPForwarder
) -> None:
    proxy_env.setenv("http_proxy", "http://no-such-proxy.invalid:3128")
    expected = "the proxy's host name 'no-such-proxy.invalid' does not resolve"
    with (
        docker.APIClient(base_url=forward.url, version="1.41") as client,
        pytest.raises(DaemonConnectionError, match=expected) as caught,
    ):
        client.ping()
    assert forward.url in str(caught.value)

    async def main() -> None:
        async with AsyncAPIClient(base_url=forward.url, version="1.41") as client:
            with pytest.raises(DaemonConnectionError, match=expected):
                await client.ping()

    asyncio.run(main())


def test_proxy_refusing_the_port_is_a_clear_error(
    proxy_env: pytest.MonkeyPatch, proxy: Tinyproxy, engine: str
) -> None:
    proxy_env.setenv("HTTP_PROXY", proxy.url)
    with TCPForwarder() as other:  # its port is not among the proxy's ConnectPort lines
        with (
            docker.APIClient(base_url=other.url, version="1.41") as client,
            pytest.raises(DaemonConnectionError) as caught,
        ):
            client.ping()
        assert other.connections == 0
    message = str(caught.value)
    assert "403" in message and "does not allow tunnels" in message
    assert proxy.url in message and other.url in message


def test_daemon_unreachable_behind_the_proxy(
    proxy_env: pytest.MonkeyPatch, proxy: Tinyproxy, closed_port: int
) -> None:
    proxy_env.setenv("HTTP_PROXY", proxy.url)
    with (
        docker.APIClient(base_url=f"tcp://127.0.0.1:{closed_port}", version="1.41") as client,
        pytest.raises(DaemonConnectionError) as caught,
    ):
        client.ping()
    message = str(caught.value)
    assert "could not reach" in message and f"127.0.0.1:{closed_port}" in message
    assert proxy.url in message


def test_something_else_than_a_proxy_is_a_clear_error(
    proxy_env: pytest.MonkeyPatch, forward: TCPForwarder, closed_port: int
) -> None:
    # HTTP_PROXY pointing at the daemon itself: it answers CONNECT, but not with a tunnel.
    proxy_env.setenv("HTTP_PROXY", f"http://127.0.0.1:{forward.port}")
    with (
        docker.APIClient(base_url=f"tcp://127.0.0.1:{closed_port}", version="1.41") as client,
        pytest.raises(DaemonConnectionError) as caught,
    ):
        client.ping()
    message = str(caught.value)
    assert f"The proxy http://127.0.0.1:{forward.port} (from HTTP_PROXY) refused" in message
    assert "Is HTTP_PROXY the address of an HTTP proxy that allows CONNECT?" in message


@pytest.fixture
def silent_proxy() -> Iterator[int]:
    """A listener that never answers: a hanging proxy, which no real one plays on demand."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        port: int = server.getsockname()[1]
        yield port


def test_silent_proxy_times_out_clearly(
    proxy_env: pytest.MonkeyPatch, forward: TCPForwarder, silent_proxy: int
) -> None:
    proxy_env.setenv("HTTP_PROXY", f"http://127.0.0.1:{silent_proxy}")
    with (
        docker.APIClient(base_url=forward.url, version="1.41", timeout=0.5) as client,
        pytest.raises(DaemonTimeout) as caught,
    ):
        client.ping()
    message = str(caught.value)
    assert f"The proxy http://127.0.0.1:{silent_proxy} (from HTTP_PROXY) did not answer" in message
    assert forward.url in message


def test_async_silent_proxy_times_out_clearly(
    proxy_env: pytest.MonkeyPatch, forward: TCPForwarder, silent_proxy: int
) -> None:
    proxy_env.setenv("HTTP_PROXY", f"http://127.0.0.1:{silent_proxy}")

    async def main() -> None:
        async with AsyncAPIClient(base_url=forward.url, version="1.41", timeout=0.5) as client:
            with pytest.raises(DaemonTimeout) as caught:
                await client.ping()
        message = str(caught.value)
        assert f"through the proxy http://127.0.0.1:{silent_proxy} (from HTTP_PROXY)" in message
        assert forward.url in message

    asyncio.run(main())


def test_malformed_proxy_url_fails_at_construction(
    proxy_env: pytest.MonkeyPatch, forward: TCPForwarder
) -> None:
    proxy_env.setenv("HTTP_PROXY", "socks5://127.0.0.1:1080")
    with pytest.raises(DockerException, match="HTTP_PROXY='socks5://127.0.0.1:1080'"):
        docker.APIClient(base_url=forward.url)
    # ... but only when it applies to the daemon.
    proxy_env.setenv("NO_PROXY", "127.0.0.1")
    with docker.APIClient(base_url=forward.url, version="1.41") as client:
        assert client.ping() is True
    # A unix socket never looks at the variables.
    with docker.APIClient(version="1.41") as client:
        assert client.ping() is True


def test_exec_and_attach_through_the_proxy(
    proxy_env: pytest.MonkeyPatch, proxy: Tinyproxy, forward: TCPForwarder, cat_container: str
) -> None:
    proxy_env.setenv("HTTP_PROXY", proxy.url)
    tunnels, accepted = proxy.tunnels(target(forward)), forward.connections
    with docker.DockerClient(base_url=forward.url, version="1.41") as client:
        container = client.containers.get(cat_container)
        code, output = container.exec_run(["echo", "through the proxy"])
        assert (code, output) == (0, b"through the proxy\n")
        sock = client.api.attach_socket(
            cat_container, params={"stdin": 1, "stdout": 1, "stream": 1}
        )
        with sock:
            sock.sendall(b"ping over the tunnel\n")
            data = b""
            while len(data) < 8 + 21:
                piece = sock.recv(4096)
                assert piece, "the attach stream ended early"
                data += piece
        assert data == struct.pack(">BxxxL", 1, 21) + b"ping over the tunnel\n"
    # Every connection was a tunnel: the pooled one, and the attach upgrade's own.
    opened = forward.connections - accepted
    assert opened >= 2
    assert proxy.tunnels(target(forward)) == tunnels + opened


# ----------------------------------------------------------------------------------------------
# plain tcp:// daemon, asyncio


def test_async_plain_daemon_goes_through_the_proxy(
    proxy_env: pytest.MonkeyPatch, proxy: Tinyproxy, forward: TCPForwarder
) -> None:
    proxy_env.setenv("HTTP_PROXY", proxy.url)
    tunnels, accepted = proxy.tunnels(target(forward)), forward.connections

    async def main() -> None:
        async with AsyncAPIClient(base_url=forward.url) as client:
            assert transport_of(client).proxy is not None
            assert await client.ping() is True
            assert (await client.version())["ApiVersion"]
            assert await asyncio.gather(*(client.ping() for _ in range(3))) == [True] * 3

    asyncio.run(main())
    opened = forward.connections - accepted
    assert opened >= 1
    assert proxy.tunnels(target(forward)) == tunnels + opened


def test_async_no_proxy_bypasses_the_proxy(
    proxy_env: pytest.MonkeyPatch, proxy: Tinyproxy, forward: TCPForwarder
) -> None:
    proxy_env.setenv("HTTP_PROXY", proxy.url)
    proxy_env.setenv("no_proxy", "127.0.0.0/8")
    tunnels = proxy.tunnels(target(forward))

    async def main() -> None:
        async with AsyncAPIClient(base_url=forward.url, version="1.41") as client:
            assert transport_of(client).proxy is None
            assert await client.ping() is True

    asyncio.run(main())
    assert proxy.tunnels(target(forward)) == tunnels


def test_async_proxy_credentials(
    proxy_env: pytest.MonkeyPatch, auth_proxy: Tinyproxy, forward: TCPForwarder
) -> None:
    tunnels = auth_proxy.tunnels(target(forward))

    async def main() -> None:
        proxy_env.setenv("HTTP_PROXY", f"http://{USER}:{PASSWORD}@127.0.0.1:{auth_proxy.port}")
        async with AsyncAPIClient(base_url=forward.url, version="1.41") as client:
            assert await client.ping() is True
        proxy_env.setenv("HTTP_PROXY", f"http://{USER}:nope@127.0.0.1:{auth_proxy.port}")
        async with AsyncAPIClient(base_url=forward.url, version="1.41") as client:
            with pytest.raises(DaemonConnectionError, match="401") as caught:
                await client.ping()
            assert "rejected the user name and password" in str(caught.value)

    asyncio.run(main())
    assert auth_proxy.tunnels(target(forward)) == tunnels + 2


def test_async_unreachable_proxy_is_named(
    proxy_env: pytest.MonkeyPatch, forward: TCPForwarder, closed_port: int
) -> None:
    proxy_env.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port}")

    async def main() -> None:
        async with AsyncAPIClient(base_url=forward.url, version="1.41") as client:
            with pytest.raises(DaemonConnectionError) as caught:
                await client.ping()
        message = str(caught.value)
        assert f"the proxy http://127.0.0.1:{closed_port} (from HTTP_PROXY)" in message
        assert forward.url in message

    asyncio.run(main())


def test_async_exec_and_attach_through_the_proxy(
    proxy_env: pytest.MonkeyPatch, proxy: Tinyproxy, forward: TCPForwarder, cat_container: str
) -> None:
    proxy_env.setenv("HTTP_PROXY", proxy.url)
    tunnels, accepted = proxy.tunnels(target(forward)), forward.connections

    async def main() -> None:
        async with AsyncAPIClient(base_url=forward.url, version="1.41") as client:
            exec_id = (await client.exec_create(cat_container, ["echo", "async proxy"]))["Id"]
            assert await client.exec_start(exec_id) == b"async proxy\n"
            conn = await client.attach_socket(
                cat_container, params={"stdin": 1, "stdout": 1, "stream": 1}
            )
            async with conn:
                await conn.write(b"async tunnel\n")
                data = b""
                while len(data) < 8 + 13:
                    piece = await asyncio.wait_for(conn.read(4096), 10)
                    assert piece, "the attach stream ended early"
                    data += piece
            assert data == struct.pack(">BxxxL", 1, 13) + b"async tunnel\n"

    asyncio.run(main())
    opened = forward.connections - accepted
    assert opened >= 2
    assert proxy.tunnels(target(forward)) == tunnels + opened


# ----------------------------------------------------------------------------------------------
# TLS daemon (https://)


def test_tls_daemon_goes_through_the_proxy(
    proxy_env: pytest.MonkeyPatch, proxy: Tinyproxy, tls_daemon: None
) -> None:
    proxy_env.setenv("HTTPS_PROXY", proxy.url)
    tunnels = proxy.tunnels(TLS_TARGET)
    with docker.APIClient(base_url=TLS_URL, tls=good_tls()) as client:
        transport = transport_of(client)
        assert transport.proxy is not None and transport.proxy.variable == "HTTPS_PROXY"
        assert transport.address == f"tcp://{TLS_TARGET} (TLS) via the proxy {proxy.url}"
        for _ in range(3):
            assert client.ping() is True
        assert client.version()["ApiVersion"]
    assert proxy.tunnels(TLS_TARGET) == tunnels + 1
    # The certificate is checked against the daemon's name, sent in the CONNECT too.
    tunnels = proxy.tunnels("localhost:2376")
    with docker.APIClient(base_url="https://localhost:2376", tls=good_tls()) as client:
        assert client.ping() is True
    assert proxy.tunnels("localhost:2376") == tunnels + 1


def test_tls_error_through_the_proxy_names_both(
    proxy_env: pytest.MonkeyPatch, proxy: Tinyproxy, tls_daemon: None
) -> None:
    proxy_env.setenv("HTTPS_PROXY", proxy.url)
    with (
        docker.APIClient(base_url=TLS_URL, tls=True, version="1.41") as client,
        pytest.raises(DaemonConnectionError) as caught,
    ):
        client.ping()
    message = str(caught.value)
    assert "not signed by the CA" in message
    assert f"tcp://{TLS_TARGET} (TLS) via the proxy {proxy.url}" in message


def test_http_proxy_does_not_apply_to_tls(
    proxy_env: pytest.MonkeyPatch, proxy: Tinyproxy, tls_daemon: None
) -> None:
    proxy_env.setenv("HTTP_PROXY", proxy.url)
    tunnels = proxy.tunnels(TLS_TARGET)
    with docker.APIClient(base_url=TLS_URL, tls=good_tls(), version="1.41") as client:
        assert transport_of(client).proxy is None
        assert client.ping() is True
    assert proxy.tunnels(TLS_TARGET) == tunnels


def test_tls_with_proxy_credentials_and_no_proxy(
    proxy_env: pytest.MonkeyPatch, auth_proxy: Tinyproxy, tls_daemon: None
) -> None:
    proxy_env.setenv("https_proxy", f"http://{USER}:{PASSWORD}@127.0.0.1:{auth_proxy.port}")
    tunnels = auth_proxy.tunnels(TLS_TARGET)
    with docker.APIClient(base_url=TLS_URL, tls=good_tls(), version="1.41") as client:
        assert client.ping() is True
    assert auth_proxy.tunnels(TLS_TARGET) == tunnels + 1
    proxy_env.setenv("no_proxy", "127.0.0.1:2376")
    with docker.APIClient(base_url=TLS_URL, tls=good_tls(), version="1.41") as client:
        assert client.ping() is True
    assert auth_proxy.tunnels(TLS_TARGET) == tunnels + 1


def test_async_tls_daemon_goes_through_the_proxy(
    proxy_env: pytest.MonkeyPatch, proxy: Tinyproxy, tls_daemon: None
) -> None:
    proxy_env.setenv("HTTPS_PROXY", proxy.url)
    tunnels = proxy.tunnels(TLS_TARGET)

    async def main() -> None:
        async with AsyncAPIClient(base_url=TLS_URL, tls=good_tls()) as client:
            assert transport_of(client).proxy is not None
            assert (await client.version())["ApiVersion"]
            assert await asyncio.gather(*(client.ping() for _ in range(3))) == [True] * 3

    asyncio.run(main())
    # One connection for the version, then up to one per concurrent ping.
    assert tunnels + 1 <= proxy.tunnels(TLS_TARGET) <= tunnels + 4


def test_async_tls_error_through_the_proxy_names_both(
    proxy_env: pytest.MonkeyPatch, proxy: Tinyproxy, tls_daemon: None
) -> None:
    proxy_env.setenv("HTTPS_PROXY", proxy.url)

    async def main() -> None:
        async with AsyncAPIClient(base_url=TLS_URL, tls=True, version="1.41") as client:
            with pytest.raises(DaemonConnectionError) as caught:
                await client.ping()
        message = str(caught.value)
        assert "not signed by the CA" in message
        assert f"via the proxy {proxy.url}" in message

    asyncio.run(main())
