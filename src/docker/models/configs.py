"""Swarm configs as objects: ``client.configs`` and the :class:`Config` model."""

from __future__ import annotations

from typing import Any

from .._core.modelcall import ModelCall, model_call
from .resource import Collection, Model

__all__ = ["Config", "ConfigCollection"]


class Config(Model):
    """A swarm config."""

    id_attribute = "ID"

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__}: '{self.name}'>"

    @property
    def name(self) -> str:
        """The config's name."""
        name: str = self.attrs["Spec"]["Name"]
        return name

    @model_call
    def remove(self) -> ModelCall[bool]:
        """Delete the config; one that a service uses cannot be deleted."""
        result: bool = yield self.client.api.remove_config(self.id)
        return result


class ConfigCollection(Collection):
    """The configs of the swarm (``client.configs``)."""

    model = Config

    @model_call
    def create(self, **kwargs: Any) -> ModelCall[Config]:  # type: ignore[override]
        """Create a config and return it.

        Takes the arguments of :meth:`~docker.api.config.ConfigApiMixin.create_config`:
        ``name``, ``data``, ``labels`` and ``templating``.  The returned object holds only
        the ID and the name until :meth:`reload`.
        """
        obj = yield self.client.api.create_config(**kwargs)
        obj.setdefault("Spec", {})["Name"] = kwargs.get("name")
        config: Config = self.prepare_model(obj)
        return config

    @model_call
    def get(self, config_id: str) -> ModelCall[Config]:
        """One config, by ID or name; :class:`~docker.errors.NotFound` when there is none."""
        config: Config = self.prepare_model((yield self.client.api.inspect_config(config_id)))
        return config

    @model_call
    def list(self, **kwargs: Any) -> ModelCall[list[Config]]:
        """The configs, optionally restricted by ``filters`` (``id``, ``label``, ``name``,
        ``names``)."""
        items = yield self.client.api.configs(**kwargs)
        return [self.prepare_model(item) for item in items]
