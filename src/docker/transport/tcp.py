"""Plain TCP transport (``tcp://host:port``, ``http://host:port``), direct or through a proxy.

When the environment names an HTTP proxy for the daemon (``http_proxy``/``all_proxy``, not
bypassed by ``no_proxy``; see :mod:`docker.transport.proxy`), every connection is a ``CONNECT``
tunnel through it: the bytes inside are exactly those of a direct connection, so keep-alive
pooling and the attach/exec connection upgrade work unchanged.  The proxy is chosen once, when
the transport is made (:attr:`TCPTransport.proxy_choice`).
"""

from __future__ import annotations

import contextlib
import errno
import socket
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from ..errors import DaemonConnectionError, DaemonTimeout
from .base import Transport
from .proxy import ProxyChoice, ProxyURL, TunnelError, TunnelReply, choose_proxy

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from .base import P

__all__ = ["ProxyFailure", "TCPTransport"]

#: Bytes asked of the socket per read of the proxy's answer.
_PROXY_READ = 4096


class ProxyFailure(OSError):
    """A failure on the way through the proxy; :attr:`error` is the clear error to raise.

    An ``OSError`` so the pools hand it to :meth:`Transport.connect_error` like any failure to
    connect; :meth:`TCPTransport.connect_error` answers with :attr:`error`.
    """

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        #: The error that names the proxy and the daemon.
        self.error = error


class TCPTransport(Transport):
    """Reach the daemon over TCP at ``base_url`` (``http://host:port[/base]``)."""

    #: Which proxy variables apply (``http_proxy``); None: never use a proxy.
    proxy_scheme: ClassVar[str | None] = "http"
    #: Added to the daemon's address in messages.
    address_suffix: ClassVar[str] = ""

    def __init__(self, base_url: str, timeout: float | None = 60, max_pool_size: int = 10) -> None:
        super().__init__(timeout, max_pool_size)
        parts = urlsplit(base_url)
        if not parts.hostname or not parts.port:
            raise ValueError(f"TCP address needs a host and a port: {base_url!r}")
        self.hostname = parts.hostname
        self.port = parts.port
        self.base_path = parts.path.rstrip("/")
        self.host_header = parts.netloc
        self.url_base = f"{parts.scheme}://{parts.netloc}{self.base_path}"
        #: The daemon's address alone (``address`` adds the proxy, when there is one).
        self.daemon_address = f"tcp://{parts.netloc}{self.address_suffix}"
        #: The proxy decision, made once from the environment: ``proxy`` and ``reason``.
        self.proxy_choice = (
            choose_proxy(self.proxy_scheme, self.hostname, self.port)
            if self.proxy_scheme is not None
            else ProxyChoice(None, "direct: this transport does not use proxies")
        )
        #: The proxy every connection goes through, or None for direct connections.
        self.proxy: ProxyURL | None = self.proxy_choice.proxy
        self.address = self.daemon_address
        if self.proxy is not None:
            self.address += f" via the proxy {self.proxy.url}"

    def connect(self, timeout: float | None) -> socket.socket:
        if self.proxy is not None:
            return self._tunnel(self.proxy, timeout)
        sock = socket.create_connection((self.hostname, self.port), timeout=timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    async def open_async(self, protocol_factory: Callable[[], P]) -> P:
        return await self._open_async(protocol_factory)

    async def _open_async(self, protocol_factory: Callable[[], P], **tls: Any) -> P:
        """An asyncio connection, direct or through the proxy's tunnel; ``tls`` as for asyncio."""
        import asyncio

        loop = asyncio.get_running_loop()
        if self.proxy is None:
            _, protocol = await loop.create_connection(
                protocol_factory, self.hostname, self.port, **tls
            )
            return protocol
        sock = await self._tunnel_async(self.proxy)
        try:
            _, protocol = await loop.create_connection(protocol_factory, sock=sock, **tls)
        except BaseException:
            sock.close()
            raise
        return protocol

    # The CONNECT tunnel -----------------------------------------------------------------------
    def _tunnel(self, proxy: ProxyURL, timeout: float | None) -> socket.socket:
        """A blocking socket to the daemon through a ``CONNECT`` tunnel of ``proxy``."""
        try:
            sock = socket.create_connection((proxy.host, proxy.port), timeout=timeout)
        except OSError as exc:
            raise ProxyFailure(self._proxy_connect_error(proxy, exc)) from exc
        reply = TunnelReply()
        with self._tunnel_failures(sock, proxy, timeout):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.sendall(proxy.connect_request(self.hostname, self.port))
            while not reply.feed(sock.recv(_PROXY_READ)):
                pass
        return self._tunnel_opened(sock, proxy, reply)

    async def _tunnel_async(self, proxy: ProxyURL) -> socket.socket:
        """A non-blocking socket to the daemon through a ``CONNECT`` tunnel, opened on the loop.

        The caller's ``asyncio.wait_for`` bounds it; a cancellation closes the socket.
        """
        import asyncio

        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(proxy.host, proxy.port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise ProxyFailure(self._proxy_connect_error(proxy, exc)) from exc
        sock: socket.socket | None = None
        failure: OSError = OSError(errno.EHOSTUNREACH, "no address")
        for family, kind, proto, _, address in infos:
            candidate = socket.socket(family, kind, proto)
            try:
                candidate.setblocking(False)
                await loop.sock_connect(candidate, address)
            except OSError as exc:
                candidate.close()
                failure = exc
                continue
            except BaseException:
                candidate.close()
                raise
            sock = candidate
            break
        if sock is None:
            raise ProxyFailure(self._proxy_connect_error(proxy, failure)) from failure
        reply = TunnelReply()
        with self._tunnel_failures(sock, proxy, None):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            await loop.sock_sendall(sock, proxy.connect_request(self.hostname, self.port))
            while not reply.feed(await loop.sock_recv(sock, _PROXY_READ)):
                pass
        return self._tunnel_opened(sock, proxy, reply)

    @contextlib.contextmanager
    def _tunnel_failures(
        self, sock: socket.socket, proxy: ProxyURL, timeout: float | None
    ) -> Iterator[None]:
        """Close ``sock`` on any failure of the tunnel dialogue, naming proxy and daemon."""
        try:
            yield
        except TunnelError as exc:
            sock.close()
            raise ProxyFailure(self._tunnel_protocol_error(proxy, exc)) from exc
        except OSError as exc:
            sock.close()
            raise ProxyFailure(self._tunnel_io_error(proxy, exc, timeout)) from exc
        except BaseException:
            sock.close()
            raise

    def _tunnel_opened(
        self, sock: socket.socket, proxy: ProxyURL, reply: TunnelReply
    ) -> socket.socket:
        """``sock`` when the proxy accepted the ``CONNECT``; else a clear error."""
        if not reply.ok:
            sock.close()
            raise ProxyFailure(self._tunnel_refused(proxy, reply))
        return sock

    # Errors -----------------------------------------------------------------------------------
    def _direct_hint(self) -> str:
        return f"To reach the daemon without the proxy, add {self.hostname} to NO_PROXY."

    def _proxy_connect_error(self, proxy: ProxyURL, exc: OSError) -> Exception:
        where = f"the proxy {proxy} on the way to the Docker daemon at {self.daemon_address}"
        if isinstance(exc, TimeoutError | socket.timeout):
            return DaemonTimeout(
                f"Timed out connecting to {where}. Is the proxy up and is {proxy.variable} "
                f"right? {self._direct_hint()}"
            )
        if isinstance(exc, socket.gaierror):
            reason = f"the proxy's host name {proxy.host!r} does not resolve"
        else:
            reason = str(exc.strerror or exc)
        return DaemonConnectionError(
            f"Cannot connect to {where}: {reason}. Is the proxy running, and is "
            f"{proxy.variable} right? {self._direct_hint()}"
        )

    def _tunnel_io_error(self, proxy: ProxyURL, exc: OSError, timeout: float | None) -> Exception:
        where = f"the proxy {proxy}"
        target = f"the Docker daemon at {self.daemon_address}"
        if isinstance(exc, TimeoutError | socket.timeout):
            return DaemonTimeout(
                f"The proxy {proxy} did not answer the request for a tunnel to {target} within "
                f"{timeout} s. Is {proxy.variable} the address of an HTTP proxy? "
                f"{self._direct_hint()}"
            )
        return DaemonConnectionError(
            f"Lost the connection to {where} while asking it for a tunnel to {target}: "
            f"{exc.strerror or exc}. {self._direct_hint()}"
        )

    def _tunnel_protocol_error(self, proxy: ProxyURL, exc: TunnelError) -> Exception:
        return DaemonConnectionError(
            f"The proxy {proxy} did not open a tunnel to the Docker daemon at "
            f"{self.daemon_address}: {exc}. Is {proxy.variable} the address of an HTTP proxy? "
            f"{self._direct_hint()}"
        )

    def _tunnel_refused(self, proxy: ProxyURL, reply: TunnelReply) -> Exception:
        status = reply.status
        target = f"{self.hostname}:{self.port}"
        if status in (401, 407):  # 407 is the standard answer; tinyproxy says 401 to bad ones
            if proxy.username is None:
                hint = (
                    f"The proxy requires credentials: put them in the proxy URL, "
                    f"{proxy.variable}=http://user:password@{proxy.url[7:]} (percent-encode "
                    "special characters)."
                )
            else:
                hint = (
                    f"The proxy rejected the user name and password given in {proxy.variable}: "
                    "check them (special characters must be percent-encoded)."
                )
        elif status in (403, 405):
            hint = (
                f"The proxy does not allow tunnels to {target}; many proxies allow CONNECT only "
                "to port 443. Allow the daemon's port in the proxy (tinyproxy: ConnectPort; "
                f"Squid: SSL_ports), or add {self.hostname} to NO_PROXY."
            )
        elif status >= 500:
            hint = (
                f"The proxy could not reach {target}: is the daemon listening there, and can "
                f"the proxy reach that address? {self._direct_hint()}"
            )
        else:
            hint = (
                f"Is {proxy.variable} the address of an HTTP proxy that allows CONNECT? "
                f"{self._direct_hint()}"
            )
        return DaemonConnectionError(
            f"The proxy {proxy} refused to open a tunnel to the Docker daemon at "
            f"{self.daemon_address}: it answered {reply.status_line!r}. {hint}"
        )

    def connect_error(self, exc: OSError) -> Exception:
        if isinstance(exc, ProxyFailure):
            return exc.error
        proxy = self.proxy
        if proxy is not None and isinstance(exc, TimeoutError | socket.timeout):
            return DaemonTimeout(
                f"Timed out connecting to the Docker daemon at {self.daemon_address} through "
                f"the proxy {proxy}: is the proxy up, and does it reach the daemon? "
                f"{self._direct_hint()}"
            )
        return super().connect_error(exc)

    def connect_hint(self, exc: OSError) -> str:
        if exc.errno == errno.ECONNREFUSED:
            return (
                f"Nothing listens on {self.hostname}:{self.port}: is the daemon started with "
                f"-H tcp://{self.hostname}:{self.port}, and is the port right?"
            )
        if isinstance(exc, socket.gaierror):
            return f"The host name {self.hostname!r} does not resolve: check DOCKER_HOST."
        return super().connect_hint(exc)
