"""Configuration types for Swarm services.

Only :class:`Mount` lives here so far (containers use it through ``HostConfig(mounts=...)``).
The other service types (TaskTemplate, ContainerSpec, Resources, UpdateConfig, ...) are to be
added by the owner of the service API.
"""

from __future__ import annotations

from typing import Any

from .. import errors
from ..utils.utils import parse_bytes

__all__ = ["Mount"]

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
