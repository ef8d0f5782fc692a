"""asyncio clients of the same shape as the sync ones.

``docker.aio.from_env()`` gives an :class:`AsyncDockerClient`; ``AsyncAPIClient`` is the
low-level one.  Every call is awaited; streams are async iterators.
"""

from .client import AsyncAPIClient, AsyncDockerClient, AsyncStream, AsyncUpgradedConnection

from_env = AsyncDockerClient.from_env
from_context = AsyncDockerClient.from_context

__all__ = [
    "AsyncAPIClient",
    "AsyncDockerClient",
    "AsyncStream",
    "AsyncUpgradedConnection",
    "from_context",
    "from_env",
]
