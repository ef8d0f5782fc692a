"""Volumes as objects: ``client.volumes`` and the :class:`Volume` model."""

from __future__ import annotations

from typing import Any

from .resource import Collection, Model

__all__ = ["Volume", "VolumeCollection"]


class Volume(Model):
    """A Docker volume, identified by its name."""

    id_attribute = "Name"

    @property
    def name(self) -> str:
        """The volume's name (also its ID)."""
        name: str = self.attrs["Name"]
        return name

    def remove(self, force: bool = False) -> None:
        """Delete the volume; ``force`` also drops one its driver no longer knows."""
        self.client.api.remove_volume(self.id, force=force)


class VolumeCollection(Collection):
    """The volumes of the daemon (``client.volumes``)."""

    model = Volume

    def create(self, name: str | None = None, **kwargs: Any) -> Volume:  # type: ignore[override]
        """Create a volume (a random name when ``name`` is None) and return it.

        Takes ``driver``, ``driver_opts`` and ``labels`` as
        :meth:`~docker.api.volume.VolumeApiMixin.create_volume` does.
        """
        volume: Volume = self.prepare_model(self.client.api.create_volume(name, **kwargs))
        return volume

    def get(self, volume_id: str) -> Volume:
        """One volume, by name; :class:`~docker.errors.NotFound` when there is none."""
        volume: Volume = self.prepare_model(self.client.api.inspect_volume(volume_id))
        return volume

    def list(self, **kwargs: Any) -> list[Volume]:
        """The volumes, optionally restricted by ``filters``."""
        response = self.client.api.volumes(**kwargs)
        if not response.get("Volumes"):
            return []
        return [self.prepare_model(item) for item in response["Volumes"]]

    def prune(self, filters: dict[str, Any] | None = None) -> dict[str, Any]:
        """Delete the volumes no container uses.

        Returns ``{'VolumesDeleted': [...], 'SpaceReclaimed': ...}``.
        """
        result: dict[str, Any] = self.client.api.prune_volumes(filters=filters)
        return result
