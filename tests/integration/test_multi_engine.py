"""A swarm across three engines: the main one (manager) and two workers from scripts/workers.sh.

The workers are separate dockerd processes, each in its own network namespace (its own "host")
on a bridge with the main engine: dsdk-br0 198.18.0.1 (the main engine's side), workers at
198.18.0.11 and 198.18.0.12.  Every swarm call goes through this library.

A swarm is engine-wide state: this module shares test_swarm.py's lock file so the two never
overlap, refuses to run when the main engine is already in a swarm it did not make, and always
leaves the swarm and stops the workers at the end, even when a test fails.
"""

from __future__ import annotations

import fcntl
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import docker
from docker.types import ContainerSpec, ServiceMode, TaskTemplate

pytestmark = pytest.mark.usefixtures("engine", "isolated_home")

ROOT = Path(__file__).resolve().parents[2]
WORKERS_SH = ROOT / "scripts" / "workers.sh"
LOCK_PATH = "/tmp/dsdk-test-swarm.lock"
MANAGER_ADDR = "198.18.0.1"
WORKER_SOCKETS = ("unix:///var/run/dsdk-w1.sock", "unix:///var/run/dsdk-w2.sock")
WORKER_ADDRS = ("198.18.0.11", "198.18.0.12")
SECOND = 1_000_000_000


def _wait(check: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.5)


def _workers_sh(command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(WORKERS_SH), command],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


@dataclass
class Cluster:
    manager: docker.APIClient
    client: docker.DockerClient
    workers: list[docker.APIClient]
    manager_node: str
    worker_nodes: list[str]


def _local_state(api: docker.APIClient) -> str:
    state: str = api.info()["Swarm"]["LocalNodeState"]
    return state


@pytest.fixture(scope="module")
def cluster(engine: str) -> Iterator[Cluster]:
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
        manager = docker.APIClient(timeout=60)
        client = docker.DockerClient(timeout=60)
        workers: list[docker.APIClient] = []
        swarm_ours = False  # True from just before init_swarm: a swarm then is ours
        try:
            if _local_state(manager) != "inactive":
                pytest.fail(
                    "the engine is already in a swarm that this test module did not create; "
                    "leave it (`docker swarm leave --force`) and run again"
                )
            up = _workers_sh("up")
            if up.returncode != 0:
                pytest.fail(
                    f"scripts/workers.sh up failed (exit {up.returncode}):\n"
                    f"{up.stdout}\n{up.stderr}"
                )
            workers = [docker.APIClient(base_url=url, timeout=60) for url in WORKER_SOCKETS]
            swarm_ours = True
            manager_node = manager.init_swarm(
                advertise_addr=MANAGER_ADDR, listen_addr=f"{MANAGER_ADDR}:2377"
            )
            token = manager.inspect_swarm()["JoinTokens"]["Worker"]
            worker_nodes = []
            for api, addr in zip(workers, WORKER_ADDRS, strict=True):
                assert api.join_swarm(
                    [f"{MANAGER_ADDR}:2377"],
                    token,
                    listen_addr=f"{addr}:2377",
                    advertise_addr=addr,
                )
                worker_nodes.append(api.info()["Swarm"]["NodeID"])
            yield Cluster(manager, client, workers, manager_node, worker_nodes)
        finally:
            problems: list[str] = []
            for api, url in zip(workers, WORKER_SOCKETS, strict=False):
                try:
                    if _local_state(api) != "inactive":
                        api.leave_swarm(force=True)
                except Exception as exc:  # keep cleaning up
                    problems.append(f"worker {url} leave: {exc!r}")
            if swarm_ours:
                try:
                    if _local_state(manager) != "inactive":
                        manager.leave_swarm(force=True)
                except Exception as exc:
                    problems.append(f"manager leave: {exc!r}")
            for api in workers:
                api.close()
            client.close()
            manager.close()
            down = _workers_sh("down")
            fcntl.flock(lock, fcntl.LOCK_UN)
            if down.returncode != 0:
                problems.append(f"workers.sh down: {down.stdout}\n{down.stderr}")
            if problems:
                pytest.fail("clean-up failed:\n" + "\n".join(problems))


def _running_tasks(api: docker.APIClient, service_id: str) -> list[dict[str, Any]]:
    tasks = api.tasks(filters={"service": service_id, "desired-state": "running"})
    return [t for t in tasks if t["Status"]["State"] == "running"]


def test_all_three_engines_are_nodes(cluster: Cluster) -> None:
    nodes = {n.id: n for n in cluster.client.nodes.list()}
    assert set(nodes) == {cluster.manager_node, *cluster.worker_nodes}
    _wait(
        lambda: all(
            n.reload() is None and n.attrs["Status"]["State"] == "ready" for n in nodes.values()
        ),
        30,
        "all nodes ready",
    )
    roles = {nid: n.attrs["Spec"]["Role"] for nid, n in nodes.items()}
    assert roles[cluster.manager_node] == "manager"
    assert [roles[w] for w in cluster.worker_nodes] == ["worker", "worker"]
    addrs = {nodes[w].attrs["Status"]["Addr"] for w in cluster.worker_nodes}
    assert addrs == set(WORKER_ADDRS)
    for api in cluster.workers:
        assert api.info()["Swarm"]["ControlAvailable"] is False


def test_replicas_spread_and_move_off_a_drained_worker(cluster: Cluster) -> None:
    api = cluster.manager
    spec = ContainerSpec("busybox:latest", ["sleep", "600"], stop_grace_period=SECOND)
    service = api.create_service(
        TaskTemplate(spec),
        name=f"dsdk-test-multi-{uuid.uuid4().hex[:10]}",
        mode=ServiceMode("replicated", replicas=6),
    )
    try:
        running = _wait(
            lambda: (tasks := _running_tasks(api, service["ID"])) and len(tasks) == 6 and tasks,
            60,
            "6 running tasks",
        )
        # Spread over the engines: both workers carry replicas.  (The manager normally does
        # too, but it is not required: the main engine is shared, and a task it fails to
        # start is rescheduled onto the workers.)
        spread = {t["NodeID"] for t in running}
        assert set(cluster.worker_nodes) <= spread, spread
        assert spread <= {cluster.manager_node, *cluster.worker_nodes}, spread

        drained = cluster.worker_nodes[0]
        node = cluster.client.nodes.get(drained)
        node_spec = dict(node.attrs["Spec"], Availability="drain")
        assert node.update(node_spec) is True
        node.reload()
        assert node.attrs["Spec"]["Availability"] == "drain"

        def moved() -> list[dict[str, Any]] | None:
            tasks = _running_tasks(api, service["ID"])
            if len(tasks) == 6 and all(t["NodeID"] != drained for t in tasks):
                return tasks
            return None

        after = _wait(moved, 60, "the tasks to leave the drained worker")
        assert cluster.worker_nodes[1] in {t["NodeID"] for t in after}
        # and the drained engine itself runs none of them any more
        drained_api = cluster.workers[0]
        _wait(
            lambda: (
                not drained_api.containers(
                    filters={"label": f"com.docker.swarm.service.id={service['ID']}"}
                )
            ),
            30,
            "the drained worker's containers to stop",
        )
    finally:
        api.remove_service(service["ID"])
