"""Docker SDK for Python: a fast, typed, drop-in client for the Docker Engine API.

``docker.from_env()`` gives a :class:`DockerClient` for the daemon that the environment
(``DOCKER_HOST`` and friends) points at; :class:`APIClient` is the low-level client with one
method per endpoint; :mod:`docker.aio` has the asyncio clients of the same shape.

The clients are imported with the package; the other names and submodules listed in
``__all__`` (``docker.types``, ``docker.models``, ``docker.tls``, ...) are imported the first
time they are used.
"""

from typing import TYPE_CHECKING

from . import _lazy
from .api.client import APIClient
from .client import DockerClient, from_context, from_env
from .version import __title__, __version__

if TYPE_CHECKING:
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
    from . import client as client
    from . import version as version
    from .context import Context, ContextAPI
    from .tls import TLSConfig
else:
    __getattr__, __dir__ = _lazy.attach(
        __name__,
        globals(),
        names={
            "docker.context.context": ["Context"],
            "docker.context.api": ["ContextAPI"],
            "docker.tls": ["TLSConfig"],
        },
        submodules=(
            "api",
            "auth",
            "client",
            "constants",
            "context",
            "credentials",
            "errors",
            "models",
            "tls",
            "transport",
            "types",
            "utils",
            "version",
        ),
    )

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
