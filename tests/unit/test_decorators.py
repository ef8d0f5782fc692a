"""Tests for docker.utils.decorators."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import pytest

from docker.errors import InvalidVersion, NullResource
from docker.utils.decorators import check_resource, minimum_version, update_headers


class FakeClient:
    def __init__(self, version: str = "1.45", configs: dict[str, Any] | None = None) -> None:
        self._version = version
        self._general_configs = configs if configs is not None else {}
        self.calls: list[tuple[Any, ...]] = []

    @check_resource("container")
    def inspect_container(self, container: str, size: bool = False) -> tuple[str, bool]:
        """Inspect a container."""
        return container, size

    @check_resource("image")
    async def inspect_image(self, image: str) -> str:
        return image

    @minimum_version("1.25")
    def prune_containers(self, filters: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """Prune."""
        return filters

    @minimum_version("1.30")
    async def inspect_config(self, id: str) -> str:
        return id

    @update_headers
    def _get(self, url: str, **kwargs: Any) -> dict[str, Any]:
        return kwargs

    @update_headers
    async def _aget(self, url: str, **kwargs: Any) -> dict[str, Any]:
        return kwargs


# ----------------------------------------------------------------------------------------------
# check_resource


def test_check_resource_positional() -> None:
    assert FakeClient().inspect_container("abc") == ("abc", False)
    assert FakeClient().inspect_container("abc", True) == ("abc", True)


def test_check_resource_keyword() -> None:
    assert FakeClient().inspect_container(container="abc") == ("abc", False)
    assert FakeClient().inspect_container(container="abc", size=True) == ("abc", True)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"Id": "id1", "Warnings": []}, "id1"),
        ({"ID": "id2"}, "id2"),
        ({"Id": "id3", "ID": "other"}, "id3"),
    ],
)
def test_check_resource_dict_input(given: dict[str, Any], expected: str) -> None:
    assert FakeClient().inspect_container(given) == (expected, False)
    assert FakeClient().inspect_container(container=given) == (expected, False)


@pytest.mark.parametrize("empty", [None, "", {}, {"Id": ""}, {"Name": "x"}])
def test_check_resource_empty_raises_null_resource(empty: Any) -> None:
    with pytest.raises(NullResource) as info:
        FakeClient().inspect_container(empty)
    assert str(info.value) == "Resource ID was not provided"
    assert isinstance(info.value, ValueError)


def test_check_resource_missing_argument_raises_null_resource() -> None:
    with pytest.raises(NullResource):
        FakeClient().inspect_container()  # type: ignore[call-arg]
    with pytest.raises(NullResource):
        FakeClient().inspect_container(container="")


def test_check_resource_keeps_metadata_and_signature() -> None:
    method = FakeClient.inspect_container
    assert method.__name__ == "inspect_container"
    assert method.__doc__ == "Inspect a container."
    assert list(inspect.signature(method).parameters) == ["self", "container", "size"]


def test_check_resource_async() -> None:
    client = FakeClient()
    assert inspect.iscoroutinefunction(FakeClient.inspect_image)
    assert asyncio.run(client.inspect_image({"Id": "img"})) == "img"
    assert asyncio.run(client.inspect_image(image="img2")) == "img2"
    with pytest.raises(NullResource):
        asyncio.run(client.inspect_image(""))


# ----------------------------------------------------------------------------------------------
# minimum_version


def test_minimum_version_allows_equal_and_newer() -> None:
    assert FakeClient("1.25").prune_containers({"a": 1}) == {"a": 1}
    assert FakeClient("1.45").prune_containers() is None


@pytest.mark.parametrize("version", ["1.24", "1.9"])
def test_minimum_version_refuses_older(version: str) -> None:
    with pytest.raises(InvalidVersion) as info:
        FakeClient(version).prune_containers()
    assert str(info.value) == "prune_containers is not available for version < 1.25"


def test_minimum_version_reads_version_at_call_time() -> None:
    client = FakeClient("1.24")
    with pytest.raises(InvalidVersion):
        client.prune_containers()
    client._version = "1.41"
    assert client.prune_containers() is None


def test_minimum_version_keeps_signature() -> None:
    method = FakeClient.prune_containers
    assert method.__name__ == "prune_containers"
    assert list(inspect.signature(method).parameters) == ["self", "filters"]


def test_minimum_version_async() -> None:
    assert inspect.iscoroutinefunction(FakeClient.inspect_config)
    assert asyncio.run(FakeClient("1.41").inspect_config("c")) == "c"
    with pytest.raises(InvalidVersion) as info:
        asyncio.run(FakeClient("1.29").inspect_config("c"))
    assert str(info.value) == "inspect_config is not available for version < 1.30"


# ----------------------------------------------------------------------------------------------
# update_headers


def test_update_headers_without_config_leaves_kwargs_alone() -> None:
    assert FakeClient()._get("/x") == {}
    assert FakeClient()._get("/x", headers={"A": "1"}) == {"headers": {"A": "1"}}


def test_update_headers_fills_missing_headers_with_a_copy() -> None:
    configured = {"X-Meta": "m"}
    client = FakeClient(configs={"HttpHeaders": configured})
    sent = client._get("/x", params={"a": 1})
    assert sent == {"params": {"a": 1}, "headers": {"X-Meta": "m"}}
    sent["headers"]["Other"] = "y"
    assert configured == {"X-Meta": "m"}


def test_update_headers_replaces_empty_headers() -> None:
    client = FakeClient(configs={"HttpHeaders": {"X-Meta": "m"}})
    assert client._get("/x", headers={}) == {"headers": {"X-Meta": "m"}}
    assert client._get("/x", headers=None) == {"headers": {"X-Meta": "m"}}


def test_update_headers_config_values_win() -> None:
    client = FakeClient(configs={"HttpHeaders": {"X-Meta": "config", "X-Extra": "e"}})
    mine = {"X-Meta": "mine", "Content-Type": "application/json"}
    sent = client._get("/x", headers=mine)
    assert sent["headers"] is mine
    assert mine == {"X-Meta": "config", "Content-Type": "application/json", "X-Extra": "e"}


def test_update_headers_async() -> None:
    client = FakeClient(configs={"HttpHeaders": {"X-Meta": "m"}})
    assert inspect.iscoroutinefunction(FakeClient._aget)
    assert asyncio.run(client._aget("/x")) == {"headers": {"X-Meta": "m"}}


def test_update_headers_keeps_signature() -> None:
    assert list(inspect.signature(FakeClient._get).parameters) == ["self", "url", "kwargs"]
