"""Times one operation of a Docker SDK in its own process and prints JSON timing stats.

Run by the benchmarks with the ORIGINAL SDK's interpreter, isolated from this checkout::

    cd / && benchmarks/.venv-original/bin/python -I benchmarks/_original_worker.py ping 2000

Arguments: ``OP ITERATIONS [WARMUP [ARGS]]``.  Simple ops (no ARGS): ``ping``, ``ping_auto``
(default version negotiation, done once at construction), ``version``, ``info``.  Ops with
ARGS, a JSON object (the rest of the line, so it may contain spaces), each iteration doing its
own untimed setup and cleanup around the timed part:

* ``exec`` ``{"container", "cmd", "stream", "demux"}``: ``exec_create`` (untimed), then
  ``exec_start(stream=, demux=)`` and reading all of its output (timed);
* ``logs`` ``{"container", "stream"}``: ``logs(container, stream=)`` read to its end;
* ``attach`` ``{"image", "cmd", "log_driver"}``: creates the container, ``attach(stream=True)``,
  starts it; timed from the first piece received to the end of the stream (the container's
  start is the daemon's business); removes the container;
* ``export_rss`` ``{"container", "out"}`` and ``archive_rss`` ``{"container", "path",
  "out"}``: ``export()`` / ``get_archive()`` written to ``out``; the current RSS and
  ``ru_maxrss`` before, ``ru_maxrss`` after (run these one-shot, in a fresh process, so that
  the peak is theirs);
* ``list`` ``{"mode": "low" | "sparse" | "full"}``: ``APIClient.containers(all=True)``,
  ``containers.list(all=True, sparse=True)`` or ``containers.list(all=True)``;
* ``run`` ``{"image", "cmd", "remove", "labels"}``: ``containers.run(image, cmd, remove=,
  labels=)`` (removing the containers it leaves is the caller's job).
* ``pull_stream`` ``{"base_url"}``: ``APIClient(base_url=...).pull('x', stream=True,
  decode=True)``, every dict read; ``images_pull`` ``{"base_url"}``:
  ``DockerClient(base_url=...).images.pull('x')``; ``raw_pull`` ``{"base_url"}``: the same
  ``POST /images/create`` on a raw unix socket, chunked body parsed by hand, ``json.loads`` per
  chunk (no SDK; see :func:`raw_pull_objects`).  All three are meant for the local server of
  ``bench_pull_stream.py``.

Prints one JSON object: ``{"op", "docker_file", "docker_version", "n", "median_ns", "mean_ns",
"min_ns", "p90_ns", "samples_ns"}`` (``samples_ns``: every timed call, in call order), and for
the ops with ARGS also ``"extra"``: one dict per call (bytes read, counts, RSS, ...).

With ``--serve`` it instead reads ``OP ITERATIONS WARMUP [ARGS]`` lines from stdin and answers
each with one such JSON line, keeping its clients (and their connections) between requests:
that is how the benchmarks interleave it with the other contenders in many short rounds without
paying an interpreter start per round.  Uses only the standard library besides ``docker``, so
it runs under any SDK: the benchmarks import the ops with ARGS into their own process to run
our SDK through exactly the same code.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

OPS = ("ping", "ping_auto", "version", "info")
API = "1.41"

#: An op with arguments: ``op(clients, args) -> (timed_ns, extra)``.
ArgOp = Callable[["Clients", dict[str, Any]], tuple[int, dict[str, Any]]]


class Calls:
    """The timed callables, one client per flavour, created on first use and then kept."""

    def __init__(self) -> None:
        self._calls: dict[str, Callable[[], Any]] = {}

    def get(self, op: str) -> Callable[[], Any]:
        if op not in OPS:
            raise SystemExit(
                f"unknown op {op!r}; expected one of {', '.join(OPS + tuple(ARG_OPS))}"
            )
        if op not in self._calls:
            import docker

            if op == "ping_auto":
                self._calls[op] = docker.APIClient().ping
            else:
                if "ping" not in self._calls:
                    client = docker.APIClient(version=API)
                    self._calls.update(ping=client.ping, version=client.version, info=client.info)
        return self._calls[op]


class Clients:
    """The clients the ops with arguments use, created on first use and then kept."""

    def __init__(self) -> None:
        self._api: Any = None
        self._client: Any = None
        self._at: dict[tuple[str, str], Any] = {}

    def at(self, base_url: str, kind: str = "api") -> Any:
        """An ``APIClient`` (``kind='api'``) or ``DockerClient`` for another address."""
        key = (base_url, kind)
        if key not in self._at:
            import docker

            cls = docker.APIClient if kind == "api" else docker.DockerClient
            self._at[key] = cls(base_url=base_url, version=API)
        return self._at[key]

    @property
    def api(self) -> Any:
        if self._api is None:
            import docker

            self._api = docker.APIClient(version=API)
        return self._api

    @property
    def client(self) -> Any:
        if self._client is None:
            import docker

            self._client = docker.DockerClient(version=API)
        return self._client


# --------------------------------------------------------------------------- ops with args


def _count(output: Any, stream: bool, demux: bool) -> dict[str, int]:
    """Read ``output`` to its end, counting bytes (per side with ``demux``)."""
    out = err = 0
    if stream:
        if demux:
            for stdout, stderr in output:
                if stdout is not None:
                    out += len(stdout)
                if stderr is not None:
                    err += len(stderr)
        else:
            for piece in output:
                out += len(piece)
    elif demux:
        stdout, stderr = output
        out, err = len(stdout or b""), len(stderr or b"")
    else:
        out = len(output)
    return {"bytes": out + err, "stdout": out, "stderr": err}


def op_exec(clients: Clients, args: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    api = clients.api
    stream, demux = bool(args["stream"]), bool(args["demux"])
    exec_id = api.exec_create(args["container"], args["cmd"])["Id"]
    clock, cpu = time.perf_counter_ns, time.process_time_ns
    cpu0, start = cpu(), clock()
    output = api.exec_start(exec_id, stream=stream, demux=demux)
    extra = _count(output, stream, demux)
    elapsed = clock() - start
    extra["cpu_ns"] = cpu() - cpu0
    if stream and hasattr(output, "close"):
        output.close()
    return elapsed, extra


def op_logs(clients: Clients, args: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    stream = bool(args["stream"])
    clock, cpu = time.perf_counter_ns, time.process_time_ns
    cpu0, start = cpu(), clock()
    output = clients.api.logs(args["container"], stream=stream)
    extra = _count(output, stream, False)
    elapsed = clock() - start
    extra["cpu_ns"] = cpu() - cpu0
    if stream and hasattr(output, "close"):
        output.close()
    return elapsed, extra


def op_attach(clients: Clients, args: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    api = clients.api
    host_config = api.create_host_config(log_config={"Type": args.get("log_driver", "none")})
    container = api.create_container(
        args["image"], args["cmd"], host_config=host_config, labels=args.get("labels")
    )["Id"]
    try:
        output = api.attach(container, stream=True)
        api.start(container)
        clock, cpu = time.perf_counter_ns, time.process_time_ns
        pieces = iter(output)
        first = next(pieces)  # the timer starts when the output does
        cpu0, start = cpu(), clock()
        total = 0
        for piece in pieces:
            total += len(piece)
        elapsed = clock() - start
        cpu_ns = cpu() - cpu0
        if hasattr(output, "close"):
            output.close()
        return elapsed, {"bytes": total, "first_piece": len(first), "cpu_ns": cpu_ns}
    finally:
        remove_quietly(api, container)


def remove_quietly(api: Any, container: str) -> None:
    """``remove_container(force=True)``, ignoring 404 (gone) and 409 (removal in progress)."""
    import docker.errors

    try:
        api.remove_container(container, force=True)
    except docker.errors.APIError as exc:
        if getattr(exc, "status_code", None) not in (404, 409):
            raise


def _rss_kb() -> int:
    """The peak RSS so far (``ru_maxrss``, KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _current_rss_kb() -> int:
    """The RSS right now (``VmRSS``; the peak so far where /proc is missing)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return _rss_kb()


def _drain_to(out_path: str, pieces: Any) -> int:
    total = 0
    with open(out_path, "wb") as out:
        for piece in pieces:
            out.write(piece)
            total += len(piece)
    return total


def op_export_rss(clients: Clients, args: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    api = clients.api
    api.ping()  # connect (and let the client settle) before the baseline
    before, current = _rss_kb(), _current_rss_kb()
    clock = time.perf_counter_ns
    start = clock()
    total = _drain_to(args["out"], api.export(args["container"]))
    elapsed = clock() - start
    return elapsed, {
        "bytes": total,
        "rss_before_kb": current,
        "maxrss_before_kb": before,
        "maxrss_after_kb": _rss_kb(),
    }


def op_archive_rss(clients: Clients, args: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    api = clients.api
    api.ping()
    before, current = _rss_kb(), _current_rss_kb()
    clock = time.perf_counter_ns
    start = clock()
    stream, stat = api.get_archive(args["container"], args["path"])
    total = _drain_to(args["out"], stream)
    elapsed = clock() - start
    return elapsed, {
        "bytes": total,
        "rss_before_kb": current,
        "file_size": (stat or {}).get("size"),
        "maxrss_before_kb": before,
        "maxrss_after_kb": _rss_kb(),
    }


def op_list(clients: Clients, args: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    mode = args["mode"]
    if mode == "low":
        call: Callable[[], Any] = lambda: clients.api.containers(all=True)  # noqa: E731
    elif mode == "sparse":
        call = lambda: clients.client.containers.list(all=True, sparse=True)  # noqa: E731
    elif mode == "full":
        call = lambda: clients.client.containers.list(all=True, ignore_removed=True)  # noqa: E731
    else:
        raise SystemExit(f"list: unknown mode {mode!r}")
    clock = time.perf_counter_ns
    start = clock()
    result = call()
    elapsed = clock() - start
    return elapsed, {"count": len(result)}


def op_run(clients: Clients, args: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    client = clients.client
    clock = time.perf_counter_ns
    start = clock()
    output = client.containers.run(
        args["image"], args["cmd"], remove=bool(args["remove"]), labels=args.get("labels")
    )
    elapsed = clock() - start
    return elapsed, {"output_bytes": len(output or b"")}


def op_pull_stream(clients: Clients, args: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """``APIClient(base_url).pull('x', stream=True, decode=True)``, every dict read."""
    api = clients.at(args["base_url"])
    clock, cpu = time.perf_counter_ns, time.process_time_ns
    cpu0, start = cpu(), clock()
    n = 0
    last: Any = None
    for item in api.pull(args.get("repository", "x"), stream=True, decode=True):
        n += 1
        last = item
    elapsed = clock() - start
    return elapsed, {"objects": n, "cpu_ns": cpu() - cpu0, "last": last}


def op_images_pull(clients: Clients, args: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """``DockerClient(base_url).images.pull('x')``: the whole pull, then the image."""
    client = clients.at(args["base_url"], "docker")
    clock, cpu = time.perf_counter_ns, time.process_time_ns
    cpu0, start = cpu(), clock()
    image = client.images.pull(args.get("repository", "x"))
    elapsed = clock() - start
    return elapsed, {"id": image.id, "cpu_ns": cpu() - cpu0}


def raw_pull_objects(path: str, target: str) -> Any:
    """The raw-socket reader of a pull progress stream: a generator of the decoded objects.

    A new unix connection, the request written by hand, the head read up to its blank line,
    then the chunked body parsed by hand: each chunk's payload (one JSON message, as dockerd
    sends it) goes to ``json.loads``, and every object is yielded.  Reads of 64 KiB; a chunk cut
    by a read is completed from the next read.  Stdlib only, no SDK.
    """
    import socket

    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path)
        sock.sendall(
            f"POST {target} HTTP/1.1\r\nHost: docker\r\nContent-Length: 0\r\n\r\n".encode()
        )
        recv = sock.recv
        loads = json.loads
        data = b""
        while (end := data.find(b"\r\n\r\n")) < 0:
            more = recv(65536)
            if not more:
                raise SystemExit("raw pull: connection closed in the head")
            data += more
        if not data.startswith(b"HTTP/1.1 200"):
            raise SystemExit(f"raw pull: {data[:200]!r}")
        pos = end + 4
        while True:
            eol = data.find(b"\r\n", pos)
            if eol >= 0:
                size = int(data[pos:eol], 16)
                start = eol + 2
                stop = start + size
                if stop + 2 <= len(data):
                    if not size:
                        return
                    yield loads(data[start:stop])
                    pos = stop + 2
                    continue
            more = recv(65536)
            if not more:
                raise SystemExit("raw pull: connection closed in the body")
            data = data[pos:] + more
            pos = 0
    finally:
        sock.close()


def op_raw_pull(clients: Clients, args: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """:func:`raw_pull_objects` read to its end."""
    path = args["base_url"].removeprefix("unix://")
    target = f"/v{API}/images/create?tag=latest&fromImage={args.get('repository', 'x')}"
    clock, cpu = time.perf_counter_ns, time.process_time_ns
    cpu0, start = cpu(), clock()
    n = 0
    last: Any = None
    for item in raw_pull_objects(path, target):
        n += 1
        last = item
    elapsed = clock() - start
    return elapsed, {"objects": n, "cpu_ns": cpu() - cpu0, "last": last}


ARG_OPS: dict[str, ArgOp] = {
    "pull_stream": op_pull_stream,
    "images_pull": op_images_pull,
    "raw_pull": op_raw_pull,
    "exec": op_exec,
    "logs": op_logs,
    "attach": op_attach,
    "export_rss": op_export_rss,
    "archive_rss": op_archive_rss,
    "list": op_list,
    "run": op_run,
}


# --------------------------------------------------------------------------- driver


def _stats(op: str, samples: list[int]) -> dict[str, Any]:
    import docker

    ordered = sorted(samples)
    return {
        "op": op,
        "docker_file": docker.__file__,
        "docker_version": docker.__version__,
        "n": len(samples),
        "median_ns": statistics.median(ordered),
        "mean_ns": statistics.fmean(ordered),
        "min_ns": ordered[0],
        "p90_ns": ordered[int(0.9 * (len(ordered) - 1))],
        "samples_ns": samples,
    }


def measure(calls: Calls, op: str, iterations: int, warmup: int) -> str:
    """Time ``iterations`` calls of ``op`` one by one; the stats as one JSON line."""
    call = calls.get(op)
    for _ in range(warmup):
        call()
    clock = time.perf_counter_ns
    samples: list[int] = []
    append = samples.append
    for _ in range(iterations):
        start = clock()
        call()
        append(clock() - start)
    return json.dumps(_stats(op, samples))


def measure_args(
    clients: Clients, op: str, iterations: int, warmup: int, args: dict[str, Any]
) -> str:
    """Run an op with arguments ``iterations`` times (after ``warmup`` untimed runs)."""
    if op not in ARG_OPS:
        raise SystemExit(f"op {op!r} takes no arguments (ops with arguments: {', '.join(ARG_OPS)})")
    run = ARG_OPS[op]
    for _ in range(warmup):
        run(clients, args)
    samples: list[int] = []
    extra: list[dict[str, Any]] = []
    for _ in range(iterations):
        elapsed, info = run(clients, args)
        samples.append(elapsed)
        extra.append(info)
    return json.dumps({**_stats(op, samples), "extra": extra})


def answer(calls: Calls, clients: Clients, op: str, n: int, warmup: int, rest: str) -> str:
    if op in ARG_OPS:
        return measure_args(clients, op, n, warmup, json.loads(rest) if rest.strip() else {})
    return measure(calls, op, n, warmup)


def main(argv: list[str]) -> int:
    calls, clients = Calls(), Clients()
    if argv == ["--serve"]:
        for line in sys.stdin:
            if not line.strip():
                continue
            parts = line.strip().split(None, 3)
            op, iterations, warmup = parts[:3]
            rest = parts[3] if len(parts) > 3 else ""
            print(answer(calls, clients, op, int(iterations), int(warmup), rest), flush=True)
        return 0
    if len(argv) not in (2, 3, 4):
        print(
            "usage: _original_worker.py (OP ITERATIONS [WARMUP [ARGS]] | --serve)",
            file=sys.stderr,
        )
        return 2
    iterations = int(argv[1])
    if len(argv) >= 3:
        warmup = int(argv[2])
    else:
        warmup = 0 if argv[0] in ARG_OPS else max(20, iterations // 10)
    rest = argv[3] if len(argv) == 4 else ""
    print(answer(calls, clients, argv[0], iterations, warmup, rest))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
