"""A socket-like object over a Windows named pipe (``npipe:////./pipe/docker_engine``).

:class:`NpipeSocket` gives the connection, pool and reply classes of
:mod:`docker.transport.base` and :mod:`docker.transport.response` the socket methods they use
(``sendall``, ``recv``, ``recv_into``, ``settimeout``, ``setblocking``, ``shutdown``,
``close`` and a ``MSG_PEEK`` liveness check).  The operating system calls sit behind two small
interfaces: a :class:`PipeOpener` opens a pipe by name and a :class:`PipeHandle` reads, writes
and closes it with a timeout.  On Windows they are :class:`Win32PipeOpener` and
:class:`Win32Pipe`, written with :mod:`ctypes` over ``kernel32`` (overlapped I/O, so every read
and write can be bounded by a timeout and woken by a close from another thread); the socket
logic above them is platform-neutral, so it also runs over any other implementation of the
interfaces.
"""

from __future__ import annotations

import ctypes
import errno
import io
import socket
import sys
import threading
from collections.abc import Callable
from math import ceil
from time import monotonic
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer, WriteableBuffer

    from .base import P

__all__ = [
    "NpipeError",
    "NpipeSocket",
    "PipeHandle",
    "PipeOpener",
    "Win32Api",
    "Win32Pipe",
    "Win32PipeOpener",
    "default_opener",
    "open_pipe",
    "pipe_error",
    "pipe_name_from_url",
]

# Windows error codes met on pipes.
ERROR_FILE_NOT_FOUND = 2
ERROR_PATH_NOT_FOUND = 3
ERROR_ACCESS_DENIED = 5
ERROR_INVALID_HANDLE = 6
ERROR_BAD_NETPATH = 53
ERROR_BROKEN_PIPE = 109
ERROR_SEM_TIMEOUT = 121
ERROR_INVALID_NAME = 123
ERROR_BAD_PATHNAME = 161
ERROR_PIPE_BUSY = 231
ERROR_NO_DATA = 232
ERROR_PIPE_NOT_CONNECTED = 233
ERROR_MORE_DATA = 234
ERROR_OPERATION_ABORTED = 995
ERROR_IO_PENDING = 997
ERROR_NOT_FOUND = 1168

#: Short English descriptions of the codes above (the system text is used for the others).
_WINERROR_TEXT = {
    ERROR_FILE_NOT_FOUND: "no pipe of that name exists",
    ERROR_PATH_NOT_FOUND: "no pipe of that name exists",
    ERROR_ACCESS_DENIED: "access is denied",
    ERROR_INVALID_HANDLE: "the pipe handle is not valid",
    ERROR_BAD_NETPATH: "the network path was not found",
    ERROR_BROKEN_PIPE: "the other end closed the pipe",
    ERROR_SEM_TIMEOUT: "the wait timed out",
    ERROR_INVALID_NAME: "the pipe name is not valid",
    ERROR_BAD_PATHNAME: "the pipe name is not valid",
    ERROR_PIPE_BUSY: "every instance of the pipe is busy",
    ERROR_NO_DATA: "the pipe is being closed by the other end",
    ERROR_PIPE_NOT_CONNECTED: "nothing is connected to the other end of the pipe",
    ERROR_MORE_DATA: "more data is waiting",
    ERROR_OPERATION_ABORTED: "the operation was cancelled",
}
#: The POSIX errno closest to each Windows code (what the pool's retry logic looks at).
_WINERROR_ERRNO = {
    ERROR_FILE_NOT_FOUND: errno.ENOENT,
    ERROR_PATH_NOT_FOUND: errno.ENOENT,
    ERROR_ACCESS_DENIED: errno.EACCES,
    ERROR_INVALID_HANDLE: errno.EBADF,
    ERROR_BAD_NETPATH: errno.ENOENT,
    ERROR_BROKEN_PIPE: errno.EPIPE,
    ERROR_SEM_TIMEOUT: errno.ETIMEDOUT,
    ERROR_INVALID_NAME: errno.EINVAL,
    ERROR_BAD_PATHNAME: errno.EINVAL,
    ERROR_PIPE_BUSY: errno.EBUSY,
    ERROR_NO_DATA: errno.EPIPE,
    ERROR_PIPE_NOT_CONNECTED: errno.ENOTCONN,
    ERROR_OPERATION_ABORTED: errno.ECANCELED,
}

# CreateFileW and friends.
GENERIC_READ = 0x80000000
GENERIC_WRITE = 0x40000000
OPEN_EXISTING = 3
FILE_FLAG_OVERLAPPED = 0x40000000
SECURITY_SQOS_PRESENT = 0x00100000
SECURITY_ANONYMOUS = 0
PIPE_TYPE_MESSAGE = 0x4
WAIT_OBJECT_0 = 0
WAIT_TIMEOUT = 0x102
INFINITE = 0xFFFFFFFF
#: ``INVALID_HANDLE_VALUE`` as ctypes returns a ``HANDLE``.
INVALID_HANDLE_VALUE = ctypes.c_void_p(-1).value
#: Largest transfer asked of one ReadFile/WriteFile call.
MAX_TRANSFER = 1 << 30

#: How often opening a busy pipe is retried, and the longest wait for a free instance between
#: two attempts (seconds).
BUSY_RETRIES = 10
BUSY_WAIT = 1.0


class NpipeError(OSError):
    """A failed named pipe operation: names the pipe, the Windows error code and its meaning.

    ``errno`` holds the closest POSIX code (``ENOENT`` for a missing pipe, ``EPIPE`` for a
    broken one...), ``winerror`` the Windows code and ``pipe`` the pipe's name.
    """

    winerror: int
    pipe: str
    action: str

    def __str__(self) -> str:
        return f"Cannot {self.action} the named pipe {self.pipe}: {self.strerror}"


def describe_winerror(code: int, system_text: Callable[[int], str] | None = None) -> str:
    """A short description of a Windows error code."""
    text = _WINERROR_TEXT.get(code)
    if text is None and system_text is not None:
        text = system_text(code).strip().rstrip(".")
    return text or "unknown error"


def pipe_error(
    code: int, action: str, pipe: str, system_text: Callable[[int], str] | None = None
) -> NpipeError:
    """The :class:`NpipeError` for Windows error ``code`` met while doing ``action`` on ``pipe``.

    ``action`` completes "Cannot ... the named pipe": ``"open"``, ``"read from"``...
    """
    text = f"{describe_winerror(code, system_text)} (Windows error {code})"
    exc = NpipeError(_WINERROR_ERRNO.get(code, errno.EIO), text)
    exc.winerror = code
    exc.pipe = pipe
    exc.action = action
    return exc


def winerror_of(exc: BaseException) -> int | None:
    """The Windows error code an exception carries, if any."""
    code = getattr(exc, "winerror", None)
    return code if isinstance(code, int) else None


def pipe_name_from_url(url: str) -> str:
    r"""The Windows pipe name of an ``npipe://`` address: ``npipe:////./pipe/x`` → ``\\.\pipe\x``.

    A name without a server part (``npipe:///pipe/x``) is taken as a local pipe.
    """
    name = url[len("npipe:") :] if url.startswith("npipe:") else url
    name = name.replace("/", "\\").lstrip("\\")
    if name.lower().startswith("pipe\\"):
        name = ".\\" + name
    return "\\\\" + name


def _millis(timeout: float | None) -> int:
    """A timeout in seconds as the milliseconds Windows waits take (None: forever)."""
    if timeout is None:
        return INFINITE
    return max(0, min(ceil(timeout * 1000), INFINITE - 1))


# The interfaces the socket logic runs on ------------------------------------------------------
class PipeHandle(Protocol):
    """An open client end of a named pipe.

    ``timeout`` is in seconds (None: wait forever; 0: only what is possible at once); an
    operation that cannot finish in time raises :class:`TimeoutError` and transfers nothing.
    Errors are :class:`OSError` (an :class:`NpipeError` for the Windows calls).
    """

    def read(self, size: int, timeout: float | None) -> bytes:
        """Up to ``size`` bytes; ``b""`` once the other end closed the pipe."""

    def read_into(self, buffer: memoryview, timeout: float | None) -> int:
        """Read into ``buffer`` (a writable byte view); 0 once the other end closed the pipe."""

    def write(self, data: bytes, timeout: float | None) -> int:
        """Write some of ``data``; how many bytes were written."""

    def available(self) -> int | None:
        """How many bytes can be read without waiting; None when the other end closed."""

    def close_write(self) -> None:
        """Tell the other end that nothing more will be written (a half-close)."""

    def cancel(self) -> None:
        """Make reads and writes blocked in other threads return (they fail or see the end)."""

    def close(self) -> None:
        """Release the pipe (idempotent)."""


class PipeOpener(Protocol):
    """Opens named pipes by name (``\\\\.\\pipe\\docker_engine``)."""

    def open(self, name: str) -> PipeHandle:
        """Open the pipe; raise an OSError with ``winerror == 231`` when every instance is busy."""

    def wait(self, name: str, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for an instance of the pipe to be free."""

    async def open_async(self, name: str, protocol_factory: Callable[[], P]) -> P:
        """Open the pipe as an asyncio connection served by a new protocol object."""


def open_pipe(
    opener: PipeOpener,
    name: str,
    timeout: float | None,
    retries: int = BUSY_RETRIES,
    wait: float = BUSY_WAIT,
) -> PipeHandle:
    """Open ``name``, retrying while every instance of the pipe is busy.

    A busy pipe is retried up to ``retries`` times, each time after waiting (at most ``wait``
    seconds, less when ``timeout`` runs out first) for a free instance.  Raises
    :class:`TimeoutError` when ``timeout`` is over, and the busy :class:`NpipeError` when the
    retries are.
    """
    deadline = None if timeout is None else monotonic() + timeout
    attempt = 0
    while True:
        try:
            return opener.open(name)
        except OSError as exc:
            if winerror_of(exc) != ERROR_PIPE_BUSY or attempt >= retries:
                raise
        attempt += 1
        pause = wait
        if deadline is not None:
            pause = min(pause, deadline - monotonic())
            if pause <= 0:
                raise TimeoutError(
                    errno.ETIMEDOUT,
                    f"every instance of the named pipe {name} stayed busy for {timeout} s",
                )
        opener.wait(name, pause)


def default_opener() -> PipeOpener:
    """The opener of the platform: :class:`Win32PipeOpener` on Windows.

    Raises :class:`~docker.errors.DockerException` elsewhere.
    """
    return Win32PipeOpener(Win32Api.load())


# The socket ---------------------------------------------------------------------------------
class NpipeSocket:
    """A socket-like client end of a Windows named pipe.

    Create it with an open :class:`PipeHandle`, or unconnected (with an ``opener``, by default
    the platform's) and then :meth:`connect` it to a pipe name.  Timeouts work as on sockets:
    ``settimeout(None)`` blocks, ``settimeout(0)`` (``setblocking(False)``) raises
    :class:`BlockingIOError` when an operation would wait, a positive value raises
    :class:`TimeoutError` after that many seconds without progress.  :meth:`shutdown` and
    :meth:`close` may be called from another thread to wake a blocked reader.
    """

    def __init__(
        self,
        handle: PipeHandle | None = None,
        opener: PipeOpener | None = None,
        name: str = "",
    ) -> None:
        self._handle = handle
        self._opener = opener
        self._name = name
        self._timeout: float | None = None
        self._peeked = b""
        self._read_shut = False
        self._write_shut = False
        self._closed = False

    # Connecting -----------------------------------------------------------------------------
    def connect(self, address: str) -> None:
        r"""Open the pipe ``address`` (``\\.\pipe\docker_engine``, or an ``npipe://`` URL).

        A busy pipe is retried as :func:`open_pipe` describes, within the socket's timeout.
        """
        self._check_open()
        if self._handle is not None:
            raise OSError(errno.EISCONN, "the named pipe socket is already connected")
        name = pipe_name_from_url(address) if address.startswith("npipe:") else address
        opener = self._opener if self._opener is not None else default_opener()
        self._handle = open_pipe(opener, name, self._timeout)
        self._name = name

    def connect_ex(self, address: str) -> int:
        """Like :meth:`connect`, but return an error number instead of raising (0: success)."""
        try:
            self.connect(address)
        except OSError as exc:
            return exc.errno or errno.EIO
        return 0

    def getpeername(self) -> str:
        """The name of the pipe."""
        return self._name

    def getsockname(self) -> str:
        """The name of the pipe (a pipe client has no address of its own)."""
        return self._name

    @property
    def handle(self) -> PipeHandle | None:
        """The pipe handle underneath (None before :meth:`connect` and after :meth:`close`)."""
        return None if self._closed else self._handle

    # Timeouts -------------------------------------------------------------------------------
    def settimeout(self, value: float | None) -> None:
        """Seconds an operation may wait (None: forever; 0: never)."""
        if value is not None:
            value = float(value)
            if value < 0:
                raise ValueError("Timeout value out of range")
        self._timeout = value

    def gettimeout(self) -> float | None:
        """The timeout set by :meth:`settimeout`."""
        return self._timeout

    def setblocking(self, flag: bool) -> None:
        """Blocking (timeout None) or non-blocking (timeout 0) mode."""
        self._timeout = None if flag else 0.0

    def getblocking(self) -> bool:
        """False when the socket is in non-blocking mode."""
        return self._timeout != 0.0

    # Reading --------------------------------------------------------------------------------
    def _connected(self) -> PipeHandle:
        self._check_open()
        if self._handle is None:
            raise OSError(errno.ENOTCONN, "the named pipe socket is not connected")
        return self._handle

    def _check_open(self) -> None:
        if self._closed:
            raise OSError(errno.EBADF, "the named pipe socket is closed")

    def _timed_out(self, doing: str) -> OSError:
        what = f"{doing} the named pipe {self._name}"
        if self._timeout == 0:
            return BlockingIOError(errno.EAGAIN, f"{what} would block")
        return TimeoutError(errno.ETIMEDOUT, f"{what} timed out after {self._timeout} s")

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        """Up to ``bufsize`` bytes; ``b""`` at the end of the stream.

        ``flags`` may be ``socket.MSG_PEEK`` (look without consuming); no other flag is
        supported.
        """
        handle = self._connected()
        if flags & ~socket.MSG_PEEK:
            raise OSError(errno.EOPNOTSUPP, f"recv flags {flags:#x} are not supported on pipes")
        if bufsize < 0:
            raise ValueError("negative buffersize in recv")
        peeked = self._peeked
        if peeked:
            if flags:
                return peeked[:bufsize]
            self._peeked = peeked[bufsize:]
            return peeked[:bufsize]
        if self._read_shut or bufsize == 0:
            return b""
        if flags:
            return self._peek(handle, bufsize)
        try:
            return handle.read(bufsize, self._timeout)
        except TimeoutError:
            raise self._timed_out("Reading from") from None
        except OSError:
            if self._read_shut:  # shut down or closed by another thread meanwhile
                return b""
            raise

    def _peek(self, handle: PipeHandle, bufsize: int) -> bytes:
        if self._timeout == 0:
            ready = handle.available()
            if ready is None:
                return b""
            if ready == 0:
                raise BlockingIOError(errno.EAGAIN, f"nothing to read on {self._name}")
        data = self.recv(bufsize)
        self._peeked = data
        return data

    def recv_into(self, buffer: WriteableBuffer, nbytes: int = 0, flags: int = 0) -> int:
        """Read into ``buffer`` (up to ``nbytes`` bytes, or its size); 0 at the end."""
        view = memoryview(buffer).cast("B")
        if nbytes < 0:
            raise ValueError("negative buffersize in recv_into")
        if nbytes:
            if nbytes > len(view):
                raise ValueError("buffer too small for requested bytes")
            view = view[:nbytes]
        handle = self._connected()
        if flags or self._peeked:
            data = self.recv(len(view), flags)
            view[: len(data)] = data
            return len(data)
        if self._read_shut or not view:
            return 0
        try:
            return handle.read_into(view, self._timeout)
        except TimeoutError:
            raise self._timed_out("Reading from") from None
        except OSError:
            if self._read_shut:
                return 0
            raise

    # Writing --------------------------------------------------------------------------------
    def send(self, data: ReadableBuffer, flags: int = 0) -> int:
        """Write some of ``data``; how many bytes were written."""
        handle = self._connected()
        if flags:
            raise OSError(errno.EOPNOTSUPP, f"send flags {flags:#x} are not supported on pipes")
        if self._write_shut:
            raise BrokenPipeError(errno.EPIPE, f"the named pipe {self._name} was shut for writing")
        payload = data if isinstance(data, bytes) else bytes(data)
        if not payload:
            return 0
        try:
            return handle.write(payload, self._timeout)
        except TimeoutError:
            raise self._timed_out("Writing to") from None

    def sendall(self, data: ReadableBuffer, flags: int = 0) -> None:
        """Write all of ``data``."""
        view = memoryview(data).cast("B")
        sent = self.send(data if isinstance(data, bytes) else bytes(view), flags)
        while sent < len(view):
            sent += self.send(bytes(view[sent:]), flags)

    # Closing --------------------------------------------------------------------------------
    def shutdown(self, how: int) -> None:
        """End reading (``SHUT_RD``), writing (``SHUT_WR``, a half-close) or both.

        ``SHUT_WR`` sends the pipe's end-of-input mark (an empty message, which the Docker
        daemon's message-mode pipe reads as the end of stdin).  ``SHUT_RD`` and ``SHUT_RDWR``
        wake a reader blocked in another thread, which then sees the end of the stream.
        """
        handle = self._connected()
        if how not in (socket.SHUT_RD, socket.SHUT_WR, socket.SHUT_RDWR):
            raise ValueError(f"invalid shutdown mode {how!r}")
        if how in (socket.SHUT_RD, socket.SHUT_RDWR):
            self._read_shut = True
        if how == socket.SHUT_WR:
            if not self._write_shut:
                handle.close_write()
                self._write_shut = True
            return
        self._write_shut = self._write_shut or how == socket.SHUT_RDWR
        handle.cancel()

    def close(self) -> None:
        """Close the pipe; a reader or writer blocked in another thread returns."""
        if self._closed:
            return
        self._closed = True
        self._read_shut = self._write_shut = True
        handle, self._handle = self._handle, None
        if handle is not None:
            handle.cancel()
            handle.close()

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._closed

    def fileno(self) -> int:
        """A named pipe has no file descriptor: raises :class:`io.UnsupportedOperation`."""
        raise io.UnsupportedOperation(
            "a named pipe has no file descriptor to select() on; read it with recv()"
        )

    def makefile(self, mode: str = "rb", buffering: int = -1) -> io.BufferedIOBase:
        """A binary file object over the pipe (``"rb"``, ``"wb"`` or ``"rwb"``)."""
        if set(mode) - set("rwb") or "b" not in mode or not set(mode) & set("rw"):
            raise ValueError(f"invalid mode {mode!r} (only binary modes 'rb', 'wb', 'rwb')")
        raw = _PipeIO(self, mode)
        size = io.DEFAULT_BUFFER_SIZE if buffering is None or buffering < 0 else buffering
        if size == 0:
            raise ValueError("unbuffered pipe files are not supported")
        if "r" in mode and "w" in mode:
            return io.BufferedRWPair(raw, raw, size)
        if "r" in mode:
            return io.BufferedReader(raw, size)
        return io.BufferedWriter(raw, size)

    def __enter__(self) -> NpipeSocket:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "connected" if self._handle else "unconnected"
        return f"<NpipeSocket {self._name or '?'} {state} timeout={self._timeout}>"


class _PipeIO(io.RawIOBase):
    """The raw file object behind :meth:`NpipeSocket.makefile`."""

    def __init__(self, sock: NpipeSocket, mode: str) -> None:
        super().__init__()
        self._sock = sock
        self._mode = mode

    def readable(self) -> bool:
        return "r" in self._mode

    def writable(self) -> bool:
        return "w" in self._mode

    def readinto(self, buffer: WriteableBuffer) -> int:
        return self._sock.recv_into(buffer)

    def write(self, data: ReadableBuffer) -> int:
        return self._sock.send(data)


# Windows: kernel32 through ctypes -----------------------------------------------------------
DWORD = ctypes.c_uint32


class OVERLAPPED(ctypes.Structure):
    """The Win32 ``OVERLAPPED`` structure of an asynchronous read or write."""

    _fields_ = [
        ("Internal", ctypes.c_size_t),
        ("InternalHigh", ctypes.c_size_t),
        ("Offset", DWORD),
        ("OffsetHigh", DWORD),
        ("hEvent", ctypes.c_void_p),
    ]


class Kernel32(Protocol):
    """The ``kernel32`` functions the pipe code calls (ctypes argument conventions)."""

    def CreateFileW(
        self, name: str, access: int, share: int, sa: None, disp: int, flags: int, tmpl: None, /
    ) -> int | None:
        """Open a file or pipe; ``INVALID_HANDLE_VALUE`` on failure."""

    def ReadFile(
        self, handle: int, buffer: Any, size: int, done: None, overlapped: OVERLAPPED, /
    ) -> int:
        """Start a read; 0 with ``ERROR_IO_PENDING`` while it is in progress."""

    def WriteFile(
        self, handle: int, buffer: Any, size: int, done: None, overlapped: OVERLAPPED, /
    ) -> int:
        """Start a write; 0 with ``ERROR_IO_PENDING`` while it is in progress."""

    def GetOverlappedResult(
        self, handle: int, overlapped: OVERLAPPED, done: ctypes.c_uint32, wait: int, /
    ) -> int:
        """The outcome of an overlapped operation (waits for it when ``wait``)."""

    def CancelIoEx(self, handle: int, overlapped: OVERLAPPED | None, /) -> int:
        """Cancel one (or every) pending operation on ``handle``, from any thread."""

    def CreateEventW(self, sa: None, manual_reset: int, initial: int, name: None, /) -> int | None:
        """A new event object."""

    def WaitForSingleObject(self, handle: int, millis: int, /) -> int:
        """Wait for an object to be signalled."""

    def CloseHandle(self, handle: int, /) -> int:
        """Close a handle."""

    def WaitNamedPipeW(self, name: str, millis: int, /) -> int:
        """Wait until an instance of a named pipe is free."""

    def PeekNamedPipe(
        self,
        handle: int,
        buffer: None,
        size: int,
        read: None,
        available: ctypes.c_uint32,
        left: None,
        /,
    ) -> int:
        """How many bytes a pipe holds, without reading them."""

    def GetNamedPipeInfo(
        self, handle: int, flags: ctypes.c_uint32, out_size: None, in_size: None, n: None, /
    ) -> int:
        """The pipe's type flags (byte or message pipe)."""


class Win32Api:
    """``kernel32`` with its last-error and message functions (replaceable for tests)."""

    def __init__(
        self,
        kernel32: Kernel32,
        last_error: Callable[[], int],
        system_text: Callable[[int], str] | None = None,
    ) -> None:
        self.kernel32 = kernel32
        self.last_error = last_error
        self.system_text = system_text

    def error(self, action: str, pipe: str, code: int | None = None) -> NpipeError:
        """The :class:`NpipeError` for the last (or the given) Windows error."""
        return pipe_error(
            self.last_error() if code is None else code, action, pipe, self.system_text
        )

    @staticmethod
    def load() -> Win32Api:
        """The real ``kernel32``; raises :class:`~docker.errors.DockerException` off Windows."""
        if sys.platform != "win32":
            from ..errors import DockerException

            raise DockerException("The npipe:// protocol is only supported on Windows")
        dll = ctypes.WinDLL("kernel32", use_last_error=True)
        handle, void_p, wstr = ctypes.c_void_p, ctypes.c_void_p, ctypes.c_wchar_p
        dword, boolean = DWORD, ctypes.c_int
        p_dword, p_overlapped = ctypes.POINTER(DWORD), ctypes.POINTER(OVERLAPPED)
        signatures: dict[str, tuple[list[Any], Any]] = {
            "CreateFileW": ([wstr, dword, dword, void_p, dword, dword, handle], handle),
            "ReadFile": ([handle, void_p, dword, p_dword, p_overlapped], boolean),
            "WriteFile": ([handle, void_p, dword, p_dword, p_overlapped], boolean),
            "GetOverlappedResult": ([handle, p_overlapped, p_dword, boolean], boolean),
            "CancelIoEx": ([handle, p_overlapped], boolean),
            "CreateEventW": ([void_p, boolean, boolean, wstr], handle),
            "WaitForSingleObject": ([handle, dword], dword),
            "CloseHandle": ([handle], boolean),
            "WaitNamedPipeW": ([wstr, dword], boolean),
            "PeekNamedPipe": ([handle, void_p, dword, p_dword, p_dword, p_dword], boolean),
            "GetNamedPipeInfo": ([handle, p_dword, p_dword, p_dword, p_dword], boolean),
        }
        for fname, (argtypes, restype) in signatures.items():
            function = getattr(dll, fname)
            function.argtypes = argtypes
            function.restype = restype
        return Win32Api(cast(Kernel32, dll), ctypes.get_last_error, ctypes.FormatError)


class Win32Pipe:
    """A :class:`PipeHandle` over a pipe handle opened for overlapped I/O.

    Each read and write starts an overlapped operation and waits for its event with the
    timeout; a wait that runs out cancels the operation (``CancelIoEx``).  :meth:`cancel`
    cancels every pending operation, from any thread.  The handle is closed when the last
    operation in progress ends, so a close from another thread never pulls it from under a
    running call.
    """

    def __init__(self, api: Win32Api, handle: int, name: str) -> None:
        self._api = api
        self._handle: int | None = handle
        self.name = name
        self._lock = threading.Lock()
        self._busy = 0
        self._closing = False
        self._events: dict[str, int] = {}

    # Bookkeeping ----------------------------------------------------------------------------
    def _enter(self) -> int:
        with self._lock:
            if self._closing or self._handle is None:
                raise OSError(errno.EBADF, f"the named pipe {self.name} is closed")
            self._busy += 1
            return self._handle

    def _leave(self) -> None:
        with self._lock:
            self._busy -= 1
            release = self._closing and self._busy == 0
        if release:
            self._release()

    def _event(self, kind: str) -> int:
        event = self._events.get(kind)
        if event is None:
            event = self._api.kernel32.CreateEventW(None, 1, 0, None)
            if not event:
                raise self._api.error("create an event for", self.name)
            self._events[kind] = event
        return event

    def _release(self) -> None:
        with self._lock:
            handle, self._handle = self._handle, None
            events = list(self._events.values())
            self._events.clear()
        kernel32 = self._api.kernel32
        for event in events:
            kernel32.CloseHandle(event)
        if handle is not None:
            kernel32.CloseHandle(handle)

    # Overlapped I/O -------------------------------------------------------------------------
    def _transfer(self, write: bool, buffer: Any, size: int, timeout: float | None) -> int:
        """Run one overlapped ReadFile/WriteFile to the end; the bytes transferred."""
        kernel32 = self._api.kernel32
        handle = self._enter()
        try:
            overlapped = OVERLAPPED()
            overlapped.hEvent = self._event("write" if write else "read")
            start = kernel32.WriteFile if write else kernel32.ReadFile
            timed_out = False
            wait_error = 0
            if not start(handle, buffer, min(size, MAX_TRANSFER), None, overlapped):
                code = self._api.last_error()
                if code != ERROR_IO_PENDING:
                    return self._failed(write, code)
                waited = kernel32.WaitForSingleObject(overlapped.hEvent, _millis(timeout))
                if waited != WAIT_OBJECT_0:
                    # Out of time (or the wait failed): cancel, then wait for the cancellation.
                    timed_out = waited == WAIT_TIMEOUT
                    if not timed_out:
                        wait_error = self._api.last_error()
                    kernel32.CancelIoEx(handle, overlapped)
            done = DWORD(0)
            if kernel32.GetOverlappedResult(handle, overlapped, done, 1):
                return done.value  # finished (maybe just before the cancellation took effect)
            code = self._api.last_error()
            if code == ERROR_OPERATION_ABORTED and timed_out:
                raise TimeoutError(
                    errno.ETIMEDOUT, f"no progress on the named pipe {self.name} in {timeout} s"
                )
            if code == ERROR_OPERATION_ABORTED and not timed_out and wait_error:
                code = wait_error
            return self._failed(write, code)
        finally:
            self._leave()

    def _failed(self, write: bool, code: int) -> int:
        if not write and code == ERROR_BROKEN_PIPE:
            return 0  # the server closed its end: end of stream
        raise self._api.error("write to" if write else "read from", self.name, code)

    def read(self, size: int, timeout: float | None) -> bytes:
        """Up to ``size`` bytes; ``b""`` once the server closed the pipe."""
        if size <= 0:
            return b""
        buffer = ctypes.create_string_buffer(min(size, MAX_TRANSFER))
        count = self._transfer(False, buffer, len(buffer), timeout)
        return ctypes.string_at(buffer, count)

    def read_into(self, buffer: memoryview, timeout: float | None) -> int:
        """Read straight into ``buffer``; 0 once the server closed the pipe."""
        if not buffer:
            return 0
        target = (ctypes.c_char * len(buffer)).from_buffer(buffer)
        return self._transfer(False, target, len(buffer), timeout)

    def write(self, data: bytes, timeout: float | None) -> int:
        """Write ``data`` (a pipe takes it whole unless the wait runs out)."""
        return self._transfer(True, data, len(data), timeout)

    def available(self) -> int | None:
        """Bytes waiting in the pipe; None once the server closed it."""
        handle = self._enter()
        try:
            count = DWORD(0)
            if self._api.kernel32.PeekNamedPipe(handle, None, 0, None, count, None):
                return count.value
            code = self._api.last_error()
            if code in (ERROR_BROKEN_PIPE, ERROR_PIPE_NOT_CONNECTED, ERROR_NO_DATA):
                return None
            raise self._api.error("peek into", self.name, code)
        finally:
            self._leave()

    def close_write(self) -> None:
        """Send an empty message, the end-of-input mark of a message-mode pipe.

        The Docker daemon creates its pipe in message mode and reads an empty message as the
        end of stdin.  A byte-mode pipe has no such mark: that raises an OSError.
        """
        handle = self._enter()
        try:
            flags = DWORD(0)
            if not self._api.kernel32.GetNamedPipeInfo(handle, flags, None, None, None):
                raise self._api.error("query", self.name)
        finally:
            self._leave()
        if not flags.value & PIPE_TYPE_MESSAGE:
            raise OSError(
                errno.EOPNOTSUPP,
                f"the named pipe {self.name} is a byte pipe, which cannot be half-closed",
            )
        self._transfer(True, b"", 0, None)

    def cancel(self) -> None:
        """Cancel every read and write in progress on the pipe (any thread)."""
        with self._lock:
            handle = self._handle
        if handle is not None:
            self._api.kernel32.CancelIoEx(handle, None)

    def close(self) -> None:
        """Close the pipe now, or when the operations still running end."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
            release = self._busy == 0
        if release:
            self._release()

    def __del__(self) -> None:
        if getattr(self, "_handle", None) is not None:
            self.close()


class Win32PipeOpener:
    """A :class:`PipeOpener` with ``CreateFileW`` (overlapped) and ``WaitNamedPipeW``."""

    def __init__(self, api: Win32Api) -> None:
        self.api = api

    def open(self, name: str) -> Win32Pipe:
        """Open the client end of ``name`` for reading and writing."""
        handle = self.api.kernel32.CreateFileW(
            name,
            GENERIC_READ | GENERIC_WRITE,
            0,
            None,
            OPEN_EXISTING,
            FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT | SECURITY_ANONYMOUS,
            None,
        )
        if handle is None or handle == INVALID_HANDLE_VALUE:
            raise self.api.error("open", name)
        return Win32Pipe(self.api, handle, name)

    def wait(self, name: str, timeout: float) -> bool:
        """Wait up to ``timeout`` s for a free instance of ``name``."""
        return bool(self.api.kernel32.WaitNamedPipeW(name, max(1, _millis(timeout))))

    async def open_async(self, name: str, protocol_factory: Callable[[], P]) -> P:
        """Connect with the running loop's ``create_pipe_connection`` (ProactorEventLoop)."""
        import asyncio

        loop = asyncio.get_running_loop()
        create = getattr(loop, "create_pipe_connection", None)
        if create is None:
            from ..errors import DockerException

            raise DockerException(
                f"npipe:// needs an asyncio event loop that supports named pipes "
                f"(asyncio.ProactorEventLoop, the default on Windows); the running loop is a "
                f"{type(loop).__name__}. Do not install a selector event loop policy, or run "
                f"the client in a ProactorEventLoop."
            )
        _, protocol = await create(protocol_factory, name)
        return cast("P", protocol)
