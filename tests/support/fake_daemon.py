"""A scripted unix-socket server standing in for a misbehaving daemon.

Only for failure modes the real engine cannot be made to produce (a reply cut short, garbage
instead of HTTP, a daemon that never answers).  Every endpoint is tested against the real
engine; this fake never stands in for it there.
"""

from __future__ import annotations

import contextlib
import os
import socket
import tempfile
import threading
from collections.abc import Callable

Handler = Callable[[socket.socket, bytes], None]


def read_request(conn: socket.socket) -> bytes:
    """Read one request head from ``conn`` (bodies are not expected here)."""
    data = b""
    while b"\r\n\r\n" not in data:
        piece = conn.recv(65536)
        if not piece:
            break
        data += piece
    return data


def version_reply(api_version: str = "1.41") -> bytes:
    body = (f'{{"ApiVersion": "{api_version}", "Version": "fake"}}').encode()
    return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
        len(body),
        body,
    )


class FakeDaemon:
    """Serve each connection with ``handler(conn, first_request_head)`` in a thread.

    Requests for ``/version`` (API negotiation) are answered with ``api_version`` first.
    """

    def __init__(self, handler: Handler, api_version: str = "1.41") -> None:
        self.handler = handler
        self.api_version = api_version
        self._dir = tempfile.mkdtemp(prefix="fake-daemon-")
        self.path = os.path.join(self._dir, "docker.sock")
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(self.path)
        self._server.listen(16)
        self._conns: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        self.requests: list[bytes] = []

    @property
    def base_url(self) -> str:
        return f"unix://{self.path}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            self._conns.append(conn)
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        try:
            while True:
                head = read_request(conn)
                if not head:
                    return
                self.requests.append(head)
                if head.startswith(b"GET /version "):
                    conn.sendall(version_reply(self.api_version))
                    continue
                self.handler(conn, head)
                return
        except OSError:
            return
        finally:
            with contextlib.suppress(OSError):
                conn.close()

    def close(self) -> None:
        self._server.close()
        for conn in self._conns:
            with contextlib.suppress(OSError):
                conn.close()
        try:
            os.unlink(self.path)
            os.rmdir(self._dir)
        except OSError:
            pass
