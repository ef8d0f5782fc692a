"""Swarm endpoints: create, join, leave, inspect and update a swarm, unlock it, and its nodes."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .. import errors
from .._core.endpoint import Call, endpoint
from .._core.message import Request
from ..constants import DEFAULT_SWARM_ADDR_POOL, DEFAULT_SWARM_SUBNET_SIZE
from ..utils.decorators import check_resource, minimum_version
from ..utils.utils import convert_filters, version_lt
from .daemon import json_request

if TYPE_CHECKING:
    from ..types.swarm import SwarmSpec

__all__ = ["SwarmApiMixin", "swarm_call"]

#: Lower-cased fragments of a daemon message that mean "this engine is not a swarm manager".
_NOT_IN_SWARM_MARKERS = ("not a swarm manager", "not part of a swarm")

SWARM_HINT = (
    "hint: this engine is not a swarm manager: create a swarm with client.swarm.init() "
    "(APIClient.init_swarm()) or join one with client.swarm.join(...) first"
)


def swarm_call(request: Request) -> Call[Any]:
    """Send ``request``; a "not a swarm manager" error gets a hint on how to fix it.

    The daemon answers 503 to swarm operations when the engine is in no swarm (or is a mere
    worker); the :class:`~docker.errors.APIError`'s explanation then also says to call
    ``client.swarm.init()`` (or to join a swarm).
    """
    try:
        return (yield request)
    except errors.APIError as exc:
        explanation = exc.explanation or ""
        if exc.status_code == 503 and any(
            marker in explanation.lower() for marker in _NOT_IN_SWARM_MARKERS
        ):
            exc.explanation = f"{explanation.rstrip()} ({SWARM_HINT})"
        raise


def _gate(version: str, minimum: str, message: str) -> None:
    if version_lt(version, minimum):
        raise errors.InvalidVersion(message)


class SwarmApiMixin:
    """Endpoints about the swarm (``/swarm``) and its nodes (``/nodes``)."""

    _version: str
    _path: Callable[..., str]

    def create_swarm_spec(self, *args: Any, **kwargs: Any) -> SwarmSpec:
        """A :class:`~docker.types.SwarmSpec` for the API version in use.

        Takes the arguments of :class:`~docker.types.SwarmSpec` (without ``version``), and
        ``external_ca``: one :class:`~docker.types.SwarmExternalCA`, short for
        ``external_cas=[external_ca]``.
        """
        external_ca = kwargs.pop("external_ca", None)
        if external_ca:
            kwargs["external_cas"] = [external_ca]
        from ..types.swarm import SwarmSpec

        return SwarmSpec(self._version, *args, **kwargs)

    @endpoint
    @minimum_version("1.24")
    def get_unlock_key(self) -> Call[dict[str, Any]]:
        """The key that unlocks an autolocked manager (``GET /swarm/unlockkey``):
        ``{'UnlockKey': 'SWMKEY-1-...'}``."""
        response = yield from swarm_call(Request("GET", "/swarm/unlockkey"))
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    @minimum_version("1.24")
    def init_swarm(
        self,
        advertise_addr: str | None = None,
        listen_addr: str = "0.0.0.0:2377",
        force_new_cluster: bool = False,
        swarm_spec: dict[str, Any] | None = None,
        default_addr_pool: list[str] | None = None,
        subnet_size: int | None = None,
        data_path_addr: str | None = None,
        data_path_port: int | None = None,
    ) -> Call[str]:
        """Make this engine the first manager of a new swarm (``POST /swarm/init``).

        ``advertise_addr`` is the address other nodes reach this one at (``ip[:port]`` or an
        interface name); ``listen_addr`` where the manager listens; ``force_new_cluster``
        rebuilds a one-manager swarm from this node's state; ``swarm_spec`` a
        :class:`~docker.types.SwarmSpec` (see :meth:`create_swarm_spec`);
        ``default_addr_pool`` the subnets overlay networks are carved from, ``subnet_size``
        their prefix length (either implies the default of the other: ``['10.0.0.0/8']``,
        24); ``data_path_addr``/``data_path_port`` the address and UDP port of the data
        (VXLAN) traffic.  Returns the new node's ID.
        """
        if swarm_spec is not None and not isinstance(swarm_spec, dict):
            raise TypeError("swarm_spec must be a dictionary")
        if default_addr_pool is not None:
            _gate(self._version, "1.39", "Address pool is only available for API version >= 1.39")
            if subnet_size is None:
                subnet_size = DEFAULT_SWARM_SUBNET_SIZE
        if subnet_size is not None:
            _gate(self._version, "1.39", "Subnet size is only available for API version >= 1.39")
            if default_addr_pool is None:
                default_addr_pool = list(DEFAULT_SWARM_ADDR_POOL)
        data: dict[str, Any] = {
            "AdvertiseAddr": advertise_addr,
            "ListenAddr": listen_addr,
            "DefaultAddrPool": default_addr_pool,
            "SubnetSize": subnet_size,
            "ForceNewCluster": force_new_cluster,
            "Spec": swarm_spec,
        }
        if data_path_addr is not None:
            _gate(
                self._version,
                "1.30",
                "Data address path is only available for API version >= 1.30",
            )
            data["DataPathAddr"] = data_path_addr
        if data_path_port is not None:
            _gate(self._version, "1.40", "Data path port is only available for API version >= 1.40")
            data["DataPathPort"] = data_path_port
        response = yield json_request("POST", "/swarm/init", data)
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    @minimum_version("1.24")
    def inspect_swarm(self) -> Call[dict[str, Any]]:
        """The swarm's details (``GET /swarm``): ID, Version, Spec, JoinTokens, ..."""
        response = yield from swarm_call(Request("GET", "/swarm"))
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    @check_resource("node_id")
    @minimum_version("1.24")
    def inspect_node(self, node_id: str) -> Call[dict[str, Any]]:
        """A node's details (``GET /nodes/{id}``), by ID or hostname."""
        response = yield from swarm_call(Request("GET", self._path("/nodes/{0}", node_id)))
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    @minimum_version("1.24")
    def join_swarm(
        self,
        remote_addrs: list[str],
        join_token: str,
        listen_addr: str = "0.0.0.0:2377",
        advertise_addr: str | None = None,
        data_path_addr: str | None = None,
    ) -> Call[bool]:
        """Join an existing swarm (``POST /swarm/join``) as a worker or manager.

        ``remote_addrs`` are addresses of managers of that swarm; ``join_token`` its worker or
        manager token (``inspect_swarm()['JoinTokens']``).  The other arguments are those of
        :meth:`init_swarm`.
        """
        data: dict[str, Any] = {
            "RemoteAddrs": remote_addrs,
            "ListenAddr": listen_addr,
            "JoinToken": join_token,
            "AdvertiseAddr": advertise_addr,
        }
        if data_path_addr is not None:
            _gate(
                self._version,
                "1.30",
                "Data address path is only available for API version >= 1.30",
            )
            data["DataPathAddr"] = data_path_addr
        yield json_request("POST", "/swarm/join", data)
        return True

    @endpoint
    @minimum_version("1.24")
    def leave_swarm(self, force: bool = False) -> Call[bool]:
        """Leave the swarm (``POST /swarm/leave``).

        A manager needs ``force=True`` (the last manager's leaving destroys the swarm's state).
        With ``force``, leaving when the engine is in no swarm is not an error.
        """
        try:
            yield Request("POST", "/swarm/leave", params={"force": force})
        except errors.APIError as exc:
            if force and exc.status_code in (406, 503):
                return True
            raise
        return True

    @endpoint
    @minimum_version("1.24")
    def nodes(self, filters: dict[str, Any] | None = None) -> Call[list[dict[str, Any]]]:
        """The swarm's nodes (``GET /nodes``).

        ``filters``: ``id``, ``label``, ``membership`` (``accepted``/``pending``), ``name``,
        ``node.label`` and ``role`` (``manager``/``worker``).
        """
        params = {"filters": convert_filters(filters)} if filters else {}
        response = yield from swarm_call(Request("GET", "/nodes", params=params))
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    @check_resource("node_id")
    @minimum_version("1.24")
    def remove_node(self, node_id: str, force: bool = False) -> Call[bool]:
        """Remove a node from the swarm (``DELETE /nodes/{id}``); ``force`` removes a node that
        is still up."""
        yield from swarm_call(
            Request("DELETE", self._path("/nodes/{0}", node_id), params={"force": force})
        )
        return True

    @endpoint
    @minimum_version("1.24")
    def unlock_swarm(self, key: str | dict[str, Any]) -> Call[bool]:
        """Unlock an autolocked manager after a restart (``POST /swarm/unlock``).

        ``key`` is the unlock key (``'SWMKEY-1-...'``) or ``{'UnlockKey': key}``.
        """
        if isinstance(key, dict):
            if "UnlockKey" not in key:
                raise errors.InvalidArgument("Invalid unlock key format")
            body = key
        else:
            body = {"UnlockKey": key}
        yield json_request("POST", "/swarm/unlock", body)
        return True

    @endpoint
    @minimum_version("1.24")
    def update_node(
        self, node_id: str, version: int, node_spec: dict[str, Any] | None = None
    ) -> Call[bool]:
        """Change a node's spec (``POST /nodes/{id}/update``).

        ``version`` is the node's current ``Version.Index`` (the update fails if it changed
        meanwhile); ``node_spec`` the whole new spec: ``{'Availability': 'active' | 'pause' |
        'drain', 'Role': 'manager' | 'worker', 'Labels': {...}, 'Name': ...}``.
        """
        yield from swarm_call(
            json_request(
                "POST",
                self._path("/nodes/{0}/update", node_id),
                node_spec,
                params={"version": str(version)},
            )
        )
        return True

    @endpoint
    @minimum_version("1.24")
    def update_swarm(
        self,
        version: int,
        swarm_spec: dict[str, Any] | None = None,
        rotate_worker_token: bool = False,
        rotate_manager_token: bool = False,
        rotate_manager_unlock_key: bool = False,
    ) -> Call[bool]:
        """Change the swarm's spec (``POST /swarm/update``).

        ``version`` is the swarm's current ``Version.Index``; ``swarm_spec`` the whole new
        spec (a :class:`~docker.types.SwarmSpec`; settings left out go back to their
        defaults); the ``rotate_*`` flags replace the worker join token, the manager join token
        or the unlock key.
        """
        params: dict[str, Any] = {
            "rotateWorkerToken": rotate_worker_token,
            "rotateManagerToken": rotate_manager_token,
            "version": version,
        }
        if rotate_manager_unlock_key:
            _gate(
                self._version,
                "1.25",
                "Rotate manager unlock key is only available for API version >= 1.25",
            )
            params["rotateManagerUnlockKey"] = rotate_manager_unlock_key
        yield from swarm_call(json_request("POST", "/swarm/update", swarm_spec, params=params))
        return True
