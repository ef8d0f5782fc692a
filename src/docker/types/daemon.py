"""Stream objects returned by streaming calls."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Generic, Protocol, TypeVar

__all__ = ["CancellableStream"]

T = TypeVar("T")


class _Closable(Protocol):
    closed: bool

    def close(self) -> None: ...


class CancellableStream(Generic[T]):
    """An iterator over a streaming response that can be stopped at any time.

    Iterate it, or use it as a context manager; :meth:`close` (also safe from another thread)
    releases the connection and ends the iteration.  Failures of the daemon while the stream
    is being read are raised, not swallowed; a stream stopped by :meth:`close` just ends.
    """

    def __init__(self, stream: Iterator[T], response: Any) -> None:
        self._stream = stream
        self._response: _Closable = response

    @property
    def headers(self) -> Any:
        """The HTTP response headers of the stream."""
        return getattr(self._response, "headers", {})

    def __iter__(self) -> CancellableStream[T]:
        return self

    def __next__(self) -> T:
        try:
            return next(self._stream)
        except OSError:
            if self._response.closed:
                raise StopIteration from None
            raise

    next = __next__

    def close(self) -> None:
        """Stop the stream and release its connection."""
        self._response.close()

    def __enter__(self) -> CancellableStream[T]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
