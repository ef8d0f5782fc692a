"""TLSSocket over real TLS on loopback: a throwaway CA made with the openssl tool, a server
thread (``ssl.SSLSocket``) scripted by each test (:mod:`tests.support.tls_loopback`), and the
client socket under test.

Every socket has a timeout and every thread is joined with one, so a bug fails a test instead
of hanging the run.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import random
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from typing import Protocol

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

from docker.transport.tlssocket import TLSSocket


# The client -----------------------------------------------------------------------------------
class Connect(Protocol):
    def __call__(
        self,
        context: ssl.SSLContext | None = ...,
        hostname: str = ...,
        *,
        handshake: bool = ...,
    ) -> TLSSocket: ...


@pytest.fixture
def connect(server: Server, client_context: ssl.SSLContext) -> Iterator[Connect]:
    """Open a TLSSocket to the test's server (closed at teardown, before the server's)."""
    opened: list[TLSSocket] = []

    def connect(
        context: ssl.SSLContext | None = None,
        hostname: str = "127.0.0.1",
        *,
        handshake: bool = True,
    ) -> TLSSocket:
        raw = socket.create_connection(server.address, timeout=TIMEOUT)
        sock = TLSSocket(raw, context or client_context, hostname)
        opened.append(sock)
        if handshake:
            sock.handshake()
        return sock

    yield connect
    for sock in opened:
        sock.close()


def recv_exactly(sock: TLSSocket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        assert chunk, f"the stream ended after {len(data)} of {size} bytes"
        data += chunk
    return data


def recv_to_end(sock: TLSSocket) -> bytes:
    """Everything up to the first ``b''``."""
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


# Exchanges ------------------------------------------------------------------------------------
@pytest.mark.parametrize("version", [TLS12, TLS13])
def test_echo_round_trip(server: Server, connect: Connect, version: ssl.TLSVersion) -> None:
    def echo(tls: ssl.SSLSocket) -> None:
        while data := tls.recv(65536):
            tls.sendall(data)
        tls.unwrap()  # the client's close_notify came: ours goes, nothing to wait for

    server.serve(echo, version=version, suppress_ragged_eofs=False)
    sock = connect()

    name = VERSION_NAMES[version]
    assert sock.version() == name
    assert (sock.version() or "").startswith("TLSv1.")
    cipher = sock.cipher()
    assert cipher is not None
    assert cipher[1] == name
    peer = sock.getpeercert()
    assert peer["subjectAltName"] == (("IP Address", "127.0.0.1"),)
    assert peer["subject"] == ((("commonName", "127.0.0.1"),),)
    assert isinstance(sock.getpeercert(binary_form=True), bytes)
    assert sock.fileno() >= 0
    assert sock.gettimeout() == TIMEOUT

    sock.sendall(b"hello over TLS\n")
    assert recv_exactly(sock, 15) == b"hello over TLS\n"
    assert sock.send(memoryview(b"second message")) == 14
    buffer = bytearray(14)
    assert sock.recv_into(buffer) == 14
    assert buffer == b"second message"

    sock.shutdown(socket.SHUT_WR)
    assert sock.recv(100) == b""
    server.join()


@pytest.mark.parametrize("version", [TLS12, TLS13])
def test_half_close_the_server_answers_after_the_end_of_input(
    server: Server, connect: Connect, version: ssl.TLSVersion
) -> None:
    stdin = [b"first line\n", b"second line\n" * 2000, b"last line\n"]
    seen: list[bytes] = []
    tcp_still_open: list[bool] = []

    def script(tls: ssl.SSLSocket) -> None:
        # b'' only on the client's close_notify: a TCP end of file would raise SSLEOFError.
        seen.append(read_to_end(tls))
        # No FIN follows the close_notify: the client only closed its side of TLS.
        tcp_still_open.append(not readable(tls, 0.2))
        # Only now, after the end of the input, the output.
        tls.sendall(b"output after the end of input")
        tls.sendall(b", and more")
        tls.unwrap()

    server.serve(script, version=version, suppress_ragged_eofs=False)
    sock = connect()
    for piece in stdin:
        sock.sendall(piece)
    sock.shutdown(socket.SHUT_WR)

    assert recv_to_end(sock) == b"output after the end of input, and more"
    assert sock.recv(100) == b""
    server.join()
    assert seen == [b"".join(stdin)]
    assert tcp_still_open == [True]


def test_half_close_with_output_already_buffered(server: Server, connect: Connect) -> None:
    """Output received before the client ends its input (docker attach) survives the end:
    the rest of a decrypted record and a whole record still encrypted in the buffer."""
    sent = threading.Event()

    def script(tls: ssl.SSLSocket) -> None:
        tls.sendall(b"first")
        tls.sendall(b"second")  # a record of its own
        sent.set()
        assert read_to_end(tls) == b"input"
        tls.sendall(b"third")
        tls.unwrap()

    server.serve(script, suppress_ragged_eofs=False)
    sock = connect()
    wait(sent)
    time.sleep(0.1)  # both records are in the kernel: the next read takes them at once
    assert sock.recv(3) == b"fir"  # one record per read: "second" stays encrypted
    assert sock.pending() >= 2  # readable without the network: a poller must not wait
    sock.sendall(b"input")
    sock.shutdown(socket.SHUT_WR)
    assert sock.pending() >= 2
    assert recv_to_end(sock) == b"stsecondthird"
    assert sock.recv(100) == b""
    server.join()


def first_difference(got: bytes | bytearray, expected: bytes) -> int | None:
    """Where ``got`` departs from ``expected`` (None: equal); no huge diff on failure."""
    if got == expected:
        return None
    return next(
        (i for i, (a, b) in enumerate(zip(got, expected, strict=False)) if a != b),
        min(len(got), len(expected)),
    )


def test_half_close_while_another_thread_reads_in_small_pieces(
    certs: Certs, client_context: ssl.SSLContext
) -> None:
    """One thread ends stdin while another reads the output a few bytes at a time (frame
    headers): the output keeps its order.  Several rounds, as the two threads race."""
    payload = random.Random(7).randbytes(100_000)
    tail = b"output after the end of input"
    for _ in range(5):
        server = Server(certs)
        try:
            _read_while_another_thread_half_closes(server, client_context, payload, tail)
            server.join()
        finally:
            server.close()


def _read_while_another_thread_half_closes(
    server: Server, client_context: ssl.SSLContext, payload: bytes, tail: bytes
) -> None:
    def script(tls: ssl.SSLSocket) -> None:
        for start in range(0, len(payload), 1000):
            tls.sendall(payload[start : start + 1000])
        assert read_to_end(tls) == b""
        tls.sendall(tail)
        tls.unwrap()

    server.serve(script, suppress_ragged_eofs=False)
    raw = socket.create_connection(server.address, timeout=TIMEOUT)
    with contextlib.closing(TLSSocket(raw, client_context, "127.0.0.1")) as sock:
        sock.handshake()
        reading = threading.Event()
        close_errors: list[BaseException] = []

        def close_input() -> None:
            try:
                wait(reading)
                sock.shutdown(socket.SHUT_WR)
            except BaseException as exc:
                close_errors.append(exc)

        closer = threading.Thread(target=close_input, name="tlssocket-test-closer")
        closer.start()
        received = bytearray()
        try:
            while chunk := sock.recv(7):
                received += chunk
                if len(received) >= 10_000:
                    reading.set()
        finally:
            reading.set()
            closer.join(TIMEOUT)
        assert not closer.is_alive()
        assert close_errors == []
        where = first_difference(received, payload + tail)
        assert where is None, f"the output differs from byte {where} on"


def test_sendall_after_shutdown_write_raises_epipe(server: Server, connect: Connect) -> None:
    seen: list[bytes] = []

    def script(tls: ssl.SSLSocket) -> None:
        seen.append(read_to_end(tls))
        tls.unwrap()

    server.serve(script, suppress_ragged_eofs=False)
    sock = connect()
    sock.sendall(b"all of it")
    sock.shutdown(socket.SHUT_WR)
    sock.shutdown(socket.SHUT_WR)  # again: nothing happens

    with pytest.raises(OSError) as info:
        sock.sendall(b"too late")
    assert info.value.errno == errno.EPIPE
    assert "sending side" in str(info.value)
    assert "closed" in str(info.value)
    with pytest.raises(OSError) as info:
        sock.send(b"too late")
    assert info.value.errno == errno.EPIPE

    assert sock.recv(100) == b""
    server.join()
    assert seen == [b"all of it"]


# The end of the stream ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "close_tcp",
    [
        pytest.param(True, id="then-tcp-closed"),
        # SSLObject.read() reports a close_notify with b'', not SSLZeroReturnError: the
        # stream must still count as ended, with TCP open.
        pytest.param(False, id="tcp-kept-open"),
    ],
)
def test_close_notify_from_the_server_ends_the_stream(
    server: Server, connect: Connect, close_tcp: bool
) -> None:
    def script(tls: ssl.SSLSocket) -> None:
        tls.sendall(b"last words")
        send_close_notify(tls)
        if not close_tcp:
            wait(server.release)  # TCP stays open until the test is over

    server.serve(script)
    sock = connect()
    sock.settimeout(1.0)  # a recv that blocks instead of ending fails quickly
    assert recv_exactly(sock, 10) == b"last words"
    assert sock.recv(100) == b""
    assert sock.recv(100) == b""
    assert sock.recv(1) == b""
    server.release.set()
    server.join()


def test_tcp_end_without_close_notify_ends_the_stream(server: Server, connect: Connect) -> None:
    def script(tls: ssl.SSLSocket) -> None:
        tls.sendall(b"partial output")
        close_without_close_notify(tls)

    server.serve(script)
    sock = connect()
    sock.settimeout(1.0)
    assert recv_to_end(sock) == b"partial output"
    assert sock.recv(100) == b""
    assert sock.recv(100) == b""
    buffer = bytearray(10)
    assert sock.recv_into(buffer) == 0
    server.join()


@pytest.mark.parametrize(
    "closing",
    ["close_notify", "tcp_only"],
)
def test_shutdown_write_after_the_server_ended_the_stream(
    server: Server, connect: Connect, closing: str
) -> None:
    """The output ended first (the process exited), then the caller ends the input: like a
    TCP socket's ``shutdown(SHUT_WR)`` after the peer's FIN, this does not fail."""

    def script(tls: ssl.SSLSocket) -> None:
        tls.sendall(b"bye")
        if closing == "close_notify":
            send_close_notify(tls)
        else:
            close_without_close_notify(tls)

    server.serve(script)
    sock = connect()
    sock.settimeout(1.0)
    assert recv_to_end(sock) == b"bye"
    assert sock.recv(100) == b""  # the TCP end of file, read from the kernel
    server.join()
    sock.shutdown(socket.SHUT_WR)
    assert sock.recv(100) == b""


def test_shutdown_read_write_ends_tcp_without_close_notify(
    server: Server, connect: Connect
) -> None:
    ended: list[type[BaseException]] = []

    def script(tls: ssl.SSLSocket) -> None:
        with pytest.raises(ssl.SSLEOFError) as info:
            tls.recv(100)
        ended.append(info.type)

    server.serve(script, suppress_ragged_eofs=False)
    sock = connect()
    sock.shutdown(socket.SHUT_RDWR)
    server.join()
    assert ended == [ssl.SSLEOFError]


# Both directions at once ----------------------------------------------------------------------
def test_large_transfer_in_both_directions_at_once(server: Server, connect: Connect) -> None:
    total = 4 * 1024 * 1024
    piece = 64 * 1024
    payload = random.Random(20240601).randbytes(total)

    def echo(tls: ssl.SSLSocket) -> None:
        remaining = total
        while remaining:
            data = tls.recv(piece)
            assert data, f"the input ended {remaining} bytes early"
            tls.sendall(data)
            remaining -= len(data)
        send_close_notify(tls)

    server.serve(echo)
    sock = connect()
    write_errors: list[BaseException] = []

    def write() -> None:
        try:
            for start in range(0, total, piece):
                sock.sendall(payload[start : start + piece])
        except BaseException as exc:
            write_errors.append(exc)

    writer = threading.Thread(target=write, name="tlssocket-test-writer", daemon=True)
    writer.start()
    received = bytearray()
    try:
        while len(received) < total:
            chunk = sock.recv(piece)
            if not chunk:
                break
            received += chunk
        end = sock.recv(piece)
    finally:
        writer.join(TIMEOUT)
    assert not writer.is_alive()
    assert write_errors == []
    assert len(received) == total
    assert hashlib.sha256(received).hexdigest() == hashlib.sha256(payload).hexdigest()
    assert end == b""
    server.join()


# The pool's liveness check --------------------------------------------------------------------
@pytest.mark.parametrize("closing", ["close_notify", "tcp_only"])
def test_liveness_peek(server: Server, connect: Connect, closing: str) -> None:
    handshake_done = threading.Event()

    def script(tls: ssl.SSLSocket) -> None:
        handshake_done.set()  # and its session tickets were sent
        assert tls.recv(100) == b"ping"
        tls.sendall(b"pong")
        wait(server.release)
        if closing == "close_notify":
            send_close_notify(tls)
        else:
            close_without_close_notify(tls)

    server.serve(script, version=ssl.TLSVersion.TLSv1_3)
    sock = connect()
    assert sock.version() == "TLSv1.3"
    wait(handshake_done)
    assert readable(sock)  # the session tickets: TLS records without application data

    sock.setblocking(False)
    with pytest.raises(BlockingIOError):
        sock.recv(1, socket.MSG_PEEK)
    with pytest.raises(BlockingIOError):  # as the pool asks
        sock.recv_into(bytearray(1), 1, socket.MSG_PEEK)

    sock.settimeout(TIMEOUT)
    sock.sendall(b"ping")
    assert recv_exactly(sock, 4) == b"pong"
    sock.setblocking(False)
    with pytest.raises(BlockingIOError):
        sock.recv(1, socket.MSG_PEEK)

    server.release.set()
    server.join()  # the server closed its end
    assert readable(sock)
    assert sock.recv(1, socket.MSG_PEEK) == b""
    assert readable(sock)  # the TCP end of file (after the close_notify, if any)
    assert sock.recv_into(bytearray(1), 1, socket.MSG_PEEK) == 0


def test_liveness_peek_sees_records_already_read_from_the_kernel(
    server: Server, connect: Connect
) -> None:
    sent = threading.Event()

    def script(tls: ssl.SSLSocket) -> None:
        tls.sendall(b"response")
        tls.sendall(b"unasked")  # a record of its own
        sent.set()
        wait(server.release)

    server.serve(script)
    sock = connect()
    wait(sent)
    time.sleep(0.1)  # both records are in the kernel: the next read takes them at once
    assert sock.recv(100) == b"response"
    sock.setblocking(False)
    assert len(sock.recv(1, socket.MSG_PEEK)) == 1  # data nobody asked for: not idle


def test_pending_counts_decrypted_bytes_left_in_a_record(server: Server, connect: Connect) -> None:
    payload = random.Random(1000).randbytes(1000)

    def script(tls: ssl.SSLSocket) -> None:
        tls.sendall(payload)  # one record
        wait(server.release)

    server.serve(script)
    sock = connect()
    assert sock.pending() == 0
    assert sock.recv(10) == payload[:10]
    assert sock.pending() == 990

    sock.setblocking(False)
    assert len(sock.recv(1, socket.MSG_PEEK)) == 1  # data nobody asked for: not idle
    assert sock.pending() == 990  # and the peek took none of it
    sock.settimeout(TIMEOUT)

    buffer = bytearray(2000)
    assert sock.recv_into(buffer) == 990
    assert bytes(buffer[:990]) == payload[10:]
    assert sock.pending() == 0
    server.release.set()
    server.join()


# Handshake failures ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("trust_ca", "hostname", "verify_code"),
    [
        pytest.param(False, "127.0.0.1", 20, id="unknown-ca"),  # unable to get local issuer
        pytest.param(True, "localhost", 62, id="wrong-name"),  # hostname mismatch
    ],
)
def test_handshake_rejects_an_unverified_certificate(
    server: Server,
    connect: Connect,
    certs: Certs,
    trust_ca: bool,
    hostname: str,
    verify_code: int,
) -> None:
    server.serve(lambda tls: None)
    if trust_ca:
        context = ssl.create_default_context(cafile=str(certs.ca))
    else:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies, trusts nothing
    sock = connect(context, hostname, handshake=False)
    with pytest.raises(ssl.SSLCertVerificationError) as info:
        sock.handshake()
    assert info.value.verify_code == verify_code
    sock.close()
    server.join()
    assert isinstance(server.handshake_error, OSError)


def test_handshake_with_a_peer_that_closes_raises_eof(server: Server, connect: Connect) -> None:
    def script(conn: socket.socket) -> None:
        assert conn.recv(65536)[:1] == b"\x16"  # the ClientHello (a handshake record)

    server.serve_tcp(script)
    sock = connect(handshake=False)
    with pytest.raises(ssl.SSLEOFError):
        sock.handshake()
    server.join()


def test_handshake_with_a_peer_that_is_not_tls(server: Server, connect: Connect) -> None:
    def script(conn: socket.socket) -> None:
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n")
        assert conn.recv(65536) == b""  # the client gave up and closed

    server.serve_tcp(script)
    sock = connect(handshake=False)
    with pytest.raises(ssl.SSLError):
        sock.handshake()
    sock.close()
    server.join()


# Timeouts and flags ---------------------------------------------------------------------------
def test_read_timeout_raises_and_leaves_the_socket_usable(server: Server, connect: Connect) -> None:
    def script(tls: ssl.SSLSocket) -> None:
        wait(server.release)
        tls.sendall(b"late")

    server.serve(script)
    sock = connect()
    sock.settimeout(0.2)
    assert sock.gettimeout() == 0.2
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        sock.recv(100)
    assert 0.15 <= time.monotonic() - started < TIMEOUT

    sock.settimeout(TIMEOUT)
    server.release.set()
    assert recv_exactly(sock, 4) == b"late"
    server.join()


def test_recv_rejects_other_flags(client_context: ssl.SSLContext) -> None:
    raw, other = socket.socketpair()
    with raw, other:
        sock = TLSSocket(raw, client_context, "127.0.0.1")
        with pytest.raises(ValueError, match="flags"):
            sock.recv(1, socket.MSG_OOB)
