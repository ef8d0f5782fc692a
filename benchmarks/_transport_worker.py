"""Times ``ping()`` of one Docker SDK client over one transport, in its own process.

Run by ``bench_transports.py`` with our interpreter or the original SDK's
(``benchmarks/.venv-original/bin/python -I``, cwd ``/``)::

    python _transport_worker.py '{"base_url": "ssh://root@dsdk-ssh:2222", "use_ssh_client": true}'

The JSON spec: ``base_url``, optional ``tls`` (``{"client_cert": [cert, key], "ca_cert": ca}``),
``use_ssh_client`` (bool), ``mode`` (``"sync"`` or ``"async"``; async needs our ``docker.aio``).
It builds the client once (version 1.41, so no negotiation), warms it up, prints ``ready``
with the ``docker`` module's file and version, then answers each line ``K`` on stdin with a
JSON list of K per-call times in nanoseconds (one pooled connection, sequential calls), until
end of input. Standard library only besides ``docker``.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any


def client_kwargs(spec: dict[str, Any]) -> dict[str, Any]:
    """The client arguments ``spec`` asks for (both SDKs, sync and async, take the same)."""
    kwargs: dict[str, Any] = {"base_url": spec["base_url"], "version": "1.41"}
    if spec.get("tls"):
        from docker.tls import TLSConfig

        tls = spec["tls"]
        kwargs["tls"] = TLSConfig(
            client_cert=tuple(tls["client_cert"]), ca_cert=tls["ca_cert"], verify=True
        )
    if spec.get("use_ssh_client"):
        kwargs["use_ssh_client"] = True
    return kwargs


def make_sync(spec: dict[str, Any]) -> Any:
    import docker

    return docker.APIClient(**client_kwargs(spec))


def serve_sync(spec: dict[str, Any]) -> None:
    import docker

    client = make_sync(spec)
    ping = client.ping
    for _ in range(20):
        ping()
    print(json.dumps({"ready": True, "file": docker.__file__, "version": docker.__version__}))
    sys.stdout.flush()
    clock = time.perf_counter_ns
    for line in sys.stdin:
        samples = []
        for _ in range(int(line)):
            t0 = clock()
            ping()
            samples.append(clock() - t0)
        print(json.dumps(samples))
        sys.stdout.flush()
    client.close()


def serve_async(spec: dict[str, Any]) -> None:
    import asyncio

    import docker
    from docker.aio import AsyncAPIClient

    async def main() -> None:
        async with AsyncAPIClient(**client_kwargs(spec)) as client:
            for _ in range(20):
                await client.ping()
            print(
                json.dumps({"ready": True, "file": docker.__file__, "version": docker.__version__})
            )
            sys.stdout.flush()
            clock = time.perf_counter_ns
            loop = asyncio.get_running_loop()
            while True:
                line = await loop.run_in_executor(None, sys.stdin.readline)
                if not line:
                    return
                samples = []
                for _ in range(int(line)):
                    t0 = clock()
                    await client.ping()
                    samples.append(clock() - t0)
                print(json.dumps(samples))
                sys.stdout.flush()

    asyncio.run(main())


if __name__ == "__main__":
    SPEC = json.loads(sys.argv[1])
    if SPEC.get("mode") == "async":
        serve_async(SPEC)
    else:
        serve_sync(SPEC)
