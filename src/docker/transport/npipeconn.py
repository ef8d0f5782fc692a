"""Windows named pipe transport (``npipe:////./pipe/docker_engine``).

Blocking connections are :class:`~docker.transport.npipesocket.NpipeSocket` objects, which the
shared :class:`~docker.transport.base.Connection` and pool use like sockets; asyncio
connections come from the event loop's ``create_pipe_connection`` (``ProactorEventLoop``).
"""

from __future__ import annotations

import errno
from typing import TYPE_CHECKING, cast

from .base import Transport
from .npipesocket import (
    ERROR_ACCESS_DENIED,
    ERROR_BAD_NETPATH,
    ERROR_FILE_NOT_FOUND,
    ERROR_PATH_NOT_FOUND,
    ERROR_PIPE_BUSY,
    NpipeSocket,
    PipeOpener,
    default_opener,
    pipe_name_from_url,
    winerror_of,
)

if TYPE_CHECKING:
    import socket
    from collections.abc import Callable

    from .base import P

__all__ = ["NpipeHTTPAdapter", "NpipeTransport"]


class NpipeTransport(Transport):
    """Reach the daemon through a Windows named pipe.

    ``base_url`` is ``npipe:////./pipe/docker_engine`` (as :func:`docker.utils.parse_host`
    returns it).  ``opener`` opens the pipe; the default is the Windows one, so off Windows it
    must be given (tests give one backed by a POSIX socket pair).
    """

    url_base = "http+docker://localnpipe"

    def __init__(
        self,
        base_url: str,
        timeout: float | None = 60,
        pool_connections: int = 25,
        max_pool_size: int = 10,
        *,
        opener: PipeOpener | None = None,
    ) -> None:
        super().__init__(timeout, max_pool_size)
        self.pipe_name = pipe_name_from_url(base_url)
        self.address = "npipe://" + self.pipe_name.replace("\\", "/")
        self.pool_connections = pool_connections
        self.opener = opener if opener is not None else default_opener()

    def connect(self, timeout: float | None) -> socket.socket:
        sock = NpipeSocket(opener=self.opener)
        sock.settimeout(timeout)
        sock.connect(self.pipe_name)
        # Not a socket.socket, but it has every socket method Connection and the replies use.
        return cast("socket.socket", sock)

    async def open_async(self, protocol_factory: Callable[[], P]) -> P:
        return await self.opener.open_async(self.pipe_name, protocol_factory)

    def connect_hint(self, exc: OSError) -> str:
        code = winerror_of(exc)
        if code in (ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND, ERROR_BAD_NETPATH) or (
            code is None and exc.errno == errno.ENOENT
        ):
            return (
                f"The pipe {self.pipe_name} does not exist: the Docker daemon is not running. "
                "Start Docker Desktop (or the docker service), or point DOCKER_HOST at the "
                "right pipe."
            )
        if code == ERROR_ACCESS_DENIED or (
            code is None and exc.errno in (errno.EACCES, errno.EPERM)
        ):
            return (
                f"Access to {self.pipe_name} was denied: run as a user the daemon lets in (a "
                "member of the 'docker-users' group for Docker Desktop, or an administrator), "
                "or fix the pipe's security settings."
            )
        if code == ERROR_PIPE_BUSY:
            return (
                "Every instance of the pipe stayed busy: the daemon is overloaded or too many "
                "clients are connected; retry later."
            )
        return super().connect_hint(exc)


#: The name the original SDK gave its named pipe transport.
NpipeHTTPAdapter = NpipeTransport
