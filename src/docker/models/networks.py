"""Networks as objects: ``client.networks`` and the :class:`Network` model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._core.modelcall import ApiVersion, ModelCall, model_call
from ..utils.utils import version_gte
from .resource import Collection, Model

if TYPE_CHECKING:
    from .containers import Container

__all__ = ["Network", "NetworkCollection"]


class Network(Model):
    """A Docker network.  ``attrs`` holds what the Engine API reports about it."""

    @property
    def name(self) -> str | None:
        """The network's name."""
        return self.attrs.get("Name")

    @property
    @model_call
    def containers(self) -> ModelCall[list[Container]]:
        """The containers attached to the network, as container models.

        Needs the attributes of an inspect (``client.networks.get`` or ``reload()``); a network
        from a plain ``list()`` may not carry them.  One request per container.  On the async
        client the property is an awaitable: ``await network.containers``.
        """
        containers: list[Container] = []
        for cid in self.attrs.get("Containers") or {}:
            containers.append((yield self.client.containers.get(cid)))
        return containers

    @model_call
    def connect(self, container: Any, *args: Any, **kwargs: Any) -> ModelCall[None]:
        """Attach a container (a container model, ID or name) to this network.

        Takes the options of
        :meth:`~docker.api.network.NetworkApiMixin.connect_container_to_network`:
        ``ipv4_address``, ``ipv6_address``, ``aliases``, ``links``, ``link_local_ips``,
        ``driver_opt`` and ``mac_address``.
        """
        if isinstance(container, Model):
            container = container.id
        yield self.client.api.connect_container_to_network(container, self.id, *args, **kwargs)

    @model_call
    def disconnect(self, container: Any, *args: Any, **kwargs: Any) -> ModelCall[None]:
        """Detach a container (a container model, ID or name) from this network.

        ``force=True`` detaches it even when the daemon would refuse.
        """
        if isinstance(container, Model):
            container = container.id
        yield self.client.api.disconnect_container_from_network(container, self.id, *args, **kwargs)

    @model_call
    def remove(self) -> ModelCall[None]:
        """Delete the network; it must have no container attached."""
        yield self.client.api.remove_network(self.id)


class NetworkCollection(Collection):
    """The networks of the daemon (``client.networks``)."""

    model = Network

    @model_call
    def create(  # type: ignore[override]
        self, name: str, *args: Any, **kwargs: Any
    ) -> ModelCall[Network]:
        """Create a network and return it, inspected.

        Takes the arguments of :meth:`~docker.api.network.NetworkApiMixin.create_network`:
        ``driver``, ``options``, ``ipam`` (an :class:`~docker.types.IPAMConfig`),
        ``check_duplicate``, ``internal``, ``labels``, ``enable_ipv6``, ``attachable``,
        ``scope`` and ``ingress``.
        """
        response = yield self.client.api.create_network(name, *args, **kwargs)
        network: Network = yield self.get(response["Id"])
        return network

    @model_call
    def get(  # type: ignore[override]
        self, network_id: str, *args: Any, **kwargs: Any
    ) -> ModelCall[Network]:
        """One network, by ID or name; :class:`~docker.errors.NotFound` when there is none.

        ``verbose`` and ``scope`` are passed on to
        :meth:`~docker.api.network.NetworkApiMixin.inspect_network`.
        """
        network: Network = self.prepare_model(
            (yield self.client.api.inspect_network(network_id, *args, **kwargs))
        )
        return network

    @model_call
    def list(self, *args: Any, **kwargs: Any) -> ModelCall[list[Network]]:
        """The networks, optionally restricted by ``names``, ``ids`` or ``filters``.

        The list reply lacks some details (such as the attached containers); ``greedy=True``
        inspects each network to fill them in (one request per network).
        """
        greedy = kwargs.pop("greedy", False)
        items = yield self.client.api.networks(*args, **kwargs)
        networks: list[Network] = [self.prepare_model(item) for item in items]
        if greedy and version_gte((yield ApiVersion(self.client.api)), "1.28"):
            for network in networks:
                yield network.reload()
        return networks

    @model_call
    def prune(self, filters: dict[str, Any] | None = None) -> ModelCall[dict[str, Any]]:
        """Delete the networks no container uses; returns ``{'NetworksDeleted': [...]}``."""
        result: dict[str, Any] = yield self.client.api.prune_networks(filters=filters)
        return result
