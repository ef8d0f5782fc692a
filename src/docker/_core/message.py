"""The request and response values that travel between endpoint definitions and transports.

Nothing here does I/O.  An endpoint definition (see :mod:`docker._core.endpoint`) yields a
:class:`Request`; a driver (sync or async) sends it and answers with a :class:`Response`, or,
when the request asked for a stream or an upgrade, with a stream object of its own kind.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Callable, Iterable, Iterator, Mapping
from typing import IO, Any, Protocol

#: Marker for "use the client's default timeout".
DEFAULT_TIMEOUT: Any = object()

Body = bytes | Iterable[bytes] | IO[bytes] | AsyncIterable[bytes] | None


class Decoder(Protocol):
    """A push decoder turning body bytes into items; it never touches a socket."""

    def feed(self, data: bytes) -> Iterable[Any]:
        """Take the next piece of the body and return the items now complete."""
        ...

    def close(self) -> Iterable[Any]:
        """Signal the end of the body and return what is left (raise if it is truncated)."""
        ...


def reason_of(raw_head: bytes) -> str:
    """The reason phrase in a raw response head (``HTTP/1.1 404 Not Found`` gives ``Not Found``)."""
    parts = raw_head.split(b"\r\n", 1)[0].split(b" ", 2)
    return parts[2].decode("latin-1") if len(parts) == 3 else ""


class Headers(dict[str, str]):
    """Response headers: a dict with lower-cased keys and case-insensitive lookups."""

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return super().__contains__(key.lower() if isinstance(key, str) else key)

    def get(self, key: str, default: Any = None) -> Any:
        """The header's value, or ``default``."""
        return super().get(key.lower(), default)

    @classmethod
    def from_head(cls, raw_head: bytes) -> Headers:
        """Build from a raw response head (status line and header lines, as received).

        Repeated names are joined with ``, ``.
        """
        headers = cls()
        for line in raw_head.decode("latin-1").split("\r\n")[1:]:
            name, sep, value = line.partition(":")
            if not sep:
                continue
            key = name.strip().lower()
            value = value.strip()
            if dict.__contains__(headers, key):
                value = f"{dict.__getitem__(headers, key)}, {value}"
            dict.__setitem__(headers, key, value)
        return headers


class Request:
    """One HTTP request to the daemon, as an endpoint definition describes it.

    ``path`` is the path without the ``/vX.Y`` prefix; ``versioned`` says whether the driver
    adds it.  ``stream`` names a decoder factory: the driver then answers with a stream object
    instead of a :class:`Response`.  ``upgrade`` asks for the connection upgrade (hijack) used by
    attach and exec; the driver then answers with the upgraded connection, or, when ``stream``
    is set too, with a stream of decoded items read from it.  With ``collect``, a ``stream``
    reply is read to its end and the driver answers with the list of its items.
    """

    __slots__ = (
        "apply_config_headers",
        "body",
        "collect",
        "headers",
        "method",
        "params",
        "path",
        "stream",
        "timeout",
        "upgrade",
        "versioned",
    )

    def __init__(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        body: Body = None,
        timeout: Any = DEFAULT_TIMEOUT,
        versioned: bool = True,
        stream: Callable[[], Decoder] | None = None,
        upgrade: bool = False,
        apply_config_headers: bool = True,
        collect: bool = False,
    ) -> None:
        self.method = method
        self.path = path
        self.params = params
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.versioned = versioned
        self.stream = stream
        self.upgrade = upgrade
        self.apply_config_headers = apply_config_headers
        self.collect = collect

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.target(None)}>"

    def target(self, version: str | None) -> str:
        """The request target (path and query string) as sent on the wire."""
        path = f"/v{version}{self.path}" if self.versioned and version else self.path
        if self.params:
            query = encode_query(self.params)
            if query:
                return f"{path}?{query}"
        return path


def encode_query(params: Mapping[str, Any]) -> str:
    """Encode query parameters the way the original SDK's HTTP library did.

    ``None`` values are left out, bools become ``True``/``False``, lists and tuples become
    repeated keys, everything else goes through ``str``.
    """
    from urllib.parse import urlencode

    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, list | tuple):
            pairs.extend((key, str(item)) for item in value if item is not None)
        else:
            pairs.append((key, str(value)))
    return urlencode(pairs)


#: The characters ``urllib.parse.quote(arg, safe="/:")`` leaves as they are.
_PATH_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~/:"


def quote_path_arg(arg: str) -> str:
    """Percent-quote one path argument, keeping ``/`` and ``:`` as they are."""
    if not arg.rstrip(_PATH_SAFE):
        return arg  # nothing to quote (ids, most names)
    from urllib.parse import quote

    return quote(arg, safe="/:")


class Response:
    """A complete HTTP response: status, headers and the whole body."""

    __slots__ = ("_headers", "_raw_head", "_reason", "content", "status_code", "url")

    def __init__(
        self,
        status_code: int,
        reason: str | None,
        headers: Headers | bytes,
        url: str,
        content: bytes = b"",
    ) -> None:
        self.status_code = status_code
        self._reason = reason
        if isinstance(headers, Headers):
            self._headers: Headers | None = headers
            self._raw_head = b""
        else:
            self._headers = None
            self._raw_head = headers
        self.url = url
        self.content = content

    @property
    def reason(self) -> str:
        """The reason phrase of the status line."""
        if self._reason is None:
            self._reason = reason_of(self._raw_head)
        return self._reason

    @property
    def headers(self) -> Headers:
        """The response headers (case-insensitive names)."""
        if self._headers is None:
            self._headers = Headers.from_head(self._raw_head)
        return self._headers

    def __repr__(self) -> str:
        return f"<Response [{self.status_code}]>"

    @property
    def text(self) -> str:
        """The body decoded as UTF-8 (undecodable bytes replaced)."""
        return self.content.decode("utf-8", "replace")

    @property
    def ok(self) -> bool:
        """True when the status is below 400."""
        return self.status_code < 400

    def json(self) -> Any:
        """The body parsed as JSON."""
        import json

        return json.loads(self.content)

    def iter_lines(self) -> Iterator[bytes]:
        """The body split into lines (without line endings)."""
        return iter(self.content.splitlines())
