"""Docker SDK for Python: a fast, typed, drop-in client for the Docker Engine API.

``docker.from_env()`` gives a :class:`DockerClient` for the daemon that the environment
(``DOCKER_HOST`` and friends) points at; :class:`APIClient` is the low-level client with one
method per endpoint; :mod:`docker.aio` has the asyncio clients of the same shape.
"""

from . import (
    api,
    auth,
    constants,
    context,
    credentials,
    errors,
    models,
    tls,
    transport,
    types,
    utils,
)
from .api import APIClient
from .client import DockerClient, from_context, from_env
from .context import Context, ContextAPI
from .tls import TLSConfig
from .version import __title__, __version__

__all__ = [
    "APIClient",
    "Context",
    "ContextAPI",
    "DockerClient",
    "TLSConfig",
    "__title__",
    "__version__",
    "api",
    "auth",
    "constants",
    "context",
    "credentials",
    "errors",
    "from_context",
    "from_env",
    "models",
    "tls",
    "transport",
    "types",
    "utils",
]
