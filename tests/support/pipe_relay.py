"""A POSIX stand-in for a Windows named pipe, relayed to the real engine.

:class:`RelayOpener` implements the :class:`~docker.transport.npipesocket.PipeOpener`
interface: each ``open`` makes a ``socket.socketpair()``, hands one end to the client as a
:class:`SocketPipe` (a :class:`~docker.transport.npipesocket.PipeHandle`) and relays the other
end to the real engine's unix socket in a thread.  The client side therefore runs the whole
named pipe code path above the Windows calls (``NpipeTransport``, ``NpipeSocket``, the pool,
streams and upgrades) against the real daemon.  The relay can be frozen (a daemon that stops
answering) or broken (a pipe that ends mid-stream), the opener can report the pipe busy a
number of times, or fail with a Windows error code: failures the real engine cannot produce.
"""

from __future__ import annotations

import asyncio
import contextlib
import selectors
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from docker.transport.base import ConnectionPool, Transport
from docker.transport.npipeconn import NpipeTransport
from docker.transport.npipesocket import ERROR_NO_DATA, ERROR_PIPE_BUSY, pipe_error

ENGINE_SOCKET = "/var/run/docker.sock"
PIPE_NAME = "\\\\.\\pipe\\docker_engine"
PIPE_URL = "npipe:////./pipe/docker_engine"


class Relay(threading.Thread):
    """Copies bytes between one end of a socket pair and a connection to the engine."""

    def __init__(self, pipe_end: socket.socket, engine_path: str) -> None:
        super().__init__(daemon=True, name="pipe-relay")
        self.pipe_end = pipe_end
        self.engine = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.engine.connect(engine_path)
        except BaseException:
            self.engine.close()
            raise
        self.frozen = threading.Event()
        self._halt = threading.Event()
        #: Bytes relayed client -> engine and engine -> client.
        self.sent = 0
        self.received = 0

    def run(self) -> None:
        peers = {self.pipe_end: self.engine, self.engine: self.pipe_end}
        selector = selectors.DefaultSelector()
        try:
            for sock in peers:
                selector.register(sock, selectors.EVENT_READ)
            open_sides = 2
            while open_sides and not self._halt.is_set():
                if self.frozen.is_set():
                    time.sleep(0.01)
                    continue
                for key, _ in selector.select(0.05):
                    source: socket.socket = key.fileobj  # type: ignore[assignment]
                    target = peers[source]
                    data = source.recv(65536)
                    if data:
                        target.sendall(data)
                        if source is self.pipe_end:
                            self.sent += len(data)
                        else:
                            self.received += len(data)
                    else:  # one side ended its output: pass the half-close on
                        selector.unregister(source)
                        open_sides -= 1
                        with contextlib.suppress(OSError):
                            target.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the client closed its end while data was flowing
        finally:
            selector.close()
            self.pipe_end.close()
            self.engine.close()

    def freeze(self) -> None:
        """Stop relaying in both directions (the daemon seems to hang)."""
        self.frozen.set()

    def stop(self) -> None:
        """End the relay and close its sockets (the client sees the pipe end)."""
        self._halt.set()
        self.frozen.clear()
        for sock in (self.pipe_end, self.engine):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self.join(5)


class SocketPipe:
    """A pipe handle over the client end of a socket pair (the POSIX stand-in)."""

    def __init__(self, sock: socket.socket, name: str, relay: Relay) -> None:
        self.sock = sock
        self.name = name
        self.relay = relay
        #: When set, reads fail with this Windows error code (a broken pipe).
        self.fail_code: int | None = None
        self._timeout: Any = ...
        self.closed = False

    def _settimeout(self, timeout: float | None) -> None:
        if timeout != self._timeout:
            self.sock.settimeout(timeout)
            self._timeout = timeout

    def _check(self) -> None:
        if self.fail_code is not None:
            raise pipe_error(self.fail_code, "read from", self.name)

    def read(self, size: int, timeout: float | None) -> bytes:
        self._check()
        self._settimeout(timeout)
        try:
            data = self.sock.recv(size)
        except (BlockingIOError, TimeoutError):
            raise TimeoutError("no data in time") from None
        if not data:
            self._check()
        return data

    def read_into(self, buffer: memoryview, timeout: float | None) -> int:
        self._check()
        self._settimeout(timeout)
        try:
            count = self.sock.recv_into(buffer)
        except (BlockingIOError, TimeoutError):
            raise TimeoutError("no data in time") from None
        if not count:
            self._check()
        return count

    def write(self, data: bytes, timeout: float | None) -> int:
        self._settimeout(timeout)
        try:
            return self.sock.send(data)
        except (BlockingIOError, TimeoutError):
            raise TimeoutError("no room in time") from None
        except (BrokenPipeError, ConnectionResetError):
            # What WriteFile reports on a pipe whose server end is gone.
            raise pipe_error(ERROR_NO_DATA, "write to", self.name) from None

    def available(self) -> int | None:
        self._settimeout(0.0)
        try:
            data = self.sock.recv(65536, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except BlockingIOError:
            return 0
        return len(data) if data else None

    def close_write(self) -> None:
        self.sock.shutdown(socket.SHUT_WR)

    def cancel(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.closed = True
        self.sock.close()

    def break_pipe(self, winerror: int | None = None) -> None:
        """End the pipe from the daemon's side; with ``winerror``, later reads fail with it."""
        self.fail_code = winerror
        self.relay.stop()


class RelayOpener:
    """A pipe opener whose pipes are socket pairs relayed to the real engine.

    ``busy``: how many opens report every instance busy first; ``error``: a Windows error
    code every open fails with; ``wait_sleeps``: whether :meth:`wait` really waits.
    """

    def __init__(
        self,
        engine_path: str = ENGINE_SOCKET,
        busy: int = 0,
        error: int | None = None,
        wait_sleeps: bool = False,
    ) -> None:
        self.engine_path = engine_path
        self.busy = busy
        self.error = error
        self.wait_sleeps = wait_sleeps
        self.names: list[str] = []
        self.waits: list[float] = []
        self.pipes: list[SocketPipe] = []

    def open(self, name: str) -> SocketPipe:
        self.names.append(name)
        if self.busy > 0:
            self.busy -= 1
            raise pipe_error(ERROR_PIPE_BUSY, "open", name)
        if self.error is not None:
            raise pipe_error(self.error, "open", name)
        client_end, relay_end = socket.socketpair()
        try:
            relay = Relay(relay_end, self.engine_path)
        except BaseException:
            client_end.close()
            relay_end.close()
            raise
        relay.start()
        pipe = SocketPipe(client_end, name, relay)
        self.pipes.append(pipe)
        return pipe

    def wait(self, name: str, timeout: float) -> bool:
        self.waits.append(timeout)
        if self.wait_sleeps:
            time.sleep(timeout)
        return True

    async def open_async(self, name: str, protocol_factory: Callable[[], Any]) -> Any:
        pipe = self.open(name)
        loop = asyncio.get_running_loop()
        try:
            _, protocol = await loop.create_unix_connection(protocol_factory, sock=pipe.sock)
        except BaseException:
            pipe.close()
            raise
        return protocol

    @property
    def last(self) -> SocketPipe:
        """The pipe opened last."""
        return self.pipes[-1]

    @property
    def relayed(self) -> int:
        """Bytes relayed in both directions over all pipes."""
        return sum(p.relay.sent + p.relay.received for p in self.pipes)

    def close(self) -> None:
        """Stop every relay (the clients close their own ends)."""
        for pipe in self.pipes:
            pipe.relay.stop()

    def __enter__(self) -> RelayOpener:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def use_transport(client: Any, transport: Transport) -> Any:
    """Make the blocking ``APIClient`` ``client`` talk through ``transport``; returns it."""
    client._pool.close()
    client._transport = client._custom_adapter = transport
    client._pool = ConnectionPool(transport, client.max_pool_size)
    client.base_url = transport.url_base
    return client


def npipe_transport(opener: Any, timeout: float | None = 60) -> NpipeTransport:
    """An ``NpipeTransport`` for the default pipe name, opened by ``opener``."""
    return NpipeTransport(PIPE_URL, timeout, opener=opener)
