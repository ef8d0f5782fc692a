"""The service and swarm configuration types: the exact JSON they build and their checks."""

from __future__ import annotations

import json
from typing import Any

import pytest

import docker.types
from docker.errors import DockerException, InvalidArgument, InvalidVersion, NullResource
from docker.models.services import _get_create_service_kwargs
from docker.types import (
    ConfigReference,
    ContainerSpec,
    DNSConfig,
    DriverConfig,
    EndpointSpec,
    Healthcheck,
    Mount,
    NetworkAttachmentConfig,
    Placement,
    PlacementPreference,
    Privileges,
    Resources,
    RestartPolicy,
    RollbackConfig,
    SecretReference,
    ServiceMode,
    SwarmExternalCA,
    SwarmSpec,
    TaskTemplate,
    UpdateConfig,
)
from docker.types.services import (
    RestartConditionTypesEnum,
    _convert_generic_resources_dict,
    convert_service_ports,
)


def wire(value: Any) -> str:
    """The JSON text, keys in insertion order (what goes on the wire)."""
    return json.dumps(value)


def test_exported() -> None:
    names = [
        "ConfigReference",
        "ContainerSpec",
        "DNSConfig",
        "DriverConfig",
        "EndpointSpec",
        "NetworkAttachmentConfig",
        "Placement",
        "PlacementPreference",
        "Privileges",
        "Resources",
        "RestartPolicy",
        "RollbackConfig",
        "SecretReference",
        "ServiceMode",
        "SwarmExternalCA",
        "SwarmSpec",
        "TaskTemplate",
        "UpdateConfig",
    ]
    for name in names:
        assert name in docker.types.__all__
        assert issubclass(getattr(docker.types, name), dict)


# ContainerSpec ------------------------------------------------------------------------------
def test_container_spec_minimal() -> None:
    assert wire(ContainerSpec("busybox")) == '{"Image": "busybox", "Command": null, "Args": null}'


def test_container_spec_every_option_in_order() -> None:
    spec = ContainerSpec(
        "busybox",
        command="sh -c 'echo hi'",
        args=["a"],
        hostname="h",
        env={"A": "1", "B": None},
        workdir="/w",
        user="nobody",
        labels={"l": "v"},
        mounts=["/src:/dst:ro", Mount("/t", "vol")],
        stop_grace_period=5,
        secrets=[{"SecretID": "x"}],
        tty=True,
        groups=["g"],
        open_stdin=False,
        read_only=True,
        stop_signal="SIGINT",
        healthcheck=Healthcheck(test="true"),
        hosts={"b.example": "10.0.0.2", "a.example": "10.0.0.1"},
        dns_config=DNSConfig(nameservers=["8.8.8.8"]),
        configs=[{"ConfigID": "c"}],
        privileges=Privileges(selinux_disable=True),
        isolation="default",
        init=True,
        cap_add=["NET_ADMIN"],
        cap_drop=["MKNOD"],
        sysctls={"net.ipv4.ip_forward": "1"},
    )
    assert list(spec) == [
        "Image",
        "Command",
        "Args",
        "Hostname",
        "Env",
        "Dir",
        "User",
        "Groups",
        "StopSignal",
        "StopGracePeriod",
        "Labels",
        "Hosts",
        "Mounts",
        "Secrets",
        "Configs",
        "DNSConfig",
        "Privileges",
        "Healthcheck",
        "TTY",
        "OpenStdin",
        "ReadOnly",
        "Isolation",
        "Init",
        "CapabilityAdd",
        "CapabilityDrop",
        "Sysctls",
    ]
    assert spec["Command"] == ["sh", "-c", "echo hi"]
    assert spec["Env"] == ["A=1", "B"]
    assert spec["Hosts"] == ["10.0.0.1 a.example", "10.0.0.2 b.example"]
    assert spec["Mounts"][0] == {
        "Target": "/dst",
        "Source": "/src",
        "Type": "bind",
        "ReadOnly": True,
    }
    assert spec["Mounts"][1]["Type"] == "volume"
    assert spec["Healthcheck"]["Test"] == ["CMD-SHELL", "true"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"secrets": "s"}, "secrets must be a list"),
        ({"configs": "c"}, "configs must be a list"),
        ({"cap_add": "NET_ADMIN"}, "cap_add must be a list"),
        ({"cap_drop": "MKNOD"}, "cap_drop must be a list"),
        ({"sysctls": ["a=b"]}, "sysctls must be a dict"),
    ],
)
def test_container_spec_type_errors(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        ContainerSpec("busybox", **kwargs)


# TaskTemplate -------------------------------------------------------------------------------
def test_task_template() -> None:
    template = TaskTemplate(
        ContainerSpec("busybox"),
        resources=Resources(cpu_limit=1),
        restart_policy=RestartPolicy(),
        placement=["node.role==manager"],
        log_driver=DriverConfig("json-file", {"max-size": "1m"}),
        networks=["net1", {"Target": "net2", "Aliases": ["x"]}],
        force_update=3,
    )
    assert list(template) == [
        "ContainerSpec",
        "Resources",
        "RestartPolicy",
        "Placement",
        "LogDriver",
        "Networks",
        "ForceUpdate",
    ]
    assert template["Placement"] == {"Constraints": ["node.role==manager"]}
    assert template["Networks"] == [{"Target": "net1"}, {"Target": "net2", "Aliases": ["x"]}]
    assert template["LogDriver"] == {"Name": "json-file", "Options": {"max-size": "1m"}}
    assert template.container_spec["Image"] == "busybox"
    assert template.resources == {"Limits": {"NanoCPUs": 1}}
    assert template.restart_policy["Condition"] == "none"
    assert template.placement == {"Constraints": ["node.role==manager"]}


def test_task_template_skips_empty_and_checks_types() -> None:
    assert TaskTemplate({"Image": "x"}, placement=Placement(), networks=[]) == {
        "ContainerSpec": {"Image": "x"}
    }
    assert TaskTemplate({"Image": "x"}, force_update=0)["ForceUpdate"] == 0
    with pytest.raises(TypeError, match="force_update must be an integer"):
        TaskTemplate({"Image": "x"}, force_update="1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="networks parameter must be a list"):
        TaskTemplate({"Image": "x"}, networks="net")  # type: ignore[arg-type]


# Resources ----------------------------------------------------------------------------------
def test_resources() -> None:
    assert Resources() == {}
    assert wire(Resources(cpu_limit=10, mem_limit=20, cpu_reservation=1, mem_reservation=2)) == (
        '{"Limits": {"NanoCPUs": 10, "MemoryBytes": 20}, '
        '"Reservations": {"NanoCPUs": 1, "MemoryBytes": 2}}'
    )
    assert Resources(generic_resources={"gpu": 2, "ssd": "fast"}) == {
        "Reservations": {
            "GenericResources": [
                {"DiscreteResourceSpec": {"Kind": "gpu", "Value": 2}},
                {"NamedResourceSpec": {"Kind": "ssd", "Value": "fast"}},
            ]
        }
    }


def test_generic_resources_validation() -> None:
    given = [{"DiscreteResourceSpec": {"Kind": "gpu", "Value": 1}}]
    assert _convert_generic_resources_dict(given) is given
    with pytest.raises(InvalidArgument, match="must be a dict or a list"):
        _convert_generic_resources_dict("gpu=1")
    with pytest.raises(InvalidArgument, match="Unsupported generic resource"):
        _convert_generic_resources_dict({"gpu": 1.5})


# Update / rollback / restart ------------------------------------------------------------------
def test_update_config() -> None:
    assert wire(UpdateConfig()) == '{"Parallelism": 0, "FailureAction": "continue"}'
    config = UpdateConfig(
        parallelism=2,
        delay=5,
        failure_action="rollback",
        monitor=10,
        max_failure_ratio=0.5,
        order="start-first",
    )
    assert wire(config) == (
        '{"Parallelism": 2, "Delay": 5, "FailureAction": "rollback", "Monitor": 10, '
        '"MaxFailureRatio": 0.5, "Order": "start-first"}'
    )
    assert RollbackConfig(parallelism=1, order="stop-first") == {
        "Parallelism": 1,
        "FailureAction": "continue",
        "Order": "stop-first",
    }
    assert issubclass(RollbackConfig, UpdateConfig)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"failure_action": "stop"}, InvalidArgument, "failure_action must be one of"),
        ({"monitor": 1.5}, TypeError, "monitor must be an integer"),
        ({"max_failure_ratio": "0.1"}, TypeError, "max_failure_ratio must be a float"),
        ({"max_failure_ratio": 2}, InvalidArgument, "between 0 and 1"),
        ({"order": "random"}, InvalidArgument, "start-first"),
    ],
)
def test_update_config_errors(kwargs: dict[str, Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        UpdateConfig(**kwargs)


def test_restart_policy() -> None:
    assert wire(RestartPolicy("on-failure", delay=1, max_attempts=3, window=4)) == (
        '{"Condition": "on-failure", "Delay": 1, "MaxAttempts": 3, "Window": 4}'
    )
    assert RestartPolicy.condition_types is RestartConditionTypesEnum
    assert RestartConditionTypesEnum._values == ("none", "on-failure", "any")
    assert (RestartConditionTypesEnum.ANY, RestartConditionTypesEnum.ON_FAILURE) == (
        "any",
        "on-failure",
    )
    with pytest.raises(TypeError, match="Invalid RestartPolicy condition always"):
        RestartPolicy("always")


# Endpoint spec and ports ----------------------------------------------------------------------
def test_endpoint_spec_and_ports() -> None:
    assert EndpointSpec() == {}
    spec = EndpointSpec(mode="vip", ports={8080: 80, 53: (53, "udp"), 9000: (90, None, "host")})
    assert list(spec) == ["Ports", "Mode"]
    assert spec["Ports"] == [
        {"Protocol": "tcp", "PublishedPort": 8080, "TargetPort": 80},
        {"Protocol": "udp", "PublishedPort": 53, "TargetPort": 53},
        {"Protocol": "tcp", "PublishedPort": 9000, "TargetPort": 90, "PublishMode": "host"},
    ]
    given = [{"TargetPort": 1}]
    assert convert_service_ports(given) is given
    with pytest.raises(TypeError, match="expected dict or list"):
        convert_service_ports("80:80")
    with pytest.raises(ValueError, match="at most 3 elements"):
        convert_service_ports({1: (1, "tcp", "host", "x")})


# Mode -----------------------------------------------------------------------------------------
def test_service_mode() -> None:
    assert ServiceMode("global") == {"global": {}}
    assert ServiceMode("global").replicas is None
    replicated = ServiceMode("replicated", replicas=3)
    assert replicated == {"replicated": {"Replicas": 3}} and replicated.mode == "replicated"
    assert replicated.replicas == 3
    assert ServiceMode("replicated") == {"replicated": {}}
    job = ServiceMode("replicated-job", replicas=5, concurrency=2)
    assert wire(job) == '{"ReplicatedJob": {"MaxConcurrent": 2, "TotalCompletions": 5}}'
    assert job.replicas == 5 and job.mode == "ReplicatedJob"
    assert ServiceMode("replicated-job", replicas=4) == {
        "ReplicatedJob": {"MaxConcurrent": 1, "TotalCompletions": 4}
    }
    # B30 fixed: concurrency alone is kept.
    assert ServiceMode("replicated-job", concurrency=3) == {"ReplicatedJob": {"MaxConcurrent": 3}}
    assert ServiceMode("global-job") == {"GlobalJob": {}}


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("spread",), {}, "mode must be either"),
        (("global",), {"replicas": 2}, "replicas can only be used"),
        (("global-job",), {"concurrency": 2}, "concurrency can only be used"),
    ],
)
def test_service_mode_errors(args: tuple[Any, ...], kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        ServiceMode(*args, **kwargs)


# References -----------------------------------------------------------------------------------
def test_secret_and_config_references() -> None:
    assert wire(SecretReference("sid", "sname")) == (
        '{"SecretName": "sname", "SecretID": "sid", '
        '"File": {"Name": "sname", "UID": "0", "GID": "0", "Mode": 292}}'
    )
    ref = SecretReference({"ID": "sid"}, "sname", filename="f", uid="1", gid="2", mode=0o400)
    assert ref["SecretID"] == "sid"
    assert ref["File"] == {"Name": "f", "UID": "1", "GID": "2", "Mode": 0o400}
    assert SecretReference(secret_id="k", secret_name="n")["SecretID"] == "k"
    config = ConfigReference("cid", "cname")
    assert list(config) == ["ConfigName", "ConfigID", "File"]
    assert config["File"]["Name"] == "cname"
    with pytest.raises(NullResource):
        SecretReference("", "n")


# Placement ------------------------------------------------------------------------------------
def test_placement() -> None:
    assert Placement() == {}
    placement = Placement(
        constraints=["node.role==manager"],
        preferences=[("spread", "node.labels.dc"), PlacementPreference("spread", "x")],
        platforms=[("x86_64", "linux")],
        maxreplicas=2,
    )
    assert wire(placement) == (
        '{"Constraints": ["node.role==manager"], "Preferences": '
        '[{"Spread": {"SpreadDescriptor": "node.labels.dc"}}, '
        '{"Spread": {"SpreadDescriptor": "x"}}], "MaxReplicas": 2, '
        '"Platforms": [{"Architecture": "x86_64", "OS": "linux"}]}'
    )
    with pytest.raises(InvalidArgument, match='must be "spread"'):
        PlacementPreference("binpack", "x")


# Small ones -----------------------------------------------------------------------------------
def test_dns_driver_network_attachment() -> None:
    assert wire(DNSConfig()) == '{"Nameservers": null, "Search": null, "Options": null}'
    assert DriverConfig("local") == {"Name": "local"}
    assert DriverConfig("local", {"a": "b"}) == {"Name": "local", "Options": {"a": "b"}}
    assert wire(NetworkAttachmentConfig("net", aliases=["a"], options={"o": "1"})) == (
        '{"Target": "net", "Aliases": ["a"], "DriverOpts": {"o": "1"}}'
    )


def test_privileges() -> None:
    # A20 fixed: no SELinuxContext full of nulls.
    assert Privileges() == {}
    assert Privileges(credentialspec_file="spec.json") == {"CredentialSpec": {"File": "spec.json"}}
    assert Privileges(credentialspec_registry="r", selinux_user="u") == {
        "CredentialSpec": {"Registry": "r"},
        "SELinuxContext": {
            "Disable": None,
            "User": "u",
            "Role": None,
            "Type": None,
            "Level": None,
        },
    }
    with pytest.raises(InvalidArgument, match="mutually exclusive"):
        Privileges(credentialspec_file="a", credentialspec_registry="b")


# Swarm ----------------------------------------------------------------------------------------
def test_swarm_spec_empty_and_full() -> None:
    assert SwarmSpec("1.41") == {}
    spec = SwarmSpec(
        "1.41",
        task_history_retention_limit=3,
        snapshot_interval=100,
        dispatcher_heartbeat_period=5,
        node_cert_expiry=10,
        external_cas=[SwarmExternalCA("https://ca", protocol="cfssl")],
        name="default",
        labels={"a": "b"},
        signing_ca_cert="CERT",
        signing_ca_key="KEY",
        ca_force_rotate=1,
        autolock_managers=True,
        log_driver={"Name": "json-file"},
    )
    assert list(spec) == [
        "Orchestration",
        "Raft",
        "Dispatcher",
        "CAConfig",
        "EncryptionConfig",
        "TaskDefaults",
        "Name",
        "Labels",
    ]
    assert spec["Raft"] == {
        "SnapshotInterval": 100,
        "KeepOldSnapshots": None,
        "LogEntriesForSlowFollowers": None,
        "HeartbeatTick": None,
        "ElectionTick": None,
    }
    assert wire(spec["CAConfig"]) == (
        '{"NodeCertExpiry": 10, "ExternalCAs": [{"URL": "https://ca", "Protocol": "cfssl", '
        '"Options": null, "CACert": null}], "SigningCAKey": "KEY", "SigningCACert": "CERT", '
        '"ForceRotate": 1}'
    )
    assert spec["EncryptionConfig"] == {"AutoLockManagers": True}
    assert spec["TaskDefaults"] == {"LogDriver": {"Name": "json-file"}}


def test_swarm_spec_version_gates() -> None:
    ca = SwarmExternalCA("https://ca")
    assert SwarmSpec("1.24", external_cas=[ca])["CAConfig"] == {"ExternalCA": ca}
    with pytest.raises(InvalidVersion, match="multiple external CAs"):
        SwarmSpec("1.24", external_cas=[ca, ca])
    with pytest.raises(InvalidVersion, match="autolock_managers"):
        SwarmSpec("1.24", autolock_managers=True)
    with pytest.raises(InvalidVersion, match="signing_ca_key"):
        SwarmSpec("1.29", signing_ca_key="k")


def test_create_swarm_spec_maps_external_ca() -> None:
    client = docker.APIClient(version="1.41")
    try:
        spec = client.create_swarm_spec(external_ca=SwarmExternalCA("u"), name="n")
    finally:
        client.close()
    assert isinstance(spec, SwarmSpec)
    assert spec == {
        "CAConfig": {
            "ExternalCAs": [{"URL": "u", "Protocol": None, "Options": None, "CACert": None}]
        },
        "Name": "n",
    }


# The model's kwargs split -----------------------------------------------------------------------
def test_create_service_kwargs_split() -> None:
    kwargs = {
        "image": "busybox",
        "command": "true",
        "name": "svc",
        "labels": {"service": "label"},
        "container_labels": {"container": "label"},
        "env": ["A=1"],
        "networks": ["net"],
        "constraints": ["node.role==manager"],
        "log_driver": "json-file",
        "log_driver_options": {"max-size": "1m"},
        "mode": ServiceMode("global"),
    }
    out = _get_create_service_kwargs("create", kwargs)
    assert kwargs == {}
    assert set(out) == {"name", "labels", "mode", "task_template"}
    assert out["labels"] == {"service": "label"}
    template = out["task_template"]
    assert template["ContainerSpec"]["Labels"] == {"container": "label"}
    assert template["ContainerSpec"]["Command"] == ["true"]
    assert template["Placement"] == {"Constraints": ["node.role==manager"]}
    assert template["LogDriver"] == {"Name": "json-file", "Options": {"max-size": "1m"}}
    assert template["Networks"] == [{"Target": "net"}]


def test_update_service_kwargs_defaults_and_errors() -> None:
    out = _get_create_service_kwargs("update", {"image": "x", "force_update": 2})
    assert out["fetch_current_spec"] is True
    assert out["task_template"]["ForceUpdate"] == 2
    with pytest.raises(TypeError, match=r"create\(\) got an unexpected keyword argument 'bogus'"):
        _get_create_service_kwargs("create", {"image": "x", "bogus": 1})
    with pytest.raises(TypeError, match="log_driver_options"):
        _get_create_service_kwargs("create", {"image": "x", "log_driver_options": {}})


def test_create_service_requires_image() -> None:
    client = docker.APIClient(version="1.41")
    try:
        with pytest.raises(DockerException, match="Missing mandatory Image key"):
            client.create_service(TaskTemplate(ContainerSpec(None)))  # type: ignore[arg-type]
    finally:
        client.close()
