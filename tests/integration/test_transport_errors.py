"""Bad addresses and misbehaving daemons: a clear error each, no hang, no leaked socket.

The misbehaving daemons are scripted fakes (the real engine cannot be made to cut a reply
short); the unreachable addresses are real.
"""

from __future__ import annotations

import asyncio
import gc
import os
import socket
import time
from collections.abc import Iterator

import pytest

import docker
from docker.aio import AsyncAPIClient
from docker.errors import (
    APIError,
    DaemonConnectionError,
    DaemonTimeout,
    DockerException,
    InvalidVersion,
    NotFound,
    ProtocolError,
)
from tests.support.fake_daemon import FakeDaemon


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture(autouse=True)
def no_fd_leak() -> Iterator[None]:
    before = _open_fds()
    yield
    time.sleep(0.05)
    gc.collect()  # tracebacks kept by pytest.raises hold clients in reference cycles
    assert _open_fds() <= before, "a socket or file was leaked"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("udp://127.0.0.1:5", "Invalid bind address protocol"),
        ("tcp://host-without-port", "port is required"),
        ("tcp://h:1/p?x=1", "Invalid bind address format"),
        ("fd://", "fd protocol is not implemented"),
        ("npipe:////./pipe/docker_engine", "only supported on Windows"),
        ("ssh://", "has no host name"),
        ("ssh://user@host/path", "no path allowed"),
    ],
)
def test_bad_or_unsupported_urls(url: str, message: str) -> None:
    with pytest.raises(DockerException, match=message):
        docker.APIClient(base_url=url)


def test_missing_socket_names_path_and_cause(tmp_path: object) -> None:
    client = docker.APIClient(base_url="unix:///nonexistent/docker.sock", version="1.41")
    with pytest.raises(DaemonConnectionError) as info:
        client.ping()
    text = str(info.value)
    assert "/nonexistent/docker.sock" in text and "does not exist" in text
    assert isinstance(info.value, ConnectionError)
    # Negotiation failures keep the class and say what was being done.
    with pytest.raises(DaemonConnectionError, match="Error while fetching server API version"):
        docker.APIClient(base_url="unix:///nonexistent/docker.sock").info()


def test_refused_tcp_port() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = docker.APIClient(base_url=f"tcp://127.0.0.1:{port}", version="1.41")
    with pytest.raises(DaemonConnectionError, match=f"127.0.0.1:{port}"):
        client.ping()


def test_stale_socket_file(tmp_path: object) -> None:
    path = os.path.join(str(tmp_path), "dead.sock")
    s = socket.socket(socket.AF_UNIX)
    s.bind(path)
    s.close()  # the file stays, nobody listens
    client = docker.APIClient(base_url=f"unix://{path}", version="1.41")
    with pytest.raises(DaemonConnectionError, match="not running"):
        client.ping()


def _serve(reply: bytes, then_close: bool = True) -> FakeDaemon:
    def handler(conn: socket.socket, head: bytes) -> None:
        conn.sendall(reply)
        if then_close:
            conn.shutdown(socket.SHUT_RDWR)

    return FakeDaemon(handler)


def test_daemon_closes_mid_response() -> None:
    fake = _serve(b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"partial":')
    try:
        client = docker.APIClient(base_url=fake.base_url)
        with pytest.raises(ProtocolError, match="middle of the response body"):
            client.info()
        client.close()
    finally:
        fake.close()


def test_daemon_closes_before_head() -> None:
    fake = _serve(b"HTTP/1.1 200 O")
    try:
        client = docker.APIClient(base_url=fake.base_url)
        with pytest.raises(ProtocolError, match="complete response head"):
            client.info()
    finally:
        fake.close()


def test_not_http_at_all() -> None:
    fake = _serve(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")
    try:
        client = docker.APIClient(base_url=fake.base_url)
        with pytest.raises(ProtocolError, match="not valid HTTP"):
            client.info()
    finally:
        fake.close()


@pytest.mark.parametrize(
    ("body", "ctype", "explanation"),
    [
        (b"plain text failure\n", b"text/plain", "plain text failure"),
        (b'{"error": "no message key"}', b"application/json", '{"error": "no message key"}'),
        (b"[1, 2]", b"application/json", "[1, 2]"),
        (b'{"message": "boom"}', b"application/json", "boom"),
    ],
)
def test_error_bodies(body: bytes, ctype: bytes, explanation: str) -> None:
    reply = (
        b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: %b\r\nContent-Length: %d\r\n\r\n%b"
        % (ctype, len(body), body)
    )
    fake = _serve(reply)
    try:
        client = docker.APIClient(base_url=fake.base_url)
        with pytest.raises(APIError) as info:
            client.info()
        assert info.value.explanation == explanation
        assert info.value.status_code == 500
        assert info.value.is_server_error()
        assert str(info.value).startswith("500 Server Error for http+docker://localhost/v1.41/info")
    finally:
        fake.close()


def test_not_found_mapping(engine: str) -> None:
    client = docker.APIClient()
    from docker._core.message import Request

    with pytest.raises(NotFound) as info:
        client._send(Request("GET", "/containers/no-such-container-xyz/json"))
    assert "no-such-container-xyz" in str(info.value)
    client.close()


def test_read_timeout() -> None:
    def never_answer(conn: socket.socket, head: bytes) -> None:
        time.sleep(2)

    fake = FakeDaemon(never_answer)
    try:
        client = docker.APIClient(base_url=fake.base_url, timeout=0.3)
        started = time.monotonic()
        with pytest.raises(DaemonTimeout, match="did not answer within 0.3 s"):
            client.info()
        assert time.monotonic() - started < 2
        assert isinstance(DaemonTimeout("x"), TimeoutError)
    finally:
        fake.close()


def test_too_old_daemon() -> None:
    fake = _serve(b"")
    fake.api_version = "1.12"
    try:
        client = docker.APIClient(base_url=fake.base_url)
        with pytest.raises(InvalidVersion, match="1.12"):
            client.info()
    finally:
        fake.close()


def test_newer_daemon_is_clamped() -> None:
    def ok(conn: socket.socket, head: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK")

    fake = FakeDaemon(ok, api_version="1.99")
    try:
        client = docker.APIClient(base_url=fake.base_url)
        assert client.ping() is True
        assert client.api_version == "1.45"
        assert fake.requests[-1].startswith(b"GET /v1.45/_ping ")
    finally:
        fake.close()


def test_async_errors() -> None:
    fake = _serve(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{")

    def never_answer(conn: socket.socket, head: bytes) -> None:
        time.sleep(2)

    slow = FakeDaemon(never_answer)

    async def main() -> None:
        async with AsyncAPIClient(base_url="unix:///nonexistent/docker.sock") as api:
            with pytest.raises(DaemonConnectionError, match="does not exist"):
                await api.ping()
        async with AsyncAPIClient(base_url=fake.base_url) as api:
            with pytest.raises(ProtocolError):
                await api.info()
        async with AsyncAPIClient(base_url=slow.base_url, timeout=0.3) as api:
            with pytest.raises(DaemonTimeout):
                await api.info()

    try:
        asyncio.run(main())
    finally:
        fake.close()
        slow.close()
