"""Network endpoints and models against the real engine, sync and async, with the wire bytes."""

from __future__ import annotations

import asyncio
import json
import random
import socket
import subprocess
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest

import docker
from docker.aio import AsyncAPIClient
from docker.errors import APIError, InvalidVersion, NotFound, NullResource
from docker.models.networks import Network, NetworkCollection
from docker.models.resource import Model
from docker.types import IPAMConfig, IPAMPool
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
def new_name() -> Iterator[Callable[[], str]]:
    """Unique network names; every network so named is removed at the end of the test."""
    names: list[str] = []

    def make() -> str:
        name = f"{PREFIX}net-{uuid.uuid4().hex[:12]}"
        names.append(name)
        return name

    yield make
    for name in names:
        _quiet("network", "rm", name)


@pytest.fixture(scope="module")
def busybox(docker_cli: str) -> str:
    cli("pull", "-q", "busybox:latest")
    return "busybox:latest"


@pytest.fixture
def run_container(busybox: str) -> Iterator[Callable[..., str]]:
    """Start sleeping busybox containers (CLI set-up); all are removed at the end."""
    ids: list[str] = []

    def run(*options: str) -> str:
        name = f"{PREFIX}ctr-{uuid.uuid4().hex[:12]}"
        cid = cli("run", "-d", "--name", name, *options, busybox, "sleep", "300")
        ids.append(cid)
        return cid

    yield run
    for cid in ids:
        _quiet("rm", "-f", cid)


def _subnet() -> tuple[str, str]:
    """A /24 unlikely to be in use: (subnet, gateway)."""
    prefix = f"10.{random.randint(150, 250)}.{random.randint(0, 255)}"
    return f"{prefix}.0/24", f"{prefix}.1"


def _query(req: Any) -> dict[str, list[str]]:
    return parse_qs(req.query, keep_blank_values=True)


# create / inspect / list / remove -----------------------------------------------------------
def test_create_with_ipam_inspect_list_remove(
    proxy: RecordingProxy, new_name: Callable[[], str]
) -> None:
    name = new_name()
    subnet, gateway = _subnet()
    ipam = IPAMConfig(pool_configs=[IPAMPool(subnet=subnet, gateway=gateway)])
    with docker.APIClient(base_url=proxy.base_url) as api:
        result = api.create_network(
            name,
            driver="bridge",
            options={"com.docker.network.bridge.enable_icc": "false"},
            ipam=ipam,
            check_duplicate=True,
            internal=True,
            labels={"dsdk": "yes"},
            attachable=True,
        )
        assert set(result) == {"Id", "Warning"}
        net_id = result["Id"]
        req = proxy.last("/networks/create")
        assert (req.method, req.target) == ("POST", "/v1.41/networks/create")
        assert req.headers["content-type"] == "application/json"
        body = json.loads(req.body)
        assert list(body) == [
            "Name",
            "Driver",
            "Options",
            "IPAM",
            "CheckDuplicate",
            "Labels",
            "Internal",
            "Attachable",
        ]
        assert body == {
            "Name": name,
            "Driver": "bridge",
            "Options": {"com.docker.network.bridge.enable_icc": "false"},
            "IPAM": {
                "Driver": "default",
                "Config": [
                    {
                        "Subnet": subnet,
                        "IPRange": None,
                        "Gateway": gateway,
                        "AuxiliaryAddresses": None,
                    }
                ],
            },
            "CheckDuplicate": True,
            "Labels": {"dsdk": "yes"},
            "Internal": True,
            "Attachable": True,
        }

        info = api.inspect_network(net_id)
        assert proxy.last(f"/networks/{net_id}").target == f"/v1.41/networks/{net_id}"
        assert info["Name"] == name and info["Id"] == net_id
        assert info["Driver"] == "bridge" and info["Internal"] is True
        assert info["Attachable"] is True
        assert info["Labels"] == {"dsdk": "yes"}
        assert info["Options"] == {"com.docker.network.bridge.enable_icc": "false"}
        assert info["IPAM"]["Config"] == [{"Subnet": subnet, "Gateway": gateway}]
        # By name, by keyword, and by the dict that create returned.
        assert api.inspect_network(name)["Id"] == net_id
        assert api.inspect_network(net_id=name)["Id"] == net_id
        assert api.inspect_network(result)["Id"] == net_id

        listed = api.networks(names=[name])
        assert [n["Id"] for n in listed] == [net_id]
        assert json.loads(_query(proxy.last("/networks"))["filters"][0]) == {"name": [name]}
        assert [n["Name"] for n in api.networks(ids=[net_id])] == [name]
        assert json.loads(_query(proxy.last("/networks"))["filters"][0]) == {"id": [net_id]}
        by_label = api.networks(filters={"label": "dsdk=yes"}, names=[name])
        assert [n["Id"] for n in by_label] == [net_id]
        assert json.loads(_query(proxy.last("/networks"))["filters"][0]) == {
            "label": ["dsdk=yes"],
            "name": [name],
        }

        assert api.remove_network(net_id) is None
        req = proxy.last(f"/networks/{net_id}")
        assert (req.method, req.target) == ("DELETE", f"/v1.41/networks/{net_id}")
        with pytest.raises(NotFound) as info_exc:
            api.inspect_network(net_id)
        assert "not found" in str(info_exc.value.explanation)
        assert api.networks(names=[name]) == []


def test_networks_sends_empty_filters_and_mutates_the_callers_dict(
    proxy: RecordingProxy,
) -> None:
    with docker.APIClient(base_url=proxy.base_url) as api:
        everything = api.networks()
        assert {"bridge", "host", "none"} <= {n["Name"] for n in everything}
        assert proxy.last("/networks").target == "/v1.41/networks?filters=%7B%7D"
        filters: dict[str, Any] = {"driver": "null"}
        nulls = api.networks(names=["none"], filters=filters)
        assert [n["Name"] for n in nulls] == ["none"]
        # Like the original, the names are written into the caller's dict.
        assert filters == {"driver": "null", "name": ["none"]}


def test_create_minimal_body_and_enable_ipv6(
    proxy: RecordingProxy, new_name: Callable[[], str]
) -> None:
    name = new_name()
    with docker.APIClient(base_url=proxy.base_url) as api:
        api.create_network(name)
        assert json.loads(proxy.last("/networks/create").body) == {"Name": name}
        api.remove_network(name)
        name6 = new_name()
        v6_subnet = f"fd00:dd5d:{random.randint(0, 0xFFFF):04x}::/64"
        api.create_network(
            name6,
            enable_ipv6=True,
            ipam=IPAMConfig(pool_configs=[IPAMPool(subnet=v6_subnet)]),
            scope="local",
        )
        body = json.loads(proxy.last("/networks/create").body)
        assert body["EnableIPv6"] is True and body["Scope"] == "local"
        info = api.inspect_network(name6)
        assert info["EnableIPv6"] is True and info["Scope"] == "local"


def test_inspect_verbose_and_scope_query(
    proxy: RecordingProxy, new_name: Callable[[], str]
) -> None:
    name = new_name()
    with docker.APIClient(base_url=proxy.base_url) as api:
        net_id = api.create_network(name)["Id"]
        info = api.inspect_network(net_id, verbose=True, scope="local")
        assert info["Id"] == net_id
        assert proxy.last(f"/networks/{net_id}").query == "verbose=True&scope=local"
        with pytest.raises(NotFound):
            api.inspect_network(net_id, scope="swarm")


# bad input ------------------------------------------------------------------------------------
def test_overlapping_subnets_give_the_daemons_message(new_name: Callable[[], str]) -> None:
    subnet, _ = _subnet()
    with docker.APIClient() as api:
        api.create_network(new_name(), ipam=IPAMConfig(pool_configs=[IPAMPool(subnet=subnet)]))
        with pytest.raises(APIError) as exc:
            api.create_network(new_name(), ipam=IPAMConfig(pool_configs=[IPAMPool(subnet=subnet)]))
        assert exc.value.status_code == 403
        assert "overlaps" in str(exc.value.explanation)
        assert "overlaps" in str(exc.value)
        # The connection survives an error reply.
        assert api.ping() is True


def test_unknown_driver_and_missing_network(new_name: Callable[[], str]) -> None:
    with docker.APIClient() as api:
        with pytest.raises(NotFound) as exc:
            api.create_network(new_name(), driver="dsdk-no-such-driver")
        assert "dsdk-no-such-driver" in str(exc.value.explanation)
        with pytest.raises(NotFound):
            api.remove_network(f"{PREFIX}missing-{uuid.uuid4().hex}")
        with pytest.raises(NotFound):
            api.inspect_network("a b?#/:x")  # quoted into the path, still just missing


def test_removing_a_network_in_use(
    new_name: Callable[[], str], run_container: Callable[..., str]
) -> None:
    name = new_name()
    with docker.APIClient() as api:
        api.create_network(name)
        run_container("--network", name)
        with pytest.raises(APIError) as exc:
            api.remove_network(name)
        assert exc.value.status_code == 403
        assert "active endpoints" in str(exc.value.explanation)
        assert api.inspect_network(name)["Name"] == name


def test_argument_checks_before_any_request(proxy: RecordingProxy) -> None:
    with docker.APIClient(base_url=proxy.base_url, version="1.41") as api:
        with pytest.raises(TypeError, match="options must be a dictionary"):
            api.create_network("x", options=["a=b"])  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="labels must be a dictionary"):
            api.create_network("x", labels=["a"])  # type: ignore[arg-type]
        with pytest.raises(NullResource):
            api.remove_network(None)  # type: ignore[arg-type]
        with pytest.raises(NullResource):
            api.inspect_network("")
        with pytest.raises(NullResource):
            api.connect_container_to_network(None, "bridge")  # type: ignore[arg-type]
        with pytest.raises(NullResource):
            api.disconnect_container_from_network({"Id": ""}, "bridge")  # type: ignore[arg-type]
    assert proxy.requests == []


def test_version_gates(proxy: RecordingProxy) -> None:
    with docker.APIClient(base_url=proxy.base_url, version="1.24") as api:
        message = "prune_networks is not available for version < 1.25"
        with pytest.raises(InvalidVersion, match=message):
            api.prune_networks()
        with pytest.raises(InvalidVersion, match="ingress"):
            api.create_network("x", ingress=True)
        with pytest.raises(InvalidVersion, match="scope"):
            api.create_network("x", scope="local")
        with pytest.raises(InvalidVersion, match="verbose"):
            api.inspect_network("bridge", verbose=True)
    with docker.APIClient(base_url=proxy.base_url, version="1.30") as api:
        with pytest.raises(InvalidVersion, match="scope"):
            api.inspect_network("bridge", scope="local")
        with pytest.raises(InvalidVersion, match="1.32"):
            api.connect_container_to_network("c", "bridge", driver_opt={"a": "b"})
    assert proxy.requests == []


# connect / disconnect -------------------------------------------------------------------------
def test_connect_and_disconnect(
    proxy: RecordingProxy, new_name: Callable[[], str], run_container: Callable[..., str]
) -> None:
    name = new_name()
    subnet, gateway = _subnet()
    address = gateway.rsplit(".", 1)[0] + ".77"
    cid = run_container()
    with docker.APIClient(base_url=proxy.base_url) as api:
        net_id = api.create_network(
            name, ipam=IPAMConfig(pool_configs=[IPAMPool(subnet=subnet, gateway=gateway)])
        )["Id"]
        api.connect_container_to_network(
            cid, name, ipv4_address=address, aliases=["dsdk-alias"], driver_opt={"k": "v"}
        )
        req = proxy.last("/connect")
        assert (req.method, req.target) == ("POST", f"/v1.41/networks/{name}/connect")
        assert json.loads(req.body) == {
            "Container": cid,
            "EndpointConfig": {
                "Aliases": ["dsdk-alias"],
                "IPAMConfig": {"IPv4Address": address},
                "DriverOpts": {"k": "v"},
            },
        }
        attached = api.inspect_network(net_id)["Containers"]
        assert list(attached) == [cid]
        assert attached[cid]["IPv4Address"] == f"{address}/24"
        settings = json.loads(cli("inspect", "--format", "{{json .NetworkSettings.Networks}}", cid))
        assert "dsdk-alias" in settings[name]["Aliases"]

        with pytest.raises(APIError) as exc:  # already attached
            api.connect_container_to_network(cid, net_id)
        assert exc.value.status_code == 403

        api.disconnect_container_from_network(container={"Id": cid}, net_id=net_id)
        req = proxy.last("/disconnect")
        assert req.target == f"/v1.41/networks/{net_id}/disconnect"
        assert json.loads(req.body) == {"Container": cid}
        assert api.inspect_network(net_id)["Containers"] == {}

        # An empty endpoint config is still sent; force shows up only when set.
        api.connect_container_to_network({"Id": cid}, net_id)
        assert json.loads(proxy.last("/connect").body) == {"Container": cid, "EndpointConfig": {}}
        api.disconnect_container_from_network(cid, net_id, force=True)
        assert json.loads(proxy.last("/disconnect").body) == {"Container": cid, "Force": True}
        assert api.inspect_network(net_id)["Containers"] == {}

        with pytest.raises(NotFound):
            api.connect_container_to_network(f"{PREFIX}no-such-ctr", net_id)


# prune --------------------------------------------------------------------------------------
def test_prune_with_label_filter(
    proxy: RecordingProxy, new_name: Callable[[], str], run_container: Callable[..., str]
) -> None:
    label = f"dsdk-prune={uuid.uuid4().hex}"
    key, value = label.split("=")
    unused, used, other = new_name(), new_name(), new_name()
    with docker.APIClient(base_url=proxy.base_url) as api:
        api.create_network(unused, labels={key: value})
        api.create_network(used, labels={key: value})
        api.create_network(other)
        run_container("--network", used)
        result = api.prune_networks(filters={"label": label})
        assert result == {"NetworksDeleted": [unused]}
        req = proxy.last("/networks/prune")
        assert req.method == "POST"
        assert json.loads(_query(req)["filters"][0]) == {"label": [label]}
        remaining = {n["Name"] for n in api.networks(names=[used, other, unused])}
        assert remaining == {used, other}


def _answer_json(payload: Any) -> Callable[[socket.socket, bytes], None]:
    body = json.dumps(payload).encode()

    def handler(conn: socket.socket, head: bytes) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        )

    return handler


def test_prune_without_filters_sends_no_query() -> None:
    # Pruning every unused network of the shared test engine would break other tests, so the
    # unfiltered request is checked against a scripted daemon instead.
    fake = FakeDaemon(_answer_json({"NetworksDeleted": ["n1"]}))
    try:
        with docker.APIClient(base_url=fake.base_url) as api:
            assert api.prune_networks() == {"NetworksDeleted": ["n1"]}
        assert fake.requests[-1].startswith(b"POST /v1.41/networks/prune HTTP/1.1\r\n")
    finally:
        fake.close()


# async --------------------------------------------------------------------------------------
def test_async_network_endpoints(
    new_name: Callable[[], str], run_container: Callable[..., str]
) -> None:
    name = new_name()
    subnet, gateway = _subnet()
    label = f"dsdk-prune={uuid.uuid4().hex}"
    cid = run_container()

    async def main() -> None:
        async with AsyncAPIClient() as api:
            created = await api.create_network(
                name,
                ipam=IPAMConfig(pool_configs=[IPAMPool(subnet=subnet, gateway=gateway)]),
                labels=dict([label.split("=")]),
            )
            net_id = created["Id"]
            assert [n["Id"] for n in await api.networks(names=[name])] == [net_id]
            assert [n["Name"] for n in await api.networks(ids=[net_id])] == [name]
            info = await api.inspect_network(net_id, verbose=True)
            assert info["IPAM"]["Config"] == [{"Subnet": subnet, "Gateway": gateway}]
            with pytest.raises(APIError, match="overlaps"):
                await api.create_network(
                    new_name(), ipam=IPAMConfig(pool_configs=[IPAMPool(subnet=subnet)])
                )
            await api.connect_container_to_network(cid, net_id, aliases=["a1"])
            assert list((await api.inspect_network(net_id))["Containers"]) == [cid]
            await api.disconnect_container_from_network(cid, net_id, force=True)
            assert (await api.inspect_network(net_id))["Containers"] == {}
            assert await api.prune_networks(filters={"label": label}) == {"NetworksDeleted": [name]}
            with pytest.raises(NotFound):
                await api.remove_network(net_id)
            with pytest.raises(NotFound):
                await api.inspect_network(net_id)
            with pytest.raises(NullResource):
                await api.remove_network("")
        async with AsyncAPIClient(version="1.24") as old:
            with pytest.raises(InvalidVersion):
                await old.prune_networks()
            with pytest.raises(InvalidVersion, match="ingress"):
                await old.create_network("x", ingress=False)

    asyncio.run(main())


def test_async_create_and_remove(proxy: RecordingProxy, new_name: Callable[[], str]) -> None:
    name = new_name()

    async def main() -> None:
        async with AsyncAPIClient(base_url=proxy.base_url) as api:
            net_id = (await api.create_network(name, internal=True))["Id"]
            assert json.loads(proxy.last("/networks/create").body) == {
                "Name": name,
                "Internal": True,
            }
            assert await api.remove_network(net_id) is None
            assert proxy.last(f"/networks/{net_id}").method == "DELETE"

    asyncio.run(main())


# high level ---------------------------------------------------------------------------------
def test_models_create_get_list_remove(proxy: RecordingProxy, new_name: Callable[[], str]) -> None:
    name = new_name()
    subnet, gateway = _subnet()
    with docker.DockerClient(base_url=proxy.base_url) as client:
        assert isinstance(client.networks, NetworkCollection)
        assert client.networks is not client.networks
        network = client.networks.create(
            name,
            driver="bridge",
            ipam=IPAMConfig(pool_configs=[IPAMPool(subnet=subnet, gateway=gateway)]),
            labels={"dsdk": "model"},
        )
        assert isinstance(network, Network)
        assert network.name == name
        assert network.attrs["IPAM"]["Config"] == [{"Subnet": subnet, "Gateway": gateway}]
        assert network.client is client and isinstance(network.collection, NetworkCollection)
        assert repr(network) == f"<Network: {network.id[:12]}>"
        assert network.short_id == network.id[:12]

        fetched = client.networks.get(name)
        assert fetched == network and hash(fetched) == hash(network)
        assert client.networks.get(name, verbose=True).id == network.id
        assert proxy.last(f"/networks/{name}").query == "verbose=True"

        listed = client.networks.list(names=[name])
        assert listed == [network]
        assert client.networks.list(ids=[network.id])[0].name == name
        assert client.networks.list(filters={"label": "dsdk=model"}, names=[name]) == [network]

        network.reload()
        assert network.attrs["Labels"] == {"dsdk": "model"}
        network.remove()
        with pytest.raises(NotFound):
            client.networks.get(name)
        assert client.networks.list(names=[name]) == []


def test_models_connect_disconnect_greedy_and_prune(
    proxy: RecordingProxy, new_name: Callable[[], str], run_container: Callable[..., str]
) -> None:
    name = new_name()
    cid = run_container()
    other = run_container()
    label = f"dsdk-prune={uuid.uuid4().hex}"
    with docker.DockerClient(base_url=proxy.base_url) as client:
        network = client.networks.create(name, labels=dict([label.split("=")]))
        network.connect(cid, aliases=["m1"])
        assert json.loads(proxy.last("/connect").body) == {
            "Container": cid,
            "EndpointConfig": {"Aliases": ["m1"]},
        }
        # A model argument stands for its id (the original accepts a Container model).
        network.connect(Model(attrs={"Id": other}))
        plain = client.networks.list(names=[name])
        greedy = client.networks.list(names=[name], greedy=True)
        assert set(greedy[0].attrs["Containers"]) == {cid, other}
        assert plain[0].id == greedy[0].id
        network.disconnect(Model(attrs={"Id": other}))
        network.disconnect(cid, force=True)
        assert json.loads(proxy.last("/disconnect").body) == {"Container": cid, "Force": True}
        network.reload()
        assert network.attrs["Containers"] == {}
        assert client.networks.prune(filters={"label": label}) == {"NetworksDeleted": [name]}
        assert json.loads(_query(proxy.last("/networks/prune"))["filters"][0]) == {"label": [label]}


def test_network_containers_uses_the_container_collection() -> None:
    class FakeContainers:
        def get(self, cid: str) -> str:
            return f"container:{cid}"

    class FakeClient:
        containers = FakeContainers()

    network = Network(attrs={"Id": "n", "Containers": {"a": {}, "b": {}}}, client=FakeClient())
    assert network.containers == ["container:a", "container:b"]
    assert Network(attrs={"Id": "n", "Containers": None}, client=FakeClient()).containers == []
    assert Network(attrs={"Id": "n"}).name is None
