"""The swarm as an object: ``client.swarm``."""

from __future__ import annotations

from types import CoroutineType
from typing import Any

from .._core.modelcall import ApiVersion, ModelCall, model_call
from ..errors import APIError
from .resource import Model

__all__ = ["Swarm"]

#: The original SDK's default node certificate expiry for :meth:`Swarm.update` (90 days, ns).
DEFAULT_NODE_CERT_EXPIRY = 7776000000000000


class Swarm(Model):
    """The swarm this engine belongs to (``client.swarm``).

    Made on each access of ``client.swarm``; with a sync client the constructor reads the
    swarm's attributes (``attrs`` stays empty when the engine is in no swarm).  With the async
    client, ``await swarm.reload()`` first.
    """

    id_attribute = "ID"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.client:
            result = self._load()
            if isinstance(result, CoroutineType):  # async client: no I/O in a constructor
                result.close()

    @model_call
    def _load(self) -> ModelCall[None]:
        try:
            self.attrs = yield self.client.api.inspect_swarm()
        except APIError as exc:
            if exc.status_code not in (406, 503):  # 503: not in a swarm
                raise

    @property
    def version(self) -> int | None:
        """The swarm's version index (``Version.Index``), which updates must quote.

        None when the engine is in no swarm (the original raised AttributeError).
        """
        return (self.attrs.get("Version") or {}).get("Index")

    @model_call
    def get_unlock_key(self) -> ModelCall[dict[str, Any]]:
        """The unlock key of an autolocked swarm: ``{'UnlockKey': ...}``."""
        result: dict[str, Any] = yield self.client.api.get_unlock_key()
        return result

    @model_call
    def init(
        self,
        advertise_addr: str | None = None,
        listen_addr: str = "0.0.0.0:2377",
        force_new_cluster: bool = False,
        default_addr_pool: list[str] | None = None,
        subnet_size: int | None = None,
        data_path_addr: str | None = None,
        data_path_port: int | None = None,
        **kwargs: Any,
    ) -> ModelCall[str]:
        """Create a new swarm with this engine as its first manager; returns the node ID.

        The addresses are those of :meth:`~docker.api.swarm.SwarmApiMixin.init_swarm`; the
        other keyword arguments make the :class:`~docker.types.SwarmSpec`
        (``task_history_retention_limit``, ``snapshot_interval``, ``keep_old_snapshots``,
        ``log_entries_for_slow_followers``, ``heartbeat_tick``, ``election_tick``,
        ``dispatcher_heartbeat_period``, ``node_cert_expiry``, ``external_ca``, ``name``,
        ``labels``, ``signing_ca_cert``, ``signing_ca_key``, ``ca_force_rotate``,
        ``autolock_managers``, ``log_driver``).  The attributes are read again afterwards.
        """
        api = self.client.api
        yield ApiVersion(api)  # the spec depends on the API version: negotiate it first
        swarm_spec = api.create_swarm_spec(**kwargs)
        node_id: str = yield api.init_swarm(
            advertise_addr=advertise_addr,
            listen_addr=listen_addr,
            force_new_cluster=force_new_cluster,
            default_addr_pool=default_addr_pool,
            subnet_size=subnet_size,
            data_path_addr=data_path_addr,
            data_path_port=data_path_port,
            swarm_spec=swarm_spec,
        )
        yield self.reload()
        return node_id

    @model_call
    def join(self, *args: Any, **kwargs: Any) -> ModelCall[bool]:
        """Join an existing swarm; see :meth:`~docker.api.swarm.SwarmApiMixin.join_swarm`."""
        result: bool = yield self.client.api.join_swarm(*args, **kwargs)
        return result

    @model_call
    def leave(self, *args: Any, **kwargs: Any) -> ModelCall[bool]:
        """Leave the swarm (``force=True`` for a manager); see
        :meth:`~docker.api.swarm.SwarmApiMixin.leave_swarm`."""
        result: bool = yield self.client.api.leave_swarm(*args, **kwargs)
        return result

    @model_call
    def reload(self) -> ModelCall[None]:
        """Read the swarm's attributes again."""
        self.attrs = yield self.client.api.inspect_swarm()

    @model_call
    def unlock(self, key: str | dict[str, Any]) -> ModelCall[bool]:
        """Unlock an autolocked manager after a restart, with its unlock key."""
        result: bool = yield self.client.api.unlock_swarm(key)
        return result

    @model_call
    def update(
        self,
        rotate_worker_token: bool = False,
        rotate_manager_token: bool = False,
        rotate_manager_unlock_key: bool = False,
        **kwargs: Any,
    ) -> ModelCall[bool]:
        """Change the swarm's settings (the :class:`~docker.types.SwarmSpec` arguments of
        :meth:`init`) and/or rotate its join tokens or unlock key.

        The whole spec is replaced: settings not given go back to the daemon's defaults
        (``node_cert_expiry`` to 90 days).  Uses the version in :attr:`attrs`, so
        :meth:`reload` between two updates.
        """
        if kwargs.get("node_cert_expiry") is None:
            kwargs["node_cert_expiry"] = DEFAULT_NODE_CERT_EXPIRY
        api = self.client.api
        yield ApiVersion(api)
        result: bool = yield api.update_swarm(
            version=self.version,
            swarm_spec=api.create_swarm_spec(**kwargs),
            rotate_worker_token=rotate_worker_token,
            rotate_manager_token=rotate_manager_token,
            rotate_manager_unlock_key=rotate_manager_unlock_key,
        )
        return result
