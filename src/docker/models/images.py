"""Images as objects: ``client.images``, the :class:`Image` model and :class:`RegistryData`."""

from __future__ import annotations

import builtins
import re
import warnings
from collections.abc import Iterator
from typing import Any

from ..api.image import progress_error
from ..errors import APIError, ImageLoadError, ImageNotFound, InvalidArgument
from ..utils.utils import parse_repository_tag
from .resource import Collection, Model

__all__ = ["Image", "ImageCollection", "RegistryData", "normalize_platform"]

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

    def history(self) -> list[dict[str, Any]]:
        """The image's layers, newest first."""
        result: list[dict[str, Any]] = self.client.api.history(self.id)
        return result

    def remove(self, force: bool = False, noprune: bool = False) -> list[dict[str, Any]]:
        """Delete the image; returns the ``Untagged``/``Deleted`` items.

        ``force`` removes it even when it has several tags or stopped containers use it;
        ``noprune`` keeps untagged parents.
        """
        result: list[dict[str, Any]] = self.client.api.remove_image(
            self.id, force=force, noprune=noprune
        )
        return result

    def save(self, chunk_size: int | None = 2097152, named: bool | str = False) -> Any:
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
        return self.client.api.get_image(img, chunk_size)

    def tag(self, repository: str, tag: str | None = None, **kwargs: Any) -> bool:
        """Name the image ``repository[:tag]``; ``force`` is accepted.  True on success."""
        result: bool = self.client.api.tag(self.id, repository, tag=tag, **kwargs)
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

    def pull(self, platform: str | None = None) -> Image:
        """Pull exactly this digest of the image and return it."""
        repository, _ = parse_repository_tag(self.image_name)
        collection = self.collection
        if not isinstance(collection, ImageCollection):
            collection = ImageCollection(client=self.client)
        image: Image = collection.pull(repository, tag=self.id, platform=platform)
        return image

    def has_platform(self, platform: str | dict[str, Any]) -> bool:
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
        normalized = normalize_platform(wanted, self.client.version())
        return normalized in self.attrs["Platforms"]

    def reload(self) -> None:
        """Ask the registry again."""
        self.attrs = self.client.api.inspect_distribution(self.image_name)


class ImageCollection(Collection):
    """The images of the daemon (``client.images``)."""

    model = Image

    def get(self, name: str) -> Image:
        """One image, by name or ID; :class:`~docker.errors.ImageNotFound` when missing."""
        image: Image = self.prepare_model(self.client.api.inspect_image(name))
        return image

    def get_registry_data(
        self, name: str, auth_config: dict[str, Any] | None = None
    ) -> RegistryData:
        """What the registry knows of image ``name`` (digest, platforms), without pulling it."""
        return RegistryData(
            image_name=name,
            attrs=self.client.api.inspect_distribution(name, auth_config),
            client=self.client,
            collection=self,
        )

    def list(
        self,
        name: str | None = None,
        all: bool = False,
        filters: dict[str, Any] | None = None,
    ) -> list[Image]:
        """The images, optionally only those of repository ``name`` or matching ``filters``.

        ``all`` includes intermediate images.  Images removed while the list is being built
        are left out.
        """
        summaries = self.client.api.images(name=name, all=all, filters=filters)
        images = []
        for summary in summaries:
            try:
                images.append(self.get(summary["Id"]))
            except ImageNotFound:
                continue
        return images

    def load(self, data: Any) -> builtins.list[Image]:
        """Load images from a tar made by :meth:`Image.save` or ``docker save``; returns them.

        A failure reported by the daemon raises :class:`~docker.errors.ImageLoadError`.
        """
        loaded: builtins.list[str] = []
        with self.client.api.load_image(data) as stream:
            for item in stream:
                message = progress_error(item)
                if message is not None:
                    raise ImageLoadError(message)
                match = _LOADED.match(str(item.get("stream", "")).strip())
                if match:
                    loaded.append(match.group(2))
        return [self.get(name) for name in loaded]

    def pull(
        self, repository: str, tag: str | None = None, all_tags: bool = False, **kwargs: Any
    ) -> Any:
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
                stacklevel=2,
            )
            del kwargs["stream"]
        kwargs.pop("decode", None)
        stream = self.client.api.pull(
            repository, tag=tag, stream=True, decode=True, all_tags=all_tags, **kwargs
        )
        with stream:
            _raise_on_progress_error(stream, f"pull of {repository}")
        if all_tags:
            return self.list(repository)
        sep = "@" if tag.startswith("sha256:") else ":"
        return self.get(f"{repository}{sep}{tag}")

    def push(self, repository: str, tag: str | None = None, **kwargs: Any) -> Any:
        """Push an image; see :meth:`~docker.api.image.ImageApiMixin.push`."""
        return self.client.api.push(repository, tag=tag, **kwargs)

    def remove(self, *args: Any, **kwargs: Any) -> builtins.list[dict[str, Any]]:
        """Delete an image; see :meth:`~docker.api.image.ImageApiMixin.remove_image`.

        Returns the ``Untagged``/``Deleted`` items.
        """
        result: builtins.list[dict[str, Any]] = self.client.api.remove_image(*args, **kwargs)
        return result

    def search(self, *args: Any, **kwargs: Any) -> builtins.list[dict[str, Any]]:
        """Search Docker Hub; see :meth:`~docker.api.image.ImageApiMixin.search`."""
        result: builtins.list[dict[str, Any]] = self.client.api.search(*args, **kwargs)
        return result

    def prune(self, filters: dict[str, Any] | None = None) -> dict[str, Any]:
        """Delete unused images; returns ``{'ImagesDeleted': [...], 'SpaceReclaimed': ...}``."""
        result: dict[str, Any] = self.client.api.prune_images(filters=filters)
        return result


def _raise_on_progress_error(items: Iterator[Any], action: str) -> None:
    for item in items:
        message = progress_error(item)
        if message is not None:
            raise APIError(f"{action} failed", explanation=message)


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
