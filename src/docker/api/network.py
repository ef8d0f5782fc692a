"""Network endpoints: list, create, inspect, remove and prune networks, and attach containers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._core.endpoint import Call, endpoint
from .._core.message import Request
from ..errors import InvalidVersion
from ..utils.decorators import check_resource, minimum_version
from ..utils.utils import convert_filters, version_lt
from .daemon import json_request

__all__ = ["NetworkApiMixin"]


class NetworkApiMixin:
    """Endpoints about networks (``/networks``)."""

    _path: Callable[..., str]
    _version: str

    @endpoint
    def networks(
        self,
        names: list[str] | None = None,
        ids: list[str] | None = None,
        filters: dict[str, Any] | None = None,
    ) -> Call[list[dict[str, Any]]]:
        """The networks the daemon knows (``GET /networks``), as a list of dicts.

        ``names`` and ``ids`` restrict the list (they are added to ``filters`` as the ``name``
        and ``id`` filters); other filters include ``driver``, ``label``, ``type`` and
        ``dangling``.
        """
        if filters is None:
            filters = {}
        if names:
            filters["name"] = names
        if ids:
            filters["id"] = ids
        response = yield Request("GET", "/networks", params={"filters": convert_filters(filters)})
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    def create_network(
        self,
        name: str,
        driver: str | None = None,
        options: dict[str, Any] | None = None,
        ipam: dict[str, Any] | None = None,
        check_duplicate: bool | None = None,
        internal: bool = False,
        labels: dict[str, str] | None = None,
        enable_ipv6: bool = False,
        attachable: bool | None = None,
        scope: str | None = None,
        ingress: bool | None = None,
    ) -> Call[dict[str, Any]]:
        """Create a network (``POST /networks/create``); returns ``{'Id': ..., 'Warning': ...}``.

        ``driver`` is the network driver (``bridge`` by default on the daemon side),
        ``options`` the driver options, ``ipam`` an :class:`~docker.types.IPAMConfig`,
        ``internal`` cuts the network off from the outside, ``labels`` a dict of labels,
        ``attachable`` lets standalone containers join a swarm network, ``scope`` is
        ``local``, ``global`` or ``swarm`` and ``ingress`` makes the swarm routing-mesh network.
        """
        if options is not None and not isinstance(options, dict):
            raise TypeError("options must be a dictionary")
        data: dict[str, Any] = {
            "Name": name,
            "Driver": driver,
            "Options": options,
            "IPAM": ipam,
            "CheckDuplicate": check_duplicate,
        }
        if labels is not None:
            self._network_gate("labels", "1.23")
            if not isinstance(labels, dict):
                raise TypeError("labels must be a dictionary")
            data["Labels"] = labels
        if enable_ipv6:
            self._network_gate("enable_ipv6", "1.23")
            data["EnableIPv6"] = True
        if internal:
            self._network_gate("internal", "1.22")
            data["Internal"] = True
        if attachable is not None:
            self._network_gate("attachable", "1.24")
            data["Attachable"] = attachable
        if ingress is not None:
            self._network_gate("ingress", "1.29")
            data["Ingress"] = ingress
        if scope is not None:
            self._network_gate("scope", "1.30")
            data["Scope"] = scope
        response = yield json_request("POST", "/networks/create", data)
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    @minimum_version("1.25")
    def prune_networks(self, filters: dict[str, Any] | None = None) -> Call[dict[str, Any]]:
        """Delete the networks no container uses (``POST /networks/prune``).

        ``filters`` takes ``until`` and ``label``.  Returns ``{'NetworksDeleted': [...]}``.
        """
        params = {"filters": convert_filters(filters)} if filters else {}
        response = yield Request("POST", "/networks/prune", params=params)
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    @check_resource("net_id")
    def remove_network(self, net_id: str) -> Call[None]:
        """Delete a network, by ID or name (``DELETE /networks/{id}``)."""
        yield Request("DELETE", self._path("/networks/{0}", net_id))

    @endpoint
    @check_resource("net_id")
    def inspect_network(
        self, net_id: str, verbose: bool | None = None, scope: str | None = None
    ) -> Call[dict[str, Any]]:
        """A network's details (``GET /networks/{id}``).

        ``verbose`` adds the swarm-wide view of an overlay network; ``scope`` restricts the
        lookup to networks of that scope.
        """
        params: dict[str, Any] = {}
        if verbose is not None:
            self._network_gate("verbose", "1.28")
            params["verbose"] = verbose
        if scope is not None:
            self._network_gate("scope", "1.31")
            params["scope"] = scope
        response = yield Request("GET", self._path("/networks/{0}", net_id), params=params)
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    @check_resource("container")
    def connect_container_to_network(
        self,
        container: str,
        net_id: str,
        ipv4_address: str | None = None,
        ipv6_address: str | None = None,
        aliases: list[str] | None = None,
        links: Any = None,
        link_local_ips: list[str] | None = None,
        driver_opt: dict[str, Any] | None = None,
        mac_address: str | None = None,
    ) -> Call[None]:
        """Attach a container to a network (``POST /networks/{id}/connect``).

        The other arguments make its :class:`~docker.types.EndpointConfig`: fixed addresses,
        network-scoped ``aliases``, ``links``, link-local addresses, driver options and a MAC
        address.
        """
        from ..types.networks import EndpointConfig

        endpoint_config = EndpointConfig(
            self._version,
            aliases=aliases,
            links=links,
            ipv4_address=ipv4_address,
            ipv6_address=ipv6_address,
            link_local_ips=link_local_ips,
            driver_opt=driver_opt,
            mac_address=mac_address,
        )
        data = {"Container": container, "EndpointConfig": endpoint_config}
        yield json_request("POST", self._path("/networks/{0}/connect", net_id), data)

    @endpoint
    @check_resource("container")
    def disconnect_container_from_network(
        self, container: str, net_id: str, force: bool = False
    ) -> Call[None]:
        """Detach a container from a network (``POST /networks/{id}/disconnect``).

        ``force`` detaches it even when the container is not running or the network's
        driver would refuse.
        """
        data: dict[str, Any] = {"Container": container}
        if force:
            self._network_gate("force", "1.22")
            data["Force"] = True
        yield json_request("POST", self._path("/networks/{0}/disconnect", net_id), data)

    def _network_gate(self, argument: str, version: str) -> None:
        if version_lt(self._version, version):
            raise InvalidVersion(f"{argument} is not supported for API version < {version}")
