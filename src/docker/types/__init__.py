"""Typed helpers that build the JSON bodies of the Engine API.

The classes are imported the first time they are used.
"""

from typing import TYPE_CHECKING

from .. import _lazy

if TYPE_CHECKING:
    from .containers import ContainerConfig, DeviceRequest, HostConfig, LogConfig, Ulimit
    from .daemon import CancellableStream
    from .healthcheck import Healthcheck
    from .networks import EndpointConfig, IPAMConfig, IPAMPool, NetworkingConfig
    from .services import (
        ConfigReference,
        ContainerSpec,
        DNSConfig,
        DriverConfig,
        EndpointSpec,
        Mount,
        NetworkAttachmentConfig,
        Placement,
        PlacementPreference,
        Privileges,
        Resources,
        RestartPolicy,
        RollbackConfig,
        SecretReference,
        ServiceMode,
        TaskTemplate,
        UpdateConfig,
    )
    from .swarm import SwarmExternalCA, SwarmSpec
else:
    __getattr__, __dir__ = _lazy.attach(
        __name__,
        globals(),
        names={
            "docker.types.containers": [
                "ContainerConfig",
                "DeviceRequest",
                "HostConfig",
                "LogConfig",
                "Ulimit",
            ],
            "docker.types.daemon": ["CancellableStream"],
            "docker.types.healthcheck": ["Healthcheck"],
            "docker.types.networks": [
                "EndpointConfig",
                "IPAMConfig",
                "IPAMPool",
                "NetworkingConfig",
            ],
            "docker.types.services": [
                "ConfigReference",
                "ContainerSpec",
                "DNSConfig",
                "DriverConfig",
                "EndpointSpec",
                "Mount",
                "NetworkAttachmentConfig",
                "Placement",
                "PlacementPreference",
                "Privileges",
                "Resources",
                "RestartPolicy",
                "RollbackConfig",
                "SecretReference",
                "ServiceMode",
                "TaskTemplate",
                "UpdateConfig",
            ],
            "docker.types.swarm": ["SwarmExternalCA", "SwarmSpec"],
        },
        submodules=("base", "containers", "daemon", "healthcheck", "networks", "services", "swarm"),
    )

__all__ = [
    "CancellableStream",
    "ConfigReference",
    "ContainerConfig",
    "ContainerSpec",
    "DNSConfig",
    "DeviceRequest",
    "DriverConfig",
    "EndpointConfig",
    "EndpointSpec",
    "Healthcheck",
    "HostConfig",
    "IPAMConfig",
    "IPAMPool",
    "LogConfig",
    "Mount",
    "NetworkAttachmentConfig",
    "NetworkingConfig",
    "Placement",
    "PlacementPreference",
    "Privileges",
    "Resources",
    "RestartPolicy",
    "RollbackConfig",
    "SecretReference",
    "ServiceMode",
    "SwarmExternalCA",
    "SwarmSpec",
    "TaskTemplate",
    "Ulimit",
    "UpdateConfig",
]
