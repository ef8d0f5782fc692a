"""Ways to reach the daemon: unix socket, TCP, TLS and SSH (``docker.transport.sshconn``)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from .base import Connection, ConnectionPool, Transport
from .unixconn import UnixHTTPAdapter, UnixTransport

if TYPE_CHECKING:
    from .sshconn import SSHHTTPAdapter

__all__ = [
    "Connection",
    "ConnectionPool",
    "SSHHTTPAdapter",
    "Transport",
    "UnixHTTPAdapter",
    "UnixTransport",
]


def __getattr__(name: str) -> Any:
    # The SSH transport needs subprocess; load it only when someone asks for it.
    if name == "SSHHTTPAdapter":
        from .sshconn import SSHHTTPAdapter

        return SSHHTTPAdapter
    # Named pipes: on Windows only, as in the original (ctypes is loaded on first use).
    if name in ("NpipeHTTPAdapter", "NpipeSocket") and sys.platform == "win32":
        from . import npipeconn, npipesocket

        return getattr(npipeconn if name == "NpipeHTTPAdapter" else npipesocket, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
