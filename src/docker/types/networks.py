"""Configuration types for networks: IPAM settings and container endpoints.

Each class is a ``dict`` holding the JSON the Engine API takes, so an instance can be passed
wherever the API expects the plain structure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .. import errors
from ..utils.utils import normalize_links, version_lt

__all__ = ["EndpointConfig", "IPAMConfig", "IPAMPool", "NetworkingConfig"]


class EndpointConfig(dict[str, Any]):
    """How a container attaches to one network (``EndpointSettings`` in the Engine API).

    ``version`` is the API version in use; options the daemon does not know at that version
    raise :class:`~docker.errors.InvalidVersion`.  ``links`` is a ``{name: alias}`` dict or a
    list of pairs; ``driver_opt`` a dict of driver options.
    """

    def __init__(
        self,
        version: str,
        aliases: list[str] | None = None,
        links: Mapping[str, str | None] | Iterable[tuple[str, str | None]] | None = None,
        ipv4_address: str | None = None,
        ipv6_address: str | None = None,
        link_local_ips: list[str] | None = None,
        driver_opt: dict[str, Any] | None = None,
        mac_address: str | None = None,
    ) -> None:
        super().__init__()
        if version_lt(version, "1.22"):
            raise errors.InvalidVersion("Endpoint config is not supported for API version < 1.22")
        if aliases:
            self["Aliases"] = aliases
        if links:
            self["Links"] = normalize_links(links)
        if mac_address:
            if version_lt(version, "1.25"):
                raise errors.InvalidVersion("mac_address is not supported for API version < 1.25")
            self["MacAddress"] = mac_address
        ipam_config: dict[str, Any] = {}
        if ipv4_address:
            ipam_config["IPv4Address"] = ipv4_address
        if ipv6_address:
            ipam_config["IPv6Address"] = ipv6_address
        if link_local_ips is not None:
            if version_lt(version, "1.24"):
                raise errors.InvalidVersion(
                    "link_local_ips is not supported for API version < 1.24"
                )
            ipam_config["LinkLocalIPs"] = link_local_ips
        if ipam_config:
            self["IPAMConfig"] = ipam_config
        if driver_opt:
            if version_lt(version, "1.32"):
                raise errors.InvalidVersion("DriverOpts is not supported for API version < 1.32")
            if not isinstance(driver_opt, dict):
                raise TypeError("driver_opt must be a dictionary")
            self["DriverOpts"] = driver_opt


class NetworkingConfig(dict[str, Any]):
    """The networks a new container joins: ``{network name: EndpointConfig}``."""

    def __init__(self, endpoints_config: dict[str, Any] | None = None) -> None:
        super().__init__()
        if endpoints_config:
            self["EndpointsConfig"] = endpoints_config


class IPAMConfig(dict[str, Any]):
    """IP address management of a network: the IPAM ``driver``, its address pools
    (:class:`IPAMPool` items) and driver ``options``."""

    def __init__(
        self,
        driver: str = "default",
        pool_configs: list[dict[str, Any]] | None = None,
        options: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self["Driver"] = driver
        self["Config"] = pool_configs or []
        if options:
            if not isinstance(options, dict):
                raise TypeError("IPAMConfig options must be a dictionary")
            self["Options"] = options


class IPAMPool(dict[str, Any]):
    """One address pool of an :class:`IPAMConfig`: subnet, allocation range, gateway and
    reserved ``aux_addresses`` (``{hostname: address}``)."""

    def __init__(
        self,
        subnet: str | None = None,
        iprange: str | None = None,
        gateway: str | None = None,
        aux_addresses: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.update(
            {
                "Subnet": subnet,
                "IPRange": iprange,
                "Gateway": gateway,
                "AuxiliaryAddresses": aux_addresses,
            }
        )
