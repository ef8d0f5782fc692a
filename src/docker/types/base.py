"""The base class of the dict-shaped configuration types."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["DictType"]


class DictType(dict[str, Any]):
    """A dict that starts as a copy of ``init``; subclasses give it typed accessors."""

    def __init__(self, init: Mapping[str, Any]) -> None:
        super().__init__()
        for key, value in init.items():
            self[key] = value
