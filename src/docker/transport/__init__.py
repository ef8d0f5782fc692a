"""Ways to reach the daemon: unix socket, TCP and TLS (SSH and named pipes come later)."""

from .base import Connection, ConnectionPool, Transport
from .unixconn import UnixHTTPAdapter, UnixTransport

__all__ = ["Connection", "ConnectionPool", "Transport", "UnixHTTPAdapter", "UnixTransport"]
