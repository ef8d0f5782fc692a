"""Render pull, push, import, load and build progress streams for people to read.

:func:`progress` (exported as ``docker.utils.progress``) wraps a stream of the daemon's
progress items and yields them unchanged while it writes a display of them:

* on a terminal, one line per layer, rewritten in place with ANSI cursor movement as the
  layer goes from ``Waiting`` to ``Downloading [==>  ]`` to ``Pull complete``, like the
  ``docker`` CLI;
* anywhere else (a file, a pipe, a CI log), plain lines without escape codes: one line each
  time a layer's status changes, not one per byte-count update.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any, Protocol, TypeVar

from ..errors import APIError
from .json_stream import JSONStreamDecoder

__all__ = ["ProgressRenderer", "progress"]

T = TypeVar("T")

_CLEAR_LINE = "\r\x1b[2K"


class _Output(Protocol):
    def write(self, text: str, /) -> Any: ...


def _is_tty(file: Any) -> bool:
    try:
        return bool(file.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def _width(file: Any) -> int | None:
    """The terminal's width in columns, when ``file`` is a terminal that tells it."""
    try:
        return os.get_terminal_size(file.fileno()).columns
    except (AttributeError, ValueError, OSError, TypeError):
        return None


def _size(n: float) -> str:
    """A byte count the way the CLI shows it (decimal units: ``1.23MB``)."""
    for unit in ("B", "kB", "MB", "GB"):
        if abs(n) < 1000:
            return f"{n:.0f}{unit}" if unit == "B" else f"{n:.3g}{unit}"
        n /= 1000
    return f"{n:.3g}TB"


def _is_layer(event: dict[str, Any]) -> bool:
    """True for an item about one layer (it has an id and progress fields)."""
    return bool(event.get("id")) and ("progressDetail" in event or "progress" in event)


def _detail(event: dict[str, Any]) -> str:
    """The progress part of a layer line: the daemon's bar, else ``current/total``."""
    bar = event.get("progress")
    if bar:
        return str(bar)
    detail = event.get("progressDetail")
    if isinstance(detail, dict):
        current, total = detail.get("current"), detail.get("total")
        if isinstance(current, (int, float)) and current:
            if isinstance(total, (int, float)) and total:
                return f"{_size(current)}/{_size(total)}"
            return _size(current)
    return ""


class ProgressRenderer:
    """Writes a display of progress items to ``file``; feed it one item at a time.

    ``tty`` chooses the live display (ANSI escapes) or plain lines. :meth:`render` returns the
    daemon's error message when the item reports a failure (after writing it), else None;
    :meth:`finish` ends the display.
    """

    def __init__(self, file: _Output, tty: bool, width: int | None = None) -> None:
        self._file = file
        self._tty = tty
        self._width = width
        self._flush = getattr(file, "flush", None)
        from ..api.image import progress_error  # not at import: docker.api imports docker.utils

        self._error_of = progress_error
        # The current block of layer lines: id -> line index (TTY) or last status (plain).
        self._rows: dict[str, int] = {}
        self._status: dict[str, str] = {}
        self._line_start = True

    def render(self, event: Any) -> str | None:
        """Show one decoded progress item; return its error message, if it is an error."""
        if not isinstance(event, dict):
            return None
        message = self._error_of(event)
        if message is not None:
            self._line(f"ERROR: {message}")
        elif "stream" in event:
            self._text(str(event["stream"]))
        elif event.get("status"):
            if _is_layer(event):
                self._layer(event)
            else:
                status = str(event["status"])
                ident = event.get("id")
                self._line(f"{ident}: {status}" if ident else status)
        else:
            return None  # aux items and empty ones: nothing to show
        if self._flush is not None:
            self._flush()
        return message

    def finish(self) -> None:
        """End the display: terminate a last unfinished line."""
        if not self._line_start:
            self._file.write("\n")
            self._line_start = True
        if self._flush is not None:
            self._flush()

    # -- internals -----------------------------------------------------------------------

    def _reset_block(self) -> None:
        self._rows.clear()
        self._status.clear()

    def _end_partial_line(self) -> None:
        if not self._line_start:
            self._file.write("\n")
            self._line_start = True

    def _line(self, text: str) -> None:
        """A line that is not a layer's: it ends the current block of layer lines."""
        self._end_partial_line()
        self._reset_block()
        self._file.write(text.rstrip("\r\n") + "\n")

    def _text(self, text: str) -> None:
        """Build output, written as it comes (it carries its own newlines)."""
        if not text:
            return
        self._reset_block()
        self._file.write(text)
        self._line_start = text.endswith("\n")

    def _layer(self, event: dict[str, Any]) -> None:
        ident = str(event["id"])
        status = str(event["status"])
        self._end_partial_line()
        if not self._tty:
            if self._status.get(ident) != status:
                self._status[ident] = status
                self._file.write(f"{ident}: {status}\n")
            return
        detail = _detail(event)
        text = f"{ident}: {status} {detail}" if detail else f"{ident}: {status}"
        text = text.replace("\n", " ").replace("\r", " ")
        if self._width is not None and len(text) >= self._width:
            text = text[: max(1, self._width - 1)]
        row = self._rows.get(ident)
        if row is None:
            # A new layer: a new line at the bottom of the block (the cursor is just below it).
            self._rows[ident] = len(self._rows)
            self._file.write(text + "\n")
            return
        up = len(self._rows) - row
        self._file.write(f"\x1b[{up}A{_CLEAR_LINE}{text}\r\x1b[{up}B")


def progress(
    stream: Iterable[T],
    file: _Output | None = None,
    tty: bool | None = None,
) -> Iterator[T]:
    """Show a pull/push/import/load/build progress stream while passing it through.

    ``stream`` yields decoded items (dicts, as with ``decode=True``) or raw ``bytes``/``str``
    JSON chunks (which are decoded for display). Every item is yielded unchanged, so the loop
    can still inspect it::

        for event in docker.utils.progress(api.pull("busybox", stream=True, decode=True)):
            ...

    ``file`` (default ``sys.stdout``) receives the display; ``tty`` (default:
    ``file.isatty()``) picks the live per-layer display with ANSI escapes (True) or plain lines,
    one per status change (False). An error item is shown, then raises
    :class:`~docker.errors.APIError` with the daemon's message as ``explanation``; it is not
    yielded.
    """
    out: _Output = sys.stdout if file is None else file
    live = _is_tty(out) if tty is None else tty
    renderer = ProgressRenderer(out, live, _width(out) if live else None)
    decoder: JSONStreamDecoder | None = None
    for item in stream:
        if isinstance(item, (bytes, bytearray, memoryview, str)):
            if decoder is None:
                decoder = JSONStreamDecoder()
            events: Iterable[Any] = decoder.feed(
                bytes(item) if isinstance(item, (bytearray, memoryview)) else item
            )
        else:
            events = (item,)
        for event in events:
            _show(renderer, event)
        yield item
    if decoder is not None:
        for event in decoder.close():
            _show(renderer, event)
    renderer.finish()


def _show(renderer: ProgressRenderer, event: Any) -> None:
    """Render ``event``; raise APIError when it reports a failure."""
    message = renderer.render(event)
    if message is not None:
        renderer.finish()
        raise APIError("The daemon reported an error in the progress stream", explanation=message)
