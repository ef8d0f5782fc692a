"""Split streamed daemon output into JSON values or lines, in linear time.

The daemon streams progress and events as JSON values that may be packed together
(``{..}{..}``), separated by whitespace or newlines, or cut anywhere by HTTP chunking (even
inside a multi-byte UTF-8 character). :class:`JSONStreamDecoder` is the push-style core; the
generator functions (:func:`json_stream`, :func:`split_buffer`, ...) are built on it.

Every byte is looked at a bounded number of times: complete values are decoded in place with
the C JSON scanner, and an incomplete value is kept as a list of pieces whose nesting state is
tracked incrementally, so the pieces are joined and decoded once, when the value is complete.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterable, Iterator
from itertools import repeat
from operator import itemgetter
from typing import Any, TypeVar, cast

from ..errors import StreamParseError

__all__ = [
    "JSONStreamDecoder",
    "json_splitter",
    "json_stream",
    "line_splitter",
    "split_buffer",
    "stream_as_text",
]

T = TypeVar("T")

_json_decoder = json.JSONDecoder()
#: The C scanner behind ``JSONDecoder.raw_decode``: ``(obj, end)``, or StopIteration/ValueError.
_scan_once = cast("Callable[[str, int], tuple[Any, int]]", _json_decoder.scan_once)  # type: ignore[attr-defined]

_first = itemgetter(0)
_second = itemgetter(1)

_WHITESPACE = re.compile(r"\s*")
#: Outside strings: everything up to the next bracket or unterminated string, stepping over
#: complete strings in one go.
_OUTSIDE = re.compile(r'[^"{}\[\]]*(?:"[^"\\]*(?:\\.[^"\\]*)*"[^"{}\[\]]*)*', re.DOTALL)
#: Inside a string: everything up to the closing quote (or a lone trailing backslash).
_INSIDE = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*', re.DOTALL)
# Typed views of ``match`` for the patterns above, which match (possibly empty) everywhere.
_MatchAt = Callable[[str, int], "re.Match[str]"]
_skip_ws = cast(_MatchAt, _WHITESPACE.match)
_outside_match = cast(_MatchAt, _OUTSIDE.match)
_inside_match = cast(_MatchAt, _INSIDE.match)
#: Characters that end a top-level scalar (number, ``true``, ``null``, ...).
_DELIMITER = re.compile(r'[\s{}\[\]",:]')

# What kind of value is pending (not yet complete).
_IDLE = 0
_NESTED = 1  # an object, an array or a string: tracked by depth and string state
_SCALAR = 2  # a number or literal: complete once a delimiter follows it


def _utf8_decoder() -> codecs.IncrementalDecoder:
    return codecs.getincrementaldecoder("utf-8")(errors="replace")


def _json_lines(text: str) -> list[Any] | None:
    """The values of ``text`` when each non-blank line holds exactly one JSON value, else None.

    Each non-empty line goes to the C scanner, and must be one value that starts where the line
    starts and ends where it ends; the iteration runs in C (``map``), with no Python frame per
    line.  Anything else (blanks around a value, two values on a line, a value spread over
    lines, malformed JSON) gives None, and the caller decodes the text value by value, which
    treats every case exactly.  (``splitlines`` also cuts at characters that are not JSON
    line breaks, such as U+2028; a string holding one then fails to scan and falls back.)
    """
    lines = list(filter(None, text.splitlines()))
    try:
        scanned = list(map(_scan_once, lines, repeat(0, len(lines))))
    except (StopIteration, ValueError):
        return None
    if list(map(_second, scanned)) != list(map(len, lines)):
        return None
    return list(map(_first, scanned))


class JSONStreamDecoder:
    """Incremental decoder for a stream of concatenated JSON values.

    :meth:`feed` takes the next piece of the stream (bytes or str, cut anywhere) and returns
    every value completed so far; :meth:`close` ends the stream. Values may follow each other
    directly or be separated by whitespace. A top-level number or literal that touches the end
    of the data fed so far is held back until a delimiter or :meth:`close` shows it is complete.

    Malformed input raises :class:`~docker.errors.StreamParseError` as soon as it is certain;
    values decoded before it in the same :meth:`feed` are returned first and the error is
    raised by the next call.
    """

    __slots__ = (
        "_depth",
        "_error",
        "_escape",
        "_in_string",
        "_mode",
        "_pieces",
        "_utf8",
        "_utf8_held",
    )

    def __init__(self) -> None:
        self._utf8 = _utf8_decoder()
        #: True when the incremental UTF-8 decoder may hold the start of a split character.
        self._utf8_held = False
        self._pieces: list[str] = []
        self._mode = _IDLE
        self._depth = 0
        self._in_string = False
        self._escape = False
        self._error: StreamParseError | None = None

    # -- public API ----------------------------------------------------------------------

    def feed(self, data: bytes | str) -> list[Any]:
        """Add ``data`` to the stream; return the values it completed (maybe none)."""
        if self._error is not None:
            raise self._error
        if type(data) is bytes and data and data[-1] == 10 and not self._utf8_held:
            # Ends with a newline and no split character is held: decoding it whole is the
            # same as decoding it incrementally.
            text = data.decode("utf-8", "replace")
            if self._mode == _IDLE:
                # The daemon's case: one JSON message per HTTP chunk, ``{...}\r\n``.
                # Anything else (more values, leading blanks, malformed input) takes the
                # general path below.
                try:
                    value, end = _scan_once(text, 0)
                except (StopIteration, ValueError):
                    pass
                else:
                    rest = len(text) - end
                    if rest == 1 or (rest == 2 and text[end] == "\r"):
                        return [value]
        elif isinstance(data, str):
            text = data
        elif not data:
            return []
        else:
            text = self._utf8.decode(data)
            # A piece that ends with a non-ASCII byte may end inside a character.
            self._utf8_held = data[-1] >= 0x80
        out: list[Any] = []
        if not text:
            return out
        try:
            if self._mode == _IDLE:
                self._parse(text, 0, out)
            else:
                self._continue(text, out)
        except StreamParseError as exc:
            self._reset()
            if not out:
                raise
            self._error = exc
        return out

    def close(self) -> list[Any]:
        """End the stream: return the values still held back and reset the decoder.

        Raises :class:`~docker.errors.StreamParseError` when what remains is neither whitespace
        nor complete JSON (an unfinished value, or an error found by an earlier :meth:`feed`).
        The decoder can be fed again afterwards, as a new stream.
        """
        return _decode_all(self.take_remainder())

    @property
    def pending(self) -> bool:
        """True when part of a value has been fed but not completed yet."""
        return self._mode != _IDLE

    def take_remainder(self) -> str:
        """Return the undecoded text held so far (including partial UTF-8) and reset.

        Raises the :class:`~docker.errors.StreamParseError` of an earlier :meth:`feed`, if any.
        """
        if self._error is not None:
            error, self._error = self._error, None
            self._reset()
            raise error
        tail = self._utf8.decode(b"", final=True)
        remainder = "".join(self._pieces) + tail
        self._reset()
        return remainder

    # -- internals -----------------------------------------------------------------------

    def _reset(self) -> None:
        self._utf8 = _utf8_decoder()
        self._utf8_held = False
        self._pieces = []
        self._mode = _IDLE
        self._depth = 0
        self._in_string = False
        self._escape = False

    def _parse(self, text: str, pos: int, out: list[Any]) -> None:
        """Decode the values in ``text[pos:]``; keep a trailing incomplete one as pending."""
        last_newline = text.rfind("\n")
        if last_newline > pos:
            # The daemon's streams are JSON lines: decode all complete lines at C speed.
            lines = _json_lines(text[pos:last_newline])
            if lines is not None:
                out.extend(lines)
                pos = last_newline + 1
        append = out.append
        end_of_text = len(text)
        ws_match = _skip_ws
        while True:
            pos = ws_match(text, pos).end()
            if pos >= end_of_text:
                return
            first = text[pos]
            try:
                value, end = _scan_once(text, pos)
            except (StopIteration, ValueError):
                self._start_pending(text, pos)
                return
            if first in '{["':
                append(value)
                pos = end
                continue
            # A scalar is final only once something that cannot extend it follows.
            if _DELIMITER.search(text, pos) is None:
                self._pieces = [text[pos:]]
                self._mode = _SCALAR
                return
            append(value)
            pos = end

    def _start_pending(self, text: str, pos: int) -> None:
        """``text[pos:]`` starts a value the scanner rejected: hold it, or fail if complete."""
        first = text[pos]
        if first in '{["':
            self._mode = _NESTED
            self._depth = 0
            self._escape = False
            # A top-level string starts inside the string, so its closing quote ends it.
            self._in_string = first == '"'
            done = self._track(text, pos + 1 if self._in_string else pos)
            if done >= 0:
                _raise_malformed(text[pos:done])
        else:
            delimiter = _DELIMITER.search(text, pos)
            if delimiter is not None:
                _raise_malformed(text[pos : max(delimiter.start(), pos + 1)])
            self._mode = _SCALAR
        self._pieces = [text[pos:]]

    def _continue(self, text: str, out: list[Any]) -> None:
        """Extend the pending value with ``text``; decode it when it completes."""
        if self._mode == _SCALAR:
            delimiter = _DELIMITER.search(text)
            if delimiter is None:
                self._pieces.append(text)
                return
            joined = "".join(self._pieces) + text
            self._pieces = []
            self._mode = _IDLE
            self._parse(joined, 0, out)
            return
        done = self._track(text, 0)
        if done < 0:
            self._pieces.append(text)
            return
        self._pieces.append(text[:done])
        value_text = "".join(self._pieces)
        self._pieces = []
        self._mode = _IDLE
        try:
            value, end = _scan_once(value_text, 0)
        except (StopIteration, ValueError) as exc:
            cause = _decode_error(exc, value_text)
            raise StreamParseError(cause) from cause
        if end != len(value_text):
            _raise_malformed(value_text)
        out.append(value)
        self._parse(text, done, out)

    def _track(self, text: str, pos: int) -> int:
        """Advance the nesting state over ``text[pos:]``.

        Returns the index just past the end of the pending value when it ends inside
        ``text``, else -1 (the state then covers all of ``text``).
        """
        size = len(text)
        depth = self._depth
        in_string = self._in_string
        if self._escape:
            self._escape = False
            pos += 1  # the character escaped by a backslash that ended the previous piece
        outside = _outside_match
        inside = _inside_match
        while pos < size:
            if in_string:
                pos = inside(text, pos).end()
                if pos >= size:
                    break
                if text[pos] == "\\":  # lone backslash at the very end of the piece
                    self._escape = True
                    pos = size
                    break
                in_string = False  # closing quote
                pos += 1
                if depth == 0:
                    self._depth, self._in_string = 0, False
                    return pos
                continue
            pos = outside(text, pos).end()
            if pos >= size:
                break
            char = text[pos]
            pos += 1
            if char == '"':
                in_string = True
            elif char in "{[":
                depth += 1
            else:
                depth -= 1
                if depth <= 0:
                    self._depth, self._in_string = 0, False
                    return pos
        self._depth = depth
        self._in_string = in_string
        return -1


def _decode_error(exc: BaseException, text: str) -> BaseException:
    """The scanner's failure as a decode error (a bare StopIteration means "Expecting value")."""
    if isinstance(exc, StopIteration):
        return json.JSONDecodeError("Expecting value", text, exc.value)
    return exc


def _raise_malformed(text: str) -> None:
    try:
        _, end = _scan_once(text, 0)
    except (StopIteration, ValueError) as exc:
        cause = _decode_error(exc, text)
        raise StreamParseError(cause) from cause
    raise StreamParseError(f"Unexpected data after a JSON value: {text[end : end + 40]!r}")


def _decode_all(text: str) -> list[Any]:
    """Decode every value in ``text`` (whitespace-separated or packed); whitespace is ignored."""
    values: list[Any] = []
    pos = 0
    size = len(text)
    while True:
        pos = _skip_ws(text, pos).end()
        if pos >= size:
            return values
        try:
            value, pos = _scan_once(text, pos)
        except (StopIteration, ValueError) as exc:
            cause = _decode_error(exc, text)
            raise StreamParseError(cause) from cause
        values.append(value)


# --------------------------------------------------------------------------------------------
# Generator interface (same names and behaviour as the original module)


def stream_as_text(stream: Iterable[bytes | str]) -> Iterator[str]:
    """Yield the items of ``stream`` as text, decoding bytes as UTF-8.

    Invalid bytes become U+FFFD; a character split between two items is decoded whole.
    """
    decoder = _utf8_decoder()
    for data in stream:
        if isinstance(data, str):
            yield data
            continue
        text = decoder.decode(data)
        if text:
            yield text
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail


def json_splitter(buffer: str) -> tuple[Any, str] | None:
    """Decode the first JSON value of ``buffer``.

    Returns ``(value, rest)`` with the whitespace before ``rest`` removed, or None when
    ``buffer`` does not start with a complete value.
    """
    buffer = buffer.strip()
    try:
        value, end = _json_decoder.raw_decode(buffer)
    except ValueError:
        return None
    return value, buffer[_skip_ws(buffer, end).end() :]


def line_splitter(buffer: str, separator: str = "\n") -> tuple[str, str] | None:
    """Split ``buffer`` after the first ``separator``: ``(line_with_separator, rest)``.

    Returns None when ``buffer`` holds no separator yet.
    """
    index = buffer.find(separator)
    if index == -1:
        return None
    cut = index + len(separator)
    return buffer[:cut], buffer[cut:]


def _identity(value: T) -> T:
    return value


def json_stream(stream: Iterable[bytes | str]) -> Iterator[Any]:
    """Yield every JSON value found in a stream of text or bytes chunks.

    Raises :class:`~docker.errors.StreamParseError` when the stream holds malformed JSON
    or ends inside a value. Trailing whitespace is ignored.
    """
    return _split_json(stream, _json_decoder.decode)


def _split_json(stream: Iterable[bytes | str], decoder: Callable[[str], Any]) -> Iterator[Any]:
    """:func:`split_buffer` with :func:`json_splitter`, in linear time."""
    incremental = JSONStreamDecoder()
    for data in stream:
        if data:
            yield from incremental.feed(data)
    # What is held back is at most one incomplete value or top-level scalar token: finish it
    # the way the splitter-based loop would, handing the undecodable rest to ``decoder``.
    remainder = incremental.take_remainder()
    while remainder and not remainder.isspace():
        split = json_splitter(remainder)
        if split is None:
            try:
                yield decoder(remainder)
            except Exception as exc:
                raise StreamParseError(exc) from exc
            return
        value, remainder = split
        yield value


def _split_lines(stream: Iterable[bytes | str]) -> Iterator[str]:
    pending: list[str] = []
    for text in stream_as_text(stream):
        start = 0
        index = text.find("\n")
        while index != -1:
            if pending:
                pending.append(text[start : index + 1])
                yield "".join(pending)
                pending = []
            else:
                yield text[start : index + 1]
            start = index + 1
            index = text.find("\n", start)
        if start < len(text):
            pending.append(text[start:])
    if pending:
        yield "".join(pending)


def split_buffer(
    stream: Iterable[bytes | str],
    splitter: Callable[[str], tuple[Any, str] | None] | None = None,
    decoder: Callable[[str], Any] = _identity,
) -> Iterator[Any]:
    """Yield the items that ``splitter`` cuts from the text of ``stream``.

    ``splitter(buffer)`` returns ``(item, rest)`` or None when ``buffer`` holds no complete
    item (default: :func:`line_splitter`). What is left at the end is passed to ``decoder``
    and yielded, unless it is only whitespace; an error there becomes
    :class:`~docker.errors.StreamParseError`. The stock splitters run in linear time.
    """
    if splitter is None or splitter is line_splitter:
        for line in _split_lines(stream):
            if line.endswith("\n"):
                yield line
            elif line.strip():
                try:
                    yield decoder(line)
                except Exception as exc:
                    raise StreamParseError(exc) from exc
        return
    if splitter is json_splitter:
        yield from _split_json(stream, decoder)
        return

    buffered = ""
    for data in stream_as_text(stream):
        buffered += data
        while True:
            result = splitter(buffered)
            if result is None:
                break
            item, buffered = result
            yield item
    if buffered.strip():
        try:
            yield decoder(buffered)
        except Exception as exc:
            raise StreamParseError(exc) from exc
