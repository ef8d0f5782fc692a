"""Build-context benchmark: GNU tar (the reference) vs our ``docker.utils.build.tar`` vs the
original SDK 7.2's.

Run with the project's venv (``bash benchmarks/run_all.sh`` does it and updates
``docs/performance.md``)::

    .venv/bin/python benchmarks/bench_build_context.py [--rounds 5] [--scale 1.0] [--markdown FILE]

The tree (made once in a temporary directory, removed at the end): 35,000 small files (100 to
1,100 bytes) in nested directories, and a ``.dockerignore`` that excludes 10,000 of them::

    node_modules            5,000 files in 50 directories: excluded (``node_modules``)
    build                   3,000 files in 30 directories: excluded (``build``), except
    build/keep                100 files, re-included (``!build/keep``)
    src/pNN/mM             25,000 files in 1,000 directories, 2,000 of them ``*.log``:
                                  excluded (``**/*.log``)
    docs                    1,900 files in 19 directories

What one round measures, every contender writing the whole (uncompressed) context tar to a new
file in the same temporary directory, which is then deleted:

* *GNU tar*: ``tar -c -f OUT -X EXCLUDES .`` with the equivalent GNU exclusion list
  (``node_modules``, ``build/d*``, ``*.log``); GNU tar is not given ``/dev/null`` as its
  output, where it would skip reading the files.
* *ours*: ``docker.utils.build.tar(root, exclude=patterns)`` in this process (the call
  ``APIClient.build(path=...)`` makes; ``patterns`` read from ``.dockerignore`` as ``build``
  reads them), into the given file object.
* *original*: the same call under the original SDK 7.2, run by ``benchmarks/.venv-original``'s
  python with ``-I`` from ``/`` (so its ``import docker`` is the PyPI one); only the call is
  timed, inside that process.

Each contender's archive is checked to hold the same 25,000 regular files.  Contenders are
interleaved, in an order rotated each round; the figure reported is the median over rounds,
with the range.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ORIGINAL_PYTHON = HERE / ".venv-original" / "bin" / "python"
DOCKERIGNORE = "# benchmark context\nnode_modules\nbuild\n!build/keep\n**/*.log\n"
GNU_EXCLUDES = "./node_modules\n./build/d*\n*.log\n"
TARGET_RATIO = 2.0


def make_tree(root: Path, scale: float = 1.0) -> dict[str, int]:
    """Create the benchmark tree under ``root``; returns the expected counts."""

    def write(path: Path, n: int) -> None:
        path.write_bytes(b"x" * (100 + (n * 37) % 1000))

    n = 0
    kept = 0

    def files(d: Path, count: int, ext: str = ".py", logs: int = 0) -> None:
        nonlocal n, kept
        d.mkdir(parents=True, exist_ok=True)
        for i in range(count):
            is_log = i < logs
            write(d / f"f{i:03d}{'.log' if is_log else ext}", n)
            n += 1

    nm_dirs = max(1, int(50 * scale))
    for i in range(nm_dirs):
        files(root / "node_modules" / f"pkg{i:02d}", 100, ".js")
    build_dirs = max(1, int(30 * scale))
    for i in range(build_dirs):
        files(root / "build" / f"d{i:02d}", 100, ".o")
    files(root / "build" / "keep", 100, ".txt")
    src_dirs = max(1, int(100 * scale))
    for p in range(src_dirs):
        for m in range(10):
            files(root / "src" / f"p{p:02d}" / f"m{m}", 25, ".py", logs=2)
    doc_dirs = max(1, int(19 * scale))
    for i in range(doc_dirs):
        files(root / "docs" / f"s{i:02d}", 100, ".md")
    (root / "Dockerfile").write_text("FROM busybox\nCOPY . /ctx\n")
    (root / ".dockerignore").write_text(DOCKERIGNORE)
    total = n + 2
    excluded = nm_dirs * 100 + build_dirs * 100 + src_dirs * 10 * 2
    return {"files": total, "excluded": excluded, "kept": total - excluded}


def count_files(tar_path: Path) -> int:
    with tarfile.open(tar_path) as t:
        return sum(1 for m in t if m.isreg())


ORIGINAL_SCRIPT = textwrap.dedent(
    """
    import json, sys, time
    import docker, docker.utils.build as b
    assert 'site-packages' in docker.__file__, docker.__file__
    root, out = sys.argv[1], sys.argv[2]
    with open(root + '/.dockerignore') as f:
        exclude = [l.strip() for l in f.read().splitlines()]
    exclude = [l for l in exclude if l and not l.startswith('#')]
    with open(out, 'wb') as fileobj:
        t0 = time.perf_counter()
        b.tar(root, exclude=exclude, dockerfile=(None, None), fileobj=fileobj)
        t1 = time.perf_counter()
    print(json.dumps({'seconds': t1 - t0, 'version': docker.__version__}))
    """
)


def run_gnu(root: Path, out: Path, excludes: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run(["tar", "-c", "-f", str(out), "-X", str(excludes), "."], cwd=root, check=True)
    return time.perf_counter() - t0


def run_ours(root: Path, out: Path) -> float:
    from docker.utils.build import read_dockerignore, tar

    t0 = time.perf_counter()
    with open(root / ".dockerignore", "rb") as f:
        exclude = read_dockerignore(f.read())
    with open(out, "wb") as fileobj:
        tar(str(root), exclude=exclude, dockerfile=(None, None), fileobj=fileobj)
    return time.perf_counter() - t0


def run_original(root: Path, out: Path) -> tuple[float, str]:
    proc = subprocess.run(
        [str(ORIGINAL_PYTHON), "-I", "-c", ORIGINAL_SCRIPT, str(root), str(out)],
        cwd="/",
        check=True,
        capture_output=True,
        text=True,
    )
    data = json.loads(proc.stdout)
    return float(data["seconds"]), str(data["version"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds (default 5)")
    parser.add_argument("--scale", type=float, default=1.0, help="tree size factor")
    parser.add_argument("--no-original", action="store_true", help="skip the original SDK")
    parser.add_argument("--markdown", type=Path, help="also write the markdown section here")
    parser.add_argument("--json", type=Path, help="also write the raw results here as JSON")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))

    use_original = ORIGINAL_PYTHON.exists() and not args.no_original
    work = Path(tempfile.mkdtemp(prefix="dsdk-bench-build-"))
    try:
        root = work / "ctx"
        root.mkdir()
        counts = make_tree(root, args.scale)
        excludes = work / "gnu-excludes"
        excludes.write_text(GNU_EXCLUDES)
        contenders: dict[str, Any] = {
            "GNU tar": lambda out: run_gnu(root, out, excludes),
            "ours": lambda out: run_ours(root, out),
        }
        original_version = None
        if use_original:

            def original(out: Path) -> float:
                nonlocal original_version
                seconds, original_version = run_original(root, out)
                return seconds

            contenders["original 7.2"] = original
        # Warm the page cache and check every contender's archive once.
        checked: dict[str, int] = {}
        for name, fn in contenders.items():
            out = work / "check.tar"
            fn(out)
            checked[name] = count_files(out)
            out.unlink()
        times: dict[str, list[float]] = {name: [] for name in contenders}
        names = list(contenders)
        for r in range(args.rounds):
            order = names[r % len(names) :] + names[: r % len(names)]
            for name in order:
                out = work / "round.tar"
                times[name].append(contenders[name](out))
                out.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    med = {name: statistics.median(v) for name, v in times.items()}
    gnu = med["GNU tar"]
    rows = []
    for name in names:
        ratio = med[name] / gnu
        rows.append(
            f"| {name} | {med[name] * 1000:.0f} ms | {min(times[name]) * 1000:.0f}-"
            f"{max(times[name]) * 1000:.0f} ms | {ratio:.2f}x | {checked[name]:,} |"
        )
    ours_ratio = med["ours"] / gnu
    met = "yes" if ours_ratio <= TARGET_RATIO else "**no**"
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join(
        [
            "### Build context (`benchmarks/bench_build_context.py`)",
            "",
            f"{counts['files']:,} files, `.dockerignore` excluding {counts['excluded']:,} "
            f"(`node_modules`, `build` but `!build/keep`, `**/*.log`); the uncompressed context "
            f"tar written to a file. Median of {args.rounds} rounds; {stamp}, Python "
            f"{platform.python_version()}, {os.cpu_count()} CPUs"
            + (f", original SDK {original_version}" if original_version else "")
            + ".",
            "",
            "| contender | median | range | vs GNU tar | regular files in the tar |",
            "|---|---|---|---|---|",
            *rows,
            "",
            f"Target: ours at most {TARGET_RATIO:.0f}x GNU tar: {ours_ratio:.2f}x, met: {met}.",
        ]
    )
    print(text)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(text + "\n", encoding="utf-8")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "counts": counts,
            "checked": checked,
            "seconds": times,
            "median": med,
            "ratio_ours_vs_gnu": ours_ratio,
            "when": stamp,
        }
        args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
