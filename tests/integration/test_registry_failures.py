"""A registry that goes away in the middle of a push or a pull (issue #4), on the real engine.

Each call gets its own private ``docker-registry`` (``tests/support/registry.py``) on
``127.0.0.1:<free port>``, which is SIGKILLed while the layer is on the wire: at the first
``Pushing``/``Downloading`` item for a streamed call, else as soon as the registry process has
moved a few MiB (``/proc/<pid>/io``).  The layer is 320 MiB of random data, so the transfer
takes seconds (a push is slowed by the engine's gzip; a pull runs at ~250 MB/s here), and the
tests assert that the kill came before the transfer finished: they cannot pass without the
interruption.  A pull's registry is killed only once it has served the image's config
(fetched alongside the layer), so the engine always fails on the layer; killed before that,
the engine gives up on the config after ~4 s instead ("error pulling image configuration:
download failed after attempts=6: ...").

The engine retries a dead registry before it reports the failure in the progress stream
(inside a ``200`` reply): 4 retries for a push (5+10+15+20 s, ~50 s in all), 5 for a pull
(5+...+25 s, ~75 s).  So the calls of one test run at the same time, each against its own
registry.  A transfer keeps its slot in the engine's transfer manager while it retries (at
most 5 uploads and 3 downloads run at once by default), so a test never runs more than 3
pushes or 2 pulls at once and leaves a slot to the other tests sharing the engine.

What is checked for each call: the error (``APIError`` with the daemon's message for whole
replies, as ``docs/compatibility.md`` documents for ``stream=False``; the error item as the
last item, the stream ending without raising, for ``stream=True``), no hang, the connection
back in the pool and the client still usable, no temporary file of ours left, and nothing
half-written: the pushed registry holds no blob and no manifest, the local image is
unchanged, a failed pull leaves no image.
"""

from __future__ import annotations

import asyncio
import gc
import ipaddress
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import docker
from docker.aio import AsyncAPIClient, AsyncDockerClient
from docker.errors import APIError, ImageNotFound
from tests.conftest import cli
from tests.support.registry import KillWatcher, PrivateRegistry

pytestmark = pytest.mark.usefixtures("engine", "isolated_home")

LAYER_BYTES = 320 * 1024 * 1024
#: A whole-reply call's registry is killed once it has moved this much (of ~2 x LAYER_BYTES).
KILL_AFTER_BYTES = 4 * 1024 * 1024
#: No call may take longer (the engine gives up after ~50 s for a push, ~75 s for a pull).
CALL_DEADLINE = 150.0
PUSH_REPO = "dsdk-test-bigpush"
PULL_REPOS = ("dsdk-test-bigpull-a", "dsdk-test-bigpull-b")
PROGRESS = {"push": "Pushing", "pull": "Downloading"}
#: Statuses that would mean the layer got through.
COMPLETE = {"Pushed", "Layer already exists", "Download complete", "Pull complete"}


# set-up ----------------------------------------------------------------------------------------
def import_random_image(ref: str, size: int) -> str:
    """``docker import`` a one-file layer of ``size`` random bytes as ``ref``; its image ID."""
    proc = subprocess.Popen(
        ["docker", "import", "--change", "LABEL dsdk-test=1", "-", ref],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None
    info = tarfile.TarInfo("dsdk-test-random.bin")
    info.size = size
    info.mode = 0o644
    try:
        proc.stdin.write(info.tobuf(format=tarfile.USTAR_FORMAT))
        left = size
        while left:
            piece = os.urandom(min(left, 1 << 20))
            proc.stdin.write(piece)
            left -= len(piece)
        proc.stdin.write(b"\0" * (-size % 512) + b"\0" * 1024)
        out, err = proc.communicate(timeout=300)  # closes stdin: the end of the tar
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()
    if proc.returncode:
        raise RuntimeError(f"docker import {ref} failed: {err.decode(errors='replace')}")
    return out.decode().strip()


def remove_image(ref: str) -> None:
    """``docker rmi -f``, whatever is left of it."""
    subprocess.run(["docker", "rmi", "-f", ref], capture_output=True, timeout=120)


@dataclass
class Bed:
    """What the module set up: the images and where the registries keep their data."""

    workdir: Path
    tag: str
    push_id: str
    pull_ids: dict[str, str]
    #: storage holding PULL_REPOS:tag, complete (pushed there during set-up)
    pull_store: Path


@pytest.fixture(scope="module")
def bed(engine: str) -> Iterator[Bed]:
    with docker.APIClient() as api:
        cidrs = api.info()["RegistryConfig"]["InsecureRegistryCIDRs"]
    if not any(ipaddress.ip_address("127.0.0.1") in ipaddress.ip_network(c) for c in cidrs):
        pytest.fail(f"the engine does not treat 127.0.0.1 as an insecure registry ({cidrs})")
    workdir = Path(tempfile.mkdtemp(prefix="dsdk-test-registry-failures-"))
    tag = uuid.uuid4().hex[:10]
    ids: list[str] = []
    try:
        push_id = import_random_image(f"{PUSH_REPO}:{tag}", LAYER_BYTES)
        ids.append(push_id)
        pull_ids = {}
        for repo in PULL_REPOS:
            pull_ids[repo] = import_random_image(f"{repo}:{tag}", LAYER_BYTES)
            ids.append(pull_ids[repo])
        # Publish the pull images in a registry of their own, then drop them (and so their
        # layers) locally: a pull has to download them again.
        pull_store = workdir / "pull-store"
        source = PrivateRegistry(pull_store, workdir, "pull-source").start()
        pushes: list[subprocess.Popen[bytes]] = []
        try:
            for repo in PULL_REPOS:
                cli("tag", f"{repo}:{tag}", f"{source.address}/{repo}:{tag}")
                pushes.append(
                    subprocess.Popen(
                        ["docker", "push", f"{source.address}/{repo}:{tag}"],
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.PIPE,
                    )
                )
            for proc in pushes:
                _, err = proc.communicate(timeout=240)
                assert proc.returncode == 0, f"set-up push failed: {err.decode(errors='replace')}"
        finally:
            for proc in pushes:
                if proc.poll() is None:
                    proc.kill()
                    proc.communicate()
            source.stop()
        for image_id in pull_ids.values():
            cli("rmi", "-f", image_id)
        yield Bed(workdir, tag, push_id, pull_ids, pull_store)
    finally:
        for ref in [*ids, f"{PUSH_REPO}:{tag}", *(f"{repo}:{tag}" for repo in PULL_REPOS)]:
            remove_image(ref)
        shutil.rmtree(workdir, ignore_errors=True)


# one call against a registry killed mid-transfer -----------------------------------------------
@dataclass
class Run:
    """One push or pull, its registry, and what came of it."""

    name: str
    kind: str  # "push" or "pull"
    registry: PrivateRegistry
    repo: str  # on the private registry
    tag: str
    #: the image the call pushes (its ID must be unchanged) or pulls (must not appear)
    local_ref: str
    expect_id: str = ""
    #: a pull's image config (its image ID): the registry dies only once it has served it
    config: str = ""
    error: BaseException | None = None
    items: list[Any] = field(default_factory=list)
    kill_item: dict[str, Any] | None = None
    started: float = 0.0
    ended: float = 0.0
    io_watched_from: int | None = None
    pool_after: int | None = None
    followup: Any = None
    crash: str | None = None
    finished: threading.Event = field(default_factory=threading.Event)

    @property
    def ref(self) -> str:
        return f"{self.repo}:{self.tag}"

    @property
    def message(self) -> str:
        """The daemon's message for this failure: its last retry was refused."""
        return f"dial tcp {self.registry.address}: connect: connection refused"

    def config_served(self) -> bool:
        """True when the engine has the image's config (always, for a push)."""
        return not self.config or self.registry.served(f"/blobs/{self.config}")

    def watch(self) -> KillWatcher:
        """Kill the registry once the layer flows (started before a whole-reply call)."""
        watcher = self.registry.kill_when_bytes_flow(KILL_AFTER_BYTES, self.config_served)
        self.io_watched_from = watcher.limit - KILL_AFTER_BYTES
        return watcher

    def whole(self, call: Callable[[], Any]) -> None:
        """Run a call whose reply is read whole; the registry dies once the layer flows."""
        watcher = self.watch()
        self.started = time.monotonic()
        try:
            call()
        except Exception as e:
            self.error = e
        finally:
            self.ended = time.monotonic()
            watcher.stop()

    def seen(self, item: Any) -> None:
        """One streamed item; the first progress item of the transfer kills the registry."""
        self.items.append(item)
        if (
            self.kill_item is None
            and isinstance(item, dict)
            and item.get("status") == PROGRESS[self.kind]
        ):
            deadline = time.monotonic() + 5
            while not self.config_served() and time.monotonic() < deadline:
                time.sleep(0.005)
            self.registry.kill()
            self.kill_item = item

    def streamed(self, stream: Iterator[Any]) -> None:
        self.started = time.monotonic()
        try:
            for item in stream:
                self.seen(item)
        except Exception as e:
            self.error = e
        finally:
            self.ended = time.monotonic()


Variant = Callable[[Run], None]


def _push_model(run: Run) -> None:
    with docker.DockerClient() as client:
        run.whole(lambda: client.images.push(run.repo, tag=run.tag))
        run.pool_after = client.api._pool.idle_count
        run.followup = client.images.get(run.local_ref).id


def _push_api(run: Run) -> None:
    with docker.APIClient() as api:
        run.whole(lambda: api.push(run.repo, tag=run.tag))
        run.pool_after = api._pool.idle_count
        run.followup = api.inspect_image(run.local_ref)["Id"]


def _push_api_stream(run: Run) -> None:
    with docker.APIClient() as api:
        run.streamed(api.push(run.repo, tag=run.tag, stream=True, decode=True))
        run.pool_after = api._pool.idle_count
        run.followup = api.inspect_image(run.local_ref)["Id"]


def _pull_followup(get: Callable[[], Any]) -> Any:
    try:
        return get()
    except ImageNotFound as e:
        return e


def _pull_model(run: Run) -> None:
    with docker.DockerClient() as client:
        run.whole(lambda: client.images.pull(run.repo, tag=run.tag))
        run.pool_after = client.api._pool.idle_count
        run.followup = _pull_followup(lambda: client.images.get(run.ref))


def _pull_api(run: Run) -> None:
    with docker.APIClient() as api:
        run.whole(lambda: api.pull(run.repo, tag=run.tag))
        run.pool_after = api._pool.idle_count
        run.followup = _pull_followup(lambda: api.inspect_image(run.ref))


def _pull_api_stream(run: Run) -> None:
    with docker.APIClient() as api:
        run.streamed(api.pull(run.repo, tag=run.tag, stream=True, decode=True))
        run.pool_after = api._pool.idle_count
        run.followup = _pull_followup(lambda: api.inspect_image(run.ref))


# The async clients get one connection at most: a connection not given back would make the
# follow-up call wait for ever (it is bounded by wait_for).
def _aio_push_stream(run: Run) -> None:
    async def main() -> None:
        async with AsyncAPIClient(max_pool_size=1) as api:
            run.started = time.monotonic()
            try:
                stream = await api.push(run.repo, tag=run.tag, stream=True, decode=True)
                async for item in stream:
                    run.seen(item)
            except Exception as e:
                run.error = e
            finally:
                run.ended = time.monotonic()
            assert api._pool is not None
            run.pool_after = api._pool.open_count
            run.followup = (await asyncio.wait_for(api.inspect_image(run.local_ref), 30))["Id"]

    asyncio.run(main())


def _aio_push_model(run: Run) -> None:
    async def main() -> None:
        async with AsyncDockerClient(max_pool_size=1) as client:
            loop = asyncio.get_running_loop()
            watcher = run.watch()
            run.started = time.monotonic()
            try:
                await client.images.push(run.repo, tag=run.tag)
            except Exception as e:
                run.error = e
            finally:
                run.ended = time.monotonic()
                await loop.run_in_executor(None, watcher.stop)
            assert client.api._pool is not None
            run.pool_after = client.api._pool.open_count
            image = await asyncio.wait_for(client.images.get(run.local_ref), 30)
            run.followup = image.id

    asyncio.run(main())


def _aio_pull_model(run: Run) -> None:
    async def main() -> None:
        async with AsyncDockerClient(max_pool_size=1) as client:
            loop = asyncio.get_running_loop()
            watcher = run.watch()
            run.started = time.monotonic()
            try:
                await client.images.pull(run.repo, tag=run.tag)
            except Exception as e:
                run.error = e
            finally:
                run.ended = time.monotonic()
                await loop.run_in_executor(None, watcher.stop)
            assert client.api._pool is not None
            run.pool_after = client.api._pool.open_count
            try:
                run.followup = await asyncio.wait_for(client.images.get(run.ref), 30)
            except ImageNotFound as e:
                run.followup = e

    asyncio.run(main())


VARIANTS: dict[str, tuple[str, Variant, bool]] = {
    # name: (kind, variant, streamed)
    "client.images.push": ("push", _push_model, False),
    "APIClient.push(stream=False)": ("push", _push_api, False),
    "APIClient.push(stream=True, decode=True)": ("push", _push_api_stream, True),
    "client.images.pull": ("pull", _pull_model, False),
    "APIClient.pull(stream=False)": ("pull", _pull_api, False),
    "APIClient.pull(stream=True, decode=True)": ("pull", _pull_api_stream, True),
    "AsyncAPIClient.push(stream=True, decode=True)": ("push", _aio_push_stream, True),
    "AsyncDockerClient.images.push": ("push", _aio_push_model, False),
    "AsyncDockerClient.images.pull": ("pull", _aio_pull_model, False),
}


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


class Scene:
    """The registries, tags and temporary directory of one test, all undone at its end."""

    def __init__(self, bed: Bed, tmp: Path) -> None:
        self.bed = bed
        self.tmp = tmp
        self.registries: list[PrivateRegistry] = []
        self.tags: list[str] = []
        self.pulled: list[str] = []

    def runs(self, names: list[str]) -> list[Run]:
        """One registry and one Run per variant; the pulls share the two pull images."""
        runs = []
        pull_repos = iter(PULL_REPOS)
        for i, name in enumerate(names):
            kind = VARIANTS[name][0]
            label = f"{kind}{i}"
            if kind == "push":
                store = self.bed.workdir / f"store-{uuid.uuid4().hex[:8]}"
                registry = PrivateRegistry(store, self.bed.workdir, label)
                self.registries.append(registry.start())
                repo = f"{registry.address}/{PUSH_REPO}"
                cli("tag", self.bed.push_id, f"{repo}:{self.bed.tag}")
                self.tags.append(f"{repo}:{self.bed.tag}")
                run = Run(name, kind, registry, repo, self.bed.tag, f"{repo}:{self.bed.tag}")
                run.expect_id = self.bed.push_id
            else:
                source = next(pull_repos)
                registry = PrivateRegistry(self.bed.pull_store, self.bed.workdir, label)
                self.registries.append(registry.start())
                repo = f"{registry.address}/{source}"
                run = Run(name, kind, registry, repo, self.bed.tag, f"{repo}:{self.bed.tag}")
                run.config = self.bed.pull_ids[source]
                self.pulled.append(run.ref)
            runs.append(run)
        return runs

    def close(self) -> None:
        for registry in self.registries:
            registry.kill()
        for ref in self.tags + self.pulled:
            remove_image(ref)


@pytest.fixture
def scene(bed: Bed, monkeypatch: pytest.MonkeyPatch) -> Iterator[Scene]:
    tmp = Path(tempfile.mkdtemp(prefix="tmp-", dir=bed.workdir))
    # Whatever the library writes through `tempfile` lands here, where only this test writes.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    s = Scene(bed, tmp)
    try:
        yield s
    finally:
        s.close()


def run_all(runs: list[Run]) -> None:
    """Run the calls at once, one thread each; print how long each took and how it ended."""

    def target(run: Run) -> None:
        try:
            VARIANTS[run.name][1](run)
        except BaseException:
            run.crash = traceback.format_exc()
        finally:
            run.finished.set()

    threads = [threading.Thread(target=target, args=(r,), daemon=True) for r in runs]
    for t in threads:
        t.start()
    deadline = time.monotonic() + CALL_DEADLINE
    for run in runs:
        run.finished.wait(max(0.0, deadline - time.monotonic()))
    for t in threads:
        t.join(1)
    for r in runs:
        outcome = r.items[-1] if r.items else r.error
        print(f"\n{r.name}: {r.ended - r.started:.1f} s, {outcome!r}", end="")


def check(run: Run) -> None:
    """Everything issue #4 asks of one call against a registry that died mid-transfer."""
    assert run.finished.is_set(), f"{run.name} hung (> {CALL_DEADLINE} s)"
    assert run.crash is None, run.crash
    registry = run.registry
    # The registry died while the layer was on the wire, before the call ended.
    assert registry.killed_at is not None, f"{run.name}: the registry was never killed"
    assert run.started < registry.killed_at < run.ended
    streamed = VARIANTS[run.name][2]
    if streamed:
        assert run.kill_item is not None
        detail = run.kill_item["progressDetail"]
        assert 0 < detail["current"] < detail["total"], run.kill_item
    else:
        assert registry.io_at_kill is not None and run.io_watched_from is not None
        assert registry.io_at_kill - run.io_watched_from < LAYER_BYTES, "the layer got through"
    # The failure is the daemon's message: its last retry of the layer was refused.
    pattern = re.escape(run.message)
    if streamed:
        # A raw stream is returned unchanged (docs/compatibility.md): the error is its last
        # item, and the stream ends without raising.
        assert run.error is None, repr(run.error)
        assert run.items, "no progress at all"
        last = run.items[-1]
        assert re.fullmatch(pattern, last.get("error", "")), last
        assert re.fullmatch(pattern, last["errorDetail"]["message"]), last
        statuses = {i.get("status") for i in run.items if isinstance(i, dict)}
        assert not statuses & COMPLETE, statuses
    else:
        assert isinstance(run.error, APIError), repr(run.error)
        assert run.error.explanation is not None
        assert re.fullmatch(pattern, run.error.explanation), run.error.explanation
        assert run.error.explanation in str(run.error)
        assert f"{run.kind} of {run.repo}" in str(run.error)
    # The connection went back to the pool, and the same client still works.
    assert run.pool_after == 1, f"{run.pool_after} connections after the failure"
    if run.kind == "push":
        assert run.followup == run.expect_id, "the local image changed"
        # Nothing was published: no blob made it, no manifest (the registry keeps only its
        # own half-finished upload under _uploads, as any registry does).
        v2 = registry.storage / "docker" / "registry" / "v2"
        assert not list((v2 / "blobs").rglob("data")), "a blob was completed"
        assert not list(v2.rglob("_manifests")), "a manifest was written"
    else:
        assert isinstance(run.followup, ImageNotFound), f"{run.ref} is present: {run.followup}"


def _check_all(runs: list[Run], scene: Scene, subtests: Any, fds_before: int) -> None:
    for run in runs:
        with subtests.test(msg=run.name):
            check(run)
    gc.collect()
    assert os.listdir(scene.tmp) == [], "temporary files left behind"
    assert _open_fds() <= fds_before, "a socket or file was leaked"


# the tests -------------------------------------------------------------------------------------
def test_whole_replies_raise_api_error(scene: Scene, subtests: Any) -> None:
    """Non-streamed push and pull, high and low level: ``APIError`` with the daemon's message.

    2 pushes (~50 s) and 2 pulls (~75 s) at once.
    """
    runs = scene.runs(
        [
            "client.images.push",
            "APIClient.push(stream=False)",
            "client.images.pull",
            "APIClient.pull(stream=False)",
        ]
    )
    fds_before = _open_fds()
    run_all(runs)
    _check_all(runs, scene, subtests, fds_before)


def test_streams_end_with_the_error_and_async_client(scene: Scene, subtests: Any) -> None:
    """Streamed push and pull end with the error item; the async client raises or streams.

    3 pushes (~50 s) and 2 pulls (~75 s) at once.
    """
    runs = scene.runs(
        [
            "APIClient.push(stream=True, decode=True)",
            "APIClient.pull(stream=True, decode=True)",
            "AsyncAPIClient.push(stream=True, decode=True)",
            "AsyncDockerClient.images.push",
            "AsyncDockerClient.images.pull",
        ]
    )
    fds_before = _open_fds()
    run_all(runs)
    _check_all(runs, scene, subtests, fds_before)
