"""SSH transport (``ssh://[user@]host[:port]``) through the system's OpenSSH client.

Each connection runs ``ssh [-l user] [-p port] -T -- host docker system dial-stdio``, which
makes the remote ``docker`` CLI splice its stdin/stdout onto the remote daemon's socket, as the
Docker CLI does for ``ssh://`` hosts.  The process gets one end of a socket pair as its stdin
and stdout, so the other end is an ordinary stream socket: timeouts, pooling, the async event
loop and half-closing (end of stdin of an attached process) work exactly as on a unix socket.
Whatever ``ssh`` knows from ``~/.ssh/config`` (keys, agents, jump hosts, known hosts) applies.

When ``ssh`` cannot log in, does not trust the host key, or the remote has no ``docker``, it
exits before the daemon says anything; the socket then sees end of file, and the error raised
carries what ``ssh`` printed and what to do about it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import socket
import subprocess
import sys
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..errors import DaemonConnectionError, DockerException
from .base import Transport

if TYPE_CHECKING:
    from collections.abc import Callable

    from .base import P

__all__ = ["SSHHTTPAdapter", "SSHSocket", "SSHTransport"]

#: The command run on the remote host.
DIAL_STDIO = ("docker", "system", "dial-stdio")
#: Variables removed from the environment of the ``ssh`` process (they belong to this
#: process's libraries, e.g. a bundled OpenSSL, and can break the system's ``ssh``).
_DROPPED_ENV = ("LD_LIBRARY_PATH", "SSL_CERT_FILE")
#: Seconds to wait for ``ssh`` to exit once its end of the pair is closed.
_EXIT_WAIT = 2.0


class SSHFailure(ConnectionError):
    """``ssh`` ended before the daemon answered; the message says what ``ssh`` reported."""


def _split_host(host: str) -> tuple[str, int | None, str | None]:
    """``[user@]host[:port]`` -> (host, port, user)."""
    parts = urlsplit("ssh://" + host)
    try:
        port = parts.port
    except ValueError as exc:
        raise DockerException(f"Invalid port in ssh address {host!r}: {exc}") from None
    hostname = parts.hostname
    if not hostname:
        raise DockerException(
            f"The ssh address {host!r} has no host name: use ssh://[user@]host[:port]."
        )
    return hostname, port, parts.username


def ssh_command(host: str, ssh: str = "ssh") -> list[str]:
    """The argument list that opens a dial-stdio session to ``[user@]host[:port]``."""
    hostname, port, user = _split_host(host)
    args = [ssh, "-T"]
    if user:
        args += ["-l", user]
    if port:
        args += ["-p", str(port)]
    args += ["--", hostname, *DIAL_STDIO]
    if sys.platform != "win32":
        # Ignore SIGINT in ssh (an ignored signal stays ignored across exec, and ssh respects
        # it), so Ctrl-C in the program does not cut its connections; a shell sets it up,
        # which stays safe in threaded programs unlike a ``preexec_fn``.
        args = ["/bin/sh", "-c", 'trap "" INT; exec "$@"', "sh", *args]
    return args


def _hint(text: str, status: int | None, target: str) -> str:
    lowered = text.lower()
    if "permission denied" in lowered or "too many authentication failures" in lowered:
        return (
            "The SSH server refused the login: check the user name, and that your key is "
            "authorized there and offered by ssh (ssh-agent, or IdentityFile in ~/.ssh/config)."
        )
    if "host key verification failed" in lowered or "host key is known" in lowered:
        return (
            "The server's host key is not in your known_hosts (or has changed): run "
            f"`ssh {target} true` once to check and accept it."
        )
    if status == 127 or "command not found" in lowered or "docker: not found" in lowered:
        return (
            "The remote host has no `docker` command on its PATH: install the Docker CLI there "
            "(`docker system dial-stdio` runs on the remote side)."
        )
    if "connection refused" in lowered:
        return (
            "Nothing accepts SSH connections at that address: is sshd running, is the port right?"
        )
    if "could not resolve" in lowered or "name or service not known" in lowered:
        return "The host name does not resolve: check the ssh:// URL or ~/.ssh/config."
    if "cannot connect to the docker daemon" in lowered:
        return "ssh works, but the remote Docker daemon is not running (or not reachable there)."
    return f"Try the same by hand: ssh {target} docker system dial-stdio"


class SSHSocket(socket.socket):
    """A stream socket whose far end is ``ssh ... docker system dial-stdio``.

    ``host`` is ``[user@]host[:port]``. :meth:`connect` starts ``ssh``; :meth:`close` also
    ends it.  End of file before any byte arrived, or a broken pipe, raise
    :class:`SSHFailure` naming what ``ssh`` reported when ``ssh`` failed.
    """

    def __init__(self, host: str) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        super().__init__(socket.AF_UNIX, socket.SOCK_STREAM, fileno=ours.detach())
        self._peer: socket.socket | None = theirs
        self.host = host
        self.proc: subprocess.Popen[bytes] | None = None
        self._received = False

    def connect(self, **kwargs: Any) -> None:  # type: ignore[override]
        """Start ``ssh`` with the far end of the pair as its stdin and stdout."""
        peer = self._peer
        if peer is None:
            raise OSError("SSHSocket.connect() was already called")
        env = {k: v for k, v in os.environ.items() if k not in _DROPPED_ENV}
        try:
            ssh = shutil.which("ssh", path=env.get("PATH", os.defpath))
            if ssh is None:
                raise FileNotFoundError(errno.ENOENT, "no `ssh` program on PATH", "ssh")
            args = ssh_command(self.host, ssh)
            self.proc = subprocess.Popen(
                args, stdin=peer.fileno(), stdout=peer.fileno(), stderr=subprocess.PIPE, env=env
            )
        finally:
            self._peer = None
            peer.close()

    # Reads and writes, with ssh's own failure as the error ---------------------------------
    def recv(self, n: int) -> bytes:  # type: ignore[override]
        """Up to ``n`` bytes; ``b''`` at end of stream."""
        try:
            data = super().recv(n)
        except ConnectionResetError:
            self._check_ended()
            raise
        if data:
            self._received = True
        else:
            self._check_ended()
        return data

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        try:
            count = super().recv_into(buffer, nbytes, flags)
        except ConnectionResetError:
            self._check_ended()
            raise
        if count:
            self._received = True
        elif not flags & socket.MSG_PEEK:
            self._check_ended()
        return count

    def send(self, data: Any) -> int:  # type: ignore[override]
        """Send some of ``data``; returns how much was sent."""
        try:
            return super().send(data)
        except (BrokenPipeError, ConnectionResetError):
            self._check_ended()
            raise

    def sendall(self, data: Any) -> None:  # type: ignore[override]
        """Send all of ``data``."""
        try:
            super().sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            self._check_ended()
            raise

    def makefile(self, mode: str) -> Any:  # type: ignore[override]
        """A file object over the socket (binary modes)."""
        return socket.socket.makefile(self, mode)  # type: ignore[call-overload]

    def _check_ended(self) -> None:
        """Raise :class:`SSHFailure` when ``ssh`` failed before the daemon said anything."""
        proc = self.proc
        if proc is None or self._received:
            return
        try:
            status = proc.wait(_EXIT_WAIT)
        except subprocess.TimeoutExpired:
            return
        if status == 0:
            return
        self._received = True  # report once
        text = self._stderr_text()
        raise SSHFailure(self.failure_message(status, text))

    def _stderr_text(self) -> str:
        stream: IO[bytes] | None = self.proc.stderr if self.proc else None
        if stream is None:
            return ""
        with contextlib.suppress(OSError, ValueError):
            os.set_blocking(stream.fileno(), False)
            data = stream.read() or b""
            return data.decode("utf-8", "replace").strip()
        return ""

    def failure_message(self, status: int, text: str) -> str:
        """What to tell the user when ``ssh`` exited with ``status`` printing ``text``."""
        hostname, port, user = _split_host(self.host)
        target = (f"-p {port} " if port else "") + (f"{user}@" if user else "") + hostname
        printed = " ".join(line.strip() for line in text.splitlines()[-4:] if line.strip())
        said = f": {printed.rstrip('.')}" if printed else " (it printed nothing)"
        return f"ssh exited with status {status}{said}. {_hint(text, status, target)}"

    def close(self) -> None:
        """Close the socket and end the ``ssh`` process."""
        super().close()
        if self._peer is not None:
            self._peer.close()
            self._peer = None
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(_EXIT_WAIT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()


class SSHTransport(Transport):
    """Reach the daemon at ``ssh://[user@]host[:port]`` through the system's ``ssh`` client.

    ``shell_out`` is accepted for compatibility: there is one implementation, the ``ssh``
    program (the original's default used paramiko); see the compatibility notes.
    """

    url_base = "http+docker://ssh"

    def __init__(
        self,
        base_url: str,
        timeout: float | None = 60,
        pool_connections: int = 25,
        max_pool_size: int = 10,
        shell_out: bool = False,
    ) -> None:
        super().__init__(timeout, max_pool_size)
        parts = urlsplit(base_url)
        if parts.scheme != "ssh":
            raise DockerException(f"Not an ssh:// address: {base_url!r}")
        if parts.path not in ("", "/"):
            raise DockerException(
                f"Invalid bind address format: no path allowed for this protocol: {base_url}"
            )
        self.ssh_host = parts.netloc
        _split_host(self.ssh_host)  # a clear error now for a bad address
        self.address = f"ssh://{parts.netloc}"
        self.pool_connections = pool_connections
        self.shell_out = shell_out

    def connect(self, timeout: float | None) -> socket.socket:
        sock = SSHSocket(self.ssh_host)
        try:
            sock.settimeout(timeout)
            sock.connect()
        except BaseException:
            sock.close()
            raise
        return sock

    async def open_async(self, protocol_factory: Callable[[], P]) -> P:
        import asyncio

        sock = SSHSocket(self.ssh_host)
        try:
            sock.connect()
            loop = asyncio.get_running_loop()
            _, protocol = await loop.create_unix_connection(protocol_factory, sock=sock)
        except BaseException:
            sock.close()
            raise
        return protocol

    def close(self) -> None:
        """Nothing to release here: each pooled connection ends its own ``ssh`` process."""

    # Errors ---------------------------------------------------------------------------------
    def connect_hint(self, exc: OSError) -> str:
        if isinstance(exc, FileNotFoundError):
            return "The `ssh` program was not found: install OpenSSH's client (openssh-client)."
        return super().connect_hint(exc)

    def connect_error(self, exc: OSError) -> Exception:
        if isinstance(exc, SSHFailure):
            return self.io_error(exc, None)
        return super().connect_error(exc)

    def io_error(self, exc: OSError, timeout: float | None) -> Exception:
        if isinstance(exc, SSHFailure):
            return DaemonConnectionError(
                f"Cannot reach the Docker daemon over SSH at {self.address}: {exc}"
            )
        return super().io_error(exc, timeout)


#: The name the original SDK gave its ssh transport.
SSHHTTPAdapter = SSHTransport
