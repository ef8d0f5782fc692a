"""A local unix-socket "daemon" that answers ``POST /images/create`` with a pull progress stream
held in memory, framed as dockerd 20.10 frames it (stdlib only; run by bench_pull_stream.py).

    python -I benchmarks/_pull_server.py SOCKET_PATH SIZE

Builds at least ``SIZE`` bytes of pull progress (``_progress_data.messages``) and its chunked
HTTP body once, then listens on ``SOCKET_PATH`` and prints one line,
``ready MESSAGES BODY_BYTES PAYLOAD_BYTES``.  Every connection is served by a thread of its own,
keep-alive:

* ``POST /v1.41/images/create?...``: ``200`` with dockerd's response headers
  (``Api-Version``, ``Content-Type: application/json``, ``Docker-Experimental``, ``Ostype``,
  ``Server``, ``Date``, ``Transfer-Encoding: chunked``) and the prebuilt body, one HTTP chunk per
  JSON message, written with one ``sendall`` (the data is in memory, so the server never waits
  for anything but the reader); with ``fromImage=warm`` in the query, a short stream of the
  first 1,000 messages instead (for warming up the clients);
* ``GET /_ping``, ``GET /version`` and ``GET /v1.41/images/NAME/json`` (what ``images.pull``
  asks after the pull): small JSON answers;
* anything else: ``404``.

It stops when its stdin closes.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
import time
from email.utils import formatdate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _progress_data

SERVER = "Docker/20.10.24+dfsg1 (linux)"
IMAGE_ID = "sha256:" + "ab" * 32


def _head(status: str, extra: str) -> bytes:
    return (
        f"HTTP/1.1 {status}\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\n"
        f"Docker-Experimental: false\r\nOstype: linux\r\nServer: {SERVER}\r\n"
        f"Date: {formatdate(usegmt=True)}\r\n{extra}\r\n"
    ).encode("latin-1")


def _json_reply(status: str, value: object) -> bytes:
    body = json.dumps(value).encode()
    return _head(status, f"Content-Length: {len(body)}\r\n") + body


def _read_request(sock: socket.socket, buf: bytearray) -> tuple[str, str] | None:
    """The next request's method and target (its body is read and dropped); None at EOF."""
    while (end := buf.find(b"\r\n\r\n")) < 0:
        data = sock.recv(65536)
        if not data:
            return None
        buf += data
    head = bytes(buf[:end]).decode("latin-1").split("\r\n")
    del buf[: end + 4]
    method, target, _ = head[0].split(" ", 2)
    length = 0
    for line in head[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    while len(buf) < length:
        data = sock.recv(65536)
        if not data:
            return None
        buf += data
    del buf[:length]
    return method, target


def serve(conn: socket.socket, body: memoryview, warm: bytes) -> None:
    buf = bytearray()
    try:
        while (request := _read_request(conn, buf)) is not None:
            method, target = request
            path = target.split("?", 1)[0]
            if method == "POST" and path.endswith("/images/create"):
                conn.sendall(_head("200 OK", "Transfer-Encoding: chunked\r\n"))
                conn.sendall(warm if "fromImage=warm" in target else body)
            elif path.endswith("/_ping"):
                conn.sendall(_head("200 OK", "Content-Length: 2\r\n") + b"OK")
            elif path.endswith("/version"):
                conn.sendall(_json_reply("200 OK", {"ApiVersion": "1.41", "Version": "20.10.24"}))
            elif method == "GET" and path.startswith("/v1.41/images/") and path.endswith("/json"):
                name = path[len("/v1.41/images/") : -len("/json")]
                conn.sendall(_json_reply("200 OK", {"Id": IMAGE_ID, "RepoTags": [name]}))
            else:
                conn.sendall(_json_reply("404 Not Found", {"message": f"no route {path}"}))
    except OSError:
        pass
    finally:
        conn.close()


def main(argv: list[str]) -> int:
    path, size = argv[0], int(argv[1])
    msgs = _progress_data.messages(size)
    body = _progress_data.chunked_body(msgs)
    warm = _progress_data.chunked_body(msgs[:1000])
    payload = sum(map(len, msgs))
    count = len(msgs)
    del msgs
    view = memoryview(body)
    if os.path.exists(path):
        os.unlink(path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(16)

    def accept() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(conn, view, warm), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    print(f"ready {count} {len(body)} {payload}", flush=True)
    sys.stdin.read()  # until the parent closes our stdin
    server.close()
    time.sleep(0.05)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
