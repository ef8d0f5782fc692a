"""Swarm nodes as objects: ``client.nodes`` and the :class:`Node` model."""

from __future__ import annotations

from typing import Any

from .._core.modelcall import ModelCall, model_call
from .resource import Collection, Model

__all__ = ["Node", "NodeCollection"]


class Node(Model):
    """A node (an engine) of the swarm."""

    id_attribute = "ID"

    @property
    def version(self) -> int | None:
        """The node's version index (``Version.Index``), which :meth:`update` must quote.

        None when the attributes carry no version (the original raised AttributeError).
        """
        return (self.attrs.get("Version") or {}).get("Index")

    @model_call
    def update(self, node_spec: dict[str, Any]) -> ModelCall[bool]:
        """Replace the node's spec: ``{'Availability': 'active' | 'pause' | 'drain',
        'Role': 'manager' | 'worker', 'Labels': {...}, 'Name': ...}``.

        The whole spec is replaced: start from ``node.attrs['Spec']`` to change one setting.
        Call :meth:`reload` afterwards to see the new version and spec.
        """
        result: bool = yield self.client.api.update_node(self.id, self.version, node_spec)
        return result

    @model_call
    def remove(self, force: bool = False) -> ModelCall[bool]:
        """Remove the node from the swarm; ``force`` removes a node that is still up."""
        result: bool = yield self.client.api.remove_node(self.id, force=force)
        return result


class NodeCollection(Collection):
    """The nodes of the swarm (``client.nodes``); the engine must be a swarm manager."""

    model = Node

    @model_call
    def get(self, node_id: str) -> ModelCall[Node]:
        """One node, by ID or hostname; :class:`~docker.errors.NotFound` when there is none."""
        node: Node = self.prepare_model((yield self.client.api.inspect_node(node_id)))
        return node

    @model_call
    def list(self, *args: Any, **kwargs: Any) -> ModelCall[list[Node]]:
        """The nodes, optionally restricted by ``filters`` (``id``, ``label``, ``membership``,
        ``name``, ``node.label``, ``role``)."""
        items = yield self.client.api.nodes(*args, **kwargs)
        return [self.prepare_model(item) for item in items]
