"""ssh:// hosts against a real OpenSSH server on loopback (``scripts/sshd.sh``).

The module starts that sshd (127.0.0.1:2222, and :2223 where the remote has no ``docker`` on
its PATH) and stops it at the end. The host aliases (``dsdk-ssh`` etc.) come from the
system-wide ssh client config the script writes, so the library's plain ``ssh`` call picks the
generated key and known_hosts file, as a user's ~/.ssh/config would.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import docker
from docker.aio import AsyncAPIClient
from docker.errors import DaemonConnectionError, DockerException, ProtocolError
from docker.transport.sshconn import SSHHTTPAdapter, SSHSocket, SSHTransport, ssh_command
from tests.support.forking import Child

pytestmark = pytest.mark.engine

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "sshd.sh"
URL = "ssh://root@dsdk-ssh:2222"
IMAGE = "alpine:3.10"


def _script(action: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT), action], capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module", autouse=True)
def sshd(engine: str) -> Iterator[None]:
    try:
        started = _script("up")
        if started.returncode != 0:
            pytest.fail(f"scripts/sshd.sh up failed:\n{started.stdout}\n{started.stderr}")
        subprocess.run(["docker", "pull", "-q", IMAGE], check=True, capture_output=True)
        yield
    finally:
        stopped = _script("down")
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr


@pytest.fixture
def spawned(monkeypatch: pytest.MonkeyPatch) -> list[SSHSocket]:
    """Every SSHSocket connected during the test (to check their ssh processes)."""
    sockets: list[SSHSocket] = []
    original = SSHSocket.connect

    def connect(self: SSHSocket, **kwargs: Any) -> None:
        original(self, **kwargs)
        sockets.append(self)

    monkeypatch.setattr(SSHSocket, "connect", connect)
    return sockets


def _all_ended(sockets: list[SSHSocket]) -> bool:
    return all(s.proc is None for s in sockets)


# ----------------------------------------------------------------------------------------------
# the command line


def test_ssh_command_line() -> None:
    wrapper = ["/bin/sh", "-c", 'trap "" INT; exec "$@"', "sh"]
    assert ssh_command("me@example.com:2200", "/usr/bin/ssh") == [
        *wrapper,
        *["/usr/bin/ssh", "-T", "-l", "me", "-p", "2200", "--", "example.com"],
        *["docker", "system", "dial-stdio"],
    ]
    assert ssh_command("example.com", "ssh") == [
        *wrapper,
        *["ssh", "-T", "--", "example.com", "docker", "system", "dial-stdio"],
    ]
    assert ssh_command("[::1]:22", "ssh")[-6:-3] == ["22", "--", "::1"]


def test_ssh_child_ignores_sigint(spawned: list[SSHSocket]) -> None:
    client = docker.APIClient(URL, version="1.41")
    try:
        assert client.ping() is True
        proc = spawned[0].proc
        assert proc is not None
        # The child is `sh -c 'trap "" INT; exec ssh ...'`: after the exec the pid is ssh.
        status = Path(f"/proc/{proc.pid}/status").read_text()
        ignored = int(
            next(x for x in status.splitlines() if x.startswith("SigIgn:")).split()[1], 16
        )
        assert ignored & (1 << (signal.SIGINT - 1))
        assert Path(f"/proc/{proc.pid}/comm").read_text().strip() == "ssh"
        os.kill(proc.pid, signal.SIGINT)
        time.sleep(0.2)
        assert proc.poll() is None
        assert client.ping() is True
    finally:
        client.close()


# ----------------------------------------------------------------------------------------------
# working connections


def test_api_over_ssh_pools_one_process(spawned: list[SSHSocket]) -> None:
    client = docker.APIClient(URL)
    try:
        assert client.base_url == "http+docker://ssh"
        assert isinstance(client.get_adapter(URL), SSHHTTPAdapter)
        assert client.version()["ApiVersion"] == "1.41"
        for _ in range(20):
            assert client.ping() is True
        assert client.info()["ID"]
        assert len(spawned) == 1, "sequential calls must reuse the pooled ssh connection"
    finally:
        client.close()
    assert _all_ended(spawned)


def test_address_without_port_uses_the_ssh_config_port(spawned: list[SSHSocket]) -> None:
    # dsdk-ssh-port sets "Port 2222" in the ssh config: without -p 22 from us, ssh uses it.
    client = docker.APIClient("ssh://root@dsdk-ssh-port", version="1.41")
    try:
        assert client.ping() is True
        assert [sock.host for sock in spawned] == ["root@dsdk-ssh-port"]
    finally:
        client.close()
    # An explicit port still goes to ssh (and wins over the config).
    explicit = docker.APIClient("ssh://root@dsdk-ssh-port:2223", version="1.41")
    try:
        with pytest.raises(DaemonConnectionError, match="docker: command not found"):
            explicit.ping()
    finally:
        explicit.close()


def test_async_address_without_port_uses_the_ssh_config_port(spawned: list[SSHSocket]) -> None:
    async def main() -> None:
        async with AsyncAPIClient("ssh://root@dsdk-ssh-port", version="1.41") as api:
            assert await api.ping() is True
        async with AsyncAPIClient("ssh://root@dsdk-ssh-port:2223", version="1.41") as api:
            with pytest.raises(DaemonConnectionError, match="docker: command not found"):
                await api.ping()

    asyncio.run(main())
    assert [sock.host for sock in spawned] == ["root@dsdk-ssh-port", "root@dsdk-ssh-port:2223"]
    assert _all_ended(spawned)


def test_forked_child_leaves_the_parents_ssh_alone(spawned: list[SSHSocket]) -> None:
    client = docker.APIClient(URL, version="1.41")
    try:
        assert client.ping() is True
        (parents,) = spawned
        assert parents.proc is not None

        def in_child() -> None:  # its own ssh process, and the parent's left running
            for _ in range(10):
                assert client.ping() is True

        child = Child(in_child)
        for _ in range(30):
            assert client.ping() is True
        assert child.result() == ""
        assert parents.proc is not None and parents.proc.poll() is None
        assert client.ping() is True
        assert spawned == [parents], "the parent still uses its one pooled connection"
    finally:
        client.close()
    assert _all_ended(spawned)


def test_threads_share_a_bounded_pool(spawned: list[SSHSocket]) -> None:
    client = docker.APIClient(URL, version="1.41", max_pool_size=3)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(10):
                assert client.ping() is True
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not errors
        assert 1 <= len(spawned) <= 6
        # Extra connections beyond the pool size were closed with their ssh processes.
        assert sum(s.proc is not None for s in spawned) <= 3
    finally:
        client.close()
    assert _all_ended(spawned)


def test_run_logs_exec_and_remove_over_ssh() -> None:
    client = docker.DockerClient(base_url=URL, use_ssh_client=True)
    try:
        out = client.containers.run(IMAGE, ["sh", "-c", "echo out; echo err >&2"], remove=True)
        assert out == b"out\n"
        container = client.containers.run(
            IMAGE,
            ["sh", "-c", "for i in 1 2 3; do echo line$i; sleep 0.1; done; sleep 60"],
            detach=True,
            name="dsdk-test-ssh-logs",
        )
        try:
            stream = container.logs(stream=True, follow=True)
            lines = []
            for chunk in stream:
                lines.append(chunk)
                if b"".join(lines).count(b"\n") >= 3:
                    break
            stream.close()
            assert b"".join(lines) == b"line1\nline2\nline3\n"
            result = container.exec_run(["sh", "-c", "echo a; echo b >&2; exit 3"], demux=True)
            assert result.exit_code == 3
            assert result.output == (b"a\n", b"b\n")
        finally:
            container.remove(force=True)
        assert client.ping() is True  # the connection of the closed stream was not reused
    finally:
        client.close()


def test_attach_socket_over_ssh_can_half_close() -> None:
    api = docker.APIClient(URL, version="1.41")
    container = api.create_container(
        IMAGE, ["sh", "-c", "cat; echo done"], stdin_open=True, name="dsdk-test-ssh-attach"
    )
    try:
        sock = api.attach_socket(
            container, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}
        )
        api.start(container)
        sock.sendall(b"hello over ssh\n")
        sock.shutdown_write()
        data = b""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            piece = sock.recv(65536)
            if not piece:
                break
            data += piece
        sock.close()
        # Multiplexed frames (no tty): the payloads follow 8-byte headers.
        assert b"hello over ssh\n" in data and b"done\n" in data
        assert api.wait(container, timeout=30)["StatusCode"] == 0
    finally:
        api.remove_container(container, force=True)
        api.close()


def test_ssh_process_killed_mid_stream_raises_clearly(spawned: list[SSHSocket]) -> None:
    api = docker.APIClient(URL, version="1.41")
    container = api.create_container(
        IMAGE,
        ["sh", "-c", "while true; do echo tick; sleep 0.05; done"],
        name="dsdk-test-ssh-kill",
    )
    try:
        api.start(container)
        before = len(spawned)
        stream = api.logs(container, stream=True, follow=True)
        assert next(iter(stream))
        streaming = spawned[before:] or spawned
        for s in streaming:
            if s.proc is not None:
                s.proc.kill()
        started = time.monotonic()
        with pytest.raises((ProtocolError, DaemonConnectionError)):
            for _ in stream:
                pass
        assert time.monotonic() - started < 10
    finally:
        docker.APIClient(version="1.41").remove_container(container, force=True)
        api.close()
    assert _all_ended(spawned)


def test_from_env_and_contexts_with_ssh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DOCKER_HOST", URL)
    client = docker.from_env()
    try:
        assert client.api.base_url == "http+docker://ssh"
        assert client.ping() is True
    finally:
        client.close()
    # A context made by the Docker CLI with an ssh endpoint works here.
    monkeypatch.delenv("DOCKER_HOST")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("DOCKER_CONFIG", raising=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
    subprocess.run(
        ["docker", "context", "create", "viassh", "--docker", f"host={URL}"],
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    client = docker.from_context("viassh")
    try:
        assert client.version()["ApiVersion"] == "1.41"
    finally:
        client.close()


def test_async_over_ssh(spawned: list[SSHSocket]) -> None:
    async def main() -> None:
        async with AsyncAPIClient(URL, max_pool_size=4) as api:
            assert await api.ping() is True
            results = await asyncio.gather(*(api.ping() for _ in range(40)))
            assert all(results)
            container = await api.create_container(
                IMAGE, ["sh", "-c", "echo a; echo b >&2; exec sleep 60"], name="dsdk-test-ssh-async"
            )
            try:
                await api.start(container)
                exec_id = await api.exec_create(container, ["sh", "-c", "echo x; echo y >&2"])
                assert await api.exec_start(exec_id, demux=True) == (b"x\n", b"y\n")
                assert (await api.exec_inspect(exec_id))["ExitCode"] == 0
                for _ in range(50):
                    if await api.logs(container, stderr=False) == b"a\n":
                        break
                    await asyncio.sleep(0.1)
                assert await api.logs(container, stdout=False) == b"b\n"
            finally:
                await api.remove_container(container, force=True)
        assert 1 <= len(spawned) <= 4

    asyncio.run(main())
    assert _all_ended(spawned)


# ----------------------------------------------------------------------------------------------
# failures: each one names what ssh said and what to do


@pytest.mark.parametrize(
    ("url", "said", "hint"),
    [
        ("ssh://root@dsdk-ssh-badkey:2222", "Permission denied", "refused the login"),
        ("ssh://root@dsdk-ssh-unknownhost:2222", "Host key verification failed", "known_hosts"),
        ("ssh://root@dsdk-ssh-nodocker:2223", "docker: command not found", "no `docker`"),
        ("ssh://root@127.0.0.1:1", "Connection refused", "is sshd running"),
        ("ssh://root@nosuchhost.invalid", "Could not resolve hostname", "does not resolve"),
    ],
)
def test_ssh_failures_are_explained(
    url: str, said: str, hint: str, spawned: list[SSHSocket]
) -> None:
    client = docker.APIClient(url, version="1.41", timeout=30)
    try:
        with pytest.raises(DaemonConnectionError) as info:
            client.ping()
        message = str(info.value)
        assert said in message and hint in message and url.split("@")[1] in message
    finally:
        client.close()
    assert _all_ended(spawned)


def test_ssh_failures_are_explained_async() -> None:
    async def main() -> None:
        async with AsyncAPIClient("ssh://root@dsdk-ssh-badkey:2222", version="1.41") as api:
            with pytest.raises(DaemonConnectionError, match="Permission denied"):
                await api.ping()
        async with AsyncAPIClient("ssh://root@dsdk-ssh-nodocker:2223", version="1.41") as api:
            with pytest.raises(DaemonConnectionError, match="no `docker` command"):
                await api.version()

    asyncio.run(main())


def test_missing_ssh_program(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    client = docker.APIClient(URL, version="1.41")
    try:
        with pytest.raises(DaemonConnectionError, match="`ssh` program was not found"):
            client.ping()
    finally:
        client.close()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ssh://", "has no host name"),
        ("ssh://root@host/some/path", "no path allowed"),
        ("ssh://root@host:notaport", "Invalid"),
    ],
)
def test_bad_ssh_addresses(url: str, message: str) -> None:
    with pytest.raises(DockerException, match=message):
        docker.APIClient(url)


@pytest.mark.parametrize(
    ("url", "ssh_host"),
    [
        ("ssh://root@example.com", "root@example.com"),
        ("ssh://example.com:22", "example.com:22"),
        ("ssh://me@example.com:2200", "me@example.com:2200"),
        ("ssh://[::1]", "[::1]"),
        ("ssh://[::1]:2222", "[::1]:2222"),
    ],
)
def test_port_goes_to_ssh_only_when_named(url: str, ssh_host: str) -> None:
    client = docker.APIClient(url, version="1.41")  # no connection is made here
    assert client._transport.ssh_host == ssh_host  # type: ignore[attr-defined]
    client.close()


def test_transport_keeps_the_original_constructor() -> None:
    transport = SSHTransport("ssh://me@example.com:2200", 5, 9, 4, True)
    assert transport.address == "ssh://me@example.com:2200"
    assert transport.max_pool_size == 4 and transport.shell_out is True
