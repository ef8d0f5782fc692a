"""Image endpoints: list, inspect, pull, push, tag, remove, import, save, load, search, prune."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .. import auth
from .._core.endpoint import Call, endpoint
from .._core.message import Body, Request
from .._core.streams import json_items, raw_chunks, rechunk
from ..errors import APIError, DockerException, InvalidVersion, StreamParseError
from ..utils.decorators import check_resource, minimum_version
from ..utils.utils import convert_filters, parse_repository_tag, version_lt
from .daemon import json_request

if TYPE_CHECKING:
    from ..types.daemon import CancellableStream

__all__ = ["ImageApiMixin", "is_file"]

_TAR_HEADERS = {"Content-Type": "application/tar"}


def is_file(src: Any) -> bool:
    """True when ``src`` is a str naming an existing regular file."""
    try:
        return isinstance(src, str) and os.path.isfile(src)
    except (TypeError, ValueError):
        return False


def _import_image_params(
    repo: str | None,
    tag: str | None,
    image: str | None = None,
    src: str | None = None,
    changes: list[str] | None = None,
) -> dict[str, Any]:
    """The query of ``POST /images/create`` for an import.

    ``fromImage`` when ``image`` is given; otherwise ``fromSrc`` is ``src`` when it is a str
    that names no local file (a URL), else ``-`` (the tar comes in the request body).
    """
    params: dict[str, Any] = {"repo": repo, "tag": tag}
    if image:
        params["fromImage"] = image
    elif src and not is_file(src):
        params["fromSrc"] = src
    else:
        params["fromSrc"] = "-"
    if changes:
        params["changes"] = changes
    return params


def progress_error(item: Any) -> str | None:
    """The daemon's error message when a progress item reports a failure, else None.

    Pull, push, import and load report failures inside a ``200`` reply as an item such as
    ``{"errorDetail": {"message": ...}, "error": ...}``.
    """
    if not isinstance(item, dict):
        return None
    detail = item.get("errorDetail")
    if isinstance(detail, dict) and detail.get("message"):
        return str(detail["message"])
    if item.get("error"):
        return str(item["error"])
    if detail:
        return str(detail)
    return None


def raise_for_progress(text: str | bytes, action: str) -> None:
    """Raise :class:`~docker.errors.APIError` when a whole progress reply reports a failure.

    ``text`` is the body of a non-streamed pull or push; a body that is not JSON is accepted
    as it is (nothing to check).
    """
    from ..utils.json_stream import JSONStreamDecoder

    decoder = JSONStreamDecoder()
    try:
        items = [*decoder.feed(text), *decoder.close()]
    except StreamParseError:
        return
    for item in items:
        message = progress_error(item)
        if message is not None:
            raise APIError(f"{action} failed", explanation=message)


class ImageApiMixin:
    """Endpoints about images (``/images``, ``/distribution``)."""

    _path: Callable[..., str]
    _version: str

    def _registry_auth_headers(
        self, repository: str, auth_config: dict[str, Any] | None
    ) -> dict[str, str]:
        """The ``X-Registry-Auth`` header for ``repository``: ``auth_config``, else the config."""
        if auth_config is None:
            registry, _ = auth.resolve_repository_name(repository)
            header = auth.get_config_header(self, registry)
        else:
            header = auth.encode_header(auth_config)
        return {"X-Registry-Auth": header.decode("ascii")} if header else {}

    @endpoint
    @check_resource("image")
    def get_image(
        self, image: str, chunk_size: int | None = 2097152
    ) -> Call[CancellableStream[bytes]]:
        """Save an image as a tar archive (``GET /images/{name}/get``).

        Returns a stream of ``bytes`` pieces of ``chunk_size`` bytes (the last may be shorter;
        ``None``: pieces as they arrive); write them to a file as they come.  Once the reply
        has started, reading it has no timeout (a large image takes a while).
        """
        stream = yield Request(
            "GET",
            self._path("/images/{0}/get", image),
            stream=rechunk(chunk_size),
        )
        return stream  # type: ignore[no-any-return]

    @endpoint
    @check_resource("image")
    def history(self, image: str) -> Call[list[dict[str, Any]]]:
        """The layers of an image, newest first (``GET /images/{name}/history``)."""
        response = yield Request("GET", self._path("/images/{0}/history", image))
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    def images(
        self,
        name: str | None = None,
        quiet: bool = False,
        all: bool = False,
        filters: dict[str, Any] | None = None,
    ) -> Call[list[Any]]:
        """The images the daemon has (``GET /images/json``).

        ``name`` restricts the list to a repository (``reference`` filter), ``all`` includes
        intermediate layers, ``filters`` takes ``dangling``, ``label``, ``reference``,
        ``before``, ``since``.  With ``quiet`` only the IDs are returned.
        """
        params: dict[str, Any] = {"only_ids": 1 if quiet else 0, "all": 1 if all else 0}
        if name:
            if version_lt(self._version, "1.25"):
                params["filter"] = name
            else:
                filters = {**(filters or {}), "reference": name}
        if filters:
            params["filters"] = convert_filters(filters)
        response = yield Request("GET", "/images/json", params=params)
        result: list[dict[str, Any]] = response.json()
        if quiet:
            return [item["Id"] for item in result]
        return result

    def _import(
        self,
        src: Any = None,
        repository: str | None = None,
        tag: str | None = None,
        image: str | None = None,
        changes: list[str] | None = None,
    ) -> Call[str]:
        """The import request for :meth:`import_image` and its helpers."""
        if not (src or image):
            raise DockerException("Must specify src or image to import from")
        params = _import_image_params(
            repository, tag, image, src=src if isinstance(src, str) else None, changes=changes
        )
        if image or params.get("fromSrc") != "-":
            response = yield Request("POST", "/images/create", params=params)
            text: str = response.text
            raise_for_progress(text, "import")
            return text
        if isinstance(src, str):
            with open(src, "rb") as f:
                return (yield from self._upload_image(params, f))
        return (yield from self._upload_image(params, src))

    def _upload_image(self, params: dict[str, Any], body: Any) -> Call[str]:
        """Send a tar to ``POST /images/create`` and check the progress reply."""
        response = yield Request(
            "POST",
            "/images/create",
            params=params,
            body=body,
            headers=dict(_TAR_HEADERS),
            timeout=None,
        )
        text: str = response.text
        raise_for_progress(text, "import")
        return text

    @endpoint
    def import_image(
        self,
        src: Any = None,
        repository: str | None = None,
        tag: str | None = None,
        image: str | None = None,
        changes: list[str] | None = None,
        stream_src: bool = False,
    ) -> Call[str]:
        """Create an image from a tarball (``POST /images/create`` with ``fromSrc``).

        ``src`` is a path to a tar file, a URL, the tar as ``bytes``, or a binary file object
        or iterable of ``bytes`` (``stream_src`` marks the latter; any body that is not
        ``bytes`` is sent chunked).  ``image`` instead names an image to pull (``fromImage``).
        ``changes`` are Dockerfile instructions applied to the result.  Returns the daemon's
        progress reply as text; a failure reported inside it raises
        :class:`~docker.errors.APIError`.
        """
        return (yield from self._import(src, repository, tag, image, changes))

    @endpoint
    def import_image_from_data(
        self,
        data: Body,
        repository: str | None = None,
        tag: str | None = None,
        changes: list[str] | None = None,
    ) -> Call[str]:
        """Create an image from a tar given as ``bytes`` (or a body stream); see
        :meth:`import_image`."""
        params = _import_image_params(repository, tag, src="-", changes=changes)
        return (yield from self._upload_image(params, data))

    @endpoint
    def import_image_from_file(
        self,
        filename: str,
        repository: str | None = None,
        tag: str | None = None,
        changes: list[str] | None = None,
    ) -> Call[str]:
        """Create an image from a tar file on disk; see :meth:`import_image`."""
        return (yield from self._import(filename, repository, tag, None, changes))

    @endpoint
    def import_image_from_stream(
        self,
        stream: Any,
        repository: str | None = None,
        tag: str | None = None,
        changes: list[str] | None = None,
    ) -> Call[str]:
        """Create an image from a tar read from a binary file object or an iterable of
        ``bytes`` (sent chunked); see :meth:`import_image`."""
        return (yield from self._import(stream, repository, tag, None, changes))

    @endpoint
    def import_image_from_url(
        self,
        url: str,
        repository: str | None = None,
        tag: str | None = None,
        changes: list[str] | None = None,
    ) -> Call[str]:
        """Create an image from a tar the daemon downloads from ``url``; see
        :meth:`import_image`."""
        return (yield from self._import(url, repository, tag, None, changes))

    @endpoint
    def import_image_from_image(
        self,
        image: str,
        repository: str | None = None,
        tag: str | None = None,
        changes: list[str] | None = None,
    ) -> Call[str]:
        """Import from an existing image name (``fromImage``); see :meth:`import_image`."""
        return (yield from self._import(None, repository, tag, image, changes))

    @endpoint
    @check_resource("image")
    def inspect_image(self, image: str) -> Call[dict[str, Any]]:
        """An image's details (``GET /images/{name}/json``); a missing image raises
        :class:`~docker.errors.ImageNotFound`."""
        response = yield Request("GET", self._path("/images/{0}/json", image))
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    @minimum_version("1.30")
    @check_resource("image")
    def inspect_distribution(
        self, image: str, auth_config: dict[str, Any] | None = None
    ) -> Call[dict[str, Any]]:
        """What the registry knows of an image (``GET /distribution/{name}/json``).

        Returns ``{'Descriptor': {...digest...}, 'Platforms': [...]}``.  ``auth_config``
        (``username``, ``password``, ...) overrides the credentials of the Docker config.
        """
        headers = self._registry_auth_headers(image, auth_config)
        response = yield Request(
            "GET", self._path("/distribution/{0}/json", image), headers=headers or None
        )
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    def load_image(
        self, data: Body, quiet: bool | None = None
    ) -> Call[CancellableStream[dict[str, Any]]]:
        """Load images from a tar made by :meth:`get_image` or ``docker save``
        (``POST /images/load``).

        ``data`` is the tar as ``bytes``, a binary file object or an iterable of ``bytes``.
        Returns a stream of the daemon's progress items (dicts); a failure shows up as an
        item with ``errorDetail``.
        """
        params: dict[str, Any] = {}
        if quiet is not None:
            if version_lt(self._version, "1.23"):
                raise InvalidVersion("quiet is not supported in API version < 1.23")
            params["quiet"] = quiet
        stream = yield Request("POST", "/images/load", params=params, body=data, stream=json_items)
        return stream  # type: ignore[no-any-return]

    @endpoint
    @minimum_version("1.25")
    def prune_images(self, filters: dict[str, Any] | None = None) -> Call[dict[str, Any]]:
        """Delete unused images (``POST /images/prune``).

        Without filters only dangling images go; ``filters`` takes ``dangling`` (``False``
        removes every unused image), ``until`` and ``label``.  Returns
        ``{'ImagesDeleted': [...], 'SpaceReclaimed': ...}``.
        """
        params = {"filters": convert_filters(filters)} if filters is not None else {}
        response = yield Request("POST", "/images/prune", params=params)
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    def pull(
        self,
        repository: str,
        tag: str | None = None,
        stream: bool = False,
        auth_config: dict[str, Any] | None = None,
        decode: bool = False,
        platform: str | None = None,
        all_tags: bool = False,
    ) -> Call[Any]:
        """Pull an image from its registry (``POST /images/create`` with ``fromImage``).

        ``tag`` (or a ``:tag`` / ``@digest`` in ``repository``) defaults to ``latest``;
        ``all_tags`` pulls every tag.  ``auth_config`` overrides the configured credentials,
        ``platform`` (``os[/arch[/variant]]``) picks one platform of a multi-platform image.

        With ``stream=True`` the progress is returned as a stream, of ``bytes`` or, with
        ``decode``, of dicts, exactly as the daemon sends it.  Otherwise the whole progress
        text is returned, and a failure the daemon reports inside it raises
        :class:`~docker.errors.APIError`.
        """
        repository, image_tag = parse_repository_tag(repository)
        tag = tag or image_tag or "latest"
        if all_tags:
            tag = None
        headers = self._registry_auth_headers(repository, auth_config)
        params: dict[str, Any] = {"tag": tag, "fromImage": repository}
        if platform is not None:
            if version_lt(self._version, "1.32"):
                raise InvalidVersion("platform was only introduced in API version 1.32")
            params["platform"] = platform
        request = Request(
            "POST",
            "/images/create",
            params=params,
            headers=headers or None,
            timeout=None,
            stream=(json_items if decode else raw_chunks) if stream else None,
        )
        reply = yield request
        if stream:
            return reply
        text: str = reply.text
        raise_for_progress(text, f"pull of {repository}")
        return text

    @endpoint
    def push(
        self,
        repository: str,
        tag: str | None = None,
        stream: bool = False,
        auth_config: dict[str, Any] | None = None,
        decode: bool = False,
    ) -> Call[Any]:
        """Push an image or repository to its registry (``POST /images/{name}/push``).

        ``tag`` may also be given in ``repository`` (``name:tag``); ``auth_config``
        overrides the configured credentials.  With ``stream=True`` the progress is returned
        as a stream (``bytes``, or dicts with ``decode``) exactly as the daemon sends it.
        Otherwise the whole progress text is returned, and a failure the daemon reports
        inside it (no credentials, unknown image, ...) raises :class:`~docker.errors.APIError`.
        """
        if not tag:
            repository, tag = parse_repository_tag(repository)
        headers = self._registry_auth_headers(repository, auth_config)
        request = json_request(
            "POST",
            self._path("/images/{0}/push", repository),
            None,
            headers=headers,
            params={"tag": tag},
            stream=(json_items if decode else raw_chunks) if stream else None,
        )
        reply = yield request
        if stream:
            return reply
        text: str = reply.text
        target = f"{repository}:{tag}" if tag else repository
        raise_for_progress(text, f"push of {target}")
        return text

    @endpoint
    @check_resource("image")
    def remove_image(
        self, image: str, force: bool = False, noprune: bool = False
    ) -> Call[list[dict[str, Any]]]:
        """Delete an image or one of its tags (``DELETE /images/{name}``).

        ``force`` also removes an image used by stopped containers or with several tags;
        ``noprune`` keeps untagged parents.  Returns the ``Untagged``/``Deleted`` items.
        """
        params = {"force": force, "noprune": noprune}
        response = yield Request("DELETE", self._path("/images/{0}", image), params=params)
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    def search(self, term: str, limit: int | None = None) -> Call[list[dict[str, Any]]]:
        """Search Docker Hub through the daemon (``GET /images/search``)."""
        params: dict[str, Any] = {"term": term}
        if limit is not None:
            params["limit"] = limit
        response = yield Request("GET", "/images/search", params=params)
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    @check_resource("image")
    def tag(
        self, image: str, repository: str, tag: str | None = None, force: bool = False
    ) -> Call[bool]:
        """Give an image another name, ``repository[:tag]`` (``POST /images/{name}/tag``).

        Returns True when the daemon created the tag.
        """
        params = {"tag": tag, "repo": repository, "force": 1 if force else 0}
        response = yield Request("POST", self._path("/images/{0}/tag", image), params=params)
        return response.status_code == 201  # type: ignore[no-any-return]
