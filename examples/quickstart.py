"""The README's quickstart, run against the real engine by `bash scripts/quickstart.sh`.

These are the examples of the original SDK's README, with images the test bed provides.
"""

from __future__ import annotations

import asyncio

import docker
import docker.aio


def main() -> None:
    client = docker.from_env()

    # Run a container and get its output.
    print(client.containers.run("alpine:3.10", "echo hello world"))

    # Run a container in the background.
    container = client.containers.run(
        "alpine:3.10",
        ["sh", "-c", "for i in 1 2 3 4 5; do echo reticulating spline $i; sleep 0.2; done"],
        detach=True,
    )
    print(container.id)

    # List running containers, get one by id.
    print(client.containers.list())
    container = client.containers.get(container.id)
    print(container.attrs["Config"]["Image"])

    # Stream its logs while it runs, then read them whole.
    for line in container.logs(stream=True):
        print(line.strip())
    print(container.logs())

    # Stop and remove it.
    container.stop()
    container.remove()

    # Pull an image and list the images.
    image = client.images.pull("alpine", tag="3.10")
    print(image.tags)
    print(client.images.list())

    # The daemon itself.
    print("ping:", client.ping(), "API", client.version()["ApiVersion"])
    client.close()

    # The same API, awaited.
    async def async_part() -> None:
        async with docker.aio.from_env() as aclient:
            print("async ping:", await aclient.ping())
            pings = await asyncio.gather(*(aclient.ping() for _ in range(100)))
            print("100 concurrent pings ok:", all(pings))

    asyncio.run(async_part())


if __name__ == "__main__":
    main()
