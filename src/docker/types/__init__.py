"""Typed helpers that build the JSON bodies of the Engine API."""

from .daemon import CancellableStream

__all__ = ["CancellableStream"]
