"""AsyncUpgradedConnection.write_eof where the asyncio transport cannot half-close."""

from __future__ import annotations

import asyncio
import errno

import pytest

from docker._core.message import Response
from docker.aio import AsyncUpgradedConnection
from docker.aio._transport import AsyncConnection


class _NoHalfClose(asyncio.Transport):
    """The transport contract of asyncio's pipe and TLS transports: no write_eof."""

    def __init__(self) -> None:
        super().__init__()
        self.eof_written = False

    def can_write_eof(self) -> bool:
        return False

    def write_eof(self) -> None:
        self.eof_written = True


class _HalfClose(_NoHalfClose):
    def can_write_eof(self) -> bool:
        return True


def _upgraded(transport: asyncio.Transport) -> AsyncUpgradedConnection:
    conn = AsyncConnection()
    conn.connection_made(transport)
    return AsyncUpgradedConnection(conn, Response(101, None, b"", "http://docker/x", b""))


def test_write_eof_without_half_close_says_so() -> None:
    async def main() -> None:
        transport = _NoHalfClose()
        with pytest.raises(OSError, match="has no half-close") as caught:
            _upgraded(transport).write_eof()
        assert caught.value.errno == errno.EOPNOTSUPP
        assert not transport.eof_written

    asyncio.run(main())


def test_write_eof_reaches_a_transport_that_can() -> None:
    async def main() -> None:
        transport = _HalfClose()
        _upgraded(transport).write_eof()
        assert transport.eof_written

    asyncio.run(main())
