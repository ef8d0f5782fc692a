"""The named pipe transport at the protocol level, on Linux, against the real engine.

The client runs its whole npipe code path (``NpipeTransport``, ``NpipeSocket``, the pool,
streams and upgrades); only the Windows calls under the pipe handle interface are replaced by
a socket pair relayed to the engine (``tests/support/pipe_relay.py``).  Freezing or breaking
the relay, and an opener that reports the pipe busy or missing, stand for the failures the real
engine cannot produce.  The Windows calls themselves are unit-tested with a fake kernel32 in
``tests/unit/test_npipesocket.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

import docker
from docker.aio import AsyncAPIClient
from docker.errors import DaemonConnectionError, DaemonTimeout, DockerException, ProtocolError
from docker.transport.npipeconn import NpipeHTTPAdapter, NpipeTransport
from docker.transport.npipesocket import (
    BUSY_RETRIES,
    ERROR_ACCESS_DENIED,
    ERROR_FILE_NOT_FOUND,
    ERROR_PIPE_NOT_CONNECTED,
    NpipeSocket,
    Win32Api,
    Win32PipeOpener,
)
from tests.support.pipe_relay import (
    ENGINE_SOCKET,
    PIPE_NAME,
    PIPE_URL,
    RelayOpener,
    npipe_transport,
    use_transport,
)

pytestmark = pytest.mark.engine


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture(autouse=True)
def no_fd_leak(engine: str) -> Iterator[None]:
    before = _open_fds()
    yield
    deadline = time.monotonic() + 2
    while True:
        gc.collect()  # tracebacks kept by pytest.raises hold clients in reference cycles
        if _open_fds() <= before or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert _open_fds() <= before, "a socket or file was leaked"


@pytest.fixture
def opener() -> Iterator[RelayOpener]:
    with RelayOpener() as relay_opener:
        yield relay_opener


@pytest.fixture
def api(opener: RelayOpener) -> Iterator[docker.APIClient]:
    client = use_transport(docker.APIClient(version="1.41", timeout=30), npipe_transport(opener))
    yield client
    client.close()


@pytest.fixture
def client(opener: RelayOpener) -> Iterator[docker.DockerClient]:
    high = docker.DockerClient(version="1.41", timeout=30)
    use_transport(high.api, npipe_transport(opener))
    yield high
    high.close()


@pytest.fixture
def names() -> Iterator[list[str]]:
    """Names for containers; whatever was created under them is removed afterwards."""
    made: list[str] = []
    yield made
    with docker.APIClient(version="1.41") as cleaner:
        for name in made:
            with contextlib.suppress(docker.errors.NotFound):
                cleaner.remove_container(name, force=True)


def _name(names: list[str]) -> str:
    name = f"dsdk-test-npipe-{uuid.uuid4().hex[:10]}"
    names.append(name)
    return name


# Requests and replies ---------------------------------------------------------------------
def test_ping_and_version_go_through_the_pipe(api: docker.APIClient, opener: RelayOpener) -> None:
    assert api.ping() is True
    version = api.version()
    assert version["ApiVersion"] == "1.41"
    assert api.info()["ID"]
    # Everything went through one pipe (keep-alive reuse), named as Windows names it.
    assert opener.names == [PIPE_NAME]
    assert opener.relayed > 1000
    (idle,) = api._pool._idle
    assert isinstance(idle.sock, NpipeSocket)
    assert api.base_url == "http+docker://localnpipe"
    assert isinstance(api._transport, NpipeTransport)
    assert NpipeHTTPAdapter is NpipeTransport


def test_negotiated_version_and_errors_over_the_pipe(opener: RelayOpener) -> None:
    with docker.APIClient() as negotiating:
        use_transport(negotiating, npipe_transport(opener))
        assert negotiating.api_version == "1.41"  # negotiated through the pipe
        with pytest.raises(docker.errors.NotFound):
            negotiating.inspect_container("dsdk-test-npipe-does-not-exist")
        assert negotiating.ping()
    assert len(opener.pipes) == 1


def test_run_and_stream_logs(client: docker.DockerClient, names: list[str]) -> None:
    out = client.containers.run(
        "alpine:3.10", ["sh", "-c", "echo hello; echo oops >&2"], name=_name(names), stderr=True
    )
    assert sorted(out.splitlines()) == [b"hello", b"oops"]  # two streams: any order
    script = "for i in 1 2 3 4 5; do echo line $i; sleep 0.05; done"
    container = client.containers.run(
        "alpine:3.10", ["sh", "-c", script], name=_name(names), detach=True
    )
    lines = [line for line in container.logs(stream=True, follow=True)]
    assert b"".join(lines) == b"".join(b"line %d\n" % i for i in range(1, 6))
    assert container.wait(timeout=30)["StatusCode"] == 0


def test_exec_with_demux(api: docker.APIClient, names: list[str]) -> None:
    cid = api.create_container("alpine:3.10", ["sleep", "30"], name=_name(names))["Id"]
    api.start(cid)
    exec_id = api.exec_create(cid, ["sh", "-c", "echo o1; echo e1 >&2; echo o2"])["Id"]
    assert api.exec_start(exec_id, demux=True) == (b"o1\no2\n", b"e1\n")
    exec_id = api.exec_create(cid, ["sh", "-c", "echo o1; echo e1 >&2"])["Id"]
    items = list(api.exec_start(exec_id, stream=True, demux=True))
    assert b"".join(o for o, _ in items if o) == b"o1\n"
    assert b"".join(e for _, e in items if e) == b"e1\n"


def test_attach_socket_write_half_close_read(api: docker.APIClient, names: list[str]) -> None:
    cid = api.create_container("alpine:3.10", ["cat"], name=_name(names), stdin_open=True)["Id"]
    api.start(cid)
    sock = api.attach_socket(cid, params={"stdin": 1, "stdout": 1, "stream": 1})
    with sock:
        assert isinstance(sock.sock, NpipeSocket)
        sock.sendall(b"ping over the pipe\n")
        sock.shutdown_write()  # cat sees EOF, exits, the stream ends
        data = b"".join(sock.iter_chunks())
    assert data == b"\x01\x00\x00\x00\x00\x00\x00\x13ping over the pipe\n"
    assert api.wait(cid, timeout=30)["StatusCode"] == 0


def test_close_from_another_thread_wakes_the_reader(api: docker.APIClient) -> None:
    events = api.events(decode=True)
    timer = threading.Timer(0.3, events.close)
    timer.start()
    started = time.monotonic()
    try:
        for _ in events:  # other tests' events may arrive meanwhile: only the end matters
            pass
    finally:
        timer.join()
    assert time.monotonic() - started < 5
    assert events._response.closed  # the reader returned because close() woke it


def test_idle_pipe_closed_by_the_daemon_is_replaced(
    api: docker.APIClient, opener: RelayOpener
) -> None:
    assert api.ping()
    (idle,) = api._pool._idle
    idle.idle_since -= 10  # old enough to be checked before reuse
    assert api.ping()
    assert len(opener.pipes) == 1  # the liveness check (a non-blocking peek) found it alive
    (idle,) = api._pool._idle
    idle.idle_since -= 10
    opener.last.break_pipe()
    assert api.ping()  # the check saw the end of the pipe and opened a new one
    assert len(opener.pipes) == 2


def test_reused_pipe_that_broke_is_retried(api: docker.APIClient, opener: RelayOpener) -> None:
    assert api.ping()
    opener.last.break_pipe()  # checked only after a second idle: the write fails instead
    assert api.version()["ApiVersion"] == "1.41"
    assert len(opener.pipes) == 2


# Failures -----------------------------------------------------------------------------------
def test_daemon_that_stops_answering_times_out(opener: RelayOpener) -> None:
    with docker.APIClient(version="1.41", timeout=0.5) as client:
        use_transport(client, npipe_transport(opener, 0.5))
        assert client.ping()
        opener.last.relay.freeze()
        started = time.monotonic()
        with pytest.raises(DaemonTimeout) as info:
            client.ping()
        assert time.monotonic() - started < 5
    message = str(info.value)
    assert PIPE_URL in message and "0.5 s" in message
    assert isinstance(info.value, TimeoutError)


def test_pipe_ending_mid_stream_is_a_clear_error(
    client: docker.DockerClient, names: list[str], opener: RelayOpener
) -> None:
    script = "while true; do echo tick; sleep 0.05; done"
    container = client.containers.run(
        "alpine:3.10", ["sh", "-c", script], name=_name(names), detach=True
    )
    stream = container.logs(stream=True, follow=True)
    assert next(stream) == b"tick\n"
    opener.last.break_pipe()
    with pytest.raises(ProtocolError, match="in the middle of the response body"):
        for _ in stream:
            pass
    container.remove(force=True)  # a new pipe: the client stays usable


def test_pipe_failing_mid_stream_names_the_pipe_and_the_windows_error(
    api: docker.APIClient, names: list[str], opener: RelayOpener
) -> None:
    script = "while true; do echo tick; sleep 0.05; done"
    cid = api.create_container("alpine:3.10", ["sh", "-c", script], name=_name(names))["Id"]
    api.start(cid)
    sock = api.attach_socket(cid, params={"stdout": 1, "stream": 1})
    with sock:
        chunks = sock.iter_chunks()
        assert b"tick" in next(chunks)
        opener.last.break_pipe(ERROR_PIPE_NOT_CONNECTED)
        with pytest.raises(DaemonConnectionError) as info:
            for _ in chunks:
                pass
    message = str(info.value)
    assert f"Lost the connection to the Docker daemon at {PIPE_URL}" in message
    assert "nothing is connected to the other end of the pipe (Windows error 233)" in message


def test_stream_failing_mid_body_raises(
    client: docker.DockerClient, names: list[str], opener: RelayOpener
) -> None:
    script = "while true; do echo tick; sleep 0.05; done"
    container = client.containers.run(
        "alpine:3.10", ["sh", "-c", script], name=_name(names), detach=True
    )
    stream = container.logs(stream=True, follow=True)
    assert next(stream) == b"tick\n"
    opener.last.break_pipe(ERROR_PIPE_NOT_CONNECTED)
    with pytest.raises(DaemonConnectionError, match="Windows error 233"):
        for _ in stream:
            pass


def test_busy_pipe_is_retried() -> None:
    with RelayOpener(busy=3) as opener, docker.APIClient(version="1.41") as client:
        use_transport(client, npipe_transport(opener, 30))
        assert client.ping()
    assert opener.names == [PIPE_NAME] * 4
    assert opener.waits == [1.0, 1.0, 1.0]  # a wait for a free instance between attempts


def test_pipe_busy_for_good_gives_up_after_the_retries() -> None:
    with RelayOpener(busy=1000) as opener, docker.APIClient(version="1.41") as client:
        use_transport(client, npipe_transport(opener, 30))
        with pytest.raises(DaemonConnectionError) as info:
            client.ping()
    assert len(opener.names) == BUSY_RETRIES + 1
    message = str(info.value)
    assert PIPE_URL in message and "Windows error 231" in message
    assert "busy" in message and "retry later" in message


def test_pipe_busy_beyond_the_timeout() -> None:
    with (
        RelayOpener(busy=1000, wait_sleeps=True) as opener,
        docker.APIClient(version="1.41", timeout=0.3) as client,
    ):
        use_transport(client, npipe_transport(opener, 0.3))
        started = time.monotonic()
        with pytest.raises(DaemonTimeout, match="Timed out connecting to the Docker daemon at "):
            client.ping()
        assert time.monotonic() - started < 3
    assert sum(opener.waits) <= 0.3 + 0.05
    assert all(wait <= 0.3 for wait in opener.waits)


@pytest.mark.parametrize(
    ("code", "hints"),
    [
        (ERROR_FILE_NOT_FOUND, ["does not exist", "not running", "Docker Desktop"]),
        (ERROR_ACCESS_DENIED, ["denied", "docker-users"]),
    ],
)
def test_missing_or_forbidden_pipe(code: int, hints: list[str]) -> None:
    with RelayOpener(error=code) as opener, docker.APIClient(version="1.41") as client:
        use_transport(client, npipe_transport(opener))
        with pytest.raises(DaemonConnectionError) as info:
            client.ping()
    message = str(info.value)
    assert f"Cannot connect to the Docker daemon at {PIPE_URL}" in message
    assert f"(Windows error {code})" in message
    for hint in hints:
        assert hint in message


# make_transport as on Windows -------------------------------------------------------------
@pytest.fixture
def as_on_windows(monkeypatch: pytest.MonkeyPatch, opener: RelayOpener) -> RelayOpener:
    """The client's platform check says Windows; the Windows opener is the relay one."""
    import docker.api.client
    import docker.transport.npipeconn

    monkeypatch.setattr(docker.api.client, "IS_WINDOWS_PLATFORM", True)
    monkeypatch.setattr(docker.transport.npipeconn, "default_opener", lambda: opener)
    return opener


def test_default_address_on_windows_is_the_engine_pipe(as_on_windows: RelayOpener) -> None:
    with docker.APIClient(version="1.41") as client:  # no base_url: the platform default
        assert isinstance(client._transport, NpipeTransport)
        assert client.base_url == "http+docker://localnpipe"
        assert client.ping()
    with docker.DockerClient(base_url=PIPE_URL) as high:
        assert high.version()["ApiVersion"]  # negotiated through the pipe
        assert high.api.api_version == "1.41"
    assert as_on_windows.names == [PIPE_NAME, PIPE_NAME]


def test_default_address_on_windows_async(as_on_windows: RelayOpener) -> None:
    async def main() -> None:
        async with AsyncAPIClient() as client:
            assert isinstance(client._transport, NpipeTransport)
            assert await client.ping() is True
            assert client.api_version == "1.41"

    asyncio.run(main())
    assert as_on_windows.names and set(as_on_windows.names) == {PIPE_NAME}


# Off Windows --------------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["npipe:////./pipe/x", PIPE_URL])
def test_npipe_url_is_refused_off_windows(url: str) -> None:
    with pytest.raises(DockerException, match="The npipe:// protocol is only supported on Windows"):
        docker.APIClient(base_url=url)
    with pytest.raises(DockerException, match="only supported on Windows"):
        docker.DockerClient(base_url=url)
    with pytest.raises(DockerException, match="only supported on Windows"):
        NpipeTransport(url)  # no opener given: the Windows one is not available here


# asyncio ----------------------------------------------------------------------------------
def test_async_client_over_the_pipe(opener: RelayOpener, names: list[str]) -> None:
    async def main() -> None:
        async with AsyncAPIClient(version="1.41") as client:
            client._transport = npipe_transport(opener)
            assert await client.ping() is True
            assert (await client.version())["ApiVersion"] == "1.41"
            cid = (await client.create_container("alpine:3.10", ["echo", "hi"], name=_name(names)))[
                "Id"
            ]
            await client.start(cid)
            await client.wait(cid)
            chunks = [chunk async for chunk in await client.logs(cid, stream=True)]
            assert b"".join(chunks) == b"hi\n"

    asyncio.run(main())
    assert opener.names and set(opener.names) == {PIPE_NAME}


def test_windows_async_opener_uses_create_pipe_connection() -> None:
    """``Win32PipeOpener.open_async`` with a loop that has ``create_pipe_connection``."""
    addresses: list[str] = []

    async def main() -> None:
        loop: Any = asyncio.get_running_loop()

        async def create_pipe_connection(factory: Any, address: str) -> Any:
            addresses.append(address)  # stands for ProactorEventLoop's: reach the engine
            return await loop.create_unix_connection(factory, ENGINE_SOCKET)

        loop.create_pipe_connection = create_pipe_connection
        opener = Win32PipeOpener(Win32Api(kernel32=None, last_error=lambda: 0))
        async with AsyncAPIClient(version="1.41") as client:
            client._transport = NpipeTransport(PIPE_URL, opener=opener)
            assert await client.ping() is True
            assert (await client.version())["ApiVersion"] == "1.41"

    asyncio.run(main())
    assert addresses and set(addresses) == {PIPE_NAME}


def test_windows_async_opener_needs_a_proactor_loop() -> None:
    async def main() -> None:
        opener = Win32PipeOpener(Win32Api(kernel32=None, last_error=lambda: 0))
        async with AsyncAPIClient(version="1.41") as client:
            client._transport = NpipeTransport(PIPE_URL, opener=opener)
            with pytest.raises(DockerException, match="ProactorEventLoop") as info:
                await client.ping()
            assert "_UnixSelectorEventLoop" in str(info.value)

    asyncio.run(main())
