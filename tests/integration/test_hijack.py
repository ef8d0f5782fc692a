"""The connection upgrade (hijack) that attach and exec use, proven on the real engine."""

from __future__ import annotations

import asyncio
import struct
from collections.abc import Iterator

import pytest

import docker
from docker._core.message import Request
from docker.aio import AsyncAPIClient
from tests.conftest import cli


@pytest.fixture
def cat_container(docker_cli: str) -> Iterator[str]:
    cli("pull", "-q", "busybox:latest")
    cid = cli("create", "-i", "busybox", "cat")
    cli("start", cid)
    yield cid
    cli("rm", "-f", cid)


def _attach_request(cid: str) -> Request:
    return Request(
        "POST",
        f"/containers/{cid}/attach",
        params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1},
        upgrade=True,
        timeout=10,
    )


def test_sync_upgrade_round_trip(cat_container: str) -> None:
    with docker.APIClient() as client:
        conn = client._send(_attach_request(cat_container))
        with conn:
            assert conn.response.status_code == 101
            assert conn.response.headers["Upgrade"] == "tcp"
            conn.sendall(b"hello through the hijack\n")
            data = b""
            while len(data) < 8 + 25:
                piece = conn.recv(4096)
                assert piece, "stream ended early"
                data += piece
            stream_id, length = struct.unpack(">BxxxL", data[:8])
            assert (stream_id, length) == (1, 25)
            assert data[8:] == b"hello through the hijack\n"
        # The upgraded connection never goes back to the pool.
        assert client._pool.idle_count <= 1


def test_async_upgrade_round_trip(cat_container: str) -> None:
    async def main() -> None:
        async with AsyncAPIClient() as client:
            await client.negotiate_version()
            conn = await client._send(_attach_request(cat_container))
            async with conn:
                assert conn.response.status_code == 101
                await conn.write(b"async hello\n")
                data = b""
                while len(data) < 8 + 12:
                    piece = await asyncio.wait_for(conn.read(4096), 10)
                    assert piece
                    data += piece
                assert data == struct.pack(">BxxxL", 1, 12) + b"async hello\n"

    asyncio.run(main())
