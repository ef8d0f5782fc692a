"""Which HTTP proxy, if any, stands between the client and a ``tcp://`` or ``https://`` daemon.

Pure functions, no sockets: the TCP and TLS transports call :func:`choose_proxy` once, when
they are made, and open a ``CONNECT`` tunnel through the chosen proxy with the request of
:meth:`ProxyURL.connect_request`, reading the answer with :class:`TunnelReply`.  Unix sockets,
named pipes and ssh never look at these variables.

The variables
    A plain-TCP daemon (``tcp://`` without TLS, ``http://``) uses ``http_proxy``; a TLS daemon
    (``https://``, or ``tcp://`` with ``tls=``) uses ``https_proxy``.  Either falls back to
    ``all_proxy`` when unset or empty.  ``no_proxy`` lists the daemons reached directly.

Lower case wins
    Each variable may be written in lower or upper case.  When the lower-case name is present
    in the environment it decides, even when it is empty (``http_proxy=`` switches a stray
    ``HTTP_PROXY`` off); otherwise the upper-case name is read.  This is what the original
    SDK did (through ``requests``, which reads the environment the way Python's
    ``urllib.request`` does) and what curl does, so existing set-ups keep behaving the same.
    Go's ``ProxyFromEnvironment`` (the Docker CLI) reads the upper-case name first: the two
    differ only when both spellings are set to different values.  As in ``urllib`` and Go, an
    upper-case ``HTTP_PROXY`` is ignored when ``REQUEST_METHOD`` is set (a CGI program, where
    a request's ``Proxy:`` header would arrive as ``HTTP_PROXY``).

``no_proxy`` entries (comma-separated, case-insensitive, spaces ignored)
    * ``*`` -- every daemon is reached directly;
    * a domain, ``example.com``, ``.example.com`` or ``*.example.com`` -- that name and every
      name under it (``docker.example.com``), never a mere textual suffix
      (``badexample.com``);
    * an IP address, ``10.0.0.5``, ``::1`` or ``[::1]`` -- that address;
    * a CIDR range, ``10.0.0.0/8``, ``fd00::/8`` -- IP addresses inside it;
    * a domain or address may end in ``:port`` (``[::1]:2375``) to match that port only.

    Host names are compared as written in the base URL, never resolved: a CIDR range matches
    only daemons given by IP address.  ``localhost`` and loopback addresses are *not* skipped
    automatically, as in the original SDK; Go skips them always, so list them
    (``no_proxy=localhost,127.0.0.0/8,::1``) to get the Docker CLI's behaviour.  Entries that
    cannot be understood (``10.0.0.0/99``) are ignored, as curl and Go do.

Proxy URLs
    ``http://[user[:password]@]host[:port]``; without a scheme, ``http://`` is assumed; the
    port defaults to 80; user and password are percent-decoded and sent as
    ``Proxy-Authorization: Basic``.  A path is ignored.  HTTPS proxies (TLS to the proxy) and
    SOCKS proxies are refused with a :class:`~docker.errors.DockerException` that names the
    variable, as is a value with no host or a bad port.
"""

from __future__ import annotations

import base64
import contextlib
import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from ..errors import DockerException

__all__ = [
    "NoProxy",
    "ProxyChoice",
    "ProxyURL",
    "TunnelError",
    "TunnelReply",
    "choose_proxy",
    "lookup",
    "parse_proxy_url",
]

#: The variables read for a daemon reached with each scheme, in order (lower-case names).
SCHEME_VARIABLES = {"http": ("http_proxy", "all_proxy"), "https": ("https_proxy", "all_proxy")}
#: The one form of proxy URL understood.
SUPPORTED = "only HTTP proxies are supported, as http://[user:password@]host[:port]"
_SOCKS = ("socks", "socks4", "socks4a", "socks5", "socks5h")
_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-._")

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def lookup(name: str, environ: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    """``(variable, value)`` for the lower-case variable ``name``; None when neither is set.

    The lower-case spelling wins whenever it is present, even empty; see the module notes.
    """
    env = os.environ if environ is None else environ
    if name in env:
        return name, env[name]
    upper = name.upper()
    if upper in env:
        if upper == "HTTP_PROXY" and env.get("REQUEST_METHOD"):
            return None
        return upper, env[upper]
    return None


# NO_PROXY -----------------------------------------------------------------------------------
def _split_port(entry: str) -> tuple[str, int | None] | None:
    """``(host, port)`` of a ``no_proxy`` entry, or None when its port part is malformed."""
    if entry.startswith("["):
        close = entry.find("]")
        if close < 0:
            return None
        host, rest = entry[1:close], entry[close + 1 :]
        if not rest:
            return host, None
        if rest[0] != ":":
            return None
        port_text = rest[1:]
    elif entry.count(":") == 1:
        host, port_text = entry.split(":")
    else:
        return entry, None  # no port, or a bare IPv6 address
    if not (port_text.isascii() and port_text.isdigit()) or int(port_text) > 65535:
        return None
    return host, int(port_text)


def _ip(text: str) -> _Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


class NoProxy:
    """A parsed ``no_proxy`` value: which daemon addresses are reached without the proxy."""

    __slots__ = ("domains", "everything", "networks", "value")

    def __init__(self, value: str) -> None:
        #: The value as given.
        self.value = value
        #: True when the list holds ``*``.
        self.everything = False
        #: ``(entry, network, port)`` for IP address and CIDR entries.
        self.networks: list[tuple[str, _Network, int | None]] = []
        #: ``(entry, domain, port)`` for name entries (the domain without dots around it).
        self.domains: list[tuple[str, str, int | None]] = []
        for raw in value.split(","):
            entry = raw.strip().lower()
            if not entry:
                continue
            if entry == "*":
                self.everything = True
                continue
            if "/" in entry:
                with contextlib.suppress(ValueError):  # not a network: ignored
                    self.networks.append((entry, ipaddress.ip_network(entry, strict=False), None))
                continue
            split = _split_port(entry)
            if split is None:
                continue
            host, port = split
            address = _ip(host)
            if address is not None:
                self.networks.append((entry, ipaddress.ip_network(address), port))
                continue
            if host.startswith("*."):
                host = host[2:]
            domain = host.strip(".")
            if domain:
                self.domains.append((entry, domain, port))

    def match(self, host: str, port: int) -> str | None:
        """The entry that sends ``host:port`` around the proxy, or None when none does."""
        if self.everything:
            return "*"
        name = host.strip().lower()
        if name.startswith("[") and name.endswith("]"):
            name = name[1:-1]
        address = _ip(name)
        if address is not None:
            for entry, network, entry_port in self.networks:
                if (entry_port is None or entry_port == port) and address in network:
                    return entry
            return None
        name = name.rstrip(".")
        for entry, domain, entry_port in self.domains:
            if (entry_port is None or entry_port == port) and (
                name == domain or name.endswith("." + domain)
            ):
                return entry
        return None


# Proxy URLs ---------------------------------------------------------------------------------
def _format_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


@dataclass(frozen=True)
class ProxyURL:
    """An HTTP proxy: where it listens, the credentials for it, and where it was configured."""

    host: str
    port: int
    username: str | None = None
    password: str | None = None
    #: The environment variable it came from (for error messages).
    variable: str = ""

    @property
    def url(self) -> str:
        """``http://host:port``, without the credentials (safe to show)."""
        return f"http://{_format_host(self.host)}:{self.port}"

    def __str__(self) -> str:
        return f"{self.url} (from {self.variable})" if self.variable else self.url

    def __repr__(self) -> str:
        auth = ", with credentials" if self.username is not None else ""
        return f"<ProxyURL {self}{auth}>"

    def authorization(self) -> str | None:
        """The ``Proxy-Authorization`` value, or None when the URL carries no user name."""
        if self.username is None:
            return None
        pair = f"{self.username}:{self.password or ''}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")

    def connect_request(self, host: str, port: int) -> bytes:
        """The ``CONNECT`` request asking the proxy for a tunnel to ``host:port``."""
        target = f"{_format_host(host)}:{port}"
        lines = [f"CONNECT {target} HTTP/1.1", f"Host: {target}"]
        authorization = self.authorization()
        if authorization is not None:
            lines.append(f"Proxy-Authorization: {authorization}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")


def mask_password(value: str) -> str:
    """``value`` with the password of a ``user:password@`` part replaced by ``***``."""
    start = value.find("://")
    start = 0 if start < 0 else start + 3
    end = len(value)
    for stop in "/?#":
        found = value.find(stop, start)
        if found >= 0:
            end = min(end, found)
    at = value.rfind("@", start, end)
    if at < 0:
        return value
    colon = value.find(":", start, at)
    if colon < 0:
        return value
    return value[: colon + 1] + "***" + value[at:]


def _bad(variable: str, value: str, problem: str) -> DockerException:
    where = f"{variable}={mask_password(value)!r}" if variable else repr(mask_password(value))
    return DockerException(
        f"The proxy setting {where} cannot be used to reach the Docker daemon: {problem}; "
        f"{SUPPORTED}. Fix or unset {variable or 'it'}, or list the daemon's host in NO_PROXY."
    )


def parse_proxy_url(value: str, variable: str = "") -> ProxyURL:
    """Parse a proxy URL from the environment variable ``variable``.

    Raises :class:`~docker.errors.DockerException` naming the variable and its value (password
    masked) for anything but a well-formed ``http://`` proxy URL.
    """
    text = value.strip()
    if not text:
        raise _bad(variable, value, "the value is empty")
    if "://" in text:
        scheme, rest = text.split("://", 1)
        scheme = scheme.lower()
    else:
        scheme, rest = "http", text
    if scheme in _SOCKS:
        raise _bad(variable, value, f"SOCKS proxies ({scheme}://) are not supported")
    if scheme == "https":
        raise _bad(variable, value, "TLS to the proxy itself (https://) is not supported")
    if scheme != "http":
        raise _bad(variable, value, f"unknown proxy scheme {scheme!r}")
    end = len(rest)
    for stop in "/?#":
        found = rest.find(stop)
        if found >= 0:
            end = min(end, found)
    userinfo, at, hostport = rest[:end].rpartition("@")
    username = password = None
    if at:
        user_text, colon, password_text = userinfo.partition(":")
        username = unquote(user_text)
        password = unquote(password_text) if colon else None
    if hostport.startswith("["):
        close = hostport.find("]")
        if close < 0:
            raise _bad(variable, value, "the IPv6 address has no closing ']'")
        host, port_part = hostport[1:close], hostport[close + 1 :]
        address = _ip(host)
        if address is None or address.version != 6:
            raise _bad(variable, value, f"{host!r} is not an IPv6 address")
        if port_part and not port_part.startswith(":"):
            raise _bad(variable, value, f"unexpected {port_part!r} after the IPv6 address")
        port_text = port_part[1:]
    else:
        host, _, port_text = hostport.partition(":")
        host = host.lower()
        if not host:
            raise _bad(variable, value, "the URL has no host")
        if not set(host) <= _HOST_CHARS:
            raise _bad(variable, value, f"{host!r} is not a valid host name")
    if not host:
        raise _bad(variable, value, "the URL has no host")
    if not port_text:
        port = 80
    elif not (port_text.isascii() and port_text.isdigit()) or not 0 < int(port_text) < 65536:
        raise _bad(variable, value, f"the port {port_text!r} is not a number from 1 to 65535")
    else:
        port = int(port_text)
    return ProxyURL(host, port, username, password, variable)


# Choosing -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProxyChoice:
    """How a daemon is reached: through ``proxy``, or directly when it is None, and why."""

    proxy: ProxyURL | None
    #: A sentence saying why, for debugging (``transport.proxy_choice.reason``).
    reason: str


def choose_proxy(
    scheme: str, host: str, port: int, environ: Mapping[str, str] | None = None
) -> ProxyChoice:
    """Decide from the environment whether the daemon at ``scheme://host:port`` is proxied.

    ``scheme`` is ``http`` (plain TCP) or ``https`` (TLS).  A malformed proxy URL raises
    :class:`~docker.errors.DockerException`, but only when it applies to this daemon.
    """
    env = os.environ if environ is None else environ
    names = SCHEME_VARIABLES[scheme]
    found = None
    for name in names:
        candidate = lookup(name, env)
        if candidate is not None and candidate[1].strip():
            found = candidate
            break
    if found is None:
        tried = ", ".join(f"{name}/{name.upper()}" for name in names)
        return ProxyChoice(None, f"direct: no proxy variable ({tried}) is set")
    no_proxy = lookup("no_proxy", env)
    if no_proxy is not None:
        entry = NoProxy(no_proxy[1]).match(host, port)
        if entry is not None:
            return ProxyChoice(
                None, f"direct: {no_proxy[0]} entry {entry!r} matches {_format_host(host)}:{port}"
            )
    variable, value = found
    proxy = parse_proxy_url(value, variable)
    return ProxyChoice(proxy, f"through the proxy {proxy}")


# The proxy's answer to CONNECT ---------------------------------------------------------------
class TunnelError(ValueError):
    """The proxy's answer to ``CONNECT`` was not valid HTTP (the message says how)."""


class TunnelReply:
    """Reads a proxy's answer to ``CONNECT`` from the bytes fed to it (sans-IO).

    Feed what the socket returns to :meth:`feed` until it returns True; then :attr:`status`
    and :attr:`status_line` hold the final answer (1xx answers are skipped).  Bytes after a
    2xx head would come from the daemon, which has not been asked anything yet: they are an
    error, so nothing read here ever belongs to the tunnel.
    """

    #: Largest answer head accepted.
    MAX_HEAD = 65536

    __slots__ = ("_buffer", "status", "status_line")

    def __init__(self) -> None:
        self._buffer = bytearray()
        #: The status code of the answer (0 until known).
        self.status = 0
        #: The answer's first line, e.g. ``HTTP/1.1 407 Proxy Authentication Required``.
        self.status_line = ""

    @property
    def ok(self) -> bool:
        """True when the proxy opened the tunnel (a 2xx answer)."""
        return 200 <= self.status < 300

    def feed(self, data: bytes) -> bool:
        """Take bytes read from the proxy (``b""`` at end of file); True once the head is read."""
        if not data:
            if self._buffer:
                raise TunnelError("the proxy closed the connection in the middle of its answer")
            raise TunnelError("the proxy closed the connection without answering")
        buffer = self._buffer
        buffer += data
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(buffer) > self.MAX_HEAD:
                    raise TunnelError(f"the proxy's answer head is longer than {self.MAX_HEAD}")
                if len(buffer) >= 5 and not buffer.startswith(b"HTTP/"):
                    raise TunnelError(
                        f"the proxy did not answer with HTTP ({bytes(buffer[:40])!r})"
                    )
                return False
            first = bytes(buffer[: buffer.find(b"\r\n")]).decode("latin-1")
            parts = first.split(" ", 2)
            if not first.startswith("HTTP/") or len(parts) < 2 or not parts[1].isdigit():
                raise TunnelError(f"the proxy did not answer with HTTP ({first[:80]!r})")
            status = int(parts[1])
            del buffer[: end + 4]
            if 100 <= status < 200:
                continue
            self.status = status
            self.status_line = first
            if self.ok and buffer:
                raise TunnelError("the proxy sent data before the tunnel was used")
            return True
