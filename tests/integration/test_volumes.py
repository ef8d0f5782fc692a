"""Volume endpoints and models against the real engine, sync and async, with the wire bytes."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest

import docker
from docker.aio import AsyncAPIClient
from docker.errors import APIError, InvalidVersion, NotFound
from docker.models.volumes import Volume, VolumeCollection
from tests.conftest import cli
from tests.support.fake_daemon import FakeDaemon
from tests.support.wire import RecordingProxy

pytestmark = pytest.mark.usefixtures("engine", "isolated_home")

PREFIX = "dsdk-test-"


def _quiet(*args: str) -> None:
    subprocess.run(["docker", *args], capture_output=True, timeout=120)


@pytest.fixture
def proxy(engine: str) -> Iterator[RecordingProxy]:
    p = RecordingProxy(engine)
    yield p
    p.close()


@pytest.fixture
def cleanup() -> Iterator[list[str]]:
    """Names of volumes to remove at the end of the test."""
    names: list[str] = []
    yield names
    for name in names:
        _quiet("volume", "rm", "-f", name)


@pytest.fixture
def new_name(cleanup: list[str]) -> Callable[[], str]:
    """Unique volume names; every volume so named is removed at the end of the test."""

    def make() -> str:
        name = f"{PREFIX}vol-{uuid.uuid4().hex[:12]}"
        cleanup.append(name)
        return name

    return make


@pytest.fixture
def run_container(docker_cli: str) -> Iterator[Callable[..., str]]:
    """Create busybox containers (CLI set-up); all are removed at the end."""
    cli("pull", "-q", "busybox:latest")
    ids: list[str] = []

    def run(*options: str) -> str:
        name = f"{PREFIX}ctr-{uuid.uuid4().hex[:12]}"
        cid = cli("create", "--name", name, *options, "busybox:latest", "true")
        ids.append(cid)
        return cid

    yield run
    for cid in ids:
        _quiet("rm", "-f", cid)


def _filters(req: Any) -> Any:
    return json.loads(parse_qs(req.query)["filters"][0])


# create / inspect / list / remove -------------------------------------------------------------
def test_create_inspect_list_remove(proxy: RecordingProxy, new_name: Callable[[], str]) -> None:
    name = new_name()
    opts = {"type": "tmpfs", "device": "tmpfs", "o": "size=1m"}
    with docker.APIClient(base_url=proxy.base_url) as api:
        created = api.create_volume(name, driver="local", driver_opts=opts, labels={"dsdk": "v"})
        req = proxy.last("/volumes/create")
        assert (req.method, req.target) == ("POST", "/v1.41/volumes/create")
        assert req.headers["content-type"] == "application/json"
        body = json.loads(req.body)
        assert list(body) == ["Name", "Driver", "DriverOpts", "Labels"]
        expected = {"Name": name, "Driver": "local", "DriverOpts": opts, "Labels": {"dsdk": "v"}}
        assert body == expected
        assert created["Name"] == name and created["Driver"] == "local"
        assert created["Labels"] == {"dsdk": "v"} and created["Options"] == opts

        info = api.inspect_volume(name)
        assert proxy.last(f"/volumes/{name}").target == f"/v1.41/volumes/{name}"
        assert info["Name"] == name and info["Mountpoint"].endswith(f"/{name}/_data")

        listed = api.volumes(filters={"name": name})
        assert [v["Name"] for v in listed["Volumes"]] == [name]
        assert _filters(proxy.last("/volumes")) == {"name": [name]}
        by_label = api.volumes(filters={"label": "dsdk=v", "name": name})
        assert [v["Name"] for v in by_label["Volumes"]] == [name]
        everything = api.volumes()
        assert proxy.last("/volumes").target == "/v1.41/volumes"
        assert name in {v["Name"] for v in everything["Volumes"]}

        assert api.remove_volume(name) is None
        req = proxy.last(f"/volumes/{name}")
        assert (req.method, req.target) == ("DELETE", f"/v1.41/volumes/{name}")
        with pytest.raises(NotFound) as exc:
            api.inspect_volume(name)
        assert "no such volume" in str(exc.value.explanation)


def test_create_minimal_and_anonymous(proxy: RecordingProxy, cleanup: list[str]) -> None:
    with docker.APIClient(base_url=proxy.base_url) as api:
        created = api.create_volume()
        cleanup.append(created["Name"])
        assert json.loads(proxy.last("/volumes/create").body) == {}
        assert len(created["Name"]) == 64 and created["Driver"] == "local"
        api.remove_volume(created["Name"])


def test_remove_volume_sends_force(proxy: RecordingProxy, new_name: Callable[[], str]) -> None:
    # Gap A2 of the original: force was never sent.  The daemon shows it here: removing a
    # missing volume with force succeeds, without it the reply is 404.
    missing = new_name()
    name = new_name()
    with docker.APIClient(base_url=proxy.base_url) as api:
        with pytest.raises(NotFound):
            api.remove_volume(missing)
        assert proxy.last(f"/volumes/{missing}").query == ""
        assert api.remove_volume(missing, force=True) is None
        req = proxy.last(f"/volumes/{missing}")
        assert (req.method, req.target) == ("DELETE", f"/v1.41/volumes/{missing}?force=True")
        api.create_volume(name)
        api.remove_volume(name, force=True)
        with pytest.raises(NotFound):
            api.inspect_volume(name)


def test_removing_a_volume_in_use(
    new_name: Callable[[], str], run_container: Callable[..., str]
) -> None:
    name = new_name()
    with docker.APIClient() as api:
        api.create_volume(name)
        run_container("-v", f"{name}:/data")
        for force in (False, True):
            with pytest.raises(APIError) as exc:
                api.remove_volume(name, force=force)
            assert exc.value.status_code == 409
            assert "volume is in use" in str(exc.value.explanation)
        assert api.inspect_volume(name)["Name"] == name


def test_bad_input(proxy: RecordingProxy, new_name: Callable[[], str]) -> None:
    with docker.APIClient(base_url=proxy.base_url) as api:
        with pytest.raises(TypeError, match="driver_opts must be a dictionary"):
            api.create_volume("x", driver_opts=["a=b"])  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="labels must be a dictionary"):
            api.create_volume("x", labels=["a"])  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="Expected a string"):
            api.inspect_volume(None)  # type: ignore[arg-type]
        assert [r.path for r in proxy.requests if "volumes" in r.path] == []
        with pytest.raises(NotFound) as exc:
            api.create_volume(new_name(), driver="dsdk-no-such-driver")
        assert "dsdk-no-such-driver" in str(exc.value.explanation)
        with pytest.raises(APIError) as bad:
            api.create_volume("bad/name")
        assert bad.value.status_code == 400
        with pytest.raises(NotFound):
            api.inspect_volume(f"{PREFIX}missing-{uuid.uuid4().hex}")
        assert api.ping() is True


def test_version_gates(proxy: RecordingProxy) -> None:
    with docker.APIClient(base_url=proxy.base_url, version="1.24") as api:
        with pytest.raises(InvalidVersion, match="prune_volumes is not available for version"):
            api.prune_volumes()
        with pytest.raises(InvalidVersion, match="1.25"):
            api.remove_volume("x", force=True)
    assert proxy.requests == []


# prune ----------------------------------------------------------------------------------------
def test_prune_with_label_filter(
    proxy: RecordingProxy, new_name: Callable[[], str], run_container: Callable[..., str]
) -> None:
    label = f"dsdk-prune={uuid.uuid4().hex}"
    key, value = label.split("=")
    unused, used, other = new_name(), new_name(), new_name()
    with docker.APIClient(base_url=proxy.base_url) as api:
        api.create_volume(unused, labels={key: value})
        api.create_volume(used, labels={key: value})
        api.create_volume(other)
        run_container("-v", f"{used}:/data")
        result = api.prune_volumes(filters={"label": label})
        assert result["VolumesDeleted"] == [unused]
        assert isinstance(result["SpaceReclaimed"], int)
        req = proxy.last("/volumes/prune")
        assert req.method == "POST"
        assert _filters(req) == {"label": [label]}
        names = {v["Name"] for v in api.volumes(filters={"name": PREFIX})["Volumes"]}
        assert used in names and other in names and unused not in names


def test_prune_without_filters_sends_no_query() -> None:
    # Pruning every unused volume of the shared test engine would break other tests, so the
    # unfiltered request is checked against a scripted daemon instead.
    body = b'{"VolumesDeleted": null, "SpaceReclaimed": 0}'

    def handler(conn: socket.socket, head: bytes) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        )

    fake = FakeDaemon(handler)
    try:
        with docker.APIClient(base_url=fake.base_url) as api:
            assert api.prune_volumes() == {"VolumesDeleted": None, "SpaceReclaimed": 0}
        assert fake.requests[-1].startswith(b"POST /v1.41/volumes/prune HTTP/1.1\r\n")
    finally:
        fake.close()


# async ----------------------------------------------------------------------------------------
def test_async_volume_endpoints(proxy: RecordingProxy, new_name: Callable[[], str]) -> None:
    name = new_name()
    missing = new_name()
    label = f"dsdk-prune={uuid.uuid4().hex}"

    async def main() -> None:
        async with AsyncAPIClient(base_url=proxy.base_url) as api:
            created = await api.create_volume(name, labels=dict([label.split("=")]))
            assert created["Name"] == name
            assert (await api.inspect_volume(name))["Labels"] == dict([label.split("=")])
            listed = await api.volumes(filters={"name": name})
            assert [v["Name"] for v in listed["Volumes"]] == [name]
            assert _filters(proxy.last("/volumes")) == {"name": [name]}
            with pytest.raises(NotFound):
                await api.remove_volume(missing)
            await api.remove_volume(missing, force=True)
            assert proxy.last(f"/volumes/{missing}").query == "force=True"
            with pytest.raises(TypeError):
                await api.create_volume("x", driver_opts="a=b")  # type: ignore[arg-type]
            pruned = await api.prune_volumes(filters={"label": label})
            assert pruned["VolumesDeleted"] == [name]
            with pytest.raises(NotFound):
                await api.inspect_volume(name)
            created = await api.create_volume(new_name())
            await api.remove_volume(created["Name"])
        async with AsyncAPIClient(version="1.24") as old:
            with pytest.raises(InvalidVersion):
                await old.prune_volumes()
            with pytest.raises(InvalidVersion):
                await old.remove_volume("x", force=True)

    asyncio.run(main())


# high level -----------------------------------------------------------------------------------
def test_models(proxy: RecordingProxy, new_name: Callable[[], str]) -> None:
    name = new_name()
    missing = new_name()
    label = f"dsdk-prune={uuid.uuid4().hex}"
    with docker.DockerClient(base_url=proxy.base_url) as client:
        assert isinstance(client.volumes, VolumeCollection)
        assert client.volumes is not client.volumes
        volume = client.volumes.create(name, driver="local", labels=dict([label.split("=")]))
        assert isinstance(volume, Volume)
        # create returns the create reply as is, with no extra inspect.
        assert proxy.last("/volumes/create") == proxy.requests[-1]
        assert volume.id == volume.name == name
        assert volume.short_id == name[:12]
        assert repr(volume) == f"<Volume: {name[:12]}>"
        assert volume.client is client and isinstance(volume.collection, VolumeCollection)

        fetched = client.volumes.get(name)
        assert fetched == volume and hash(fetched) == hash(volume)
        assert fetched.attrs["Labels"] == dict([label.split("=")])
        assert client.volumes.list(filters={"name": name}) == [volume]
        assert client.volumes.list(filters={"name": f"{PREFIX}none-{uuid.uuid4().hex}"}) == []
        assert volume in client.volumes.list()

        volume.reload()
        assert volume.attrs["Name"] == name
        volume.remove()
        with pytest.raises(NotFound):
            client.volumes.get(name)
        with pytest.raises(NotFound):
            volume.remove()
        Volume(attrs={"Name": missing}, client=client).remove(force=True)
        assert proxy.last(f"/volumes/{missing}").query == "force=True"

        kept = client.volumes.create(new_name(), labels=dict([label.split("=")]))
        result = client.volumes.prune(filters={"label": label})
        assert result["VolumesDeleted"] == [kept.name]
        assert _filters(proxy.last("/volumes/prune")) == {"label": [label]}
