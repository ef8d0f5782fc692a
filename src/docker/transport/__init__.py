"""Ways to reach the daemon: unix socket, TCP, TLS and SSH (``docker.transport.sshconn``)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from .. import _lazy
from .base import Connection, ConnectionPool, Transport
from .unixconn import UnixHTTPAdapter, UnixTransport

if TYPE_CHECKING:
    from .sshconn import SSHHTTPAdapter
else:
    # The SSH transport needs subprocess, named pipes ctypes: loaded on first use. Named
    # pipes are offered on Windows only, as in the original.
    _names = {"docker.transport.sshconn": ["SSHHTTPAdapter"]}
    if sys.platform == "win32":
        _names["docker.transport.npipeconn"] = ["NpipeHTTPAdapter"]
        _names["docker.transport.npipesocket"] = ["NpipeSocket"]
    __getattr__, __dir__ = _lazy.attach(__name__, globals(), names=_names)

__all__ = [
    "Connection",
    "ConnectionPool",
    "SSHHTTPAdapter",
    "Transport",
    "UnixHTTPAdapter",
    "UnixTransport",
]
