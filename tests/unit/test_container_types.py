"""Tests for the container-side types: HostConfig, ContainerConfig, LogConfig, Ulimit,
DeviceRequest, Healthcheck and Mount (the JSON they produce and every check they make)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import docker.types
from docker.errors import DockerException, InvalidArgument, InvalidVersion
from docker.types import (
    ContainerConfig,
    DeviceRequest,
    Healthcheck,
    HostConfig,
    LogConfig,
    Mount,
    Ulimit,
)
from docker.types.base import DictType
from docker.types.containers import (
    LogConfigTypesEnum,
    host_config_incompatible_error,
    host_config_type_error,
    host_config_value_error,
    host_config_version_error,
)
from docker.utils.utils import parse_bytes

V = "1.45"

# --------------------------------------------------------------------------------------------
# exports and the base class


def test_exports() -> None:
    for name in (
        "CancellableStream",
        "ContainerConfig",
        "DeviceRequest",
        "EndpointConfig",
        "Healthcheck",
        "HostConfig",
        "IPAMConfig",
        "IPAMPool",
        "LogConfig",
        "Mount",
        "NetworkingConfig",
        "Ulimit",
    ):
        assert name in docker.types.__all__
        assert hasattr(docker.types, name)


def test_dict_type_copies_init() -> None:
    source = {"A": 1, "B": [2]}
    d = DictType(source)
    assert d == source
    assert isinstance(d, dict)
    d["C"] = 3
    assert "C" not in source


@pytest.mark.parametrize("cls", [LogConfig, Ulimit, DeviceRequest, Healthcheck])
def test_kwargs_types_derive_from_dict_type(cls: type) -> None:
    assert issubclass(cls, DictType)


# --------------------------------------------------------------------------------------------
# LogConfig


def test_log_config_types_enum() -> None:
    assert LogConfigTypesEnum._values == (
        "json-file",
        "syslog",
        "journald",
        "gelf",
        "fluentd",
        "none",
    )
    assert LogConfigTypesEnum.JSON == "json-file"
    assert LogConfigTypesEnum.SYSLOG == "syslog"
    assert LogConfigTypesEnum.JOURNALD == "journald"
    assert LogConfigTypesEnum.GELF == "gelf"
    assert LogConfigTypesEnum.FLUENTD == "fluentd"
    assert LogConfigTypesEnum.NONE == "none"
    assert LogConfig.types is LogConfigTypesEnum


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, {"Type": None, "Config": {}}),
        ({"type": "json-file"}, {"Type": "json-file", "Config": {}}),
        ({"Type": "syslog", "Config": {"a": "1"}}, {"Type": "syslog", "Config": {"a": "1"}}),
        ({"type": "gelf", "Type": "syslog"}, {"Type": "gelf", "Config": {}}),
        ({"config": {"k": "v"}, "Config": {"x": "y"}}, {"Type": None, "Config": {"k": "v"}}),
        ({"type": "custom-plugin", "config": None}, {"Type": "custom-plugin", "Config": {}}),
    ],
)
def test_log_config_json(kwargs: dict[str, Any], expected: dict[str, Any]) -> None:
    lc = LogConfig(**kwargs)
    assert lc == expected
    assert list(lc) == ["Type", "Config"]


@pytest.mark.parametrize("config", ["max-size=1m", ["a"], 3])
def test_log_config_config_must_be_a_dict(config: Any) -> None:
    with pytest.raises(ValueError, match=r"^LogConfig.config must be a dictionary$"):
        LogConfig(type="json-file", config=config)


def test_log_config_accessors() -> None:
    lc = LogConfig(type=LogConfig.types.JSON)
    assert lc.type == "json-file"
    lc.type = LogConfig.types.JOURNALD
    assert lc["Type"] == "journald"
    lc.set_config_value("max-size", "10m")
    lc.set_config_value("max-file", "3")
    assert lc.config == {"max-size": "10m", "max-file": "3"}
    assert lc["Config"] is lc.config
    lc.unset_config("max-size")
    lc.unset_config("not-there")
    assert lc == {"Type": "journald", "Config": {"max-file": "3"}}


# --------------------------------------------------------------------------------------------
# Ulimit


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"name": "nofile", "soft": 1024, "hard": 2048}, ("nofile", 1024, 2048)),
        ({"Name": "nproc", "Soft": 10, "Hard": 20}, ("nproc", 10, 20)),
        ({"name": "core"}, ("core", None, None)),
        ({"name": "core", "soft": 0, "hard": 0}, ("core", 0, 0)),
        ({"name": "a", "Name": "b", "soft": 1, "Soft": 2}, ("a", 1, None)),
    ],
)
def test_ulimit_json(kwargs: dict[str, Any], expected: tuple[Any, Any, Any]) -> None:
    ulimit = Ulimit(**kwargs)
    assert ulimit == dict(zip(("Name", "Soft", "Hard"), expected, strict=True))
    assert list(ulimit) == ["Name", "Soft", "Hard"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "Ulimit.name must be a string"),
        ({"name": 3}, "Ulimit.name must be a string"),
        ({"name": "nofile", "soft": "1024"}, "Ulimit.soft must be an integer"),
        ({"name": "nofile", "soft": 1, "hard": 2.5}, "Ulimit.hard must be an integer"),
    ],
)
def test_ulimit_errors(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=f"^{message}$"):
        Ulimit(**kwargs)


def test_ulimit_properties() -> None:
    ulimit = Ulimit(name="nofile", soft=1, hard=2)
    assert (ulimit.name, ulimit.soft, ulimit.hard) == ("nofile", 1, 2)
    ulimit.name = "nproc"
    ulimit.soft = 5
    ulimit.hard = 6
    assert ulimit == {"Name": "nproc", "Soft": 5, "Hard": 6}


# --------------------------------------------------------------------------------------------
# DeviceRequest


def test_device_request_defaults() -> None:
    request = DeviceRequest()
    assert request == {
        "Driver": "",
        "Count": 0,
        "DeviceIDs": [],
        "Capabilities": [],
        "Options": {},
    }
    assert list(request) == ["Driver", "Count", "DeviceIDs", "Capabilities", "Options"]


def test_device_request_values_and_pascal_case() -> None:
    assert DeviceRequest(driver="nvidia", count=-1, capabilities=[["gpu"]]) == {
        "Driver": "nvidia",
        "Count": -1,
        "DeviceIDs": [],
        "Capabilities": [["gpu"]],
        "Options": {},
    }
    assert DeviceRequest(
        Driver="nvidia", DeviceIDs=["0", "1"], Options={"a": "b"}, driver="other"
    ) == {
        "Driver": "other",
        "Count": 0,
        "DeviceIDs": ["0", "1"],
        "Capabilities": [],
        "Options": {"a": "b"},
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"driver": 1}, "DeviceRequest.driver must be a string"),
        ({"count": "1"}, "DeviceRequest.count must be an integer"),
        ({"device_ids": "0"}, "DeviceRequest.device_ids must be a list"),
        ({"capabilities": "gpu"}, "DeviceRequest.capabilities must be a list"),
        ({"options": ["a"]}, "DeviceRequest.options must be a dict"),
    ],
)
def test_device_request_errors(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=f"^{message}$"):
        DeviceRequest(**kwargs)


def test_device_request_properties() -> None:
    request = DeviceRequest()
    request.driver = "nvidia"
    request.count = 2
    request.device_ids = ["GPU-1"]
    request.capabilities = [["gpu", "utility"]]
    request.options = {"x": "y"}
    assert (
        request.driver,
        request.count,
        request.device_ids,
        request.capabilities,
        request.options,
    ) == ("nvidia", 2, ["GPU-1"], [["gpu", "utility"]], {"x": "y"})
    assert request == {
        "Driver": "nvidia",
        "Count": 2,
        "DeviceIDs": ["GPU-1"],
        "Capabilities": [["gpu", "utility"]],
        "Options": {"x": "y"},
    }


# --------------------------------------------------------------------------------------------
# Healthcheck

SECOND = 1_000_000_000


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, [None, None, None, None, None]),
        (
            {"test": "curl -f localhost"},
            [["CMD-SHELL", "curl -f localhost"], None, None, None, None],
        ),
        ({"test": ["CMD", "true"]}, [["CMD", "true"], None, None, None, None]),
        ({"test": ["NONE"]}, [["NONE"], None, None, None, None]),
        ({"test": []}, [[], None, None, None, None]),
        (
            {
                "test": ["CMD", "true"],
                "interval": 30 * SECOND,
                "timeout": 5 * SECOND,
                "retries": 3,
                "start_period": SECOND,
            },
            [["CMD", "true"], 30 * SECOND, 5 * SECOND, 3, SECOND],
        ),
        (
            {"Test": "x", "Interval": 1, "Timeout": 2, "Retries": 0, "StartPeriod": 0},
            [["CMD-SHELL", "x"], 1, 2, 0, 0],
        ),
        ({"interval": 1, "Interval": 2}, [None, 1, None, None, None]),
    ],
)
def test_healthcheck_json(kwargs: dict[str, Any], expected: list[Any]) -> None:
    hc = Healthcheck(**kwargs)
    keys = ["Test", "Interval", "Timeout", "Retries", "StartPeriod"]
    assert list(hc) == keys
    assert hc == dict(zip(keys, expected, strict=True))


def test_healthcheck_properties() -> None:
    hc = Healthcheck()
    hc.test = "echo ok"
    assert hc.test == ["CMD-SHELL", "echo ok"]
    hc.test = ["CMD", "true"]
    hc.interval = 1
    hc.timeout = 2
    hc.retries = 3
    hc.start_period = 4
    assert (hc.test, hc.interval, hc.timeout, hc.retries, hc.start_period) == (
        ["CMD", "true"],
        1,
        2,
        3,
        4,
    )
    assert hc == {
        "Test": ["CMD", "true"],
        "Interval": 1,
        "Timeout": 2,
        "Retries": 3,
        "StartPeriod": 4,
    }


# --------------------------------------------------------------------------------------------
# Mount


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"target": "/data", "source": "vol"},
            {"Target": "/data", "Source": "vol", "Type": "volume", "ReadOnly": False},
        ),
        (
            {"target": "/data", "source": None, "read_only": True, "consistency": "cached"},
            {
                "Target": "/data",
                "Source": None,
                "Type": "volume",
                "ReadOnly": True,
                "Consistency": "cached",
            },
        ),
        (
            {
                "target": "/data",
                "source": "vol",
                "no_copy": True,
                "labels": {"a": "b"},
                "driver_config": {"Name": "local", "Options": {"o": "bind"}},
                "subpath": "sub/dir",
            },
            {
                "Target": "/data",
                "Source": "vol",
                "Type": "volume",
                "ReadOnly": False,
                "VolumeOptions": {
                    "NoCopy": True,
                    "Labels": {"a": "b"},
                    "DriverConfig": {"Name": "local", "Options": {"o": "bind"}},
                    "Subpath": "sub/dir",
                },
            },
        ),
        (
            {"target": "/mnt", "source": "/host", "type": "bind"},
            {"Target": "/mnt", "Source": "/host", "Type": "bind", "ReadOnly": False},
        ),
        (
            {"target": "/mnt", "source": "/host", "type": "bind", "propagation": "rshared"},
            {
                "Target": "/mnt",
                "Source": "/host",
                "Type": "bind",
                "ReadOnly": False,
                "BindOptions": {"Propagation": "rshared"},
            },
        ),
        (
            {"target": "/tmp", "source": None, "type": "tmpfs"},
            {"Target": "/tmp", "Source": None, "Type": "tmpfs", "ReadOnly": False},
        ),
        (
            {
                "target": "/tmp",
                "source": None,
                "type": "tmpfs",
                "tmpfs_size": "64m",
                "tmpfs_mode": 0o1777,
            },
            {
                "Target": "/tmp",
                "Source": None,
                "Type": "tmpfs",
                "ReadOnly": False,
                "TmpfsOptions": {"Mode": 0o1777, "SizeBytes": 64 * 1024 * 1024},
            },
        ),
        (
            {"target": "/tmp", "source": None, "type": "tmpfs", "tmpfs_size": 1000},
            {
                "Target": "/tmp",
                "Source": None,
                "Type": "tmpfs",
                "ReadOnly": False,
                "TmpfsOptions": {"SizeBytes": 1000},
            },
        ),
        (
            {"target": r"\\.\pipe\docker_engine", "source": r"\\.\pipe\x", "type": "npipe"},
            {
                "Target": r"\\.\pipe\docker_engine",
                "Source": r"\\.\pipe\x",
                "Type": "npipe",
                "ReadOnly": False,
            },
        ),
    ],
)
def test_mount_json(kwargs: dict[str, Any], expected: dict[str, Any]) -> None:
    mount = Mount(**kwargs)
    assert mount == expected
    assert list(mount) == list(expected)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"type": "image"}, 'Unsupported mount type: "image"'),
        ({"type": "bind", "labels": {"a": "b"}}, "bind"),
        ({"type": "bind", "driver_config": {"Name": "x"}}, "bind"),
        ({"type": "bind", "no_copy": True}, "bind"),
        ({"type": "bind", "tmpfs_size": 10}, "bind"),
        ({"type": "bind", "tmpfs_mode": 0o700}, "bind"),
        ({"type": "bind", "subpath": "x"}, "bind"),
        ({"type": "volume", "propagation": "shared"}, "volume"),
        ({"type": "volume", "tmpfs_size": 10}, "volume"),
        ({"type": "volume", "tmpfs_mode": 0o700}, "volume"),
        ({"type": "tmpfs", "propagation": "shared"}, "tmpfs"),
        ({"type": "tmpfs", "labels": {"a": "b"}}, "tmpfs"),
        ({"type": "tmpfs", "driver_config": {"Name": "x"}}, "tmpfs"),
        ({"type": "tmpfs", "no_copy": True}, "tmpfs"),
        ({"type": "tmpfs", "tmpfs_mode": "0777"}, "tmpfs_mode must be an integer"),
    ],
)
def test_mount_errors(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        Mount("/target", "source", **kwargs)


@pytest.mark.parametrize(
    ("string", "expected"),
    [
        ("/data", ("/data", None, "volume", False)),
        ("vol:/data", ("/data", "vol", "volume", False)),
        ("vol:/data:ro", ("/data", "vol", "volume", True)),
        ("vol:/data:rw", ("/data", "vol", "volume", False)),
        ("/host:/data", ("/data", "/host", "bind", False)),
        ("/host:/data:ro", ("/data", "/host", "bind", True)),
        ("/host:/data:rw", ("/data", "/host", "bind", False)),
        # Gap B31 (kept): any third field other than 'rw' means read-only.
        ("/host:/data:z", ("/data", "/host", "bind", True)),
    ],
)
def test_parse_mount_string(string: str, expected: tuple[Any, ...]) -> None:
    mount = Mount.parse_mount_string(string)
    assert isinstance(mount, Mount)
    assert (mount["Target"], mount["Source"], mount["Type"], mount["ReadOnly"]) == expected


def test_parse_mount_string_too_many_fields() -> None:
    with pytest.raises(InvalidArgument, match=r'^Invalid mount format "a:b:c:d"$'):
        Mount.parse_mount_string("a:b:c:d")


# --------------------------------------------------------------------------------------------
# HostConfig: error helpers


def test_error_helpers() -> None:
    err = host_config_type_error("cpu_shares", "1", "int")
    assert isinstance(err, TypeError)
    assert str(err) == "Invalid type for cpu_shares param: expected int but found <class 'str'>"
    version_err = host_config_version_error("mounts", "1.30")
    assert isinstance(version_err, InvalidVersion)
    assert str(version_err) == "mounts param is not supported in API versions < 1.30"
    assert (
        str(host_config_version_error("init_path", "1.29", False))
        == "init_path param is not supported in API versions > 1.29"
    )
    value_err = host_config_value_error("uts_mode", "private")
    assert isinstance(value_err, ValueError)
    assert str(value_err) == "Invalid value for uts_mode param: private"
    conflict = host_config_incompatible_error("network_mode", "host", "port_bindings")
    assert isinstance(conflict, InvalidArgument)
    assert str(conflict) == '"host" network_mode is incompatible with port_bindings'


# --------------------------------------------------------------------------------------------
# HostConfig: the JSON of each option

MiB = 1024 * 1024
GiB = 1024 * MiB


def test_host_config_empty() -> None:
    assert HostConfig(version=V) == {"NetworkMode": "default"}
    assert HostConfig(V) == {"NetworkMode": "default"}


HOST_CONFIG_CASES: list[tuple[dict[str, Any], dict[str, Any]]] = [
    # memory (behaviour.md 10.3)
    ({"mem_limit": 512}, {"Memory": 512}),
    ({"mem_limit": "512m"}, {"Memory": 512 * MiB}),
    ({"mem_limit": "1g"}, {"Memory": GiB}),
    ({"mem_limit": "2gb"}, {"Memory": 2 * GiB}),
    ({"mem_limit": "1.5m"}, {"Memory": 1572864}),
    ({"mem_limit": "100k"}, {"Memory": 102400}),
    ({"mem_limit": "100K"}, {"Memory": 102400}),
    ({"mem_limit": "4096"}, {"Memory": 4096}),
    ({"mem_limit": "4096b"}, {"Memory": 4096}),
    ({"mem_limit": ""}, {"Memory": 0}),
    ({"mem_limit": 0}, {"Memory": 0}),
    ({"memswap_limit": "1g"}, {"MemorySwap": GiB}),
    ({"memswap_limit": -1}, {"MemorySwap": -1}),
    ({"mem_reservation": "256m"}, {"MemoryReservation": 256 * MiB}),
    ({"mem_reservation": 0}, {}),
    ({"kernel_memory": "64m"}, {"KernelMemory": 64 * MiB}),
    ({"kernel_memory": 0}, {}),
    ({"mem_swappiness": 0}, {"MemorySwappiness": 0}),
    ({"mem_swappiness": 60}, {"MemorySwappiness": 60}),
    ({"shm_size": "64m"}, {"ShmSize": 64 * MiB}),
    ({"shm_size": 1024}, {"ShmSize": 1024}),
    # namespaces and flags
    ({"pid_mode": "host"}, {"PidMode": "host"}),
    ({"pid_mode": "container:abc"}, {"PidMode": "container:abc"}),
    ({"pid_mode": ""}, {}),
    ({"ipc_mode": "shareable"}, {"IpcMode": "shareable"}),
    ({"privileged": True}, {"Privileged": True}),
    ({"privileged": False}, {}),
    ({"oom_kill_disable": True}, {"OomKillDisable": True}),
    ({"oom_score_adj": 500}, {"OomScoreAdj": 500}),
    ({"oom_score_adj": -1000}, {"OomScoreAdj": -1000}),
    ({"oom_score_adj": 0}, {"OomScoreAdj": 0}),  # B7 deviation
    ({"publish_all_ports": True}, {"PublishAllPorts": True}),
    ({"read_only": True}, {"ReadonlyRootfs": True}),
    ({"read_only": False}, {"ReadonlyRootfs": False}),
    ({"dns_search": ["example.com"]}, {"DnsSearch": ["example.com"]}),
    ({"dns_search": []}, {}),
    ({"network_mode": "bridge"}, {"NetworkMode": "bridge"}),
    ({"network_mode": "host"}, {"NetworkMode": "host"}),
    ({"network_mode": "container:abc"}, {"NetworkMode": "container:abc"}),
    ({"network_mode": ""}, {"NetworkMode": "default"}),
    ({"network_mode": "host", "port_bindings": {}}, {"NetworkMode": "host", "PortBindings": {}}),
    (
        {"restart_policy": {"Name": "on-failure", "MaximumRetryCount": 5}},
        {"RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 5}},
    ),
    ({"restart_policy": {"Name": "always"}}, {"RestartPolicy": {"Name": "always"}}),
    ({"restart_policy": {"Name": "unless-stopped"}}, {"RestartPolicy": {"Name": "unless-stopped"}}),
    ({"restart_policy": {}}, {}),
    ({"cap_add": ["NET_ADMIN"]}, {"CapAdd": ["NET_ADMIN"]}),
    ({"cap_drop": ["MKNOD"]}, {"CapDrop": ["MKNOD"]}),
    (
        {"devices": ["/dev/sda"]},
        {
            "Devices": [
                {
                    "PathOnHost": "/dev/sda",
                    "PathInContainer": "/dev/sda",
                    "CgroupPermissions": "rwm",
                }
            ]
        },
    ),
    (
        {"devices": ["/dev/sda:/dev/xvda:r", {"PathOnHost": "/dev/x"}]},
        {
            "Devices": [
                {
                    "PathOnHost": "/dev/sda",
                    "PathInContainer": "/dev/xvda",
                    "CgroupPermissions": "r",
                },
                {"PathOnHost": "/dev/x"},
            ]
        },
    ),
    ({"group_add": [1000, "audio"]}, {"GroupAdd": ["1000", "audio"]}),
    ({"group_add": []}, {}),
    ({"dns": ["8.8.8.8"]}, {"Dns": ["8.8.8.8"]}),
    ({"dns": []}, {"Dns": []}),
    ({"dns_opt": ["ndots:2"]}, {"DnsOptions": ["ndots:2"]}),
    ({"security_opt": ["no-new-privileges"]}, {"SecurityOpt": ["no-new-privileges"]}),
    ({"security_opt": []}, {"SecurityOpt": []}),
    (
        {"sysctls": {"net.core.somaxconn": 1024, "kernel.msgmax": "65536"}},
        {"Sysctls": {"net.core.somaxconn": "1024", "kernel.msgmax": "65536"}},
    ),
    ({"sysctls": {}}, {}),
    ({"volumes_from": "a,b:ro"}, {"VolumesFrom": ["a", "b:ro"]}),
    ({"volumes_from": ["a", "b:ro"]}, {"VolumesFrom": ["a", "b:ro"]}),
    # binds (behaviour.md 10.2)
    ({"binds": {"/host": "/ctr"}}, {"Binds": ["/host:/ctr:rw"]}),
    ({"binds": {"/host": {"bind": "/ctr", "mode": "ro"}}}, {"Binds": ["/host:/ctr:ro"]}),
    ({"binds": {"/host": {"bind": "/ctr", "ro": True}}}, {"Binds": ["/host:/ctr:ro"]}),
    ({"binds": {"/host": {"bind": "/ctr", "ro": False}}}, {"Binds": ["/host:/ctr:rw"]}),
    ({"binds": {"/host": {"bind": "/ctr"}}}, {"Binds": ["/host:/ctr:rw"]}),
    (
        {"binds": {"/host": {"bind": "/ctr", "mode": "rw", "propagation": "rshared"}}},
        {"Binds": ["/host:/ctr:rw,rshared"]},
    ),
    ({"binds": {"vol": {"bind": "/ctr", "mode": "z"}}}, {"Binds": ["vol:/ctr:z"]}),
    ({"binds": {b"/h\xc3\xa9": b"/c"}}, {"Binds": ["/h\u00e9:/c:rw"]}),
    ({"binds": ["/autofs:/mnt:rw,shared", "v:/x"]}, {"Binds": ["/autofs:/mnt:rw,shared", "v:/x"]}),
    ({"binds": {}}, {"Binds": []}),
    # port bindings (behaviour.md 10.1)
    ({"port_bindings": {80: None}}, {"PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": ""}]}}),
    (
        {"port_bindings": {80: 8080}},
        {"PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}},
    ),
    (
        {"port_bindings": {"80": "8080"}},
        {"PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}},
    ),
    (
        {"port_bindings": {"53/udp": 5353}},
        {"PortBindings": {"53/udp": [{"HostIp": "", "HostPort": "5353"}]}},
    ),
    (
        {"port_bindings": {"132/sctp": 132}},
        {"PortBindings": {"132/sctp": [{"HostIp": "", "HostPort": "132"}]}},
    ),
    (
        {"port_bindings": {80: ("127.0.0.1", 8080)}},
        {"PortBindings": {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}]}},
    ),
    (
        {"port_bindings": {80: ("127.0.0.1", None)}},
        {"PortBindings": {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}]}},
    ),
    (
        {"port_bindings": {80: ("127.0.0.1",)}},
        {"PortBindings": {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}]}},
    ),
    (
        {"port_bindings": {80: (8080,)}},
        {"PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}},
    ),
    (
        {"port_bindings": {80: {"HostPort": "8080", "HostIp": "::1"}}},
        {"PortBindings": {"80/tcp": [{"HostIp": "::1", "HostPort": "8080"}]}},
    ),
    (
        {"port_bindings": {80: {"HostPort": 8080}}},
        {"PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}},
    ),
    (
        {"port_bindings": {80: [8080, ("0.0.0.0", 8081), None]}},
        {
            "PortBindings": {
                "80/tcp": [
                    {"HostIp": "", "HostPort": "8080"},
                    {"HostIp": "0.0.0.0", "HostPort": "8081"},
                    {"HostIp": "", "HostPort": ""},
                ]
            }
        },
    ),
    ({"port_bindings": {}}, {"PortBindings": {}}),
    # hosts, links, lxc, cgroups, ulimits, logging
    (
        {"extra_hosts": {"b.example": "10.0.0.2", "a.example": "10.0.0.1"}},
        {"ExtraHosts": ["a.example:10.0.0.1", "b.example:10.0.0.2"]},
    ),
    ({"extra_hosts": ["h:1.2.3.4"]}, {"ExtraHosts": ["h:1.2.3.4"]}),
    ({"links": {"db": "database", "cache": None}}, {"Links": ["cache", "db:database"]}),
    ({"links": [("web", "w"), ("api", "")]}, {"Links": ["api", "web:w"]}),
    (
        {"lxc_conf": {"lxc.cgroup.cpuset.cpus": 0}},
        {"LxcConf": [{"Key": "lxc.cgroup.cpuset.cpus", "Value": "0"}]},
    ),
    ({"lxc_conf": [{"Key": "k", "Value": "v"}]}, {"LxcConf": [{"Key": "k", "Value": "v"}]}),
    ({"cgroup_parent": "/docker"}, {"CgroupParent": "/docker"}),
    (
        {"ulimits": [{"name": "nofile", "soft": 1024, "hard": 2048}]},
        {"Ulimits": [{"Name": "nofile", "Soft": 1024, "Hard": 2048}]},
    ),
    (
        {"ulimits": [{"Name": "nproc", "Soft": 10}]},
        {"Ulimits": [{"Name": "nproc", "Soft": 10, "Hard": None}]},
    ),
    ({"ulimits": []}, {"Ulimits": []}),
    (
        {"log_config": {"type": "json-file", "config": {"max-size": "1m"}}},
        {"LogConfig": {"Type": "json-file", "Config": {"max-size": "1m"}}},
    ),
    ({"log_config": {"Type": "none"}}, {"LogConfig": {"Type": "none", "Config": {}}}),
    ({"log_config": LogConfig(type="syslog")}, {"LogConfig": {"Type": "syslog", "Config": {}}}),
    # CPU (B7 deviation: explicit zeros are sent)
    ({"cpu_quota": 50000}, {"CpuQuota": 50000}),
    ({"cpu_quota": 0}, {"CpuQuota": 0}),
    ({"cpu_period": 100000}, {"CpuPeriod": 100000}),
    ({"cpu_period": 0}, {"CpuPeriod": 0}),
    ({"cpu_shares": 512}, {"CpuShares": 512}),
    ({"cpu_shares": 0}, {"CpuShares": 0}),
    ({"cpuset_cpus": "0-3"}, {"CpusetCpus": "0-3"}),
    ({"cpuset_cpus": ""}, {}),
    ({"cpuset_mems": "0,1"}, {"CpusetMems": "0,1"}),
    ({"cpu_rt_period": 1000000}, {"CPURealtimePeriod": 1000000}),
    ({"cpu_rt_runtime": 950000}, {"CPURealtimeRuntime": 950000}),
    ({"cpu_rt_runtime": 0}, {"CPURealtimeRuntime": 0}),
    ({"cpu_count": 2}, {"CpuCount": 2}),
    ({"cpu_percent": 50}, {"CpuPercent": 50}),
    ({"nano_cpus": 1_500_000_000}, {"NanoCpus": 1_500_000_000}),
    ({"nano_cpus": 0}, {"NanoCpus": 0}),
    # block I/O
    ({"blkio_weight": 300}, {"BlkioWeight": 300}),
    ({"blkio_weight": 0}, {"BlkioWeight": 0}),
    (
        {"blkio_weight_device": [{"Path": "/dev/sda", "Weight": 200}]},
        {"BlkioWeightDevice": [{"Path": "/dev/sda", "Weight": 200}]},
    ),
    ({"blkio_weight_device": []}, {}),
    (
        {"device_read_bps": [{"Path": "/dev/sda", "Rate": 1024}]},
        {"BlkioDeviceReadBps": [{"Path": "/dev/sda", "Rate": 1024}]},
    ),
    (
        {"device_write_bps": [{"Path": "/dev/sda", "Rate": 2048}]},
        {"BlkioDeviceWriteBps": [{"Path": "/dev/sda", "Rate": 2048}]},
    ),
    (
        {"device_read_iops": [{"Path": "/dev/sda", "Rate": 100}]},
        {"BlkioDeviceReadIOps": [{"Path": "/dev/sda", "Rate": 100}]},
    ),
    (
        {"device_write_iops": [{"Path": "/dev/sda", "Rate": 50}]},
        {"BlkioDeviceWriteIOps": [{"Path": "/dev/sda", "Rate": 50}]},
    ),
    # tmpfs, namespaces, limits
    ({"tmpfs": {"/run": "size=64m"}}, {"Tmpfs": {"/run": "size=64m"}}),
    (
        {"tmpfs": ["/run:size=64m,mode=1777", "/tmp"]},
        {"Tmpfs": {"/run": "size=64m,mode=1777", "/tmp": ""}},
    ),
    ({"tmpfs": []}, {}),
    ({"userns_mode": "host"}, {"UsernsMode": "host"}),
    ({"uts_mode": "host"}, {"UTSMode": "host"}),
    ({"pids_limit": 100}, {"PidsLimit": 100}),
    ({"pids_limit": -1}, {"PidsLimit": -1}),
    ({"pids_limit": 0}, {"PidsLimit": 0}),  # B7 deviation
    ({"isolation": "process"}, {"Isolation": "process"}),
    ({"auto_remove": True}, {"AutoRemove": True}),
    ({"auto_remove": False}, {}),
    ({"storage_opt": {"size": "10G"}}, {"StorageOpt": {"size": "10G"}}),
    ({"init": True}, {"Init": True}),
    ({"init": False}, {"Init": False}),
    ({"volume_driver": "local"}, {"VolumeDriver": "local"}),
    ({"runtime": "runc"}, {"Runtime": "runc"}),
    ({"runtime": ""}, {}),
    # mounts, device rules and requests, cgroup namespace
    (
        {"mounts": [Mount("/data", "vol")]},
        {"Mounts": [{"Target": "/data", "Source": "vol", "Type": "volume", "ReadOnly": False}]},
    ),
    (
        {"mounts": ["/host:/data:ro"]},
        {"Mounts": [{"Target": "/data", "Source": "/host", "Type": "bind", "ReadOnly": True}]},
    ),
    ({"mounts": []}, {"Mounts": []}),
    ({"device_cgroup_rules": ["c 1:3 mr"]}, {"DeviceCgroupRules": ["c 1:3 mr"]}),
    (
        {"device_requests": [{"count": -1, "capabilities": [["gpu"]]}]},
        {
            "DeviceRequests": [
                {
                    "Driver": "",
                    "Count": -1,
                    "DeviceIDs": [],
                    "Capabilities": [["gpu"]],
                    "Options": {},
                }
            ]
        },
    ),
    (
        {"device_requests": [DeviceRequest(driver="nvidia", device_ids=["0"])]},
        {
            "DeviceRequests": [
                {
                    "Driver": "nvidia",
                    "Count": 0,
                    "DeviceIDs": ["0"],
                    "Capabilities": [],
                    "Options": {},
                }
            ]
        },
    ),
    ({"cgroupns": "private"}, {"CgroupnsMode": "private"}),
    ({"cgroupns": "host"}, {"CgroupnsMode": "host"}),
]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    HOST_CONFIG_CASES,
    ids=[",".join(kwargs) + f"-{i}" for i, (kwargs, _) in enumerate(HOST_CONFIG_CASES)],
)
def test_host_config_json(kwargs: dict[str, Any], expected: dict[str, Any]) -> None:
    result = HostConfig(version=V, **kwargs)
    want = {"NetworkMode": "default", **expected}
    assert result == want


def test_host_config_converts_items() -> None:
    hc = HostConfig(
        version=V,
        ulimits=[{"name": "nofile", "soft": 1}],
        log_config={"type": "json-file"},
        device_requests=[{"driver": "nvidia"}],
    )
    assert type(hc["Ulimits"][0]) is Ulimit
    assert type(hc["LogConfig"]) is LogConfig
    assert type(hc["DeviceRequests"][0]) is DeviceRequest
    log_config = LogConfig(type="json-file")
    ulimit = Ulimit(name="core")
    mount = Mount("/x", None)
    hc = HostConfig(version=V, log_config=log_config, ulimits=[ulimit], mounts=[mount])
    assert hc["LogConfig"] is log_config
    assert hc["Ulimits"][0] is ulimit
    assert hc["Mounts"][0] is mount


def test_host_config_key_order() -> None:
    hc = HostConfig(
        version=V,
        cgroupns="private",
        device_requests=[],
        device_cgroup_rules=[],
        mounts=[],
        runtime="runc",
        nano_cpus=1,
        volume_driver="local",
        init=True,
        storage_opt={},
        auto_remove=True,
        isolation="default",
        pids_limit=5,
        uts_mode="host",
        userns_mode="host",
        tmpfs={"/t": ""},
        blkio_weight=10,
        cpu_rt_period=1,
        cpuset_mems="0",
        cpuset_cpus="0",
        cpu_shares=2,
        cpu_quota=3,
        log_config={"type": "none"},
        ulimits=[],
        cgroup_parent="p",
        lxc_conf={},
        links={},
        extra_hosts={},
        port_bindings={},
        binds=[],
        volumes_from=[],
        sysctls={"a": 1},
        security_opt=[],
        dns_opt=[],
        dns=[],
        group_add=[1],
        devices=["/dev/x"],
        cap_drop=["A"],
        cap_add=["B"],
        restart_policy={"Name": "always"},
        network_mode="bridge",
        dns_search=["d"],
        read_only=True,
        publish_all_ports=True,
        oom_score_adj=1,
        oom_kill_disable=True,
        privileged=True,
        ipc_mode="host",
        pid_mode="host",
        shm_size=1,
        mem_swappiness=1,
        kernel_memory=1,
        mem_reservation=1,
        memswap_limit=1,
        mem_limit=1,
    )
    assert list(hc) == [
        "Memory",
        "MemorySwap",
        "MemoryReservation",
        "KernelMemory",
        "MemorySwappiness",
        "ShmSize",
        "PidMode",
        "IpcMode",
        "Privileged",
        "OomKillDisable",
        "OomScoreAdj",
        "PublishAllPorts",
        "ReadonlyRootfs",
        "DnsSearch",
        "NetworkMode",
        "RestartPolicy",
        "CapAdd",
        "CapDrop",
        "Devices",
        "GroupAdd",
        "Dns",
        "DnsOptions",
        "SecurityOpt",
        "Sysctls",
        "VolumesFrom",
        "Binds",
        "PortBindings",
        "ExtraHosts",
        "Links",
        "LxcConf",
        "CgroupParent",
        "Ulimits",
        "LogConfig",
        "CpuQuota",
        "CpuShares",
        "CpusetCpus",
        "CpusetMems",
        "CPURealtimePeriod",
        "BlkioWeight",
        "Tmpfs",
        "UsernsMode",
        "UTSMode",
        "PidsLimit",
        "Isolation",
        "AutoRemove",
        "StorageOpt",
        "Init",
        "VolumeDriver",
        "NanoCpus",
        "Runtime",
        "Mounts",
        "DeviceCgroupRules",
        "DeviceRequests",
        "CgroupnsMode",
    ]


# --------------------------------------------------------------------------------------------
# HostConfig: errors


def _type_message(param: str, expected: str, value: Any) -> str:
    return f"Invalid type for {param} param: expected {expected} but found {type(value)}"


TYPE_ERRORS: list[tuple[str, Any, str]] = [
    ("mem_swappiness", "60", "int"),
    ("oom_score_adj", "1", "int"),
    ("security_opt", "no-new-privileges", "list"),
    ("sysctls", ["a=b"], "dict"),
    ("ulimits", {"name": "nofile"}, "list"),
    ("log_config", "json-file", "LogConfig"),
    ("cpu_quota", 1.5, "int"),
    ("cpu_period", "1", "int"),
    ("cpu_shares", "512", "int"),
    ("cpuset_mems", 0o1, "str"),
    ("cpu_rt_period", "1", "int"),
    ("cpu_rt_runtime", 1.0, "int"),
    ("blkio_weight", "10", "int"),
    ("blkio_weight_device", {"Path": "/dev/sda"}, "list"),
    ("device_read_bps", {"Path": "/dev/sda"}, "list"),
    ("device_write_bps", {"Path": "/dev/sda"}, "list"),
    ("device_read_iops", {"Path": "/dev/sda"}, "list"),
    ("device_write_iops", {"Path": "/dev/sda"}, "list"),
    ("pids_limit", "100", "int"),
    ("isolation", 1, "str"),
    ("cpu_count", "2", "int"),
    ("cpu_percent", 0.5, "int"),
    ("nano_cpus", 1.5, "int"),
    ("device_cgroup_rules", "c 1:3 mr", "list"),
    ("device_requests", {"count": 1}, "list"),
]


@pytest.mark.parametrize(("param", "value", "expected"), TYPE_ERRORS)
def test_host_config_type_errors(param: str, value: Any, expected: str) -> None:
    with pytest.raises(TypeError) as info:
        HostConfig(version=V, **{param: value})
    assert str(info.value) == _type_message(param, expected, value)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"userns_mode": "private"}, "Invalid value for userns_mode param: private"),
        ({"uts_mode": "private"}, "Invalid value for uts_mode param: private"),
    ],
)
def test_host_config_value_errors(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as info:
        HostConfig(version=V, **kwargs)
    assert str(info.value) == message


def test_host_config_pid_mode_before_1_24() -> None:
    assert HostConfig(version="1.23", pid_mode="host")["PidMode"] == "host"
    with pytest.raises(ValueError, match=r"^Invalid value for pid_mode param: container:x$"):
        HostConfig(version="1.23", pid_mode="container:x")
    assert HostConfig(version="1.24", pid_mode="container:x")["PidMode"] == "container:x"


def test_host_config_host_network_and_port_bindings() -> None:
    with pytest.raises(InvalidArgument) as info:
        HostConfig(version=V, network_mode="host", port_bindings={80: 8080})
    assert str(info.value) == '"host" network_mode is incompatible with port_bindings'


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"mem_limit": "1t"}, DockerException),
        ({"mem_limit": "abcm"}, DockerException),
        ({"memswap_limit": "1x"}, DockerException),
        ({"shm_size": "lots"}, DockerException),
        ({"binds": {"/h": {"mode": "ro"}}}, ValueError),
        ({"binds": {"/h": {"bind": "/c", "ro": True, "mode": "ro"}}}, ValueError),
        ({"binds": {"/h": {"bind": "/c", "propagation": "sideways"}}}, ValueError),
        ({"port_bindings": {80: {"HostIp": "1.2.3.4"}}}, ValueError),
        ({"tmpfs": "/run"}, ValueError),
        ({"tmpfs": [1]}, ValueError),
        ({"devices": [1]}, DockerException),
        ({"mounts": ["a:b:c:d"]}, InvalidArgument),
        ({"ulimits": [{"name": 1}]}, ValueError),
        ({"log_config": {"config": "x"}}, ValueError),
        ({"device_requests": [{"count": "all"}]}, ValueError),
    ],
)
def test_host_config_errors_from_helpers(kwargs: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        HostConfig(version=V, **kwargs)


VERSION_GATES: list[tuple[str, Any, str]] = [
    ("oom_score_adj", 10, "1.22"),
    ("blkio_weight", 10, "1.22"),
    ("blkio_weight_device", [{"Path": "/dev/sda", "Weight": 10}], "1.22"),
    ("device_read_bps", [{"Path": "/dev/sda", "Rate": 1}], "1.22"),
    ("device_write_bps", [{"Path": "/dev/sda", "Rate": 1}], "1.22"),
    ("device_read_iops", [{"Path": "/dev/sda", "Rate": 1}], "1.22"),
    ("device_write_iops", [{"Path": "/dev/sda", "Rate": 1}], "1.22"),
    ("tmpfs", {"/run": ""}, "1.22"),
    ("userns_mode", "host", "1.23"),
    ("pids_limit", 10, "1.23"),
    ("isolation", "hyperv", "1.24"),
    ("storage_opt", {"size": "1G"}, "1.24"),
    ("cpu_rt_period", 1000, "1.25"),
    ("cpu_rt_runtime", 1000, "1.25"),
    ("auto_remove", True, "1.25"),
    ("init", True, "1.25"),
    ("init_path", "/usr/bin/docker-init", "1.25"),
    ("cpu_count", 1, "1.25"),
    ("cpu_percent", 1, "1.25"),
    ("nano_cpus", 1, "1.25"),
    ("runtime", "runc", "1.25"),
    ("device_cgroup_rules", ["c 1:3 mr"], "1.28"),
    ("mounts", [], "1.30"),
    ("device_requests", [], "1.40"),
]


def _previous(version: str) -> str:
    major, minor = version.split(".")
    return f"{major}.{int(minor) - 1}"


@pytest.mark.parametrize(("param", "value", "minimum"), VERSION_GATES)
def test_host_config_version_gates(param: str, value: Any, minimum: str) -> None:
    with pytest.raises(InvalidVersion) as info:
        HostConfig(version=_previous(minimum), **{param: value})
    assert str(info.value) == f"{param} param is not supported in API versions < {minimum}"
    # the minimum version itself is accepted
    HostConfig(version=minimum, **{param: value})


def test_host_config_init_path_window() -> None:
    for version in ("1.25", "1.28"):
        assert HostConfig(version=version, init_path="/x")["InitPath"] == "/x"
    for version in ("1.29", "1.45"):
        with pytest.raises(InvalidVersion) as info:
            HostConfig(version=version, init_path="/x")
        assert str(info.value) == "init_path param is not supported in API versions > 1.29"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"auto_remove": False},
        {"runtime": ""},
        {"tmpfs": {}},
        {"isolation": ""},
        {"userns_mode": ""},
    ],
)
def test_host_config_falsy_values_skip_the_gate(kwargs: dict[str, Any]) -> None:
    assert HostConfig(version="1.21", **kwargs) == {"NetworkMode": "default"}


@given(
    number=st.integers(min_value=0, max_value=10**6),
    unit=st.sampled_from(["", "b", "k", "m", "g"]),
    upper=st.booleans(),
    b_suffix=st.booleans(),
)
def test_host_config_memory_strings(number: int, unit: str, upper: bool, b_suffix: bool) -> None:
    factor = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit]
    text = f"{number}{unit}"
    if b_suffix and unit in ("k", "m", "g"):
        text += "b"
    if upper:
        text = text.upper()
    assert parse_bytes(text) == number * factor
    hc = HostConfig(version=V, mem_limit=text, memswap_limit=text, shm_size=text)
    assert hc["Memory"] == hc["MemorySwap"] == hc["ShmSize"] == number * factor


@given(st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False)))
def test_parse_bytes_numbers_unchanged(value: float) -> None:
    assert parse_bytes(value) == value


@given(
    whole=st.integers(min_value=0, max_value=1000),
    tenths=st.integers(min_value=0, max_value=9),
    unit=st.sampled_from(["k", "m", "g"]),
)
def test_parse_bytes_fractions(whole: int, tenths: int, unit: str) -> None:
    factor = {"k": 1024, "m": 1024**2, "g": 1024**3}[unit]
    assert parse_bytes(f"{whole}.{tenths}{unit}") == int(float(f"{whole}.{tenths}") * factor)


# --------------------------------------------------------------------------------------------
# ContainerConfig

CONTAINER_KEYS = [
    "Hostname",
    "Domainname",
    "ExposedPorts",
    "User",
    "Tty",
    "OpenStdin",
    "StdinOnce",
    "AttachStdin",
    "AttachStdout",
    "AttachStderr",
    "Env",
    "Cmd",
    "Image",
    "Volumes",
    "NetworkDisabled",
    "Entrypoint",
    "WorkingDir",
    "HostConfig",
    "NetworkingConfig",
    "MacAddress",
    "Labels",
    "StopSignal",
    "Healthcheck",
    "StopTimeout",
    "Runtime",
]


def test_container_config_minimal() -> None:
    cc = ContainerConfig(V, "busybox", None)
    assert list(cc) == CONTAINER_KEYS
    assert cc == {
        "Hostname": None,
        "Domainname": None,
        "ExposedPorts": None,
        "User": None,
        "Tty": False,
        "OpenStdin": False,
        "StdinOnce": False,
        "AttachStdin": False,
        "AttachStdout": True,
        "AttachStderr": True,
        "Env": None,
        "Cmd": None,
        "Image": "busybox",
        "Volumes": None,
        "NetworkDisabled": False,
        "Entrypoint": None,
        "WorkingDir": None,
        "HostConfig": None,
        "NetworkingConfig": None,
        "MacAddress": None,
        "Labels": None,
        "StopSignal": None,
        "Healthcheck": None,
        "StopTimeout": None,
        "Runtime": None,
    }


@pytest.mark.parametrize(
    ("detach", "stdin_open", "flags"),
    [
        # (StdinOnce, AttachStdin, AttachStdout, AttachStderr)
        (False, False, (False, False, True, True)),
        (False, True, (True, True, True, True)),
        (True, False, (False, False, False, False)),
        (True, True, (False, False, False, False)),
    ],
)
def test_container_config_attach_flags(
    detach: bool, stdin_open: bool, flags: tuple[bool, bool, bool, bool]
) -> None:
    cc = ContainerConfig(V, "img", None, detach=detach, stdin_open=stdin_open)
    assert (cc["StdinOnce"], cc["AttachStdin"], cc["AttachStdout"], cc["AttachStderr"]) == flags
    assert cc["OpenStdin"] is stdin_open


CONTAINER_CASES: list[tuple[dict[str, Any], dict[str, Any]]] = [
    ({"command": "echo 'hello world'"}, {"Cmd": ["echo", "hello world"]}),
    ({"command": ["echo", "hi"]}, {"Cmd": ["echo", "hi"]}),
    ({"entrypoint": "/bin/sh -c"}, {"Entrypoint": ["/bin/sh", "-c"]}),
    ({"entrypoint": ["/init"]}, {"Entrypoint": ["/init"]}),
    ({"entrypoint": []}, {"Entrypoint": []}),
    ({"hostname": "h", "domainname": "d.example"}, {"Hostname": "h", "Domainname": "d.example"}),
    ({"user": "nobody"}, {"User": "nobody"}),
    ({"user": 1000}, {"User": "1000"}),
    ({"user": 0}, {"User": "0"}),
    ({"tty": True}, {"Tty": True}),
    ({"ports": [80, 443]}, {"ExposedPorts": {"80/tcp": {}, "443/tcp": {}}}),
    ({"ports": [(53, "udp"), (80,)]}, {"ExposedPorts": {"53/udp": {}, "80/tcp": {}}}),
    ({"ports": [("80", "tcp"), ("132", "sctp")]}, {"ExposedPorts": {"80/tcp": {}, "132/sctp": {}}}),
    # Gap B5 (kept): a 'port/proto' string gets a second '/tcp'.
    ({"ports": ["80/udp"]}, {"ExposedPorts": {"80/udp/tcp": {}}}),
    ({"ports": []}, {"ExposedPorts": {}}),
    ({"ports": {"80/tcp": {}}}, {"ExposedPorts": {"80/tcp": {}}}),
    ({"environment": {"A": "1", "B": None}}, {"Env": ["A=1", "B"]}),
    ({"environment": ["A=1"]}, {"Env": ["A=1"]}),
    ({"volumes": "/data"}, {"Volumes": {"/data": {}}}),
    ({"volumes": ["/a", "/b"]}, {"Volumes": {"/a": {}, "/b": {}}}),
    ({"network_disabled": True}, {"NetworkDisabled": True}),
    ({"working_dir": "/src"}, {"WorkingDir": "/src"}),
    (
        {"host_config": HostConfig(V, privileged=True)},
        {"HostConfig": {"NetworkMode": "default", "Privileged": True}},
    ),
    (
        {"networking_config": {"EndpointsConfig": {"net": {}}}},
        {"NetworkingConfig": {"EndpointsConfig": {"net": {}}}},
    ),
    ({"mac_address": "02:42:ac:11:00:02"}, {"MacAddress": "02:42:ac:11:00:02"}),
    ({"labels": {"a": "b"}}, {"Labels": {"a": "b"}}),
    ({"labels": ["a", "b"]}, {"Labels": {"a": "", "b": ""}}),
    ({"stop_signal": "SIGINT"}, {"StopSignal": "SIGINT"}),
    ({"stop_timeout": 0}, {"StopTimeout": 0}),
    ({"stop_timeout": 30}, {"StopTimeout": 30}),
    ({"runtime": "runc"}, {"Runtime": "runc"}),
    (
        {"healthcheck": {"test": "true", "interval": 10 * SECOND, "start_period": 2 * SECOND}},
        {
            "Healthcheck": {
                "Test": ["CMD-SHELL", "true"],
                "Interval": 10_000_000_000,
                "Timeout": None,
                "Retries": None,
                "StartPeriod": 2_000_000_000,
            }
        },
    ),
    (
        {"healthcheck": {"Test": ["NONE"]}},
        {
            "Healthcheck": {
                "Test": ["NONE"],
                "Interval": None,
                "Timeout": None,
                "Retries": None,
                "StartPeriod": None,
            }
        },
    ),
]


@pytest.mark.parametrize(("kwargs", "changes"), CONTAINER_CASES)
def test_container_config_json(kwargs: dict[str, Any], changes: dict[str, Any]) -> None:
    kwargs = {"command": None, **kwargs}
    cc = ContainerConfig(V, "img", **kwargs)
    expected = dict(ContainerConfig(V, "img", None))
    expected.update(changes)
    assert cc == expected
    assert list(cc) == CONTAINER_KEYS


def test_container_config_healthcheck_is_a_healthcheck() -> None:
    cc = ContainerConfig(V, "img", None, healthcheck={"test": ["CMD", "true"]})
    assert isinstance(cc["Healthcheck"], Healthcheck)
    hc = Healthcheck(test=["CMD", "true"])
    assert ContainerConfig(V, "img", None, healthcheck=hc)["Healthcheck"] is hc


def test_container_config_gates() -> None:
    with pytest.raises(InvalidVersion) as info:
        ContainerConfig("1.24", "img", None, stop_timeout=10)
    assert str(info.value) == "stop_timeout was only introduced in API version 1.25"
    assert ContainerConfig("1.25", "img", None, stop_timeout=10)["StopTimeout"] == 10

    with pytest.raises(InvalidVersion):
        ContainerConfig("1.23", "img", None, healthcheck={"test": ["NONE"]})
    assert ContainerConfig("1.24", "img", None, healthcheck={"test": ["NONE"]})["Healthcheck"]

    for healthcheck in ({"start_period": SECOND}, {"StartPeriod": SECOND}):
        with pytest.raises(InvalidVersion):
            ContainerConfig("1.28", "img", None, healthcheck=healthcheck)
        assert (
            ContainerConfig("1.29", "img", None, healthcheck=healthcheck)["Healthcheck"][
                "StartPeriod"
            ]
            == SECOND
        )


def test_container_config_healthcheck_without_start_period_before_1_29() -> None:
    cc = ContainerConfig("1.28", "img", None, healthcheck={"test": ["CMD", "true"], "retries": 3})
    assert cc["Healthcheck"]["Retries"] == 3
    assert cc["Healthcheck"]["StartPeriod"] is None
