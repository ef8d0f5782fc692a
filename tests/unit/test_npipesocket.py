"""The named pipe code without a pipe: the Windows calls against a scripted fake kernel32, the
socket logic against a scripted fake handle.

The protocol-level tests (real HTTP exchanges with the engine through the socket logic) are in
``tests/integration/test_npipe_protocol.py``.
"""

from __future__ import annotations

import ctypes
import errno
import io
import socket
import threading
import time
from collections import deque
from typing import Any

import pytest

from docker.transport.npipeconn import NpipeTransport
from docker.transport.npipesocket import (
    BUSY_RETRIES,
    ERROR_ACCESS_DENIED,
    ERROR_BROKEN_PIPE,
    ERROR_FILE_NOT_FOUND,
    ERROR_IO_PENDING,
    ERROR_NO_DATA,
    ERROR_OPERATION_ABORTED,
    ERROR_PIPE_BUSY,
    ERROR_PIPE_NOT_CONNECTED,
    FILE_FLAG_OVERLAPPED,
    INFINITE,
    INVALID_HANDLE_VALUE,
    PIPE_TYPE_MESSAGE,
    WAIT_OBJECT_0,
    WAIT_TIMEOUT,
    NpipeError,
    NpipeSocket,
    Win32Api,
    Win32Pipe,
    Win32PipeOpener,
    open_pipe,
    pipe_error,
    pipe_name_from_url,
)

PIPE = "\\\\.\\pipe\\docker_engine"


# A scripted kernel32 ------------------------------------------------------------------------
class FakeKernel32:
    """Answers the pipe calls from scripts; records every call.

    A read or write script step is one of ``("now", data)`` (completes at once),
    ``("later", data)`` (pending, done when waited for), ``("hang",)`` (pending until
    cancelled), ``("race", data)`` (the wait times out but the operation completes before the
    cancellation), ``("fail", code)`` (fails at once) and ``("fail_later", code)``.
    """

    def __init__(self) -> None:
        self.error = 0
        self.calls: list[tuple[Any, ...]] = []
        self.open_errors: deque[int] = deque()
        self.reads: deque[tuple[Any, ...]] = deque()
        self.writes: deque[tuple[Any, ...]] = deque()
        self.written: list[bytes] = []
        self.pipe_flags = PIPE_TYPE_MESSAGE
        self.peek: tuple[bool, int] = (True, 0)
        self.wait_pipe_result = 1
        self.next_handle = 100
        self.open_handles: set[int] = set()
        self.ops: dict[int, dict[str, Any]] = {}  # by event handle
        self.wait_gate: threading.Event | None = None

    def _new_handle(self) -> int:
        self.next_handle += 1
        self.open_handles.add(self.next_handle)
        return self.next_handle

    def CreateFileW(self, *args: Any) -> int | None:
        self.calls.append(("CreateFileW", *args))
        if self.open_errors:
            self.error = self.open_errors.popleft()
            return INVALID_HANDLE_VALUE
        return self._new_handle()

    def CreateEventW(self, *args: Any) -> int:
        self.calls.append(("CreateEventW",))
        return self._new_handle()

    def _start(self, kind: str, script: Any, buffer: Any, size: int, ov: Any) -> int:
        step = script.popleft() if script else ("now", b"" if kind == "read" else None)
        op: dict[str, Any] = {
            "kind": kind,
            "step": step,
            "cancelled": False,
            "buffer": buffer,
            "size": size,
        }
        self.ops[ov.hEvent] = op
        action = step[0]
        if action == "now":
            op["result"] = self._complete(kind, step, buffer, size)
            return 1
        if action == "fail":
            self.error = step[1]
            return 0
        self.error = ERROR_IO_PENDING
        return 0

    def _complete(self, kind: str, step: Any, buffer: Any, size: int) -> int:
        if kind == "read":
            data = step[1][:size]
            ctypes.memmove(buffer, data, len(data))
            return len(data)
        data = bytes(buffer[:size]) if not isinstance(buffer, bytes) else buffer[:size]
        self.written.append(data)
        return len(data) if step[1] is None else step[1]

    def ReadFile(self, handle: int, buffer: Any, size: int, done: Any, ov: Any) -> int:
        self.calls.append(("ReadFile", handle, size))
        return self._start("read", self.reads, buffer, size, ov)

    def WriteFile(self, handle: int, buffer: Any, size: int, done: Any, ov: Any) -> int:
        self.calls.append(("WriteFile", handle, bytes(buffer[:size]) if size else b""))
        return self._start("write", self.writes, buffer, size, ov)

    def WaitForSingleObject(self, event: int, millis: int) -> int:
        self.calls.append(("WaitForSingleObject", millis))
        op = self.ops[event]
        if op["step"][0] in ("hang", "race"):
            if self.wait_gate is not None:
                self.wait_gate.wait(5)
                return WAIT_OBJECT_0 if op["cancelled"] else WAIT_TIMEOUT
            return WAIT_TIMEOUT
        return WAIT_OBJECT_0

    def CancelIoEx(self, handle: int, ov: Any) -> int:
        self.calls.append(("CancelIoEx", handle, ov is None))
        targets = self.ops.values() if ov is None else [self.ops[ov.hEvent]]
        for op in targets:
            op["cancelled"] = True
        if self.wait_gate is not None:
            self.wait_gate.set()
        return 1

    def GetOverlappedResult(self, handle: int, ov: Any, done: Any, wait: int) -> int:
        self.calls.append(("GetOverlappedResult", wait))
        op = self.ops[ov.hEvent]
        step, kind = op["step"], op["kind"]
        if "result" in op:
            done.value = op["result"]
            return 1
        if step[0] == "race" or step[0] == "later":
            done.value = self._complete(kind, step, op["buffer"], op["size"])
            return 1
        if step[0] == "fail_later":
            self.error = step[1]
            return 0
        assert op["cancelled"], "a hanging operation was waited for without a cancellation"
        self.error = ERROR_OPERATION_ABORTED
        return 0

    def CloseHandle(self, handle: int) -> int:
        self.calls.append(("CloseHandle", handle))
        self.open_handles.discard(handle)
        return 1

    def WaitNamedPipeW(self, name: str, millis: int) -> int:
        self.calls.append(("WaitNamedPipeW", name, millis))
        return self.wait_pipe_result

    def PeekNamedPipe(
        self, handle: int, buf: Any, size: int, read: Any, avail: Any, left: Any
    ) -> int:
        ok, value = self.peek
        if ok:
            avail.value = value
            return 1
        self.error = value
        return 0

    def GetNamedPipeInfo(self, handle: int, flags: Any, *rest: Any) -> int:
        flags.value = self.pipe_flags
        return 1

    def named(self, name: str) -> list[tuple[Any, ...]]:
        return [call for call in self.calls if call[0] == name]


@pytest.fixture
def k32() -> FakeKernel32:
    return FakeKernel32()


@pytest.fixture
def api(k32: FakeKernel32) -> Win32Api:
    return Win32Api(k32, lambda: k32.error)  # type: ignore[arg-type]


@pytest.fixture
def pipe(api: Win32Api) -> Win32Pipe:
    return Win32PipeOpener(api).open(PIPE)


# Names and error translation ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("npipe:////./pipe/docker_engine", PIPE),
        ("npipe:///pipe/docker_engine", PIPE),
        ("npipe:////server/pipe/docker_engine", "\\\\server\\pipe\\docker_engine"),
        ("npipe:////./pipe/dockerDesktopLinuxEngine", "\\\\.\\pipe\\dockerDesktopLinuxEngine"),
        (PIPE, PIPE),
    ],
)
def test_pipe_name_from_url(url: str, name: str) -> None:
    assert pipe_name_from_url(url) == name


def test_transport_address_and_names() -> None:
    transport = NpipeTransport("npipe:////./pipe/docker_engine", opener=object())  # type: ignore[arg-type]
    assert transport.pipe_name == PIPE
    assert transport.address == "npipe:////./pipe/docker_engine"
    assert transport.url_base == "http+docker://localnpipe"
    assert transport.host_header == "localhost"


@pytest.mark.parametrize(
    ("code", "error_class_errno", "text"),
    [
        (ERROR_FILE_NOT_FOUND, errno.ENOENT, "no pipe of that name exists"),
        (ERROR_ACCESS_DENIED, errno.EACCES, "access is denied"),
        (ERROR_PIPE_BUSY, errno.EBUSY, "every instance of the pipe is busy"),
        (ERROR_BROKEN_PIPE, errno.EPIPE, "the other end closed the pipe"),
        (ERROR_NO_DATA, errno.EPIPE, "the pipe is being closed by the other end"),
        (ERROR_PIPE_NOT_CONNECTED, errno.ENOTCONN, "nothing is connected"),
    ],
)
def test_open_failures_are_translated(
    k32: FakeKernel32, api: Win32Api, code: int, error_class_errno: int, text: str
) -> None:
    k32.open_errors.append(code)
    with pytest.raises(NpipeError) as info:
        Win32PipeOpener(api).open(PIPE)
    exc = info.value
    assert isinstance(exc, OSError)
    assert exc.winerror == code and exc.errno == error_class_errno and exc.pipe == PIPE
    assert str(exc) == f"Cannot open the named pipe {PIPE}: {exc.strerror}"
    assert text in str(exc) and f"(Windows error {code})" in str(exc)


def test_unknown_code_uses_the_system_text() -> None:
    exc = pipe_error(1326, "open", PIPE, system_text=lambda code: f"System says {code}.\r\n")
    assert str(exc) == f"Cannot open the named pipe {PIPE}: System says 1326 (Windows error 1326)"
    assert exc.errno == errno.EIO
    assert "unknown error (Windows error 42)" in str(pipe_error(42, "open", PIPE))


def test_open_uses_overlapped_read_write(k32: FakeKernel32, pipe: Win32Pipe) -> None:
    (call,) = k32.named("CreateFileW")
    _, name, access, share, _, disposition, flags, _ = call
    assert name == PIPE and access == 0xC0000000 and share == 0 and disposition == 3
    assert flags & FILE_FLAG_OVERLAPPED


# Overlapped reads and writes ----------------------------------------------------------------
def test_read_completing_at_once_and_later(k32: FakeKernel32, pipe: Win32Pipe) -> None:
    k32.reads.extend([("now", b"hello"), ("later", b"world, and more")])
    assert pipe.read(100, 5.0) == b"hello"
    assert not k32.named("WaitForSingleObject")
    assert pipe.read(5, 2.5) == b"world"
    assert k32.named("WaitForSingleObject") == [("WaitForSingleObject", 2500)]
    k32.reads.append(("later", b"x"))
    assert pipe.read(10, None) == b"x"
    assert k32.named("WaitForSingleObject")[-1] == ("WaitForSingleObject", INFINITE)


def test_read_into_fills_the_callers_buffer(k32: FakeKernel32, pipe: Win32Pipe) -> None:
    k32.reads.append(("later", b"abcdef"))
    buffer = bytearray(4)
    assert pipe.read_into(memoryview(buffer), None) == 4
    assert buffer == b"abcd"


def test_read_timeout_cancels_the_read(k32: FakeKernel32, pipe: Win32Pipe) -> None:
    k32.reads.append(("hang",))
    with pytest.raises(TimeoutError, match=r"no progress on the named pipe .* in 0.25 s"):
        pipe.read(10, 0.25)
    assert k32.named("CancelIoEx") == [("CancelIoEx", 101, False)]
    assert k32.named("GetOverlappedResult") == [("GetOverlappedResult", 1)]  # waits it out


def test_read_completing_as_the_timeout_hits_keeps_the_data(
    k32: FakeKernel32, pipe: Win32Pipe
) -> None:
    k32.reads.append(("race", b"just in time"))
    assert pipe.read(100, 0.1) == b"just in time"
    assert k32.named("CancelIoEx")


def test_broken_pipe_on_read_is_the_end(k32: FakeKernel32, pipe: Win32Pipe) -> None:
    k32.reads.extend([("fail", ERROR_BROKEN_PIPE), ("fail_later", ERROR_BROKEN_PIPE)])
    assert pipe.read(10, None) == b""
    assert pipe.read(10, None) == b""


def test_other_read_failures_are_clear(k32: FakeKernel32, pipe: Win32Pipe) -> None:
    k32.reads.append(("fail_later", ERROR_PIPE_NOT_CONNECTED))
    with pytest.raises(NpipeError) as info:
        pipe.read(10, None)
    assert info.value.errno == errno.ENOTCONN
    assert str(info.value) == (
        f"Cannot read from the named pipe {PIPE}: nothing is connected to the other end of the "
        "pipe (Windows error 233)"
    )


def test_write_and_its_failures(k32: FakeKernel32, pipe: Win32Pipe) -> None:
    assert pipe.write(b"GET /_ping HTTP/1.1\r\n\r\n", 1.0) == 23
    assert k32.written == [b"GET /_ping HTTP/1.1\r\n\r\n"]
    k32.writes.append(("fail", ERROR_NO_DATA))
    with pytest.raises(NpipeError) as info:
        pipe.write(b"x", 1.0)
    assert info.value.errno == errno.EPIPE  # what the pool's retry logic looks for
    assert str(info.value).startswith(f"Cannot write to the named pipe {PIPE}: ")
    k32.writes.append(("hang",))
    with pytest.raises(TimeoutError):
        pipe.write(b"x", 0.5)


def test_available(k32: FakeKernel32, pipe: Win32Pipe) -> None:
    k32.peek = (True, 7)
    assert pipe.available() == 7
    k32.peek = (False, ERROR_BROKEN_PIPE)
    assert pipe.available() is None
    k32.peek = (False, ERROR_ACCESS_DENIED)
    with pytest.raises(NpipeError, match="Cannot peek into the named pipe"):
        pipe.available()


def test_close_write_sends_an_empty_message(k32: FakeKernel32, pipe: Win32Pipe) -> None:
    pipe.close_write()
    assert k32.named("WriteFile") == [("WriteFile", 101, b"")]
    k32.pipe_flags = 0  # a byte-mode pipe has no end-of-input mark
    with pytest.raises(OSError, match="byte pipe") as info:
        pipe.close_write()
    assert info.value.errno == errno.EOPNOTSUPP


def test_close_releases_the_pipe_and_its_events(k32: FakeKernel32, pipe: Win32Pipe) -> None:
    k32.reads.append(("now", b"x"))
    k32.writes.append(("now", None))
    pipe.read(1, None)
    pipe.write(b"y", None)
    assert len(k32.open_handles) == 3  # the pipe and one event per direction
    pipe.close()
    pipe.close()
    assert not k32.open_handles
    with pytest.raises(OSError, match="closed") as info:
        pipe.read(1, None)
    assert info.value.errno == errno.EBADF


def test_close_from_another_thread_waits_for_the_running_read(
    k32: FakeKernel32, pipe: Win32Pipe
) -> None:
    k32.reads.append(("hang",))
    k32.wait_gate = threading.Event()
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            pipe.read(10, None)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    time.sleep(0.05)
    pipe.cancel()
    pipe.close()
    thread.join(5)
    assert not thread.is_alive()
    assert isinstance(errors[0], NpipeError) and errors[0].winerror == ERROR_OPERATION_ABORTED
    assert ("CancelIoEx", 101, True) in k32.calls
    # The pipe handle was closed only after the read had finished with it.
    closes = [i for i, call in enumerate(k32.calls) if call == ("CloseHandle", 101)]
    results = [i for i, call in enumerate(k32.calls) if call[0] == "GetOverlappedResult"]
    assert closes and results and closes[0] > results[-1]
    assert not k32.open_handles


# Opening: busy pipes --------------------------------------------------------------------------
def test_busy_pipe_waits_for_an_instance(k32: FakeKernel32, api: Win32Api) -> None:
    k32.open_errors.extend([ERROR_PIPE_BUSY] * 3)
    handle = open_pipe(Win32PipeOpener(api), PIPE, None)
    assert isinstance(handle, Win32Pipe)
    assert len(k32.named("CreateFileW")) == 4
    assert k32.named("WaitNamedPipeW") == [("WaitNamedPipeW", PIPE, 1000)] * 3


def test_busy_pipe_gives_up_after_the_retries(k32: FakeKernel32, api: Win32Api) -> None:
    k32.open_errors.extend([ERROR_PIPE_BUSY] * 100)
    with pytest.raises(NpipeError) as info:
        open_pipe(Win32PipeOpener(api), PIPE, None, wait=0.01)
    assert info.value.winerror == ERROR_PIPE_BUSY
    assert len(k32.named("CreateFileW")) == BUSY_RETRIES + 1
    assert k32.named("WaitNamedPipeW")[0] == ("WaitNamedPipeW", PIPE, 10)


def test_busy_pipe_within_a_timeout(k32: FakeKernel32, api: Win32Api) -> None:
    k32.open_errors.extend([ERROR_PIPE_BUSY] * 100)

    class SlowOpener(Win32PipeOpener):
        def wait(self, name: str, timeout: float) -> bool:
            time.sleep(timeout)
            return super().wait(name, timeout)

    with pytest.raises(TimeoutError, match="stayed busy for 0.2 s"):
        open_pipe(SlowOpener(api), PIPE, 0.2)
    waits = [call[2] for call in k32.named("WaitNamedPipeW")]
    assert waits and all(1 <= wait <= 200 for wait in waits)


def test_other_open_errors_are_not_retried(k32: FakeKernel32, api: Win32Api) -> None:
    k32.open_errors.append(ERROR_FILE_NOT_FOUND)
    with pytest.raises(NpipeError) as info:
        open_pipe(Win32PipeOpener(api), PIPE, None)
    assert info.value.errno == errno.ENOENT
    assert not k32.named("WaitNamedPipeW")


# The socket logic, over a scripted handle -------------------------------------------------
class FakeHandle:
    """A pipe handle that replays chunks and records writes."""

    def __init__(self, chunks: list[bytes] | None = None) -> None:
        self.chunks = deque(chunks or [])
        self.ended = False
        self.timeouts: list[float | None] = []
        self.written: list[bytes] = []
        self.events: list[str] = []
        self.write_limit: int | None = None

    def read(self, size: int, timeout: float | None) -> bytes:
        self.timeouts.append(timeout)
        if not self.chunks:
            if self.ended:
                return b""
            raise TimeoutError("nothing")
        data = self.chunks.popleft()
        if len(data) > size:
            self.chunks.appendleft(data[size:])
        return data[:size]

    def read_into(self, buffer: memoryview, timeout: float | None) -> int:
        data = self.read(len(buffer), timeout)
        buffer[: len(data)] = data
        return len(data)

    def write(self, data: bytes, timeout: float | None) -> int:
        self.timeouts.append(timeout)
        taken = data[: self.write_limit] if self.write_limit else data
        self.written.append(taken)
        return len(taken)

    def available(self) -> int | None:
        if self.chunks:
            return len(self.chunks[0])
        return None if self.ended else 0

    def close_write(self) -> None:
        self.events.append("close_write")

    def cancel(self) -> None:
        self.events.append("cancel")

    def close(self) -> None:
        self.events.append("close")


def _sock(handle: FakeHandle) -> NpipeSocket:
    return NpipeSocket(handle, name=PIPE)


def test_socket_timeouts() -> None:
    handle = FakeHandle()
    sock = _sock(handle)
    assert sock.gettimeout() is None and sock.getblocking()
    sock.settimeout(2)
    with pytest.raises(TimeoutError, match=r"Reading from the named pipe .* timed out after 2.0 s"):
        sock.recv(10)
    sock.setblocking(False)
    assert sock.gettimeout() == 0.0 and not sock.getblocking()
    with pytest.raises(BlockingIOError) as info:
        sock.recv(10)
    assert info.value.errno == errno.EAGAIN
    assert handle.timeouts == [2.0, 0.0]
    with pytest.raises(ValueError, match="out of range"):
        sock.settimeout(-1)


def test_socket_peek_then_read() -> None:
    handle = FakeHandle([b"HTTP/1.1 200 OK\r\n"])
    sock = _sock(handle)
    sock.setblocking(False)
    assert sock.recv(4, socket.MSG_PEEK) == b"HTTP"
    assert sock.recv(4, socket.MSG_PEEK) == b"HTTP"
    sock.settimeout(None)
    assert sock.recv(6) == b"HTTP"  # what was peeked comes first (a short read is allowed)
    assert sock.recv(100) == b"/1.1 200 OK\r\n"
    buffer = bytearray(1)
    sock.setblocking(False)
    with pytest.raises(BlockingIOError):  # idle: the pool's liveness check
        sock.recv_into(buffer, 1, socket.MSG_PEEK)
    handle.ended = True
    assert sock.recv_into(buffer, 1, socket.MSG_PEEK) == 0  # the daemon closed it
    with pytest.raises(OSError, match="not supported") as info:
        sock.recv(1, socket.MSG_OOB)
    assert info.value.errno == errno.EOPNOTSUPP


def test_socket_recv_into_and_end() -> None:
    handle = FakeHandle([b"abcdef"])
    sock = _sock(handle)
    buffer = bytearray(10)
    assert sock.recv_into(buffer, 4) == 4 and buffer[:4] == b"abcd"
    assert sock.recv_into(memoryview(buffer)[4:]) == 2 and buffer[:6] == b"abcdef"
    handle.ended = True
    assert sock.recv(10) == b""
    with pytest.raises(ValueError):
        sock.recv_into(bytearray(2), 3)


def test_socket_sendall_resumes_partial_writes() -> None:
    handle = FakeHandle()
    handle.write_limit = 3
    sock = _sock(handle)
    sock.sendall(b"0123456789")
    assert handle.written == [b"012", b"345", b"678", b"9"]
    sock.sendall(memoryview(bytearray(b"ab")))
    assert handle.written[-1] == b"ab"


def test_socket_shutdown_and_close() -> None:
    handle = FakeHandle([b"left over"])
    sock = _sock(handle)
    sock.shutdown(socket.SHUT_WR)
    sock.shutdown(socket.SHUT_WR)  # once is enough
    assert handle.events == ["close_write"]
    with pytest.raises(BrokenPipeError):
        sock.sendall(b"x")
    sock.shutdown(socket.SHUT_RDWR)
    assert handle.events == ["close_write", "cancel"]
    assert sock.recv(10) == b""  # shut for reading
    sock.close()
    sock.close()
    assert handle.events == ["close_write", "cancel", "cancel", "close"]
    assert sock.closed and sock.handle is None
    with pytest.raises(OSError) as info:
        sock.recv(1)
    assert info.value.errno == errno.EBADF
    with pytest.raises(io.UnsupportedOperation):
        sock.fileno()


def test_socket_makefile_and_context_manager() -> None:
    handle = FakeHandle([b"line one\nline two\n"])
    handle.ended = True
    with _sock(handle) as sock:
        reader = sock.makefile("rb")
        assert reader.readline() == b"line one\n"
        assert reader.read() == b"line two\n"
        writer = sock.makefile("wb")
        writer.write(b"abc")
        writer.flush()
        assert handle.written == [b"abc"]
        with pytest.raises(ValueError):
            sock.makefile("r")
    assert handle.events[-1] == "close"


def test_unconnected_socket() -> None:
    sock = NpipeSocket(opener=object())  # type: ignore[arg-type]
    with pytest.raises(OSError) as info:
        sock.recv(1)
    assert info.value.errno == errno.ENOTCONN
    sock.close()


def test_socket_connect_retries_a_busy_pipe(k32: FakeKernel32, api: Win32Api) -> None:
    k32.open_errors.extend([ERROR_PIPE_BUSY, ERROR_PIPE_BUSY])
    sock = NpipeSocket(opener=Win32PipeOpener(api))
    sock.settimeout(5)
    sock.connect("npipe:////./pipe/docker_engine")
    assert sock.getpeername() == PIPE
    assert len(k32.named("CreateFileW")) == 3
    assert sock.connect_ex(PIPE) == errno.EISCONN
    sock.close()
    assert not k32.open_handles


def test_transport_package_exports_the_pipe_classes_on_windows_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib
    import sys

    import docker.transport

    with pytest.raises(AttributeError):
        docker.transport.NpipeHTTPAdapter  # noqa: B018 - not on Linux, as in the original
    # The package decides when it is imported (as the original does): import it as Windows would.
    monkeypatch.setattr(sys, "platform", "win32")
    importlib.reload(docker.transport)
    try:
        assert docker.transport.NpipeHTTPAdapter is NpipeTransport
        assert docker.transport.NpipeSocket is NpipeSocket
    finally:
        monkeypatch.undo()
        for name in ("NpipeHTTPAdapter", "NpipeSocket"):
            vars(docker.transport).pop(name, None)
        importlib.reload(docker.transport)
    with pytest.raises(AttributeError):
        docker.transport.NpipeHTTPAdapter  # noqa: B018
