"""Progress streams as the real engine frames them: one JSON message per HTTP chunk.

The decoders have a fast path for exactly that framing (a piece that is one message ending in
``\\r\\n``); these tests check the framing itself and that decoding gives what ``json.loads``
of each message gives.
"""

from __future__ import annotations

import contextlib
import io
import json
import tarfile
from collections.abc import Iterator

import pytest

import docker
from docker.errors import NotFound

pytestmark = pytest.mark.usefixtures("engine", "isolated_home")

TAG = "dsdk-test-framing:latest"


@pytest.fixture
def client() -> Iterator[docker.APIClient]:
    api = docker.APIClient(version="1.41")
    yield api
    api.close()


def test_pull_progress_is_one_message_per_chunk_and_decodes_like_json_loads(
    client: docker.APIClient,
) -> None:
    pieces = list(client.pull("alpine", tag="3.10", stream=True))
    assert len(pieces) >= 3
    for piece in pieces:
        assert piece.endswith(b"\r\n")
        assert piece.count(b"\r\n") == 1, piece
    expected = [json.loads(piece) for piece in pieces]
    decoded = list(client.pull("alpine", tag="3.10", stream=True, decode=True))
    assert decoded == expected
    assert decoded[0] == {"status": "Pulling from library/alpine", "id": "3.10"}
    assert decoded[-1]["status"].startswith("Status: ")


def test_build_progress_with_escaped_characters_decodes(client: docker.APIClient) -> None:
    dockerfile = b'FROM busybox:latest\nRUN echo "a > b & c < d"\n'
    context = io.BytesIO()
    with tarfile.open(fileobj=context, mode="w") as tar:
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(dockerfile)
        tar.addfile(info, io.BytesIO(dockerfile))
    context.seek(0)
    try:
        items = list(
            client.build(
                fileobj=context,
                custom_context=True,
                tag=TAG,
                rm=True,
                forcerm=True,
                decode=True,
            )
        )
        text = "".join(item.get("stream", "") for item in items)
        # The daemon escapes '>', '<' and '&' as \u003e, \u003c, \u0026 in its JSON.
        assert " ---> " in text
        assert 'echo "a > b & c < d"' in text
        assert "Successfully tagged dsdk-test-framing:latest" in text
        assert all(isinstance(item, dict) for item in items)
    finally:
        with contextlib.suppress(NotFound):
            client.remove_image(TAG, force=True)
