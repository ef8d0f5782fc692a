"""Exec endpoints: run a command inside a running container."""

from __future__ import annotations

from typing import Any

from .._core.endpoint import Call, endpoint
from .._core.message import DEFAULT_TIMEOUT, Request
from ..errors import InvalidVersion
from ..utils.decorators import check_resource
from ..utils.utils import format_environment, split_command, version_lt
from .container import _q, output_decoder
from .daemon import json_request

__all__ = ["ExecApiMixin"]


def _exec_id(exec_id: Any) -> str:
    return exec_id["Id"] if isinstance(exec_id, dict) else exec_id  # type: ignore[no-any-return]


class ExecApiMixin:
    """Endpoints that create, start and inspect exec instances."""

    _version: str
    _general_configs: dict[str, Any]

    @endpoint
    @check_resource("container")
    def exec_create(
        self,
        container: str,
        cmd: str | list[str],
        stdout: bool = True,
        stderr: bool = True,
        stdin: bool = False,
        tty: bool = False,
        privileged: bool = False,
        user: str = "",
        environment: dict[str, Any] | list[str] | None = None,
        workdir: str | None = None,
        detach_keys: str | None = None,
    ) -> Call[dict[str, Any]]:
        """Prepare a command to run in the container; returns ``{"Id": ...}`` for exec_start."""
        if environment is not None and version_lt(self._version, "1.25"):
            raise InvalidVersion("Setting environment for exec is not supported in API < 1.25")
        if isinstance(cmd, str):
            cmd = split_command(cmd)
        if isinstance(environment, dict):
            environment = format_environment(environment)
        data: dict[str, Any] = {
            "Container": container,
            "User": user,
            "Privileged": privileged,
            "Tty": tty,
            "AttachStdin": stdin,
            "AttachStdout": stdout,
            "AttachStderr": stderr,
            "Cmd": cmd,
            "Env": environment,
        }
        if workdir is not None:
            if version_lt(self._version, "1.35"):
                raise InvalidVersion("workdir is not supported for API < 1.35")
            data["WorkingDir"] = workdir
        if detach_keys:
            data["detachKeys"] = detach_keys
        elif "detachKeys" in self._general_configs:
            data["detachKeys"] = self._general_configs["detachKeys"]
        response = yield json_request("POST", f"/containers/{_q(container)}/exec", data)
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    def exec_inspect(self, exec_id: str | dict[str, Any]) -> Call[dict[str, Any]]:
        """State of an exec instance (``Running``, ``ExitCode``, ...)."""
        response = yield Request("GET", f"/exec/{_q(_exec_id(exec_id))}/json")
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    def exec_resize(
        self, exec_id: str | dict[str, Any], height: int | None = None, width: int | None = None
    ) -> Call[None]:
        """Resize the TTY of an exec instance."""
        params = {"h": height, "w": width}
        yield Request("POST", f"/exec/{_q(_exec_id(exec_id))}/resize", params=params)

    @endpoint
    @check_resource("exec_id")
    def exec_start(
        self,
        exec_id: str,
        detach: bool = False,
        tty: bool = False,
        stream: bool = False,
        socket: bool = False,
        demux: bool = False,
    ) -> Call[Any]:
        """Run a created exec instance.

        Returns its output as bytes (``(stdout, stderr)`` with ``demux``); with ``stream=True``
        a closable stream of pieces; with ``socket=True`` the raw two-way connection (write
        stdin, read frames); with ``detach=True`` nothing to read (an empty string).
        """
        path = f"/exec/{_q(exec_id)}/start"
        data = {"Tty": tty, "Detach": detach}
        if detach:
            response = yield json_request("POST", path, data)
            return response.text
        request = json_request("POST", path, data, upgrade=True)
        if socket:
            request.timeout = None
            return (yield request)
        request.stream = output_decoder(tty, demux)
        request.collect = not stream
        request.timeout = None if stream else DEFAULT_TIMEOUT
        output = yield request
        if stream:
            return output
        from .._core.frames import collect

        return collect(output, demux)
