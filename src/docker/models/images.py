"""Images as objects: ``client.images``, the :class:`Image` model and :class:`RegistryData`."""

from __future__ import annotations

import builtins
import re
import warnings
from collections.abc import Callable
from typing import Any

from .._core.modelcall import Collect, Drain, ModelCall, PerDriver, caller_stacklevel, model_call
from ..api.image import progress_error
from ..errors import APIError, BuildError, ImageLoadError, ImageNotFound, InvalidArgument
from ..utils.utils import parse_repository_tag
from .resource import Collection, Model

__all__ = [
    "AsyncBuildLogStream",
    "BuildLogStream",
    "Image",
    "ImageCollection",
    "RegistryData",
    "normalize_platform",
]

_LOADED = re.compile(r"(^Loaded image ID: |^Loaded image: )(.+)$")


class Image(Model):
    """A Docker image."""

    def __repr__(self) -> str:
        return "<{}: '{}'>".format(self.__class__.__name__, "', '".join(self.tags))

    @property
    def labels(self) -> dict[str, str]:
        """The image's labels (an empty dict when it has none)."""
        labels: dict[str, str] = self.attrs["Config"].get("Labels") or {}
        return labels

    @property
    def short_id(self) -> Any:
        """The ID cut short: ``sha256:`` and 12 hex digits (or 12 characters)."""
        if self.id.startswith("sha256:"):
            return self.id[:19]
        return self.id[:12]

    @property
    def tags(self) -> list[str]:
        """The image's ``repository:tag`` names (``<none>:<none>`` left out)."""
        return [tag for tag in self.attrs.get("RepoTags") or [] if tag != "<none>:<none>"]

    @model_call
    def history(self) -> ModelCall[list[dict[str, Any]]]:
        """The image's layers, newest first."""
        result: list[dict[str, Any]] = yield self.client.api.history(self.id)
        return result

    @model_call
    def remove(self, force: bool = False, noprune: bool = False) -> ModelCall[list[dict[str, Any]]]:
        """Delete the image; returns the ``Untagged``/``Deleted`` items.

        ``force`` removes it even when it has several tags or stopped containers use it;
        ``noprune`` keeps untagged parents.
        """
        result: list[dict[str, Any]] = yield self.client.api.remove_image(
            self.id, force=force, noprune=noprune
        )
        return result

    @model_call
    def save(self, chunk_size: int | None = 2097152, named: bool | str = False) -> ModelCall[Any]:
        """The image as a tar archive: a stream of ``bytes`` pieces (``docker save``).

        With ``named`` the archive records a name, so that loading it restores the tag: the
        first tag for ``True``, or the given tag (which must be one of :attr:`tags`, else
        :class:`~docker.errors.InvalidArgument`).
        """
        img = self.id
        if named:
            img = self.tags[0] if self.tags else img
            if isinstance(named, str):
                if named not in self.tags:
                    raise InvalidArgument(f"{named} is not a valid tag for this image")
                img = named
        return (yield self.client.api.get_image(img, chunk_size))

    @model_call
    def tag(self, repository: str, tag: str | None = None, **kwargs: Any) -> ModelCall[bool]:
        """Name the image ``repository[:tag]``; ``force`` is accepted.  True on success."""
        result: bool = yield self.client.api.tag(self.id, repository, tag=tag, **kwargs)
        return result


class RegistryData(Model):
    """What a registry says about an image: its digest and platforms."""

    def __init__(self, image_name: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The image name this data was fetched for.
        self.image_name = image_name

    @property
    def id(self) -> Any:
        """The digest of the image's manifest (``sha256:...``)."""
        return self.attrs["Descriptor"]["digest"]

    @property
    def short_id(self) -> Any:
        """The digest cut to ``sha256:`` and 12 hex digits."""
        return self.id[:19]

    @model_call
    def pull(self, platform: str | None = None) -> ModelCall[Image]:
        """Pull exactly this digest of the image and return it."""
        repository, _ = parse_repository_tag(self.image_name)
        collection = self.collection
        if not isinstance(collection, ImageCollection):
            collection = ImageCollection(client=self.client)
        image: Image = yield collection.pull(repository, tag=self.id, platform=platform)
        return image

    @model_call
    def has_platform(self, platform: str | dict[str, Any]) -> ModelCall[bool]:
        """True when the image exists for ``platform``.

        ``platform`` is ``os[/architecture[/variant]]`` or a dict with those keys; a missing
        os or architecture is taken from the daemon's.
        """
        if isinstance(platform, str):
            parts = platform.split("/")
            if len(parts) > 3 or len(parts) < 1:
                raise InvalidArgument(f'"{platform}" is not a valid platform descriptor')
            wanted: dict[str, Any] = {"os": parts[0]}
            if len(parts) > 1:
                wanted["architecture"] = parts[1]
            if len(parts) > 2:
                wanted["variant"] = parts[2]
        else:
            wanted = dict(platform)
        normalized = normalize_platform(wanted, (yield self.client.version()))
        return normalized in self.attrs["Platforms"]

    @model_call
    def reload(self) -> ModelCall[None]:
        """Ask the registry again."""
        self.attrs = yield self.client.api.inspect_distribution(self.image_name)


class ImageCollection(Collection):
    """The images of the daemon (``client.images``)."""

    model = Image

    @model_call
    def build(self, **kwargs: Any) -> ModelCall[Any]:
        """Build an image and return ``(image, log)``; see
        :meth:`~docker.api.build.BuildApiMixin.build` for the arguments.

        ``log`` is an iterator over the build's output events (dicts such as
        ``{'stream': 'Step 1/2 : FROM busybox'}``).  A failing step raises
        :class:`~docker.errors.BuildError`, whose ``build_log`` holds the events.  The image is
        found by the ``aux`` ID event of the daemon, else by the ``Successfully built <id>``
        (or, with ``quiet``, ``sha256:<id>``) line.

        With ``stream=True`` (not in the original SDK) the build is *not* waited for: a
        :class:`BuildLogStream` is returned at once, giving the events as the daemon sends them
        (and keeping only the last few in memory); it raises
        :class:`~docker.errors.BuildError` when the build fails, and has the
        :class:`Image` in its ``image`` attribute once the iteration ends.
        """
        stream_mode = bool(kwargs.pop("stream", False))
        kwargs["decode"] = True  # the events are parsed here, whatever the caller asked
        events = yield self.client.api.build(**kwargs)
        if stream_mode:
            collection = self
            return (
                yield PerDriver(
                    lambda: BuildLogStream(collection, events),
                    lambda: AsyncBuildLogStream(collection, events),
                )
            )
        log: builtins.list[Any] = yield Collect(events)
        scan = _BuildScan()
        for event in log:
            message = scan.feed(event)
            if message is not None:
                raise BuildError(message, iter(log))
        if scan.image_id is None:
            raise BuildError(scan.failure_reason(), iter(log))
        image = yield self.get(scan.image_id)
        return (image, iter(log))

    @model_call
    def prune_builds(self, *args: Any, **kwargs: Any) -> ModelCall[dict[str, Any]]:
        """Delete the build cache; see :meth:`~docker.api.build.BuildApiMixin.prune_builds`."""
        result: dict[str, Any] = yield self.client.api.prune_builds(*args, **kwargs)
        return result

    @model_call
    def get(self, name: str) -> ModelCall[Image]:
        """One image, by name or ID; :class:`~docker.errors.ImageNotFound` when missing."""
        image: Image = self.prepare_model((yield self.client.api.inspect_image(name)))
        return image

    @model_call
    def get_registry_data(
        self, name: str, auth_config: dict[str, Any] | None = None
    ) -> ModelCall[RegistryData]:
        """What the registry knows of image ``name`` (digest, platforms), without pulling it."""
        return RegistryData(
            image_name=name,
            attrs=(yield self.client.api.inspect_distribution(name, auth_config)),
            client=self.client,
            collection=self,
        )

    @model_call
    def list(
        self,
        name: str | None = None,
        all: bool = False,
        filters: dict[str, Any] | None = None,
    ) -> ModelCall[list[Image]]:
        """The images, optionally only those of repository ``name`` or matching ``filters``.

        ``all`` includes intermediate images.  Images removed while the list is being built
        are left out.
        """
        summaries = yield self.client.api.images(name=name, all=all, filters=filters)
        images = []
        for summary in summaries:
            try:
                images.append((yield self.get(summary["Id"])))
            except ImageNotFound:
                continue
        return images

    @model_call
    def load(self, data: Any) -> ModelCall[builtins.list[Image]]:
        """Load images from a tar made by :meth:`Image.save` or ``docker save``; returns them.

        A failure reported by the daemon raises :class:`~docker.errors.ImageLoadError`.
        """
        loaded: builtins.list[str] = []
        stream = yield self.client.api.load_image(data)
        for item in (yield Collect(stream)):
            message = progress_error(item)
            if message is not None:
                raise ImageLoadError(message)
            match = _LOADED.match(str(item.get("stream", "")).strip())
            if match:
                loaded.append(match.group(2))
        images: builtins.list[Image] = []
        for name in loaded:
            images.append((yield self.get(name)))
        return images

    @model_call
    def pull(
        self, repository: str, tag: str | None = None, all_tags: bool = False, **kwargs: Any
    ) -> ModelCall[Any]:
        """Pull an image and return it (a list of images with ``all_tags``).

        ``tag`` (or a ``:tag`` / ``@digest`` in ``repository``) defaults to ``latest``;
        ``auth_config`` and ``platform`` are passed on.  A failure the daemon reports while
        pulling raises :class:`~docker.errors.APIError` with its message.
        """
        repository, image_tag = parse_repository_tag(repository)
        tag = tag or image_tag or "latest"
        if "stream" in kwargs:
            warnings.warn(
                "`stream` is not a valid parameter for this method and will be overridden",
                stacklevel=caller_stacklevel(),
            )
            del kwargs["stream"]
        kwargs.pop("decode", None)
        stream = yield self.client.api.pull(
            repository, tag=tag, stream=True, decode=True, all_tags=all_tags, **kwargs
        )
        yield Drain(stream, _progress_checker(f"pull of {repository}"))
        if all_tags:
            return (yield self.list(repository))
        sep = "@" if tag.startswith("sha256:") else ":"
        return (yield self.get(f"{repository}{sep}{tag}"))

    @model_call
    def push(self, repository: str, tag: str | None = None, **kwargs: Any) -> ModelCall[Any]:
        """Push an image; see :meth:`~docker.api.image.ImageApiMixin.push`."""
        return (yield self.client.api.push(repository, tag=tag, **kwargs))

    @model_call
    def remove(self, *args: Any, **kwargs: Any) -> ModelCall[builtins.list[dict[str, Any]]]:
        """Delete an image; see :meth:`~docker.api.image.ImageApiMixin.remove_image`.

        Returns the ``Untagged``/``Deleted`` items.
        """
        result: builtins.list[dict[str, Any]] = yield self.client.api.remove_image(*args, **kwargs)
        return result

    @model_call
    def search(self, *args: Any, **kwargs: Any) -> ModelCall[builtins.list[dict[str, Any]]]:
        """Search Docker Hub; see :meth:`~docker.api.image.ImageApiMixin.search`."""
        result: builtins.list[dict[str, Any]] = yield self.client.api.search(*args, **kwargs)
        return result

    @model_call
    def prune(self, filters: dict[str, Any] | None = None) -> ModelCall[dict[str, Any]]:
        """Delete unused images; returns ``{'ImagesDeleted': [...], 'SpaceReclaimed': ...}``."""
        result: dict[str, Any] = yield self.client.api.prune_images(filters=filters)
        return result


def _progress_checker(action: str) -> Callable[[Any], None]:
    """A check for each item of a progress stream: raises APIError on a reported failure."""

    def check(item: Any) -> None:
        message = progress_error(item)
        if message is not None:
            raise APIError(f"{action} failed", explanation=message)

    return check


def normalize_platform(
    platform: dict[str, Any] | None, engine_info: dict[str, Any]
) -> dict[str, Any]:
    """Fill a platform dict's missing ``os``/``architecture`` from the daemon's version info.

    ``None`` gives ``{}``; the dict passed in is updated and returned.
    """
    if platform is None:
        platform = {}
    if "os" not in platform:
        platform["os"] = engine_info["Os"]
    if "architecture" not in platform:
        platform["architecture"] = engine_info["Arch"]
    return platform


# ---------------------------------------------------------------------------------------------
# Build output

_BUILT = re.compile(r"(^Successfully built |sha256:)([0-9a-f]+)$")
#: How many of the last events a streamed build keeps for its BuildError.
BUILD_LOG_TAIL = 50


class _BuildScan:
    """Follows a build's events: the image ID, and the error if the build fails."""

    def __init__(self) -> None:
        self.aux_id: str | None = None
        self.built_id: str | None = None
        self.last: Any = None

    @property
    def image_id(self) -> str | None:
        return self.aux_id or self.built_id

    def feed(self, event: Any) -> str | None:
        """Take one event; return the error message when it reports a failure."""
        if isinstance(event, bytes | str):
            return None
        self.last = event
        if not isinstance(event, dict):
            return None
        if "error" in event or "errorDetail" in event:
            return progress_error(event) or str(event)
        aux = event.get("aux")
        if isinstance(aux, dict) and isinstance(aux.get("ID"), str):
            self.aux_id = aux["ID"]
        text = event.get("stream")
        if isinstance(text, str):
            match = _BUILT.search(text.strip())
            if match:
                self.built_id = match.group(2)
        return None

    def failure_reason(self) -> str:
        last = self.last
        if isinstance(last, dict) and isinstance(last.get("stream"), str):
            return f"the build ended without an image ID; last output: {last['stream'].strip()}"
        if last is not None:
            return f"the build ended without an image ID; last event: {last!r}"
        return "Unknown"


class BuildLogStream:
    """The events of a running build, as they arrive (``images.build(..., stream=True)``).

    Iterate it for the event dicts.  A failure raises :class:`~docker.errors.BuildError`
    (its ``build_log`` holds the last :data:`BUILD_LOG_TAIL` events); at the end of the
    iteration ``image`` is the built :class:`Image` and ``image_id`` its ID.  ``close()`` (or
    leaving a ``with`` block) stops reading and frees the connection.
    """

    def __init__(self, collection: Any, events: Any) -> None:
        from collections import deque

        self._collection = collection
        self._events = events
        self._scan = _BuildScan()
        self._tail: deque[Any] = deque(maxlen=BUILD_LOG_TAIL)
        self._done = False
        #: The built image, once the iteration has ended.
        self.image: Any = None

    @property
    def image_id(self) -> str | None:
        """The ID of the built image, once the daemon has reported it."""
        return self._scan.image_id

    def _take(self, event: Any) -> Any:
        self._tail.append(event)
        message = self._scan.feed(event)
        if message is not None:
            self._done = True
            raise BuildError(message, list(self._tail))
        return event

    def _missing_id(self) -> BuildError:
        return BuildError(self._scan.failure_reason(), list(self._tail))

    def __iter__(self) -> BuildLogStream:
        return self

    def __next__(self) -> Any:
        if self._done:
            raise StopIteration
        try:
            event = next(self._events)
        except StopIteration:
            self._done = True
            image_id = self._scan.image_id
            if image_id is None:
                raise self._missing_id() from None
            self.image = self._collection.get(image_id)
            raise
        try:
            return self._take(event)
        except BuildError:
            self.close()
            raise

    def close(self) -> None:
        """Stop reading the build's output."""
        self._done = True
        self._events.close()

    def __enter__(self) -> BuildLogStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncBuildLogStream(BuildLogStream):
    """:class:`BuildLogStream` for the async client: ``async for``, ``await aclose()``."""

    def __aiter__(self) -> AsyncBuildLogStream:
        return self

    async def __anext__(self) -> Any:
        if self._done:
            raise StopAsyncIteration
        try:
            event = await self._events.__anext__()
        except StopAsyncIteration:
            self._done = True
            image_id = self._scan.image_id
            if image_id is None:
                raise self._missing_id() from None
            self.image = await self._collection.get(image_id)
            raise
        try:
            return self._take(event)
        except BuildError:
            await self.aclose()
            raise

    async def aclose(self) -> None:
        """Stop reading the build's output."""
        self._done = True
        await self._events.aclose()

    async def __aenter__(self) -> AsyncBuildLogStream:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
