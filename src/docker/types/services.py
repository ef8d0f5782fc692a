"""Configuration types for Swarm services.

Each class is a ``dict`` holding the JSON the Engine API takes (``ServiceSpec`` and its parts),
so an instance can be passed wherever the API expects the plain structure.  :class:`Mount` is
also used by containers (``HostConfig(mounts=...)``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .. import errors
from ..utils.decorators import check_resource
from ..utils.utils import format_environment, format_extra_hosts, parse_bytes, split_command

__all__ = [
    "ConfigReference",
    "ContainerSpec",
    "DNSConfig",
    "DriverConfig",
    "EndpointSpec",
    "Mount",
    "NetworkAttachmentConfig",
    "Placement",
    "PlacementPreference",
    "Privileges",
    "Resources",
    "RestartConditionTypesEnum",
    "RestartPolicy",
    "RollbackConfig",
    "SecretReference",
    "ServiceMode",
    "TaskTemplate",
    "UpdateConfig",
    "convert_service_ports",
]

_MOUNT_TYPES = ("bind", "volume", "tmpfs", "npipe")


def _incompatible(mount_type: str) -> errors.InvalidArgument:
    return errors.InvalidArgument(
        f"Incompatible options have been provided for the {mount_type} type mount."
    )


class Mount(dict[str, Any]):
    """A mount for a container (``HostConfig.Mounts``) or a service task.

    ``target`` is the path in the container; ``source`` the host path (``bind``), the volume
    name (``volume``; None for an anonymous volume) or the named pipe (``npipe``). ``type`` is
    ``'bind'``, ``'volume'``, ``'tmpfs'`` or ``'npipe'``. Options that belong to another mount
    type raise :class:`~docker.errors.InvalidArgument`:

    * bind: ``propagation``;
    * volume: ``no_copy``, ``labels``, ``driver_config`` (a :class:`DriverConfig` or dict),
      ``subpath``;
    * tmpfs: ``tmpfs_size`` (bytes or a size string such as ``'64m'``), ``tmpfs_mode`` (an
      int, e.g. ``0o1777``).
    """

    def __init__(
        self,
        target: str,
        source: str | None,
        type: str = "volume",
        read_only: bool = False,
        consistency: str | None = None,
        propagation: str | None = None,
        no_copy: bool = False,
        labels: dict[str, str] | None = None,
        driver_config: dict[str, Any] | None = None,
        tmpfs_size: int | str | None = None,
        tmpfs_mode: int | None = None,
        subpath: str | None = None,
    ) -> None:
        super().__init__()
        if type not in _MOUNT_TYPES:
            raise errors.InvalidArgument(f'Unsupported mount type: "{type}"')
        self["Target"] = target
        self["Source"] = source
        self["Type"] = type
        self["ReadOnly"] = read_only
        if consistency:
            self["Consistency"] = consistency

        if type == "bind":
            if labels or driver_config or no_copy or tmpfs_size or tmpfs_mode or subpath:
                raise _incompatible(type)
            if propagation is not None:
                self["BindOptions"] = {"Propagation": propagation}
        elif type == "volume":
            if propagation or tmpfs_size or tmpfs_mode:
                raise _incompatible(type)
            volume_options: dict[str, Any] = {}
            if no_copy:
                volume_options["NoCopy"] = True
            if labels:
                volume_options["Labels"] = labels
            if driver_config:
                volume_options["DriverConfig"] = driver_config
            if subpath:
                volume_options["Subpath"] = subpath
            if volume_options:
                self["VolumeOptions"] = volume_options
        elif type == "tmpfs":
            if propagation or labels or driver_config or no_copy:
                raise _incompatible(type)
            tmpfs_options: dict[str, Any] = {}
            if tmpfs_mode:
                if not isinstance(tmpfs_mode, int):
                    raise errors.InvalidArgument("tmpfs_mode must be an integer")
                tmpfs_options["Mode"] = tmpfs_mode
            if tmpfs_size:
                tmpfs_options["SizeBytes"] = parse_bytes(tmpfs_size)
            if tmpfs_options:
                self["TmpfsOptions"] = tmpfs_options

    @classmethod
    def parse_mount_string(cls, string: str) -> Mount:
        """Build a mount from the short ``[source:]target[:mode]`` form.

        A single field is an anonymous volume at that path. With a source, the mount is a
        bind mount when the source is an absolute path and a named volume otherwise; it is
        read-only unless the mode is missing or ``rw`` (any other mode, e.g. ``ro``, makes it
        read-only).
        """
        parts = string.split(":")
        if len(parts) > 3:
            raise errors.InvalidArgument(f'Invalid mount format "{string}"')
        if len(parts) == 1:
            return cls(target=parts[0], source=None)
        source, target = parts[0], parts[1]
        mount_type = "bind" if source.startswith("/") else "volume"
        read_only = not (len(parts) == 2 or parts[2] == "rw")
        return cls(target, source, read_only=read_only, type=mount_type)


class TaskTemplate(dict[str, Any]):
    """What every task of a service runs (``TaskSpec`` in the Engine API).

    ``container_spec`` is a :class:`ContainerSpec`; ``resources`` a :class:`Resources`;
    ``restart_policy`` a :class:`RestartPolicy`; ``placement`` a :class:`Placement` (or a list
    of constraint strings); ``log_driver`` a :class:`DriverConfig` (or ``{'Name', 'Options'}``);
    ``networks`` a list of network names/IDs or :class:`NetworkAttachmentConfig`;
    ``force_update`` a counter: changing it makes the service redeploy its tasks.
    """

    def __init__(
        self,
        container_spec: Mapping[str, Any],
        resources: Mapping[str, Any] | None = None,
        restart_policy: Mapping[str, Any] | None = None,
        placement: Mapping[str, Any] | list[str] | None = None,
        log_driver: Mapping[str, Any] | None = None,
        networks: list[Any] | None = None,
        force_update: int | None = None,
    ) -> None:
        super().__init__()
        self["ContainerSpec"] = container_spec
        if resources:
            self["Resources"] = resources
        if restart_policy:
            self["RestartPolicy"] = restart_policy
        if placement:
            if isinstance(placement, list):
                placement = Placement(constraints=placement)
            self["Placement"] = placement
        if log_driver:
            self["LogDriver"] = log_driver
        if networks:
            if not isinstance(networks, list):
                raise TypeError("networks parameter must be a list.")
            self["Networks"] = [{"Target": n} if isinstance(n, str) else n for n in networks]
        if force_update is not None:
            if not isinstance(force_update, int):
                raise TypeError("force_update must be an integer")
            self["ForceUpdate"] = force_update

    @property
    def container_spec(self) -> Any:
        """The ``ContainerSpec``."""
        return self.get("ContainerSpec")

    @property
    def resources(self) -> Any:
        """The ``Resources``, or None."""
        return self.get("Resources")

    @property
    def restart_policy(self) -> Any:
        """The ``RestartPolicy``, or None."""
        return self.get("RestartPolicy")

    @property
    def placement(self) -> Any:
        """The ``Placement``, or None."""
        return self.get("Placement")


def _string_list(name: str, value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"{name} must be a list")
    return value


class ContainerSpec(dict[str, Any]):
    """The container a service task runs.

    ``image`` (required), ``command`` (a string is split like a shell would) and ``args``;
    ``env`` a dict or a ``['K=V']`` list; ``workdir``; ``user``; ``groups`` (extra groups);
    ``labels`` (container labels); ``mounts`` (:class:`Mount` or ``'src:dst[:mode]'``
    strings); ``stop_grace_period`` (ns) and ``stop_signal``; ``secrets`` and ``configs``
    (lists of :class:`SecretReference` / :class:`ConfigReference`); ``tty``, ``open_stdin``,
    ``read_only``; ``healthcheck`` (:class:`~docker.types.Healthcheck`); ``hosts`` (a
    ``{hostname: ip}`` dict or ``['ip hostname']`` list); ``dns_config``
    (:class:`DNSConfig`); ``privileges`` (:class:`Privileges`); ``isolation``; ``init``
    (run an init process); ``cap_add``/``cap_drop`` (lists of capabilities); ``sysctls`` (a
    dict).
    """

    def __init__(
        self,
        image: str,
        command: str | list[str] | None = None,
        args: list[str] | None = None,
        hostname: str | None = None,
        env: Mapping[str, Any] | list[str] | None = None,
        workdir: str | None = None,
        user: str | None = None,
        labels: Mapping[str, str] | None = None,
        mounts: list[Any] | None = None,
        stop_grace_period: int | None = None,
        secrets: list[Any] | None = None,
        tty: bool | None = None,
        groups: list[str] | None = None,
        open_stdin: bool | None = None,
        read_only: bool | None = None,
        stop_signal: str | None = None,
        healthcheck: Mapping[str, Any] | None = None,
        hosts: Mapping[str, str] | list[str] | None = None,
        dns_config: Mapping[str, Any] | None = None,
        configs: list[Any] | None = None,
        privileges: Mapping[str, Any] | None = None,
        isolation: str | None = None,
        init: bool | None = None,
        cap_add: list[str] | None = None,
        cap_drop: list[str] | None = None,
        sysctls: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self["Image"] = image
        self["Command"] = split_command(command) if isinstance(command, str) else command
        self["Args"] = args
        if hostname is not None:
            self["Hostname"] = hostname
        if env is not None:
            self["Env"] = format_environment(env) if isinstance(env, Mapping) else env
        if workdir is not None:
            self["Dir"] = workdir
        if user is not None:
            self["User"] = user
        if groups is not None:
            self["Groups"] = groups
        if stop_signal is not None:
            self["StopSignal"] = stop_signal
        if stop_grace_period is not None:
            self["StopGracePeriod"] = stop_grace_period
        if labels is not None:
            self["Labels"] = labels
        if hosts is not None:
            self["Hosts"] = format_extra_hosts(hosts, task=True)
        if mounts is not None:
            self["Mounts"] = [
                Mount.parse_mount_string(m) if isinstance(m, str) else m for m in mounts
            ]
        if secrets is not None:
            self["Secrets"] = _string_list("secrets", secrets)
        if configs is not None:
            self["Configs"] = _string_list("configs", configs)
        if dns_config is not None:
            self["DNSConfig"] = dns_config
        if privileges is not None:
            self["Privileges"] = privileges
        if healthcheck is not None:
            self["Healthcheck"] = healthcheck
        if tty is not None:
            self["TTY"] = tty
        if open_stdin is not None:
            self["OpenStdin"] = open_stdin
        if read_only is not None:
            self["ReadOnly"] = read_only
        if isolation is not None:
            self["Isolation"] = isolation
        if init is not None:
            self["Init"] = init
        if cap_add is not None:
            self["CapabilityAdd"] = _string_list("cap_add", cap_add)
        if cap_drop is not None:
            self["CapabilityDrop"] = _string_list("cap_drop", cap_drop)
        if sysctls is not None:
            if not isinstance(sysctls, Mapping):
                raise TypeError("sysctls must be a dict")
            self["Sysctls"] = sysctls


class Resources(dict[str, Any]):
    """CPU and memory limits and reservations of a service's tasks.

    ``cpu_limit``/``cpu_reservation`` in units of 1e-9 CPUs (``NanoCPUs``: 500000000 is half
    a CPU); ``mem_limit``/``mem_reservation`` in bytes; ``generic_resources`` a
    ``{kind: count}`` / ``{kind: name}`` dict or a list in the Engine's format.
    """

    def __init__(
        self,
        cpu_limit: int | None = None,
        mem_limit: int | None = None,
        cpu_reservation: int | None = None,
        mem_reservation: int | None = None,
        generic_resources: Mapping[str, Any] | list[Any] | None = None,
    ) -> None:
        super().__init__()
        limits: dict[str, Any] = {}
        reservation: dict[str, Any] = {}
        if cpu_limit is not None:
            limits["NanoCPUs"] = cpu_limit
        if mem_limit is not None:
            limits["MemoryBytes"] = mem_limit
        if cpu_reservation is not None:
            reservation["NanoCPUs"] = cpu_reservation
        if mem_reservation is not None:
            reservation["MemoryBytes"] = mem_reservation
        if generic_resources is not None:
            reservation["GenericResources"] = _convert_generic_resources_dict(generic_resources)
        if limits:
            self["Limits"] = limits
        if reservation:
            self["Reservations"] = reservation


def _convert_generic_resources_dict(generic_resources: Any) -> list[Any]:
    """``{kind: int}`` → discrete resources, ``{kind: str}`` → named ones; a list is kept."""
    if isinstance(generic_resources, list):
        return generic_resources
    if not isinstance(generic_resources, Mapping):
        raise errors.InvalidArgument(
            f"generic_resources must be a dict or a list (found {type(generic_resources).__name__})"
        )
    resources: list[Any] = []
    for kind, value in generic_resources.items():
        if isinstance(value, int):
            resource_type = "DiscreteResourceSpec"
        elif isinstance(value, str):
            resource_type = "NamedResourceSpec"
        else:
            raise errors.InvalidArgument(
                f"Unsupported generic resource reservation type: {{{kind}: {value}}}"
            )
        resources.append({resource_type: {"Kind": kind, "Value": value}})
    return resources


class UpdateConfig(dict[str, Any]):
    """How a service's tasks are replaced on update.

    ``parallelism`` tasks at a time (0: all at once); ``delay`` between batches (ns);
    ``failure_action`` ``'continue'``, ``'pause'`` or ``'rollback'``; ``monitor`` (ns) how long
    each task is watched for failure; ``max_failure_ratio`` (0 to 1) the failure rate
    tolerated; ``order`` ``'stop-first'`` or ``'start-first'``.
    """

    def __init__(
        self,
        parallelism: int = 0,
        delay: int | None = None,
        failure_action: str = "continue",
        monitor: int | None = None,
        max_failure_ratio: float | None = None,
        order: str | None = None,
    ) -> None:
        super().__init__()
        self["Parallelism"] = parallelism
        if delay is not None:
            self["Delay"] = delay
        if failure_action not in ("pause", "continue", "rollback"):
            raise errors.InvalidArgument(
                "failure_action must be one of `pause`, `continue`, `rollback`"
            )
        self["FailureAction"] = failure_action
        if monitor is not None:
            if not isinstance(monitor, int):
                raise TypeError("monitor must be an integer")
            self["Monitor"] = monitor
        if max_failure_ratio is not None:
            if not isinstance(max_failure_ratio, float | int):
                raise TypeError("max_failure_ratio must be a float")
            if max_failure_ratio > 1 or max_failure_ratio < 0:
                raise errors.InvalidArgument("max_failure_ratio must be a number between 0 and 1")
            self["MaxFailureRatio"] = max_failure_ratio
        if order is not None:
            if order not in ("start-first", "stop-first"):
                raise errors.InvalidArgument("order must be either `start-first` or `stop-first`")
            self["Order"] = order


class RollbackConfig(UpdateConfig):
    """How a service is rolled back after a failed update; the options of :class:`UpdateConfig`."""


class RestartConditionTypesEnum:
    """The values of :class:`RestartPolicy`'s ``condition``."""

    _values = ("none", "on-failure", "any")
    NONE, ON_FAILURE, ANY = _values


class RestartPolicy(dict[str, Any]):
    """When the tasks of a service are restarted.

    ``condition`` is ``'none'``, ``'on-failure'`` or ``'any'``; ``delay`` between restarts
    (ns); ``max_attempts`` (0: no limit); ``window`` (ns) over which restarts are counted.
    """

    condition_types = RestartConditionTypesEnum

    def __init__(
        self, condition: str = "none", delay: int = 0, max_attempts: int = 0, window: int = 0
    ) -> None:
        super().__init__()
        if condition not in self.condition_types._values:
            raise TypeError(f"Invalid RestartPolicy condition {condition}")
        self["Condition"] = condition
        self["Delay"] = delay
        self["MaxAttempts"] = max_attempts
        self["Window"] = window


class DriverConfig(dict[str, Any]):
    """A driver and its options (log drivers, volume drivers, secret drivers)."""

    def __init__(self, name: str, options: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        self["Name"] = name
        if options:
            self["Options"] = options


class EndpointSpec(dict[str, Any]):
    """How a service is reached: ``mode`` (``'vip'`` or ``'dnsrr'``) and published ``ports``.

    ``ports`` is a ``{published: target}`` dict, where the target may be a tuple
    ``(target, protocol[, publish_mode])`` (``publish_mode`` ``'ingress'`` or ``'host'``), or a
    list of port dicts in the Engine's format.
    """

    def __init__(self, mode: str | None = None, ports: Any = None) -> None:
        super().__init__()
        if ports:
            self["Ports"] = convert_service_ports(ports)
        if mode:
            self["Mode"] = mode


def convert_service_ports(ports: Any) -> list[Any]:
    """Turn a ``{published: target}`` dict into the Engine's list of port configs."""
    if isinstance(ports, list):
        return ports
    if not isinstance(ports, Mapping):
        raise TypeError("Invalid type for ports, expected dict or list")
    result: list[Any] = []
    for published, target in ports.items():
        port_spec: dict[str, Any] = {"Protocol": "tcp", "PublishedPort": published}
        if isinstance(target, tuple):
            if len(target) > 3:
                raise ValueError(
                    "Service port configuration can have at most 3 elements: "
                    "(target_port, protocol, mode)"
                )
            port_spec["TargetPort"] = target[0]
            if len(target) >= 2 and target[1] is not None:
                port_spec["Protocol"] = target[1]
            if len(target) == 3:
                port_spec["PublishMode"] = target[2]
        else:
            port_spec["TargetPort"] = target
        result.append(port_spec)
    return result


class ServiceMode(dict[str, Any]):
    """How many tasks a service runs.

    ``mode`` is ``'replicated'`` (``replicas`` tasks), ``'global'`` (one per node),
    ``'replicated-job'`` (``replicas`` completions, ``concurrency`` at a time) or
    ``'global-job'`` (one run per node).
    """

    def __init__(
        self, mode: str, replicas: int | None = None, concurrency: int | None = None
    ) -> None:
        super().__init__()
        replicated_modes = ("replicated", "replicated-job")
        if mode not in (*replicated_modes, "global", "global-job"):
            raise errors.InvalidArgument(
                'mode must be either "replicated", "global", "replicated-job", or "global-job"'
            )
        if mode not in replicated_modes:
            if replicas is not None:
                raise errors.InvalidArgument(
                    'replicas can only be used for "replicated" or "replicated-job" mode'
                )
            if concurrency is not None:
                raise errors.InvalidArgument(
                    'concurrency can only be used for "replicated-job" mode'
                )
        key = {
            "replicated": "replicated",
            "global": "global",
            "replicated-job": "ReplicatedJob",
            "global-job": "GlobalJob",
        }[mode]
        #: The key of this mode in the Engine's ``Mode`` object.
        self.mode = key
        self[key] = {}
        if mode == "replicated" and replicas is not None:
            self[key]["Replicas"] = replicas
        elif mode == "replicated-job" and (replicas is not None or concurrency is not None):
            self[key]["MaxConcurrent"] = concurrency or 1
            if replicas is not None:
                self[key]["TotalCompletions"] = replicas

    @property
    def replicas(self) -> int | None:
        """The number of replicas (or of job completions), or None."""
        if "replicated" in self:
            return self["replicated"].get("Replicas")  # type: ignore[no-any-return]
        if "ReplicatedJob" in self:
            return self["ReplicatedJob"].get("TotalCompletions")  # type: ignore[no-any-return]
        return None


class _FileReference(dict[str, Any]):
    def _init(
        self,
        kind: str,
        ref_id: Any,
        ref_name: str,
        filename: str | None,
        uid: str | None,
        gid: str | None,
        mode: int,
    ) -> None:
        self[f"{kind}Name"] = ref_name
        self[f"{kind}ID"] = ref_id
        self["File"] = {
            "Name": filename or ref_name,
            "UID": uid or "0",
            "GID": gid or "0",
            "Mode": mode,
        }


class SecretReference(_FileReference):
    """A secret given to a service's tasks, as a file under ``/run/secrets/``.

    ``secret_id`` (an ID, or the dict :meth:`create_secret` returned) and ``secret_name``;
    ``filename`` defaults to the secret's name; ``uid``/``gid`` (strings, default ``'0'``)
    and ``mode`` (default ``0o444``) set the file's owner and permissions.
    """

    @check_resource("secret_id")
    def __init__(
        self,
        secret_id: str | Mapping[str, Any],
        secret_name: str,
        filename: str | None = None,
        uid: str | None = None,
        gid: str | None = None,
        mode: int = 0o444,
    ) -> None:
        super().__init__()
        self._init("Secret", secret_id, secret_name, filename, uid, gid, mode)


class ConfigReference(_FileReference):
    """A config given to a service's tasks, as a file (by default ``/<config name>``).

    The arguments are those of :class:`SecretReference`, for a config.
    """

    @check_resource("config_id")
    def __init__(
        self,
        config_id: str | Mapping[str, Any],
        config_name: str,
        filename: str | None = None,
        uid: str | None = None,
        gid: str | None = None,
        mode: int = 0o444,
    ) -> None:
        super().__init__()
        self._init("Config", config_id, config_name, filename, uid, gid, mode)


class Placement(dict[str, Any]):
    """Where a service's tasks may run.

    ``constraints`` (``['node.role==manager', 'node.labels.x==y']``); ``preferences``
    (:class:`PlacementPreference` or ``('spread', descriptor)`` tuples); ``platforms``
    (``(architecture, os)`` tuples); ``maxreplicas`` per node.
    """

    def __init__(
        self,
        constraints: list[str] | None = None,
        preferences: Iterable[Any] | None = None,
        platforms: Iterable[tuple[str, str]] | None = None,
        maxreplicas: int | None = None,
    ) -> None:
        super().__init__()
        if constraints is not None:
            self["Constraints"] = constraints
        if preferences is not None:
            self["Preferences"] = [
                PlacementPreference(*pref) if isinstance(pref, tuple) else pref
                for pref in preferences
            ]
        if maxreplicas is not None:
            self["MaxReplicas"] = maxreplicas
        if platforms:
            self["Platforms"] = [
                {"Architecture": platform[0], "OS": platform[1]} for platform in platforms
            ]


class PlacementPreference(dict[str, Any]):
    """Spread a service's tasks over the values of a node attribute.

    ``strategy`` must be ``'spread'``; ``descriptor`` names the attribute, such as
    ``'node.labels.datacenter'``.
    """

    def __init__(self, strategy: str, descriptor: str) -> None:
        super().__init__()
        if strategy != "spread":
            raise errors.InvalidArgument(
                f'PlacementPreference strategy value is invalid ({strategy}): must be "spread".'
            )
        self["Spread"] = {"SpreadDescriptor": descriptor}


class DNSConfig(dict[str, Any]):
    """The resolver settings of a service's containers (``/etc/resolv.conf``)."""

    def __init__(
        self,
        nameservers: list[str] | None = None,
        search: list[str] | None = None,
        options: list[str] | None = None,
    ) -> None:
        super().__init__()
        self["Nameservers"] = nameservers
        self["Search"] = search
        self["Options"] = options


class Privileges(dict[str, Any]):
    """Security options of a service's containers.

    ``credentialspec_file`` or ``credentialspec_registry`` (Windows, mutually exclusive), and
    the SELinux context: ``selinux_disable``, ``selinux_user``, ``selinux_role``,
    ``selinux_type``, ``selinux_level``.  ``SELinuxContext`` is sent only when one of these is
    given (the original always sent it, full of nulls).
    """

    def __init__(
        self,
        credentialspec_file: str | None = None,
        credentialspec_registry: str | None = None,
        selinux_disable: bool | None = None,
        selinux_user: str | None = None,
        selinux_role: str | None = None,
        selinux_type: str | None = None,
        selinux_level: str | None = None,
    ) -> None:
        super().__init__()
        if credentialspec_file is not None and credentialspec_registry is not None:
            raise errors.InvalidArgument(
                "credentialspec_file and credentialspec_registry are mutually exclusive"
            )
        credential_spec: dict[str, Any] = {}
        if credentialspec_registry is not None:
            credential_spec["Registry"] = credentialspec_registry
        if credentialspec_file is not None:
            credential_spec["File"] = credentialspec_file
        if credential_spec:
            self["CredentialSpec"] = credential_spec
        selinux_context = {
            "Disable": selinux_disable,
            "User": selinux_user,
            "Role": selinux_role,
            "Type": selinux_type,
            "Level": selinux_level,
        }
        if any(value is not None for value in selinux_context.values()):
            self["SELinuxContext"] = selinux_context


class NetworkAttachmentConfig(dict[str, Any]):
    """A network a service's tasks join: ``target`` (name or ID), ``aliases``, and the
    driver ``options``."""

    def __init__(
        self,
        target: str,
        aliases: list[str] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self["Target"] = target
        self["Aliases"] = aliases
        self["DriverOpts"] = options
