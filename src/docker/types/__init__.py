"""Typed helpers that build the JSON bodies of the Engine API."""

from .daemon import CancellableStream
from .networks import EndpointConfig, IPAMConfig, IPAMPool, NetworkingConfig

__all__ = ["CancellableStream", "EndpointConfig", "IPAMConfig", "IPAMPool", "NetworkingConfig"]
