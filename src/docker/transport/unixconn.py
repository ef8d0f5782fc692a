"""Unix domain socket transport (``unix:///var/run/docker.sock``)."""

from __future__ import annotations

import errno
import socket
from typing import TYPE_CHECKING

from .base import Transport

if TYPE_CHECKING:
    from collections.abc import Callable

    from .base import P

__all__ = ["UnixHTTPAdapter", "UnixTransport"]


class UnixTransport(Transport):
    """Reach the daemon through a unix socket.

    ``socket_url`` is ``http+unix:///path`` (as :func:`docker.utils.parse_host` returns it) or
    a plain path.
    """

    def __init__(
        self,
        socket_url: str,
        timeout: float | None = 60,
        pool_connections: int = 25,
        max_pool_size: int = 10,
    ) -> None:
        super().__init__(timeout, max_pool_size)
        path = socket_url
        for prefix in ("http+unix://", "unix://"):
            if path.startswith(prefix):
                path = path[len(prefix) :]
                break
        if not path.startswith("/"):
            path = "/" + path
        self.socket_path = path
        self.address = f"unix://{path}"
        self.pool_connections = pool_connections

    def connect(self, timeout: float | None) -> socket.socket:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            sock.connect(self.socket_path)
        except BaseException:
            sock.close()
            raise
        return sock

    async def open_async(self, protocol_factory: Callable[[], P]) -> P:
        import asyncio

        loop = asyncio.get_running_loop()
        _, protocol = await loop.create_unix_connection(protocol_factory, self.socket_path)
        return protocol

    def connect_hint(self, exc: OSError) -> str:
        if exc.errno == errno.ENOENT:
            return (
                f"The socket file {self.socket_path} does not exist: is the docker daemon "
                "running? Start it, or point DOCKER_HOST at the right socket."
            )
        if exc.errno in (errno.EACCES, errno.EPERM):
            return (
                f"Permission denied on {self.socket_path}: run as a user in the 'docker' group "
                "(or as root), or fix the socket's permissions."
            )
        if exc.errno == errno.ECONNREFUSED:
            return (
                f"Nothing accepts connections on {self.socket_path}: the daemon is not running "
                "(a stale socket file is left behind)."
            )
        return super().connect_hint(exc)


#: The name the original SDK gave its unix transport.
UnixHTTPAdapter = UnixTransport
