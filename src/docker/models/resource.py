"""Base classes of the high-level objects (models) and their collections."""

from __future__ import annotations

from typing import Any, ClassVar

from .._core.modelcall import ModelCall, model_call

__all__ = ["Collection", "Model"]


class Model:
    """A Docker object (container, image, ...) holding its API attributes in ``attrs``.

    Methods that talk to the daemon are written once as generators (see
    :mod:`docker._core.modelcall`): with a :class:`~docker.client.DockerClient` they return
    their value, with a :class:`~docker.aio.AsyncDockerClient` a coroutine to await.
    """

    id_attribute: ClassVar[str] = "Id"

    def __init__(
        self,
        attrs: dict[str, Any] | None = None,
        client: Any = None,
        collection: Collection | None = None,
    ) -> None:
        #: The client this object talks through.
        self.client = client
        #: The collection this object belongs to.
        self.collection = collection
        #: The raw attributes the Engine API returned.
        self.attrs: dict[str, Any] = attrs if attrs is not None else {}

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__}: {self.short_id}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, self.__class__) and self.id == other.id

    def __hash__(self) -> int:
        return hash(f"{self.__class__.__name__}:{self.id}")

    @property
    def id(self) -> Any:
        """The object's ID."""
        return self.attrs.get(self.id_attribute)

    @property
    def short_id(self) -> Any:
        """The ID cut to 12 characters."""
        return self.id[:12]

    @model_call
    def reload(self) -> ModelCall[None]:
        """Fetch the attributes again from the daemon."""
        if self.collection is None:
            raise RuntimeError(f"{self!r} belongs to no collection and cannot be reloaded")
        new_model = yield self.collection.get(self.id)
        self.attrs = new_model.attrs


class Collection:
    """The set of objects of one kind on the daemon (``client.containers``, ...)."""

    #: The model class this collection makes.
    model: ClassVar[type[Model]] = Model

    def __init__(self, client: Any = None) -> None:
        #: The :class:`~docker.client.DockerClient` this collection talks through.
        self.client = client

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(
            f"'{self.__class__.__name__}' object is not callable. You might be trying to use the "
            "old (pre-2.0) API - use docker.APIClient if so."
        )

    def list(self) -> Any:
        """All objects of this kind."""
        raise NotImplementedError

    def get(self, key: str) -> Any:
        """One object, by ID or name."""
        raise NotImplementedError

    def create(self, attrs: Any = None) -> Any:
        """Create an object."""
        raise NotImplementedError

    def prepare_model(self, attrs: Any) -> Any:
        """Wrap API attributes (or an existing model) as a model bound to this collection."""
        if isinstance(attrs, Model):
            attrs.client = self.client
            attrs.collection = self
            return attrs
        if isinstance(attrs, dict):
            return self.model(attrs=attrs, client=self.client, collection=self)
        raise Exception(f"Can't create {self.model.__name__} from {attrs}")
