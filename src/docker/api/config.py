"""Config endpoints: create, inspect, list and remove swarm configs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._core.endpoint import Call, endpoint
from .._core.message import Request
from ..utils.decorators import check_resource, minimum_version
from ..utils.utils import convert_filters
from .daemon import json_request
from .secret import encode_data
from .swarm import swarm_call

__all__ = ["ConfigApiMixin"]


class ConfigApiMixin:
    """Endpoints about swarm configs (``/configs``)."""

    _version: str
    _path: Callable[..., str]

    @endpoint
    @minimum_version("1.30")
    def create_config(
        self,
        name: str,
        data: str | bytes,
        labels: dict[str, str] | None = None,
        templating: dict[str, Any] | None = None,
    ) -> Call[dict[str, Any]]:
        """Create a config (``POST /configs/create``); returns ``{'ID': ...}``.

        ``data`` is the content (bytes, or a str sent as UTF-8); ``labels`` a dict;
        ``templating`` (API 1.37+) a :class:`~docker.types.DriverConfig` such as
        ``{'Name': 'golang'}``, making the content a Go template expanded per task.
        """
        body = {
            "Data": encode_data(data),
            "Name": name,
            "Labels": labels,
            "Templating": templating,
        }
        response = yield from swarm_call(json_request("POST", "/configs/create", body))
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    @check_resource("id")
    @minimum_version("1.30")
    def inspect_config(self, id: str) -> Call[dict[str, Any]]:
        """A config's details, including its base64 data (``GET /configs/{id}``)."""
        response = yield from swarm_call(Request("GET", self._path("/configs/{0}", id)))
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    @check_resource("id")
    @minimum_version("1.30")
    def remove_config(self, id: str) -> Call[bool]:
        """Delete a config (``DELETE /configs/{id}``); a config a service uses cannot be."""
        yield from swarm_call(Request("DELETE", self._path("/configs/{0}", id)))
        return True

    @endpoint
    @minimum_version("1.30")
    def configs(self, filters: dict[str, Any] | None = None) -> Call[list[dict[str, Any]]]:
        """The configs (``GET /configs``); ``filters``: ``id``, ``label``, ``name``, ``names``."""
        params = {"filters": convert_filters(filters)} if filters else {}
        response = yield from swarm_call(Request("GET", "/configs", params=params))
        return response.json()  # type: ignore[no-any-return]
