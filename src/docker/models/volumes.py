"""Volumes as objects: ``client.volumes`` and the :class:`Volume` model."""

from __future__ import annotations

from typing import Any

from .._core.modelcall import ModelCall, model_call
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

    @model_call
    def remove(self, force: bool = False) -> ModelCall[None]:
        """Delete the volume; ``force`` also drops one its driver no longer knows."""
        yield self.client.api.remove_volume(self.id, force=force)


class VolumeCollection(Collection):
    """The volumes of the daemon (``client.volumes``)."""

    model = Volume

    @model_call
    def create(  # type: ignore[override]
        self, name: str | None = None, **kwargs: Any
    ) -> ModelCall[Volume]:
        """Create a volume (a random name when ``name`` is None) and return it.

        Takes ``driver``, ``driver_opts`` and ``labels`` as
        :meth:`~docker.api.volume.VolumeApiMixin.create_volume` does.
        """
        volume: Volume = self.prepare_model((yield self.client.api.create_volume(name, **kwargs)))
        return volume

    @model_call
    def get(self, volume_id: str) -> ModelCall[Volume]:
        """One volume, by name; :class:`~docker.errors.NotFound` when there is none."""
        volume: Volume = self.prepare_model((yield self.client.api.inspect_volume(volume_id)))
        return volume

    @model_call
    def list(self, **kwargs: Any) -> ModelCall[list[Volume]]:
        """The volumes, optionally restricted by ``filters``."""
        response = yield self.client.api.volumes(**kwargs)
        if not response.get("Volumes"):
            return []
        return [self.prepare_model(item) for item in response["Volumes"]]

    @model_call
    def prune(self, filters: dict[str, Any] | None = None) -> ModelCall[dict[str, Any]]:
        """Delete the volumes no container uses.

        Returns ``{'VolumesDeleted': [...], 'SpaceReclaimed': ...}``.
        """
        result: dict[str, Any] = yield self.client.api.prune_volumes(filters=filters)
        return result
