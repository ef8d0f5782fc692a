"""Container collection calls: ``containers.list()`` with 50 containers and ``containers.run()``.

Run with the project's venv (``bash benchmarks/run_all.sh`` does it and updates
``docs/performance.md``)::

    .venv/bin/python benchmarks/bench_containers.py [--rounds 10] [--scale 1.0] [--markdown FILE]

What one run measures, all contenders in the same run, interleaved round by round in an order
rotated each round (each figure: the median of the per-round medians):

* **run**: ``client.containers.run('alpine:3.10', 'true')`` end to end (create, start, wait,
  logs; the image is present), and the same with ``remove=True``; ours vs the original (there
  is no raw contender: the call is four requests and the daemon's container start).  The
  containers left by ``remove=False`` are removed after each round, untimed.
* **list**: 50 labelled ``busybox`` containers running ``sleep 600`` (created for the run and
  removed at the end; any other container on the engine is listed too, ``all=True``);
  ``APIClient.containers(all=True)`` (low level), ``client.containers.list(all=True,
  sparse=True)`` and ``client.containers.list(all=True)`` (one inspect per container), against
  *raw*: ``GET /containers/json?all=1`` on a keep-alive unix socket with a hand-written request
  and a minimal response reader, plus ``json.loads`` (the least any client must do).

Ours and the original run the same code (the ``list`` and ``run`` ops of
``_original_worker.py``): ours in this process, the original in a worker process under its own
interpreter.

Targets: ``containers(all=True)`` and ``list(all=True, sparse=True)`` at most 1.15x the raw
socket; ``containers.run`` no slower than the original.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    API,
    Original,
    RawClient,
    bench_parser,
    log_to,
    median,
    met,
    meta_block,
    ours,
    publish,
    remove_quietly,
    start_run,
)

ROUNDS = 10
N_CONTAINERS = 50
LIST_BLOCK = {"raw": 10, "low": 10, "sparse": 10, "full": 2}
IMAGE = "busybox:latest"
RUN_IMAGE = "alpine:3.10"
LABEL = "docker-sdk-bench"
LIST_LABELS = {LABEL: "containers"}
RUN_LABELS = {LABEL: "run"}
LIST_TARGET = 1.15

Run = Callable[[int], list[tuple[int, dict[str, Any]]]]


def cleanup(api: Any, kind: str) -> None:
    for c in api.containers(all=True, filters={"label": f"{LABEL}={kind}"}):
        remove_quietly(api, c["Id"])


def make_containers(api: Any, n: int, log: Callable[[str], None]) -> None:
    start = time.monotonic()
    for i in range(n):
        c = api.create_container(
            IMAGE, ["sleep", "600"], labels={**LIST_LABELS, f"{LABEL}.index": str(i)}
        )
        api.start(c)
    log(f"{n} containers created and started in {time.monotonic() - start:.1f} s")


def raw_list(raw: RawClient) -> Run:
    request = f"GET /v{API}/containers/json?all=1 HTTP/1.1\r\nHost: docker\r\n\r\n".encode()
    get, loads, clock = raw.get, json.loads, time.perf_counter_ns

    def measure(k: int) -> list[tuple[int, dict[str, Any]]]:
        out = []
        for _ in range(k):
            start = clock()
            result = loads(get(request))
            out.append((clock() - start, {"count": len(result)}))
        return out

    return measure


def rounds_of(
    contenders: dict[str, Run],
    blocks: dict[str, int],
    rounds: int,
    log: Callable[[str], None],
    what: str,
    after_round: Callable[[], None] | None = None,
) -> dict[str, list[list[tuple[int, dict[str, Any]]]]]:
    """Per contender, one list of ``(ns, extra)`` per round."""
    names = list(contenders)
    out: dict[str, list[list[tuple[int, dict[str, Any]]]]] = {n: [] for n in names}
    for r in range(rounds):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            out[name].append(contenders[name](blocks[name]))
        if after_round is not None:
            after_round()
        log(f"{what}: round {r + 1}/{rounds} done")
    return out


def run(rounds: int, scale: float, log: Callable[[str], None]) -> dict[str, Any]:
    mine = ours()
    api = mine.clients.api
    for kind in ("containers", "run"):
        cleanup(api, kind)
    original = Original()
    raw = RawClient()
    n = max(2, round(N_CONTAINERS * scale)) if scale < 1 else N_CONTAINERS
    result: dict[str, Any] = {"n_containers": n}
    try:
        # --- containers.run -----------------------------------------------------------------
        run_contenders: dict[str, Run] = {}
        for remove in (False, True):
            args = {"image": RUN_IMAGE, "cmd": "true", "remove": remove, "labels": RUN_LABELS}
            run_contenders[f"ours remove={remove}"] = lambda k, a=args: mine.run("run", a, k)
            run_contenders[f"original remove={remove}"] = lambda k, a=args: original.run(
                "run", a, k
            )
        for fn in run_contenders.values():  # warm up
            fn(1)
        cleanup(api, "run")
        result["run"] = rounds_of(
            run_contenders,
            dict.fromkeys(run_contenders, 1),
            rounds,
            log,
            "run",
            after_round=lambda: cleanup(api, "run"),
        )

        # --- containers.list ----------------------------------------------------------------
        make_containers(api, n, log)
        list_contenders: dict[str, Run] = {"raw": raw_list(raw)}
        blocks = {"raw": LIST_BLOCK["raw"]}
        for mode in ("low", "sparse", "full"):
            list_contenders[f"ours {mode}"] = lambda k, m=mode: mine.run("list", {"mode": m}, k)
            list_contenders[f"original {mode}"] = lambda k, m=mode: original.run(
                "list", {"mode": m}, k
            )
            blocks[f"ours {mode}"] = blocks[f"original {mode}"] = LIST_BLOCK[mode]
        for name, fn in list_contenders.items():  # warm up
            fn(min(2, blocks[name]))
        result["list"] = rounds_of(list_contenders, blocks, rounds, log, "list")
    finally:
        raw.close()
        original.close()
        cleanup(api, "run")
        cleanup(api, "containers")
    return result


# --------------------------------------------------------------------------- report


def round_medians(series: list[list[tuple[int, dict[str, Any]]]]) -> list[float]:
    return [median([ns for ns, _ in rnd]) for rnd in series]


def ms(ns: float) -> str:
    return f"{ns / 1e6:,.2f}"


def report(res: dict[str, Any], meta: dict[str, str]) -> tuple[str, dict[str, bool]]:
    lines: list[str] = []
    add = lines.append
    checks: dict[str, bool] = {}
    for key, value in meta.items():
        add(f"- {key}: {value}")
    add("")
    lst = res["list"]
    counts = sorted({x["count"] for rounds in lst.values() for rnd in rounds for _, x in rnd})
    fig = {name: median(round_medians(series)) for name, series in lst.items()}
    add(
        f"`containers.list()`: {res['n_containers']} benchmark containers running `sleep 600`; "
        f"each call listed {', '.join(map(str, counts))} containers (all on the engine). "
        "Milliseconds per call."
    )
    add("")
    add(
        "| Call | raw socket (limit) | ours | original 7.2 | ours / raw | original / ours "
        "| target | met? |"
    )
    add("|---|---:|---:|---:|---:|---:|---|---|")
    raw = fig["raw"]
    for mode, label, target in (
        ("low", "`APIClient.containers(all=True)`", True),
        ("sparse", "`containers.list(all=True, sparse=True)`", True),
        ("full", "`containers.list(all=True)` (inspects each)", False),
    ):
        o, g = fig[f"ours {mode}"], fig[f"original {mode}"]
        if target:
            ok = o <= LIST_TARGET * raw
            checks[f"list {mode}"] = ok
            tgt, verdict = f"<= {LIST_TARGET}x raw", met(ok)
        else:
            tgt, verdict = "— (reported)", "—"
        add(
            f"| {label} | {ms(raw)} | {ms(o)} | {ms(g)} | {o / raw:.2f}x | {g / o:.2f}x "
            f"| {tgt} | {verdict} |"
        )
    add("")
    add(
        "`containers.run('alpine:3.10', 'true')` end to end, milliseconds per call (median of "
        f"{len(next(iter(res['run'].values())))} runs, interleaved)."
    )
    add("")
    add("| Call | ours | original 7.2 | original / ours | target | met? |")
    add("|---|---:|---:|---:|---|---|")
    runs = res["run"]
    for remove in (False, True):
        o = median(round_medians(runs[f"ours remove={remove}"]))
        g = median(round_medians(runs[f"original remove={remove}"]))
        ok = o <= g
        checks[f"run remove={remove}"] = ok
        label = "`containers.run(...)`" + (", `remove=True`" if remove else "")
        add(
            f"| {label} | {ms(o)} | {ms(g)} | {g / o:.2f}x | no slower than the original "
            f"| {met(ok)} |"
        )
    add("")
    add("Noise: range of the per-round medians (ms).")
    add("")
    add("| Call | raw socket | ours | original 7.2 |")
    add("|---|---:|---:|---:|")

    def rng(series: list[list[tuple[int, dict[str, Any]]]] | None) -> str:
        if not series:
            return "—"
        meds = round_medians(series)
        return f"{ms(min(meds))} to {ms(max(meds))}"

    for mode in ("low", "sparse", "full"):
        add(
            f"| list {mode} | {rng(lst['raw']) if mode != 'full' else '—'} "
            f"| {rng(lst[f'ours {mode}'])} | {rng(lst[f'original {mode}'])} |"
        )
    for remove in (False, True):
        add(
            f"| run remove={remove} | — | {rng(runs[f'ours remove={remove}'])} "
            f"| {rng(runs[f'original remove={remove}'])} |"
        )
    failed = [n for n, ok in checks.items() if not ok]
    add("")
    add(
        f"Targets met in this run: {len(checks) - len(failed)} of {len(checks)}"
        + (f"; not met: {'; '.join(failed)}." if failed else ".")
    )
    return "\n".join(lines) + "\n", checks


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(
        __doc__, ROUNDS, f"rounds (default {ROUNDS})", "multiply the container count (smoke runs)"
    )
    args = parser.parse_args(argv)
    log = log_to("bench_containers")
    started, busy, before = start_run()
    res = run(args.rounds, args.scale, log)
    meta = meta_block(
        started,
        busy,
        before,
        {
            "Run": (
                f"{args.rounds} rounds; per round and contender: list "
                + ", ".join(f"{k} {v}" for k, v in LIST_BLOCK.items())
                + " calls, run 1 call each; contenders interleaved in an order rotated each round"
            )
        },
    )
    text, checks = report(res, meta)
    publish(text, checks, {"meta": meta, **res}, args.markdown, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
