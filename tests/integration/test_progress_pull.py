"""docker.utils.progress on a real pull and a real push (the test bed's mirror and registry)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest

import docker

pytestmark = pytest.mark.usefixtures("engine", "isolated_home")

AUTH_REGISTRY = "127.0.0.1:5001"
AUTH = {"username": "testuser", "password": "testpassword", "serveraddress": AUTH_REGISTRY}
TARGET = f"{AUTH_REGISTRY}/dsdk-test-progress"


@pytest.fixture
def client() -> Iterator[docker.APIClient]:
    api = docker.APIClient()
    yield api
    api.close()


def test_pull_progress_plain(client: docker.APIClient) -> None:
    out = io.StringIO()
    stream = client.pull("busybox", tag="latest", stream=True, decode=True)
    with stream:
        events = list(docker.utils.progress(stream, file=out, tty=False))
    text = out.getvalue()
    assert events and all(isinstance(e, dict) for e in events)
    assert "\x1b" not in text
    lines = text.splitlines()
    assert lines[0] == "latest: Pulling from library/busybox"
    assert lines[-1].startswith("Status: ")
    assert any(line.startswith("Digest: sha256:") for line in lines)
    assert len(lines) <= len(events)


def test_push_progress_plain(client: docker.APIClient) -> None:
    client.pull("busybox", tag="latest")
    assert client.tag("busybox:latest", TARGET, "latest")
    try:
        out = io.StringIO()
        stream = client.push(TARGET, tag="latest", stream=True, auth_config=AUTH)
        with stream:
            chunks = list(docker.utils.progress(stream, file=out, tty=False))
        assert chunks and all(isinstance(c, bytes) for c in chunks)
        lines = out.getvalue().splitlines()
        assert lines[0] == f"The push refers to repository [{TARGET}]"
        final = (": Pushed", ": Layer already exists", ": Mounted from ")
        assert any(marker in line for line in lines for marker in final), lines
        assert lines[-1].startswith("latest: digest: sha256:")
    finally:
        client.remove_image(f"{TARGET}:latest")


def test_push_without_credentials_raises(client: docker.APIClient) -> None:
    client.pull("busybox", tag="latest")
    assert client.tag("busybox:latest", TARGET, "noauth")
    try:
        out = io.StringIO()
        stream = client.push(TARGET, tag="noauth", stream=True, decode=True)
        with stream, pytest.raises(docker.errors.APIError) as info:
            for _ in docker.utils.progress(stream, file=out, tty=False):
                pass
        assert info.value.explanation
        assert out.getvalue().splitlines()[-1] == f"ERROR: {info.value.explanation}"
    finally:
        client.remove_image(f"{TARGET}:noauth")
