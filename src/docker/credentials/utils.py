"""Small helpers for running credential helper programs."""

from __future__ import annotations

import os
from collections.abc import Mapping

__all__ = ["create_environment_dict"]


def create_environment_dict(overrides: Mapping[str, str] | None) -> dict[str, str]:
    """Return a copy of the current process environment with ``overrides`` applied on top."""
    result = os.environ.copy()
    if overrides:
        result.update(overrides)
    return result
