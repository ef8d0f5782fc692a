"""Parsing of ``docker run -p`` style port specifications (kept for Docker Compose).

The library itself does not use these helpers; ``import docker.utils.ports`` explicitly.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "PORT_SPEC",
    "add_port",
    "add_port_mapping",
    "build_port_bindings",
    "port_range",
    "split_port",
]

#: ``[[host_ip:][host_port[-end]]:]container_port[-end][/protocol]``; an IPv6 host address
#: may be written in brackets (``[::1]:8080:80``).
PORT_SPEC = re.compile(
    r"""
    \A
    (?:                                    # the host side, optional
        (?:
            (?:\[(?P<host6>[0-9A-Fa-f:.]+)\]   # bracketed IPv6 address
            | (?P<host>[0-9A-Fa-f:.]+)          # IPv4 (or unbracketed IPv6) address
            ):
        )?
        (?P<ext>\d*)(?:-(?P<ext_end>\d+))?:
    )?
    (?P<int>\d+)(?:-(?P<int_end>\d+))?     # the container side
    (?P<proto>/(?:tcp|udp|sctp))?
    \Z
    """,
    re.VERBOSE,
)

_EXPECTED_FORM = "[[host_ip:][host_port[-end]]:]container_port[-end][/protocol]"


def add_port_mapping(
    port_bindings: dict[str, list[Any]], internal_port: str, external: Any
) -> None:
    """Append the host side ``external`` to the bindings of ``internal_port``."""
    port_bindings.setdefault(internal_port, []).append(external)


def add_port(
    port_bindings: dict[str, list[Any]],
    internal_port_range: list[str],
    external_range: list[Any] | None,
) -> None:
    """Add the pairs of two ranges from :func:`split_port` (``None``: random host ports)."""
    if external_range is None:
        for internal_port in internal_port_range:
            add_port_mapping(port_bindings, internal_port, None)
        return
    for internal_port, external in zip(internal_port_range, external_range, strict=False):
        add_port_mapping(port_bindings, internal_port, external)


def build_port_bindings(ports: list[Any]) -> dict[str, list[Any]]:
    """Turn a list of port specifications into ``{container_port: [host_side, ...]}``.

    The result can be given to ``HostConfig(port_bindings=...)``.
    """
    port_bindings: dict[str, list[Any]] = {}
    for port in ports:
        internal_port_range, external_range = split_port(port)
        add_port(port_bindings, internal_port_range, external_range)
    return port_bindings


def port_range(
    start: str | None,
    end: str | None,
    proto: str,
    randomly_available_port: bool = False,
) -> list[str] | None:
    """The ports ``start`` to ``end`` (inclusive) as strings, each followed by ``proto``.

    ``proto`` is a suffix such as ``'/udp'`` or ``''``. Without ``end`` the list has only
    ``start``; with ``randomly_available_port`` the range stays one ``'start-end'`` item (a host
    range the daemon picks a free port from). An empty ``start`` gives None.
    """
    if not start:
        return None
    if not end:
        return [start + proto]
    if randomly_available_port:
        return [f"{start}-{end}{proto}"]
    first, last = int(start), int(end)
    if last < first:
        raise ValueError(f"Invalid port range {start}-{end}: the end is before the start")
    return [f"{port}{proto}" for port in range(first, last + 1)]


def split_port(port: Any) -> tuple[list[str], list[Any] | None]:
    """Parse one port specification into ``(container_ports, host_side)``.

    ``container_ports`` carry the ``/protocol`` suffix when one was given. ``host_side`` is
    None (no host part: random host ports), a list of host ports, or a list of
    ``(host_ip, host_port_or_None)`` pairs, one per container port. A single container port
    with a host range gives the range as one item (``'8000-8010'``). Raises ``ValueError`` for a
    malformed specification or ranges of different lengths.
    """
    spec = str(port)
    match = PORT_SPEC.match(spec)
    if match is None:
        raise ValueError(f'Invalid port "{spec}", should be {_EXPECTED_FORM}')
    host = match.group("host6") or match.group("host")
    proto = match.group("proto") or ""
    internal = port_range(match.group("int"), match.group("int_end"), proto)
    assert internal is not None  # the container port is required by PORT_SPEC
    external = port_range(match.group("ext"), match.group("ext_end"), "", len(internal) == 1)

    if external is not None and len(external) != len(internal):
        raise ValueError("Port ranges don't match in length")
    if host is None:
        return internal, external
    if external is None:
        return internal, [(host, None) for _ in internal]
    return internal, [(host, host_port) for host_port in external]
