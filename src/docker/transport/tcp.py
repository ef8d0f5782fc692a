"""Plain TCP transport (``tcp://host:port``, ``http://host:port``)."""

from __future__ import annotations

import errno
import socket
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .base import Transport

if TYPE_CHECKING:
    from collections.abc import Callable

    from .base import P

__all__ = ["TCPTransport"]


class TCPTransport(Transport):
    """Reach the daemon over TCP at ``base_url`` (``http://host:port[/base]``)."""

    def __init__(self, base_url: str, timeout: float | None = 60, max_pool_size: int = 10) -> None:
        super().__init__(timeout, max_pool_size)
        parts = urlsplit(base_url)
        if not parts.hostname or not parts.port:
            raise ValueError(f"TCP address needs a host and a port: {base_url!r}")
        self.hostname = parts.hostname
        self.port = parts.port
        self.base_path = parts.path.rstrip("/")
        self.host_header = parts.netloc
        self.url_base = f"{parts.scheme}://{parts.netloc}{self.base_path}"
        self.address = f"tcp://{parts.netloc}"

    def connect(self, timeout: float | None) -> socket.socket:
        sock = socket.create_connection((self.hostname, self.port), timeout=timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    async def open_async(self, protocol_factory: Callable[[], P]) -> P:
        import asyncio

        loop = asyncio.get_running_loop()
        _, protocol = await loop.create_connection(protocol_factory, self.hostname, self.port)
        return protocol

    def connect_hint(self, exc: OSError) -> str:
        if exc.errno == errno.ECONNREFUSED:
            return (
                f"Nothing listens on {self.hostname}:{self.port}: is the daemon started with "
                f"-H tcp://{self.hostname}:{self.port}, and is the port right?"
            )
        if isinstance(exc, socket.gaierror):
            return f"The host name {self.hostname!r} does not resolve: check DOCKER_HOST."
        return super().connect_hint(exc)
