"""Container endpoints: create, inspect, start, stop, logs, attach, archives, stats and more."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._core.endpoint import Call, endpoint
from .._core.message import DEFAULT_TIMEOUT, Request, quote_path_arg
from .._core.streams import json_items, raw_chunks, rechunk
from ..errors import DeprecatedMethod, InvalidArgument, InvalidVersion
from ..utils.decorators import check_resource, minimum_version
from ..utils.utils import (
    convert_filters,
    datetime_to_timestamp,
    format_environment,
    parse_bytes,
    version_lt,
)
from .daemon import json_request

if TYPE_CHECKING:
    from datetime import datetime

__all__ = ["ContainerApiMixin", "decode_stat_header", "output_decoder"]


def output_decoder(tty: bool, demux: bool) -> Any:
    """Decoder factory for container output: raw for a TTY, multiplexed frames otherwise."""
    from .._core.frames import FrameDecoder, TTYDecoder

    if tty:
        return lambda: TTYDecoder(demux)
    return lambda: FrameDecoder(demux)


def decode_stat_header(value: str | None) -> Any:
    """Decode the ``X-Docker-Container-Path-Stat`` header (base64 of a JSON object)."""
    if not value:
        return None
    import base64
    import json

    return json.loads(base64.b64decode(value))


def _time_param(name: str, value: Any) -> int | float:
    from datetime import datetime

    if isinstance(value, datetime):
        return datetime_to_timestamp(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return value
    raise InvalidArgument(
        f"{name} value should be datetime or positive int/float, not {type(value)}"
    )


class ContainerApiMixin:
    """Endpoints about containers."""

    _version: str
    _proxy_configs: Any
    _general_configs: dict[str, Any]
    timeout: float | None

    # Reads and output -------------------------------------------------------------------------
    def _is_tty(self, container: str) -> Call[bool]:
        response = yield Request("GET", f"/containers/{_q(container)}/json")
        return bool(response.json()["Config"]["Tty"])

    @endpoint
    @check_resource("container")
    def attach(
        self,
        container: str,
        stdout: bool = True,
        stderr: bool = True,
        stream: bool = False,
        logs: bool = False,
        demux: bool = False,
    ) -> Call[Any]:
        """Attach to a container's output.

        Returns the output as bytes (or ``(stdout, stderr)`` with ``demux``) once the container's
        streams close, or with ``stream=True`` a closable stream of pieces as they come.
        """
        tty = yield from self._is_tty(container)
        params = {
            "logs": 1 if logs else 0,
            "stdout": 1 if stdout else 0,
            "stderr": 1 if stderr else 0,
            "stream": 1 if stream else 0,
        }
        output = yield Request(
            "POST",
            f"/containers/{_q(container)}/attach",
            params=params,
            upgrade=True,
            stream=output_decoder(tty, demux),
            collect=not stream,
            timeout=None if stream else DEFAULT_TIMEOUT,
        )
        if stream:
            return output
        from .._core.frames import collect

        return collect(output, demux)

    @endpoint
    @check_resource("container")
    def attach_socket(
        self, container: str, params: dict[str, Any] | None = None, ws: bool = False
    ) -> Call[Any]:
        """A raw two-way connection to the container's stdin/stdout/stderr.

        The result can ``recv``, ``sendall`` (stdin), ``shutdown_write`` (end stdin while still
        reading) and ``close``.  ``params`` defaults to stdout, stderr and stream.
        """
        if ws:
            from ..errors import DockerException

            raise DockerException(
                "attach_socket(ws=True) needs a websocket client, which this library does not "
                "ship; use the default upgraded connection instead"
            )
        if params is None:
            params = {"stdout": 1, "stderr": 1, "stream": 1}
        if "detachKeys" not in params and "detachKeys" in self._general_configs:
            params = {**params, "detachKeys": self._general_configs["detachKeys"]}
        connection = yield Request(
            "POST",
            f"/containers/{_q(container)}/attach",
            params=params,
            upgrade=True,
            timeout=None,
            apply_config_headers=False,
        )
        return connection

    @endpoint
    @check_resource("container")
    def commit(
        self,
        container: str,
        repository: str | None = None,
        tag: str | None = None,
        message: str | None = None,
        author: str | None = None,
        pause: bool = True,
        changes: str | list[str] | None = None,
        conf: dict[str, Any] | None = None,
    ) -> Call[dict[str, Any]]:
        """Make an image of a container's current state; returns ``{"Id": ...}``."""
        params = {
            "container": container,
            "repo": repository,
            "tag": tag,
            "comment": message,
            "author": author,
            "pause": pause,
            "changes": changes,
        }
        response = yield json_request("POST", "/commit", conf, params=params)
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    def containers(
        self,
        quiet: bool = False,
        all: bool = False,
        trunc: bool = False,
        latest: bool = False,
        since: str | None = None,
        before: str | None = None,
        limit: int = -1,
        size: bool = False,
        filters: dict[str, Any] | None = None,
    ) -> Call[list[dict[str, Any]]]:
        """List containers (running ones unless ``all``), like ``docker ps``."""
        params: dict[str, Any] = {
            "limit": 1 if latest else limit,
            "all": 1 if all else 0,
            "size": 1 if size else 0,
            "trunc_cmd": 1 if trunc else 0,
            "since": since,
            "before": before,
        }
        if filters:
            params["filters"] = convert_filters(filters)
        response = yield Request("GET", "/containers/json", params=params)
        result: list[dict[str, Any]] = response.json()
        if quiet:
            return [{"Id": x["Id"]} for x in result]
        if trunc:
            for x in result:
                x["Id"] = x["Id"][:12]
        return result

    @endpoint
    def create_container(
        self,
        image: str,
        command: str | list[str] | None = None,
        hostname: str | None = None,
        user: str | int | None = None,
        detach: bool = False,
        stdin_open: bool = False,
        tty: bool = False,
        ports: Any = None,
        environment: dict[str, Any] | list[str] | None = None,
        volumes: str | list[str] | None = None,
        network_disabled: bool = False,
        name: str | None = None,
        entrypoint: str | list[str] | None = None,
        working_dir: str | None = None,
        domainname: str | None = None,
        host_config: dict[str, Any] | None = None,
        mac_address: str | None = None,
        labels: dict[str, str] | list[str] | None = None,
        stop_signal: str | None = None,
        networking_config: dict[str, Any] | None = None,
        healthcheck: dict[str, Any] | None = None,
        stop_timeout: int | None = None,
        runtime: str | None = None,
        use_config_proxy: bool = True,
        platform: str | None = None,
    ) -> Call[dict[str, Any]]:
        """Create a container (not started); returns ``{"Id": ..., "Warnings": [...]}``.

        ``host_config`` comes from :meth:`create_host_config`, ``networking_config`` from
        :meth:`create_networking_config`.  Proxy settings of the Docker config file are added
        to the environment unless ``use_config_proxy`` is false.
        """
        if isinstance(volumes, str):
            volumes = [volumes]
        if isinstance(environment, dict):
            environment = format_environment(environment)
        if use_config_proxy:
            environment = self._proxy_configs.inject_proxy_environment(environment) or None
        config = self.create_container_config(
            image,
            command,
            hostname,
            user,
            detach,
            stdin_open,
            tty,
            ports,
            environment,
            volumes,
            network_disabled,
            entrypoint,
            working_dir,
            domainname,
            host_config,
            mac_address,
            labels,
            stop_signal,
            networking_config,
            healthcheck,
            stop_timeout,
            runtime,
        )
        return (yield from self._create_from_config(config, name, platform))

    def create_container_config(self, *args: Any, **kwargs: Any) -> Any:
        """A :class:`~docker.types.ContainerConfig` for the API version in use."""
        from ..types.containers import ContainerConfig

        return ContainerConfig(self._version, *args, **kwargs)

    @endpoint
    def create_container_from_config(
        self, config: dict[str, Any], name: str | None = None, platform: str | None = None
    ) -> Call[dict[str, Any]]:
        """Create a container from a ready config dict."""
        return (yield from self._create_from_config(config, name, platform))

    def _create_from_config(
        self, config: dict[str, Any], name: str | None, platform: str | None
    ) -> Call[dict[str, Any]]:
        params: dict[str, Any] = {"name": name}
        if platform:
            if version_lt(self._version, "1.41"):
                raise InvalidVersion("platform is not supported for API version < 1.41")
            params["platform"] = platform
        response = yield json_request("POST", "/containers/create", config, params=params)
        return response.json()  # type: ignore[no-any-return]

    def create_host_config(self, *args: Any, **kwargs: Any) -> Any:
        """A :class:`~docker.types.HostConfig` for the API version in use."""
        from ..errors import create_unexpected_kwargs_error
        from ..types.containers import HostConfig

        if "version" in kwargs:
            raise create_unexpected_kwargs_error("create_host_config", {"version": None})
        kwargs["version"] = self._version
        return HostConfig(*args, **kwargs)

    def create_networking_config(self, *args: Any, **kwargs: Any) -> Any:
        """A :class:`~docker.types.NetworkingConfig`."""
        from ..types.networks import NetworkingConfig

        return NetworkingConfig(*args, **kwargs)

    def create_endpoint_config(self, *args: Any, **kwargs: Any) -> Any:
        """A :class:`~docker.types.EndpointConfig` for the API version in use."""
        from ..types.networks import EndpointConfig

        return EndpointConfig(self._version, *args, **kwargs)

    @endpoint
    @check_resource("container")
    def diff(self, container: str) -> Call[list[dict[str, Any]]]:
        """Changes to the container's filesystem: ``[{"Path": ..., "Kind": 0|1|2}]``."""
        response = yield Request("GET", f"/containers/{_q(container)}/changes")
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    @check_resource("container")
    def export(self, container: str, chunk_size: int | None = 2097152) -> Call[Any]:
        """The container's filesystem as a tar stream, in pieces of ``chunk_size`` bytes."""
        stream = yield Request(
            "GET", f"/containers/{_q(container)}/export", stream=rechunk(chunk_size)
        )
        return stream

    @endpoint
    @check_resource("container")
    def get_archive(
        self,
        container: str,
        path: str,
        chunk_size: int | None = 2097152,
        encode_stream: bool = False,
    ) -> Call[tuple[Any, Any]]:
        """A tar stream of ``path`` in the container, and the path's stat (a dict).

        Returns ``(stream, stat)``; the stream yields pieces of ``chunk_size`` bytes.
        """
        headers = {"Accept-Encoding": "gzip, deflate" if encode_stream else "identity"}
        stream = yield Request(
            "GET",
            f"/containers/{_q(container)}/archive",
            params={"path": path},
            headers=headers,
            stream=rechunk(chunk_size),
        )
        stat = decode_stat_header(stream.headers.get("x-docker-container-path-stat"))
        return stream, stat

    @endpoint
    @check_resource("container")
    def inspect_container(self, container: str) -> Call[dict[str, Any]]:
        """Everything the daemon knows about a container."""
        response = yield Request("GET", f"/containers/{_q(container)}/json")
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    @check_resource("container")
    def kill(self, container: str, signal: str | int | None = None) -> Call[None]:
        """Send a signal (default SIGKILL) to the container's main process."""
        params = {}
        if signal is not None:
            params["signal"] = signal if isinstance(signal, str) else int(signal)
        yield Request("POST", f"/containers/{_q(container)}/kill", params=params)

    @endpoint
    @check_resource("container")
    def logs(
        self,
        container: str,
        stdout: bool = True,
        stderr: bool = True,
        stream: bool = False,
        timestamps: bool = False,
        tail: str | int = "all",
        since: datetime | int | float | None = None,
        follow: bool | None = None,
        until: datetime | int | float | None = None,
    ) -> Call[Any]:
        """The container's output (bytes), or with ``stream=True`` a stream of pieces.

        ``tail`` is ``"all"`` or a number of lines; ``since``/``until`` take a datetime or a
        UNIX timestamp; ``follow`` (default: ``stream``) keeps the stream open for new output.
        """
        if follow is None:
            follow = stream
        if tail != "all" and (not isinstance(tail, int) or tail < 0):
            tail = "all"
        params: dict[str, Any] = {
            "stderr": 1 if stderr else 0,
            "stdout": 1 if stdout else 0,
            "timestamps": 1 if timestamps else 0,
            "follow": 1 if follow else 0,
            "tail": tail,
        }
        if since is not None:
            params["since"] = _time_param("since", since)
        if until is not None:
            if version_lt(self._version, "1.35"):
                raise InvalidVersion("until is not supported for API version < 1.35")
            params["until"] = _time_param("until", until)
        tty = yield from self._is_tty(container)
        decoder = output_decoder(tty, False)
        path = f"/containers/{_q(container)}/logs"
        if stream:
            return (yield Request("GET", path, params=params, stream=decoder))
        if tty:
            response = yield Request("GET", path, params=params)
            return response.content
        # Decode the frames as they arrive: one copy of the output, not two.
        items = yield Request("GET", path, params=params, stream=decoder, collect=True)
        from .._core.frames import collect

        return collect(items)

    @endpoint
    @check_resource("container")
    def pause(self, container: str) -> Call[None]:
        """Freeze every process of the container."""
        yield Request("POST", f"/containers/{_q(container)}/pause")

    @endpoint
    @check_resource("container")
    def port(self, container: str, private_port: int | str) -> Call[list[dict[str, str]] | None]:
        """The host addresses a container port is published on, or None."""
        response = yield Request("GET", f"/containers/{_q(container)}/json")
        ports = (response.json().get("NetworkSettings") or {}).get("Ports")
        if ports is None:
            return None
        key = str(private_port)
        if "/" in key:
            return ports.get(key)  # type: ignore[no-any-return]
        for proto in ("tcp", "udp", "sctp"):
            found = ports.get(f"{key}/{proto}")
            if found:
                return found  # type: ignore[no-any-return]
        return None

    @endpoint
    @check_resource("container")
    def put_archive(self, container: str, path: str, data: Any) -> Call[bool]:
        """Extract a tar archive (bytes or an iterable/stream of bytes) at ``path``."""
        response = yield Request(
            "PUT", f"/containers/{_q(container)}/archive", params={"path": path}, body=data
        )
        return response.status_code == 200  # type: ignore[no-any-return]

    @endpoint
    @minimum_version("1.25")
    def prune_containers(self, filters: dict[str, Any] | None = None) -> Call[dict[str, Any]]:
        """Remove stopped containers (matching ``filters``)."""
        params = {"filters": convert_filters(filters)} if filters else {}
        response = yield Request("POST", "/containers/prune", params=params)
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    @check_resource("container")
    def remove_container(
        self, container: str, v: bool = False, link: bool = False, force: bool = False
    ) -> Call[None]:
        """Remove a container (``force`` kills it first, ``v`` removes its anonymous volumes)."""
        params = {"v": v, "link": link, "force": force}
        yield Request("DELETE", f"/containers/{_q(container)}", params=params)

    @endpoint
    @check_resource("container")
    def rename(self, container: str, name: str) -> Call[None]:
        """Give the container a new name."""
        yield Request("POST", f"/containers/{_q(container)}/rename", params={"name": name})

    @endpoint
    @check_resource("container")
    def resize(self, container: str, height: int, width: int) -> Call[None]:
        """Resize the container's TTY."""
        params = {"h": height, "w": width}
        yield Request("POST", f"/containers/{_q(container)}/resize", params=params)

    @endpoint
    @check_resource("container")
    def restart(self, container: str, timeout: int = 10) -> Call[None]:
        """Restart the container, killing it after ``timeout`` seconds if it does not stop."""
        yield Request(
            "POST",
            f"/containers/{_q(container)}/restart",
            params={"t": timeout},
            timeout=_extended(self.timeout, timeout),
        )

    @endpoint
    @check_resource("container")
    def start(self, container: str, *args: Any, **kwargs: Any) -> Call[None]:
        """Start a created container."""
        if args or kwargs:
            raise DeprecatedMethod(
                "Providing configuration in the start() method is no longer supported. Use the "
                "host_config param in create_container instead."
            )
        yield Request("POST", f"/containers/{_q(container)}/start")

    @endpoint
    @check_resource("container")
    def stats(
        self,
        container: str,
        decode: bool | None = None,
        stream: bool = True,
        one_shot: bool | None = None,
    ) -> Call[Any]:
        """Resource usage statistics: a stream (bytes, or dicts with ``decode``) or one dict."""
        params: dict[str, Any] = {"stream": stream}
        if one_shot is not None:
            if version_lt(self._version, "1.41"):
                raise InvalidVersion("one_shot is not supported for API version < 1.41")
            params["one-shot"] = one_shot
        path = f"/containers/{_q(container)}/stats"
        if stream:
            if one_shot:
                raise InvalidArgument("one_shot is only available in conjunction with stream=False")
            return (
                yield Request(
                    "GET", path, params=params, stream=json_items if decode else raw_chunks
                )
            )
        if decode:
            raise InvalidArgument("decode is only available in conjunction with stream=True")
        response = yield Request("GET", path, params=params)
        return response.json()

    @endpoint
    @check_resource("container")
    def stop(self, container: str, timeout: int | None = None) -> Call[None]:
        """Stop the container: SIGTERM, then SIGKILL after ``timeout`` seconds."""
        params = {} if timeout is None else {"t": timeout}
        yield Request(
            "POST",
            f"/containers/{_q(container)}/stop",
            params=params,
            timeout=_extended(self.timeout, 10 if timeout is None else timeout),
        )

    @endpoint
    @check_resource("container")
    def top(self, container: str, ps_args: str | None = None) -> Call[dict[str, Any]]:
        """The container's processes: ``{"Titles": [...], "Processes": [[...]]}``."""
        params = {} if ps_args is None else {"ps_args": ps_args}
        response = yield Request("GET", f"/containers/{_q(container)}/top", params=params)
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    @check_resource("container")
    def unpause(self, container: str) -> Call[None]:
        """Resume a paused container."""
        yield Request("POST", f"/containers/{_q(container)}/unpause")

    @endpoint
    @minimum_version("1.22")
    @check_resource("container")
    def update_container(
        self,
        container: str,
        blkio_weight: int | None = None,
        cpu_period: int | None = None,
        cpu_quota: int | None = None,
        cpu_shares: int | None = None,
        cpuset_cpus: str | None = None,
        cpuset_mems: str | None = None,
        mem_limit: str | int | None = None,
        mem_reservation: str | int | None = None,
        memswap_limit: str | int | None = None,
        kernel_memory: str | int | None = None,
        restart_policy: dict[str, Any] | None = None,
    ) -> Call[dict[str, Any]]:
        """Change a container's resource limits or restart policy while it exists."""
        data: dict[str, Any] = {}
        for key, value in (
            ("BlkioWeight", blkio_weight),
            ("CpuPeriod", cpu_period),
            ("CpuShares", cpu_shares),
            ("CpuQuota", cpu_quota),
            ("CpusetCpus", cpuset_cpus),
            ("CpusetMems", cpuset_mems),
        ):
            if value:
                data[key] = value
        for key, size in (
            ("Memory", mem_limit),
            ("MemoryReservation", mem_reservation),
            ("MemorySwap", memswap_limit),
            ("KernelMemory", kernel_memory),
        ):
            if size:
                data[key] = parse_bytes(size)
        if restart_policy:
            if version_lt(self._version, "1.23"):
                raise InvalidVersion(
                    "restart policy update is not supported for API version < 1.23"
                )
            data["RestartPolicy"] = restart_policy
        response = yield json_request("POST", f"/containers/{_q(container)}/update", data)
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    @check_resource("container")
    def wait(
        self, container: str, timeout: float | None = None, condition: str | None = None
    ) -> Call[dict[str, Any]]:
        """Block until the container stops; returns ``{"StatusCode": ..., "Error": ...}``.

        ``timeout`` bounds the wait (a :class:`~docker.errors.DaemonTimeout` when it expires);
        ``condition`` is ``not-running`` (default), ``next-exit`` or ``removed``.
        """
        params = {}
        if condition is not None:
            if version_lt(self._version, "1.30"):
                raise InvalidVersion("wait condition is not supported for API version < 1.30")
            params["condition"] = condition
        response = yield Request(
            "POST", f"/containers/{_q(container)}/wait", params=params, timeout=timeout
        )
        return response.json()  # type: ignore[no-any-return]


def _extended(base: float | None, extra: float) -> float | None:
    """The request timeout of calls that wait on the daemon for ``extra`` seconds."""
    return None if base is None else base + extra


def _q(arg: str) -> str:
    """One path argument, checked and percent-quoted."""
    if not isinstance(arg, str):
        raise ValueError(f"Expected a string but found {arg} ({type(arg)}) instead")
    return quote_path_arg(arg)
