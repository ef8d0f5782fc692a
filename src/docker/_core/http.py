"""HTTP/1.1 framing without I/O: request serialisation and an incremental response parser.

Parsing is done by ``httptools`` (llhttp, the parser of Node.js), imported when the first
parser is made.  The transports feed it the bytes they read and look at the parser's state; this
module never touches a socket, so the sync and async transports share every line of it.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import ProtocolError
from .message import Headers, reason_of

__all__ = ["ResponseParser", "encode_chunk", "encode_request_head", "format_header_block"]

_LAST_CHUNK = b"0\r\n\r\n"


def format_header_block(host: str, headers: Mapping[str, str]) -> str:
    """The ``Host`` line and header lines of a request, ready to put after the request line."""
    lines = [f"Host: {host}\r\n"]
    for name, value in headers.items():
        if "\r" in value or "\n" in value:
            raise ValueError(f"header {name!r} contains a line break")
        lines.append(f"{name}: {value}\r\n")
    return "".join(lines)


def encode_request_head(
    method: str, target: str, header_block: str, content_length: int | None
) -> bytes:
    """Serialise a request line, the header block and the body framing header.

    ``content_length`` None means a chunked body follows; 0 means no body.
    """
    if content_length is None:
        framing = "Transfer-Encoding: chunked\r\n"
    elif content_length or method in ("POST", "PUT"):
        framing = f"Content-Length: {content_length}\r\n"
    else:
        framing = ""
    return f"{method} {target} HTTP/1.1\r\n{header_block}{framing}\r\n".encode("latin-1")


def encode_chunk(data: bytes) -> bytes:
    """One chunk of a chunked body (an empty ``data`` gives the final chunk)."""
    if not data:
        return _LAST_CHUNK
    return b"%x\r\n%b\r\n" % (len(data), data)


class ResponseParser:
    """Incremental parser for the responses on one connection.

    Feed it bytes with :meth:`feed`; read ``status_code``, ``reason`` and ``headers`` once
    ``headers_complete`` is set; take body pieces with :meth:`take_body`.  After a ``101``
    upgrade, ``upgraded`` is set and ``tail`` holds the bytes that followed the head.  Call
    :meth:`reset` before the next response on the same connection.
    """

    __slots__ = (
        "_body",
        "_counted",
        "_head_chunks",
        "_headers",
        "_keep_alive",
        "_parser",
        "body_pending",
        "body_size",
        "bytes_received",
        "headers_complete",
        "message_complete",
        "on_body",
        "raw_head",
        "status_code",
        "tail",
        "upgraded",
    )

    def __init__(self) -> None:
        import httptools

        # The body callback is the ``append`` of one list kept for the parser's lifetime: a
        # chunked progress stream has one HTTP chunk per small JSON message (hundreds of
        # thousands per 100 MB), and a C method costs no Python frame per chunk.
        self._body: list[bytes] = []
        self.on_body = self._body.append
        self._parser = httptools.HttpResponseParser(self)
        self.reset()

    def reset(self) -> None:
        """Prepare for the next response."""
        self.status_code = 0
        self.bytes_received = 0
        self._head_chunks: list[bytes] = []
        self.raw_head = b""
        self._headers: Headers | None = None
        self.headers_complete = False
        self.message_complete = False
        self.upgraded = False
        self.tail = b""
        self._body.clear()
        self._counted = 0  # how many of the pieces in _body are counted in body_pending
        self.body_size = 0
        self.body_pending = 0
        self._keep_alive = False

    # httptools callbacks (no per-header ones: headers are decoded from the raw head lazily,
    # which keeps the common case, nobody reads them, cheap) -------------------------------
    def on_headers_complete(self) -> None:
        parser = self._parser
        self.status_code = parser.get_status_code()
        self._keep_alive = bool(parser.should_keep_alive())
        self.headers_complete = True
        chunks = self._head_chunks
        head = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        self.raw_head = head[: head.find(b"\r\n\r\n")]
        self._head_chunks = []

    def on_message_complete(self) -> None:
        self.message_complete = True

    # ---------------------------------------------------------------------------------------
    @property
    def reason(self) -> str:
        """The reason phrase of the status line ("OK", "Not Found", ...)."""
        return reason_of(self.raw_head)

    @property
    def headers(self) -> Headers:
        """The response headers (names lower-cased; repeated headers joined with ``, ``)."""
        headers = self._headers
        if headers is None:
            headers = self._headers = Headers.from_head(self.raw_head)
        return headers

    def feed(self, data: bytes) -> None:
        """Parse the next bytes read from the connection."""
        self.bytes_received += len(data)
        if not self.headers_complete:
            self._head_chunks.append(data)
        try:
            self._parser.feed_data(data)
        except Exception as exc:
            from httptools import HttpParserError, HttpParserUpgrade

            if isinstance(exc, HttpParserUpgrade):
                offset = int(exc.args[0])
                self.upgraded = True
                self.message_complete = True
                self.tail = data[offset:]
            elif isinstance(exc, HttpParserError):
                raise ProtocolError(
                    f"the daemon's reply is not valid HTTP ({exc}); is this address really a "
                    "Docker engine?"
                ) from exc
            else:
                raise
        body = self._body
        if len(body) > self._counted:  # count the new body pieces, once per read
            added = sum(map(len, body[self._counted :]))
            self._counted = len(body)
            self.body_size += added
            self.body_pending += added

    def feed_eof(self) -> None:
        """The peer closed the connection; finish the response or report it as cut short."""
        if self.message_complete:
            return
        headers = self.headers
        framed = "content-length" in headers or "chunked" in headers.get("transfer-encoding", "")
        if self.headers_complete and not framed and self.status_code not in (204, 304):
            # Body delimited by the end of the connection.
            self.message_complete = True
            return
        if not self.headers_complete:
            raise ProtocolError(
                "the daemon closed the connection before sending a complete response head"
            )
        raise ProtocolError(
            "the daemon closed the connection in the middle of the response body "
            f"({self.body_size} bytes received); the daemon may have stopped or crashed"
        )

    def take_body(self) -> list[bytes]:
        """The body pieces parsed since the last call."""
        body = self._body
        if not body:
            return []
        pieces = body.copy()
        body.clear()
        self._counted = 0
        self.body_pending = 0
        return pieces

    @property
    def keep_alive(self) -> bool:
        """Whether the connection can carry another request after this response."""
        return self._keep_alive and self.message_complete and not self.upgraded
