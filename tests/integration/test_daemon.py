"""Daemon endpoints against the real engine, sync and async, with the bytes on the wire."""

from __future__ import annotations

import asyncio
import datetime
import json
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest

import docker
from docker.aio import AsyncAPIClient, AsyncDockerClient
from docker.errors import APIError, InvalidVersion
from tests.conftest import cli
from tests.support.forking import Child
from tests.support.wire import RecordingProxy

pytestmark = pytest.mark.usefixtures("engine", "isolated_home")

REGISTRY_AUTH = "127.0.0.1:5001"


@pytest.fixture
def proxy(engine: str) -> Iterator[RecordingProxy]:
    p = RecordingProxy(engine)
    yield p
    p.close()


# ping / version / info / df ------------------------------------------------------------------
def test_ping_version_info_df(api: docker.APIClient) -> None:
    assert api.ping() is True
    version = api.version()
    assert version["ApiVersion"] == "1.41"
    assert "Components" in version
    assert api.api_version == "1.41"
    info = api.info()
    assert isinstance(info["ID"], str) and "Containers" in info
    df = api.df()
    assert {"LayersSize", "Images", "Containers", "Volumes"} <= set(df)


def test_wire_paths(proxy: RecordingProxy) -> None:
    client = docker.APIClient(base_url=proxy.base_url)
    with client:
        client.ping()
        client.version(api_version=False)
        client.info()
    targets = [(r.method, r.target) for r in proxy.requests]
    # Negotiation happens once, lazily, on the unversioned path; then versioned calls.
    assert targets == [
        ("GET", "/version"),
        ("GET", "/v1.41/_ping"),
        ("GET", "/version"),
        ("GET", "/v1.41/info"),
    ]
    ua = proxy.requests[0].headers["user-agent"]
    assert ua == "docker-sdk-python/7.2.0"


def test_construction_does_no_io(proxy: RecordingProxy) -> None:
    client = docker.APIClient(base_url=proxy.base_url)
    time.sleep(0.05)
    assert proxy.requests == []
    client.close()


def test_explicit_version_skips_negotiation(proxy: RecordingProxy) -> None:
    with docker.APIClient(base_url=proxy.base_url, version="1.30") as client:
        assert client.api_version == "1.30"
        assert client.ping()
    assert [r.target for r in proxy.requests] == ["/v1.30/_ping"]


def test_auto_version_is_case_insensitive(engine: str) -> None:
    with docker.APIClient(version="AUTO") as client:
        assert client.api_version == "1.41"


def test_too_old_version_and_gates() -> None:
    with pytest.raises(InvalidVersion, match="below 1.24"):
        docker.APIClient(version="1.23")
    with pytest.raises(docker.errors.DockerException, match="Found float"):
        docker.APIClient(version=1.4)  # type: ignore[arg-type]
    with (
        docker.APIClient(version="1.24") as client,
        pytest.raises(InvalidVersion, match="df is not available for version < 1.25"),
    ):
        client.df()


def test_custom_user_agent_and_http_headers(proxy: RecordingProxy, isolated_home: Any) -> None:
    cfg = isolated_home / ".docker"
    cfg.mkdir()
    (cfg / "config.json").write_text(json.dumps({"HttpHeaders": {"X-Meta": "yes"}}))
    with docker.APIClient(base_url=proxy.base_url, user_agent="probe/1") as client:
        client.ping()
    req = proxy.last("/_ping")
    assert req.headers["user-agent"] == "probe/1"
    assert req.headers["x-meta"] == "yes"


# events ----------------------------------------------------------------------------------------
def test_events_decode_filters_and_until(proxy: RecordingProxy, docker_cli: str) -> None:
    client = docker.APIClient(base_url=proxy.base_url)
    cli("pull", "-q", "busybox:latest")
    since = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1)
    name = f"ev-{time.monotonic_ns()}"
    cid = cli("create", "--name", name, "busybox", "true")
    cli("rm", cid)
    until = int(time.time()) + 1
    stream = client.events(
        since=since, until=until, filters={"type": "container", "container": name}, decode=True
    )
    events = list(stream)  # ends by itself at `until`
    actions = [e["Action"] for e in events]
    assert actions == ["create", "destroy"]
    assert all(e["Actor"]["ID"] == cid for e in events)
    req = proxy.last("/events")
    query = parse_qs(req.query)
    assert query["since"] == [str(int(since.timestamp()))]
    assert query["until"] == [str(until)]
    assert json.loads(query["filters"][0]) == {"type": ["container"], "container": [name]}
    client.close()


def test_events_raw_bytes_and_close_from_other_thread(api: docker.APIClient) -> None:
    name = f"ev-{time.monotonic_ns()}"
    stream = api.events(filters={"container": name})
    got: list[bytes] = []

    def reader() -> None:
        for chunk in stream:
            got.append(chunk)

    t = threading.Thread(target=reader)
    t.start()
    time.sleep(0.3)
    cid = cli("create", "--name", name, "busybox", "true")
    deadline = time.monotonic() + 10
    while not got and time.monotonic() < deadline:
        time.sleep(0.05)
    stream.close()  # wakes the blocked reader
    t.join(5)
    assert not t.is_alive()
    cli("rm", cid)
    assert got and isinstance(got[0], bytes)
    assert json.loads(got[0])["Action"] == "create"


def test_events_context_manager_releases_connection(api: docker.APIClient) -> None:
    with api.events(until=int(time.time()) + 30) as stream:
        assert stream is not None
    assert api._pool.idle_count == 0


# login -----------------------------------------------------------------------------------------
def test_login_real_registry(api: docker.APIClient, isolated_home: Any) -> None:
    result = api.login("testuser", "testpassword", registry=REGISTRY_AUTH)
    assert result["Status"] == "Login Succeeded"
    # Remembered in memory for this client, never written to disk.
    assert api._auth_configs.resolve_authconfig(REGISTRY_AUTH)["username"] == "testuser"
    assert not (isolated_home / ".docker" / "config.json").exists()
    # A second login with the same user short-circuits; reauth forces a round trip.
    assert api.login("testuser", "testpassword", registry=REGISTRY_AUTH)["username"] == "testuser"
    assert (
        api.login("testuser", "testpassword", registry=REGISTRY_AUTH, reauth=True)["Status"]
        == "Login Succeeded"
    )


def test_login_wrong_password(api: docker.APIClient) -> None:
    with pytest.raises(APIError) as info:
        api.login("testuser", "wrong", registry=REGISTRY_AUTH)
    assert info.value.is_client_error() or info.value.is_server_error()
    assert "unauthorized" in (info.value.explanation or "").lower()


# high level -------------------------------------------------------------------------------------
def test_docker_client_daemon_calls(engine: str) -> None:
    with docker.from_env() as client:
        assert client.ping() is True
        assert client.version()["ApiVersion"] == "1.41"
        assert "ID" in client.info()
        assert "LayersSize" in client.df()
        stream = client.events(until=int(time.time()), filters={"container": "no-such-thing"})
        assert list(stream) == []
        with pytest.raises(AttributeError, match="APIClient"):
            client.reload_config  # noqa: B018


# async ------------------------------------------------------------------------------------------
def test_async_daemon_calls(engine: str) -> None:
    async def main() -> None:
        async with AsyncAPIClient() as api:
            assert await api.ping() is True
            assert api.api_version == "1.41"
            assert (await api.version())["ApiVersion"] == "1.41"
            assert "ID" in await api.info()
            assert "LayersSize" in await api.df()
        async with AsyncDockerClient.from_env() as client:
            assert await client.ping() is True

    asyncio.run(main())


def test_async_events_and_login(engine: str) -> None:
    async def main() -> None:
        async with AsyncAPIClient() as api:
            name = f"aev-{time.monotonic_ns()}"
            since = int(time.time()) - 1
            cid = await asyncio.to_thread(cli, "create", "--name", name, "busybox", "true")
            await asyncio.to_thread(cli, "rm", cid)
            stream = await api.events(
                since=since, until=int(time.time()) + 1, filters={"container": name}, decode=True
            )
            actions = [event["Action"] async for event in stream]
            assert actions == ["create", "destroy"]
            # Closing early releases the connection.
            stream = await api.events(filters={"container": name})
            await stream.aclose()
            assert stream.closed
            result = await api.login("testuser", "testpassword", registry=REGISTRY_AUTH)
            assert result["Status"] == "Login Succeeded"
            with pytest.raises(APIError):
                await api.login("testuser", "bad", registry=REGISTRY_AUTH, reauth=True)

    asyncio.run(main())


def test_async_gates_and_version(engine: str) -> None:
    async def main() -> None:
        async with AsyncAPIClient(version="1.24") as api:
            with pytest.raises(InvalidVersion, match="df is not available"):
                await api.df()
            assert (await api.version())["ApiVersion"] == "1.41"

    asyncio.run(main())


def test_async_many_concurrent_pings_bounded_pool(engine: str) -> None:
    async def main() -> None:
        async with AsyncAPIClient(max_pool_size=8) as api:
            pool_sizes: list[int] = []

            async def one() -> bool:
                ok = await api.ping()
                assert api._pool is not None
                pool_sizes.append(api._pool.open_count)
                return bool(ok)

            results = await asyncio.gather(*(one() for _ in range(1000)))
            assert all(results)
            assert max(pool_sizes) <= 8

    asyncio.run(main())


def test_forked_child_gets_connections_of_its_own(engine: str) -> None:
    # Sharing the parent's pooled socket would mix the two processes' replies.
    client = docker.APIClient(version="1.41")
    try:
        assert client.ping() is True

        def in_child() -> None:
            for _ in range(100):
                assert client.version()["ApiVersion"] == "1.41"
                assert client.ping() is True

        child = Child(in_child)
        for _ in range(100):
            assert client.info()["ID"]
        assert child.result() == ""
        assert client.ping() is True
    finally:
        client.close()
