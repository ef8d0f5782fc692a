"""The high-level client, ``DockerClient``, and ``from_env``."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, TypeVar

from . import _lazy
from .api.client import APIClient
from .constants import DEFAULT_MAX_POOL_SIZE, DEFAULT_TIMEOUT_SECONDS

if TYPE_CHECKING:
    # The models, contexts and environment helpers are imported where they are used, so
    # that ``import docker`` does not load them.
    from ._core.modelcall import ModelCall
    from .context.api import ContextAPI
    from .models.configs import ConfigCollection
    from .models.containers import ContainerCollection
    from .models.images import ImageCollection
    from .models.networks import NetworkCollection
    from .models.nodes import NodeCollection
    from .models.plugins import PluginCollection
    from .models.secrets import SecretCollection
    from .models.services import ServiceCollection
    from .models.swarm import Swarm
    from .models.volumes import VolumeCollection
else:
    __getattr__, __dir__ = _lazy.attach(
        __name__, globals(), names={"docker.context.api": ["ContextAPI"]}
    )

__all__ = ["ContextAPI", "DockerClient", "from_context", "from_env"]

R = TypeVar("R")


def client_kwargs_from_env(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The client arguments ``from_env(**kwargs)`` stands for (shared by the async client).

    ``timeout``, ``max_pool_size``, ``version``, ``use_ssh_client``, ``user_agent`` and
    ``credstore_env`` are passed on; the rest (``environment``) goes to
    :func:`~docker.utils.kwargs_from_env`.  Without ``DOCKER_HOST``, and unless
    ``use_context=False``, the address and TLS settings come from the context the Docker CLI
    would use: ``DOCKER_CONTEXT``, then config.json's ``currentContext``, then the default
    socket (TLS settings from ``DOCKER_TLS_VERIFY``/``DOCKER_CERT_PATH`` win over the
    context's).
    """
    from .context.api import ContextAPI
    from .utils.utils import kwargs_from_env

    kwargs = dict(kwargs)
    params: dict[str, Any] = {
        "timeout": kwargs.pop("timeout", DEFAULT_TIMEOUT_SECONDS),
        "max_pool_size": kwargs.pop("max_pool_size", DEFAULT_MAX_POOL_SIZE),
        "version": kwargs.pop("version", None),
        "use_ssh_client": kwargs.pop("use_ssh_client", False),
    }
    use_context = kwargs.pop("use_context", True)
    for key in ("user_agent", "credstore_env"):
        if key in kwargs:
            params[key] = kwargs.pop(key)
    environment = kwargs.get("environment") or os.environ
    env_params = kwargs_from_env(**kwargs)
    if use_context and "base_url" not in env_params:
        for key, value in ContextAPI.kwargs_from_context(environment=environment).items():
            env_params.setdefault(key, value)
    params.update(env_params)
    return params


def client_kwargs_from_context(name: str | None, kwargs: dict[str, Any]) -> dict[str, Any]:
    """The client arguments ``from_context(name, **kwargs)`` stands for."""
    from .context.api import ContextAPI

    kwargs = dict(kwargs)
    params: dict[str, Any] = {
        "timeout": kwargs.pop("timeout", DEFAULT_TIMEOUT_SECONDS),
        "max_pool_size": kwargs.pop("max_pool_size", DEFAULT_MAX_POOL_SIZE),
        "version": kwargs.pop("version", None),
        "use_ssh_client": kwargs.pop("use_ssh_client", False),
    }
    params.update(ContextAPI.kwargs_from_context(name=name))
    params.update(kwargs)
    return params


class DockerClient:
    """High-level client for the Docker Engine.

    Takes the same arguments as :class:`~docker.api.client.APIClient`, which it keeps in
    :attr:`api` for the low-level calls.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        #: The low-level client.
        self.api = APIClient(*args, **kwargs)

    @classmethod
    def from_env(cls, **kwargs: Any) -> DockerClient:
        """A client configured from the environment, as the Docker CLI would be.

        Reads ``DOCKER_HOST``, ``DOCKER_TLS_VERIFY`` and ``DOCKER_CERT_PATH`` (from
        ``environment=`` when given, else ``os.environ``); without ``DOCKER_HOST``, the
        context in ``DOCKER_CONTEXT`` or config.json's ``currentContext`` (unless
        ``use_context=False``), else the default socket.  Also takes ``timeout`` (60),
        ``max_pool_size`` (10), ``version`` (negotiated), ``use_ssh_client``, ``use_context``,
        ``user_agent`` and ``credstore_env``.
        """
        return cls(**client_kwargs_from_env(kwargs))

    @classmethod
    def from_context(cls, name: str | None = None, **kwargs: Any) -> DockerClient:
        """A client for the Docker context ``name``, as ``docker --context NAME`` would use.

        Without a name: ``DOCKER_CONTEXT``, then config.json's ``currentContext``, then
        ``default``. A context that does not exist gives a client for the default socket.
        Takes ``timeout`` (60), ``max_pool_size`` (10), ``version`` and ``use_ssh_client``;
        other keyword arguments (``base_url``, ``tls``, ``user_agent``...) override the
        context's.
        """
        return cls(**client_kwargs_from_context(name, kwargs))

    # Collections ------------------------------------------------------------------------------
    @property
    def configs(self) -> ConfigCollection:
        """The swarm's configs: create, get and list them."""
        from .models.configs import ConfigCollection

        return ConfigCollection(client=self)

    @property
    def containers(self) -> ContainerCollection:
        """The daemon's containers: run, create, get, list and prune them."""
        from .models.containers import ContainerCollection

        return ContainerCollection(client=self)

    @property
    def images(self) -> ImageCollection:
        """The daemon's images: pull, push, list, get, load, remove and prune them."""
        from .models.images import ImageCollection

        return ImageCollection(client=self)

    @property
    def networks(self) -> NetworkCollection:
        """The daemon's networks: create, get, list and prune them."""
        from .models.networks import NetworkCollection

        return NetworkCollection(client=self)

    @property
    def nodes(self) -> NodeCollection:
        """The swarm's nodes: get and list them."""
        from .models.nodes import NodeCollection

        return NodeCollection(client=self)

    @property
    def plugins(self) -> PluginCollection:
        """The daemon's plugins: create, install, get and list them."""
        from .models.plugins import PluginCollection

        return PluginCollection(client=self)

    @property
    def secrets(self) -> SecretCollection:
        """The swarm's secrets: create, get and list them."""
        from .models.secrets import SecretCollection

        return SecretCollection(client=self)

    @property
    def services(self) -> ServiceCollection:
        """The swarm's services: create, get and list them."""
        from .models.services import ServiceCollection

        return ServiceCollection(client=self)

    @property
    def swarm(self) -> Swarm:
        """The swarm this engine belongs to: init, join, leave, update, unlock it.

        Each access makes a new :class:`~docker.models.swarm.Swarm` and reads its attributes
        (``GET /swarm``; empty when the engine is in no swarm).
        """
        from .models.swarm import Swarm

        return Swarm(client=self)

    @property
    def volumes(self) -> VolumeCollection:
        """The daemon's volumes: create, get, list and prune them."""
        from .models.volumes import VolumeCollection

        return VolumeCollection(client=self)

    # Daemon-level calls ----------------------------------------------------------------------
    def events(self, *args: Any, **kwargs: Any) -> Any:
        """Stream the daemon's events; see :meth:`APIClient.events`."""
        return self.api.events(*args, **kwargs)

    def df(self) -> Any:
        """Disk usage summary; see :meth:`APIClient.df`."""
        return self.api.df()

    def info(self, *args: Any, **kwargs: Any) -> Any:
        """System information; see :meth:`APIClient.info`."""
        return self.api.info(*args, **kwargs)

    def login(self, *args: Any, **kwargs: Any) -> Any:
        """Log in to a registry; see :meth:`APIClient.login`."""
        return self.api.login(*args, **kwargs)

    def ping(self, *args: Any, **kwargs: Any) -> Any:
        """True when the daemon answers; see :meth:`APIClient.ping`."""
        return self.api.ping(*args, **kwargs)

    def version(self, *args: Any, **kwargs: Any) -> Any:
        """Daemon version information; see :meth:`APIClient.version`."""
        return self.api.version(*args, **kwargs)

    def close(self) -> None:
        """Close the client's idle connections."""
        self.api.close()

    def _drive_model(self, call: ModelCall[R]) -> R:
        # Model methods are generators (docker._core.modelcall): run them with blocking calls.
        from ._core.modelcall import run_model_sync

        return run_model_sync(call)

    def __enter__(self) -> DockerClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __getattr__(self, name: str) -> Any:
        message = f"'DockerClient' object has no attribute '{name}'"
        if not name.startswith("_") and hasattr(APIClient, name):
            message += (
                "\nIn Docker SDK for Python 2.0, this method is now on the object "
                "APIClient. See the low-level API section of the documentation for more "
                "details."
            )
        raise AttributeError(message)


from_env = DockerClient.from_env
from_context = DockerClient.from_context
