"""The low-level container and exec endpoints on the real engine, sync and async."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import tarfile
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qs

import pytest

import docker
from docker.aio import AsyncAPIClient
from docker.errors import (
    APIError,
    DaemonTimeout,
    DeprecatedMethod,
    ImageNotFound,
    InvalidArgument,
    NotFound,
    NullResource,
)
from tests.conftest import cli
from tests.support.wire import RecordingProxy

LABEL = {"dsdk-test": "containers-api"}
SCRIPT = "echo out1; echo err1 >&2; echo out2; echo err2 >&2"


@pytest.fixture(scope="module", autouse=True)
def busybox(engine: str) -> None:
    cli("pull", "-q", "busybox:latest")


@pytest.fixture
def api(engine: str) -> Iterator[docker.APIClient]:
    with docker.APIClient() as client:
        yield client


@pytest.fixture
def make(api: docker.APIClient) -> Iterator[Any]:
    """Create containers for a test; all are removed afterwards."""
    made: list[str] = []

    def create(command: Any = None, **kwargs: Any) -> str:
        kwargs.setdefault("labels", LABEL)
        name = kwargs.pop("name", f"dsdk-test-{uuid.uuid4().hex[:10]}")
        cid: str = api.create_container("busybox", command, name=name, **kwargs)["Id"]
        made.append(cid)
        return cid

    yield create
    for cid in made:
        with contextlib.suppress(NotFound):
            api.remove_container(cid, force=True)


@pytest.fixture
def proxy(engine: str) -> Iterator[RecordingProxy]:
    p = RecordingProxy(engine)
    yield p
    p.close()


def _run(api: docker.APIClient, make: Any, script: str = SCRIPT, **kwargs: Any) -> str:
    cid: str = make(["sh", "-c", script], **kwargs)
    api.start(cid)
    assert api.wait(cid, timeout=30)["StatusCode"] == 0
    return cid


# lifecycle ---------------------------------------------------------------------------------------
def test_create_inspect_start_stop_remove(api: docker.APIClient, make: Any) -> None:
    cid = make(["sleep", "30"], environment={"A": "1"}, working_dir="/tmp", hostname="box")
    info = api.inspect_container(cid)
    assert info["Config"]["Env"][:1] == ["A=1"] or "A=1" in info["Config"]["Env"]
    assert info["Config"]["WorkingDir"] == "/tmp" and info["Config"]["Hostname"] == "box"
    assert info["State"]["Status"] == "created"
    api.start(cid)
    assert api.inspect_container(cid)["State"]["Running"]
    api.pause(cid)
    assert api.inspect_container(cid)["State"]["Paused"]
    api.unpause(cid)
    top = api.top(cid)
    assert "PID" in top["Titles"] and any("sleep" in " ".join(p) for p in top["Processes"])
    api.rename(cid, f"dsdk-test-renamed-{cid[:8]}")
    assert api.inspect_container(cid)["Name"] == f"/dsdk-test-renamed-{cid[:8]}"
    api.stop(cid, timeout=1)
    assert api.inspect_container(cid)["State"]["Status"] == "exited"
    api.restart(cid, timeout=1)
    assert api.inspect_container(cid)["State"]["Running"]
    api.kill(cid, signal="SIGKILL")
    assert api.wait(cid)["StatusCode"] == 137
    api.remove_container(cid)
    with pytest.raises(NotFound):
        api.inspect_container(cid)


def test_list_filters_quiet_trunc(api: docker.APIClient, make: Any) -> None:
    label = {"dsdk-test-list": uuid.uuid4().hex}
    a = make(["true"], labels=label)
    b = make(["true"], labels=label)
    flt = {"label": [f"dsdk-test-list={label['dsdk-test-list']}"]}
    assert api.containers(filters=flt) == []  # not running
    listed = api.containers(all=True, filters=flt)
    assert {c["Id"] for c in listed} == {a, b}
    assert api.containers(all=True, quiet=True, filters=flt) in (
        [{"Id": a}, {"Id": b}],
        [{"Id": b}, {"Id": a}],
    )
    assert {c["Id"] for c in api.containers(all=True, trunc=True, filters=flt)} == {a[:12], b[:12]}
    assert len(api.containers(all=True, latest=True)) == 1


def test_containers_wire(proxy: RecordingProxy) -> None:
    with docker.APIClient(base_url=proxy.base_url) as client:
        client.containers(all=True, filters={"label": "x=y"}, since="abc")
    req = proxy.last("/containers/json")
    query = parse_qs(req.query)
    assert query["limit"] == ["-1"] and query["all"] == ["1"] and query["size"] == ["0"]
    assert query["trunc_cmd"] == ["0"] and query["since"] == ["abc"]
    assert json.loads(query["filters"][0]) == {"label": ["x=y"]}


def test_create_body_on_the_wire(proxy: RecordingProxy, api: docker.APIClient) -> None:
    with docker.APIClient(base_url=proxy.base_url) as client:
        hc = client.create_host_config(
            mem_limit="64m", port_bindings={80: 8080}, binds=["/tmp:/data:ro"], privileged=True
        )
        cid = client.create_container(
            "busybox",
            "sleep 1",
            name=f"dsdk-test-wire-{uuid.uuid4().hex[:8]}",
            host_config=hc,
            ports=[80],
            labels=LABEL,
            environment={"K": "V"},
        )["Id"]
    try:
        req = proxy.last("/containers/create")
        assert parse_qs(req.query)["name"][0].startswith("dsdk-test-wire-")
        body = json.loads(req.body)
        assert body["Image"] == "busybox"
        assert body["Cmd"] == ["sleep", "1"]
        assert body["Env"] == ["K=V"]
        assert body["ExposedPorts"] == {"80/tcp": {}}
        assert body["HostConfig"]["Memory"] == 64 * 1024 * 1024
        bindings = body["HostConfig"]["PortBindings"]
        assert bindings == {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}
        assert body["HostConfig"]["Privileged"] is True
        # What the engine stored (privileged containers cannot start on these machines).
        stored = api.inspect_container(cid)["HostConfig"]
        assert stored["Privileged"] is True and stored["Memory"] == 64 * 1024 * 1024
        assert stored["Binds"] == ["/tmp:/data:ro"]
    finally:
        api.remove_container(cid, force=True)


def test_bad_input(api: docker.APIClient, make: Any) -> None:
    name = f"dsdk-test-dup-{uuid.uuid4().hex[:8]}"
    make(["true"], name=name)
    with pytest.raises(APIError) as info:
        make(["true"], name=name)
    assert info.value.status_code == 409 and "already in use" in str(info.value.explanation)
    with pytest.raises(ImageNotFound):
        api.create_container("dsdk-no-such-image:nope")
    with pytest.raises(NullResource):
        api.inspect_container("")
    with pytest.raises(NotFound):
        api.start("dsdk-no-such-container")
    with pytest.raises(DeprecatedMethod):
        api.start("x", {"Binds": []})
    with pytest.raises(InvalidArgument):
        api.logs("x", since="yesterday")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        api.stats("x", stream=False, decode=True)
    with pytest.raises(ValueError, match="Expected a string"):
        api.inspect_container(123)  # type: ignore[arg-type]


# output ------------------------------------------------------------------------------------------
def test_logs_modes(api: docker.APIClient, make: Any) -> None:
    cid = _run(api, make)
    assert api.logs(cid) == b"out1\nerr1\nout2\nerr2\n" or sorted(api.logs(cid).splitlines()) == [
        b"err1",
        b"err2",
        b"out1",
        b"out2",
    ]
    assert api.logs(cid, stderr=False) == b"out1\nout2\n"
    assert api.logs(cid, stdout=False) == b"err1\nerr2\n"
    # tail counts the lines of both streams (their relative order is the daemon's)
    assert api.logs(cid, tail=1) in (b"err2\n", b"out2\n")
    assert len(api.logs(cid, tail=2).splitlines()) == 2
    stamped = api.logs(cid, stderr=False, timestamps=True).splitlines()
    assert stamped[0].endswith(b" out1") and stamped[0][:4].isdigit()
    assert b"".join(api.logs(cid, stream=True, stderr=False)) == b"out1\nout2\n"
    future = datetime.now(timezone.utc).timestamp() + 3600
    assert api.logs(cid, since=future) == b""
    assert api.logs(cid, until=datetime(2000, 1, 1, tzinfo=timezone.utc)) == b""


def test_logs_tty_raw(api: docker.APIClient, make: Any) -> None:
    cid = _run(api, make, "printf 'a\\nb\\n'", tty=True)
    assert api.logs(cid) == b"a\r\nb\r\n"
    assert b"".join(api.logs(cid, stream=True)) == b"a\r\nb\r\n"


def test_logs_follow_and_close(api: docker.APIClient, make: Any) -> None:
    cid = make(["sh", "-c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.1; done"])
    api.start(cid)
    stream = api.logs(cid, stream=True, follow=True)
    got = []
    for chunk in stream:
        got.append(chunk)
        if len(got) == 3:
            break
    stream.close()
    assert got[0].startswith(b"tick 0")
    assert api._pool.idle_count <= api._pool.maxsize


def test_container_removed_while_streaming(api: docker.APIClient, make: Any) -> None:
    cid = make(["sh", "-c", "while true; do echo x; sleep 0.1; done"])
    api.start(cid)
    stream = api.logs(cid, stream=True, follow=True)
    assert next(stream) == b"x\n"
    api.remove_container(cid, force=True)
    rest = list(stream)  # ends (the daemon closes the stream); no hang
    assert all(chunk == b"x\n" for chunk in rest)


def test_attach_modes(api: docker.APIClient, make: Any) -> None:
    cid = make(["sh", "-c", "sleep 0.5; " + SCRIPT])
    api.start(cid)
    live = list(api.attach(cid, stream=True, demux=True))
    assert b"".join(o for o, _ in live if o) == b"out1\nout2\n"
    assert b"".join(e for _, e in live if e) == b"err1\nerr2\n"
    # Without stream and logs, attach returns at once with what is there: nothing.
    assert api.attach(cid) == b""
    cid = _run(api, make)
    assert api.attach(cid, logs=True, stdout=True, stderr=False) == b"out1\nout2\n"
    # logs + stream on a running container: past output, then live output until exit.
    cid = make(["sh", "-c", SCRIPT + "; sleep 1; echo late"])
    api.start(cid)
    time.sleep(0.5)
    items = list(api.attach(cid, logs=True, stream=True, demux=True))
    assert b"".join(o for o, _ in items if o) == b"out1\nout2\nlate\n"
    assert b"".join(e for _, e in items if e) == b"err1\nerr2\n"


def test_attach_socket_stdin_half_close(api: docker.APIClient, make: Any) -> None:
    cid = make(["cat"], stdin_open=True)
    api.start(cid)
    sock = api.attach_socket(cid, params={"stdin": 1, "stdout": 1, "stream": 1})
    with sock:
        sock.sendall(b"ping over stdin\n")
        sock.shutdown_write()  # cat sees EOF, exits, the stream ends
        data = b"".join(sock.iter_chunks())
    assert data == b"\x01\x00\x00\x00\x00\x00\x00\x10ping over stdin\n"


EXEC_SCRIPT = "echo o1; echo e1 >&2; echo o2; exit 3"


@pytest.mark.parametrize(
    ("stream", "demux", "expected"),
    [
        (False, False, None),
        (False, True, (b"o1\no2\n", b"e1\n")),
        (True, False, None),
        (True, True, (b"o1\no2\n", b"e1\n")),
    ],
)
def test_exec_four_modes(
    api: docker.APIClient, make: Any, stream: bool, demux: bool, expected: Any
) -> None:
    cid = make(["sleep", "30"])
    api.start(cid)
    exec_id = api.exec_create(cid, ["sh", "-c", EXEC_SCRIPT])
    out = api.exec_start(exec_id, stream=stream, demux=demux)
    if stream:
        out = list(out)
    if expected is None:
        joined = b"".join(out) if stream else out
        assert sorted(joined.splitlines()) == [b"e1", b"o1", b"o2"]
    elif stream:
        # Items are (out, None) / (None, err) pieces; how writes are grouped is the daemon's.
        assert all((o is None) != (e is None) for o, e in out)
        assert (b"".join(o for o, _ in out if o), b"".join(e for _, e in out if e)) == expected
    else:
        assert out == expected
    info = api.exec_inspect(exec_id)
    assert info["ExitCode"] == 3 and not info["Running"]


def test_exec_options_tty_socket_detach(api: docker.APIClient, make: Any) -> None:
    cid = make(["sleep", "30"])
    api.start(cid)
    ex = api.exec_create(
        cid,
        "sh -c 'id -un; pwd; echo $GREETING'",
        user="nobody",
        workdir="/tmp",
        environment={"GREETING": "hi"},
    )
    assert api.exec_start(ex) == b"nobody\n/tmp\nhi\n"
    ex = api.exec_create(cid, ["printf", "x\\n"], tty=True)
    assert api.exec_start(ex, tty=True) == b"x\r\n"
    ex = api.exec_create(cid, ["cat"], stdin=True)
    sock = api.exec_start(ex, socket=True)
    with sock:
        sock.sendall(b"echoed\n")
        sock.shutdown_write()
        data = b"".join(sock.iter_chunks())
    assert data.endswith(b"echoed\n") and data[0] == 1
    ex = api.exec_create(cid, ["touch", "/tmp/detached"])
    assert api.exec_start(ex, detach=True) == ""
    deadline = time.monotonic() + 10
    while api.exec_inspect(ex)["Running"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert {"Path": "/tmp/detached", "Kind": 1} in (api.diff(cid) or [])


def test_exec_privileged_is_sent(proxy: RecordingProxy, api: docker.APIClient, make: Any) -> None:
    cid = make(["sleep", "30"])
    api.start(cid)
    with docker.APIClient(base_url=proxy.base_url) as client:
        ex = client.exec_create(cid, "true", privileged=True, detach_keys="ctrl-x")
    body = json.loads(proxy.last("/exec").body)
    assert body["Privileged"] is True and body["detachKeys"] == "ctrl-x"
    assert body["Cmd"] == ["true"] and body["AttachStdout"] is True
    assert api.exec_inspect(ex)["ProcessConfig"]["privileged"] is True


# archives, stats, misc ---------------------------------------------------------------------------
def test_archive_round_trip_and_export(api: docker.APIClient, make: Any, tmp_path: Any) -> None:
    cid = make(["sleep", "30"])
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        data = b"payload" * 1000
        info = tarfile.TarInfo("dir/file.txt")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    assert api.put_archive(cid, "/tmp", buf.getvalue()) is True
    stream, stat = api.get_archive(cid, "/tmp/dir/file.txt", chunk_size=1000)
    chunks = list(stream)
    assert stat["name"] == "file.txt" and stat["size"] == 7000
    assert all(len(c) == 1000 for c in chunks[:-1])
    with tarfile.open(fileobj=io.BytesIO(b"".join(chunks))) as tar:
        member = tar.extractfile("file.txt")
        assert member is not None and member.read() == data
    # A body given as an iterable is sent chunked.
    assert api.put_archive(cid, "/", iter([buf.getvalue()[:100], buf.getvalue()[100:]]))
    out = tmp_path / "export.tar"
    with out.open("wb") as f:
        for chunk in api.export(cid, chunk_size=None):
            f.write(chunk)
    with tarfile.open(out) as tar:
        assert "tmp/dir/file.txt" in tar.getnames()
    with pytest.raises(NotFound):
        api.get_archive(cid, "/no/such/path")


def test_stats_port_update_commit_prune(api: docker.APIClient, make: Any) -> None:
    cid = make(
        ["sleep", "30"],
        ports=[80],
        host_config=api.create_host_config(port_bindings={80: ("127.0.0.1", None)}),
    )
    api.start(cid)
    one = api.stats(cid, stream=False, one_shot=True)
    assert "memory_stats" in one
    stream = api.stats(cid, decode=True)
    first = next(stream)
    stream.close()
    assert "cpu_stats" in first
    binding = api.port(cid, 80)
    assert binding and binding[0]["HostIp"] == "127.0.0.1" and int(binding[0]["HostPort"]) > 0
    assert api.port(cid, 81) is None
    api.update_container(cid, mem_limit="32m", memswap_limit="64m")
    assert api.inspect_container(cid)["HostConfig"]["Memory"] == 32 * 1024 * 1024
    image = api.commit(cid, repository="dsdk-test-commit", tag="v1", message="m", changes="ENV X=1")
    try:
        assert "X=1" in api.inspect_image(image["Id"])["Config"]["Env"]
    finally:
        api.remove_image(image["Id"], force=True)
    stopped = make(["true"], labels={"dsdk-prune": "yes"})
    result = api.prune_containers(filters={"label": "dsdk-prune=yes"})
    assert stopped in result["ContainersDeleted"]


def test_wait_condition_and_timeout(api: docker.APIClient, make: Any) -> None:
    cid = make(["sleep", "30"])
    api.start(cid)
    with pytest.raises(DaemonTimeout):
        api.wait(cid, timeout=0.5)

    def stop_soon() -> None:
        time.sleep(0.3)
        api.kill(cid)

    threading.Thread(target=stop_soon).start()
    assert api.wait(cid, condition="not-running", timeout=10)["StatusCode"] == 137


def test_resize_needs_tty(api: docker.APIClient, make: Any) -> None:
    cid = make(["sleep", "30"], tty=True)
    api.start(cid)
    api.resize(cid, height=40, width=100)
    ex = api.exec_create(cid, "sleep 5", tty=True)
    api.exec_start(ex, detach=True, tty=True)
    api.exec_resize(ex, height=20, width=50)


# async -------------------------------------------------------------------------------------------
def test_async_container_and_exec(engine: str) -> None:
    async def main() -> None:
        async with AsyncAPIClient() as api:
            name = f"dsdk-test-async-{uuid.uuid4().hex[:8]}"
            cid = (
                await api.create_container(
                    "busybox",
                    ["sh", "-c", "sleep 0.3; " + SCRIPT + "; sleep 30"],
                    name=name,
                    labels=LABEL,
                )
            )["Id"]
            try:
                await api.start(cid)
                logs = b""
                async for chunk in await api.logs(cid, stream=True, follow=True, stderr=False):
                    logs += chunk
                    if logs.endswith(b"out2\n"):
                        break
                assert logs == b"out1\nout2\n"
                assert await api.logs(cid, stdout=False) == b"err1\nerr2\n"
                ex = await api.exec_create(cid, ["sh", "-c", EXEC_SCRIPT])
                assert await api.exec_start(ex, demux=True) == (b"o1\no2\n", b"e1\n")
                ex = await api.exec_create(cid, ["sh", "-c", EXEC_SCRIPT])
                items = [item async for item in await api.exec_start(ex, stream=True, demux=True)]
                assert (None, b"e1\n") in items
                assert (await api.exec_inspect(ex))["ExitCode"] == 3
                ex = await api.exec_create(cid, ["cat"], stdin=True)
                conn = await api.exec_start(ex, socket=True)
                async with conn:
                    await conn.write(b"abc\n")
                    conn.write_eof()
                    data = b""
                    while chunk := await conn.read():
                        data += chunk
                assert data == b"\x01\x00\x00\x00\x00\x00\x00\x04abc\n"
                stream, stat = await api.get_archive(cid, "/etc/passwd")
                tar = b"".join([c async for c in stream])
                assert stat["name"] == "passwd" and len(tar) >= 512
                assert (await api.inspect_container(cid))["State"]["Running"]
                assert len(await api.containers(filters={"name": name})) == 1
                await api.stop(cid, timeout=1)
                assert (await api.wait(cid))["StatusCode"] == 137
            finally:
                await api.remove_container(cid, force=True)
            with pytest.raises(NotFound):
                await api.inspect_container(cid)

    asyncio.run(main())
