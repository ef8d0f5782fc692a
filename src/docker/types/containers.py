"""Configuration types for containers: the create body, its host config and their parts.

Each class is a ``dict`` holding the JSON the Engine API takes. ``HostConfig`` and
``ContainerConfig`` take the API ``version`` in use and refuse options that version does not
know (:class:`~docker.errors.InvalidVersion`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .. import errors
from ..utils.utils import (
    convert_port_bindings,
    convert_tmpfs_mounts,
    convert_volume_binds,
    format_environment,
    format_extra_hosts,
    normalize_links,
    parse_bytes,
    parse_devices,
    split_command,
    version_gte,
    version_lt,
)
from ._kwargs import pick
from .base import DictType
from .healthcheck import Healthcheck
from .services import Mount

__all__ = [
    "ContainerConfig",
    "DeviceRequest",
    "HostConfig",
    "LogConfig",
    "LogConfigTypesEnum",
    "Ulimit",
    "host_config_incompatible_error",
    "host_config_type_error",
    "host_config_value_error",
    "host_config_version_error",
]


class LogConfigTypesEnum:
    """The names of the logging drivers that ship with the Engine."""

    _values = ("json-file", "syslog", "journald", "gelf", "fluentd", "none")
    JSON, SYSLOG, JOURNALD, GELF, FLUENTD, NONE = _values


class LogConfig(DictType):
    """The logging driver of a container: ``type`` (e.g. ``LogConfig.types.JSON``) and its
    ``config`` options (a dict of strings).

    The driver name is not checked against :class:`LogConfigTypesEnum`, so plugins work too.
    """

    types = LogConfigTypesEnum

    def __init__(self, **kwargs: Any) -> None:
        log_driver_type = pick(kwargs, "type", "Type")
        config = pick(kwargs, "config", "Config") or {}
        if not isinstance(config, dict):
            raise ValueError("LogConfig.config must be a dictionary")
        super().__init__({"Type": log_driver_type, "Config": config})

    @property
    def type(self) -> Any:
        """The logging driver's name."""
        return self["Type"]

    @type.setter
    def type(self, value: Any) -> None:
        self["Type"] = value

    @property
    def config(self) -> dict[str, Any]:
        """The driver options (the dict itself, so changes show in the JSON)."""
        config: dict[str, Any] = self["Config"]
        return config

    def set_config_value(self, key: str, value: Any) -> None:
        """Set one driver option."""
        self.config[key] = value

    def unset_config(self, key: str) -> None:
        """Remove one driver option; nothing happens when it is not set."""
        self.config.pop(key, None)


class Ulimit(DictType):
    """A resource limit (``ulimit``) for a container: ``name`` (e.g. ``'nofile'``) with
    ``soft`` and ``hard`` integer limits."""

    def __init__(self, **kwargs: Any) -> None:
        name = pick(kwargs, "name", "Name")
        soft = pick(kwargs, "soft", "Soft")
        hard = pick(kwargs, "hard", "Hard")
        if not isinstance(name, str):
            raise ValueError("Ulimit.name must be a string")
        if soft and not isinstance(soft, int):
            raise ValueError("Ulimit.soft must be an integer")
        if hard and not isinstance(hard, int):
            raise ValueError("Ulimit.hard must be an integer")
        super().__init__({"Name": name, "Soft": soft, "Hard": hard})

    @property
    def name(self) -> Any:
        """The limited resource (``Name``)."""
        return self["Name"]

    @name.setter
    def name(self, value: Any) -> None:
        self["Name"] = value

    @property
    def soft(self) -> Any:
        """The soft limit (``Soft``)."""
        return self["Soft"]

    @soft.setter
    def soft(self, value: Any) -> None:
        self["Soft"] = value

    @property
    def hard(self) -> Any:
        """The hard limit (``Hard``)."""
        return self["Hard"]

    @hard.setter
    def hard(self, value: Any) -> None:
        self["Hard"] = value


class DeviceRequest(DictType):
    """A request for devices such as GPUs (``docker run --gpus``).

    ``driver`` (e.g. ``'nvidia'``), ``count`` (``-1`` for all devices) or ``device_ids``,
    ``capabilities`` (a list of lists: any one inner list, all of whose capabilities the device
    must have, e.g. ``[['gpu']]``) and driver ``options``.
    """

    def __init__(self, **kwargs: Any) -> None:
        driver = pick(kwargs, "driver", "Driver")
        count = pick(kwargs, "count", "Count")
        device_ids = pick(kwargs, "device_ids", "DeviceIDs")
        capabilities = pick(kwargs, "capabilities", "Capabilities")
        options = pick(kwargs, "options", "Options")
        driver = "" if driver is None else driver
        count = 0 if count is None else count
        device_ids = [] if device_ids is None else device_ids
        capabilities = [] if capabilities is None else capabilities
        options = {} if options is None else options
        if not isinstance(driver, str):
            raise ValueError("DeviceRequest.driver must be a string")
        if not isinstance(count, int):
            raise ValueError("DeviceRequest.count must be an integer")
        if not isinstance(device_ids, list):
            raise ValueError("DeviceRequest.device_ids must be a list")
        if not isinstance(capabilities, list):
            raise ValueError("DeviceRequest.capabilities must be a list")
        if not isinstance(options, dict):
            raise ValueError("DeviceRequest.options must be a dict")
        super().__init__(
            {
                "Driver": driver,
                "Count": count,
                "DeviceIDs": device_ids,
                "Capabilities": capabilities,
                "Options": options,
            }
        )

    @property
    def driver(self) -> Any:
        """The device driver (``Driver``)."""
        return self["Driver"]

    @driver.setter
    def driver(self, value: Any) -> None:
        self["Driver"] = value

    @property
    def count(self) -> Any:
        """How many devices to give (``Count``; ``-1`` for all)."""
        return self["Count"]

    @count.setter
    def count(self, value: Any) -> None:
        self["Count"] = value

    @property
    def device_ids(self) -> Any:
        """Which devices to give (``DeviceIDs``)."""
        return self["DeviceIDs"]

    @device_ids.setter
    def device_ids(self, value: Any) -> None:
        self["DeviceIDs"] = value

    @property
    def capabilities(self) -> Any:
        """Required capabilities, a list of alternatives (``Capabilities``)."""
        return self["Capabilities"]

    @capabilities.setter
    def capabilities(self, value: Any) -> None:
        self["Capabilities"] = value

    @property
    def options(self) -> Any:
        """Driver-specific options (``Options``)."""
        return self["Options"]

    @options.setter
    def options(self, value: Any) -> None:
        self["Options"] = value


# --------------------------------------------------------------------------------------------
# HostConfig


def host_config_type_error(param: str, param_value: Any, expected: str) -> TypeError:
    """The error for a HostConfig option of the wrong type."""
    return TypeError(
        f"Invalid type for {param} param: expected {expected} but found {type(param_value)}"
    )


def host_config_version_error(
    param: str, version: str, less_than: bool = True
) -> errors.InvalidVersion:
    """The error for a HostConfig option the API version in use does not support."""
    operator = "<" if less_than else ">"
    return errors.InvalidVersion(
        f"{param} param is not supported in API versions {operator} {version}"
    )


def host_config_value_error(param: str, param_value: Any) -> ValueError:
    """The error for a HostConfig option with a value it does not accept."""
    return ValueError(f"Invalid value for {param} param: {param_value}")


def host_config_incompatible_error(
    param: str, param_value: Any, incompatible_param: str
) -> errors.InvalidArgument:
    """The error for two HostConfig options that cannot be used together."""
    return errors.InvalidArgument(
        f'"{param_value}" {param} is incompatible with {incompatible_param}'
    )


class HostConfig(dict[str, Any]):
    """The host-side settings of a container (``HostConfig`` in the create body).

    ``version`` is the API version in use (``APIClient.create_host_config`` fills it in).
    Every other parameter maps to one Engine field; sizes (``mem_limit``, ``memswap_limit``,
    ``mem_reservation``, ``kernel_memory``, ``shm_size``) take bytes or strings such as
    ``'512m'``. Options the version does not support raise
    :class:`~docker.errors.InvalidVersion`, options of the wrong type ``TypeError``, bad values
    ``ValueError`` and conflicting options :class:`~docker.errors.InvalidArgument`.
    """

    def __init__(
        self,
        version: str,
        binds: Mapping[Any, Any] | list[str] | None = None,
        port_bindings: Mapping[Any, Any] | None = None,
        lxc_conf: Mapping[str, Any] | list[dict[str, Any]] | None = None,
        publish_all_ports: bool = False,
        links: Mapping[str, str | None] | Iterable[tuple[str, str | None]] | None = None,
        privileged: bool = False,
        dns: list[str] | None = None,
        dns_search: list[str] | None = None,
        volumes_from: str | list[str] | None = None,
        network_mode: str | None = None,
        restart_policy: Mapping[str, Any] | None = None,
        cap_add: list[str] | None = None,
        cap_drop: list[str] | None = None,
        devices: list[Any] | None = None,
        extra_hosts: Mapping[str, str] | list[str] | None = None,
        read_only: bool | None = None,
        pid_mode: str | None = None,
        ipc_mode: str | None = None,
        security_opt: list[str] | None = None,
        ulimits: list[Any] | None = None,
        log_config: Mapping[str, Any] | None = None,
        mem_limit: int | float | str | None = None,
        memswap_limit: int | float | str | None = None,
        mem_reservation: int | float | str | None = None,
        kernel_memory: int | float | str | None = None,
        mem_swappiness: int | None = None,
        cgroup_parent: str | None = None,
        group_add: Iterable[str | int] | None = None,
        cpu_quota: int | None = None,
        cpu_period: int | None = None,
        blkio_weight: int | None = None,
        blkio_weight_device: list[dict[str, Any]] | None = None,
        device_read_bps: list[dict[str, Any]] | None = None,
        device_write_bps: list[dict[str, Any]] | None = None,
        device_read_iops: list[dict[str, Any]] | None = None,
        device_write_iops: list[dict[str, Any]] | None = None,
        oom_kill_disable: bool = False,
        shm_size: int | str | None = None,
        sysctls: Mapping[str, Any] | None = None,
        tmpfs: Mapping[str, str] | list[str] | None = None,
        oom_score_adj: int | None = None,
        dns_opt: list[str] | None = None,
        cpu_shares: int | None = None,
        cpuset_cpus: str | None = None,
        userns_mode: str | None = None,
        uts_mode: str | None = None,
        pids_limit: int | None = None,
        isolation: str | None = None,
        auto_remove: bool = False,
        storage_opt: Mapping[str, str] | None = None,
        init: bool | None = None,
        init_path: str | None = None,
        volume_driver: str | None = None,
        cpu_count: int | None = None,
        cpu_percent: int | None = None,
        nano_cpus: int | None = None,
        cpuset_mems: str | None = None,
        runtime: str | None = None,
        mounts: list[Any] | None = None,
        cpu_rt_period: int | None = None,
        cpu_rt_runtime: int | None = None,
        device_cgroup_rules: list[str] | None = None,
        device_requests: list[Any] | None = None,
        cgroupns: str | None = None,
    ) -> None:
        super().__init__()

        def require(param: str, minimum: str) -> None:
            if version_lt(version, minimum):
                raise host_config_version_error(param, minimum)

        def check_type(param: str, value: Any, kind: type, expected: str) -> None:
            if not isinstance(value, kind):
                raise host_config_type_error(param, value, expected)

        if mem_limit is not None:
            self["Memory"] = parse_bytes(mem_limit)
        if memswap_limit is not None:
            self["MemorySwap"] = parse_bytes(memswap_limit)
        if mem_reservation:
            self["MemoryReservation"] = parse_bytes(mem_reservation)
        if kernel_memory:
            self["KernelMemory"] = parse_bytes(kernel_memory)
        if mem_swappiness is not None:
            check_type("mem_swappiness", mem_swappiness, int, "int")
            self["MemorySwappiness"] = mem_swappiness
        if shm_size is not None:
            self["ShmSize"] = parse_bytes(shm_size) if isinstance(shm_size, str) else shm_size
        if pid_mode:
            if version_lt(version, "1.24") and pid_mode != "host":
                raise host_config_value_error("pid_mode", pid_mode)
            self["PidMode"] = pid_mode
        if ipc_mode:
            self["IpcMode"] = ipc_mode
        if privileged:
            self["Privileged"] = privileged
        if oom_kill_disable:
            self["OomKillDisable"] = oom_kill_disable
        # Gap B7: an explicit 0 is sent (the original dropped it); 0 is the daemon's default.
        if oom_score_adj is not None:
            require("oom_score_adj", "1.22")
            check_type("oom_score_adj", oom_score_adj, int, "int")
            self["OomScoreAdj"] = oom_score_adj
        if publish_all_ports:
            self["PublishAllPorts"] = publish_all_ports
        if read_only is not None:
            self["ReadonlyRootfs"] = read_only
        if dns_search:
            self["DnsSearch"] = dns_search
        if network_mode == "host" and port_bindings:
            raise host_config_incompatible_error("network_mode", "host", "port_bindings")
        self["NetworkMode"] = network_mode or "default"
        if restart_policy:
            self["RestartPolicy"] = restart_policy
        if cap_add:
            self["CapAdd"] = cap_add
        if cap_drop:
            self["CapDrop"] = cap_drop
        if devices:
            self["Devices"] = parse_devices(devices)
        if group_add:
            self["GroupAdd"] = [str(group) for group in group_add]
        if dns is not None:
            self["Dns"] = dns
        if dns_opt is not None:
            self["DnsOptions"] = dns_opt
        if security_opt is not None:
            check_type("security_opt", security_opt, list, "list")
            self["SecurityOpt"] = security_opt
        if sysctls:
            check_type("sysctls", sysctls, Mapping, "dict")
            self["Sysctls"] = {key: str(value) for key, value in sysctls.items()}
        if volumes_from is not None:
            if isinstance(volumes_from, str):
                volumes_from = volumes_from.split(",")
            self["VolumesFrom"] = volumes_from
        if binds is not None:
            self["Binds"] = convert_volume_binds(binds)
        if port_bindings is not None:
            self["PortBindings"] = convert_port_bindings(port_bindings)
        if extra_hosts is not None:
            self["ExtraHosts"] = format_extra_hosts(extra_hosts)
        if links is not None:
            self["Links"] = normalize_links(links)
        if lxc_conf is not None:
            if isinstance(lxc_conf, Mapping):
                lxc_conf = [{"Key": key, "Value": str(value)} for key, value in lxc_conf.items()]
            self["LxcConf"] = lxc_conf
        if cgroup_parent is not None:
            self["CgroupParent"] = cgroup_parent
        if ulimits is not None:
            check_type("ulimits", ulimits, list, "list")
            self["Ulimits"] = [
                limit
                if isinstance(limit, Ulimit) or not isinstance(limit, Mapping)
                else Ulimit(**limit)
                for limit in ulimits
            ]
        if log_config is not None:
            if not isinstance(log_config, LogConfig):
                if not isinstance(log_config, Mapping):
                    raise host_config_type_error("log_config", log_config, "LogConfig")
                log_config = LogConfig(**log_config)
            self["LogConfig"] = log_config
        # Gap B7 again for cpu_quota, cpu_period and cpu_shares (0 means "unset" to the daemon).
        if cpu_quota is not None:
            check_type("cpu_quota", cpu_quota, int, "int")
            self["CpuQuota"] = cpu_quota
        if cpu_period is not None:
            check_type("cpu_period", cpu_period, int, "int")
            self["CpuPeriod"] = cpu_period
        if cpu_shares is not None:
            check_type("cpu_shares", cpu_shares, int, "int")
            self["CpuShares"] = cpu_shares
        if cpuset_cpus:
            self["CpusetCpus"] = cpuset_cpus
        if cpuset_mems:
            check_type("cpuset_mems", cpuset_mems, str, "str")
            self["CpusetMems"] = cpuset_mems
        if cpu_rt_period is not None:
            require("cpu_rt_period", "1.25")
            check_type("cpu_rt_period", cpu_rt_period, int, "int")
            self["CPURealtimePeriod"] = cpu_rt_period
        if cpu_rt_runtime is not None:
            require("cpu_rt_runtime", "1.25")
            check_type("cpu_rt_runtime", cpu_rt_runtime, int, "int")
            self["CPURealtimeRuntime"] = cpu_rt_runtime
        if blkio_weight is not None:
            check_type("blkio_weight", blkio_weight, int, "int")
            require("blkio_weight", "1.22")
            self["BlkioWeight"] = blkio_weight
        if blkio_weight_device:
            check_type("blkio_weight_device", blkio_weight_device, list, "list")
            require("blkio_weight_device", "1.22")
            self["BlkioWeightDevice"] = blkio_weight_device
        for param, key, throttle in (
            ("device_read_bps", "BlkioDeviceReadBps", device_read_bps),
            ("device_write_bps", "BlkioDeviceWriteBps", device_write_bps),
            ("device_read_iops", "BlkioDeviceReadIOps", device_read_iops),
            ("device_write_iops", "BlkioDeviceWriteIOps", device_write_iops),
        ):
            if throttle:
                check_type(param, throttle, list, "list")
                require(param, "1.22")
                self[key] = throttle
        if tmpfs:
            require("tmpfs", "1.22")
            self["Tmpfs"] = convert_tmpfs_mounts(tmpfs)
        if userns_mode:
            require("userns_mode", "1.23")
            if userns_mode != "host":
                raise host_config_value_error("userns_mode", userns_mode)
            self["UsernsMode"] = userns_mode
        if uts_mode:
            if uts_mode != "host":
                raise host_config_value_error("uts_mode", uts_mode)
            self["UTSMode"] = uts_mode
        if pids_limit is not None:
            check_type("pids_limit", pids_limit, int, "int")
            require("pids_limit", "1.23")
            self["PidsLimit"] = pids_limit
        if isolation:
            check_type("isolation", isolation, str, "str")
            require("isolation", "1.24")
            self["Isolation"] = isolation
        if auto_remove:
            require("auto_remove", "1.25")
            self["AutoRemove"] = auto_remove
        if storage_opt is not None:
            require("storage_opt", "1.24")
            self["StorageOpt"] = storage_opt
        if init is not None:
            require("init", "1.25")
            self["Init"] = init
        if init_path is not None:
            require("init_path", "1.25")
            if version_gte(version, "1.29"):
                # The daemon dropped the option in API 1.29.
                raise host_config_version_error("init_path", "1.29", False)
            self["InitPath"] = init_path
        if volume_driver is not None:
            self["VolumeDriver"] = volume_driver
        for param, key, cpu_value in (
            ("cpu_count", "CpuCount", cpu_count),
            ("cpu_percent", "CpuPercent", cpu_percent),
            ("nano_cpus", "NanoCpus", nano_cpus),
        ):
            if cpu_value is not None:
                check_type(param, cpu_value, int, "int")
                require(param, "1.25")
                self[key] = cpu_value
        if runtime:
            require("runtime", "1.25")
            self["Runtime"] = runtime
        if mounts is not None:
            require("mounts", "1.30")
            self["Mounts"] = [
                Mount.parse_mount_string(mount) if isinstance(mount, str) else mount
                for mount in mounts
            ]
        if device_cgroup_rules is not None:
            require("device_cgroup_rules", "1.28")
            check_type("device_cgroup_rules", device_cgroup_rules, list, "list")
            self["DeviceCgroupRules"] = device_cgroup_rules
        if device_requests is not None:
            require("device_requests", "1.40")
            check_type("device_requests", device_requests, list, "list")
            self["DeviceRequests"] = [
                DeviceRequest(**request)
                if isinstance(request, Mapping) and not isinstance(request, DeviceRequest)
                else request
                for request in device_requests
            ]
        if cgroupns:
            self["CgroupnsMode"] = cgroupns


# --------------------------------------------------------------------------------------------
# ContainerConfig


def _exposed_port(port: Any) -> str:
    """``80`` → ``'80/tcp'``; ``(53, 'udp')`` → ``'53/udp'``; ``(80,)`` → ``'80/tcp'``."""
    if isinstance(port, tuple):
        if len(port) == 2:
            return f"{port[0]}/{port[1]}"
        return f"{port[0]}/tcp"
    # Gap B5 (kept): a '80/udp' string is not parsed and becomes '80/udp/tcp'.
    return f"{port}/tcp"


class ContainerConfig(dict[str, Any]):
    """The body of a container create call (built by ``APIClient.create_container``).

    ``command`` and ``entrypoint`` may be strings (split like a shell would) or lists;
    ``ports`` a list of container ports (``80`` or ``(53, 'udp')``) to expose; ``environment``
    a dict or ``['K=V']`` list; ``volumes`` a container path or a list of them; ``labels`` a
    dict or a list of names; ``healthcheck`` a :class:`Healthcheck` or a dict. Every key is
    written, None included (the client drops top-level Nones before sending).
    """

    def __init__(
        self,
        version: str,
        image: str,
        command: str | list[str] | None,
        hostname: str | None = None,
        user: str | int | None = None,
        detach: bool = False,
        stdin_open: bool = False,
        tty: bool = False,
        ports: list[Any] | None = None,
        environment: Mapping[str, Any] | list[str] | None = None,
        volumes: str | list[str] | None = None,
        network_disabled: bool = False,
        entrypoint: str | list[str] | None = None,
        working_dir: str | None = None,
        domainname: str | None = None,
        host_config: Mapping[str, Any] | None = None,
        mac_address: str | None = None,
        labels: Mapping[str, str] | list[str] | None = None,
        stop_signal: str | None = None,
        networking_config: Mapping[str, Any] | None = None,
        healthcheck: Mapping[str, Any] | None = None,
        stop_timeout: int | None = None,
        runtime: str | None = None,
    ) -> None:
        super().__init__()
        if stop_timeout is not None and version_lt(version, "1.25"):
            raise errors.InvalidVersion("stop_timeout was only introduced in API version 1.25")
        if healthcheck is not None:
            if version_lt(version, "1.24"):
                raise errors.InvalidVersion(
                    "Health options were only introduced in API version 1.24"
                )
            if not isinstance(healthcheck, Healthcheck):
                healthcheck = Healthcheck(**healthcheck)
            if version_lt(version, "1.29") and healthcheck.get("StartPeriod") is not None:
                raise errors.InvalidVersion(
                    "healthcheck start period was introduced in API version 1.29"
                )

        if isinstance(command, str):
            command = split_command(command)
        if isinstance(entrypoint, str):
            entrypoint = split_command(entrypoint)
        if isinstance(environment, Mapping):
            environment = format_environment(environment)
        if isinstance(labels, list):
            labels = {label: "" for label in labels}

        exposed_ports: Any = ports
        if isinstance(ports, list):
            exposed_ports = {_exposed_port(port): {} for port in ports}

        container_volumes: Any = volumes
        if isinstance(container_volumes, str):
            container_volumes = [container_volumes]
        if isinstance(container_volumes, list):
            container_volumes = {path: {} for path in container_volumes}

        attach = not detach
        attach_stdin = attach and stdin_open

        self.update(
            {
                "Hostname": hostname,
                "Domainname": domainname,
                "ExposedPorts": exposed_ports,
                "User": str(user) if user is not None else None,
                "Tty": tty,
                "OpenStdin": stdin_open,
                "StdinOnce": attach_stdin,
                "AttachStdin": attach_stdin,
                "AttachStdout": attach,
                "AttachStderr": attach,
                "Env": environment,
                "Cmd": command,
                "Image": image,
                "Volumes": container_volumes,
                "NetworkDisabled": network_disabled,
                "Entrypoint": entrypoint,
                "WorkingDir": working_dir,
                "HostConfig": host_config,
                "NetworkingConfig": networking_config,
                "MacAddress": mac_address,
                "Labels": labels,
                "StopSignal": stop_signal,
                "Healthcheck": healthcheck,
                "StopTimeout": stop_timeout,
                "Runtime": runtime,
            }
        )
