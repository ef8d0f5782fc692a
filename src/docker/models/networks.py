"""Networks as objects: ``client.networks`` and the :class:`Network` model."""

from __future__ import annotations

from typing import Any

from ..utils.utils import version_gte
from .resource import Collection, Model

__all__ = ["Network", "NetworkCollection"]


class Network(Model):
    """A Docker network.  ``attrs`` holds what the Engine API reports about it."""

    @property
    def name(self) -> str | None:
        """The network's name."""
        return self.attrs.get("Name")

    @property
    def containers(self) -> list[Any]:
        """The containers attached to the network, as container models.

        Needs the attributes of an inspect (``client.networks.get`` or ``reload()``); a network
        from a plain ``list()`` may not carry them.  One request per container.
        """
        return [self.client.containers.get(cid) for cid in (self.attrs.get("Containers") or {})]

    def connect(self, container: Any, *args: Any, **kwargs: Any) -> None:
        """Attach a container (a container model, ID or name) to this network.

        Takes the options of
        :meth:`~docker.api.network.NetworkApiMixin.connect_container_to_network`:
        ``ipv4_address``, ``ipv6_address``, ``aliases``, ``links``, ``link_local_ips``,
        ``driver_opt`` and ``mac_address``.
        """
        if isinstance(container, Model):
            container = container.id
        self.client.api.connect_container_to_network(container, self.id, *args, **kwargs)

    def disconnect(self, container: Any, *args: Any, **kwargs: Any) -> None:
        """Detach a container (a container model, ID or name) from this network.

        ``force=True`` detaches it even when the daemon would refuse.
        """
        if isinstance(container, Model):
            container = container.id
        self.client.api.disconnect_container_from_network(container, self.id, *args, **kwargs)

    def remove(self) -> None:
        """Delete the network; it must have no container attached."""
        self.client.api.remove_network(self.id)


class NetworkCollection(Collection):
    """The networks of the daemon (``client.networks``)."""

    model = Network

    def create(self, name: str, *args: Any, **kwargs: Any) -> Network:  # type: ignore[override]
        """Create a network and return it, inspected.

        Takes the arguments of :meth:`~docker.api.network.NetworkApiMixin.create_network`:
        ``driver``, ``options``, ``ipam`` (an :class:`~docker.types.IPAMConfig`),
        ``check_duplicate``, ``internal``, ``labels``, ``enable_ipv6``, ``attachable``,
        ``scope`` and ``ingress``.
        """
        response = self.client.api.create_network(name, *args, **kwargs)
        return self.get(response["Id"])

    def get(self, network_id: str, *args: Any, **kwargs: Any) -> Network:  # type: ignore[override]
        """One network, by ID or name; :class:`~docker.errors.NotFound` when there is none.

        ``verbose`` and ``scope`` are passed on to
        :meth:`~docker.api.network.NetworkApiMixin.inspect_network`.
        """
        network: Network = self.prepare_model(
            self.client.api.inspect_network(network_id, *args, **kwargs)
        )
        return network

    def list(self, *args: Any, **kwargs: Any) -> list[Network]:
        """The networks, optionally restricted by ``names``, ``ids`` or ``filters``.

        The list reply lacks some details (such as the attached containers); ``greedy=True``
        inspects each network to fill them in (one request per network).
        """
        greedy = kwargs.pop("greedy", False)
        networks: list[Network] = [
            self.prepare_model(item) for item in self.client.api.networks(*args, **kwargs)
        ]
        if greedy and version_gte(self.client.api._version, "1.28"):
            for network in networks:
                network.reload()
        return networks

    def prune(self, filters: dict[str, Any] | None = None) -> dict[str, Any]:
        """Delete the networks no container uses; returns ``{'NetworksDeleted': [...]}``."""
        result: dict[str, Any] = self.client.api.prune_networks(filters=filters)
        return result
