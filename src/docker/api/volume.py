"""Volume endpoints: list, create, inspect, remove and prune volumes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._core.endpoint import Call, endpoint
from .._core.message import Request
from ..errors import InvalidVersion
from ..utils.decorators import minimum_version
from ..utils.utils import convert_filters, version_lt
from .daemon import json_request

__all__ = ["VolumeApiMixin"]


class VolumeApiMixin:
    """Endpoints about volumes (``/volumes``)."""

    _path: Callable[..., str]
    _version: str

    @endpoint
    def volumes(self, filters: dict[str, Any] | None = None) -> Call[dict[str, Any]]:
        """The volumes the daemon knows (``GET /volumes``): ``{'Volumes': [...], 'Warnings': ...}``.

        ``filters`` takes ``name``, ``driver``, ``label`` and ``dangling``.
        """
        params = {"filters": convert_filters(filters) if filters else None}
        response = yield Request("GET", "/volumes", params=params)
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    def create_volume(
        self,
        name: str | None = None,
        driver: str | None = None,
        driver_opts: dict[str, Any] | None = None,
        labels: dict[str, str] | None = None,
    ) -> Call[dict[str, Any]]:
        """Create a volume (``POST /volumes/create``) and return its details.

        Without ``name`` the daemon picks a random one; ``driver`` defaults to ``local`` on
        the daemon side; ``driver_opts`` and ``labels`` are dicts.
        """
        if driver_opts is not None and not isinstance(driver_opts, dict):
            raise TypeError("driver_opts must be a dictionary")
        data: dict[str, Any] = {"Name": name, "Driver": driver, "DriverOpts": driver_opts}
        if labels is not None:
            if version_lt(self._version, "1.23"):
                raise InvalidVersion("volume labels were introduced in API 1.23")
            if not isinstance(labels, dict):
                raise TypeError("labels must be a dictionary")
            data["Labels"] = labels
        response = yield json_request("POST", "/volumes/create", data)
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    def inspect_volume(self, name: str) -> Call[dict[str, Any]]:
        """A volume's details (``GET /volumes/{name}``)."""
        response = yield Request("GET", self._path("/volumes/{0}", name))
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    @minimum_version("1.25")
    def prune_volumes(self, filters: dict[str, Any] | None = None) -> Call[dict[str, Any]]:
        """Delete the volumes no container uses (``POST /volumes/prune``).

        ``filters`` takes ``label`` (and, on API 1.42+, ``all``).  Returns
        ``{'VolumesDeleted': [...], 'SpaceReclaimed': ...}``.
        """
        params = {"filters": convert_filters(filters)} if filters else {}
        response = yield Request("POST", "/volumes/prune", params=params)
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    def remove_volume(self, name: str, force: bool = False) -> Call[None]:
        """Delete a volume (``DELETE /volumes/{name}``).

        ``force`` (API 1.25+) also removes a volume whose driver no longer knows it; a volume in
        use by a container cannot be removed either way.
        """
        params: dict[str, Any] = {}
        if force:
            if version_lt(self._version, "1.25"):
                raise InvalidVersion("force removal was added in API 1.25")
            params["force"] = True
        yield Request("DELETE", self._path("/volumes/{0}", name), params=params)
