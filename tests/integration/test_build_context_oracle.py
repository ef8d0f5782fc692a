"""THE ORACLE: our build context against the Docker CLI's, through the real engine.

For each tricky tree, the same directory is built twice with the Dockerfile
``FROM busybox / COPY . /ctx``: once by the Docker CLI (``DOCKER_BUILDKIT=0 docker build``, the
classic builder, so the CLI applies ``.dockerignore`` itself and sends a tar) and once by
``APIClient.build(path=...)``.  Each image is then run to list ``/ctx`` (type and path of every
entry, and the md5 of every regular file), and the two listings must be identical.  The daemon
drops ``.dockerignore`` and the Dockerfile from the context when ``.dockerignore`` names them, so
the comparison covers that too.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import docker
from docker.utils.build import exclude_paths, read_dockerignore

pytestmark = pytest.mark.usefixtures("engine", "remove_new_containers")

DOCKERFILE = "FROM busybox:latest\nCOPY . /ctx\n"
LIST_SCRIPT = (
    'cd /ctx && for t in f d l; do find . -type $t | sed "s|^|$t |"; done | sort; '
    "find . -type f ! -name .dockerignore -exec md5sum {} + | sort"
)
CLI_ENV = {**os.environ, "DOCKER_BUILDKIT": "0"}


def _run(*args: str, cwd: Path | None = None) -> str:
    proc = subprocess.run(
        list(args), cwd=cwd, env=CLI_ENV, capture_output=True, text=True, timeout=300
    )
    if proc.returncode:
        raise AssertionError(f"{args} failed: {proc.stderr}\n{proc.stdout}")
    return proc.stdout


@pytest.fixture(scope="module")
def busybox(engine: str) -> None:
    with docker.APIClient() as api:
        api.pull("busybox", tag="latest")


@pytest.fixture
def images() -> Iterator[list[str]]:
    made: list[str] = []
    yield made
    for ref in made:
        subprocess.run(["docker", "rmi", "-f", ref], capture_output=True, timeout=120)


def listing(image: str) -> list[str]:
    out = _run("docker", "run", "--rm", image, "sh", "-c", LIST_SCRIPT)
    return out.splitlines()


def build_cli(ctx: Path, dockerfile: str | None, tag: str) -> str:
    args = ["docker", "build", "-q", "-t", tag]
    if dockerfile:
        args += ["-f", dockerfile]
    _run(*args, ".", cwd=ctx)
    return tag


def build_ours(ctx: Path, dockerfile: str | None, tag: str) -> str:
    with docker.APIClient() as api:
        stream = api.build(path=str(ctx), dockerfile=dockerfile, tag=tag, rm=True, decode=True)
        events = list(stream)
    errors = [e for e in events if "error" in e]
    assert not errors, events
    return tag


def write(root: Path, files: dict[str, str]) -> None:
    for name, content in files.items():
        path = root / name
        if name.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)


def tree_nested(root: Path) -> str | None:
    write(
        root,
        {
            "Dockerfile": DOCKERFILE,
            "a.py": "a",
            "b.txt": "b",
            "sub/c.py": "c",
            "sub/d.txt": "d",
            "sub/deep/e.py": "e",
            "sub/deep/er/f.txt": "f",
            "other/sub/g.txt": "g",
            "foobar/x": "x",
            "foo/y": "y",
            ".dockerignore": "sub/deep\n*.txt\nfoo\n!foobar/x\nother/*/g.txt\n",
        },
    )
    return None


def tree_doublestar(root: Path) -> str | None:
    write(
        root,
        {
            "Dockerfile": DOCKERFILE,
            "x.log": "1",
            "a/x.log": "2",
            "a/b/c/x.log": "3",
            "a/b/keep.md": "4",
            "tmp/t1": "5",
            "a/tmp/t2": "6",
            "docs/one/two.md": "7",
            "docs/readme": "8",
            "z.bak": "9",
            "q/r.bak": "10",
            "q/s.bak.txt": "11",
            "afoo": "12",
            "d/foo": "13",
            ".dockerignore": "**/*.log\n**/tmp\ndocs/**\n**.bak\n**foo\n",
        },
    )
    return None


def tree_exceptions(root: Path) -> str | None:
    write(
        root,
        {
            "Dockerfile": DOCKERFILE,
            "keep/k.txt": "k",
            "keep/skip.txt": "s",
            "keep/inner/k2.txt": "k2",
            "x/cache/keep.me": "km",
            "x/cache/drop": "d",
            "logs/a.log": "a",
            "logs/important.log": "i",
            "logs/deep/important.log": "di",
            "foo/bar": "fb",
            "foobar/baz": "fbz",
            ".dockerignore": (
                "keep\n!keep/k.txt\n!keep/inner\n*/cache\n!*/cache/keep.me\n"
                "logs\n!logs/important.log\n!**/important.log\nfoo\n!foobar/baz\n"
            ),
        },
    )
    return None


def tree_exceptions_order(root: Path) -> str | None:
    write(
        root,
        {
            "Dockerfile": DOCKERFILE,
            "a/b/c.txt": "c",
            "a/b/d.txt": "d",
            "a/e.txt": "e",
            "f.txt": "f",
            "g/h.txt": "h",
            ".dockerignore": "!a/b/c.txt\na\n*.txt\n!f.txt\ng\n!g\n",
        },
    )
    return None


def tree_slashes_dots(root: Path) -> str | None:
    write(
        root,
        {
            "Dockerfile": DOCKERFILE,
            "top.txt": "t",
            "sub/top.txt": "st",
            "sub/x": "x",
            "other/y": "y",
            "keep.txt": "k",
            "z/w": "w",
            "v/u": "u",
            ".dockerignore": (
                "/top.txt\n./sub/../other\nsub/./x\n../z\n/keep.txt\n!/keep.txt\nv//u/\n/\n.\n"
            ),
        },
    )
    return None


def tree_classes(root: Path) -> str | None:
    write(
        root,
        {
            "Dockerfile": DOCKERFILE,
            "file1.txt": "1",
            "file22.txt": "22",
            "a.md": "a",
            "b.md": "b",
            "d.md": "d",
            "xy": "xy",
            "zy": "zy",
            "9lives": "9",
            "sub/file3.txt": "3",
            "a+b.txt": "ab",
            "aab.txt": "aab",
            "(p).txt": "p",
            "{q}.txt": "q",
            "dollar$": "d",
            ".dockerignore": (
                "file?.txt\n[a-c]*.md\n[^x]y\n[[:digit:]]*\na+b.txt\n(p).txt\n{q}.txt\ndollar$\n"
            ),
        },
    )
    return None


def tree_dockerfile_subdir(root: Path) -> str | None:
    write(
        root,
        {
            "build/Dockerfile.build": DOCKERFILE,
            "build/other": "o",
            "src/main.c": "m",
            "Dockerfile": "FROM scratch\n",
            ".dockerignore": "build\nDockerfile\n",
        },
    )
    return "build/Dockerfile.build"


def tree_ignore_self(root: Path) -> str | None:
    write(
        root,
        {
            "Dockerfile": DOCKERFILE,
            "keep": "k",
            "drop": "d",
            "dir/keep": "dk",
            ".dockerignore": ".dockerignore\nDockerfile\n*\n!keep\n",
        },
    )
    return None


def tree_symlinks(root: Path) -> str | None:
    write(
        root,
        {
            "Dockerfile": DOCKERFILE,
            "real/file": "r",
            "real/sub/f2": "f2",
            "excluded/e": "e",
        },
    )
    (root / "link-to-file").symlink_to("real/file")
    (root / "link-to-dir").symlink_to("real")
    (root / "dangling").symlink_to("does-not-exist")
    (root / "link-excluded").symlink_to("excluded")
    (root / ".dockerignore").write_text("excluded\nlink-excluded\nreal/sub\n")
    return None


def tree_empty_dirs(root: Path) -> str | None:
    write(
        root,
        {
            "Dockerfile": DOCKERFILE,
            "empty/": "",
            "emptyx/": "",
            "nested/empty/": "",
            "nested/file": "n",
            ".dockerignore": "emptyx\n",
        },
    )
    return None


def tree_unicode(root: Path) -> str | None:
    write(
        root,
        {
            "Dockerfile": DOCKERFILE,
            "my file.txt": "space",
            "with space/inner file": "ws",
            "ünïcode/ß.txt": "u",
            "ünïcode/keep ß": "k",
            "日本/語.txt": "j",
            "Ärger": "a",
            ".dockerignore": "ünïcode\n!ünïcode/keep ß\nwith space\n日本/*.txt\n",
        },
    )
    return None


def tree_comments_case(root: Path) -> str | None:
    write(
        root,
        {
            "Dockerfile": DOCKERFILE,
            "# not a comment": "h",
            "a.txt": "a",
            "B.TXT": "b",
            "c.Txt": "c",
            "padded": "p",
            "spaced": "s",
            ".dockerignore": (
                "\ufeff# a comment\n  # not a comment\n*.TXT\n   padded   \n\n"
                "spaced\n!  spaced\n\t\n"
            ),
        },
    )
    return None


def tree_no_dockerignore(root: Path) -> str | None:
    write(root, {"Dockerfile": DOCKERFILE, "a": "a", "b/c": "c", "d/": ""})
    return None


def tree_escapes(root: Path) -> str | None:
    write(
        root,
        {
            "Dockerfile": DOCKERFILE,
            "star*name": "s",
            "starXname": "x",
            "q?mark": "q",
            "qXmark": "qx",
            "back\\slash": "b",
            ".dockerignore": "star\\*name\nq\\?mark\n",
        },
    )
    return None


TREES: dict[str, Callable[[Path], str | None]] = {
    "nested": tree_nested,
    "doublestar": tree_doublestar,
    "exceptions": tree_exceptions,
    "exceptions_order": tree_exceptions_order,
    "slashes_dots": tree_slashes_dots,
    "classes": tree_classes,
    "dockerfile_subdir": tree_dockerfile_subdir,
    "ignore_self": tree_ignore_self,
    "symlinks": tree_symlinks,
    "empty_dirs": tree_empty_dirs,
    "unicode": tree_unicode,
    "comments_case": tree_comments_case,
    "no_dockerignore": tree_no_dockerignore,
    "escapes": tree_escapes,
}


@pytest.mark.parametrize("name", list(TREES))
def test_context_matches_cli(name: str, tmp_path: Path, busybox: None, images: list[str]) -> None:
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    dockerfile = TREES[name](ctx)
    uid = uuid.uuid4().hex[:8]
    cli_tag = f"dsdk-test-oracle-cli-{name.replace('_', '-')}:{uid}"
    our_tag = f"dsdk-test-oracle-sdk-{name.replace('_', '-')}:{uid}"
    images.append(build_cli(ctx, dockerfile, cli_tag))
    images.append(build_ours(ctx, dockerfile, our_tag))
    expected = listing(cli_tag)
    assert expected, "the CLI's image lists nothing"
    assert listing(our_tag) == expected


def test_dockerfile_outside_context(tmp_path: Path, busybox: None, images: list[str]) -> None:
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    write(ctx, {"a": "a", "b/c": "c", "Dockerfile": "FROM scratch\n", ".dockerignore": "b\n"})
    outside = tmp_path / "outside.Dockerfile"
    outside.write_text(DOCKERFILE)
    uid = uuid.uuid4().hex[:8]
    cli_tag, our_tag = f"dsdk-test-oracle-cli-outside:{uid}", f"dsdk-test-oracle-sdk-outside:{uid}"
    images.append(build_cli(ctx, str(outside), cli_tag))
    images.append(build_ours(ctx, str(outside), our_tag))
    assert listing(our_tag) == listing(cli_tag)


def test_dockerfile_outside_context_without_dockerignore(
    tmp_path: Path, busybox: None, images: list[str]
) -> None:
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    write(ctx, {"a": "a", "Dockerfile": "FROM scratch\n"})
    outside = tmp_path / "Dockerfile.out"
    outside.write_text(DOCKERFILE)
    uid = uuid.uuid4().hex[:8]
    cli_tag, our_tag = f"dsdk-test-oracle-cli-out2:{uid}", f"dsdk-test-oracle-sdk-out2:{uid}"
    images.append(build_cli(ctx, str(outside), cli_tag))
    images.append(build_ours(ctx, "../Dockerfile.out", our_tag))
    assert listing(our_tag) == listing(cli_tag)


@pytest.mark.parametrize("name", ["nested", "exceptions", "classes", "unicode"])
def test_exclude_paths_agrees_with_the_walk(name: str, tmp_path: Path) -> None:
    """exclude_paths (the public helper) keeps what the tar holds."""
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    TREES[name](ctx)
    patterns = read_dockerignore((ctx / ".dockerignore").read_bytes())
    kept = exclude_paths(str(ctx), patterns)
    import tarfile

    from docker.utils.build import tar

    with contextlib.closing(tar(str(ctx), exclude=patterns)) as f, tarfile.open(fileobj=f) as t:
        names = {m.name for m in t}
    assert names == kept


def _unused(*_: Any) -> None:  # keep the imports honest for type checkers
    return None
