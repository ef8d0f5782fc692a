"""Image builds against the real engine (classic builder), sync and async, with the wire checked.

Every image built here is tagged ``dsdk-test-build-...`` and removed again.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gzip
import io
import json
import os
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest

import docker
from docker.aio import AsyncAPIClient, AsyncDockerClient
from docker.api.build import process_dockerfile
from docker.errors import APIError, BuildError, DockerException, InvalidVersion, NotFound
from docker.models.images import BuildLogStream, Image
from tests.support.wire import RecordingProxy

pytestmark = pytest.mark.usefixtures("engine", "isolated_home", "remove_new_containers")


def _tag(kind: str) -> str:
    return f"dsdk-test-build-{kind}:{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def busybox(engine: str) -> None:
    with docker.APIClient() as api:
        api.pull("busybox", tag="latest")


def _dangling(api: docker.APIClient) -> set[str]:
    return {i["Id"] for i in api.images(all=True, filters={"dangling": True})}


@pytest.fixture(autouse=True)
def remove_new_dangling_images(engine: str) -> Iterator[None]:
    """Remove the untagged images a test's builds leave (other stages, nocache steps)."""
    with docker.APIClient() as api:
        before = _dangling(api)
    yield
    with docker.APIClient() as api:
        for image in _dangling(api) - before:
            with contextlib.suppress(APIError):
                api.remove_image(image, force=True)


@pytest.fixture
def proxy(engine: str) -> Iterator[RecordingProxy]:
    p = RecordingProxy(engine)
    yield p
    p.close()


@pytest.fixture
def tags(engine: str) -> Iterator[list[str]]:
    made: list[str] = []
    yield made
    with docker.APIClient() as api:
        for ref in made:
            with contextlib.suppress(NotFound):
                api.remove_image(ref)


def _context(root: Path, dockerfile: str, **files: str) -> Path:
    (root / "Dockerfile").write_text(dockerfile)
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content)
    return root


def _events(stream: Any) -> list[dict[str, Any]]:
    out = []
    for item in stream:
        out.append(item)
    return out


def _built_id(events: list[dict[str, Any]]) -> str:
    ids = [e["aux"]["ID"] for e in events if isinstance(e.get("aux"), dict)]
    assert ids, events
    return str(ids[-1])


# ---------------------------------------------------------------------------------------------
# The wire


def test_query_string_with_every_option(
    proxy: RecordingProxy, tmp_path: Path, busybox: None, tags: list[str]
) -> None:
    ctx = _context(
        tmp_path,
        "FROM busybox:latest AS base\nARG FOO\nLABEL foo=$FOO\n"
        "FROM base AS final\nRUN grep -q dsdk-host /etc/hosts\n",
    )
    tag = _tag("wire")
    tags.append(tag)
    with docker.APIClient(base_url=proxy.base_url) as api:
        events = _events(
            api.build(
                path=str(ctx),
                tag=tag,
                nocache=True,
                rm=True,
                forcerm=True,
                dockerfile="Dockerfile",
                container_limits={"memory": 256 * 1024 * 1024, "cpushares": 512},
                decode=True,
                buildargs={"FOO": "bar"},
                shmsize=64 * 1024 * 1024,
                labels={"dsdk": "yes", "b": "2"},
                cache_from=["busybox:latest"],
                target="final",
                network_mode="bridge",
                extra_hosts={"dsdk-host": "10.1.2.3", "a-host": "10.0.0.1"},
                platform="linux",
                isolation="default",
                use_config_proxy=False,
            )
        )
        assert not [e for e in events if "error" in e], events
        request = proxy.last("/build")
    assert request.method == "POST"
    assert request.path == "/v1.41/build"
    assert parse_qsl(request.query) == [
        ("t", tag),
        ("q", "False"),
        ("nocache", "True"),
        ("rm", "True"),
        ("forcerm", "True"),
        ("pull", "False"),
        ("dockerfile", "Dockerfile"),
        ("memory", str(256 * 1024 * 1024)),
        ("cpushares", "512"),
        ("buildargs", '{"FOO": "bar"}'),
        ("shmsize", str(64 * 1024 * 1024)),
        ("labels", '{"dsdk": "yes", "b": "2"}'),
        ("cachefrom", '["busybox:latest"]'),
        ("target", "final"),
        ("networkmode", "bridge"),
        ("extrahosts", "a-host:10.0.0.1"),
        ("extrahosts", "dsdk-host:10.1.2.3"),
        ("platform", "linux"),
        ("isolation", "default"),
    ]
    assert request.headers["content-type"] == "application/tar"
    assert request.headers["transfer-encoding"] == "chunked"
    assert "x-registry-config" not in request.headers
    with tarfile.open(fileobj=io.BytesIO(request.body)) as t:
        assert t.getnames() == ["Dockerfile"]
    with docker.APIClient() as api:
        labels = api.inspect_image(tag)["Config"]["Labels"]
    assert labels == {"foo": "bar", "dsdk": "yes", "b": "2"}


def test_minimal_query(proxy: RecordingProxy, tmp_path: Path, busybox: None) -> None:
    ctx = _context(tmp_path, "FROM busybox:latest\n")
    with docker.APIClient(base_url=proxy.base_url) as api:
        events = _events(api.build(path=str(ctx), decode=True))
    assert not [e for e in events if "error" in e]
    request = proxy.last("/build")
    assert request.query == "q=False&nocache=False&rm=False&forcerm=False&pull=False"


def test_registry_config_header(
    proxy: RecordingProxy, tmp_path: Path, isolated_home: Path, busybox: None
) -> None:
    config = isolated_home / ".docker" / "config.json"  # type: ignore[operator]
    config.parent.mkdir()
    auth = base64.b64encode(b"user:secret").decode()
    config.write_text(
        json.dumps(
            {
                "auths": {
                    "https://index.docker.io/v1/": {"auth": auth},
                    "reg.example:5000": {"auth": auth},
                }
            }
        )
    )
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    _context(ctx, "FROM busybox:latest\n")
    with docker.APIClient(base_url=proxy.base_url) as api:
        _events(api.build(path=str(ctx), decode=True))
    header = proxy.last("/build").headers["x-registry-config"]
    decoded = json.loads(base64.urlsafe_b64decode(header))
    assert decoded["reg.example:5000"]["username"] == "user"
    assert decoded["reg.example:5000"]["password"] == "secret"
    assert decoded["https://index.docker.io/v1/"]["username"] == "user"


def test_proxy_config_becomes_build_args(
    proxy: RecordingProxy, tmp_path: Path, isolated_home: Path, busybox: None
) -> None:
    config = isolated_home / ".docker" / "config.json"  # type: ignore[operator]
    config.parent.mkdir()
    config.write_text(json.dumps({"proxies": {"default": {"httpProxy": "http://proxy:3128"}}}))
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    _context(ctx, "FROM busybox:latest\n")
    with docker.APIClient(base_url=proxy.base_url) as api:
        _events(api.build(path=str(ctx), decode=True, buildargs={"http_proxy": "mine"}))
    query = dict(parse_qsl(proxy.last("/build").query))
    assert json.loads(query["buildargs"]) == {
        "http_proxy": "mine",
        "HTTP_PROXY": "http://proxy:3128",
    }


def test_dockerfile_outside_context_sends_only_the_name(
    proxy: RecordingProxy, tmp_path: Path, busybox: None, tags: list[str]
) -> None:
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "data.txt").write_text("data")
    outside = tmp_path / "elsewhere.Dockerfile"
    outside.write_text("FROM busybox:latest\nCOPY data.txt /data.txt\n")
    tag = _tag("outside")
    tags.append(tag)
    with docker.APIClient(base_url=proxy.base_url) as api:
        events = _events(api.build(path=str(ctx), dockerfile=str(outside), tag=tag, decode=True))
    assert not [e for e in events if "error" in e], events
    query = parse_qsl(proxy.last("/build").query)
    dockerfiles = [v for k, v in query if k == "dockerfile"]
    assert len(dockerfiles) == 1  # A9: the content is not sent in the query
    assert dockerfiles[0].startswith(".dockerfile.") and len(dockerfiles[0]) == 52


def test_gzip_context(proxy: RecordingProxy, tmp_path: Path, busybox: None) -> None:
    ctx = _context(tmp_path, "FROM busybox:latest\nCOPY a /a\n", a="a")
    with docker.APIClient(base_url=proxy.base_url) as api:
        events = _events(api.build(path=str(ctx), gzip=True, decode=True))
    assert not [e for e in events if "error" in e], events
    request = proxy.last("/build")
    assert request.headers["content-encoding"] == "gzip"
    assert gzip.decompress(request.body)[:1]


def test_custom_context_with_encoding(
    proxy: RecordingProxy, busybox: None, tags: list[str]
) -> None:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as t:
        content = b"FROM busybox:latest\nLABEL custom=yes\n"
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(content)
        t.addfile(info, io.BytesIO(content))
    raw.seek(0)
    tag = _tag("custom")
    tags.append(tag)
    with docker.APIClient(base_url=proxy.base_url) as api:
        events = _events(
            api.build(fileobj=raw, custom_context=True, encoding="gzip", tag=tag, decode=True)
        )
        assert not [e for e in events if "error" in e], events
        assert api.inspect_image(tag)["Config"]["Labels"] == {"custom": "yes"}
    assert not raw.closed  # the caller's context is not closed
    assert proxy.last("/build").headers["content-encoding"] == "gzip"


def test_fileobj_dockerfile_and_quiet(busybox: None, tags: list[str]) -> None:
    tag = _tag("fileobj")
    tags.append(tag)
    with docker.APIClient() as api:
        chunks = list(
            api.build(fileobj=io.BytesIO(b"FROM busybox:latest\nLABEL f=1\n"), tag=tag, quiet=True)
        )
        assert all(isinstance(c, bytes) for c in chunks)
        text = b"".join(chunks).decode()
        assert "sha256:" in text and "Step" not in text
        assert api.inspect_image(tag)["Id"] in text


# ---------------------------------------------------------------------------------------------
# Options that change the result


def test_buildargs_target_extra_hosts_shmsize_limits(
    tmp_path: Path, busybox: None, tags: list[str]
) -> None:
    ctx = _context(
        tmp_path,
        "FROM busybox:latest AS one\nLABEL stage=one\n"
        "FROM busybox:latest AS two\nARG V\nRUN grep -q 'dsdk-eh' /etc/hosts\n"
        "RUN test $(df -k /dev/shm | awk 'NR==2{print $2}') -eq 131072\n"
        "LABEL stage=two v=$V\n",
    )
    with docker.APIClient() as api:
        t1, t2 = _tag("one"), _tag("two")
        tags.extend([t1, t2])
        _events(api.build(path=str(ctx), tag=t1, target="one", decode=True))
        assert api.inspect_image(t1)["Config"]["Labels"] == {"stage": "one"}
        events = _events(
            api.build(
                path=str(ctx),
                tag=t2,
                buildargs={"V": "x"},
                extra_hosts=["dsdk-eh:10.9.9.9"],
                shmsize=128 * 1024 * 1024,
                container_limits={"memory": 128 * 1024 * 1024, "memswap": -1},
                network_mode="none",
                nocache=True,
                decode=True,
            )
        )
        assert not [e for e in events if "error" in e], events
        assert api.inspect_image(t2)["Config"]["Labels"] == {"stage": "two", "v": "x"}


def test_failing_run_is_in_the_stream(tmp_path: Path, busybox: None) -> None:
    ctx = _context(tmp_path, "FROM busybox:latest\nRUN exit 7\n")
    with docker.APIClient() as api:
        events = _events(api.build(path=str(ctx), decode=True, rm=True, forcerm=True))
    assert "returned a non-zero code: 7" in events[-1]["error"]


# ---------------------------------------------------------------------------------------------
# Bad input


def test_bad_input(tmp_path: Path) -> None:
    with docker.APIClient(version="1.41") as api:
        with pytest.raises(TypeError, match="Either path or fileobj"):
            api.build()
        with pytest.raises(TypeError, match="directory to build"):
            api.build(path=str(tmp_path / "missing"))
        with pytest.raises(DockerException, match="invalid tag 'Bad'"):
            api.build(path=str(tmp_path), tag="Bad")
        with pytest.raises(DockerException, match="invalid container_limits key 'cpu'"):
            api.build(path=str(tmp_path), container_limits={"cpu": 1})
        with pytest.raises(DockerException, match="custom encoding"):
            api.build(path=str(tmp_path), gzip=True, encoding="gzip")
        with pytest.raises(TypeError, match="custom_context"):
            api.build(path=str(tmp_path), custom_context=True)
    with docker.APIClient(version="1.24") as api, pytest.raises(InvalidVersion, match="target"):
        api.build(path=str(tmp_path), target="x")


def test_missing_dockerfile_is_an_api_error(tmp_path: Path) -> None:
    (tmp_path / "a").write_text("a")
    with (
        docker.APIClient() as api,
        pytest.raises(APIError, match="Cannot locate specified Dockerfile"),
    ):
        api.build(path=str(tmp_path))


def test_bad_dockerignore_pattern(tmp_path: Path) -> None:
    _context(tmp_path, "FROM busybox:latest\n", **{".dockerignore": "[\n"})
    with docker.APIClient() as api, pytest.raises(DockerException, match="syntax error in pattern"):
        api.build(path=str(tmp_path))


def test_process_dockerfile(tmp_path: Path) -> None:
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    assert process_dockerfile(None, str(ctx)) == (None, None)
    assert process_dockerfile("sub/Dockerfile", str(ctx)) == ("sub/Dockerfile", None)
    assert process_dockerfile(str(ctx / "x" / "D"), str(ctx)) == ("x/D", None)
    (tmp_path / "out").write_text("FROM x\n")
    name, content = process_dockerfile(str(tmp_path / "out"), str(ctx))
    assert name is not None and name.startswith(".dockerfile.") and content == "FROM x\n"
    (ctx / "..odd").write_text("FROM y\n")
    assert process_dockerfile("..odd", str(ctx)) == ("..odd", None)


# ---------------------------------------------------------------------------------------------
# High level


def test_images_build_returns_image_and_log(
    client_tmp: tuple[docker.DockerClient, Path], busybox: None, tags: list[str]
) -> None:
    client, ctx = client_tmp
    _context(ctx, "FROM busybox:latest\nLABEL hl=1\n")
    tag = _tag("hl")
    tags.append(tag)
    image, log = client.images.build(path=str(ctx), tag=tag, decode=False)
    assert isinstance(image, Image)
    assert tag in image.tags
    events = list(log)
    assert any("Successfully built" in e.get("stream", "") for e in events)


def test_images_build_error_carries_the_log(
    client_tmp: tuple[docker.DockerClient, Path], busybox: None
) -> None:
    client, ctx = client_tmp
    _context(ctx, "FROM busybox:latest\nRUN echo before-fail && exit 3\n")
    with pytest.raises(BuildError) as info:
        client.images.build(path=str(ctx), rm=True, forcerm=True)
    assert "non-zero code: 3" in info.value.msg
    log = list(info.value.build_log)
    assert any("before-fail" in e.get("stream", "") for e in log)
    assert "error" in log[-1]


def test_images_build_stream(
    client_tmp: tuple[docker.DockerClient, Path], busybox: None, tags: list[str]
) -> None:
    client, ctx = client_tmp
    _context(ctx, "FROM busybox:latest\nRUN echo streamed-line\n")
    tag = _tag("stream")
    tags.append(tag)
    with client.images.build(path=str(ctx), tag=tag, stream=True, nocache=True) as stream:
        assert isinstance(stream, BuildLogStream)
        seen = [e for e in stream]
    assert any("streamed-line" in e.get("stream", "") for e in seen)
    assert stream.image is not None and tag in stream.image.tags
    assert stream.image_id == stream.image.id


def test_images_build_stream_error(
    client_tmp: tuple[docker.DockerClient, Path], busybox: None
) -> None:
    client, ctx = client_tmp
    _context(ctx, "FROM busybox:latest\nRUN exit 4\n")
    stream = client.images.build(path=str(ctx), stream=True, rm=True, forcerm=True)
    with pytest.raises(BuildError, match="non-zero code: 4") as info:
        for _ in stream:
            pass
    assert "error" in info.value.build_log[-1]


def test_images_prune_builds(client_tmp: tuple[docker.DockerClient, Path]) -> None:
    client, _ = client_tmp
    result = client.images.prune_builds()
    assert "SpaceReclaimed" in result


@pytest.fixture
def client_tmp(engine: str, tmp_path: Path) -> Iterator[tuple[docker.DockerClient, Path]]:
    c = docker.DockerClient()
    yield c, tmp_path
    c.close()


# ---------------------------------------------------------------------------------------------
# Async


def test_async_build(tmp_path: Path, busybox: None, tags: list[str]) -> None:
    ctx = _context(tmp_path, "FROM busybox:latest\nLABEL a=1\n", **{"f.txt": "x"})
    tag = _tag("async")
    tags.append(tag)

    async def main() -> None:
        async with AsyncAPIClient() as api:
            stream = await api.build(path=str(ctx), tag=tag, decode=True, rm=True)
            events = [e async for e in stream]
            assert _built_id(events)
            assert (await api.inspect_image(tag))["Config"]["Labels"] == {"a": "1"}
            pruned = await api.prune_builds()
            assert "SpaceReclaimed" in pruned

    asyncio.run(main())


def test_async_high_level_build(tmp_path: Path, busybox: None, tags: list[str]) -> None:
    ctx = _context(tmp_path, "FROM busybox:latest\nRUN echo async-line\n")
    tag, tag2 = _tag("ahl"), _tag("ahl2")
    tags.extend([tag, tag2])

    async def main() -> None:
        async with AsyncDockerClient() as client:
            image, log = await client.images.build(path=str(ctx), tag=tag)
            assert tag in image.tags
            assert any("Step" in e.get("stream", "") for e in log)
            stream = await client.images.build(path=str(ctx), tag=tag2, stream=True, nocache=True)
            async with stream:
                lines = [e async for e in stream]
            assert any("async-line" in e.get("stream", "") for e in lines)
            assert stream.image is not None and tag2 in stream.image.tags
            bad = tmp_path / "bad"
            bad.mkdir()
            (bad / "Dockerfile").write_text("FROM busybox:latest\nRUN exit 5\n")
            with pytest.raises(BuildError, match="non-zero code: 5"):
                await client.images.build(path=str(bad), rm=True, forcerm=True)

    asyncio.run(main())


def test_no_temp_files_left(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "a").write_text("a")
    with docker.APIClient() as api:
        with pytest.raises(APIError):
            api.build(path=str(ctx))
        real_open = os.open

        def failing_open(path: str, *args: Any, **kwargs: Any) -> int:
            if str(path).endswith("/a"):
                raise PermissionError(13, "Permission denied", path)
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(os, "open", failing_open)
        with pytest.raises(OSError, match="Can not read file in context"):
            api.build(path=str(ctx))
    assert list(scratch.iterdir()) == []
