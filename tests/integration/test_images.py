"""Image endpoints and models against the real engine, sync and async, with the wire checked.

The test bed's registry mirror (127.0.0.1:5000) serves alpine:3.10, alpine:latest, busybox and
hello-world; 127.0.0.1:5001 is a registry with htpasswd auth.  Everything a test creates is
named ``dsdk-test-...`` and removed again; the base images are never removed (other tests use
them), only extra tags of them.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import http.server
import io
import json
import os
import socket
import tarfile
import threading
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest

import docker
from docker.aio import AsyncAPIClient
from docker.api.image import _import_image_params, is_file
from docker.errors import (
    APIError,
    DockerException,
    ImageLoadError,
    ImageNotFound,
    InvalidArgument,
    InvalidVersion,
    NotFound,
    NullResource,
)
from docker.models.images import Image, ImageCollection, RegistryData, normalize_platform
from tests.support.fake_daemon import FakeDaemon
from tests.support.wire import RecordingProxy

pytestmark = pytest.mark.usefixtures("engine", "isolated_home")

MIRROR = "127.0.0.1:5000"
AUTH_REGISTRY = "127.0.0.1:5001"
AUTH = {"username": "testuser", "password": "testpassword", "serveraddress": AUTH_REGISTRY}


def _uid() -> str:
    return uuid.uuid4().hex[:10]


def _query(req: Any) -> dict[str, list[str]]:
    return parse_qs(req.query, keep_blank_values=True)


def _auth_header(req: Any) -> Any:
    return json.loads(base64.urlsafe_b64decode(req.headers["x-registry-auth"]))


def tiny_tar(marker: str) -> bytes:
    """A one-file tar: the smallest thing the daemon imports as an image."""
    buf = io.BytesIO()
    content = f"dsdk-test {marker}\n".encode()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo("hello.txt")
        info.size = len(content)
        tar.addfile(info, io.BytesIO(content))
    return buf.getvalue()


def _imported_id(text: str) -> str:
    status = json.loads(text.strip().splitlines()[-1])["status"]
    assert isinstance(status, str) and status.startswith("sha256:"), text
    return status


@pytest.fixture
def proxy(engine: str) -> Iterator[RecordingProxy]:
    p = RecordingProxy(engine)
    yield p
    p.close()


@pytest.fixture
def client(engine: str) -> Iterator[docker.DockerClient]:
    c = docker.DockerClient()
    yield c
    c.close()


@pytest.fixture
def cleanup(engine: str) -> Iterator[list[str]]:
    """Names (tags) and imported image IDs to remove after the test."""
    refs: list[str] = []
    yield refs
    with docker.APIClient() as api:
        for ref in reversed(refs):
            with contextlib.suppress(NotFound):
                # IDs only for images the test imported itself; tags never force.
                api.remove_image(ref, force=ref.startswith("sha256:"))


@pytest.fixture(scope="module")
def base_images(engine: str) -> None:
    """alpine:3.10 and busybox:latest present (pulled through the mirror)."""
    with docker.APIClient() as api:
        api.pull("alpine", tag="3.10")
        api.pull("busybox", tag="latest")


# pull ------------------------------------------------------------------------------------------
def test_pull_by_tag_wire_and_text(proxy: RecordingProxy) -> None:
    with docker.APIClient(base_url=proxy.base_url) as api:
        text = api.pull("alpine", tag="3.10")
        assert isinstance(text, str)
        assert "alpine:3.10" in text and '"error"' not in text
        req = proxy.last("/images/create")
        assert req.method == "POST"
        assert req.target == "/v1.41/images/create?tag=3.10&fromImage=alpine"
        assert "x-registry-auth" not in req.headers  # nothing configured, nothing sent
        # A tag inside the name; a registry port is not taken for a tag.
        api.pull(f"{MIRROR}/library/alpine:3.10")
        assert proxy.last("/images/create").query == (
            "tag=3.10&fromImage=127.0.0.1%3A5000%2Flibrary%2Falpine"
        )
        api.pull("busybox")
        assert proxy.last("/images/create").query == "tag=latest&fromImage=busybox"
    with docker.APIClient() as api:
        api.remove_image(f"{MIRROR}/library/alpine:3.10")


def test_pull_platform_and_auth_config_on_the_wire(proxy: RecordingProxy) -> None:
    auth_config = {"username": "someone", "password": "p@ss:w/rd+?", "email": None}
    with docker.APIClient(base_url=proxy.base_url) as api:
        api.pull("busybox:latest", platform="linux/amd64", auth_config=auth_config)
    req = proxy.last("/images/create")
    assert req.query == "tag=latest&fromImage=busybox&platform=linux%2Famd64"
    assert _auth_header(req) == auth_config
    # URL-safe base64, as the CLI sends it.
    assert "+" not in req.headers["x-registry-auth"] and "/" not in req.headers["x-registry-auth"]


def test_pull_auth_from_login(proxy: RecordingProxy, base_images: None) -> None:
    with docker.APIClient(base_url=proxy.base_url) as api:
        api.login("testuser", "testpassword", registry=AUTH_REGISTRY)
        with pytest.raises(NotFound):
            api.pull(f"{AUTH_REGISTRY}/dsdk-test-never-pushed-{_uid()}", tag="x")
        assert _auth_header(proxy.last("/images/create"))["username"] == "testuser"


def test_pull_by_digest_and_all_tags(proxy: RecordingProxy, base_images: None) -> None:
    with docker.APIClient(base_url=proxy.base_url) as api:
        digest = api.inspect_distribution("alpine:3.10")["Descriptor"]["digest"]
        text = api.pull(f"alpine@{digest}")
        assert digest in text
        assert _query(proxy.last("/images/create")) == {"tag": [digest], "fromImage": ["alpine"]}
        repo = f"{MIRROR}/library/hello-world"
        text = api.pull(repo, all_tags=True)
        assert (
            proxy.last("/images/create").query
            == "fromImage=127.0.0.1%3A5000%2Flibrary%2Fhello-world"
        )
        assert api.images(name=repo)
        api.remove_image(f"{repo}:latest")


def test_pull_stream_raw_and_decoded(api: docker.APIClient) -> None:
    with api.pull("alpine", tag="3.10", stream=True) as stream:
        chunks = list(stream)
    assert chunks and all(isinstance(c, bytes) for c in chunks)
    assert b"alpine:3.10" in b"".join(chunks)
    items = list(api.pull("alpine", tag="3.10", stream=True, decode=True))
    assert all(isinstance(i, dict) for i in items)
    assert items[-1]["status"].startswith("Status:")
    # Stopping early closes the connection; nothing stays pooled in a bad state.
    stream = api.pull("alpine", tag="3.10", stream=True)
    next(stream)
    stream.close()
    assert api.ping()


def test_pull_missing_image_and_bad_names(api: docker.APIClient) -> None:
    name = f"{MIRROR}/library/dsdk-test-missing-{_uid()}"
    with pytest.raises(NotFound) as info:
        api.pull(name, tag="1.0")
    assert "manifest unknown" in (info.value.explanation or "")
    # Docker Hub is unreachable from the test bed: the daemon's own message comes back.
    with pytest.raises(APIError) as hub:
        api.pull(f"dsdk-test-nowhere-{_uid()}")
    assert hub.value.is_server_error() and "registry-1.docker.io" in (hub.value.explanation or "")
    for bad in ("Bad:Name", "UPPERCASE"):
        with pytest.raises(APIError) as bad_info:
            api.pull(bad)
        assert bad_info.value.status_code == 400
        assert "invalid reference format" in (bad_info.value.explanation or "")


def _progress_daemon(items: list[dict[str, Any]]) -> FakeDaemon:
    """A daemon whose pull/push answer 200 with ``items`` as a chunked progress stream."""
    body = b"".join(json.dumps(i).encode() + b"\r\n" for i in items)

    def handler(conn: socket.socket, head: bytes) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n" + b"%x\r\n%b\r\n0\r\n\r\n" % (len(body), body)
        )

    return FakeDaemon(handler)


FAILED_PULL: list[dict[str, Any]] = [
    {"status": "Pulling from library/x", "id": "1"},
    {"status": "Downloading", "progressDetail": {"current": 1, "total": 9}, "id": "abc"},
    {"errorDetail": {"message": "unexpected EOF"}, "error": "unexpected EOF"},
]


def test_pull_in_stream_error_raises_unless_streamed() -> None:
    # The engine reports some failures (a broken download) inside a 200 reply; no registry of
    # the test bed can be made to do that, so a scripted daemon plays that reply.
    fake = _progress_daemon(FAILED_PULL)
    try:
        with docker.APIClient(base_url=fake.base_url) as api:
            with pytest.raises(APIError) as info:
                api.pull("x")
            assert info.value.explanation == "unexpected EOF"
            assert info.value.status_code is None
            assert "pull of x failed" in str(info.value)
            # Streamed: the caller gets the items unchanged, the error item included.
            assert list(api.pull("x", stream=True, decode=True)) == FAILED_PULL
        with docker.DockerClient(base_url=fake.base_url) as client, pytest.raises(APIError):
            client.images.pull("x")  # the original returned silently here (B18)
    finally:
        fake.close()


# tag / inspect / history / list / remove ------------------------------------------------------
def test_tag_inspect_history_list_remove(
    proxy: RecordingProxy, base_images: None, cleanup: list[str]
) -> None:
    repo = f"dsdk-test-tag-{_uid()}"
    with docker.APIClient(base_url=proxy.base_url) as api:
        assert api.tag("busybox:latest", repo, "v1") is True
        cleanup.append(f"{repo}:v1")
        assert proxy.last("/tag").target == (
            f"/v1.41/images/busybox:latest/tag?tag=v1&repo={repo}&force=0"
        )
        assert api.tag({"Id": "busybox:latest"}, repo, force=True) is True  # type: ignore[arg-type]
        cleanup.append(f"{repo}:latest")
        assert proxy.last("/tag").query == f"repo={repo}&force=1"
        info = api.inspect_image(f"{repo}:v1")
        assert f"{repo}:v1" in info["RepoTags"] and info["Id"].startswith("sha256:")
        assert api.inspect_image(image=f"{repo}:v1")["Id"] == info["Id"]
        history = api.history(f"{repo}:v1")
        assert isinstance(history, list) and "CreatedBy" in history[0]
        listed = api.images(name=repo)
        assert sorted(t for i in listed for t in i["RepoTags"] if t.startswith(repo)) == [
            f"{repo}:latest",
            f"{repo}:v1",
        ]
        req = proxy.last("/images/json")
        assert _query(req)["only_ids"] == ["0"] and _query(req)["all"] == ["0"]
        assert json.loads(_query(req)["filters"][0]) == {"reference": [repo]}
        filters = {"label": ["dsdk-test-no-such-label"]}
        assert api.images(name=repo, filters=filters) == []
        assert filters == {"label": ["dsdk-test-no-such-label"]}  # the caller's dict is kept
        ids = api.images(name=repo, quiet=True, all=True)
        assert ids == [info["Id"]]
        assert _query(proxy.last("/images/json"))["only_ids"] == ["1"]
        removed = api.remove_image(f"{repo}:v1")
        assert removed == [{"Untagged": f"{repo}:v1"}]
        assert proxy.last(f"/images/{repo}:v1").query == "force=False&noprune=False"
        api.remove_image(f"{repo}:latest", noprune=True)
        assert proxy.last(f"/images/{repo}:latest").query == "force=False&noprune=True"
        with pytest.raises(ImageNotFound) as missing:
            api.inspect_image(f"{repo}:v1")
        assert "no such image" in (missing.value.explanation or "").lower()
    # The base image is untouched.
    with docker.APIClient() as api:
        assert api.inspect_image("busybox:latest")


def test_bad_references_and_null_resources(api: docker.APIClient, base_images: None) -> None:
    with pytest.raises(APIError) as info:
        api.tag("busybox:latest", "Bad", "Name")
    assert info.value.is_error()
    assert "invalid reference format" in (info.value.explanation or "")
    with pytest.raises(NullResource):
        api.inspect_image("")
    with pytest.raises(NullResource):
        api.remove_image(None)  # type: ignore[arg-type]
    with pytest.raises(ImageNotFound):
        api.remove_image(f"dsdk-test-none-{_uid()}")


def test_version_gates(proxy: RecordingProxy) -> None:
    with docker.APIClient(base_url=proxy.base_url, version="1.29") as api:
        with pytest.raises(InvalidVersion, match="platform"):
            api.pull("busybox", platform="linux/amd64")
        with pytest.raises(InvalidVersion, match="inspect_distribution"):
            api.inspect_distribution("busybox")
    with docker.APIClient(base_url=proxy.base_url, version="1.24") as api:
        with pytest.raises(InvalidVersion, match="prune_images"):
            api.prune_images()
        with pytest.raises(DockerException, match="Must specify src or image"):
            api.import_image()
    assert proxy.requests == []


# push ------------------------------------------------------------------------------------------
def test_push_with_auth_config_and_pull_back(
    proxy: RecordingProxy, base_images: None, cleanup: list[str]
) -> None:
    repo = f"{AUTH_REGISTRY}/dsdk-test-push-{_uid()}"
    with docker.APIClient(base_url=proxy.base_url) as api:
        api.tag("busybox:latest", repo, "v1")
        cleanup.append(f"{repo}:v1")
        # No credentials: the failure arrives inside a 200 reply and is raised.
        with pytest.raises(APIError) as info:
            api.push(repo, tag="v1")
        assert "no basic auth credentials" in (info.value.explanation or "")
        # Streamed, the same failure is an item, as the daemon sent it.
        items = list(api.push(f"{repo}:v1", stream=True, decode=True))
        assert "no basic auth credentials" in items[-1]["error"]
        text = api.push(f"{repo}:v1", auth_config=AUTH)
        assert isinstance(text, str) and "digest: sha256:" in text
        req = proxy.last("/push")
        assert req.target == f"/v1.41/images/{repo}/push?tag=v1"
        assert req.body == b"{}" and req.headers["content-type"] == "application/json"
        assert _auth_header(req) == AUTH
        raw = list(api.push(repo, tag="v1", auth_config=AUTH, stream=True))
        assert raw and all(isinstance(c, bytes) for c in raw)
        # Pull it back from the registry.
        api.remove_image(f"{repo}:v1")
        with pytest.raises(APIError):
            api.pull(repo, tag="v1")  # no credentials
        text = api.pull(repo, tag="v1", auth_config=AUTH)
        assert f"Downloaded newer image for {repo}:v1" in text
        assert _auth_header(proxy.last("/images/create")) == AUTH
        assert api.inspect_image(f"{repo}:v1")["Id"] == api.inspect_image("busybox:latest")["Id"]


def test_push_unknown_local_image_raises(api: docker.APIClient) -> None:
    with pytest.raises(APIError) as info:
        api.push(f"{AUTH_REGISTRY}/dsdk-test-nothing-{_uid()}", tag="t", auth_config=AUTH)
    assert "does not exist locally" in (info.value.explanation or "")


# save / load -----------------------------------------------------------------------------------
def test_save_to_file_and_load_back(
    api: docker.APIClient, base_images: None, cleanup: list[str], tmp_path: Any
) -> None:
    repo = f"dsdk-test-save-{_uid()}"
    api.tag("busybox:latest", repo, "v1")
    cleanup.append(f"{repo}:v1")
    path = tmp_path / "image.tar"
    sizes = []
    with path.open("wb") as f, api.get_image(f"{repo}:v1", chunk_size=4096) as stream:
        for chunk in stream:
            assert isinstance(chunk, bytes)
            sizes.append(len(chunk))
            f.write(chunk)
    assert max(sizes) <= 4096 and len(sizes) > 10
    with tarfile.open(path) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert manifest[0]["RepoTags"] == [f"{repo}:v1"]
    api.remove_image(f"{repo}:v1")
    with path.open("rb") as f:
        items = list(api.load_image(f))
    assert {"stream": f"Loaded image: {repo}:v1\n"} in items
    assert api.inspect_image(f"{repo}:v1")
    # Bytes, quiet.
    items = list(api.load_image(path.read_bytes(), quiet=True))
    assert all("error" not in i for i in items)
    # A broken tar: the daemon reports it inside the stream.
    items = list(api.load_image(b"not a tar"))
    assert "errorDetail" in items[-1]


# import ----------------------------------------------------------------------------------------
def test_import_from_bytes_file_stream(
    proxy: RecordingProxy, cleanup: list[str], tmp_path: Any
) -> None:
    repo = f"dsdk-test-import-{_uid()}"
    with docker.APIClient(base_url=proxy.base_url) as api:
        data = tiny_tar(repo)
        image_id = _imported_id(
            api.import_image_from_data(data, repository=repo, tag="data", changes=["ENV A=1"])
        )
        cleanup.append(image_id)
        req = proxy.last("/images/create")
        assert _query(req) == {
            "repo": [repo],
            "tag": ["data"],
            "fromSrc": ["-"],
            "changes": ["ENV A=1"],
        }
        assert req.body == data and req.headers["content-type"] == "application/tar"
        assert api.inspect_image(f"{repo}:data")["Config"]["Env"][-1] == "A=1"

        path = tmp_path / "rootfs.tar"
        path.write_bytes(tiny_tar(repo + "file"))
        image_id = _imported_id(api.import_image_from_file(str(path), repository=repo, tag="f"))
        cleanup.append(image_id)
        req = proxy.last("/images/create")
        assert _query(req) == {"repo": [repo], "tag": ["f"], "fromSrc": ["-"]}
        assert req.body == path.read_bytes()

        stream_data = tiny_tar(repo + "stream")
        pieces = iter([stream_data[:700], stream_data[700:]])
        image_id = _imported_id(api.import_image_from_stream(pieces, repository=repo, tag="s"))
        cleanup.append(image_id)
        req = proxy.last("/images/create")
        assert req.headers["transfer-encoding"] == "chunked" and req.body == stream_data

        with path.open("rb") as f:
            image_id = _imported_id(api.import_image(f, repository=repo, tag="fo", stream_src=True))
        cleanup.append(image_id)
        assert {t for i in api.images(name=repo) for t in i["RepoTags"]} == {
            f"{repo}:{t}" for t in ("data", "f", "s", "fo")
        }
        with pytest.raises(APIError) as info:
            api.import_image_from_data(b"garbage", repository=repo, tag="bad")
        assert "Error processing tar file" in (info.value.explanation or "")


class _TarHandler(http.server.BaseHTTPRequestHandler):
    def __init__(self, payload: bytes, *args: Any) -> None:
        self.payload = payload
        super().__init__(*args)

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.payload)))
        self.end_headers()
        self.wfile.write(self.payload)

    def log_message(self, *args: Any) -> None:
        pass


def test_import_from_url_and_image(proxy: RecordingProxy, cleanup: list[str]) -> None:
    repo = f"dsdk-test-url-{_uid()}"
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_TarHandler, tiny_tar(repo))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/rootfs.tar"
        with docker.APIClient(base_url=proxy.base_url) as api:
            text = api.import_image_from_url(url, repository=repo, tag="u")
            cleanup.append(_imported_id(text))
            assert _query(proxy.last("/images/create")) == {
                "repo": [repo],
                "tag": ["u"],
                "fromSrc": [url],
            }
            assert api.inspect_image(f"{repo}:u")
            api.import_image_from_image("busybox", tag="latest")
            assert _query(proxy.last("/images/create")) == {
                "tag": ["latest"],
                "fromImage": ["busybox"],
            }
            with pytest.raises(APIError) as info:
                api.import_image_from_url("http://127.0.0.1:1/none.tar", repository=repo)
            assert "connection refused" in (info.value.explanation or "")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_import_helpers() -> None:
    assert is_file(__file__) and not is_file("http://x/y.tar") and not is_file(b"x")
    assert not is_file(os.path.dirname(__file__))
    assert _import_image_params("r", "t", src="-") == {"repo": "r", "tag": "t", "fromSrc": "-"}
    assert _import_image_params("r", None, src="http://x") == {
        "repo": "r",
        "tag": None,
        "fromSrc": "http://x",
    }
    assert _import_image_params(None, "t", image="busybox", changes=["X"]) == {
        "repo": None,
        "tag": "t",
        "fromImage": "busybox",
        "changes": ["X"],
    }


# prune / search / distribution ---------------------------------------------------------------
def test_prune_with_label_filter_only(proxy: RecordingProxy, cleanup: list[str]) -> None:
    label = f"dsdk-test-prune={_uid()}"
    with docker.APIClient(base_url=proxy.base_url) as api:
        dangling = _imported_id(
            api.import_image_from_data(tiny_tar(label), changes=[f"LABEL {label}"])
        )
        cleanup.append(dangling)
        result = api.prune_images(filters={"label": [label]})
        assert {"Deleted": dangling} in result["ImagesDeleted"]
        assert json.loads(_query(proxy.last("/images/prune"))["filters"][0]) == {"label": [label]}
        # A tagged (not dangling) unused image goes only with dangling=False.
        repo = f"dsdk-test-prune-{_uid()}"
        tagged = _imported_id(
            api.import_image_from_data(
                tiny_tar(repo), repository=repo, tag="t", changes=[f"LABEL {label}"]
            )
        )
        cleanup.append(tagged)
        assert api.prune_images(filters={"label": [label]})["ImagesDeleted"] is None
        result = api.prune_images(filters={"label": [label], "dangling": False})
        assert {"Deleted": tagged} in result["ImagesDeleted"]
        with pytest.raises(ImageNotFound):
            api.inspect_image(tagged)


def test_search_without_internet(proxy: RecordingProxy) -> None:
    with docker.APIClient(base_url=proxy.base_url, timeout=30) as api:
        with pytest.raises(APIError) as info:
            api.search("dsdk-test", limit=3)
        assert info.value.is_server_error()
        assert "index.docker.io" in (info.value.explanation or "")
        assert proxy.last("/images/search").query == "term=dsdk-test&limit=3"
        with pytest.raises(APIError):
            api.search("busybox")
        assert proxy.last("/images/search").query == "term=busybox"


def test_inspect_distribution(proxy: RecordingProxy, base_images: None) -> None:
    with docker.APIClient(base_url=proxy.base_url) as api:
        data = api.inspect_distribution(f"{MIRROR}/library/alpine:3.10")
        assert data["Descriptor"]["digest"].startswith("sha256:")
        assert {"architecture": "amd64", "os": "linux"} in data["Platforms"]
        req = proxy.last("/json")
        assert req.path == f"/v1.41/distribution/{MIRROR}/library/alpine:3.10/json"
        assert "x-registry-auth" not in req.headers
        api.inspect_distribution(image=f"{MIRROR}/library/alpine:3.10", auth_config=AUTH)
        assert _auth_header(proxy.last("/json")) == AUTH
        with pytest.raises(NotFound):
            api.inspect_distribution(f"{MIRROR}/library/dsdk-test-none:1")


# models ----------------------------------------------------------------------------------------
def test_model_pull_get_tag_properties(
    client: docker.DockerClient, base_images: None, cleanup: list[str]
) -> None:
    assert client.images is not client.images
    assert isinstance(client.images, ImageCollection)
    image = client.images.pull("alpine", tag="3.10")
    assert isinstance(image, Image) and "alpine:3.10" in image.tags
    assert client.images.pull("alpine:3.10") == image
    assert image.short_id == image.id[:19] and image.short_id.startswith("sha256:")
    assert repr(image).startswith("<Image: '") and "'alpine:3.10'" in repr(image)
    assert isinstance(image.labels, dict)
    assert image.history()[0]["Id"]
    repo = f"dsdk-test-model-{_uid()}"
    assert image.tag(repo, "one") is True
    cleanup.append(f"{repo}:one")
    image.reload()
    assert f"{repo}:one" in image.tags
    tagged = client.images.get(f"{repo}:one")
    assert tagged == image and hash(tagged) == hash(image)
    listed = client.images.list(name=repo)
    assert listed == [image]
    assert client.images.list(filters={"reference": f"{repo}:*"}) == [image]
    assert client.images.list(name=repo, filters={"label": "dsdk-test-none"}) == []
    removed = client.images.remove(f"{repo}:one")
    assert removed == [{"Untagged": f"{repo}:one"}]
    with pytest.raises(ImageNotFound):
        client.images.get(f"{repo}:one")
    with pytest.warns(UserWarning, match="`stream` is not a valid parameter"):
        client.images.pull("busybox", stream=True)


def test_model_pull_digest_all_tags_and_failures(
    client: docker.DockerClient, base_images: None
) -> None:
    digest = client.images.get_registry_data("alpine:3.10").id
    by_digest = client.images.pull(f"alpine@{digest}")
    assert by_digest == client.images.get("alpine:3.10")
    images = client.images.pull(f"{MIRROR}/library/hello-world", all_tags=True)
    assert isinstance(images, list) and len(images) == 1
    assert f"{MIRROR}/library/hello-world:latest" in images[0].tags
    client.images.remove(f"{MIRROR}/library/hello-world:latest")
    with pytest.raises(NotFound) as info:
        client.images.pull(f"{MIRROR}/library/dsdk-test-none-{_uid()}")
    assert "manifest unknown" in (info.value.explanation or "")
    with pytest.raises(APIError, match="invalid reference format"):
        client.images.pull("Bad:Name")


def test_model_registry_data(client: docker.DockerClient, base_images: None) -> None:
    name = f"{MIRROR}/library/alpine:3.10"
    data = client.images.get_registry_data(name)
    assert isinstance(data, RegistryData) and data.image_name == name
    assert data.id.startswith("sha256:") and data.short_id == data.id[:19]
    assert data.has_platform("linux/amd64")
    assert data.has_platform("linux")  # architecture from the daemon
    assert data.has_platform({"os": "linux"})
    assert not data.has_platform("linux/arm64")
    assert not data.has_platform("windows")
    with pytest.raises(InvalidArgument, match="not a valid platform descriptor"):
        data.has_platform("linux/arm/v7/extra")
    old = data.attrs
    data.reload()
    assert data.attrs == old
    image = data.pull()
    assert isinstance(image, Image)
    assert image.id == client.images.get("alpine:3.10").id
    assert normalize_platform(None, {"Os": "linux", "Arch": "amd64"}) == {
        "os": "linux",
        "architecture": "amd64",
    }
    platform = {"os": "windows"}
    assert normalize_platform(platform, {"Os": "linux", "Arch": "amd64"}) is platform
    assert platform == {"os": "windows", "architecture": "amd64"}


def test_model_save_load_push(
    client: docker.DockerClient, base_images: None, cleanup: list[str], tmp_path: Any
) -> None:
    repo = f"dsdk-test-msave-{_uid()}"
    image = client.images.get("busybox:latest")
    image.tag(repo, "a")
    cleanup.append(f"{repo}:a")
    image = client.images.get(f"{repo}:a")
    with pytest.raises(InvalidArgument, match="not a valid tag"):
        image.save(named=f"{repo}:nope")
    path = tmp_path / "saved.tar"
    with path.open("wb") as f, image.save(named=f"{repo}:a") as stream:
        for chunk in stream:
            f.write(chunk)
    with tarfile.open(path) as tar:
        assert json.load(tar.extractfile("manifest.json"))[0]["RepoTags"] == [f"{repo}:a"]  # type: ignore[arg-type]
    client.images.remove(f"{repo}:a")
    loaded = client.images.load(path.read_bytes())
    assert [f"{repo}:a" in i.tags for i in loaded] == [True]
    with pytest.raises(ImageLoadError, match="Error processing tar file"):
        client.images.load(b"not a tar")
    # Push through the collection.
    target = f"{AUTH_REGISTRY}/{repo}"
    loaded[0].tag(target, "p")
    cleanup.append(f"{target}:p")
    assert "digest: sha256:" in client.images.push(target, tag="p", auth_config=AUTH)
    with pytest.raises(APIError, match="no basic auth credentials"):
        client.images.push(target, tag="p")
    items = list(client.images.push(target, tag="p", stream=True, decode=True))
    assert "error" in items[-1]
    # Image.remove() goes by ID: only for an image of our own (never the shared busybox).
    assert client.images.remove(f"{repo}:a") == [{"Untagged": f"{repo}:a"}]


def test_model_prune_and_search(client: docker.DockerClient, cleanup: list[str]) -> None:
    label = f"dsdk-test-mprune={_uid()}"
    image_id = _imported_id(
        client.api.import_image_from_data(tiny_tar(label), changes=[f"LABEL {label}"])
    )
    cleanup.append(image_id)
    image = client.images.get(image_id)
    assert image.tags == [] and repr(image) == "<Image: ''>"
    assert image.labels == {label.split("=")[0]: label.split("=")[1]}
    assert {"Deleted": image_id} in image.remove(noprune=True)
    image_id = _imported_id(
        client.api.import_image_from_data(tiny_tar(label + "2"), changes=[f"LABEL {label}"])
    )
    cleanup.append(image_id)
    result = client.images.prune(filters={"label": label})
    assert {"Deleted": image_id} in result["ImagesDeleted"]
    with pytest.raises(APIError, match="index.docker.io"):
        client.images.search("dsdk-test")


# async -----------------------------------------------------------------------------------------
def test_async_image_endpoints(
    proxy: RecordingProxy, base_images: None, cleanup: list[str], tmp_path: Any
) -> None:
    repo = f"dsdk-test-async-{_uid()}"
    pushed = f"{AUTH_REGISTRY}/{repo}"

    async def main() -> None:
        async with AsyncAPIClient(base_url=proxy.base_url) as api:
            text = await api.pull("alpine", tag="3.10", auth_config=AUTH)
            assert "alpine:3.10" in text
            req = proxy.last("/images/create")
            assert req.query == "tag=3.10&fromImage=alpine" and _auth_header(req) == AUTH
            stream = await api.pull("busybox", stream=True, decode=True)
            items = [item async for item in stream]
            assert items[-1]["status"].startswith("Status:")
            assert await api.tag("busybox:latest", repo, "v1") is True
            cleanup.append(f"{repo}:v1")
            info = await api.inspect_image(f"{repo}:v1")
            assert (await api.history(f"{repo}:v1"))[0]["Id"]
            assert await api.images(name=repo, quiet=True) == [info["Id"]]
            # save and load
            path = tmp_path / "a.tar"
            stream = await api.get_image(f"{repo}:v1")
            with path.open("wb") as f:
                async for chunk in stream:
                    f.write(chunk)
            with tarfile.open(path) as tar:
                assert "manifest.json" in tar.getnames()
            assert await api.remove_image(f"{repo}:v1") == [{"Untagged": f"{repo}:v1"}]
            loaded = await api.load_image(path.read_bytes())
            assert {"stream": f"Loaded image: {repo}:v1\n"} in [i async for i in loaded]
            # import, prune
            label = f"dsdk-test-aprune={_uid()}"
            text = await api.import_image_from_data(tiny_tar(label), changes=[f"LABEL {label}"])
            image_id = _imported_id(text)
            cleanup.append(image_id)
            await api.import_image(
                tiny_tar(label + "s"), repository=repo, tag="imp", changes=[f"LABEL {label}"]
            )
            cleanup.append(f"{repo}:imp")
            pruned = await api.prune_images(filters={"label": label, "dangling": False})
            assert {"Deleted": image_id} in pruned["ImagesDeleted"]
            assert {"Untagged": f"{repo}:imp"} in pruned["ImagesDeleted"]
            # push with credentials, then the in-stream failure without them
            await api.tag("busybox:latest", pushed, "v1")
            cleanup.append(f"{pushed}:v1")
            assert "digest:" in await api.push(pushed, tag="v1", auth_config=AUTH)
            with pytest.raises(APIError, match="no basic auth credentials"):
                await api.push(pushed, tag="v1")
            dist = await api.inspect_distribution(f"{MIRROR}/library/alpine:3.10")
            assert dist["Descriptor"]["digest"].startswith("sha256:")
            with pytest.raises(APIError) as search:
                await api.search("dsdk-test", limit=1)
            assert "index.docker.io" in (search.value.explanation or "")
            with pytest.raises(NotFound):
                await api.pull(f"{MIRROR}/library/dsdk-test-none", tag="x")
            with pytest.raises(ImageNotFound):
                await api.inspect_image(f"{repo}:none")

    asyncio.run(main())
