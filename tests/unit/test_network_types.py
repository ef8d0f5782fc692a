"""The network configuration types: the exact dicts they build, their checks and gates."""

from __future__ import annotations

import json
from typing import Any

import pytest

import docker.types
from docker.errors import InvalidVersion
from docker.types import EndpointConfig, IPAMConfig, IPAMPool, NetworkingConfig
from docker.types.base import DictType


def test_exported_from_docker_types() -> None:
    for name in ("EndpointConfig", "IPAMConfig", "IPAMPool", "NetworkingConfig"):
        assert name in docker.types.__all__
        assert issubclass(getattr(docker.types, name), dict)
    assert "CancellableStream" in docker.types.__all__


def test_dict_type_copies_init() -> None:
    source = {"A": 1, "B": [2]}
    value = DictType(source)
    assert value == source and isinstance(value, dict)
    value["C"] = 3
    assert "C" not in source


# IPAMPool / IPAMConfig --------------------------------------------------------------------------
def test_ipam_pool_keeps_nones_in_order() -> None:
    assert list(IPAMPool().items()) == [
        ("Subnet", None),
        ("IPRange", None),
        ("Gateway", None),
        ("AuxiliaryAddresses", None),
    ]
    pool = IPAMPool(
        subnet="10.1.0.0/16",
        iprange="10.1.2.0/24",
        gateway="10.1.0.1",
        aux_addresses={"router": "10.1.0.2"},
    )
    assert pool == {
        "Subnet": "10.1.0.0/16",
        "IPRange": "10.1.2.0/24",
        "Gateway": "10.1.0.1",
        "AuxiliaryAddresses": {"router": "10.1.0.2"},
    }


def test_ipam_config_defaults_and_options() -> None:
    assert IPAMConfig() == {"Driver": "default", "Config": []}
    assert "Options" not in IPAMConfig(options={})
    pool = IPAMPool(subnet="10.2.0.0/24")
    cfg = IPAMConfig(driver="custom", pool_configs=[pool], options={"k": "v"})
    assert list(cfg) == ["Driver", "Config", "Options"]
    assert cfg == {"Driver": "custom", "Config": [pool], "Options": {"k": "v"}}
    assert json.loads(json.dumps(cfg))["Config"][0]["Subnet"] == "10.2.0.0/24"


def test_ipam_config_rejects_non_dict_options() -> None:
    bad: Any = [("k", "v")]
    with pytest.raises(TypeError, match="IPAMConfig options must be a dictionary"):
        IPAMConfig(options=bad)


# NetworkingConfig -------------------------------------------------------------------------------
def test_networking_config() -> None:
    assert NetworkingConfig() == {}
    assert NetworkingConfig({}) == {}
    endpoint = EndpointConfig("1.41", aliases=["web"])
    expected = {"EndpointsConfig": {"net1": {"Aliases": ["web"]}}}
    assert NetworkingConfig({"net1": endpoint}) == expected


# EndpointConfig ---------------------------------------------------------------------------------
def test_endpoint_config_empty() -> None:
    assert EndpointConfig("1.41") == {}
    assert EndpointConfig("1.41", aliases=[], links={}, driver_opt={}) == {}


def test_endpoint_config_full_key_order() -> None:
    cfg = EndpointConfig(
        "1.41",
        aliases=["a1", "a2"],
        links={"db": "database", "cache": None},
        ipv4_address="172.30.0.5",
        ipv6_address="fd00::5",
        link_local_ips=["169.254.1.1"],
        driver_opt={"opt": "1"},
        mac_address="02:42:ac:11:00:99",
    )
    assert list(cfg) == ["Aliases", "Links", "MacAddress", "IPAMConfig", "DriverOpts"]
    assert cfg == {
        "Aliases": ["a1", "a2"],
        "Links": ["cache", "db:database"],
        "MacAddress": "02:42:ac:11:00:99",
        "IPAMConfig": {
            "IPv4Address": "172.30.0.5",
            "IPv6Address": "fd00::5",
            "LinkLocalIPs": ["169.254.1.1"],
        },
        "DriverOpts": {"opt": "1"},
    }


def test_endpoint_config_links_as_pairs_and_empty_link_local_ips() -> None:
    cfg = EndpointConfig("1.41", links=[("b", "x"), ("a", "")])
    assert cfg == {"Links": ["a", "b:x"]}
    # link_local_ips is written whenever it is not None, even empty.
    assert EndpointConfig("1.41", link_local_ips=[]) == {"IPAMConfig": {"LinkLocalIPs": []}}
    assert EndpointConfig("1.41", ipv4_address="10.0.0.2") == {
        "IPAMConfig": {"IPv4Address": "10.0.0.2"}
    }


def test_endpoint_config_version_gates() -> None:
    message = "Endpoint config is not supported for API version < 1.22"
    with pytest.raises(InvalidVersion, match=message):
        EndpointConfig("1.21")
    with pytest.raises(InvalidVersion, match="1.25"):
        EndpointConfig("1.24", mac_address="02:42:ac:11:00:99")
    with pytest.raises(InvalidVersion, match="1.24"):
        EndpointConfig("1.23", link_local_ips=["169.254.1.1"])
    with pytest.raises(InvalidVersion, match="1.32"):
        EndpointConfig("1.31", driver_opt={"a": "b"})
    # Unset options are not gated.
    assert EndpointConfig("1.22", aliases=["x"]) == {"Aliases": ["x"]}


def test_endpoint_config_rejects_non_dict_driver_opt() -> None:
    bad: Any = ["a=b"]
    with pytest.raises(TypeError, match="driver_opt must be a dictionary"):
        EndpointConfig("1.41", driver_opt=bad)
