"""Swarm secrets as objects: ``client.secrets`` and the :class:`Secret` model."""

from __future__ import annotations

from typing import Any

from .._core.modelcall import ModelCall, model_call
from .resource import Collection, Model

__all__ = ["Secret", "SecretCollection"]


class Secret(Model):
    """A swarm secret."""

    id_attribute = "ID"

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__}: '{self.name}'>"

    @property
    def name(self) -> str:
        """The secret's name."""
        name: str = self.attrs["Spec"]["Name"]
        return name

    @model_call
    def remove(self) -> ModelCall[bool]:
        """Delete the secret; one that a service uses cannot be deleted."""
        result: bool = yield self.client.api.remove_secret(self.id)
        return result


class SecretCollection(Collection):
    """The secrets of the swarm (``client.secrets``)."""

    model = Secret

    @model_call
    def create(self, **kwargs: Any) -> ModelCall[Secret]:  # type: ignore[override]
        """Create a secret and return it.

        Takes the arguments of :meth:`~docker.api.secret.SecretApiMixin.create_secret`:
        ``name``, ``data``, ``labels`` and ``driver``.  The returned object holds only
        the ID and the name until :meth:`reload`.
        """
        obj = yield self.client.api.create_secret(**kwargs)
        obj.setdefault("Spec", {})["Name"] = kwargs.get("name")
        secret: Secret = self.prepare_model(obj)
        return secret

    @model_call
    def get(self, secret_id: str) -> ModelCall[Secret]:
        """One secret, by ID or name; :class:`~docker.errors.NotFound` when there is none."""
        secret: Secret = self.prepare_model((yield self.client.api.inspect_secret(secret_id)))
        return secret

    @model_call
    def list(self, **kwargs: Any) -> ModelCall[list[Secret]]:
        """The secrets, optionally restricted by ``filters`` (``id``, ``label``, ``name``,
        ``names``)."""
        items = yield self.client.api.secrets(**kwargs)
        return [self.prepare_model(item) for item in items]
