"""Image builds: ``POST /build`` (classic builder) and ``POST /build/prune``."""

from __future__ import annotations

import os
from typing import IO, TYPE_CHECKING, Any

from .. import auth
from .._core.endpoint import Call, endpoint
from .._core.message import Request
from .._core.streams import json_items, raw_chunks
from ..constants import CONTAINER_LIMITS_KEYS
from ..errors import DockerException, InvalidVersion
from ..utils.decorators import minimum_version
from ..utils.utils import convert_filters, version_lt

if TYPE_CHECKING:
    from ..types.daemon import CancellableStream

__all__ = ["BuildApiMixin", "process_dockerfile"]

_REMOTE_PREFIXES = ("http://", "https://", "git://", "github.com/", "git@")

#: (argument, query parameter, API version that introduced it) for the optional build options.
_GATES = {
    "shmsize": "1.22",
    "labels": "1.23",
    "cache_from": "1.25",
    "target": "1.29",
    "network_mode": "1.25",
    "squash": "1.25",
    "extra_hosts": "1.27",
    "platform": "1.32",
    "isolation": "1.24",
}


def process_dockerfile(dockerfile: str | None, path: str) -> tuple[str | None, str | None]:
    """Where the Dockerfile is, relative to the context directory ``path``.

    Returns ``(name, None)`` for a Dockerfile inside the context (an absolute name is made
    relative to ``path``; a relative one is taken relative to ``path``), or
    ``('.dockerfile.<random hex>', content)`` for one outside it: its text then travels inside
    the context under that name.  ``(None, None)`` when ``dockerfile`` is not given.
    """
    if not dockerfile:
        return (None, None)
    abs_dockerfile = dockerfile
    if not os.path.isabs(dockerfile):
        abs_dockerfile = os.path.join(path, dockerfile)
    rel = os.path.relpath(abs_dockerfile, path)
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        with open(abs_dockerfile, encoding="utf-8", errors="surrogateescape") as df:
            content = df.read()
        return (f".dockerfile.{os.urandom(20).hex()}", content)
    if dockerfile == abs_dockerfile:
        return (rel, None)
    return (dockerfile, None)


def read_dockerignore_file(path: str) -> list[str]:
    """The patterns of ``<path>/.dockerignore`` (an empty list when there is none)."""
    try:
        with open(os.path.join(path, ".dockerignore"), "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return []
    from ..utils import build as build_utils

    return build_utils.read_dockerignore(data)


class BuildApiMixin:
    """Endpoints about image builds (``/build``)."""

    _version: str
    _auth_configs: Any
    _proxy_configs: Any
    credstore_env: Any

    @endpoint
    def build(
        self,
        path: str | None = None,
        tag: str | None = None,
        quiet: bool = False,
        fileobj: Any = None,
        nocache: bool = False,
        rm: bool = False,
        timeout: float | None = None,
        custom_context: bool = False,
        encoding: str | None = None,
        pull: bool = False,
        forcerm: bool = False,
        dockerfile: str | None = None,
        container_limits: dict[str, Any] | None = None,
        decode: bool = False,
        buildargs: dict[str, Any] | None = None,
        gzip: bool = False,
        shmsize: int | None = None,
        labels: dict[str, str] | None = None,
        cache_from: list[str] | None = None,
        target: str | None = None,
        network_mode: str | None = None,
        squash: bool | None = None,
        extra_hosts: dict[str, str] | list[str] | None = None,
        platform: str | None = None,
        isolation: str | None = None,
        use_config_proxy: bool = True,
    ) -> Call[CancellableStream[Any]]:
        """Build an image (``POST /build``, the classic builder) and stream its output.

        The context is one of: ``path``, a directory (sent as a tar with the Docker CLI's
        ``.dockerignore`` rules) or a remote URL (``http(s)://``, ``git://``, ``github.com/``,
        ``git@``: the daemon fetches it); ``fileobj``, a Dockerfile as a binary file object;
        or, with ``custom_context``, ``fileobj`` is itself the context tar (``encoding`` names
        its compression, e.g. ``gzip``).  ``gzip`` compresses the directory context.

        ``dockerfile`` is the Dockerfile's path relative to ``path`` (default ``Dockerfile``);
        one outside the context is sent inside it under a random name, and only that name goes
        into the query.  ``tag`` is ``name[:tag]``; ``buildargs``, ``labels`` are dicts;
        ``cache_from`` a list of images; ``extra_hosts`` a ``{host: ip}`` dict or
        ``['host:ip']`` list; ``container_limits`` takes ``memory``, ``memswap``,
        ``cpushares``, ``cpusetcpus``.  With ``use_config_proxy`` the proxy settings of
        ``~/.docker/config.json`` are added as build args (yours win).  Registry credentials of
        the config go in the ``X-Registry-Config`` header (for ``FROM`` of private images).

        Returns a stream of the daemon's output: ``bytes`` pieces, or dicts with ``decode``.
        A failing step is reported *inside* the stream (an item with ``error``); the
        high-level :meth:`ImageCollection.build <docker.models.images.ImageCollection.build>`
        turns it into :class:`~docker.errors.BuildError`.  ``timeout`` is the HTTP timeout of
        the request (default: none).
        """
        import json

        from ..utils import build as build_utils

        if path is None and fileobj is None:
            raise TypeError("Either path or fileobj needs to be provided.")
        if gzip and encoding is not None:
            raise DockerException("Can not use custom encoding if gzip is enabled")
        if tag is not None and not build_utils.match_tag(tag):
            raise DockerException(f"invalid tag '{tag}': invalid reference format")
        container_limits = container_limits or {}
        for key in container_limits:
            if key not in CONTAINER_LIMITS_KEYS:
                raise DockerException(
                    f"invalid container_limits key {key!r}: expected one of "
                    f"{', '.join(CONTAINER_LIMITS_KEYS)}"
                )
        options = {
            "shmsize": shmsize,
            "labels": labels,
            "cache_from": cache_from,
            "target": target,
            "network_mode": network_mode,
            "squash": squash,
        }
        for name, value in options.items():
            if value and version_lt(self._version, _GATES[name]):
                raise InvalidVersion(f"{name} was only introduced in API version {_GATES[name]}")
        for name, value in (
            ("extra_hosts", extra_hosts),
            ("platform", platform),
            ("isolation", isolation),
        ):
            if value is not None and version_lt(self._version, _GATES[name]):
                raise InvalidVersion(f"{name} was only introduced in API version {_GATES[name]}")

        buildargs = dict(buildargs or {})
        if use_config_proxy:
            for key, value in self._proxy_configs.get_environment().items():
                buildargs.setdefault(key, value)

        remote: str | None = None
        context: IO[bytes] | None = None
        owned = False
        dockerfile_name: str | None = dockerfile
        if custom_context:
            if not fileobj:
                raise TypeError("You must specify fileobj with custom_context")
            context = fileobj
        elif fileobj is not None:
            context = build_utils.mkbuildcontext(fileobj)
            owned = True
        elif path is not None and path.startswith(_REMOTE_PREFIXES):
            remote = path
        elif path is None or not os.path.isdir(path):
            raise TypeError(
                f"You must specify a directory to build in path (not a directory: {path!r})"
            )
        else:
            try:
                exclude = read_dockerignore_file(path)
            except build_utils.PatternError as exc:
                raise DockerException(f"Invalid .dockerignore in {path}: {exc}") from exc
            processed = process_dockerfile(dockerfile, path)
            dockerfile_name = processed[0]
            try:
                context = build_utils.tar(path, exclude=exclude, dockerfile=processed, gzip=gzip)
            except build_utils.PatternError as exc:
                raise DockerException(f"Invalid .dockerignore in {path}: {exc}") from exc
            owned = True
            if gzip:
                encoding = "gzip"

        try:
            params: dict[str, Any] = {
                "t": tag,
                "remote": remote,
                "q": quiet,
                "nocache": nocache,
                "rm": rm,
                "forcerm": forcerm,
                "pull": pull,
                "dockerfile": dockerfile_name,
            }
            params.update(container_limits)
            if buildargs:
                params["buildargs"] = json.dumps(buildargs)
            if shmsize:
                params["shmsize"] = shmsize
            if labels:
                params["labels"] = json.dumps(labels)
            if cache_from:
                params["cachefrom"] = json.dumps(cache_from)
            if target:
                params["target"] = target
            if network_mode:
                params["networkmode"] = network_mode
            if squash:
                params["squash"] = squash
            if extra_hosts is not None:
                if isinstance(extra_hosts, dict):
                    extra_hosts = [f"{k}:{v}" for k, v in sorted(extra_hosts.items())]
                params["extrahosts"] = extra_hosts
            if platform is not None:
                params["platform"] = platform
            if isolation is not None:
                params["isolation"] = isolation

            headers: dict[str, str] = {}
            if context is not None:
                headers["Content-Type"] = "application/tar"
                if encoding:
                    headers["Content-Encoding"] = encoding
            self._set_auth_headers(headers)
            stream = yield Request(
                "POST",
                "/build",
                params=params,
                headers=headers or None,
                body=context,
                timeout=timeout,
                stream=json_items if decode else raw_chunks,
            )
        finally:
            if owned and context is not None:
                context.close()
        return stream  # type: ignore[no-any-return]

    @endpoint
    @minimum_version("1.31")
    def prune_builds(
        self,
        filters: dict[str, Any] | None = None,
        keep_storage: int | None = None,
        all: bool | None = None,
    ) -> Call[dict[str, Any]]:
        """Delete the build cache (``POST /build/prune``).

        ``filters``, ``keep_storage`` (bytes to keep) and ``all`` need API 1.39.  Returns
        ``{'CachesDeleted': [...], 'SpaceReclaimed': ...}``.
        """
        params: dict[str, Any] = {}
        any_set = filters is not None or keep_storage is not None or all is not None
        if any_set and version_lt(self._version, "1.39"):
            raise InvalidVersion(
                "`filters`, `keep_storage`, and `all` args are only available for API "
                "version > 1.38"
            )
        if filters is not None:
            params["filters"] = convert_filters(filters)
        if keep_storage is not None:
            params["keep-storage"] = keep_storage
        if all is not None:
            params["all"] = all
        response = yield Request("POST", "/build/prune", params=params)
        return response.json()  # type: ignore[no-any-return]

    def _set_auth_headers(self, headers: dict[str, str]) -> None:
        """Add ``X-Registry-Config`` (every known registry credential) to ``headers``."""
        if not self._auth_configs or getattr(self._auth_configs, "is_empty", False):
            self._auth_configs = auth.load_config(credstore_env=self.credstore_env)
        if self._auth_configs:
            auth_data = self._auth_configs.get_all_credentials()
            if auth.INDEX_URL not in auth_data and auth.INDEX_NAME in auth_data:
                auth_data[auth.INDEX_URL] = auth_data.get(auth.INDEX_NAME, {})
            if auth_data:
                headers["X-Registry-Config"] = auth.encode_header(auth_data).decode("ascii")
