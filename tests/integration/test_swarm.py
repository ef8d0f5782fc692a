"""Swarm, nodes, services, tasks, secrets and configs against the real engine, sync and async.

A swarm is engine-wide state, and the engine is shared with other test modules: every test that
needs one is in this module, which makes the swarm once (module fixture) and always leaves it at
the end, even when tests fail.  Only the first tests, which check the errors without a swarm,
run before it exists.
"""

from __future__ import annotations

import asyncio
import base64
import fcntl
import json
import random
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest

import docker
import docker.aio
from docker.aio import AsyncAPIClient
from docker.errors import APIError, InvalidArgument, NotFound
from docker.models.configs import Config
from docker.models.nodes import Node
from docker.models.secrets import Secret
from docker.models.services import Service
from docker.models.swarm import Swarm
from docker.types import (
    ConfigReference,
    ContainerSpec,
    DNSConfig,
    DriverConfig,
    EndpointSpec,
    Healthcheck,
    Mount,
    NetworkAttachmentConfig,
    Placement,
    Resources,
    RestartPolicy,
    RollbackConfig,
    SecretReference,
    ServiceMode,
    SwarmExternalCA,
    TaskTemplate,
    UpdateConfig,
)
from tests.conftest import cli
from tests.support.wire import RecordingProxy

pytestmark = pytest.mark.usefixtures("engine", "isolated_home")

PREFIX = "dsdk-test-"
SECOND = 1_000_000_000


def _name(kind: str) -> str:
    return f"{PREFIX}{kind}-{uuid.uuid4().hex[:10]}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _swarm_state() -> str:
    return subprocess.run(
        ["docker", "info", "--format", "{{.Swarm.LocalNodeState}}"],
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.strip()


def _wait(check: Callable[[], Any], timeout: float = 60, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.3)


LOCK_PATH = "/tmp/dsdk-test-swarm.lock"


@pytest.fixture(scope="module", autouse=True)
def _exclusive_swarm(engine: str) -> Iterator[None]:
    """One run of this module at a time on the engine (a swarm is engine-wide state).

    Waits for a concurrent run to finish; then refuses to start when the engine is in a swarm
    this module did not make (it never leaves a swarm it did not create).
    """
    with open(LOCK_PATH, "a") as lock:
        deadline = time.monotonic() + 600
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    pytest.fail(f"another test run holds {LOCK_PATH} for too long")
                time.sleep(1)
        try:
            if _swarm_state() != "inactive":
                pytest.fail(
                    "the engine is already in a swarm that this test module did not create; "
                    "leave it (`docker swarm leave --force`) and run again"
                )
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


# Without a swarm (these run before the module's swarm exists) ---------------------------------
def test_operations_without_a_swarm_say_how_to_fix_it() -> None:
    with docker.APIClient() as api:
        for call in (
            api.nodes,
            api.inspect_swarm,
            api.services,
            api.secrets,
            lambda: api.create_secret(_name("secret"), b"x"),
        ):
            with pytest.raises(APIError) as info:
                call()
            assert info.value.status_code == 503
            assert "not a swarm manager" in str(info.value)
            assert "client.swarm.init()" in str(info.value)
            assert "client.swarm.init()" in (info.value.explanation or "")
        # Leaving: an error without force, quietly done with it.
        with pytest.raises(APIError) as left:
            api.leave_swarm()
        assert left.value.status_code == 503
        assert api.leave_swarm(force=True) is True


def test_swarm_model_without_a_swarm() -> None:
    with docker.DockerClient() as client:
        swarm = client.swarm
        assert isinstance(swarm, Swarm)
        assert swarm.attrs == {}
        assert swarm.version is None  # B21: no AttributeError
        with pytest.raises(APIError, match=r"client\.swarm\.init\(\)"):
            swarm.reload()
        with pytest.raises(APIError, match=r"client\.swarm\.init\(\)"):
            client.services.list()


def test_async_without_a_swarm() -> None:
    async def main() -> None:
        async with AsyncAPIClient() as api:
            with pytest.raises(APIError, match=r"client\.swarm\.init\(\)"):
                await api.inspect_swarm()
            assert await api.leave_swarm(force=True) is True

    asyncio.run(main())


# The module's swarm ----------------------------------------------------------------------------
ADDR_POOL = "10.217.0.0/16"


@pytest.fixture(scope="module")
def swarm(engine: str) -> Iterator[dict[str, Any]]:
    """A one-node swarm for this module (many SwarmSpec options); always left at the end."""
    api = docker.APIClient()
    listen = f"127.0.0.1:{_free_port()}"
    try:
        spec = api.create_swarm_spec(
            name="default",
            task_history_retention_limit=2,
            snapshot_interval=5000,
            keep_old_snapshots=1,
            log_entries_for_slow_followers=600,
            heartbeat_tick=1,
            election_tick=10,
            dispatcher_heartbeat_period=4 * SECOND,
            node_cert_expiry=30 * 24 * 3600 * SECOND,
            labels={"dsdk-test": "swarm"},
            autolock_managers=True,
            log_driver={"Name": "json-file", "Options": {"max-file": "2"}},
        )
        node_id = api.init_swarm(
            advertise_addr="127.0.0.1",
            listen_addr=listen,
            swarm_spec=spec,
            default_addr_pool=[ADDR_POOL],
            subnet_size=26,
            data_path_port=4791,
        )
        yield {"node_id": node_id, "listen": listen}
    finally:
        try:
            api.leave_swarm(force=True)
        finally:
            api.close()
            if _swarm_state() != "inactive":  # belt and braces: never leave the engine in a swarm
                subprocess.run(
                    ["docker", "swarm", "leave", "--force"], capture_output=True, timeout=60
                )
            _remove_task_volumes()


def _remove_task_volumes() -> None:
    """Remove the named volumes the services' tasks created (they outlive the services)."""
    names = cli("volume", "ls", "-q", "--filter", "name=dsdk-test-").split()
    deadline = time.monotonic() + 30
    while names and time.monotonic() < deadline:
        left = []
        for name in names:
            done = subprocess.run(["docker", "volume", "rm", name], capture_output=True)
            if done.returncode != 0 and b"No such volume" not in done.stderr:
                left.append(name)  # still used by a task container being removed
        names = left
        if names:
            time.sleep(0.5)


@pytest.fixture(scope="module")
def busybox(docker_cli: str) -> str:
    cli("pull", "-q", "busybox:latest")
    return "busybox:latest"


@pytest.fixture
def api(swarm: dict[str, Any]) -> Iterator[docker.APIClient]:
    client = docker.APIClient()
    yield client
    client.close()


@pytest.fixture
def client(swarm: dict[str, Any]) -> Iterator[docker.DockerClient]:
    dc = docker.DockerClient()
    yield dc
    dc.close()


@pytest.fixture
def cleanup(swarm: dict[str, Any]) -> Iterator[list[tuple[str, str]]]:
    """``(kind, id)`` pairs removed at the end of the test (services first)."""
    items: list[tuple[str, str]] = []
    yield items
    order = {"service": 0, "network": 2, "secret": 1, "config": 1}
    with docker.APIClient() as api:
        for kind, ident in sorted(items, key=lambda item: order[item[0]]):
            remove = {
                "service": api.remove_service,
                "secret": api.remove_secret,
                "config": api.remove_config,
                "network": api.remove_network,
            }[kind]
            for _ in range(40):
                try:
                    remove(ident)
                    break
                except NotFound:
                    break
                except APIError:  # still in use by tasks being torn down
                    time.sleep(0.5)


# Swarm -----------------------------------------------------------------------------------------
def test_init_stored_every_option(api: docker.APIClient, swarm: dict[str, Any]) -> None:
    info = api.inspect_swarm()
    spec = info["Spec"]
    assert spec["Name"] == "default"
    assert spec["Labels"] == {"dsdk-test": "swarm"}
    assert spec["Orchestration"] == {"TaskHistoryRetentionLimit": 2}
    assert spec["Raft"]["SnapshotInterval"] == 5000
    assert spec["Raft"]["KeepOldSnapshots"] == 1
    assert spec["Raft"]["LogEntriesForSlowFollowers"] == 600
    assert spec["Dispatcher"] == {"HeartbeatPeriod": 4 * SECOND}
    assert spec["CAConfig"]["NodeCertExpiry"] == 30 * 24 * 3600 * SECOND
    assert spec["EncryptionConfig"] == {"AutoLockManagers": True}
    # (engine 20.10 accepts TaskDefaults.LogDriver but does not store it: not checked)
    assert info["DefaultAddrPool"] == [ADDR_POOL]
    assert info["SubnetSize"] == 26
    assert info["DataPathPort"] == 4791
    assert set(info["JoinTokens"]) == {"Worker", "Manager"}
    node = api.inspect_node(swarm["node_id"])
    assert node["ManagerStatus"]["Addr"] == swarm["listen"]


def test_init_twice_is_refused(api: docker.APIClient) -> None:
    with pytest.raises(APIError) as info:
        api.init_swarm(advertise_addr="127.0.0.1", listen_addr=f"127.0.0.1:{_free_port()}")
    assert info.value.status_code == 503
    assert "already part of a swarm" in (info.value.explanation or "")


def test_unlock_key_and_rotation(api: docker.APIClient, client: docker.DockerClient) -> None:
    key = api.get_unlock_key()["UnlockKey"]
    assert key.startswith("SWMKEY-1-")
    assert client.swarm.get_unlock_key() == {"UnlockKey": key}
    version = api.inspect_swarm()["Version"]["Index"]
    spec = api.inspect_swarm()["Spec"]
    assert api.update_swarm(version, spec, rotate_manager_unlock_key=True) is True
    assert _wait(lambda: api.get_unlock_key()["UnlockKey"] != key, 20, "a new unlock key")
    with pytest.raises(InvalidArgument, match="Invalid unlock key format"):
        api.unlock_swarm({"Key": "x"})
    with pytest.raises(APIError) as info:  # the manager is not locked
        api.unlock_swarm(key)
    assert info.value.status_code in (400, 409, 503)


def test_update_rotates_tokens(api: docker.APIClient) -> None:
    before = api.inspect_swarm()
    assert (
        api.update_swarm(
            before["Version"]["Index"],
            before["Spec"],
            rotate_worker_token=True,
            rotate_manager_token=True,
        )
        is True
    )
    after = api.inspect_swarm()
    assert after["JoinTokens"]["Worker"] != before["JoinTokens"]["Worker"]
    assert after["JoinTokens"]["Manager"] != before["JoinTokens"]["Manager"]
    assert after["Spec"]["Labels"] == before["Spec"]["Labels"]
    # A stale version is refused by the daemon.
    with pytest.raises(APIError, match="out of sequence"):
        api.update_swarm(before["Version"]["Index"], before["Spec"])


def test_swarm_model_update(client: docker.DockerClient) -> None:
    swarm = client.swarm
    assert swarm.id and isinstance(swarm.version, int)
    assert swarm.attrs["Spec"]["Name"] == "default"
    assert (
        swarm.update(
            name="default",
            labels={"dsdk-test": "swarm", "updated": "yes"},
            task_history_retention_limit=3,
            autolock_managers=True,
            log_driver={"Name": "json-file", "Options": {"max-file": "2"}},
        )
        is True
    )
    swarm.reload()
    spec = swarm.attrs["Spec"]
    assert spec["Labels"] == {"dsdk-test": "swarm", "updated": "yes"}
    assert spec["Orchestration"]["TaskHistoryRetentionLimit"] == 3
    assert spec["CAConfig"]["NodeCertExpiry"] == 7776000000000000  # the model's default
    assert spec["EncryptionConfig"]["AutoLockManagers"] is True


def test_update_swarm_wire(swarm: dict[str, Any]) -> None:
    proxy = RecordingProxy()
    try:
        with docker.APIClient(base_url=proxy.base_url) as api:
            info = api.inspect_swarm()
            spec = api.create_swarm_spec(
                name="default",
                labels=info["Spec"]["Labels"],
                autolock_managers=True,
                external_ca=None,
                log_driver={"Name": "json-file", "Options": {"max-file": "2"}},
            )
            api.update_swarm(info["Version"]["Index"], spec, rotate_worker_token=True)
        sent = proxy.last("/swarm/update")
        assert parse_qs(sent.query) == {
            "rotateWorkerToken": ["True"],
            "rotateManagerToken": ["False"],
            "version": [str(info["Version"]["Index"])],
        }
        assert json.loads(sent.body) == dict(spec)
        assert sent.headers["content-type"] == "application/json"
    finally:
        proxy.close()


def test_external_ca_spec_accepted(api: docker.APIClient) -> None:
    # The daemon checks the external CA only when it signs; the spec is stored as sent.
    info = api.inspect_swarm()
    spec = dict(info["Spec"])
    ca = SwarmExternalCA("https://ca.example:8888", protocol="cfssl")
    spec["CAConfig"] = dict(spec["CAConfig"], ExternalCAs=[ca])
    api.update_swarm(info["Version"]["Index"], spec)
    stored = api.inspect_swarm()
    assert stored["Spec"]["CAConfig"]["ExternalCAs"][0]["URL"] == "https://ca.example:8888"
    spec = dict(stored["Spec"])
    spec["CAConfig"] = {k: v for k, v in spec["CAConfig"].items() if k != "ExternalCAs"}
    api.update_swarm(stored["Version"]["Index"], spec)


# Nodes -----------------------------------------------------------------------------------------
def test_nodes_low_level(api: docker.APIClient, swarm: dict[str, Any]) -> None:
    nodes = api.nodes()
    assert [n["ID"] for n in nodes] == [swarm["node_id"]]
    assert api.nodes(filters={"role": "manager"})[0]["ID"] == swarm["node_id"]
    assert api.nodes(filters={"role": "worker"}) == []
    node = api.inspect_node(swarm["node_id"])
    spec = dict(node["Spec"], Labels={"dsdk-test": "node"}, Availability="pause")
    assert api.update_node(swarm["node_id"], node["Version"]["Index"], spec) is True
    updated = api.inspect_node(swarm["node_id"])
    assert updated["Spec"]["Labels"] == {"dsdk-test": "node"}
    assert updated["Spec"]["Availability"] == "pause"
    assert api.nodes(filters={"node.label": "dsdk-test=node"})[0]["ID"] == swarm["node_id"]
    with pytest.raises(NotFound):
        api.inspect_node("no-such-node-dsdk")
    with pytest.raises(APIError):  # the only manager cannot be removed
        api.remove_node(swarm["node_id"])


def test_nodes_model(client: docker.DockerClient, swarm: dict[str, Any]) -> None:
    nodes = client.nodes.list()
    assert len(nodes) == 1 and isinstance(nodes[0], Node)
    node = client.nodes.get(swarm["node_id"])
    assert node.id == swarm["node_id"] and isinstance(node.version, int)
    spec = dict(node.attrs["Spec"], Labels={}, Availability="active")
    assert node.update(spec) is True
    node.reload()
    assert node.attrs["Spec"]["Availability"] == "active"
    assert node.attrs["Spec"].get("Labels") in ({}, None)
    assert client.nodes.list(filters={"role": "manager"}) == [node]


def test_update_node_wire(swarm: dict[str, Any]) -> None:
    proxy = RecordingProxy()
    try:
        with docker.APIClient(base_url=proxy.base_url) as api:
            node = api.inspect_node(swarm["node_id"])
            api.update_node(swarm["node_id"], node["Version"]["Index"], node["Spec"])
        sent = proxy.last("/update")
        assert sent.path.endswith(f"/nodes/{swarm['node_id']}/update")
        assert sent.query == f"version={node['Version']['Index']}"
        assert json.loads(sent.body) == node["Spec"]
    finally:
        proxy.close()


# Secrets and configs ---------------------------------------------------------------------------
def test_secrets_low_level(api: docker.APIClient, cleanup: list[tuple[str, str]]) -> None:
    name = _name("secret")
    created = api.create_secret(name, b"\x00binary\xff", labels={"k": "v"})
    cleanup.append(("secret", created["ID"]))
    other = api.create_secret(_name("secret"), "text é")
    cleanup.append(("secret", other["ID"]))
    inspected = api.inspect_secret(created["ID"])
    assert inspected["Spec"]["Name"] == name
    assert inspected["Spec"]["Labels"] == {"k": "v"}
    assert "Data" not in inspected["Spec"]  # the daemon never gives a secret back
    assert api.inspect_secret(name)["ID"] == created["ID"]
    assert [s["ID"] for s in api.secrets(filters={"name": name})] == [created["ID"]]
    assert {s["ID"] for s in api.secrets()} >= {created["ID"], other["ID"]}
    with pytest.raises(APIError) as taken:
        api.create_secret(name, b"again")
    assert taken.value.status_code == 409
    assert api.remove_secret(other["ID"]) is True
    with pytest.raises(NotFound):
        api.inspect_secret(other["ID"])


def test_secrets_wire(swarm: dict[str, Any], cleanup: list[tuple[str, str]]) -> None:
    proxy = RecordingProxy()
    try:
        with docker.APIClient(base_url=proxy.base_url) as api:
            name = _name("secret")
            created = api.create_secret(name, "s3cret", labels={"a": "b"})
            cleanup.append(("secret", created["ID"]))
        sent = proxy.last("/secrets/create")
        assert json.loads(sent.body) == {
            "Data": base64.b64encode(b"s3cret").decode(),
            "Name": name,
            "Labels": {"a": "b"},
        }
    finally:
        proxy.close()


def test_secrets_model(client: docker.DockerClient, cleanup: list[tuple[str, str]]) -> None:
    name = _name("secret")
    secret = client.secrets.create(name=name, data=b"x", labels={"m": "1"})
    cleanup.append(("secret", secret.id))
    assert isinstance(secret, Secret)
    assert secret.name == name and repr(secret) == f"<Secret: '{name}'>"
    assert secret.attrs == {"ID": secret.id, "Spec": {"Name": name}}
    secret.reload()
    assert secret.attrs["Spec"]["Labels"] == {"m": "1"}
    assert client.secrets.get(name) == secret
    assert client.secrets.list(filters={"label": "m=1"}) == [secret]
    assert secret.remove() is True
    assert client.secrets.list(filters={"name": name}) == []


def test_configs_low_level_and_model(
    api: docker.APIClient, client: docker.DockerClient, cleanup: list[tuple[str, str]]
) -> None:
    name = _name("config")
    created = api.create_config(name, "line 1\n", labels={"k": "v"})
    cleanup.append(("config", created["ID"]))
    inspected = api.inspect_config(name)
    assert inspected["ID"] == created["ID"]
    assert base64.b64decode(inspected["Spec"]["Data"]) == b"line 1\n"
    assert inspected["Spec"]["Labels"] == {"k": "v"}
    templated = api.create_config(
        _name("config"), b"{{ .Service.Name }}", templating=DriverConfig("golang")
    )
    cleanup.append(("config", templated["ID"]))
    assert api.inspect_config(templated["ID"])["Spec"]["Templating"] == {"Name": "golang"}
    assert [c["ID"] for c in api.configs(filters={"name": name})] == [created["ID"]]
    with pytest.raises(APIError) as taken:
        api.create_config(name, b"again")
    assert taken.value.status_code == 409

    model_name = _name("config")
    config = client.configs.create(name=model_name, data=b"m")
    cleanup.append(("config", config.id))
    assert isinstance(config, Config)
    assert repr(config) == f"<Config: '{model_name}'>"
    assert client.configs.get(config.id).name == model_name
    assert config in client.configs.list()
    assert config.remove() is True
    assert api.remove_config(created["ID"]) is True
    with pytest.raises(NotFound):
        api.inspect_config(created["ID"])


# Services --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def overlay(swarm: dict[str, Any]) -> Iterator[str]:
    name = _name("overlay")
    with docker.APIClient() as api:
        api.create_network(name, driver="overlay", attachable=True)
    yield name
    with docker.APIClient() as api:
        for _ in range(40):
            try:
                api.remove_network(name)
                break
            except NotFound:
                break
            except APIError:
                time.sleep(0.5)


def _running(api: docker.APIClient, service: str, count: int = 1) -> list[dict[str, Any]]:
    def check() -> list[dict[str, Any]]:
        tasks = api.tasks(filters={"service": service, "desired-state": "running"})
        running = [t for t in tasks if t["Status"]["State"] == "running"]
        return running if len(running) >= count else []

    result: list[dict[str, Any]] = _wait(check, 90, f"{count} running task(s) of {service}")
    return result


def _settled(service: Service) -> None:
    """Wait until a rolling update is over (it bumps the version), then reload."""

    seen: list[int] = []

    def done() -> bool:
        # Settled: no update running, and the version unchanged since the previous look (an
        # update that is queued but not started yet shows no UpdateStatus either).
        service.reload()
        state = (service.attrs.get("UpdateStatus") or {}).get("State")
        seen.append(service.version)
        return state in (None, "completed") and len(seen) > 1 and seen[-1] == seen[-2]

    _wait(done, 90, "the end of the rolling update")


def _logs(stream: Any, needle: bytes, timeout: float = 30) -> bytes:
    deadline = time.monotonic() + timeout
    data = b""
    while time.monotonic() < deadline:
        data = b"".join(stream())
        if needle in data:
            return data
        time.sleep(0.5)
    raise AssertionError(f"{needle!r} not in the logs: {data!r}")


def test_create_service_with_many_options(
    api: docker.APIClient, busybox: str, overlay: str, cleanup: list[tuple[str, str]]
) -> None:
    secret = api.create_secret(_name("secret"), b"top-secret")
    cleanup.append(("secret", secret["ID"]))
    secret_name = api.inspect_secret(secret["ID"])["Spec"]["Name"]
    config_name = _name("config")
    config = api.create_config(
        config_name, b"svc={{ .Service.Name }}", templating={"Name": "golang"}
    )
    cleanup.append(("config", config["ID"]))
    name = _name("svc")
    port = random.randint(40000, 49000)
    container_spec = ContainerSpec(
        busybox,
        command=["sh", "-c"],
        args=["cat /run/secrets/the-secret; echo; cat /etc/app.conf; echo; sleep 300"],
        hostname="svc-host",
        env={"GREETING": "hi"},
        workdir="/tmp",
        user="root",
        labels={"container": "label"},
        mounts=[
            Mount("/data", _name("vol"), labels={"v": "1"}),
            Mount("/scratch", None, type="tmpfs", tmpfs_size="8m", tmpfs_mode=0o1777),
        ],
        stop_grace_period=2 * SECOND,
        secrets=[SecretReference(secret["ID"], secret_name, filename="the-secret", mode=0o400)],
        configs=[ConfigReference(config["ID"], config_name, filename="/etc/app.conf")],
        groups=["wheel"],
        stop_signal="SIGTERM",
        healthcheck=Healthcheck(test=["CMD", "true"], interval=SECOND, timeout=SECOND, retries=2),
        hosts={"db.local": "10.1.2.3"},
        dns_config=DNSConfig(nameservers=["8.8.8.8"], search=["example.com"], options=["ndots:2"]),
        init=True,
        cap_add=["NET_ADMIN"],
        cap_drop=["MKNOD"],
        sysctls={"net.ipv4.ip_forward": "1"},
    )
    container_spec["Ulimits"] = [{"Name": "nofile", "Soft": 1024, "Hard": 2048}]  # API 1.41 key
    task_template = TaskTemplate(
        container_spec,
        resources=Resources(mem_limit=64 * 1024 * 1024, cpu_reservation=10_000_000),
        restart_policy=RestartPolicy("on-failure", delay=SECOND, max_attempts=3),
        placement=Placement(
            constraints=["node.role==manager"], preferences=[("spread", "node.id")]
        ),
        log_driver=DriverConfig("json-file", {"max-size": "1m"}),
        networks=[NetworkAttachmentConfig(overlay, aliases=["svc-alias"])],
    )
    created = api.create_service(
        task_template,
        name=name,
        labels={"service": "label"},
        mode=ServiceMode("replicated", replicas=1),
        update_config=UpdateConfig(
            parallelism=1,
            delay=SECOND,
            failure_action="rollback",
            monitor=SECOND,
            order="stop-first",
        ),
        rollback_config=RollbackConfig(parallelism=2, failure_action="pause"),
        endpoint_spec=EndpointSpec(mode="vip", ports={port: 80}),
    )
    cleanup.append(("service", created["ID"]))
    stored = api.inspect_service(created["ID"])
    spec = stored["Spec"]
    assert spec["Name"] == name and spec["Labels"] == {"service": "label"}
    assert spec["Mode"] == {"Replicated": {"Replicas": 1}}
    cs = spec["TaskTemplate"]["ContainerSpec"]
    assert cs["Image"].startswith("busybox:latest")
    assert cs["Command"] == ["sh", "-c"] and cs["Args"][0].startswith("cat /run/secrets")
    assert cs["Hostname"] == "svc-host" and cs["Env"] == ["GREETING=hi"]
    assert cs["Dir"] == "/tmp" and cs["User"] == "root" and cs["Groups"] == ["wheel"]
    assert cs["Labels"] == {"container": "label"}
    assert cs["Mounts"][0]["Type"] == "volume"
    assert cs["Mounts"][0]["VolumeOptions"] == {"Labels": {"v": "1"}}
    assert cs["Mounts"][1]["TmpfsOptions"] == {"SizeBytes": 8 * 1024 * 1024, "Mode": 0o1777}
    assert cs["StopGracePeriod"] == 2 * SECOND and cs["StopSignal"] == "SIGTERM"
    assert cs["Secrets"][0]["File"] == {"Name": "the-secret", "UID": "0", "GID": "0", "Mode": 256}
    assert cs["Configs"][0]["File"]["Name"] == "/etc/app.conf"
    assert cs["Healthcheck"] == {
        "Test": ["CMD", "true"],
        "Interval": SECOND,
        "Timeout": SECOND,
        "Retries": 2,
    }
    assert cs["Hosts"] == ["10.1.2.3 db.local"]
    assert cs["DNSConfig"] == {
        "Nameservers": ["8.8.8.8"],
        "Search": ["example.com"],
        "Options": ["ndots:2"],
    }
    assert cs["Init"] is True
    assert cs["CapabilityAdd"] == ["NET_ADMIN"] and cs["CapabilityDrop"] == ["MKNOD"]
    assert cs["Sysctls"] == {"net.ipv4.ip_forward": "1"}
    assert cs["Ulimits"] == [{"Name": "nofile", "Soft": 1024, "Hard": 2048}]
    tt = spec["TaskTemplate"]
    assert tt["Resources"] == {
        "Limits": {"MemoryBytes": 64 * 1024 * 1024},
        "Reservations": {"NanoCPUs": 10_000_000},
    }
    assert tt["RestartPolicy"] == {
        "Condition": "on-failure",
        "Delay": SECOND,
        "MaxAttempts": 3,
        "Window": 0,
    }
    assert tt["Placement"]["Constraints"] == ["node.role==manager"]
    assert tt["Placement"]["Preferences"] == [{"Spread": {"SpreadDescriptor": "node.id"}}]
    assert tt["LogDriver"] == {"Name": "json-file", "Options": {"max-size": "1m"}}
    network_id = api.inspect_network(overlay)["Id"]
    assert tt["Networks"] == [{"Target": network_id, "Aliases": ["svc-alias"]}]
    assert spec["UpdateConfig"]["FailureAction"] == "rollback"
    assert spec["UpdateConfig"]["Monitor"] == SECOND
    assert spec["UpdateConfig"]["Order"] == "stop-first"
    assert spec["RollbackConfig"]["Parallelism"] == 2
    assert spec["RollbackConfig"]["FailureAction"] == "pause"
    assert spec["EndpointSpec"]["Ports"] == [
        {"Protocol": "tcp", "TargetPort": 80, "PublishedPort": port, "PublishMode": "ingress"}
    ]
    # insert_defaults fills in what the spec left out.
    defaults = api.inspect_service(name, insert_defaults=True)["Spec"]
    assert defaults["UpdateConfig"]["MaxFailureRatio"] == 0

    # The task runs with the secret and the templated config.
    task = _running(api, created["ID"])[0]
    assert api.inspect_task(task["ID"])["ServiceID"] == created["ID"]
    logs = _logs(
        lambda: api.service_logs(created["ID"], stdout=True, stderr=True), b"svc=" + name.encode()
    )
    assert b"top-secret" in logs


def test_service_wire_body(
    swarm: dict[str, Any], busybox: str, cleanup: list[tuple[str, str]]
) -> None:
    proxy = RecordingProxy()
    try:
        with docker.APIClient(base_url=proxy.base_url) as api:
            name = _name("svc")
            template = TaskTemplate(
                ContainerSpec(busybox, command="sleep 300", env=["A=1"]),
                restart_policy=RestartPolicy("none"),
                force_update=0,
            )
            created = api.create_service(
                template,
                name=name,
                labels={"l": "1"},
                mode="global",
                endpoint_config={"ignored": True},
            )
            cleanup.append(("service", created["ID"]))
            version = api.inspect_service(created["ID"])["Version"]["Index"]
            api.update_service(created["ID"], version, labels={"l": "2"}, fetch_current_spec=True)
        sent = proxy.last("/services/create")
        assert sent.headers["content-type"] == "application/json"
        assert "x-registry-auth" not in sent.headers  # no credentials configured
        assert json.loads(sent.body) == {
            "Name": name,
            "Labels": {"l": "1"},
            "TaskTemplate": {
                "ContainerSpec": {
                    "Image": busybox,
                    "Command": ["sleep", "300"],
                    "Args": None,
                    "Env": ["A=1"],
                },
                "RestartPolicy": {"Condition": "none", "Delay": 0, "MaxAttempts": 0, "Window": 0},
                "ForceUpdate": 0,
            },
            "Mode": {"global": {}},
        }
        update = proxy.last(f"/services/{created['ID']}/update")
        assert update.query == f"version={version}"
        body = json.loads(update.body)
        assert body["Labels"] == {"l": "2"} and body["Name"] == name
        assert body["TaskTemplate"]["ContainerSpec"]["Command"] == ["sleep", "300"]
        assert "insertDefaults=True" in proxy.last(f"/services/{created['ID']}").query
    finally:
        proxy.close()


def test_registry_auth_header_from_config(
    swarm: dict[str, Any], busybox: str, isolated_home: Any, cleanup: list[tuple[str, str]]
) -> None:
    docker_dir = isolated_home / ".docker"
    docker_dir.mkdir()
    auth = base64.b64encode(b"user:pass").decode()
    (docker_dir / "config.json").write_text(
        json.dumps({"auths": {"https://index.docker.io/v1/": {"auth": auth}}})
    )
    proxy = RecordingProxy()
    try:
        with docker.APIClient(base_url=proxy.base_url) as api:
            created = api.create_service(TaskTemplate(ContainerSpec(busybox, command="true")))
            cleanup.append(("service", created["ID"]))
        header = proxy.last("/services/create").headers["x-registry-auth"]
        decoded = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
        assert decoded["username"] == "user" and decoded["password"] == "pass"
    finally:
        proxy.close()


def test_rejected_spec_and_bad_input(api: docker.APIClient, busybox: str) -> None:
    with pytest.raises(APIError) as info:
        api.create_service(TaskTemplate(ContainerSpec(busybox)), name="not a valid name!")
    assert info.value.status_code == 400
    assert "name" in (info.value.explanation or "")
    with pytest.raises(NotFound):
        api.inspect_service("no-such-service-dsdk")
    with pytest.raises(NotFound):
        api.remove_service("no-such-service-dsdk")
    with pytest.raises(NotFound):
        api.inspect_task("no-such-task-dsdk")


def test_update_fetch_current_spec_scale_and_rollback(
    api: docker.APIClient, busybox: str, cleanup: list[tuple[str, str]]
) -> None:
    name = _name("svc")
    created = api.create_service(
        TaskTemplate(
            ContainerSpec(busybox, command=["sleep", "300"], env=["KEEP=1"]),
            restart_policy=RestartPolicy("none"),
        ),
        name=name,
        labels={"v": "1"},
        update_config=UpdateConfig(failure_action="rollback", monitor=2 * SECOND),
        rollback_config=RollbackConfig(parallelism=1, monitor=SECOND),
    )
    cleanup.append(("service", created["ID"]))
    _running(api, created["ID"])

    # Only the labels change; the container spec is kept.
    version = api.inspect_service(name)["Version"]["Index"]
    result = api.update_service(name, version, labels={"v": "2"}, fetch_current_spec=True)
    assert isinstance(result, dict)
    spec = api.inspect_service(name)["Spec"]
    assert spec["Labels"] == {"v": "2"}
    assert spec["TaskTemplate"]["ContainerSpec"]["Env"] == ["KEEP=1"]

    # Scale with the mode only.
    version = api.inspect_service(name)["Version"]["Index"]
    api.update_service(name, version, mode=ServiceMode("replicated", 2), fetch_current_spec=True)
    _running(api, created["ID"], 2)

    # A task that fails at once: the update is rolled back to the previous spec.
    version = api.inspect_service(name)["Version"]["Index"]
    api.update_service(
        name,
        version,
        task_template=TaskTemplate(ContainerSpec(busybox, command=["false"])),
        fetch_current_spec=True,
    )

    def rolled_back() -> bool:
        status = api.inspect_service(name).get("UpdateStatus") or {}
        return status.get("State") in ("rollback_completed", "rollback_paused")

    _wait(rolled_back, 90, "the automatic rollback")
    spec = api.inspect_service(name)["Spec"]
    assert spec["TaskTemplate"]["ContainerSpec"]["Command"] == ["sleep", "300"]


def test_services_and_tasks_lists(
    api: docker.APIClient, busybox: str, cleanup: list[tuple[str, str]]
) -> None:
    name = _name("svc")
    created = api.create_service(
        TaskTemplate(ContainerSpec(busybox, command=["sleep", "300"])),
        name=name,
        mode=ServiceMode("replicated", 1),
    )
    cleanup.append(("service", created["ID"]))
    assert [s["ID"] for s in api.services(filters={"name": name})] == [created["ID"]]
    assert api.services(filters={"label": "no-such-label-dsdk"}) == []
    _running(api, created["ID"])
    listed = api.services(filters={"id": created["ID"]}, status=True)
    assert listed[0]["ServiceStatus"]["DesiredTasks"] == 1
    tasks = api.tasks(filters={"service": name})
    assert tasks and all(t["ServiceID"] == created["ID"] for t in tasks)
    assert api.remove_service(created["ID"]) is True
    assert api.services(filters={"name": name}) == []


def test_modes_global_and_jobs(
    api: docker.APIClient, busybox: str, cleanup: list[tuple[str, str]]
) -> None:
    job = api.create_service(
        TaskTemplate(
            ContainerSpec(busybox, command=["true"]), restart_policy=RestartPolicy("none")
        ),
        name=_name("job"),
        mode=ServiceMode("replicated-job", replicas=2, concurrency=1),
    )
    cleanup.append(("service", job["ID"]))
    assert api.inspect_service(job["ID"])["Spec"]["Mode"] == {
        "ReplicatedJob": {"MaxConcurrent": 1, "TotalCompletions": 2}
    }

    def completed() -> bool:
        tasks = api.tasks(filters={"service": job["ID"]})
        return sum(bool(t["Status"]["State"] == "complete") for t in tasks) >= 2

    _wait(completed, 90, "two completed job tasks")
    glob = api.create_service(
        TaskTemplate(ContainerSpec(busybox, command=["sleep", "300"])),
        name=_name("global"),
        mode="global",
    )
    cleanup.append(("service", glob["ID"]))
    assert api.inspect_service(glob["ID"])["Spec"]["Mode"] == {"Global": {}}


def test_service_logs_tty_and_options(
    api: docker.APIClient, busybox: str, cleanup: list[tuple[str, str]]
) -> None:
    created = api.create_service(
        TaskTemplate(
            ContainerSpec(busybox, command=["sh", "-c", "echo out; echo err >&2; sleep 300"])
        ),
        name=_name("logs"),
    )
    cleanup.append(("service", created["ID"]))
    tty = api.create_service(
        TaskTemplate(
            ContainerSpec(busybox, command=["sh", "-c", "echo tty-out; sleep 300"], tty=True)
        ),
        name=_name("tty"),
    )
    cleanup.append(("service", tty["ID"]))
    _running(api, created["ID"])
    _running(api, tty["ID"])
    both = _logs(lambda: api.service_logs(created["ID"], stdout=True, stderr=True), b"err")
    assert b"out\n" in both and b"err\n" in both
    only_err = b"".join(api.service_logs(created["ID"], stderr=True))
    assert b"err" in only_err and b"out" not in only_err
    stamped = b"".join(api.service_logs(created["ID"], stdout=True, timestamps=True))
    assert b"out" in stamped and b"err" not in stamped and stamped[:2] == b"20"
    tail = b"".join(api.service_logs(created["ID"], stdout=True, stderr=True, tail=1))
    assert tail.count(b"\n") == 1
    tty_logs = _logs(lambda: api.service_logs(tty["ID"], stdout=True, is_tty=True), b"tty-out")
    assert tty_logs.startswith(b"tty-out")
    # follow=True: a stream that stays open, closed by us.
    with api.service_logs(created["ID"], stdout=True, follow=True) as stream:
        assert b"out" in next(iter(stream))


def test_services_model(
    client: docker.DockerClient, busybox: str, overlay: str, cleanup: list[tuple[str, str]]
) -> None:
    name = _name("svc")
    service = client.services.create(
        busybox,
        ["sh", "-c", "echo model-out; sleep 300"],
        name=name,
        labels={"service": "1"},
        container_labels={"container": "1"},
        env=["X=1"],
        networks=[overlay],
        constraints=["node.role==manager"],
        log_driver="json-file",
        log_driver_options={"max-size": "2m"},
        restart_policy=RestartPolicy("any"),
        mode=ServiceMode("replicated", 1),
    )
    cleanup.append(("service", service.id))
    assert isinstance(service, Service)
    assert service.name == name and isinstance(service.version, int)
    spec = service.attrs["Spec"]
    assert spec["Labels"] == {"service": "1"}
    assert spec["TaskTemplate"]["ContainerSpec"]["Labels"] == {"container": "1"}
    assert spec["TaskTemplate"]["LogDriver"] == {"Name": "json-file", "Options": {"max-size": "2m"}}
    assert spec["TaskTemplate"]["Placement"] == {"Constraints": ["node.role==manager"]}
    assert client.services.get(name) == service
    assert service in client.services.list()
    assert client.services.list(filters={"name": name}) == [service]
    assert client.services.get(name, insert_defaults=True).attrs["Spec"]["UpdateConfig"]

    _wait(lambda: service.tasks(filters={"desired-state": "running"}), 60, "a task")
    logs = _logs(lambda: service.logs(stdout=True), b"model-out")
    assert logs.startswith(b"model-out")

    # update: only the given settings change.  (The allocator bumped the version since the
    # create, so the attributes are read again first.)
    service.reload()
    service.update(env=["X=2"])
    _settled(service)
    cs = service.attrs["Spec"]["TaskTemplate"]["ContainerSpec"]
    assert cs["Env"] == ["X=2"] and cs["Labels"] == {"container": "1"}

    service.scale(2)
    _settled(service)
    assert service.attrs["Spec"]["Mode"] == {"Replicated": {"Replicas": 2}}

    before = service.attrs["Spec"]["TaskTemplate"].get("ForceUpdate", 0)
    service.force_update()
    _settled(service)
    assert service.attrs["Spec"]["TaskTemplate"]["ForceUpdate"] == before + 1

    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        service.update(bogus=1)
    assert service.remove() is True
    with pytest.raises(NotFound):
        client.services.get(service.id)


def test_scale_global_service_refused(
    client: docker.DockerClient, busybox: str, cleanup: list[tuple[str, str]]
) -> None:
    service = client.services.create(busybox, ["sleep", "300"], mode=ServiceMode("global"))
    cleanup.append(("service", service.id))
    with pytest.raises(InvalidArgument, match="Cannot scale a global container"):
        service.scale(3)


# async -----------------------------------------------------------------------------------------
def test_async_low_level(
    swarm: dict[str, Any], busybox: str, cleanup: list[tuple[str, str]]
) -> None:
    async def main() -> None:
        async with AsyncAPIClient() as api:
            info = await api.inspect_swarm()
            assert info["ID"]
            nodes = await api.nodes()
            assert [n["ID"] for n in nodes] == [swarm["node_id"]]
            assert (await api.inspect_node(swarm["node_id"]))["ID"] == swarm["node_id"]
            assert (await api.get_unlock_key())["UnlockKey"].startswith("SWMKEY")
            await api.update_swarm(info["Version"]["Index"], info["Spec"])

            secret = await api.create_secret(_name("secret"), b"async")
            cleanup.append(("secret", secret["ID"]))
            assert (await api.inspect_secret(secret["ID"]))["ID"] == secret["ID"]
            assert await api.remove_secret(secret["ID"]) is True
            config = await api.create_config(_name("config"), "async")
            cleanup.append(("config", config["ID"]))
            assert (await api.configs(filters={"id": config["ID"]}))[0]["ID"] == config["ID"]

            name = _name("svc")
            created = await api.create_service(
                TaskTemplate(ContainerSpec(busybox, command=["sh", "-c", "echo aio; sleep 300"])),
                name=name,
            )
            cleanup.append(("service", created["ID"]))
            current = await api.inspect_service(name)
            await api.update_service(
                name, current["Version"]["Index"], labels={"a": "1"}, fetch_current_spec=True
            )
            assert (await api.inspect_service(name))["Spec"]["Labels"] == {"a": "1"}
            assert [s["ID"] for s in await api.services(filters={"name": name})] == [created["ID"]]
            for _ in range(120):
                tasks = await api.tasks(filters={"service": name, "desired-state": "running"})
                if any(t["Status"]["State"] == "running" for t in tasks):
                    break
                await asyncio.sleep(0.5)
            assert (await api.inspect_task(tasks[0]["ID"]))["ServiceID"] == created["ID"]
            data = b""
            for _ in range(60):
                stream = await api.service_logs(name, stdout=True)
                data = b"".join([chunk async for chunk in stream])
                if b"aio" in data:
                    break
                await asyncio.sleep(0.5)
            assert data.startswith(b"aio")
            assert await api.remove_service(created["ID"]) is True

    asyncio.run(main())


def test_async_high_level(swarm: dict[str, Any], busybox: str) -> None:
    async def main() -> None:
        async with docker.aio.AsyncDockerClient() as client:
            sw = client.swarm
            await sw.reload()
            assert sw.id == (await client.api.inspect_swarm())["ID"]
            nodes = await client.nodes.list()
            assert [n.id for n in nodes] == [swarm["node_id"]]
            secret = await client.secrets.create(name=_name("asecret"), data=b"s3cret")
            config = await client.configs.create(name=_name("aconfig"), data="cfg")
            try:
                assert secret.id in [s.id for s in await client.secrets.list()]
                assert (await client.configs.get(config.id)).name == config.name
                service = await client.services.create(
                    busybox, ["sleep", "300"], name=_name("asvc")
                )
                try:
                    assert (await client.services.get(service.id)).name == service.name
                finally:
                    await service.remove()
            finally:
                await secret.remove()
                await config.remove()

    asyncio.run(main())
