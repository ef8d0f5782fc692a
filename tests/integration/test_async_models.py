"""The high-level async client (``docker.aio.from_env()``): collections and models, awaited.

The models are the sync ones (``docker.models.*``) bound to an ``AsyncDockerClient``; these
tests run them against the real engine.  Everything created is named ``dsdk-test-...``, labelled
``dsdk-test=1`` and removed at the end (with a sync client, whatever the test did).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import docker
import docker.aio
from docker.aio import AsyncAPIClient, AsyncStream
from docker.errors import APIError, ContainerError, ImageNotFound, NotFound
from docker.models.containers import AsyncExecOutput, Container, ContainerCollection, ExecResult
from docker.models.images import Image, ImageCollection
from docker.models.networks import Network, NetworkCollection
from docker.models.volumes import Volume, VolumeCollection
from tests.conftest import cli

pytestmark = pytest.mark.usefixtures("engine", "isolated_home")

IMAGE = "alpine:3.10"
LABEL = {"dsdk-test": "1"}


@pytest.fixture(scope="module")
def alpine(docker_cli: str) -> str:
    cli("pull", "-q", IMAGE)
    return IMAGE


class Made:
    """Unique ``dsdk-test-`` names, and the cleanup of everything made under them."""

    def __init__(self) -> None:
        self.containers: list[str] = []
        self.networks: list[str] = []
        self.volumes: list[str] = []
        self.images: list[str] = []

    def _new(self, kind: str, into: list[str]) -> str:
        name = f"dsdk-test-{kind}-{uuid.uuid4().hex[:12]}"
        into.append(name)
        return name

    def container(self) -> str:
        return self._new("actr", self.containers)

    def network(self) -> str:
        return self._new("anet", self.networks)

    def volume(self) -> str:
        return self._new("avol", self.volumes)

    def image(self) -> str:
        return self._new("aimg", self.images)

    def cleanup(self) -> None:
        with docker.APIClient() as api:
            for name in self.containers:
                with contextlib.suppress(NotFound, APIError):
                    api.remove_container(name, force=True, v=True)
            for name in self.networks:
                with contextlib.suppress(NotFound):
                    api.remove_network(name)
            for name in self.volumes:
                with contextlib.suppress(NotFound):
                    api.remove_volume(name, force=True)
            for repo in self.images:
                for image in api.images(name=repo):
                    for tag in image.get("RepoTags") or []:
                        if tag.startswith(f"{repo}:"):
                            with contextlib.suppress(NotFound):
                                api.remove_image(tag)  # a tag only, never force


@pytest.fixture
def made() -> Iterator[Made]:
    m = Made()
    yield m
    m.cleanup()


def run(main: Callable[[], Any]) -> None:
    asyncio.run(main())


# the client ------------------------------------------------------------------------------------
def test_collections_are_the_shared_classes_bound_to_the_async_client() -> None:
    async def main() -> None:
        async with docker.aio.from_env() as client:
            for collection, cls in [
                (client.containers, ContainerCollection),
                (client.images, ImageCollection),
                (client.networks, NetworkCollection),
                (client.volumes, VolumeCollection),
            ]:
                assert type(collection) is cls
                assert collection.client is client
                assert isinstance(collection.client.api, AsyncAPIClient)
            assert client.containers is not client.containers
            call = client.volumes.list()
            assert inspect.iscoroutine(call)
            assert isinstance(await call, list)

    run(main)


def test_sync_signatures_are_kept() -> None:
    sig = inspect.signature(ContainerCollection.run)
    assert list(sig.parameters) == [
        "self",
        "image",
        "command",
        "stdout",
        "stderr",
        "remove",
        "kwargs",
    ]
    assert list(inspect.signature(Container.exec_run).parameters)[:3] == ["self", "cmd", "stdout"]


# containers ------------------------------------------------------------------------------------
def test_run_attached_returns_output(alpine: str, made: Made) -> None:
    async def main() -> None:
        async with docker.aio.from_env() as client:
            out = await client.containers.run(
                alpine, "sh -c 'echo out; echo err >&2'", name=made.container(), labels=LABEL
            )
            assert out == b"out\n"
            both = await client.containers.run(
                alpine,
                "sh -c 'echo out; echo err >&2'",
                stderr=True,
                remove=True,
                name=made.container(),
                labels=LABEL,
            )
            assert sorted(both.splitlines()) == [b"err", b"out"]
            stream = await client.containers.run(
                alpine, "sh -c 'echo a; echo b'", stream=True, remove=True, labels=LABEL
            )
            chunks = [chunk async for chunk in stream]
            assert b"".join(chunks) == b"a\nb\n"
            await stream.aclose()

    run(main)


def test_run_nonzero_exit_raises_container_error(alpine: str, made: Made) -> None:
    async def main() -> None:
        async with docker.aio.from_env() as client:
            name = made.container()
            with pytest.raises(ContainerError) as err:
                await client.containers.run(
                    alpine, "sh -c 'echo oops >&2; exit 3'", name=name, labels=LABEL
                )
            assert err.value.exit_status == 3
            assert err.value.stderr == b"oops\n"
            assert isinstance(err.value.container, Container)
            assert err.value.container.name == name
            # A missing image is pulled first; this one exists nowhere, so the pull fails.
            with pytest.raises(APIError, match="dsdk-test-none"):
                await client.containers.run(
                    "dsdk-test-none:nope", "true", name=made.container(), labels=LABEL
                )

    run(main)


def test_run_detached_container_lifecycle(alpine: str, made: Made) -> None:
    async def main() -> None:
        async with docker.aio.from_env() as client:
            name = made.container()
            c = await client.containers.run(
                alpine,
                "sh -c 'echo one; echo two; sleep 300'",
                detach=True,
                name=name,
                labels=LABEL,
            )
            assert isinstance(c, Container)
            assert c.name == name
            assert c.status == "created"  # the attributes from before the start
            await c.reload()
            assert c.status == "running"
            assert c.labels == LABEL

            got = await client.containers.get(name)
            assert got == c and got.client is client
            listed = await client.containers.list(filters={"name": name})
            assert listed == [c]
            sparse = await client.containers.list(filters={"name": name}, sparse=True)
            assert [s.id for s in sparse] == [c.id]

            image = await c.image
            assert isinstance(image, Image)
            assert IMAGE in image.tags

            logs = await c.logs(stream=True, follow=True)
            assert isinstance(logs, AsyncStream)
            seen = b""
            async for chunk in logs:
                seen += chunk
                if b"two\n" in seen:
                    break
            await logs.aclose()
            assert seen == b"one\ntwo\n"
            assert await c.logs() == b"one\ntwo\n"

            await c.stop(timeout=0)
            status = await c.wait()
            assert status["StatusCode"] == 137
            await c.reload()
            assert c.status == "exited"
            await c.remove()
            with pytest.raises(NotFound):
                await client.containers.get(name)

    run(main)


def test_exec_run(alpine: str, made: Made) -> None:
    async def main() -> None:
        async with docker.aio.from_env() as client:
            c = await client.containers.run(
                alpine, "sleep 300", detach=True, name=made.container(), labels=LABEL
            )
            script = "sh -c 'echo out; echo err >&2; exit 3'"
            result = await c.exec_run(script, stderr=False)
            assert isinstance(result, ExecResult)
            assert result == (3, b"out\n")
            demuxed = await c.exec_run(script, demux=True)
            assert demuxed == (3, (b"out\n", b"err\n"))

            streamed = await c.exec_run(script, stream=True, demux=True)
            assert streamed.exit_code is None
            output = streamed.output
            assert isinstance(output, AsyncExecOutput)
            async with output:
                pieces = [piece async for piece in output]
            assert b"".join(p[0] or b"" for p in pieces) == b"out\n"
            assert b"".join(p[1] or b"" for p in pieces) == b"err\n"
            assert await output.exit_code == 3
            assert await output.exit_code == 3  # cached

            running = (await c.exec_run("sh -c 'echo go; sleep 2'", stream=True)).output
            assert await running.__anext__() == b"go\n"
            assert await running.exit_code is None  # still running: no wait before the end
            assert [piece async for piece in running] == []
            assert await running.exit_code == 0
            await running.aclose()

            await c.kill()
            assert (await c.wait())["StatusCode"] == 137
            await c.remove(v=True)

    run(main)


def test_create_start_and_concurrent_calls(alpine: str, made: Made) -> None:
    async def main() -> None:
        async with docker.aio.from_env() as client:
            names = [made.container() for _ in range(3)]
            created = await asyncio.gather(
                *(client.containers.create(alpine, "true", name=n, labels=LABEL) for n in names)
            )
            assert [c.name for c in created] == names
            await asyncio.gather(*(c.start() for c in created))
            statuses = await asyncio.gather(*(c.wait() for c in created))
            assert [s["StatusCode"] for s in statuses] == [0, 0, 0]
            listed = await client.containers.list(all=True, filters={"name": names[0]})
            assert [c.id for c in listed] == [created[0].id]
            await asyncio.gather(*(c.remove() for c in created))

    run(main)


# images ----------------------------------------------------------------------------------------
def test_images(made: Made) -> None:
    async def main() -> None:
        async with docker.aio.from_env() as client:
            pulled = await client.images.pull("busybox")  # through the test bed's mirror
            assert isinstance(pulled, Image)
            assert "busybox:latest" in pulled.tags
            same = await client.images.get("busybox:latest")
            assert same == pulled
            listed = await client.images.list(name="busybox")
            assert pulled in listed

            repo = made.image()
            assert await pulled.tag(repo, tag="one") is True
            tagged = await client.images.get(f"{repo}:one")
            assert tagged.id == pulled.id
            assert f"{repo}:one" in tagged.tags
            assert [i.id for i in await client.images.list(name=repo)] == [pulled.id]
            history = await tagged.history()
            assert history and "Id" in history[0]
            removed = await client.images.remove(f"{repo}:one")
            assert {"Untagged": f"{repo}:one"} in removed
            with pytest.raises(ImageNotFound):
                await client.images.get(f"{repo}:one")
            with pytest.raises(APIError):
                await client.images.pull(f"127.0.0.1:5000/library/dsdk-test-none-{repo[-12:]}")

    run(main)


# networks --------------------------------------------------------------------------------------
def test_networks(alpine: str, made: Made) -> None:
    async def main() -> None:
        async with docker.aio.from_env() as client:
            name = made.network()
            net = await client.networks.create(name, labels=LABEL)
            assert isinstance(net, Network)
            assert net.name == name and net.attrs["Labels"] == LABEL
            c = await client.containers.run(
                alpine, "sleep 300", detach=True, name=made.container(), labels=LABEL
            )
            await net.connect(c, aliases=["dsdk-alias"])
            await net.reload()
            assert list(net.attrs["Containers"]) == [c.id]
            assert await net.containers == [c]
            listed = await client.networks.list(names=[name])
            assert [n.id for n in listed] == [net.id]
            greedy = await client.networks.list(names=[name], greedy=True)
            assert list(greedy[0].attrs["Containers"]) == [c.id]
            await net.disconnect(c)
            await net.reload()
            assert await net.containers == []
            await c.remove(force=True)
            await net.remove()
            with pytest.raises(NotFound):
                await client.networks.get(name)

    run(main)


# volumes ---------------------------------------------------------------------------------------
def test_volumes(made: Made) -> None:
    async def main() -> None:
        async with docker.aio.from_env() as client:
            name = made.volume()
            tag = uuid.uuid4().hex
            vol = await client.volumes.create(name, labels={**LABEL, "dsdk-test-vol": tag})
            assert isinstance(vol, Volume)
            assert vol.name == vol.id == name
            got = await client.volumes.get(name)
            assert got == vol and got.attrs["Labels"]["dsdk-test-vol"] == tag
            listed = await client.volumes.list(filters={"label": f"dsdk-test-vol={tag}"})
            assert listed == [vol]
            await vol.reload()
            assert vol.attrs["Name"] == name
            await vol.remove()
            with pytest.raises(NotFound):
                await client.volumes.get(name)
            assert await client.volumes.list(filters={"label": f"dsdk-test-vol={tag}"}) == []

    run(main)
