"""``client.containers`` and the Container model against the real engine."""

from __future__ import annotations

import contextlib
import io
import struct
import tarfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import docker
from docker.errors import (
    APIError,
    ContainerError,
    DaemonTimeout,
    DockerException,
    ImageNotFound,
    NotFound,
)
from docker.models.containers import Container, ContainerCollection, ExecOutput, ExecResult
from docker.models.images import Image
from tests.conftest import cli

pytestmark = pytest.mark.usefixtures("engine", "isolated_home")

IMAGE = "alpine:3.10"
LABEL = {"dsdk-test": "1"}
SCRIPT = "sh -c 'echo out; echo err >&2; exit 3'"


@pytest.fixture(scope="module")
def alpine(docker_cli: str) -> str:
    cli("pull", "-q", IMAGE)
    return IMAGE


@pytest.fixture
def client(engine: str) -> Iterator[docker.DockerClient]:
    with docker.from_env() as c:
        yield c


@pytest.fixture
def name(client: docker.DockerClient) -> Iterator[Callable[[], str]]:
    """Unique ``dsdk-test-`` names; every container so named is force-removed afterwards."""
    names: list[str] = []

    def make() -> str:
        new = f"dsdk-test-ctr-{uuid.uuid4().hex[:12]}"
        names.append(new)
        return new

    yield make
    for n in names:
        _force_remove(client, n)


def _force_remove(client: docker.DockerClient, ident: str) -> None:
    """Remove a container; one the daemon is already removing (auto_remove) is waited for."""
    try:
        client.api.remove_container(ident, force=True, v=True)
    except NotFound:
        pass
    except APIError as exc:
        if exc.status_code != 409:
            raise
        deadline = time.monotonic() + 30
        while not _gone(client, ident) and time.monotonic() < deadline:
            time.sleep(0.1)


@pytest.fixture
def sleeper(
    client: docker.DockerClient, alpine: str, name: Callable[[], str]
) -> Iterator[Container]:
    """A running container that does nothing for a while; removed at the end."""
    c = client.containers.run(alpine, "sleep 300", detach=True, name=name(), labels=LABEL)
    yield c
    _force_remove(client, c.id)


def _gone(client: docker.DockerClient, ident: str) -> bool:
    try:
        client.containers.get(ident)
    except NotFound:
        return True
    return False


# run() ---------------------------------------------------------------------------------------


def test_collection_is_new_per_access(client: docker.DockerClient) -> None:
    assert isinstance(client.containers, ContainerCollection)
    assert client.containers is not client.containers
    assert client.containers.client is client


def test_run_returns_output(
    client: docker.DockerClient, alpine: str, name: Callable[[], str]
) -> None:
    out = client.containers.run(alpine, "echo hello world", name=name(), labels=LABEL)
    assert out == b"hello world\n"


def test_run_stdout_stderr_selection(
    client: docker.DockerClient, alpine: str, name: Callable[[], str]
) -> None:
    cmd = "sh -c 'echo out; sleep 0.1; echo err >&2'"
    run = client.containers.run
    assert run(alpine, cmd, name=name(), labels=LABEL) == b"out\n"
    assert run(alpine, cmd, stdout=False, stderr=True, name=name(), labels=LABEL) == b"err\n"
    assert run(alpine, cmd, stderr=True, name=name(), labels=LABEL) == b"out\nerr\n"


def test_run_takes_an_image_model(
    client: docker.DockerClient, alpine: str, name: Callable[[], str]
) -> None:
    image = client.images.get(alpine)
    assert client.containers.run(image, "echo x", name=name(), labels=LABEL) == b"x\n"


def test_run_stream(client: docker.DockerClient, alpine: str, name: Callable[[], str]) -> None:
    cmd = "sh -c 'for i in 1 2 3; do echo $i; done'"
    out = client.containers.run(alpine, cmd, stream=True, name=name(), labels=LABEL)
    assert not isinstance(out, bytes)
    with out:
        assert b"".join(out) == b"1\n2\n3\n"


def test_run_detach_returns_container(
    client: docker.DockerClient, alpine: str, name: Callable[[], str]
) -> None:
    n = name()
    cmd = "sh -c 'echo started; sleep 300'"
    c = client.containers.run(alpine, cmd, detach=True, name=n, labels=LABEL)
    assert isinstance(c, Container)
    assert c.name == n
    assert client.containers.get(n) == c
    listed = client.containers.list(filters={"name": n})
    assert [x.id for x in listed] == [c.id]
    deadline = time.monotonic() + 10
    while c.logs() != b"started\n" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert c.logs() == b"started\n"
    c.reload()
    assert c.status == "running"
    c.stop(timeout=1)
    c.reload()
    assert c.status == "exited"
    assert client.containers.list(filters={"name": n}) == []
    assert client.containers.list(all=True, filters={"name": n}) == [c]


def test_logs_stream_follows_output(
    client: docker.DockerClient, alpine: str, name: Callable[[], str]
) -> None:
    cmd = "sh -c 'for i in 1 2 3; do echo $i; sleep 0.2; done'"
    c = client.containers.run(alpine, cmd, detach=True, name=name(), labels=LABEL)
    with c.logs(stream=True, follow=True) as stream:
        assert b"".join(stream) == b"1\n2\n3\n"


def test_run_nonzero_exit_raises_container_error(
    client: docker.DockerClient, alpine: str, name: Callable[[], str]
) -> None:
    n = name()
    cmd = "sh -c 'echo oops >&2; exit 3'"
    with pytest.raises(ContainerError) as info:
        client.containers.run(alpine, cmd, name=n, labels=LABEL)
    err = info.value
    assert err.exit_status == 3
    assert err.stderr == b"oops\n"
    assert err.command == cmd
    assert err.image == alpine
    assert isinstance(err.container, Container)
    assert err.container.name == n
    assert str(err) == (
        f"Command '{cmd}' in image '{alpine}' returned non-zero exit status 3: b'oops\\n'"
    )


def test_run_remove_leaves_nothing(
    client: docker.DockerClient, alpine: str, name: Callable[[], str]
) -> None:
    n = name()
    assert client.containers.run(alpine, "echo bye", remove=True, name=n, labels=LABEL) == b"bye\n"
    assert _gone(client, n)
    n = name()
    with pytest.raises(ContainerError):
        client.containers.run(alpine, "sh -c 'exit 2'", remove=True, name=n, labels=LABEL)
    assert _gone(client, n)


def test_run_detach_remove_sets_auto_remove(
    client: docker.DockerClient, alpine: str, name: Callable[[], str]
) -> None:
    n = name()
    c = client.containers.run(alpine, "sleep 0.5", detach=True, remove=True, name=n, labels=LABEL)
    assert c.attrs["HostConfig"]["AutoRemove"] is True
    with contextlib.suppress(NotFound):  # NotFound: already gone before the wait began
        c.wait(condition="removed")
    assert _gone(client, n)


def test_run_auto_remove(client: docker.DockerClient, alpine: str, name: Callable[[], str]) -> None:
    n = name()
    cmd = "sh -c 'sleep 1; echo auto'"
    out = client.containers.run(alpine, cmd, auto_remove=True, name=n, labels=LABEL)
    assert out == b"auto\n"
    deadline = time.monotonic() + 10
    while not _gone(client, n) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(client, n)


def test_run_fast_exit_with_auto_remove_keeps_output(
    client: docker.DockerClient, alpine: str, name: Callable[[], str]
) -> None:
    # The original lost this race about half the time (logs of a container already removed).
    for _ in range(5):
        out = client.containers.run(
            alpine, "echo quick", auto_remove=True, name=name(), labels=LABEL
        )
        assert out == b"quick\n"


def test_run_large_output(
    client: docker.DockerClient, alpine: str, name: Callable[[], str]
) -> None:
    cmd = "sh -c 'head -c 3000000 /dev/zero'"
    assert client.containers.run(alpine, cmd, name=name(), labels=LABEL) == b"\0" * 3000000


def test_run_tty(client: docker.DockerClient, alpine: str, name: Callable[[], str]) -> None:
    assert client.containers.run(alpine, "echo t", tty=True, name=name(), labels=LABEL) == b"t\r\n"


def test_run_without_logging_driver_returns_none(
    client: docker.DockerClient, alpine: str, name: Callable[[], str]
) -> None:
    config = {"type": "none"}
    assert client.containers.run(alpine, "echo x", log_config=config, name=name()) is None


def test_run_on_api_before_wait_conditions(
    engine: str, alpine: str, name: Callable[[], str]
) -> None:
    with docker.DockerClient(version="1.29") as old:
        run = old.containers.run
        assert run(alpine, "echo old api", name=name(), labels=LABEL) == b"old api\n"
        with pytest.raises(ContainerError) as info:
            run(alpine, "sh -c 'echo bad >&2; exit 7'", name=name(), labels=LABEL)
        assert (info.value.exit_status, info.value.stderr) == (7, b"bad\n")


def test_run_auto_remove_nonzero_has_no_stderr(
    client: docker.DockerClient, alpine: str, name: Callable[[], str]
) -> None:
    cmd = "sh -c 'sleep 1; echo e >&2; exit 4'"
    with pytest.raises(ContainerError) as info:
        client.containers.run(alpine, cmd, auto_remove=True, name=name(), labels=LABEL)
    assert info.value.exit_status == 4
    assert info.value.stderr is None


def test_unknown_kwarg_is_a_type_error(
    client: docker.DockerClient, alpine: str, name: Callable[[], str]
) -> None:
    n = name()
    with pytest.raises(TypeError) as info:
        client.containers.run(alpine, "true", name=n, foo=1)
    assert str(info.value) == "run() got an unexpected keyword argument 'foo'"
    with pytest.raises(TypeError) as info:
        client.containers.create(alpine, "true", name=n, foo=1, bar=2)
    assert str(info.value) == "run() got unexpected keyword arguments 'bar', 'foo'"
    assert _gone(client, n)


def test_run_refuses_conflicting_network_options(client: docker.DockerClient) -> None:
    with pytest.raises(RuntimeError, match="can not be used together"):
        client.containers.run(IMAGE, network="bridge", network_mode="host")
    with pytest.raises(RuntimeError, match='can not be used without "network"'):
        client.containers.run(IMAGE, networking_config={"bridge": None})


def test_run_pulls_a_missing_image(client: docker.DockerClient, name: Callable[[], str]) -> None:
    with contextlib.suppress(NotFound):
        client.api.remove_image("hello-world:latest", force=True)
    with pytest.raises(ImageNotFound):
        client.images.get("hello-world:latest")
    out = client.containers.run("hello-world:latest", name=name(), labels=LABEL)
    assert b"Hello from Docker!" in out
    assert "hello-world:latest" in client.images.get("hello-world:latest").tags


def test_run_nonexistent_image_fails_clearly(
    client: docker.DockerClient, name: Callable[[], str]
) -> None:
    n = name()
    with pytest.raises(APIError) as info:
        client.containers.run("dsdk-test-no-such-image:latest", "true", name=n)
    assert "dsdk-test-no-such-image" in str(info.value)
    assert _gone(client, n)


def test_create_then_start(
    client: docker.DockerClient, alpine: str, name: Callable[[], str]
) -> None:
    c = client.containers.create(
        alpine,
        "sh -c 'echo $GREETING from $(hostname)'",
        name=name(),
        labels=LABEL,
        environment={"GREETING": "hi"},
        hostname="box",
        working_dir="/tmp",
    )
    assert c.status == "created"
    assert c.attrs["Config"]["WorkingDir"] == "/tmp"
    c.start()
    assert c.wait()["StatusCode"] == 0
    assert c.logs() == b"hi from box\n"


# Container properties --------------------------------------------------------------------------


def test_properties(client: docker.DockerClient, alpine: str, name: Callable[[], str]) -> None:
    n = name()
    c = client.containers.run(
        alpine,
        "sleep 300",
        detach=True,
        name=n,
        labels={**LABEL, "role": "props"},
        ports={"80/tcp": None, "53/udp": ("127.0.0.1", None)},
    )
    assert c.status == "created"  # the snapshot from create
    c.reload()
    assert c.status == "running"
    assert c.name == n
    assert c.short_id == c.id[:12]
    assert repr(c) == f"<Container: {c.short_id}>"
    assert c.labels == {"dsdk-test": "1", "role": "props"}
    assert c.health == "unknown"
    assert set(c.ports) == {"80/tcp", "53/udp"}
    assert c.ports["80/tcp"][0]["HostPort"].isdigit()
    assert c.ports["53/udp"][0]["HostIp"] == "127.0.0.1"
    image = c.image
    assert isinstance(image, Image)
    assert image.id == c.attrs["Image"]
    assert alpine in image.tags


def test_sparse_list_items(client: docker.DockerClient, sleeper: Container) -> None:
    [item] = client.containers.list(filters={"id": sleeper.id}, sparse=True)
    assert item == sleeper
    assert item.name is None
    assert item.attrs["Names"] == [f"/{sleeper.name}"]
    assert item.status == "running"
    with pytest.raises(DockerException, match="Label data is not available"):
        item.labels  # noqa: B018
    assert isinstance(item.image, Image)
    item.reload()
    assert item.name == sleeper.name
    assert item.labels == LABEL


def test_health(client: docker.DockerClient, alpine: str, name: Callable[[], str]) -> None:
    check = {"test": ["CMD", "true"], "interval": 200_000_000, "timeout": 1_000_000_000}
    c = client.containers.run(
        alpine, "sleep 300", detach=True, name=name(), labels=LABEL, healthcheck=check
    )
    deadline = time.monotonic() + 20
    c.reload()
    while c.health != "healthy" and time.monotonic() < deadline:
        assert c.health in ("starting", "healthy")
        time.sleep(0.1)
        c.reload()
    assert c.health == "healthy"


# list / prune --------------------------------------------------------------------------------


def test_list_filters_and_paging(
    client: docker.DockerClient, alpine: str, name: Callable[[], str]
) -> None:
    tag = uuid.uuid4().hex
    labels = {**LABEL, "dsdk-test-list": tag}
    first = client.containers.create(alpine, "true", name=name(), labels=labels)
    second = client.containers.create(alpine, "true", name=name(), labels=labels)
    filters = {"label": f"dsdk-test-list={tag}"}
    lst = client.containers.list
    assert lst(filters=filters) == []  # created, not running
    assert lst(all=True, filters=filters) == [second, first]  # newest first
    assert lst(all=True, filters=filters, limit=1) == [second]
    # The engine (API >= 1.24) ignores the since/before query parameters the original sends;
    # the filters of the same names work.
    assert lst(all=True, filters={**filters, "since": first.id}) == [second]
    assert lst(all=True, filters={**filters, "before": second.id}) == [first]
    sparse = lst(all=True, filters=filters, sparse=True)
    assert [c.id for c in sparse] == [second.id, first.id]
    assert all(c.status == "created" for c in sparse)


def test_list_ignore_removed(
    client: docker.DockerClient, alpine: str, name: Callable[[], str], monkeypatch: Any
) -> None:
    tag = uuid.uuid4().hex
    labels = {**LABEL, "dsdk-test-list": tag}
    keep = client.containers.create(alpine, "true", name=name(), labels=labels)
    doomed = client.containers.create(alpine, "true", name=name(), labels=labels)
    filters = {"label": f"dsdk-test-list={tag}"}
    real_containers = client.api.containers

    def list_then_remove(*args: Any, **kwargs: Any) -> Any:
        result = real_containers(*args, **kwargs)
        client.api.remove_container(doomed.id)  # removed between the list and the inspect
        return result

    monkeypatch.setattr(client.api, "containers", list_then_remove)
    assert client.containers.list(all=True, filters=filters, ignore_removed=True) == [keep]
    doomed = client.containers.create(alpine, "true", name=name(), labels=labels)
    with pytest.raises(NotFound):
        client.containers.list(all=True, filters=filters)


def test_prune_by_label(client: docker.DockerClient, alpine: str, name: Callable[[], str]) -> None:
    tag = uuid.uuid4().hex
    labels = {**LABEL, "dsdk-test-prune": tag}
    stopped = client.containers.create(alpine, "true", name=name(), labels=labels)
    stopped.start()
    stopped.wait()
    running = client.containers.run(alpine, "sleep 300", detach=True, name=name(), labels=labels)
    result = client.containers.prune(filters={"label": f"dsdk-test-prune={tag}"})
    assert result["ContainersDeleted"] == [stopped.id]
    assert _gone(client, stopped.id)
    assert not _gone(client, running.id)


# exec_run ------------------------------------------------------------------------------------


def _lines(data: bytes) -> list[bytes]:
    return sorted(data.splitlines())


@pytest.mark.parametrize("tty", [False, True])
@pytest.mark.parametrize("demux", [False, True])
def test_exec_run_whole(sleeper: Container, tty: bool, demux: bool) -> None:
    result = sleeper.exec_run(SCRIPT, tty=tty, demux=demux)
    assert isinstance(result, ExecResult)
    assert result.exit_code == 3
    exit_code, output = result
    assert exit_code == 3
    if not demux:
        assert isinstance(output, bytes)
        assert _lines(output) == [b"err", b"out"]
        assert (b"\r\n" in output) is tty
    elif tty:
        stdout, stderr = output
        assert stderr is None
        assert _lines(stdout) == [b"err", b"out"]
    else:
        assert output == (b"out\n", b"err\n")


@pytest.mark.parametrize("tty", [False, True])
@pytest.mark.parametrize("demux", [False, True])
def test_exec_run_stream(sleeper: Container, tty: bool, demux: bool) -> None:
    result = sleeper.exec_run(SCRIPT, stream=True, tty=tty, demux=demux)
    assert result.exit_code is None
    stream = result.output
    assert isinstance(stream, ExecOutput)
    with stream:
        chunks = list(stream)
    if demux:
        assert all(isinstance(c, tuple) and len(c) == 2 for c in chunks)
        out = b"".join(c[0] or b"" for c in chunks)
        err = b"".join(c[1] or b"" for c in chunks)
        if tty:
            assert err == b""
            assert _lines(out) == [b"err", b"out"]
        else:
            assert (out, err) == (b"out\n", b"err\n")
    else:
        assert all(isinstance(c, bytes) for c in chunks)
        assert _lines(b"".join(chunks)) == [b"err", b"out"]
    assert stream.exit_code == 3
    assert stream.exit_code == 3  # cached


def test_exec_stream_exit_code_while_running(sleeper: Container) -> None:
    result = sleeper.exec_run("sh -c 'echo go; sleep 2'", stream=True)
    stream = result.output
    assert next(stream) == b"go\n"
    assert stream.exit_code is None  # still running: no wait before the end
    assert list(stream) == []
    assert stream.exit_code == 0
    stream.close()


def _read_all(sock: Any) -> bytes:
    sock.settimeout(10)
    data = b""
    while True:
        piece = sock.recv(4096)
        if not piece:
            return data
        data += piece


def _frames(data: bytes) -> list[tuple[int, bytes]]:
    frames = []
    while data:
        stream_id, size = struct.unpack(">BxxxL", data[:8])
        frames.append((stream_id, data[8 : 8 + size]))
        data = data[8 + size :]
    return frames


def test_exec_run_socket(sleeper: Container) -> None:
    cmd = "sh -c 'cat; echo done >&2'"
    result = sleeper.exec_run(cmd, stdin=True, socket=True)
    assert result.exit_code is None
    with result.output as sock:
        sock.sendall(b"ping\n")
        sock.shutdown_write()
        frames = _frames(_read_all(sock))
    assert (1, b"ping\n") in frames
    assert (2, b"done\n") in frames


def test_exec_run_socket_tty(sleeper: Container) -> None:
    result = sleeper.exec_run("cat", stdin=True, socket=True, tty=True)
    with result.output as sock:
        sock.sendall(b"ping\n\x04")  # ^D: end of input through the terminal
        data = _read_all(sock)
    assert data == b"ping\r\nping\r\n"  # the terminal's echo, then cat's output


def test_exec_run_socket_with_stream(sleeper: Container) -> None:
    result = sleeper.exec_run("echo hi", socket=True, stream=True)
    assert result.exit_code is None
    with result.output as sock:
        assert _frames(_read_all(sock)) == [(1, b"hi\n")]


def test_exec_run_detach(sleeper: Container) -> None:
    result = sleeper.exec_run("sh -c 'sleep 0.3; touch /tmp/detached'", detach=True)
    assert result.output == ""
    assert sleeper.exec_run("test -f /tmp/detached").exit_code == 1
    deadline = time.monotonic() + 10
    while sleeper.exec_run("test -f /tmp/detached").exit_code != 0:
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_exec_run_user_environment_workdir(sleeper: Container) -> None:
    assert sleeper.exec_run("id -u", user="nobody") == (0, b"65534\n")
    assert sleeper.exec_run("id -u") == (0, b"0\n")
    assert sleeper.exec_run("sh -c 'echo $FOO'", environment={"FOO": "bar"}) == (0, b"bar\n")
    assert sleeper.exec_run("sh -c 'echo $FOO'", environment=["FOO=baz"]) == (0, b"baz\n")
    assert sleeper.exec_run("pwd", workdir="/tmp") == (0, b"/tmp\n")
    assert sleeper.exec_run("pwd") == (0, b"/\n")
    assert sleeper.exec_run(["echo", "a b"]) == (0, b"a b\n")
    assert sleeper.exec_run("sh -c 'echo x >&2'", stderr=False) == (0, b"")
    assert sleeper.exec_run("sh -c 'echo x'", stdout=False) == (0, b"")


def test_exec_run_privileged(client: docker.DockerClient, sleeper: Container) -> None:
    result = sleeper.exec_run("true", privileged=True, stream=True)
    stream = result.output
    with stream:
        list(stream)
    info = client.api.exec_inspect(stream.exec_id)
    assert info["ProcessConfig"]["privileged"] is True


# Other Container methods ---------------------------------------------------------------------


def _tar(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for path, content in files.items():
            info = tarfile.TarInfo(path)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return buf.getvalue()


def test_archive_round_trip(sleeper: Container) -> None:
    assert sleeper.put_archive("/tmp", _tar({"greeting.txt": b"hello archive\n"})) is True
    assert sleeper.exec_run("cat /tmp/greeting.txt").output == b"hello archive\n"
    stream, stat = sleeper.get_archive("/tmp/greeting.txt")
    with stream:
        data = b"".join(stream)
    assert stat["name"] == "greeting.txt"
    assert stat["size"] == 14
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        member = tar.extractfile("greeting.txt")
        assert member is not None
        assert member.read() == b"hello archive\n"


def test_get_archive_missing_path(sleeper: Container) -> None:
    with pytest.raises(NotFound):
        sleeper.get_archive("/no/such/path")


def test_export_to_file(sleeper: Container, tmp_path: Path) -> None:
    target = tmp_path / "fs.tar"
    with target.open("wb") as f, sleeper.export(chunk_size=65536) as stream:
        for chunk in stream:
            assert len(chunk) <= 65536
            f.write(chunk)
    with tarfile.open(target) as tar:
        names = tar.getnames()
    assert "bin/busybox" in names
    assert ".dockerenv" in names


def test_stats(sleeper: Container) -> None:
    one = sleeper.stats(stream=False, one_shot=True)
    assert isinstance(one, dict)
    assert one["id"] == sleeper.id
    assert "memory_stats" in one
    with sleeper.stats(decode=True) as stream:
        first = next(stream)
    assert first["id"] == sleeper.id


def test_top(sleeper: Container) -> None:
    top = sleeper.top()
    assert "PID" in top["Titles"]
    assert any("sleep 300" in " ".join(p) for p in top["Processes"])
    assert sleeper.top(ps_args="-o pid,comm")["Titles"] == ["PID", "COMMAND"]


def test_diff(sleeper: Container) -> None:
    sleeper.exec_run("touch /tmp/diff-marker")
    changes = sleeper.diff()
    assert {"Path": "/tmp/diff-marker", "Kind": 1} in changes


def test_rename(client: docker.DockerClient, sleeper: Container, name: Callable[[], str]) -> None:
    new = name()
    sleeper.rename(new)
    sleeper.reload()
    assert sleeper.name == new
    assert client.containers.get(new) == sleeper


def test_pause_unpause(sleeper: Container) -> None:
    sleeper.pause()
    sleeper.reload()
    assert sleeper.status == "paused"
    sleeper.unpause()
    sleeper.reload()
    assert sleeper.status == "running"


def test_kill_and_wait(sleeper: Container) -> None:
    sleeper.kill(signal="SIGKILL")
    assert sleeper.wait() == {"StatusCode": 137, "Error": None}
    sleeper.reload()
    assert sleeper.status == "exited"
    assert sleeper.attrs["State"]["ExitCode"] == 137


def test_restart_and_update(sleeper: Container) -> None:
    started = sleeper.attrs["State"]["StartedAt"]
    sleeper.restart(timeout=1)
    sleeper.reload()
    assert sleeper.status == "running"
    assert sleeper.attrs["State"]["StartedAt"] != started
    sleeper.update(restart_policy={"Name": "on-failure", "MaximumRetryCount": 2})
    sleeper.reload()
    assert sleeper.attrs["HostConfig"]["RestartPolicy"] == {
        "Name": "on-failure",
        "MaximumRetryCount": 2,
    }


def test_wait_timeout_and_condition(
    client: docker.DockerClient, alpine: str, sleeper: Container, name: Callable[[], str]
) -> None:
    with pytest.raises(DaemonTimeout):
        sleeper.wait(timeout=0.5)
    c = client.containers.create(alpine, "sh -c 'exit 5'", name=name(), labels=LABEL)
    c.start()
    assert c.wait(condition="not-running")["StatusCode"] == 5
    assert c.wait()["StatusCode"] == 5


def test_attach_and_resize(
    client: docker.DockerClient, alpine: str, name: Callable[[], str]
) -> None:
    c = client.containers.run(
        alpine, "sh -c 'sleep 1; echo attached'", detach=True, name=name(), labels=LABEL
    )
    with c.attach(stream=True, logs=True) as stream:
        assert b"".join(stream) == b"attached\n"
    assert c.attach(stream=False, logs=True) == b"attached\n"  # logs only, no live output
    t = client.containers.run(
        alpine, "sh -c 'sleep 1; stty size'", detach=True, tty=True, name=name(), labels=LABEL
    )
    t.resize(height=40, width=100)
    assert t.wait()["StatusCode"] == 0
    assert t.logs() == b"40 100\r\n"


def test_commit(client: docker.DockerClient, sleeper: Container) -> None:
    repo = f"dsdk-test-commit-{uuid.uuid4().hex[:12]}"
    sleeper.exec_run("touch /committed")
    image = sleeper.commit(repository=repo, tag="v1", message="from test", author="dsdk")
    try:
        assert isinstance(image, Image)
        assert f"{repo}:v1" in image.tags
        assert image.attrs["Author"] == "dsdk"
        assert image.attrs["Comment"] == "from test"
    finally:
        client.api.remove_image(image.id, force=True)


def test_start_refuses_arguments(sleeper: Container) -> None:
    from docker.errors import DeprecatedMethod

    with pytest.raises(DeprecatedMethod):
        sleeper.start(privileged=True)
