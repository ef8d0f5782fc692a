"""Secret endpoints: create, inspect, list and remove swarm secrets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import errors
from .._core.endpoint import Call, endpoint
from .._core.message import Request
from ..utils.decorators import check_resource, minimum_version
from ..utils.utils import convert_filters, version_lt
from .daemon import json_request
from .swarm import swarm_call

__all__ = ["SecretApiMixin", "encode_data"]


def encode_data(data: str | bytes) -> str:
    """The base64 text of ``data`` (a ``str`` is UTF-8 encoded first)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    import base64

    return base64.b64encode(data).decode("ascii")


class SecretApiMixin:
    """Endpoints about swarm secrets (``/secrets``)."""

    _version: str
    _path: Callable[..., str]

    @endpoint
    @minimum_version("1.25")
    def create_secret(
        self,
        name: str,
        data: str | bytes,
        labels: dict[str, str] | None = None,
        driver: dict[str, Any] | None = None,
    ) -> Call[dict[str, Any]]:
        """Create a secret (``POST /secrets/create``); returns ``{'ID': ...}``.

        ``data`` is the secret (bytes, or a str sent as UTF-8); ``labels`` a dict; ``driver``
        (API 1.31+) a :class:`~docker.types.DriverConfig` naming a secret-store plugin.
        """
        body: dict[str, Any] = {"Data": encode_data(data), "Name": name, "Labels": labels}
        if driver is not None:
            if version_lt(self._version, "1.31"):
                raise errors.InvalidVersion(
                    "Secret driver is only available for API version > 1.31"
                )
            body["Driver"] = driver
        response = yield from swarm_call(json_request("POST", "/secrets/create", body))
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    @check_resource("id")
    @minimum_version("1.25")
    def inspect_secret(self, id: str) -> Call[dict[str, Any]]:
        """A secret's details, without its data (``GET /secrets/{id}``), by ID or name."""
        response = yield from swarm_call(Request("GET", self._path("/secrets/{0}", id)))
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    @check_resource("id")
    @minimum_version("1.25")
    def remove_secret(self, id: str) -> Call[bool]:
        """Delete a secret (``DELETE /secrets/{id}``); a secret a service uses cannot be."""
        yield from swarm_call(Request("DELETE", self._path("/secrets/{0}", id)))
        return True

    @endpoint
    @minimum_version("1.25")
    def secrets(self, filters: dict[str, Any] | None = None) -> Call[list[dict[str, Any]]]:
        """The secrets (``GET /secrets``); ``filters``: ``id``, ``label``, ``name``, ``names``."""
        params = {"filters": convert_filters(filters)} if filters else {}
        response = yield from swarm_call(Request("GET", "/secrets", params=params))
        return response.json()  # type: ignore[no-any-return]
