"""TLSProtocol over real TLS on loopback, in a real event loop.

The server is a thread (``ssl.SSLSocket``) scripted by each test
(:mod:`tests.support.tls_loopback`); the client is what ``TLSTransport.open_async`` builds: a
plain asyncio TCP connection whose protocol is :class:`TLSProtocol`, itself the transport of a
recording protocol.  Each test runs its own loop (``asyncio.run``), every wait is bounded, and
every transport is closed before the loop ends (the suite turns ResourceWarning into errors).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import random
import socket
import ssl
import struct
import threading
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from tests.support.tls_loopback import (
    TIMEOUT,
    TLS12,
    TLS13,
    VERSION_NAMES,
    Certs,
    Server,
    close_without_close_notify,
    read_to_end,
    readable,
    send_close_notify,
    wait,
)

from docker.transport.tlsprotocol import TLSProtocol

T = TypeVar("T")


def run(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a test's coroutine in a loop of its own, bounded."""

    async def bounded() -> T:
        return await asyncio.wait_for(main(), 4 * TIMEOUT)

    return asyncio.run(bounded())


# The protocol above ---------------------------------------------------------------------------
class Recorder(asyncio.Protocol):
    """The protocol above TLSProtocol: records what it is told, in order.

    ``events`` lists the calls (``made``, ``data``, ``eof``, ``lost``), a run of
    ``data_received`` calls counting as one ``data``.
    """

    def __init__(self, *, pause_after_first: bool = False, keep_open: bool = True) -> None:
        self.transport: TLSProtocol | None = None
        self.data = bytearray()
        self.chunks = 0
        self.eofs = 0
        self.losses = 0
        self.events: list[str] = []
        self.lost: asyncio.Future[Exception | None] = asyncio.get_running_loop().create_future()
        self.write_pauses = 0
        self.write_resumes = 0
        self._pause_after_first = pause_after_first
        self._keep_open = keep_open
        self._can_write: asyncio.Future[None] | None = None
        self._changed = asyncio.Event()

    def _note(self, event: str) -> None:
        if event != "data" or self.events[-1:] != ["data"]:
            self.events.append(event)
        self._changed.set()

    # asyncio.Protocol -------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, TLSProtocol)
        self.transport = transport
        self._note("made")

    def data_received(self, data: bytes) -> None:
        assert isinstance(data, bytes)
        self.data += data
        self.chunks += 1
        self._note("data")
        if self._pause_after_first and self.chunks == 1:
            assert self.transport is not None
            self.transport.pause_reading()

    def eof_received(self) -> bool:
        self.eofs += 1
        self._note("eof")
        return self._keep_open

    def connection_lost(self, exc: Exception | None) -> None:
        self.losses += 1
        self._note("lost")
        if not self.lost.done():
            self.lost.set_result(exc)

    def pause_writing(self) -> None:
        self.write_pauses += 1
        self._can_write = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        self.write_resumes += 1
        can_write, self._can_write = self._can_write, None
        if can_write is not None and not can_write.done():
            can_write.set_result(None)

    # For the tests ----------------------------------------------------------------------------
    async def drain(self) -> None:
        """Wait until the transport takes more (after ``pause_writing``)."""
        if self._can_write is not None:
            await asyncio.wait_for(asyncio.shield(self._can_write), TIMEOUT)

    async def until(self, what: str, predicate: Callable[[], bool]) -> None:
        """Wait until ``predicate()`` holds (checked after each call made to this protocol)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + TIMEOUT
        while not predicate():
            self._changed.clear()
            remaining = deadline - loop.time()
            try:
                await asyncio.wait_for(self._changed.wait(), max(remaining, 0))
            except asyncio.TimeoutError:
                raise AssertionError(
                    f"timed out waiting for {what}: events {self.events}"
                ) from None

    async def connection_end(self) -> Exception | None:
        """What connection_lost was called with (waiting for it, bounded)."""
        return await asyncio.wait_for(asyncio.shield(self.lost), TIMEOUT)


# The client -----------------------------------------------------------------------------------
@dataclass
class Client:
    tcp: asyncio.Transport
    tls: TLSProtocol
    ready: asyncio.Future[asyncio.BaseProtocol]

    def socket_closed(self) -> bool:
        """Whether the TCP transport has closed its socket."""
        sock = self.tcp.get_extra_info("socket")
        return bool(sock.fileno() == -1)

    async def shut(self) -> None:
        """Close the TCP connection and wait until its socket is closed."""
        self.tcp.close()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + TIMEOUT
        while not self.socket_closed():
            if loop.time() > deadline:
                self.tcp.abort()
                await asyncio.sleep(0)
                raise AssertionError("the TCP transport did not close")
            await asyncio.sleep(0.01)


async def open_client(
    server: Server, context: ssl.SSLContext, inner: asyncio.Protocol, hostname: str = "127.0.0.1"
) -> Client:
    """The TCP connection with TLSProtocol on it, as ``TLSTransport.open_async`` opens it (the
    handshake goes on: await ``ready``)."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[asyncio.BaseProtocol] = loop.create_future()
    host, port = server.address
    tcp, tls = await asyncio.wait_for(
        loop.create_connection(lambda: TLSProtocol(context, hostname, inner, ready), host, port),
        TIMEOUT,
    )
    return Client(tcp, tls, ready)


@contextlib.asynccontextmanager
async def connected(
    server: Server, context: ssl.SSLContext, inner: Recorder
) -> AsyncIterator[Client]:
    """A client whose handshake completed; its TCP connection is closed on the way out."""
    client = await open_client(server, context, inner)
    try:
        assert await asyncio.wait_for(client.ready, TIMEOUT) is inner
        yield client
    finally:
        await client.shut()


async def joined(server: Server) -> None:
    """Wait for the server's script to end (without blocking the loop) and raise its error."""
    await asyncio.to_thread(server.join)


def sha256(data: bytes | bytearray) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_exactly(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        assert chunk, f"the stream ended after {len(data)} of {size} bytes"
        data += chunk
    return data


def read_record(conn: socket.socket) -> bytes:
    """One whole TLS record (header and body), read from a plain TCP socket."""
    header = _read_exactly(conn, 5)
    return header + _read_exactly(conn, int.from_bytes(header[3:5], "big"))


# a. Exchanges ---------------------------------------------------------------------------------
@pytest.mark.parametrize("version", [TLS12, TLS13])
def test_echo_round_trip_and_extra_info(
    server: Server, client_context: ssl.SSLContext, version: ssl.TLSVersion
) -> None:
    def echo(tls: ssl.SSLSocket) -> None:
        while data := tls.recv(65536):
            tls.sendall(data)
        tls.unwrap()  # the client's close_notify came: ours goes, nothing to wait for

    server.serve(echo, version=version, suppress_ragged_eofs=False)

    async def main() -> None:
        inner = Recorder()
        async with connected(server, client_context, inner) as client:
            tls = client.tls
            assert inner.transport is tls
            name = VERSION_NAMES[version]
            ssl_object = tls.get_extra_info("ssl_object")
            assert isinstance(ssl_object, ssl.SSLObject)
            assert ssl_object.version() == name
            assert (ssl_object.version() or "").startswith("TLSv1.")
            assert tls.get_extra_info("cipher")[1] == name
            peercert = tls.get_extra_info("peercert")
            assert peercert["subjectAltName"] == (("IP Address", "127.0.0.1"),)
            assert peercert["subject"] == ((("commonName", "127.0.0.1"),),)
            assert tls.get_extra_info("sslcontext") is client_context
            assert tls.get_extra_info("peername") == server.address
            assert tls.get_extra_info("socket") is client.tcp.get_extra_info("socket")
            assert tls.get_extra_info("no such thing", "default") == "default"
            assert tls.can_write_eof() is True
            assert tls.is_reading() is True
            assert tls.is_closing() is False
            assert tls.get_write_buffer_size() == 0

            tls.write(b"hello over TLS\n")
            await inner.until("the echo", lambda: len(inner.data) >= 15)
            assert inner.data == b"hello over TLS\n"
            tls.writelines([b"second ", bytearray(b"message"), memoryview(b"!")])
            await inner.until("the second echo", lambda: len(inner.data) >= 30)
            assert inner.data == b"hello over TLS\nsecond message!"

            tls.write_eof()
            await inner.until("the end of the stream", lambda: inner.eofs > 0)
            await joined(server)
            assert inner.data == b"hello over TLS\nsecond message!"
            assert inner.events == ["made", "data", "eof"]
        assert await inner.connection_end() is None
        assert inner.events == ["made", "data", "eof", "lost"]
        assert client.tls.is_closing() is True

    run(main)


def test_write_of_nothing_sends_nothing(server: Server, client_context: ssl.SSLContext) -> None:
    seen: list[bytes] = []

    def script(tls: ssl.SSLSocket) -> None:
        seen.append(read_to_end(tls))
        tls.unwrap()

    server.serve(script, suppress_ragged_eofs=False)

    async def main() -> None:
        inner = Recorder()
        async with connected(server, client_context, inner) as client:
            client.tls.write(b"")
            client.tls.write(b"x")
            client.tls.write(b"")
            client.tls.write_eof()
            await inner.until("the end of the stream", lambda: inner.eofs > 0)
            await joined(server)

    run(main)
    assert seen == [b"x"]


# b, c. Half-close -----------------------------------------------------------------------------
@pytest.mark.parametrize("version", [TLS12, TLS13])
def test_write_eof_sends_close_notify_and_reading_goes_on(
    server: Server, client_context: ssl.SSLContext, version: ssl.TLSVersion
) -> None:
    stdin = [b"first line\n", b"second line\n" * 2000, b"last line\n"]
    seen: list[bytes] = []
    tcp_still_open: list[bool] = []

    def script(tls: ssl.SSLSocket) -> None:
        # b'' only on the client's close_notify: a TCP end of file would raise SSLEOFError.
        seen.append(read_to_end(tls))
        # No FIN follows the close_notify: the client only closed its side of TLS.
        tcp_still_open.append(not readable(tls, 0.2))
        tls.sendall(b"output after the end of input")
        tls.sendall(b", and more")
        tls.unwrap()  # then the script ends: the server closes TCP

    server.serve(script, version=version, suppress_ragged_eofs=False)

    async def main() -> None:
        inner = Recorder()
        async with connected(server, client_context, inner) as client:
            # At once: in TLS 1.3 the session tickets usually come after our close_notify.
            for piece in stdin:
                client.tls.write(piece)
            client.tls.write_eof()
            assert client.tls.is_closing() is False
            await inner.until("the end of the stream", lambda: inner.eofs > 0)
            assert inner.data == b"output after the end of input, and more"
            assert inner.events == ["made", "data", "eof"]

            await joined(server)  # the server closed TCP
            await asyncio.sleep(0.1)
            # The protocol above returned True from eof_received: closing is up to it.
            assert inner.eofs == 1
            assert not inner.lost.done()
        assert await inner.connection_end() is None
        assert inner.events == ["made", "data", "eof", "lost"]
        assert inner.losses == 1

    run(main)
    assert seen == [b"".join(stdin)]
    assert tcp_still_open == [True]


def test_write_after_write_eof_raises_epipe(server: Server, client_context: ssl.SSLContext) -> None:
    seen: list[bytes] = []

    def script(tls: ssl.SSLSocket) -> None:
        seen.append(read_to_end(tls))
        tls.unwrap()

    server.serve(script, suppress_ragged_eofs=False)

    async def main() -> None:
        inner = Recorder()
        async with connected(server, client_context, inner) as client:
            tls = client.tls
            tls.write(b"all of it")
            tls.write_eof()
            tls.write_eof()  # again: nothing happens
            assert tls.can_write_eof() is True

            with pytest.raises(BrokenPipeError) as info:
                tls.write(b"too late")
            assert info.value.errno == errno.EPIPE
            assert "close_notify was sent" in str(info.value)
            with pytest.raises(BrokenPipeError) as info:
                tls.writelines([b"too", b"late"])
            assert info.value.errno == errno.EPIPE

            await inner.until("the end of the stream", lambda: inner.eofs > 0)
            assert inner.data == b""
            await joined(server)

    run(main)
    assert seen == [b"all of it"]


def test_eof_received_returning_false_closes_the_transport(
    server: Server, client_context: ssl.SSLContext
) -> None:
    """asyncio's contract for ``Protocol.eof_received``: on a false value (None by default;
    ``asyncio.StreamReaderProtocol`` returns False when ``sslcontext`` is set, as it is here)
    "the transport will close itself"."""

    def script(tls: ssl.SSLSocket) -> None:
        tls.sendall(b"bye")
        send_close_notify(tls)
        wait(server.release)

    server.serve(script)

    async def main() -> None:
        inner = Recorder(keep_open=False)
        async with connected(server, client_context, inner):
            await inner.until("the end of the stream", lambda: inner.eofs > 0)
            try:
                exc = await asyncio.wait_for(asyncio.shield(inner.lost), 1.0)
            except asyncio.TimeoutError:
                raise AssertionError("the transport stayed open") from None
            assert exc is None
            assert inner.events == ["made", "data", "eof", "lost"]
        server.release.set()
        await joined(server)

    run(main)


def test_abort_from_data_received_stops_the_data(
    server: Server, client_context: ssl.SSLContext
) -> None:
    def script(tls: ssl.SSLSocket) -> None:
        wait(server.release)
        tls.sendall(b"a" * 16384 + b"b" * 16384 + b"c" * 100)  # three records
        send_close_notify(tls)

    server.serve(script)

    class Aborting(Recorder):
        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            assert self.transport is not None
            self.transport.abort()

    async def main() -> None:
        inner = Aborting()
        async with connected(server, client_context, inner) as client:
            # The records reach the kernel first, so that one TCP read takes them all.
            client.tls.pause_reading()
            server.release.set()
            await asyncio.sleep(0.2)
            client.tls.resume_reading()
            assert await inner.connection_end() is None
            assert inner.events == ["made", "data", "lost"]
            assert inner.data == b"a" * 16384

    run(main)


# d, e. The end of the stream ------------------------------------------------------------------
def test_close_notify_from_the_server_with_tcp_kept_open(
    server: Server, client_context: ssl.SSLContext
) -> None:
    def script(tls: ssl.SSLSocket) -> None:
        tls.sendall(b"last words")
        send_close_notify(tls)
        wait(server.release)  # TCP stays open until the client closed

    server.serve(script)

    async def main() -> None:
        inner = Recorder()
        async with connected(server, client_context, inner) as client:
            await inner.until("the end of the stream", lambda: inner.eofs > 0)
            assert inner.data == b"last words"
            assert inner.events == ["made", "data", "eof"]
            await asyncio.sleep(0.1)
            assert inner.eofs == 1
            assert not inner.lost.done()
            assert client.tls.is_closing() is False
        assert await inner.connection_end() is None
        assert inner.events == ["made", "data", "eof", "lost"]
        server.release.set()
        await joined(server)

    run(main)


@pytest.mark.parametrize("version", [TLS12, TLS13])
def test_the_client_writes_on_after_the_server_s_close_notify(
    server: Server, client_context: ssl.SSLContext, version: ssl.TLSVersion
) -> None:
    """The other half-close: the server ended its output, the client's input goes on."""
    seen: list[bytes] = []

    def script(tls: ssl.SSLSocket) -> None:
        tls.sendall(b"output")
        send_close_notify(tls)
        # Having sent close_notify, the server's SSLSocket raises at the client's instead of
        # returning b''.
        with pytest.raises(ssl.SSLZeroReturnError):
            while True:
                seen.append(tls.recv(65536))

    server.serve(script, version=version, suppress_ragged_eofs=False)

    async def main() -> None:
        inner = Recorder()
        async with connected(server, client_context, inner) as client:
            await inner.until("the end of the stream", lambda: inner.eofs > 0)
            assert inner.data == b"output"
            client.tls.write(b"input after ")
            client.tls.write(b"the end of output")
            client.tls.write_eof()
            await joined(server)
            assert inner.events == ["made", "data", "eof"]

    run(main)
    assert b"".join(seen) == b"input after the end of output"


def test_tcp_end_without_close_notify_ends_the_stream(
    server: Server, client_context: ssl.SSLContext
) -> None:
    def script(tls: ssl.SSLSocket) -> None:
        tls.sendall(b"partial output")
        close_without_close_notify(tls)

    server.serve(script)

    async def main() -> None:
        inner = Recorder()
        async with connected(server, client_context, inner):
            await inner.until("the end of the stream", lambda: inner.eofs > 0)
            await joined(server)
            await asyncio.sleep(0.1)
            assert inner.data == b"partial output"
            assert inner.eofs == 1
            assert inner.events == ["made", "data", "eof"]
        assert await inner.connection_end() is None
        assert inner.events == ["made", "data", "eof", "lost"]

    run(main)


@pytest.mark.parametrize("version", [TLS12, TLS13])
def test_write_eof_after_the_tcp_end_ends_tcp(
    server: Server, client_context: ssl.SSLContext, version: ssl.TLSVersion
) -> None:
    """With the network stream ended there is no TLS left to close: write_eof ends TCP.

    The server sees what the TLS object sent at the ragged end (OpenSSL answers an end of
    file without close_notify with a fatal alert, one record), then a bare end of file: no
    close_notify record comes after it.
    """
    records: list[bytes] = []
    after: list[bytes] = []
    alert_read = threading.Event()

    def script(tls: ssl.SSLSocket) -> None:
        tls.sendall(b"bye")
        tls.shutdown(socket.SHUT_WR)  # FIN without close_notify; TLS is dropped, TCP reads on
        records.append(read_record(tls))
        alert_read.set()
        after.append(tls.recv(100))

    server.serve(script, version=version)

    async def main() -> None:
        inner = Recorder()
        async with connected(server, client_context, inner) as client:
            await inner.until("the end of the stream", lambda: inner.eofs > 0)
            assert inner.data == b"bye"
            await asyncio.to_thread(wait, alert_read)
            client.tls.write_eof()
            await joined(server)
            with pytest.raises(BrokenPipeError):
                client.tls.write(b"too late")
            assert inner.events == ["made", "data", "eof"]

    run(main)
    assert len(records) == 1
    if version == ssl.TLSVersion.TLSv1_2:
        assert records[0][:1] == b"\x15"  # an alert (TLS 1.3 disguises the record type)
    assert after == [b""]


def test_tcp_reset_after_the_handshake_reaches_connection_lost(
    server: Server, client_context: ssl.SSLContext
) -> None:
    def script(tls: ssl.SSLSocket) -> None:
        tls.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        # The close that follows the script sends RST instead of FIN.

    server.serve(script, version=ssl.TLSVersion.TLSv1_2)  # no session tickets after it

    async def main() -> None:
        inner = Recorder()
        async with connected(server, client_context, inner) as client:
            exc = await inner.connection_end()
            assert type(exc) is ConnectionResetError
            assert inner.events == ["made", "lost"]
            assert client.tls.is_closing() is True
        await joined(server)

    run(main)


# f. Back-pressure -----------------------------------------------------------------------------
def test_pause_reading_holds_everything_back_until_resume(
    server: Server, client_context: ssl.SSLContext
) -> None:
    payload = random.Random(20240602).randbytes(2 * 1024 * 1024)

    def script(tls: ssl.SSLSocket) -> None:
        for start in range(0, len(payload), 65536):
            tls.sendall(payload[start : start + 65536])
        send_close_notify(tls)

    server.serve(script)

    async def main() -> None:
        inner = Recorder(pause_after_first=True)
        async with connected(server, client_context, inner) as client:
            await inner.until("the first chunk", lambda: inner.chunks > 0)
            first = len(inner.data)
            await asyncio.sleep(0.2)
            assert inner.chunks == 1
            assert len(inner.data) == first
            assert client.tls.is_reading() is False
            assert client.tcp.is_reading() is False  # the network is not read either

            client.tls.resume_reading()
            assert client.tls.is_reading() is True
            await inner.until("the end of the stream", lambda: inner.eofs > 0)
            assert client.tcp.is_reading() is True
            assert len(inner.data) == len(payload)
            assert sha256(inner.data) == sha256(payload)
            assert inner.eofs == 1
            assert inner.events == ["made", "data", "eof"]
            await joined(server)

    run(main)


def test_write_eof_while_paused_keeps_the_output_already_received(
    server: Server, client_context: ssl.SSLContext
) -> None:
    """Records received, decrypted or not, while reading is paused survive the close_notify
    sent meanwhile (unwrap() would read on and drop them)."""
    payload = random.Random(99).randbytes(200_000)
    seen: list[bytes] = []

    def script(tls: ssl.SSLSocket) -> None:
        wait(server.release)
        tls.sendall(payload)
        seen.append(read_to_end(tls))
        tls.sendall(b"tail")
        tls.unwrap()

    server.serve(script, suppress_ragged_eofs=False)

    async def main() -> None:
        inner = Recorder(pause_after_first=True)
        async with connected(server, client_context, inner) as client:
            # All the records reach the kernel first, so that one TCP read takes many.
            client.tls.pause_reading()
            server.release.set()
            await asyncio.sleep(0.2)
            client.tls.resume_reading()
            await inner.until("the first chunk", lambda: inner.chunks > 0)
            assert client.tls.is_reading() is False
            assert inner.chunks == 1
            client.tls.write(b"input")
            client.tls.write_eof()
            client.tls.resume_reading()
            await inner.until("the end of the stream", lambda: inner.eofs > 0)
            assert len(inner.data) == len(payload) + 4
            assert sha256(inner.data) == sha256(payload + b"tail")
            assert inner.events == ["made", "data", "eof"]
            await joined(server)

    run(main)
    assert seen == [b"input"]


# g, h, i. Handshake failures ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("trust_ca", "hostname", "verify_code"),
    [
        pytest.param(False, "127.0.0.1", 20, id="unknown-ca"),  # unable to get local issuer
        pytest.param(True, "localhost", 62, id="wrong-name"),  # hostname mismatch
    ],
)
def test_handshake_rejects_an_unverified_certificate(
    server: Server, certs: Certs, trust_ca: bool, hostname: str, verify_code: int
) -> None:
    server.serve(lambda tls: None)
    if trust_ca:
        context = ssl.create_default_context(cafile=str(certs.ca))
    else:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies, trusts nothing

    async def main() -> None:
        inner = Recorder()
        client = await open_client(server, context, inner, hostname)
        try:
            with pytest.raises(ssl.SSLCertVerificationError) as info:
                await asyncio.wait_for(client.ready, TIMEOUT)
            assert info.value.verify_code == verify_code
            assert client.tcp.is_closing() is True
            await asyncio.sleep(0.05)
            assert client.socket_closed()
            assert inner.events == []
        finally:
            await client.shut()
        await joined(server)

    run(main)
    assert isinstance(server.handshake_error, OSError)


@pytest.mark.parametrize(
    ("reset", "error"),
    [
        pytest.param(False, ssl.SSLEOFError, id="fin"),
        pytest.param(True, ConnectionResetError, id="rst"),
    ],
)
def test_server_closing_during_the_handshake_fails_ready(
    server: Server, client_context: ssl.SSLContext, reset: bool, error: type[Exception]
) -> None:
    def script(conn: socket.socket) -> None:
        # The whole ClientHello, so that closing sends FIN, not RST (unread data).
        assert read_record(conn)[:1] == b"\x16"  # a handshake record
        if reset:
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    server.serve_tcp(script)

    async def main() -> None:
        inner = Recorder()
        client = await open_client(server, client_context, inner)
        try:
            with pytest.raises(OSError) as info:
                await asyncio.wait_for(client.ready, TIMEOUT)
            assert type(info.value) is error
            await asyncio.sleep(0.05)
            assert client.tcp.is_closing() is True
            assert client.socket_closed()
            assert inner.events == []
        finally:
            await client.shut()
        await joined(server)

    run(main)


def test_tls12_server_requiring_a_client_certificate_fails_the_handshake(
    server: Server, client_context: ssl.SSLContext, certs: Certs
) -> None:
    server.serve(lambda tls: None, version=ssl.TLSVersion.TLSv1_2, client_ca=certs.ca)

    async def main() -> None:
        inner = Recorder()
        client = await open_client(server, client_context, inner)
        try:
            with pytest.raises(ssl.SSLError) as info:
                await asyncio.wait_for(client.ready, TIMEOUT)
            assert type(info.value) is ssl.SSLError
            assert info.value.reason == "SSLV3_ALERT_HANDSHAKE_FAILURE"
            await asyncio.sleep(0.05)
            assert client.socket_closed()
            assert inner.events == []
        finally:
            await client.shut()
        await joined(server)

    run(main)
    assert isinstance(server.handshake_error, ssl.SSLError)


def test_tls13_server_requiring_a_client_certificate_alerts_after_the_handshake(
    server: Server, client_context: ssl.SSLContext, certs: Certs
) -> None:
    """In TLS 1.3 the client's handshake is done once it sent its (empty) certificate: the
    server's refusal comes as an alert afterwards, and ends the connection with an SSLError."""
    server.serve(lambda tls: None, version=ssl.TLSVersion.TLSv1_3, client_ca=certs.ca)

    async def main() -> None:
        inner = Recorder()
        async with connected(server, client_context, inner) as client:
            exc = await inner.connection_end()
            assert type(exc) is ssl.SSLError
            assert exc.reason == "TLSV13_ALERT_CERTIFICATE_REQUIRED"
            assert inner.events == ["made", "lost"]
            assert inner.losses == 1
            assert client.tcp.is_closing() is True  # aborted
            await asyncio.sleep(0.05)
            assert client.socket_closed()
            assert inner.losses == 1  # the TCP transport's own connection_lost is not passed on
        await joined(server)

    run(main)
    assert isinstance(server.handshake_error, ssl.SSLError)


# j. Both directions at once -------------------------------------------------------------------
def test_large_transfer_in_both_directions_at_once(
    server: Server, client_context: ssl.SSLContext
) -> None:
    total = 4 * 1024 * 1024
    piece = 64 * 1024
    payload = random.Random(20240601).randbytes(total)

    def echo(tls: ssl.SSLSocket) -> None:
        # Small kernel buffers on both sides: the writers must wait for the readers.
        tls.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, piece)
        remaining = total
        while remaining:
            data = tls.recv(piece)
            assert data, f"the input ended {remaining} bytes early"
            tls.sendall(data)
            remaining -= len(data)
        send_close_notify(tls)

    server.serve(echo)

    async def main() -> None:
        inner = Recorder()
        async with connected(server, client_context, inner) as client:
            client.tcp.get_extra_info("socket").setsockopt(
                socket.SOL_SOCKET, socket.SO_SNDBUF, piece
            )
            client.tls.set_write_buffer_limits(high=piece)
            for start in range(0, total, piece):
                client.tls.write(payload[start : start + piece])
                await inner.drain()
            await inner.until("the end of the stream", lambda: inner.eofs > 0)
            assert len(inner.data) == total
            assert sha256(inner.data) == sha256(payload)
            assert inner.events == ["made", "data", "eof"]
            assert inner.write_pauses >= 1  # the flow control of the TCP transport reached it
            assert inner.write_resumes == inner.write_pauses
            await joined(server)

    run(main)
