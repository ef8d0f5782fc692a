"""The low-level client: configuration shared by sync and async, and the blocking driver.

:class:`ClientCore` resolves everything that does not depend on how I/O is done: the daemon
address and its transport, the API version (explicit, or negotiated once on first use), the
default timeout, the ``User-Agent``, and what ``~/.docker/config.json`` says (HTTP headers,
proxies, registry credentials).  :class:`APIClient` adds the blocking driver that runs the
endpoint definitions of the mixins; :class:`docker.aio.AsyncAPIClient` adds an asyncio one.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from .. import _lazy, auth
from .._core.endpoint import Call, run_sync
from .._core.http import encode_request_head, format_header_block
from .._core.message import DEFAULT_TIMEOUT, Decoder, Request, Response, quote_path_arg
from ..constants import (
    DEFAULT_MAX_POOL_SIZE,
    DEFAULT_NUM_POOLS,
    DEFAULT_NUM_POOLS_SSH,
    DEFAULT_TIMEOUT_SECONDS,
    DEFAULT_USER_AGENT,
    IS_WINDOWS_PLATFORM,
    MAX_DOCKER_API_VERSION,
    MINIMUM_DOCKER_API_VERSION,
)
from ..errors import (
    APIError,
    DockerException,
    InvalidVersion,
    ProtocolError,
    TLSParameterError,
    TransportError,
    api_error_for,
)
from ..utils import config as config_utils
from ..utils.proxy import ProxyConfig
from ..utils.utils import parse_host, version_lt
from .build import BuildApiMixin
from .config import ConfigApiMixin
from .container import ContainerApiMixin
from .daemon import DaemonApiMixin
from .exec_api import ExecApiMixin
from .image import ImageApiMixin
from .network import NetworkApiMixin
from .plugin import PluginApiMixin
from .secret import SecretApiMixin
from .service import ServiceApiMixin
from .swarm import SwarmApiMixin
from .volume import VolumeApiMixin

if TYPE_CHECKING:
    # The transport and stream classes are imported where they are used (socket and
    # threading machinery is loaded when a client is made, not by ``import docker``).
    from ..transport.base import Connection, Transport
    from ..transport.response import StreamingResponse, UpgradedConnection

    #: The heads of plain requests made by ``_prepare``, with the client headers and config
    #: headers they were made with: ``(headers, config headers, {key: (head, target)})``.
    PlainHeads = tuple[
        dict[str, str],
        dict[str, str] | None,
        dict[tuple[str, str, str | None, bool], tuple[bytes, str]],
    ]
else:
    __getattr__, __dir__ = _lazy.attach(
        __name__,
        globals(),
        names={"docker.transport.response": ["StreamingResponse", "UpgradedConnection"]},
    )

__all__ = ["APIClient", "ClientCore", "StreamingResponse", "UpgradedConnection"]

R = TypeVar("R")
UPGRADE_HEADERS = {"Connection": "Upgrade", "Upgrade": "tcp"}


def make_transport(
    base_url: str,
    timeout: float | None,
    num_pools: int,
    max_pool_size: int,
    tls: Any,
    use_ssh_client: bool = False,
) -> Transport:
    """The transport for a parsed base URL, or a clear error for one not supported yet."""
    if base_url.startswith("http+unix://"):
        from ..transport.unixconn import UnixTransport

        return UnixTransport(base_url, timeout, num_pools, max_pool_size)
    if base_url.startswith("npipe://"):
        if not IS_WINDOWS_PLATFORM:
            raise DockerException("The npipe:// protocol is only supported on Windows")
        from ..transport.npipeconn import NpipeTransport

        return NpipeTransport(base_url, timeout, num_pools, max_pool_size)
    if base_url.startswith("ssh://"):
        from ..transport.sshconn import SSHTransport

        return SSHTransport(base_url, timeout, num_pools, max_pool_size, use_ssh_client)
    if base_url.startswith("https://"):
        from ..transport.tls import TLSTransport

        return TLSTransport(base_url, timeout, max_pool_size, tls or True)
    from ..transport.tcp import TCPTransport

    return TCPTransport(base_url, timeout, max_pool_size)


def _ssh_without_default_port(parsed: str, given: str | None) -> str:
    """``parsed`` without the port 22 that parse_host adds to an ``ssh://`` address naming none.

    ``ssh`` is then called without ``-p``, so a ``Port`` in the user's ssh config applies, as
    with the Docker CLI.
    """
    if not parsed.startswith("ssh://") or given is None:
        return parsed
    from urllib.parse import urlsplit  # not at import time: `import docker` stays lean

    if urlsplit(given.strip()).port:
        return parsed
    return parsed.rsplit(":", 1)[0]


class ClientCore:
    """Configuration and request preparation shared by the sync and async clients."""

    _transport: Transport

    def __init__(
        self,
        base_url: str | None = None,
        version: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT_SECONDS,
        tls: Any = False,
        user_agent: str = DEFAULT_USER_AGENT,
        num_pools: int | None = None,
        credstore_env: dict[str, str] | None = None,
        use_ssh_client: bool = False,
        max_pool_size: int = DEFAULT_MAX_POOL_SIZE,
    ) -> None:
        if tls and not base_url:
            raise TLSParameterError("If using TLS, the base_url argument must be provided.")
        if version is not None and not isinstance(version, str):
            raise DockerException(
                f"Version parameter must be a string or None. Found {type(version).__name__}"
            )
        self.timeout = timeout
        self.credstore_env = credstore_env
        self.use_ssh_client = use_ssh_client
        #: Headers sent with every request (``User-Agent``; add your own).
        self.headers: dict[str, str] = {"User-Agent": user_agent}
        self._header_cache: tuple[Any, str] | None = None
        raw_base_url = base_url
        self._general_configs: dict[str, Any] = config_utils.load_general_config()
        proxies = self._general_configs.get("proxies", {})
        proxy_settings = proxies.get(raw_base_url) if raw_base_url in proxies else None
        if proxy_settings is None:
            proxy_settings = proxies.get("default", {})
        self._proxy_configs = ProxyConfig.from_dict(proxy_settings)
        self._auth_configs = auth.load_config(
            config_dict=self._general_configs, credstore_env=credstore_env
        )
        if isinstance(base_url, str) and base_url.strip().lower() == "ssh://":
            # parse_host maps a bare ssh:// to 127.0.0.1:22 (the original's rule); a client
            # pointed at it almost surely lost its host name somewhere: say so.
            raise DockerException(
                f"The ssh address {base_url!r} has no host name: use ssh://[user@]host[:port]."
            )
        parsed = parse_host(base_url, IS_WINDOWS_PLATFORM, tls=bool(tls))
        if num_pools is None:
            num_pools = DEFAULT_NUM_POOLS_SSH if parsed.startswith("ssh://") else DEFAULT_NUM_POOLS
        self.num_pools = num_pools
        self.max_pool_size = max_pool_size
        self._transport = make_transport(
            _ssh_without_default_port(parsed, base_url),
            timeout,
            num_pools,
            max_pool_size,
            tls,
            use_ssh_client,
        )
        self.base_url = parsed
        if parsed.startswith(("http+unix://", "ssh://", "npipe://")):
            self.base_url = self._transport.url_base
        self._custom_adapter: Any = self._transport
        self._version_lock = threading.Lock()
        self._api_version: str | None = None
        if version is not None and version.lower() != "auto":
            if version_lt(version, MINIMUM_DOCKER_API_VERSION):
                raise InvalidVersion(
                    f"API versions below {MINIMUM_DOCKER_API_VERSION} are no longer supported "
                    "by this library."
                )
            self._api_version = version
        self._init_io()

    def _init_io(self) -> None:
        """Set up what the driver needs (connection pool...); subclasses implement it."""

    def _configure_tls(self, tls: Any) -> None:
        """Use ``tls`` (a TLSConfig) for new connections (``TLSConfig.configure_client``)."""
        configure = getattr(self._transport, "configure", None)
        if configure is None:
            raise TLSParameterError(
                f"This client connects to {self.base_url} without TLS; pass tls= and a "
                "tcp:// or https:// base_url when creating it."
            )
        configure(tls)

    # API version ----------------------------------------------------------------------------
    @property
    def api_version(self) -> str:
        """The Engine API version in use (negotiated with the daemon on first use)."""
        return self._version

    @property
    def _version(self) -> str:
        raise NotImplementedError

    @_version.setter
    def _version(self, value: str) -> None:
        self._api_version = value

    def _version_call(self) -> Call[str]:
        """Ask the daemon which API version it speaks; clamp it to what we know."""
        try:
            response = yield Request("GET", "/version", versioned=False)
        except TransportError as exc:
            raise type(exc)(f"Error while fetching server API version: {exc}") from exc
        except DockerException as exc:
            raise DockerException(f"Error while fetching server API version: {exc}") from exc
        try:
            server = response.json()["ApiVersion"]
        except KeyError:
            raise DockerException(
                'Invalid response from docker daemon: key "ApiVersion" is missing.'
            ) from None
        except ValueError as exc:
            raise DockerException(
                f"Error while fetching server API version: the reply is not JSON ({exc})"
            ) from exc
        if version_lt(server, MINIMUM_DOCKER_API_VERSION):
            raise InvalidVersion(
                f"The daemon speaks API {server}; API versions below "
                f"{MINIMUM_DOCKER_API_VERSION} are no longer supported by this library."
            )
        if version_lt(MAX_DOCKER_API_VERSION, server):
            server = MAX_DOCKER_API_VERSION
        return str(server)

    # Request preparation --------------------------------------------------------------------
    def _path(self, pathfmt: str, *args: str) -> str:
        """Format a path, percent-quoting each argument (which must be a str)."""
        for arg in args:
            if not isinstance(arg, str):
                raise ValueError(f"Expected a string but found {arg} ({type(arg)}) instead")
        return pathfmt.format(*(quote_path_arg(arg) for arg in args))

    def _url(self, pathfmt: str, *args: str, versioned_api: bool = True) -> str:
        """The full URL of a path, as the original SDK built it (kept for compatibility)."""
        path = self._path(pathfmt, *args)
        if versioned_api:
            return f"{self.base_url}/v{self._version}{path}"
        return f"{self.base_url}{path}"

    def _prepare(self, request: Request, version: str | None) -> tuple[bytes, Any, Any, str]:
        """The request head, the body to send, the timeout and the request target."""
        timeout = self.timeout if request.timeout is DEFAULT_TIMEOUT else request.timeout
        configured = self._general_configs.get("HttpHeaders")
        plain = request.body is None and not (request.params or request.headers or request.upgrade)
        if plain:
            # A request without query, own headers or body (ping, inspect, start...): its head
            # is made once per client, and made again when the client's headers change.
            state: PlainHeads | None = self.__dict__.get("_plain_heads")
            if state is None or state[0] != self.headers or state[1] != configured:
                state = (dict(self.headers), None if configured is None else dict(configured), {})
                self.__dict__["_plain_heads"] = state
            made = state[2]
            key = (request.method, request.path, version, request.apply_config_headers)
            known = made.get(key)
            if known is not None:
                return known[0], None, timeout, known[1]
        target = self._transport.base_path + request.target(version)
        config_headers = configured if request.apply_config_headers else None
        if request.headers or request.upgrade:
            headers = dict(self.headers)
            if config_headers:
                headers.update(config_headers)
            if request.headers:
                headers.update(request.headers)
            if request.upgrade:
                headers.update(UPGRADE_HEADERS)
            block = format_header_block(self._transport.host_header, headers)
        else:
            block = self._header_block(config_headers)
        body = request.body
        length: int | None
        if body is None:
            length = 0
        elif isinstance(body, str):
            body = body.encode("utf-8")
            length = len(body)
        elif isinstance(body, bytes | bytearray | memoryview):
            length = len(body)
        else:
            length = None
        head = encode_request_head(request.method, target, block, length)
        if plain:
            if len(made) >= 512:  # ids in paths: keep the cache bounded
                made.clear()
            made[key] = (head, target)
        return head, body, timeout, target

    def _header_block(self, config_headers: dict[str, str] | None) -> str:
        """The header lines of a plain request, cached until the headers change."""
        key = (tuple(self.headers.items()), tuple(config_headers.items()) if config_headers else ())
        cached = self._header_cache
        if cached is None or cached[0] != key:
            merged = {**self.headers, **(config_headers or {})}
            cached = self._header_cache = (
                key,
                format_header_block(self._transport.host_header, merged),
            )
        return cached[1]

    def _response(self, parser: Any, target: str, content: bytes) -> Response:
        return Response(
            parser.status_code,
            None,
            parser.raw_head,
            self._transport.url_base + target,
            content,
        )


class APIClient(
    ClientCore,
    BuildApiMixin,
    ConfigApiMixin,
    ContainerApiMixin,
    DaemonApiMixin,
    ExecApiMixin,
    ImageApiMixin,
    NetworkApiMixin,
    PluginApiMixin,
    SecretApiMixin,
    ServiceApiMixin,
    SwarmApiMixin,
    VolumeApiMixin,
):
    """Low-level blocking client: one method per Docker Engine API endpoint.

    ``base_url`` is the daemon address (``unix:///var/run/docker.sock``, ``tcp://host:2375``;
    default: the local socket), ``version`` the API version (default: negotiated with the
    daemon on first use), ``timeout`` the default per-request timeout in seconds.
    """

    def _init_io(self) -> None:
        from ..transport.base import ConnectionPool

        self._pool = ConnectionPool(self._transport, self.max_pool_size)

    @property
    def _version(self) -> str:
        version = self._api_version
        if version is None:
            with self._version_lock:
                version = self._api_version
                if version is None:
                    version = self._api_version = run_sync(self._version_call(), self._send)
        return version

    @_version.setter
    def _version(self, value: str) -> None:
        self._api_version = value

    def _drive(self, call: Call[R], negotiate: bool) -> R:
        if negotiate and self._api_version is None:
            self._version  # noqa: B018 - negotiates
        return run_sync(call, self._send)

    def _send(self, request: Request) -> Any:
        """Send one request and read its reply (whole, as a stream, or upgraded)."""
        version = (self._api_version or self._version) if request.versioned else None
        head, body, timeout, target = self._prepare(request, version)
        pool = self._pool
        conn = pool.acquire(timeout)
        try:
            try:
                conn.settimeout(timeout)
                conn.send(head, body)
                conn.read_head()
            except (OSError, ProtocolError) as exc:
                if not (conn.reused and _stale(conn, exc) and _replayable(body)):
                    raise
                conn.close()
                conn = pool.acquire(timeout)
                conn.settimeout(timeout)
                conn.send(head, body)
                conn.read_head()
            parser = conn.parser
            if request.upgrade and (parser.upgraded or parser.status_code < 300):
                from ..transport.response import UpgradedConnection
                from ..types.daemon import CancellableStream

                upgraded = UpgradedConnection(conn, self._response(parser, target, b""))
                if request.stream is None:
                    return upgraded
                if not request.collect:
                    conn.settimeout(None)
                stream = CancellableStream(
                    _decode(upgraded.iter_chunks(), request.stream()), upgraded
                )
                return list(stream) if request.collect else stream
            if parser.status_code >= 400:
                response = self._response(parser, target, conn.read_body())
                self._finish(conn)
                raise api_error_for(response)
            if request.stream is not None:
                from ..transport.response import StreamingResponse
                from ..types.daemon import CancellableStream

                if not request.collect:
                    conn.settimeout(None)  # a stream may be quiet for long: no read timeout
                streaming = StreamingResponse(conn, pool, self._response(parser, target, b""))
                stream = CancellableStream(
                    _decode(streaming.iter_chunks(), request.stream()), streaming
                )
                return list(stream) if request.collect else stream
            response = Response(
                parser.status_code,
                None,
                parser.raw_head,
                self._transport.url_base + target,
                conn.read_body(),
            )
            if parser.keep_alive:
                pool.release(conn)
            else:
                conn.close()
            return response
        except APIError:
            raise  # an error reply: the connection was already released
        except OSError as exc:
            conn.close()
            raise self._transport.io_error(exc, timeout) from exc
        except BaseException:
            conn.close()
            raise

    def _finish(self, conn: Connection) -> None:
        if conn.parser.keep_alive:
            self._pool.release(conn)
        else:
            conn.close()

    def close(self) -> None:
        """Close the idle pooled connections (the client stays usable)."""
        self._pool.close()

    def __enter__(self) -> APIClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def reload_config(self, dockercfg_path: str | None = None) -> None:
        """Read the registry credentials again from the Docker config file."""
        self._auth_configs = auth.load_config(dockercfg_path, credstore_env=self.credstore_env)

    def get_adapter(self, url: str) -> Transport:
        """The transport serving this client (any ``url``; kept for compatibility)."""
        return self._transport


def _stale(conn: Connection, exc: BaseException) -> bool:
    """True when a reused connection failed before any response byte arrived."""
    from ..transport.base import retryable

    if conn.parser.bytes_received:
        return False
    if isinstance(exc, ProtocolError):
        return True
    return isinstance(exc, OSError) and retryable(exc)


def _replayable(body: Any) -> bool:
    return body is None or isinstance(body, bytes | bytearray | memoryview)


def _decode(chunks: Iterator[bytes], decoder: Decoder) -> Iterator[Any]:
    for chunk in chunks:
        yield from decoder.feed(chunk)
    yield from decoder.close()
