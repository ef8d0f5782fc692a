"""Configuration types of a swarm: its spec and external certificate authorities."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import errors
from ..utils.utils import version_lt

__all__ = ["SwarmExternalCA", "SwarmSpec"]


def _gate(version: str, minimum: str, what: str) -> None:
    if version_lt(version, minimum):
        raise errors.InvalidVersion(f"{what} is not supported in API version < {minimum}")


class SwarmSpec(dict[str, Any]):
    """The settings of a swarm (``SwarmSpec`` in the Engine API).

    Usually made by :meth:`~docker.api.swarm.SwarmApiMixin.create_swarm_spec`, which supplies
    ``version`` (the API version in use).  Durations are in nanoseconds.

    * ``task_history_retention_limit``: finished tasks kept per service slot;
    * Raft: ``snapshot_interval`` (log entries between snapshots), ``keep_old_snapshots``,
      ``log_entries_for_slow_followers``, ``heartbeat_tick``, ``election_tick``;
    * ``dispatcher_heartbeat_period``: how often nodes report to the managers;
    * CA: ``node_cert_expiry``, ``external_cas`` (a list of :class:`SwarmExternalCA`),
      ``signing_ca_cert``/``signing_ca_key`` (PEM), ``ca_force_rotate`` (a counter);
    * ``autolock_managers``: encrypt the managers' keys, so a restarted manager needs the
      unlock key;
    * ``log_driver``: the default log driver of tasks (``{'Name', 'Options'}``);
    * ``name`` and ``labels`` of the swarm.
    """

    def __init__(
        self,
        version: str,
        task_history_retention_limit: int | None = None,
        snapshot_interval: int | None = None,
        keep_old_snapshots: int | None = None,
        log_entries_for_slow_followers: int | None = None,
        heartbeat_tick: int | None = None,
        election_tick: int | None = None,
        dispatcher_heartbeat_period: int | None = None,
        node_cert_expiry: int | None = None,
        external_cas: list[Any] | None = None,
        name: str | None = None,
        labels: Mapping[str, str] | None = None,
        signing_ca_cert: str | None = None,
        signing_ca_key: str | None = None,
        ca_force_rotate: int | None = None,
        autolock_managers: bool | None = None,
        log_driver: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__()
        if task_history_retention_limit is not None:
            self["Orchestration"] = {"TaskHistoryRetentionLimit": task_history_retention_limit}
        raft = (
            snapshot_interval,
            keep_old_snapshots,
            log_entries_for_slow_followers,
            heartbeat_tick,
            election_tick,
        )
        if any(raft):
            self["Raft"] = {
                "SnapshotInterval": snapshot_interval,
                "KeepOldSnapshots": keep_old_snapshots,
                "LogEntriesForSlowFollowers": log_entries_for_slow_followers,
                "HeartbeatTick": heartbeat_tick,
                "ElectionTick": election_tick,
            }
        if dispatcher_heartbeat_period:
            self["Dispatcher"] = {"HeartbeatPeriod": dispatcher_heartbeat_period}

        ca_config: dict[str, Any] = {}
        if node_cert_expiry is not None:
            ca_config["NodeCertExpiry"] = node_cert_expiry
        if external_cas:
            if version_lt(version, "1.25"):
                if len(external_cas) > 1:
                    raise errors.InvalidVersion(
                        "Support for multiple external CAs is not available for API version < 1.25"
                    )
                ca_config["ExternalCA"] = external_cas[0]
            else:
                ca_config["ExternalCAs"] = external_cas
        if signing_ca_key:
            _gate(version, "1.30", "signing_ca_key")
            ca_config["SigningCAKey"] = signing_ca_key
        if signing_ca_cert:
            _gate(version, "1.30", "signing_ca_cert")
            ca_config["SigningCACert"] = signing_ca_cert
        if ca_force_rotate is not None:
            _gate(version, "1.30", "force_rotate")
            ca_config["ForceRotate"] = ca_force_rotate
        if ca_config:
            self["CAConfig"] = ca_config

        if autolock_managers is not None:
            _gate(version, "1.25", "autolock_managers")
            self["EncryptionConfig"] = {"AutoLockManagers": autolock_managers}
        if log_driver is not None:
            _gate(version, "1.25", "log_driver")
            self["TaskDefaults"] = {"LogDriver": log_driver}
        if name is not None:
            self["Name"] = name
        if labels is not None:
            self["Labels"] = labels


class SwarmExternalCA(dict[str, Any]):
    """An external certificate authority that signs the swarm's node certificates.

    ``url`` of its API; ``protocol`` (``'cfssl'``); ``options`` for the protocol; ``ca_cert``
    (PEM) the root certificate it uses.
    """

    def __init__(
        self,
        url: str,
        protocol: str | None = None,
        options: Mapping[str, Any] | None = None,
        ca_cert: str | None = None,
    ) -> None:
        super().__init__()
        self["URL"] = url
        self["Protocol"] = protocol
        self["Options"] = options
        self["CACert"] = ca_cert
