"""The README's quickstart, run against the real engine by `bash scripts/quickstart.sh`.

It covers what this release implements (the daemon-level calls, sync and async).  The
container and image examples of the original SDK's README join as their releases land.
"""

from __future__ import annotations

import asyncio
import time

import docker
import docker.aio


def main() -> None:
    client = docker.from_env()

    # Is the daemon there, and what is it?
    print("ping:", client.ping())
    version = client.version()
    print("engine:", version["Version"], "API", version["ApiVersion"])
    info = client.info()
    print("containers:", info["Containers"], "images:", info["Images"])
    usage = client.df()
    print("layers size:", usage["LayersSize"], "bytes")

    # Events of the last minute, decoded, ending by themselves at `until`.
    now = int(time.time())
    for event in client.events(since=now - 60, until=now, decode=True):
        print("event:", event["Type"], event["Action"])

    # The low-level client is there too, one method per endpoint.
    print("api version in use:", client.api.api_version)
    client.close()

    # The same calls, awaited.
    async def async_part() -> None:
        async with docker.aio.from_env() as aclient:
            print("async ping:", await aclient.ping())
            pings = await asyncio.gather(*(aclient.ping() for _ in range(100)))
            print("100 concurrent pings ok:", all(pings))

    asyncio.run(async_part())


if __name__ == "__main__":
    main()
