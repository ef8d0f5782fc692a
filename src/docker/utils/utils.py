"""Small helpers that turn user-friendly arguments into the shapes the Engine API expects.

Everything here is pure (no I/O except :func:`parse_env_file` and the certificate checks done by
:func:`kwargs_from_env`) and cheap to import: heavier modules (``shlex``, ``base64``, ``json``,
``urllib.parse``, :mod:`docker.tls`) are imported inside the functions that need them.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

from .. import errors
from ..constants import (
    BYTE_UNITS,
    DEFAULT_HTTP_HOST,
    DEFAULT_NPIPE,
    DEFAULT_UNIX_SOCKET,
)

if TYPE_CHECKING:
    from datetime import datetime

__all__ = [
    "URLComponents",
    "compare_version",
    "convert_filters",
    "convert_port_bindings",
    "convert_service_networks",
    "convert_tmpfs_mounts",
    "convert_volume_binds",
    "create_host_config",
    "create_ipam_config",
    "create_ipam_pool",
    "datetime_to_timestamp",
    "decode_json_header",
    "format_environment",
    "format_extra_hosts",
    "kwargs_from_env",
    "normalize_links",
    "parse_bytes",
    "parse_devices",
    "parse_env_file",
    "parse_host",
    "parse_repository_tag",
    "split_command",
    "version_gte",
    "version_lt",
]


class URLComponents(NamedTuple):
    """The six parts of a URL, in the order ``urllib.parse.urlunparse`` takes them."""

    scheme: str
    netloc: str
    url: str
    params: str
    query: str
    fragment: str


# --------------------------------------------------------------------------------------------
# Removed helpers


def create_host_config(self: Any, *args: Any, **kwargs: Any) -> NoReturn:
    """Removed: build a :class:`docker.types.HostConfig` instead. Always raises."""
    raise errors.DeprecatedMethod(
        "utils.create_host_config has been removed; use docker.types.HostConfig instead."
    )


def create_ipam_config(*args: Any, **kwargs: Any) -> NoReturn:
    """Removed: build a :class:`docker.types.IPAMConfig` instead. Always raises."""
    raise errors.DeprecatedMethod(
        "utils.create_ipam_config has been removed; use docker.types.IPAMConfig instead."
    )


def create_ipam_pool(*args: Any, **kwargs: Any) -> NoReturn:
    """Removed: build a :class:`docker.types.IPAMPool` instead. Always raises."""
    raise errors.DeprecatedMethod(
        "utils.create_ipam_pool has been removed; use docker.types.IPAMPool instead."
    )


# --------------------------------------------------------------------------------------------
# API versions


@functools.cache
def compare_version(v1: str, v2: str) -> int:
    """Compare two dotted version strings, with the sign **inverted** (as in the original).

    Returns ``0`` when they are equal, ``1`` when ``v2`` is the greater one and ``-1`` when
    ``v1`` is. Missing trailing components count as zero (``'1.2' == '1.2.0'``).
    """
    left = [int(part) for part in v1.split(".")]
    right = [int(part) for part in v2.split(".")]
    width = max(len(left), len(right))
    left += [0] * (width - len(left))
    right += [0] * (width - len(right))
    if left == right:
        return 0
    return 1 if right > left else -1


def version_lt(v1: str, v2: str) -> bool:
    """True when API version ``v1`` is older than ``v2``."""
    return compare_version(v1, v2) > 0


def version_gte(v1: str, v2: str) -> bool:
    """True when API version ``v1`` is ``v2`` or newer."""
    return not version_lt(v1, v2)


# --------------------------------------------------------------------------------------------
# Ports, volumes, mounts, networks


def _port_binding(binding: Any) -> dict[str, str]:
    """One host-side binding in the ``{'HostIp', 'HostPort'}`` form of the Engine API."""
    host_ip: Any = ""
    host_port: Any = ""
    if isinstance(binding, tuple):
        if len(binding) == 2:
            host_ip, host_port = binding
        elif len(binding) == 1:
            if isinstance(binding[0], str):
                host_ip = binding[0]
            else:
                host_port = binding[0]
        else:
            raise ValueError(f"Invalid port binding {binding!r}: expected (ip, port)")
    elif isinstance(binding, Mapping):
        if "HostPort" not in binding:
            raise ValueError(binding)
        host_port = binding["HostPort"]
        host_ip = binding.get("HostIp", "")
    else:
        host_port = binding
    return {
        "HostIp": "" if host_ip is None else str(host_ip),
        "HostPort": "" if host_port is None else str(host_port),
    }


def convert_port_bindings(port_bindings: Mapping[Any, Any]) -> dict[str, list[dict[str, str]]]:
    """Turn ``{container_port: host_binding(s)}`` into the Engine's ``PortBindings`` dict.

    A key is an int or ``'port/proto'`` (``/tcp`` is added when no protocol is given). A value is
    None (random host port), a host port, ``(ip, port)``, ``(ip,)``, ``(port,)``, a
    ``{'HostPort', 'HostIp'}`` dict, or a list of any of these.
    """
    result: dict[str, list[dict[str, str]]] = {}
    for key, value in port_bindings.items():
        port = str(key)
        if "/" not in port:
            port += "/tcp"
        if isinstance(value, list):
            result[port] = [_port_binding(item) for item in value]
        else:
            result[port] = [_port_binding(value)]
    return result


_PROPAGATION_MODES = ("rshared", "shared", "rslave", "slave", "rprivate", "private")


def _text(value: Any) -> Any:
    """Decode bytes as UTF-8; anything else is returned untouched."""
    return value.decode("utf-8") if isinstance(value, bytes) else value


def convert_volume_binds(binds: Any) -> list[str]:
    """Turn a ``{host_path_or_volume: spec}`` dict into the Engine's ``Binds`` list.

    ``spec`` is either the container path (mounted read-write) or a dict with ``bind`` and
    optionally ``ro`` (bool) *or* ``mode``, and ``propagation``. A list is returned unchanged.
    """
    if isinstance(binds, list):
        return binds
    if not isinstance(binds, Mapping):
        return list(binds)
    result: list[str] = []
    for key, spec in binds.items():
        host = _text(key)
        if isinstance(spec, Mapping):
            if "bind" not in spec:
                raise ValueError(f"Volume spec for {host!r} has no 'bind' (container path) key")
            if "ro" in spec and "mode" in spec:
                raise ValueError(f"Binding cannot contain both 'ro' and 'mode': {spec!r}")
            bind = _text(spec["bind"])
            if "ro" in spec:
                mode = "ro" if spec["ro"] else "rw"
            else:
                mode = _text(spec.get("mode") or "rw")
            propagation = spec.get("propagation")
            if propagation is not None:
                propagation = _text(propagation)
                if propagation not in _PROPAGATION_MODES:
                    raise ValueError(
                        f"Propagation mode must be one of {', '.join(_PROPAGATION_MODES)}; "
                        f"got {propagation!r}"
                    )
                mode = f"{mode},{propagation}"
            result.append(f"{host}:{bind}:{mode}")
        else:
            result.append(f"{host}:{_text(spec)}:rw")
    return result


def convert_tmpfs_mounts(tmpfs: Any) -> dict[str, str]:
    """Normalise ``tmpfs`` to ``{container_path: options}``.

    A dict is returned as is; a list of ``'path[:options]'`` strings is converted.
    """
    if isinstance(tmpfs, dict):
        return tmpfs
    if not isinstance(tmpfs, list):
        raise ValueError(f"Expected tmpfs to be a list or a dict, but found {type(tmpfs).__name__}")
    result: dict[str, str] = {}
    for mount in tmpfs:
        if not isinstance(mount, str):
            raise ValueError(
                "Expected each tmpfs entry to be a 'path' or 'path:options' string, "
                f"but found {type(mount).__name__}"
            )
        path, _, options = mount.partition(":")
        result[path] = options
    return result


def convert_service_networks(networks: Any) -> Any:
    """Turn a list of network names into ``[{'Target': name}]``; dict items are kept as is."""
    if not networks:
        return networks
    if not isinstance(networks, list):
        raise TypeError("networks must be a list of network names or dicts")
    return [{"Target": net} if isinstance(net, str) else net for net in networks]


# --------------------------------------------------------------------------------------------
# Repository names, hosts, env


def parse_repository_tag(repo_name: str) -> tuple[str, str | None]:
    """Split ``repo[:tag]`` or ``repo@digest`` into ``(repo, tag_or_digest)``.

    A colon that belongs to a registry port (``host:5000/repo``) is not taken as a tag.
    """
    parts = repo_name.rsplit("@", 1)
    if len(parts) == 2:
        return parts[0], parts[1]
    parts = repo_name.rsplit(":", 1)
    if len(parts) == 2 and "/" not in parts[1]:
        return parts[0], parts[1]
    return repo_name, None


_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+")
_KNOWN_SCHEMES = frozenset({"tcp", "unix", "npipe", "ssh", "http", "https", "http+unix", "fd"})
#: The address forms a client can use, as error messages list them.
_SUPPORTED_SCHEMES = "unix://, tcp://, http://, https://, ssh:// and npipe://"
#: What follows ``host:`` when a bare ``host:port[/path]`` was read as ``scheme:path`` (gap A10).
_PORT_TAIL = re.compile(r"\d*(?:/.*)?", re.DOTALL)


def _bad_address(addr: str, detail: str = "") -> errors.DockerException:
    return errors.DockerException(f"Invalid bind address format: {detail}{addr}")


def parse_host(addr: str | None, is_win32: bool = False, tls: bool = False) -> str:
    """Normalise a Docker host address into the URL form the transports use.

    ``tcp://`` becomes ``http://`` (``https://`` when ``tls``), ``unix://`` becomes
    ``http+unix://``; ``npipe://`` and ``ssh://`` are kept (ssh gets port 22 by default).
    An empty address gives the platform's default socket. Raises
    :class:`~docker.errors.DockerException` for anything that is not a usable address.
    """
    if not addr and is_win32:
        return DEFAULT_NPIPE
    if not addr or addr.strip() == "unix://":
        return DEFAULT_UNIX_SOCKET
    addr = addr.strip()
    from urllib.parse import urlparse, urlunparse

    try:
        parsed = urlparse(addr)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        raise _bad_address(addr) from None
    proto = parsed.scheme
    if (
        not proto
        or not _SCHEME_CHARS.issuperset(proto)
        # Gap A10: 'localhost:2375' parses as scheme 'localhost'. A bare 'host:port' is
        # recognised by the absence of '//' and a port (or nothing) after the colon.
        or (
            proto.lower() not in _KNOWN_SCHEMES
            and "://" not in addr
            and _PORT_TAIL.fullmatch(addr[len(proto) + 1 :]) is not None
        )
    ):
        try:
            parsed = urlparse("//" + addr, "tcp")
        except ValueError:
            raise _bad_address(addr) from None
        proto = "tcp"

    if proto == "fd":
        raise errors.DockerException(
            "fd protocol is not implemented: fd:// is the daemon's systemd socket-activation "
            "listener (dockerd -H fd://), which a client cannot connect to; use the address "
            "that socket is bound to, such as unix:///var/run/docker.sock. Supported: "
            f"{_SUPPORTED_SCHEMES}."
        )

    if proto in ("http", "https"):
        tls = proto == "https"
        proto = "tcp"
    elif proto == "http+unix":
        proto = "unix"

    if proto not in ("tcp", "unix", "npipe", "ssh"):
        raise errors.DockerException(
            f"Invalid bind address protocol: {addr} (supported: {_SUPPORTED_SCHEMES})"
        )

    if proto == "tcp" and not parsed.netloc:
        raise _bad_address(addr)
    if parsed.params or parsed.query or parsed.fragment or parsed.password:
        raise _bad_address(addr)
    if proto == "ssh" and parsed.path:
        raise _bad_address(addr, "no path allowed for this protocol: ")

    path = parsed.path
    if proto == "unix" and parsed.hostname is not None:
        # Legacy form 'unix://relative/path': the first segment was read as a host name.
        path = f"{parsed.hostname}/{path}"

    netloc = parsed.netloc
    if proto in ("tcp", "ssh"):
        try:
            port = parsed.port or 0
        except ValueError:  # not a number, or out of range
            raise _bad_address(addr) from None
        if port <= 0:
            if proto != "ssh":
                raise _bad_address(addr, "port is required: ")
            port = 22
            netloc = f"{parsed.netloc}:{port}"
        if not parsed.hostname:
            netloc = f"{DEFAULT_HTTP_HOST}:{port}"

    if proto == "tcp":
        proto = "https" if tls else "http"
    elif proto == "unix":
        proto = "http+unix"

    if proto in ("http+unix", "npipe"):
        return f"{proto}://{path}".rstrip("/")
    return urlunparse(
        URLComponents(scheme=proto, netloc=netloc, url=path, params="", query="", fragment="")
    ).rstrip("/")


def kwargs_from_env(environment: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Client keyword arguments (``base_url``, ``tls``) from the ``DOCKER_*`` variables.

    Reads ``DOCKER_HOST``, ``DOCKER_TLS_VERIFY`` (any non-empty value, even ``0``, turns
    verification on) and ``DOCKER_CERT_PATH`` (default ``~/.docker``) from ``environment``, or
    from ``os.environ`` when ``environment`` is empty or None. TLS is enabled when a cert path
    is set or verification is requested; the certificate files must then exist.
    """
    env: Mapping[str, str] = environment or os.environ
    host = env.get("DOCKER_HOST")
    cert_path = env.get("DOCKER_CERT_PATH") or None
    tls_verify_value = env.get("DOCKER_TLS_VERIFY")
    tls_verify = tls_verify_value is not None and tls_verify_value != ""

    params: dict[str, Any] = {}
    if host:
        params["base_url"] = host
    if not (cert_path or tls_verify):
        return params

    if not cert_path:
        cert_path = os.path.join(os.path.expanduser("~"), ".docker")
    from ..tls import TLSConfig

    params["tls"] = TLSConfig(
        client_cert=(
            os.path.join(cert_path, "cert.pem"),
            os.path.join(cert_path, "key.pem"),
        ),
        ca_cert=os.path.join(cert_path, "ca.pem"),
        verify=tls_verify,
    )
    return params


def convert_filters(filters: Mapping[str, Any]) -> str:
    """Encode a filters dict as the JSON string the API takes: ``{key: [str, ...]}``.

    Booleans become ``'true'``/``'false'``, a single value becomes a one-item list and
    non-string items are converted with ``str()``.
    """
    result: dict[str, list[str]] = {}
    for key, value in filters.items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        if not isinstance(value, (list, tuple)):
            value = [value]
        result[key] = [item if isinstance(item, str) else str(item) for item in value]
    import json

    return json.dumps(result)


def datetime_to_timestamp(dt: datetime) -> int:
    """Whole seconds since the Unix epoch (a naive ``dt`` is taken as local time)."""
    import datetime as _dt

    utc = _dt.timezone.utc
    delta = dt.astimezone(utc) - _dt.datetime(1970, 1, 1, tzinfo=utc)
    return delta.days * 86400 + delta.seconds


def parse_bytes(s: Any) -> Any:
    """Convert a size such as ``'512m'``, ``'1.5g'`` or ``'2kb'`` to a number of bytes.

    Units are ``b``, ``k``, ``m`` and ``g`` (powers of 1024, case-insensitive); a trailing ``b``
    after a unit letter is ignored; no unit means bytes. Ints and floats are returned unchanged.
    """
    if isinstance(s, (int, float)):
        return s
    if len(s) == 0:
        return 0
    if len(s) >= 2 and s[-2].isalpha() and s[-1] in "bB":
        s = s[:-1]
    suffix = s[-1].lower()
    if suffix.isdigit():
        number, unit = s, "b"
    else:
        number, unit = s[:-1], suffix
    if unit not in BYTE_UNITS:
        raise errors.DockerException(
            f"Unknown unit in the memory value ({s}): "
            "use one of the suffixes `b`, `k`, `m` or `g` (or none for bytes)"
        )
    try:
        value = float(number)
    except ValueError:
        raise errors.DockerException(
            f"Failed converting the string value for memory ({number}) to an integer."
        ) from None
    return int(value * BYTE_UNITS[unit])


def normalize_links(
    links: Mapping[str, str | None] | Iterable[tuple[str, str | None]],
) -> list[str]:
    """Turn ``{name: alias}`` (or ``(name, alias)`` pairs) into sorted ``'name:alias'`` strings.

    A falsy alias gives just ``'name'``.
    """
    pairs = links.items() if isinstance(links, Mapping) else links
    return [f"{name}:{alias}" if alias else name for name, alias in sorted(pairs)]


def parse_env_file(env_file: str | os.PathLike[str]) -> dict[str, str]:
    """Read a ``KEY=value`` file (as used by ``docker run --env-file``) into a dict.

    Lines starting with ``#`` and blank lines are skipped; a line without ``=`` raises
    :class:`~docker.errors.DockerException`.
    """
    environment: dict[str, str] = {}
    with open(env_file, encoding="utf-8") as handle:
        for raw in handle:
            if raw.startswith("#"):
                continue
            line = raw.strip()
            if not line:
                continue
            key, sep, value = line.partition("=")
            if not sep:
                raise errors.DockerException(
                    f"Invalid line in environment file {env_file} (expected KEY=value): {line}"
                )
            environment[key] = value
    return environment


def split_command(command: str) -> list[str]:
    """Split a command line the way a POSIX shell would (``shlex.split``)."""
    import shlex

    return shlex.split(command)


def format_environment(environment: Mapping[str, Any]) -> list[str]:
    """Turn ``{key: value}`` into ``['key=value', ...]``; a None value gives just ``'key'``."""

    def entry(key: str, value: Any) -> str:
        if value is None:
            return key
        return f"{key}={_text(value)}"

    return [entry(key, value) for key, value in environment.items()]


def format_extra_hosts(extra_hosts: Any, task: bool = False) -> list[str]:
    """Turn ``{hostname: ip}`` into sorted ``'hostname:ip'`` entries.

    With ``task=True`` the Swarm task format ``'ip hostname'`` is used instead. A list is
    assumed to be formatted already and is returned as a list.
    """
    if not isinstance(extra_hosts, Mapping):
        return list(extra_hosts)
    if task:
        return [f"{ip} {host}" for host, ip in sorted(extra_hosts.items())]
    return [f"{host}:{ip}" for host, ip in sorted(extra_hosts.items())]


def parse_devices(devices: Iterable[Any]) -> list[dict[str, Any]]:
    """Turn ``'host[:container[:permissions]]'`` strings into Engine device mappings.

    Dicts are kept as they are. The container path defaults to the host path and the
    permissions to ``'rwm'``.
    """
    result: list[dict[str, Any]] = []
    for device in devices:
        if isinstance(device, dict):
            result.append(device)
            continue
        if not isinstance(device, str):
            raise errors.DockerException(
                f"Invalid device: expected a str or a dict, got {type(device).__name__}"
            )
        parts = device.split(":")
        on_host = parts[0]
        in_container = parts[1] if len(parts) > 1 and parts[1] else on_host
        permissions = parts[2] if len(parts) > 2 and parts[2] else "rwm"
        result.append(
            {
                "PathOnHost": on_host,
                "PathInContainer": in_container,
                "CgroupPermissions": permissions,
            }
        )
    return result


def decode_json_header(header: str | bytes) -> Any:
    """Decode a base64-encoded JSON header value (such as ``X-Docker-Container-Path-Stat``)."""
    import base64
    import json

    return json.loads(base64.b64decode(header).decode("utf-8"))
