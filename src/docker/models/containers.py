"""Containers as objects: ``client.containers``, :class:`Container` and :class:`ExecResult`."""

from __future__ import annotations

import builtins
import ntpath
import time
from collections.abc import Awaitable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from .._core.endpoint import Call, endpoint
from .._core.message import Request, quote_path_arg
from .._core.modelcall import (
    ApiVersion,
    Close,
    Collect,
    ModelCall,
    Next,
    PerDriver,
    Sleep,
    model_call,
    run_model_async,
    run_model_sync,
)
from .._core.streams import json_items
from ..errors import (
    ContainerError,
    DockerException,
    ImageNotFound,
    NotFound,
    create_unexpected_kwargs_error,
)
from ..types.daemon import CancellableStream
from ..utils.utils import version_gte
from .resource import Collection, Model

if TYPE_CHECKING:
    from .images import Image

__all__ = [
    "RUN_CREATE_KWARGS",
    "RUN_HOST_CONFIG_KWARGS",
    "AsyncExecOutput",
    "Container",
    "ContainerCollection",
    "ExecOutput",
    "ExecResult",
]


class ExecResult(NamedTuple):
    """What :meth:`Container.exec_run` returns: ``(exit_code, output)``."""

    #: The command's exit status; None when the output is streamed or a socket.
    exit_code: int | None
    #: ``bytes``, a ``(stdout, stderr)`` tuple with ``demux``, an :class:`ExecOutput` with
    #: ``stream``, or the connection with ``socket``.
    output: Any


def _exit_code(api: Any, exec_id: str, wait: float) -> ModelCall[int | None]:
    """The exit status of an exec, waiting up to ``wait`` seconds for it; None while running."""
    deadline = time.monotonic() + wait
    while True:
        info = yield api.exec_inspect(exec_id)
        if not info.get("Running"):
            code: int | None = info.get("ExitCode")
            return code
        if time.monotonic() >= deadline:
            return None
        yield Sleep(0.02)


class ExecOutput:
    """The streamed output of ``exec_run(..., stream=True)``, with the exit code at the end.

    Iterate it for the output pieces (``bytes``, or ``(stdout, stderr)`` tuples with
    ``demux``); :meth:`close` or ``with`` stops early.  Once the stream has ended,
    :attr:`exit_code` gives the command's exit status::

        result = container.exec_run("sh -c 'echo hi; exit 3'", stream=True)
        for chunk in result.output:
            ...
        result.output.exit_code  # 3

    This is an addition: the original SDK gave no way to learn the status of a streamed exec.
    The async client gives an :class:`AsyncExecOutput` instead.
    """

    #: How long :attr:`exit_code` waits, after the output ended, for the process to be reaped.
    exit_wait: float = 10.0

    def __init__(self, stream: Any, api: Any, exec_id: str) -> None:
        self._stream = stream
        self._api = api
        #: The ID of the exec instance (for ``APIClient.exec_inspect``).
        self.exec_id = exec_id
        self._ended = False
        self._exit_code: int | None = None

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        try:
            return next(self._stream)
        except StopIteration:
            self._ended = True
            raise

    next = __next__

    @property
    def headers(self) -> Any:
        """The HTTP headers of the exec start reply."""
        return getattr(self._stream, "headers", {})

    @property
    def exit_code(self) -> int | None:
        """The command's exit status, or None while it still runs.

        After the output has ended this waits briefly (up to :attr:`exit_wait` seconds) for the
        daemon to record the exit, so reading it right after the loop gives the status.
        """
        if self._exit_code is None:
            wait = self.exit_wait if self._ended else 0.0
            self._exit_code = run_model_sync(_exit_code(self._api, self.exec_id, wait))
        return self._exit_code

    def close(self) -> None:
        """Stop reading and release the connection (the command keeps running)."""
        self._stream.close()

    def __enter__(self) -> ExecOutput:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncExecOutput:
    """:class:`ExecOutput` for the async client: ``async for``, ``await aclose()``, and
    ``await output.exit_code``."""

    #: How long :attr:`exit_code` waits, after the output ended, for the process to be reaped.
    exit_wait: float = 10.0

    def __init__(self, stream: Any, api: Any, exec_id: str) -> None:
        self._stream = stream
        self._api = api
        #: The ID of the exec instance (for ``AsyncAPIClient.exec_inspect``).
        self.exec_id = exec_id
        self._ended = False
        self._exit_code: int | None = None

    def __aiter__(self) -> AsyncExecOutput:
        return self

    async def __anext__(self) -> Any:
        try:
            return await self._stream.__anext__()
        except StopAsyncIteration:
            self._ended = True
            raise

    @property
    def headers(self) -> Any:
        """The HTTP headers of the exec start reply."""
        return getattr(self._stream, "headers", {})

    @property
    def exit_code(self) -> Awaitable[int | None]:
        """An awaitable: the command's exit status, or None while it still runs.

        After the output has ended this waits briefly (up to :attr:`exit_wait` seconds) for the
        daemon to record the exit.
        """
        return self._get_exit_code()

    async def _get_exit_code(self) -> int | None:
        if self._exit_code is None:
            wait = self.exit_wait if self._ended else 0.0
            self._exit_code = await run_model_async(_exit_code(self._api, self.exec_id, wait))
        return self._exit_code

    async def aclose(self) -> None:
        """Stop reading and release the connection (the command keeps running)."""
        await self._stream.aclose()

    async def __aenter__(self) -> AsyncExecOutput:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


class _ReplayedOutput:
    """``run(stream=True)`` output on the async client: the pieces already read, async."""

    def __init__(self, chunks: builtins.list[Any]) -> None:
        self._chunks = iter(chunks)

    def __aiter__(self) -> _ReplayedOutput:
        return self

    async def __anext__(self) -> Any:
        try:
            return next(self._chunks)
        except StopIteration:
            raise StopAsyncIteration from None

    async def aclose(self) -> None:
        """Nothing to release: the output was read already."""
        self._chunks = iter(())

    async def __aenter__(self) -> _ReplayedOutput:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


class Container(Model):
    """A Docker container.  ``attrs`` holds what the Engine API reports about it.

    The attributes are a snapshot: methods such as :meth:`start` do not refresh them; call
    :meth:`~docker.models.resource.Model.reload` for the current state.
    """

    @property
    def name(self) -> str | None:
        """The container's name, without the leading ``/`` (None for a sparse list item)."""
        name = self.attrs.get("Name")
        if name is None:
            return None
        result: str = name.lstrip("/")
        return result

    @property
    @model_call
    def image(self) -> ModelCall[Image | None]:
        """The container's image, as an :class:`~docker.models.images.Image` (or None).

        On the async client the property is an awaitable: ``await container.image``.
        """
        image_id = self.attrs.get("ImageID") or self.attrs.get("Image")
        if image_id is None:
            return None
        if image_id.startswith("sha256:"):
            image_id = image_id.split(":", 1)[1]
        image: Image = yield self.client.images.get(image_id)
        return image

    @property
    def labels(self) -> dict[str, str]:
        """The container's labels (needs full attributes: not a sparse list item)."""
        try:
            labels: dict[str, str] = self.attrs["Config"].get("Labels") or {}
        except KeyError:
            raise DockerException(
                "Label data is not available for sparse objects. Call reload() to retrieve "
                "all information"
            ) from None
        return labels

    @property
    def status(self) -> Any:
        """The state: ``created``, ``running``, ``paused``, ``restarting``, ``exited``, ..."""
        state = self.attrs["State"]
        if isinstance(state, dict):
            return state["Status"]
        return state

    @property
    def health(self) -> str:
        """The health check status (``starting``, ``healthy``, ``unhealthy``) or ``unknown``."""
        status: str = self.attrs.get("State", {}).get("Health", {}).get("Status", "unknown")
        return status

    @property
    def ports(self) -> dict[str, Any]:
        """Published ports: ``{'80/tcp': [{'HostIp': ..., 'HostPort': ...}], ...}``."""
        ports: dict[str, Any] = self.attrs.get("NetworkSettings", {}).get("Ports", {})
        return ports

    @model_call
    def attach(self, **kwargs: Any) -> ModelCall[Any]:
        """The container's output; see :meth:`~docker.api.container.ContainerApiMixin.attach`.

        Takes ``stdout``, ``stderr``, ``stream``, ``logs`` and ``demux``.
        """
        return (yield self.client.api.attach(self.id, **kwargs))

    @model_call
    def attach_socket(self, **kwargs: Any) -> ModelCall[Any]:
        """A raw two-way connection to the container's stdio (``params``, ``ws``)."""
        return (yield self.client.api.attach_socket(self.id, **kwargs))

    @model_call
    def commit(
        self, repository: str | None = None, tag: str | None = None, **kwargs: Any
    ) -> ModelCall[Image]:
        """Make an image of the container and return it (an :class:`Image`).

        Also takes ``message``, ``author``, ``pause``, ``changes`` and ``conf``.
        """
        resp = yield self.client.api.commit(self.id, repository=repository, tag=tag, **kwargs)
        image: Image = yield self.client.images.get(resp["Id"])
        return image

    @model_call
    def diff(self) -> ModelCall[builtins.list[dict[str, Any]]]:
        """Filesystem changes: ``[{'Path': ..., 'Kind': 0|1|2}]`` (modified, added, deleted)."""
        result: builtins.list[dict[str, Any]] = yield self.client.api.diff(self.id)
        return result

    @model_call
    def exec_run(
        self,
        cmd: str | builtins.list[str],
        stdout: bool = True,
        stderr: bool = True,
        stdin: bool = False,
        tty: bool = False,
        privileged: bool = False,
        user: str = "",
        detach: bool = False,
        stream: bool = False,
        socket: bool = False,
        environment: dict[str, Any] | builtins.list[str] | None = None,
        workdir: str | None = None,
        demux: bool = False,
    ) -> ModelCall[ExecResult]:
        """Run a command inside the running container, like ``docker exec``.

        Returns an :class:`ExecResult` ``(exit_code, output)``.  ``output`` is ``bytes``, or
        ``(stdout, stderr)`` with ``demux``.  With ``stream=True`` it is an
        :class:`ExecOutput` of pieces and ``exit_code`` is None; the stream's own
        ``exit_code`` gives the status once it has ended (an addition; on the async client an
        :class:`AsyncExecOutput`, whose ``exit_code`` is awaited).  With ``socket=True``
        it is the raw connection (``sendall`` for stdin, ``shutdown_write``, ``recv`` for the
        frames).  ``detach=True`` starts the command and returns at once (``output`` is
        ``''``).  ``environment`` is a dict or a ``['K=V']`` list; ``workdir`` the working
        directory; ``user`` and ``privileged`` as in ``docker exec``.
        """
        api = self.client.api
        resp = yield api.exec_create(
            self.id,
            cmd,
            stdout=stdout,
            stderr=stderr,
            stdin=stdin,
            tty=tty,
            privileged=privileged,
            user=user,
            environment=environment,
            workdir=workdir,
        )
        exec_id = resp["Id"]
        exec_output = yield api.exec_start(
            exec_id, detach=detach, tty=tty, stream=stream, socket=socket, demux=demux
        )
        if socket or stream:
            if stream and not socket and not detach:
                raw = exec_output
                exec_output = yield PerDriver(
                    lambda: ExecOutput(raw, api, exec_id),
                    lambda: AsyncExecOutput(raw, api, exec_id),
                )
            return ExecResult(None, exec_output)
        info = yield api.exec_inspect(exec_id)
        return ExecResult(info["ExitCode"], exec_output)

    @model_call
    def export(self, chunk_size: int | None = 2097152) -> ModelCall[Any]:
        """The container's filesystem as a tar archive: a stream of ``bytes`` pieces."""
        return (yield self.client.api.export(self.id, chunk_size))

    @model_call
    def get_archive(
        self, path: str, chunk_size: int | None = 2097152, encode_stream: bool = False
    ) -> ModelCall[tuple[Any, Any]]:
        """A tar archive of ``path``: ``(stream of bytes pieces, stat dict)``."""
        result: tuple[Any, Any] = yield self.client.api.get_archive(
            self.id, path, chunk_size, encode_stream
        )
        return result

    @model_call
    def kill(self, signal: str | int | None = None) -> ModelCall[None]:
        """Send a signal (default SIGKILL) to the container's main process."""
        yield self.client.api.kill(self.id, signal=signal)

    @model_call
    def logs(self, **kwargs: Any) -> ModelCall[Any]:
        """The container's output; see :meth:`~docker.api.container.ContainerApiMixin.logs`.

        Takes ``stdout``, ``stderr``, ``stream``, ``timestamps``, ``tail``, ``since``,
        ``follow`` and ``until``.
        """
        return (yield self.client.api.logs(self.id, **kwargs))

    @model_call
    def pause(self) -> ModelCall[None]:
        """Freeze every process of the container."""
        yield self.client.api.pause(self.id)

    @model_call
    def put_archive(self, path: str, data: Any) -> ModelCall[bool]:
        """Extract a tar archive (bytes or an iterable of bytes) at ``path``; True on success."""
        result: bool = yield self.client.api.put_archive(self.id, path, data)
        return result

    @model_call
    def remove(self, **kwargs: Any) -> ModelCall[None]:
        """Delete the container (``v`` for its anonymous volumes, ``link``, ``force``)."""
        yield self.client.api.remove_container(self.id, **kwargs)

    @model_call
    def rename(self, name: str) -> ModelCall[None]:
        """Give the container a new name."""
        yield self.client.api.rename(self.id, name)

    @model_call
    def resize(self, height: int, width: int) -> ModelCall[None]:
        """Resize the container's TTY."""
        yield self.client.api.resize(self.id, height, width)

    @model_call
    def restart(self, **kwargs: Any) -> ModelCall[None]:
        """Restart the container (``timeout`` seconds before it is killed, default 10)."""
        yield self.client.api.restart(self.id, **kwargs)

    @model_call
    def start(self, **kwargs: Any) -> ModelCall[None]:
        """Start the container (any argument raises :class:`~docker.errors.DeprecatedMethod`)."""
        yield self.client.api.start(self.id, **kwargs)

    @model_call
    def stats(self, **kwargs: Any) -> ModelCall[Any]:
        """Resource usage: a stream, or one dict with ``stream=False`` (also ``decode``,
        ``one_shot``)."""
        return (yield self.client.api.stats(self.id, **kwargs))

    @model_call
    def stop(self, **kwargs: Any) -> ModelCall[None]:
        """Stop the container: SIGTERM, then SIGKILL after ``timeout`` seconds (default 10)."""
        yield self.client.api.stop(self.id, **kwargs)

    @model_call
    def top(self, **kwargs: Any) -> ModelCall[dict[str, Any]]:
        """The container's processes: ``{'Titles': [...], 'Processes': [[...]]}`` (``ps_args``)."""
        result: dict[str, Any] = yield self.client.api.top(self.id, **kwargs)
        return result

    @model_call
    def unpause(self) -> ModelCall[None]:
        """Resume a paused container."""
        yield self.client.api.unpause(self.id)

    @model_call
    def update(self, **kwargs: Any) -> ModelCall[dict[str, Any]]:
        """Change resource limits or the restart policy; see ``APIClient.update_container``."""
        result: dict[str, Any] = yield self.client.api.update_container(self.id, **kwargs)
        return result

    @model_call
    def wait(self, **kwargs: Any) -> ModelCall[dict[str, Any]]:
        """Block until the container stops: ``{'StatusCode': ..., 'Error': ...}``.

        Takes ``timeout`` and ``condition`` (``not-running``, ``next-exit``, ``removed``).
        """
        result: dict[str, Any] = yield self.client.api.wait(self.id, **kwargs)
        return result


class ContainerCollection(Collection):
    """The containers of the daemon (``client.containers``)."""

    model = Container

    @model_call
    def run(
        self,
        image: Any,
        command: str | builtins.list[str] | None = None,
        stdout: bool = True,
        stderr: bool = False,
        remove: bool = False,
        **kwargs: Any,
    ) -> ModelCall[Any]:
        """Create and start a container, like ``docker run``.

        Pulls ``image`` first when it is missing.  With ``detach=True`` returns the
        :class:`Container` at once.  Otherwise waits for the container to exit and returns its
        logs (``stdout``/``stderr`` select the streams) as ``bytes``, or with ``stream=True`` a
        stream of pieces (the call still returns only after the exit; an async iterator on the
        async client); None when the logging driver keeps no logs.  A non-zero exit raises
        :class:`~docker.errors.ContainerError` carrying the stderr output.  ``remove=True``
        deletes the container after it exits.  The output is attached and the wait registered
        before the start (as the Docker CLI does), so a container that exits at once, or is
        auto-removed, loses nothing.

        Every other keyword goes to :meth:`create`: the container options (``name``,
        ``environment``, ``labels``, ``entrypoint``, ``working_dir``, ``user``, ``tty``,
        ``stdin_open``, ``platform``, ...), the host options (``auto_remove``, ``mem_limit``,
        ``privileged``, ``restart_policy``, ``mounts``, ...) and ``ports``
        (``{'80/tcp': 8080}``), ``volumes`` (``{'/host': {'bind': '/ctr', 'mode': 'ro'}}`` or
        ``['/host:/ctr:ro']``), ``network`` and ``networking_config``.  An unknown keyword
        raises ``TypeError``.
        """
        if isinstance(image, Model):
            image = image.id
        stream = kwargs.pop("stream", False)
        detach = kwargs.pop("detach", False)
        platform = kwargs.get("platform")

        if detach and remove:
            if version_gte((yield ApiVersion(self.client.api)), "1.25"):
                kwargs["auto_remove"] = True
            else:
                raise RuntimeError(
                    "The options 'detach' and 'remove' cannot be used together in api versions "
                    "< 1.25."
                )
        if kwargs.get("network") and kwargs.get("network_mode"):
            raise RuntimeError('The options "network" and "network_mode" can not be used together.')
        if kwargs.get("networking_config") and not kwargs.get("network"):
            raise RuntimeError('The option "networking_config" can not be used without "network".')

        try:
            container = yield self.create(image=image, command=command, detach=detach, **kwargs)
        except ImageNotFound:
            yield self.client.images.pull(image, platform=platform)
            container = yield self.create(image=image, command=command, detach=detach, **kwargs)

        if detach:
            yield container.start()
            return container

        logging_driver = container.attrs["HostConfig"]["LogConfig"]["Type"]
        keep_logs = logging_driver in ("json-file", "journald")
        out: Any = None
        if version_gte((yield ApiVersion(self.client.api)), "1.30"):
            # As the Docker CLI does: register the wait and attach before the start, so a
            # container that exits (or is auto-removed) at once loses neither output nor status.
            condition = "removed" if kwargs.get("auto_remove") else "next-exit"
            waiter = yield _open_wait(self.client.api, container.id, condition)
            chunks: builtins.list[Any] | None = None
            try:
                if keep_logs:
                    out = yield container.attach(
                        stdout=stdout, stderr=stderr, stream=True, logs=False
                    )
                yield container.start()
                # Read the output before the status: the daemon would block a container
                # whose attached output is not read.
                if out is not None:
                    chunks = yield Collect(out)
                exit_status = (yield Next(waiter))["StatusCode"]
            finally:
                yield Close(waiter)
                if out is not None:
                    yield Close(out)
            out = None
            if chunks is not None:
                read = chunks
                out = yield PerDriver(
                    lambda: CancellableStream(iter(read), _Finished()),
                    lambda: _ReplayedOutput(read),
                )
        else:
            yield container.start()
            if keep_logs:
                out = yield container.logs(stdout=stdout, stderr=stderr, stream=True, follow=True)
            exit_status = (yield container.wait())["StatusCode"]

        if exit_status != 0:
            if out is not None:
                yield Close(out)
            out = None
            if not kwargs.get("auto_remove"):
                out = yield container.logs(stdout=False, stderr=True)

        if remove:
            yield container.remove()
        if exit_status != 0:
            raise ContainerError(container, exit_status, command, image, out)

        if stream or out is None:
            return out
        return b"".join((yield Collect(out)))

    @model_call
    def create(  # type: ignore[override]
        self, image: Any, command: str | builtins.list[str] | None = None, **kwargs: Any
    ) -> ModelCall[Container]:
        """Create a container (not started) and return it, inspected.

        Takes the keywords of :meth:`run` except ``stdout``, ``stderr``, ``remove``,
        ``stream``; see there.
        """
        if isinstance(image, Model):
            image = image.id
        kwargs["image"] = image
        kwargs["command"] = command
        kwargs["version"] = yield ApiVersion(self.client.api)
        create_kwargs = _create_container_args(kwargs)
        resp = yield self.client.api.create_container(**create_kwargs)
        container: Container = yield self.get(resp["Id"])
        return container

    @model_call
    def get(self, container_id: str) -> ModelCall[Container]:
        """One container, by ID or name; :class:`~docker.errors.NotFound` when there is none."""
        container: Container = self.prepare_model(
            (yield self.client.api.inspect_container(container_id))
        )
        return container

    @model_call
    def list(
        self,
        all: bool = False,
        before: str | None = None,
        filters: dict[str, Any] | None = None,
        limit: int = -1,
        since: str | None = None,
        sparse: bool = False,
        ignore_removed: bool = False,
    ) -> ModelCall[builtins.list[Container]]:
        """The containers (running ones unless ``all``), newest first.

        ``filters`` as in ``docker ps --filter`` (``{'label': 'a=b', 'status': 'exited'}``);
        ``limit`` the newest N; ``since``/``before`` a container ID or name.  Each container is
        inspected (one request each) unless ``sparse``, which keeps the list reply's fields
        (then ``name`` and ``labels`` are unavailable).  ``ignore_removed`` skips containers
        removed between the list and the inspect instead of raising
        :class:`~docker.errors.NotFound`.
        """
        resp = yield self.client.api.containers(
            all=all, before=before, filters=filters, limit=limit, since=since
        )
        if sparse:
            return [self.prepare_model(r) for r in resp]
        containers: builtins.list[Container] = []
        for r in resp:
            try:
                containers.append((yield self.get(r["Id"])))
            except NotFound:
                if not ignore_removed:
                    raise
        return containers

    @model_call
    def prune(self, filters: dict[str, Any] | None = None) -> ModelCall[dict[str, Any]]:
        """Delete stopped containers (matching ``filters``).

        Returns ``{'ContainersDeleted': [...], 'SpaceReclaimed': n}``.
        """
        result: dict[str, Any] = yield self.client.api.prune_containers(filters=filters)
        return result


#: ``run``/``create`` keywords handed unchanged to ``APIClient.create_container``.
RUN_CREATE_KWARGS = [
    "command",
    "detach",
    "domainname",
    "entrypoint",
    "environment",
    "healthcheck",
    "hostname",
    "image",
    "labels",
    "mac_address",
    "name",
    "network_disabled",
    "platform",
    "stdin_open",
    "stop_signal",
    "tty",
    "use_config_proxy",
    "user",
    "working_dir",
]

#: ``run``/``create`` keywords handed unchanged to :class:`~docker.types.HostConfig`.
RUN_HOST_CONFIG_KWARGS = [
    "auto_remove",
    "blkio_weight_device",
    "blkio_weight",
    "cap_add",
    "cap_drop",
    "cgroup_parent",
    "cgroupns",
    "cpu_count",
    "cpu_percent",
    "cpu_period",
    "cpu_quota",
    "cpu_shares",
    "cpuset_cpus",
    "cpuset_mems",
    "cpu_rt_period",
    "cpu_rt_runtime",
    "device_cgroup_rules",
    "device_read_bps",
    "device_read_iops",
    "device_write_bps",
    "device_write_iops",
    "devices",
    "device_requests",
    "dns_opt",
    "dns_search",
    "dns",
    "extra_hosts",
    "group_add",
    "init",
    "init_path",
    "ipc_mode",
    "isolation",
    "kernel_memory",
    "links",
    "log_config",
    "lxc_conf",
    "mem_limit",
    "mem_reservation",
    "mem_swappiness",
    "memswap_limit",
    "mounts",
    "nano_cpus",
    "network_mode",
    "oom_kill_disable",
    "oom_score_adj",
    "pid_mode",
    "pids_limit",
    "privileged",
    "publish_all_ports",
    "read_only",
    "restart_policy",
    "security_opt",
    "shm_size",
    "storage_opt",
    "sysctls",
    "tmpfs",
    "ulimits",
    "userns_mode",
    "uts_mode",
    "version",
    "volume_driver",
    "volumes_from",
    "runtime",
]


class _Finished:
    """The closable behind a stream whose items were all read already."""

    closed = True

    def close(self) -> None:
        """Nothing to release."""


@endpoint
def _open_wait(api: Any, container: str, condition: str) -> Call[Any]:
    """Start waiting for ``condition``; returns once the daemon has registered the wait.

    The daemon sends the reply head at once and the status when the condition is met: the
    stream's single item is ``{'StatusCode': ..., 'Error': ...}``.
    """
    stream = yield Request(
        "POST",
        f"/containers/{quote_path_arg(container)}/wait",
        params={"condition": condition},
        stream=json_items,
        timeout=None,
    )
    return stream


def _create_container_args(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Split ``run``/``create`` keywords into ``create_container`` keywords and a HostConfig.

    Unknown keywords raise ``TypeError`` (naming ``run()``).  ``kwargs`` is not modified.
    """
    from ..types.containers import HostConfig
    from ..types.networks import NetworkingConfig

    kwargs = dict(kwargs)
    create_kwargs: dict[str, Any] = {}
    for key in RUN_CREATE_KWARGS:
        if key in kwargs:
            create_kwargs[key] = kwargs.pop(key)
    host_config_kwargs: dict[str, Any] = {}
    for key in RUN_HOST_CONFIG_KWARGS:
        if key in kwargs:
            host_config_kwargs[key] = kwargs.pop(key)

    ports = kwargs.pop("ports", {})
    if ports:
        host_config_kwargs["port_bindings"] = ports

    volumes = kwargs.pop("volumes", {})
    if volumes:
        host_config_kwargs["binds"] = volumes

    network = kwargs.pop("network", None)
    networking_config = kwargs.pop("networking_config", None)
    if network:
        if networking_config:
            if network in networking_config:
                create_kwargs["networking_config"] = NetworkingConfig(networking_config)
        else:
            # Gap B3 (kept): not wrapped in EndpointsConfig; NetworkMode does the work.
            create_kwargs["networking_config"] = {network: None}
        host_config_kwargs["network_mode"] = network

    if kwargs:
        raise create_unexpected_kwargs_error("run", kwargs)

    create_kwargs["host_config"] = HostConfig(**host_config_kwargs)

    port_bindings = create_kwargs["host_config"].get("PortBindings")
    if port_bindings:
        create_kwargs["ports"] = [tuple(p.split("/", 1)) for p in sorted(port_bindings)]

    if volumes:
        if isinstance(volumes, dict):
            create_kwargs["volumes"] = [v.get("bind") for v in volumes.values()]
        else:
            create_kwargs["volumes"] = [_host_volume_from_bind(v) for v in volumes]
    return create_kwargs


def _host_volume_from_bind(bind: str) -> str:
    """The container path of a ``host:container[:mode]`` bind string.

    Gap B4 (kept): only a ``:ro``/``:rw`` mode is cut off, so ``v:/x:ro,z`` gives ``/x:ro,z``.
    """
    drive, rest = ntpath.splitdrive(bind)
    bits = rest.split(":", 1)
    if len(bits) == 1 or bits[1] in ("ro", "rw"):
        return drive + bits[0]
    if bits[1].endswith((":ro", ":rw")):
        return bits[1][:-3]
    return bits[1]
