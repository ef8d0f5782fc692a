"""A TCP listener on 127.0.0.1 that forwards every connection to the engine's unix socket.

It gives tests a plain ``tcp://`` daemon address without reconfiguring the shared engine::

    with TCPForwarder() as forward:
        client = docker.APIClient(base_url=forward.url)

Each accepted connection is relayed both ways by two threads, with half-closes passed on (an
end of file from one side shuts down writing towards the other), so attach and exec upgrades
behave as on the socket itself. ``connections`` counts the accepted connections.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType

ENGINE_SOCKET = "/var/run/docker.sock"


class TCPForwarder:
    """Forward ``tcp://127.0.0.1:<port>`` to a unix socket until :meth:`close`."""

    def __init__(self, target: str = ENGINE_SOCKET) -> None:
        self.target = target
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        #: How many connections were accepted so far.
        self.connections = 0
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._closed = False
        self._acceptor = threading.Thread(target=self._accept, name="tcp-forward", daemon=True)
        self._acceptor.start()

    @property
    def url(self) -> str:
        """The ``tcp://`` address to give a client."""
        return f"tcp://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                upstream.connect(self.target)
            except OSError:
                client.close()
                upstream.close()
                continue
            with self._lock:
                if self._closed:
                    client.close()
                    upstream.close()
                    return
                self.connections += 1
                self._sockets.update((client, upstream))
                for src, dst in ((client, upstream), (upstream, client)):
                    thread = threading.Thread(target=self._pump, args=(src, dst), daemon=True)
                    self._threads.append(thread)
                    thread.start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    dst.shutdown(socket.SHUT_WR)
                    return
                dst.sendall(data)
        except OSError:
            # One side is gone: end both directions.
            for sock in (src, dst):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        """Stop listening, cut every relayed connection and wait for the threads."""
        with self._lock:
            self._closed = True
            sockets = list(self._sockets)
            threads = list(self._threads)
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._acceptor.join(5)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in threads:
            thread.join(5)
        for sock in sockets:
            sock.close()

    def __enter__(self) -> TCPForwarder:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
