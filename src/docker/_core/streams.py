"""Push decoders for streamed response bodies (sans-IO, shared by sync and async)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["RawChunks", "Rechunk", "json_items", "raw_chunks", "rechunk"]


class RawChunks:
    """Pass every body piece through unchanged, as bytes."""

    __slots__ = ()

    def feed(self, data: bytes) -> Iterable[bytes]:
        """The piece itself."""
        return (data,)

    def close(self) -> Iterable[bytes]:
        """Nothing is held back."""
        return ()


def raw_chunks() -> RawChunks:
    """Decoder factory: body pieces as bytes."""
    return RawChunks()


def json_items() -> Any:
    """Decoder factory: the JSON values of a JSON-lines or concatenated-JSON body."""
    from ..utils.json_stream import JSONStreamDecoder

    return JSONStreamDecoder()


class Rechunk:
    """Regroup body pieces into items of exactly ``size`` bytes (the last may be shorter).

    Pieces are collected in a list and joined once per item, so the cost stays linear and at
    most ``size`` plus one piece is held.
    """

    __slots__ = ("_parts", "_pending", "_size")

    def __init__(self, size: int) -> None:
        self._size = size
        self._parts: list[bytes] = []
        self._pending = 0

    def feed(self, data: bytes) -> Iterable[bytes]:
        """The items completed by ``data``."""
        size = self._size
        if not self._parts and len(data) == size:
            return (data,)
        self._parts.append(data)
        self._pending += len(data)
        if self._pending < size:
            return ()
        joined = b"".join(self._parts)
        cut = len(joined) - len(joined) % size
        out = [joined[i : i + size] for i in range(0, cut, size)]
        rest = joined[cut:]
        self._parts = [rest] if rest else []
        self._pending = len(rest)
        return out

    def close(self) -> Iterable[bytes]:
        """The last, shorter item, if any."""
        rest = b"".join(self._parts)
        self._parts = []
        self._pending = 0
        return (rest,) if rest else ()


def rechunk(size: int | None) -> Any:
    """Decoder factory: pieces of ``size`` bytes, or pieces as they arrive when ``size`` is None."""
    if not size:
        return raw_chunks
    return lambda: Rechunk(size)
