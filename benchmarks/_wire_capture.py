"""How dockerd frames a progress stream on the wire: a recording relay and a chunk analysis.

    .venv/bin/python benchmarks/_wire_capture.py          # prints the analysis as JSON

A unix-socket relay in front of the engine records every byte the daemon sends back, with the
size of each read.  Our client, pointed at the relay, runs real progress streams:

* ``pull('alpine:3.10')`` (the image is present: a short stream);
* ``build`` of a small image from ``busybox:latest`` with three ``RUN`` steps that each write a
  few MB of random bytes (so every layer is new);
* ``push`` of that image to the mirror registry on ``127.0.0.1:5000``;
* ``pull`` of it back after removing it locally, so its layers are really downloaded and
  extracted (``Downloading``/``Extracting`` with ``progressDetail`` and the progress bar).

Each reply's chunked body is then cut at its HTTP chunk boundaries: how many chunks, their
sizes, and how many JSON messages each holds (and whether each message ends with ``\\r\\n``).
The image is removed locally and, through the registry's API, from the registry at the end
(manifest and blob links; the registry keeps the blob data until its garbage collection).
"""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import os
import statistics
import sys
import tarfile
import time
from pathlib import Path
from typing import Any

ENGINE_SOCKET = "/var/run/docker.sock"
REGISTRY = "127.0.0.1:5000"
API = "1.41"
LAYERS_MB = (6, 4, 3)


def recording_relay() -> Any:
    """The tests' recording relay (``tests/support/wire.py``): it also keeps the daemon's side
    of every connection (``conversations``: ``data`` and the size of each read)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.support.wire import RecordingProxy

    return RecordingProxy(ENGINE_SOCKET)


# --------------------------------------------------------------------------- analysis


def split_responses(data: bytes) -> list[tuple[bytes, list[bytes]]]:
    """Cut a daemon->client byte stream into responses: ``(head, chunks)``; ``chunks`` holds
    the payload of each HTTP chunk (a Content-Length body counts as one chunk)."""
    out: list[tuple[bytes, list[bytes]]] = []
    pos = 0
    while pos < len(data):
        end = data.find(b"\r\n\r\n", pos)
        if end < 0:
            break
        head = bytes(data[pos:end])
        pos = end + 4
        lower = head.lower()
        chunks: list[bytes] = []
        if b"transfer-encoding: chunked" in lower:
            while True:
                eol = data.find(b"\r\n", pos)
                size = int(data[pos:eol].split(b";")[0], 16)
                pos = eol + 2
                if size == 0:
                    pos += 2  # no trailers from dockerd
                    break
                chunks.append(bytes(data[pos : pos + size]))
                if data[pos + size : pos + size + 2] != b"\r\n":
                    raise ValueError("chunk not followed by CRLF")
                pos += size + 2
        else:
            for line in lower.split(b"\r\n"):
                if line.startswith(b"content-length:"):
                    n = int(line.split(b":")[1])
                    chunks.append(bytes(data[pos : pos + n]))
                    pos += n
        out.append((head, chunks))
    return out


def analyse(head: bytes, chunks: list[bytes], reads: list[int]) -> dict[str, Any]:
    """Chunk sizes, messages per chunk, and the message mix of one progress reply."""
    per_chunk: list[int] = []
    crlf_ended = 0
    statuses: dict[str, int] = {}
    examples: dict[str, str] = {}
    decoder = json.JSONDecoder()
    for chunk in chunks:
        text = chunk.decode()
        pos, n = 0, 0
        while pos < len(text):
            while pos < len(text) and text[pos] in " \t\r\n":
                pos += 1
            if pos >= len(text):
                break
            value, pos = decoder.raw_decode(text, pos)
            n += 1
            status = str(value.get("status") or value.get("stream") or "").strip()
            key = status.split(":")[0].split(" ")[0] if status else next(iter(value), "?")
            statuses[key] = statuses.get(key, 0) + 1
            if key not in examples:
                examples[key] = chunk.decode()
        per_chunk.append(n)
        crlf_ended += chunk.endswith(b"\r\n")
    sizes = [len(c) for c in chunks]
    headers = [line.decode("latin-1") for line in head.split(b"\r\n")[1:]]
    return {
        "status_line": head.split(b"\r\n", 1)[0].decode("latin-1"),
        "headers": [h for h in headers if not h.lower().startswith("date:")],
        "chunks": len(chunks),
        "messages": sum(per_chunk),
        "chunks_with_one_message": sum(1 for n in per_chunk if n == 1),
        "max_messages_per_chunk": max(per_chunk, default=0),
        "chunks_ending_crlf": crlf_ended,
        "chunk_bytes_min": min(sizes, default=0),
        "chunk_bytes_median": statistics.median(sizes) if sizes else 0,
        "chunk_bytes_max": max(sizes, default=0),
        "reads": len(reads),
        "statuses": statuses,
        "escaped_gt": sum(c.count(b"\\u003e") for c in chunks),
        "examples": examples,
    }


# --------------------------------------------------------------------------- the capture


def _context(tag: str) -> bytes:
    dockerfile = "FROM busybox:latest\n" + "".join(
        f"RUN head -c {mb * 1_000_000} /dev/urandom > /layer{i}\n" for i, mb in enumerate(LAYERS_MB)
    )
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(dockerfile)
        tar.addfile(info, io.BytesIO(dockerfile.encode()))
    return raw.getvalue()


def _registry_delete(name: str, tag: str) -> None:
    """Delete ``name:tag`` from the mirror registry (its storage has delete enabled): the
    repository's links to the manifest, the config and the layers (blob data shared with other
    repositories, like busybox's layer, stays theirs)."""
    host, port = REGISTRY.split(":")
    accept = "application/vnd.docker.distribution.manifest.v2+json"
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.request("GET", f"/v2/{name}/manifests/{tag}", headers={"Accept": accept})
        resp = conn.getresponse()
        body = resp.read()
        digest = resp.getheader("Docker-Content-Digest")
        if resp.status != 200 or not digest:
            return
        manifest = json.loads(body)
        blobs = [manifest["config"]["digest"]] + [layer["digest"] for layer in manifest["layers"]]
        conn.request("DELETE", f"/v2/{name}/manifests/{digest}")
        conn.getresponse().read()
        for blob in blobs:
            conn.request("DELETE", f"/v2/{name}/blobs/{blob}")
            conn.getresponse().read()
    finally:
        conn.close()


def capture() -> dict[str, Any]:
    """Run the four progress streams through the relay; the analysis of each."""
    import docker
    from docker.errors import NotFound

    name = "dsdk-test-wire"
    repo = f"{REGISTRY}/{name}"
    relay = recording_relay()
    api = docker.APIClient(base_url=relay.base_url, version=API, timeout=300)
    results: dict[str, Any] = {}

    def record(label: str, run: Any) -> None:
        api.close()  # idle connections closed: the call opens a new one, recorded apart
        first = relay.mark()
        start = time.monotonic()
        for _ in run():
            pass
        elapsed = time.monotonic() - start
        time.sleep(0.2)  # let the relay copy the last bytes
        convs = relay.conversations[first:]
        for conv in convs:
            for head, chunks in split_responses(bytes(conv.data)):
                if b"chunked" in head.lower() and len(chunks) > 1:
                    info = analyse(head, chunks, conv.reads)
                    info["seconds"] = round(elapsed, 2)
                    results[label] = info
        if label not in results:
            raise SystemExit(f"wire capture: no chunked progress reply recorded for {label}")

    try:
        record("pull alpine:3.10 (present)", lambda: api.pull("alpine", tag="3.10", stream=True))
        record(
            "build (3 RUN layers)",
            lambda: api.build(
                fileobj=io.BytesIO(_context(repo)),
                custom_context=True,
                tag=f"{repo}:latest",
                rm=True,
                forcerm=True,
                labels={"dsdk-test": "wire"},
            ),
        )
        record("push to 127.0.0.1:5000", lambda: api.push(repo, tag="latest", stream=True))
        api.remove_image(f"{repo}:latest")
        record(
            "pull of the pushed image (layers downloaded)",
            lambda: api.pull(repo, tag="latest", stream=True),
        )
    finally:
        with contextlib.suppress(NotFound):
            api.remove_image(f"{repo}:latest", force=True)
        with contextlib.suppress(OSError):
            _registry_delete(name, "latest")
        api.close()
        relay.close()
    return results


def main() -> int:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
    print(json.dumps(capture(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
