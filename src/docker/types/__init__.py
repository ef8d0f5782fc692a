"""Typed helpers that build the JSON bodies of the Engine API."""

from .containers import ContainerConfig, DeviceRequest, HostConfig, LogConfig, Ulimit
from .daemon import CancellableStream
from .healthcheck import Healthcheck
from .networks import EndpointConfig, IPAMConfig, IPAMPool, NetworkingConfig
from .services import Mount

__all__ = [
    "CancellableStream",
    "ContainerConfig",
    "DeviceRequest",
    "EndpointConfig",
    "Healthcheck",
    "HostConfig",
    "IPAMConfig",
    "IPAMPool",
    "LogConfig",
    "Mount",
    "NetworkingConfig",
    "Ulimit",
]
