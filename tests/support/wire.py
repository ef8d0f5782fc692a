"""A unix-socket proxy in front of the real engine that records what the client sends.

Tests point a client at the proxy's socket; every byte goes to the real daemon and back, and
``requests`` lists the request heads (method, target, headers) and bodies, so the tests can
check the exact query strings and bodies that reach the daemon.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import socket
import tempfile
import threading
from dataclasses import dataclass, field

ENGINE_SOCKET = "/var/run/docker.sock"


@dataclass
class RecordedRequest:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes = b""

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    @property
    def query(self) -> str:
        return self.target.split("?", 1)[1] if "?" in self.target else ""


@dataclass
class _Stream:
    """One relayed connection: what the client sent (``buf``), what the daemon sent back
    (``data``) and the size of each read of the daemon's side (``reads``)."""

    buf: bytearray = field(default_factory=bytearray)
    data: bytearray = field(default_factory=bytearray)
    reads: list[int] = field(default_factory=list)


def _parse_requests(data: bytes) -> list[RecordedRequest]:
    """Split a client->server byte stream into requests (Content-Length or chunked bodies)."""
    out: list[RecordedRequest] = []
    pos = 0
    while True:
        end = data.find(b"\r\n\r\n", pos)
        if end < 0:
            return out
        head = data[pos:end].decode("latin-1").split("\r\n")
        method, target, _ = head[0].split(" ", 2)
        headers = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        pos = end + 4
        body = b""
        if "content-length" in headers:
            n = int(headers["content-length"])
            body = data[pos : pos + n]
            pos += n
        elif headers.get("transfer-encoding") == "chunked":
            pieces = []
            while True:
                line_end = data.find(b"\r\n", pos)
                if line_end < 0:
                    break
                size = int(data[pos:line_end], 16)
                pos = line_end + 2
                pieces.append(data[pos : pos + size])
                pos += size + 2
                if size == 0:
                    break
            body = b"".join(pieces)
        out.append(RecordedRequest(method, target, headers, body))
        if headers.get("upgrade"):
            return out  # the rest is raw stream data


class RecordingProxy:
    """Forward a temporary unix socket to the engine socket, recording client bytes."""

    def __init__(self, upstream: str = ENGINE_SOCKET) -> None:
        self.upstream = upstream
        self._dir = tempfile.mkdtemp(prefix="wire-")
        self.path = os.path.join(self._dir, "docker.sock")
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(self.path)
        self._server.listen(64)
        self._streams: list[_Stream] = []
        self._lock = threading.Lock()
        self._stop = False
        self._threads: list[threading.Thread] = []
        self._accept_thread = threading.Thread(target=self._accept, daemon=True)
        self._accept_thread.start()

    @property
    def base_url(self) -> str:
        return f"unix://{self.path}"

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            stream = _Stream()
            with self._lock:
                self._streams.append(stream)
            t = threading.Thread(target=self._pump, args=(client, stream), daemon=True)
            self._threads.append(t)
            t.start()

    def _pump(self, client: socket.socket, stream: _Stream) -> None:
        upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        upstream.connect(self.upstream)
        sel = selectors.DefaultSelector()
        sel.register(client, selectors.EVENT_READ, upstream)
        sel.register(upstream, selectors.EVENT_READ, client)
        open_sides = 2
        try:
            while open_sides and not self._stop:
                for key, _ in sel.select(timeout=0.2):
                    src: socket.socket = key.fileobj  # type: ignore[assignment]
                    dst: socket.socket = key.data
                    try:
                        data = src.recv(262144)
                    except OSError:
                        data = b""
                    if not data:
                        sel.unregister(src)
                        open_sides -= 1
                        with contextlib.suppress(OSError):
                            dst.shutdown(socket.SHUT_WR)
                        continue
                    with self._lock:
                        if src is client:
                            stream.buf += data
                        else:
                            stream.data += data
                            stream.reads.append(len(data))
                    try:
                        dst.sendall(data)
                    except OSError:
                        open_sides = 0
                        break
        finally:
            sel.close()
            client.close()
            upstream.close()

    def mark(self) -> int:
        """How many connections were relayed so far (see :attr:`conversations`)."""
        with self._lock:
            return len(self._streams)

    @property
    def conversations(self) -> list[_Stream]:
        """Every relayed connection, in the order they were accepted."""
        with self._lock:
            return list(self._streams)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            chunks = [bytes(s.buf) for s in self._streams]
        out: list[RecordedRequest] = []
        for data in chunks:
            out.extend(_parse_requests(data))
        return out

    def last(self, path_suffix: str) -> RecordedRequest:
        """The last request whose path ends with ``path_suffix``."""
        for req in reversed(self.requests):
            if req.path.endswith(path_suffix):
                return req
        raise AssertionError(f"no request to ...{path_suffix}; saw {self.requests}")

    def close(self) -> None:
        self._stop = True
        self._server.close()
        for t in self._threads:
            t.join(timeout=2)
        try:
            os.unlink(self.path)
            os.rmdir(self._dir)
        except OSError:
            pass
