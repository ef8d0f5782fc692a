"""Keyword lookup shared by the types that accept snake_case and PascalCase names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def pick(kwargs: Mapping[str, Any], snake: str, pascal: str, default: Any = None) -> Any:
    """``kwargs[snake]`` if given, else ``kwargs[pascal]``, else ``default``."""
    if snake in kwargs:
        return kwargs[snake]
    return kwargs.get(pascal, default)
