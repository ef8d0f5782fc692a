"""The asyncio connection pool: slots for open connections, and per-connection read timeouts.

Slots are checked against the real engine.  The timeout cases need a daemon that never
answers, which the engine cannot be made to be: a scripted fake stands in for it there.
"""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from docker.aio import AsyncAPIClient
from docker.errors import DaemonTimeout
from tests.support.fake_daemon import FakeDaemon, read_request

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"


def test_cancelled_waiter_gives_its_slot_back(engine: str) -> None:
    async def main() -> None:
        async with AsyncAPIClient(version="1.41", max_pool_size=1) as api:
            assert await api.ping() is True
            pool = api._pool
            assert pool is not None
            held = await pool.acquire()  # the only slot
            waiting = asyncio.create_task(api.ping())
            await asyncio.sleep(0.05)
            assert not waiting.done()  # no slot: it waits
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
            # A waiter handed the slot, then cancelled before it could run, passes it on.
            handed = asyncio.create_task(api.ping())
            await asyncio.sleep(0.05)
            pool.release(held)  # hands the slot to `handed`...
            handed.cancel()  # ...which is cancelled before it resumes
            with pytest.raises(asyncio.CancelledError):
                await handed
            # No slot was lost: calls go on, one connection at a time.
            results = await asyncio.wait_for(
                asyncio.gather(*(api.ping() for _ in range(20))), timeout=10
            )
            assert all(results)
            assert pool.open_count <= 1

    asyncio.run(main())


class PingThenSilence:
    """A daemon that answers pings on a connection, and never answers anything else."""

    def __init__(self) -> None:
        self.requests: list[bytes] = []
        self.fake = FakeDaemon(self.serve)

    def serve(self, conn: socket.socket, head: bytes) -> None:
        while head:
            self.requests.append(head)
            if b" /v1.41/_ping " not in head:
                time.sleep(2)
                return
            conn.sendall(OK)
            head = read_request(conn)

    @property
    def connections(self) -> int:
        return len(self.fake._conns)


def test_short_timeout_after_a_long_one_on_the_same_connection() -> None:
    daemon = PingThenSilence()

    async def main() -> None:
        url = daemon.fake.base_url
        async with AsyncAPIClient(base_url=url, version="1.41", timeout=60) as api:
            assert await api.ping() is True  # leaves the connection's timer set for 60 s
            api.timeout = 0.3
            started = time.monotonic()
            with pytest.raises(DaemonTimeout):
                await api.info()  # same connection, much shorter timeout
            assert time.monotonic() - started < 1.5

    try:
        asyncio.run(main())
        targets = [head.split(b" ")[1] for head in daemon.requests]
        assert targets == [b"/v1.41/_ping", b"/v1.41/info"]
        assert daemon.connections == 1
    finally:
        daemon.fake.close()


def test_timer_of_an_idle_connection_does_not_fire_into_the_next_call() -> None:
    daemon = PingThenSilence()

    async def main() -> None:
        url = daemon.fake.base_url
        async with AsyncAPIClient(base_url=url, version="1.41", timeout=0.2) as api:
            assert await api.ping() is True
            await asyncio.sleep(0.5)  # idle for longer than the timeout
            assert await api.ping() is True

    try:
        asyncio.run(main())
        assert len(daemon.requests) == 2
        assert daemon.connections == 1  # the second ping reused the connection
    finally:
        daemon.fake.close()
