"""Daemon-level endpoints: ping, version, info, disk usage, events, registry login."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from .. import auth
from .._core.endpoint import Call, endpoint
from .._core.message import Request
from .._core.streams import json_items, raw_chunks
from ..utils.decorators import minimum_version
from ..utils.utils import convert_filters, datetime_to_timestamp

if TYPE_CHECKING:
    from datetime import datetime

    from ..types.daemon import CancellableStream

__all__ = ["DaemonApiMixin", "json_request"]


def json_request(method: str, path: str, data: Any, **kwargs: Any) -> Request:
    """A request whose body is ``data`` as JSON (top-level ``None`` values dropped)."""
    if data is None:
        data = {}
    elif isinstance(data, dict):
        data = {key: value for key, value in data.items() if value is not None}
    headers = {"Content-Type": "application/json", **(kwargs.pop("headers", None) or {})}
    import json

    return Request(method, path, body=json.dumps(data).encode("utf-8"), headers=headers, **kwargs)


class DaemonApiMixin:
    """Endpoints about the daemon itself."""

    _auth_configs: Any
    credstore_env: Any

    @endpoint
    @minimum_version("1.25")
    def df(self) -> Call[dict[str, Any]]:
        """Disk usage of images, containers, volumes and build cache (``GET /system/df``)."""
        response = yield Request("GET", "/system/df")
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    def events(
        self,
        since: datetime | int | float | None = None,
        until: datetime | int | float | None = None,
        filters: dict[str, Any] | None = None,
        decode: bool | None = None,
    ) -> Call[CancellableStream[Any]]:
        """Stream the daemon's events as they happen.

        ``since``/``until`` take a datetime or a UNIX timestamp; ``filters`` a dict such as
        ``{"type": "container", "event": "start"}``; ``decode=True`` yields dicts instead of
        raw bytes.  The returned stream is closable and a context manager.
        """
        from datetime import datetime

        if isinstance(since, datetime):
            since = datetime_to_timestamp(since)
        if isinstance(until, datetime):
            until = datetime_to_timestamp(until)
        params = {
            "since": since,
            "until": until,
            "filters": convert_filters(filters) if filters else filters,
        }
        stream = yield Request(
            "GET",
            "/events",
            params=params,
            timeout=None,
            stream=json_items if decode else raw_chunks,
        )
        return stream  # type: ignore[no-any-return]

    @endpoint
    def info(self) -> Call[dict[str, Any]]:
        """System-wide information about the daemon (``GET /info``)."""
        response = yield Request("GET", "/info")
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    def login(
        self,
        username: str,
        password: str | None = None,
        email: str | None = None,
        registry: str | None = None,
        reauth: bool = False,
        dockercfg_path: str | None = None,
    ) -> Call[dict[str, Any]]:
        """Check credentials against a registry and remember them for later pulls and pushes.

        When credentials for ``username`` are already known for the registry, they are returned
        without contacting it, unless ``reauth`` is set.  ``dockercfg_path`` names a Docker
        config file to read credentials from first.
        """
        if dockercfg_path and os.path.exists(dockercfg_path):
            self._auth_configs = auth.load_config(dockercfg_path, credstore_env=self.credstore_env)
        elif not self._auth_configs or self._auth_configs.is_empty:
            self._auth_configs = auth.load_config(credstore_env=self.credstore_env)
        authcfg = self._auth_configs.resolve_authconfig(registry)
        if authcfg and authcfg.get("username") == username and not reauth:
            return authcfg  # type: ignore[no-any-return]
        req_data = {
            "username": username,
            "password": password,
            "email": email,
            "serveraddress": registry,
        }
        response = yield json_request("POST", "/auth", req_data)
        if response.status_code == 200:
            self._auth_configs.add_auth(registry or auth.INDEX_NAME, req_data)
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    def ping(self) -> Call[bool]:
        """True when the daemon answers (``GET /_ping``); HTTP errors raise."""
        response = yield Request("GET", "/_ping")
        return response.text == "OK"  # type: ignore[no-any-return]

    @endpoint(negotiate=False)
    def version(self, api_version: bool = True) -> Call[dict[str, Any]]:
        """Version information of the daemon (``GET /version``).

        With ``api_version=False`` the unversioned path is used (what negotiation itself uses).
        """
        response = yield Request("GET", "/version", versioned=api_version)
        return response.json()  # type: ignore[no-any-return]
