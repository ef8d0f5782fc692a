"""Push decoders for streamed response bodies (sans-IO, shared by sync and async)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["RawChunks", "json_items", "raw_chunks"]


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
