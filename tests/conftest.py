"""Shared fixtures: the real engine (from scripts/engine.sh) and clients for it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Iterator

import pytest

ENGINE_SOCKET = "/var/run/docker.sock"


def _engine_up() -> bool:
    if not os.path.exists(ENGINE_SOCKET):
        return False
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(5)
        sock.connect(ENGINE_SOCKET)
        sock.sendall(b"GET /_ping HTTP/1.1\r\nHost: localhost\r\n\r\n")
        return b"200 OK" in sock.recv(4096)
    except OSError:
        return False
    finally:
        sock.close()


@pytest.fixture(scope="session")
def engine() -> str:
    """The real engine's socket; fails (never skips) when the test bed is not up."""
    if not _engine_up():
        pytest.fail(
            "no Docker engine answers on /var/run/docker.sock: run `bash scripts/engine.sh up`"
        )
    return ENGINE_SOCKET


@pytest.fixture(scope="session")
def docker_cli(engine: str) -> str:
    """Path of the docker CLI, used only to set up state for tests (never to check results)."""
    path = shutil.which("docker")
    if path is None:
        pytest.fail("the docker CLI is missing: run `bash scripts/engine.sh up`")
    return path


def cli(*args: str) -> str:
    """Run the docker CLI for test set-up and return its stdout."""
    return subprocess.run(
        ["docker", *args], check=True, capture_output=True, text=True, timeout=120
    ).stdout.strip()


@pytest.fixture
def api(engine: str) -> Iterator[object]:
    import docker

    client = docker.APIClient()
    yield client
    client.close()


@pytest.fixture
def isolated_home(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> object:
    """A HOME with no Docker config, so tests never read or write the real one."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("DOCKER_CONFIG", raising=False)
    return tmp_path


@pytest.fixture
def remove_new_containers(engine: str) -> Iterator[None]:
    """Remove every container that appeared during the test (e.g. a build's intermediates).

    Only for modules whose tests create containers they cannot name; the suite runs its tests
    one at a time, so nothing else creates containers meanwhile.
    """
    before = set(cli("ps", "-aq", "--no-trunc").split())
    yield
    new = set(cli("ps", "-aq", "--no-trunc").split()) - before
    if new:
        cli("rm", "-f", *sorted(new))
