""".dockerignore matching (docker.utils.fnmatch, docker.utils.build): tables and properties.

The reference is the Docker CLI on Linux (moby/patternmatcher); the end-to-end comparison with
the real CLI is tests/integration/test_build_context_oracle.py.
"""

from __future__ import annotations

import io
import os
import re
import tarfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docker.utils import build as b
from docker.utils import fnmatch as fm


def go_glob(pattern: str, name: str) -> bool:
    """Go's filepath.Match for patterns of literals, ``*`` and ``?`` (an independent oracle)."""
    if not pattern:
        return not name
    head = pattern[0]
    if head == "*":
        return any(
            go_glob(pattern[1:], name[i:]) for i in range(len(name) + 1) if "/" not in name[:i]
        )
    if not name:
        return False
    if head == "?":
        return name[0] != "/" and go_glob(pattern[1:], name[1:])
    return head == name[0] and go_glob(pattern[1:], name[1:])


# ---------------------------------------------------------------------------------------------
# Pattern translation


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("*.py", "a.py", True),
        ("*.py", "sub/a.py", False),
        ("**/*.py", "a.py", True),
        ("**/*.py", "sub/deep/a.py", True),
        ("**", "anything/at/all", True),
        ("sub/**", "sub/x/y", True),
        ("sub/**", "sub", False),
        ("**/foo", "foo", True),
        ("**/foo", "a/b/foo", True),
        ("**/foo", "afoo", False),
        ("**foo", "afoo", True),  # the CLI's suffix shortcut
        ("**.bak", "q/r.bak", True),
        ("a/**/b", "a/b", True),
        ("a/**/b", "a/x/y/b", True),
        ("file?.txt", "file1.txt", True),
        ("file?.txt", "file22.txt", False),
        ("file?", "file/", False),
        ("[a-c]*.md", "b.md", True),
        ("[a-c]*.md", "d.md", False),
        ("[^x]y", "zy", True),
        ("[^x]y", "xy", False),
        ("[[:digit:]]*", "9lives", True),
        ("a+b.txt", "a+b.txt", True),
        ("a+b.txt", "aab.txt", False),
        ("(p).txt", "(p).txt", True),
        ("{q}.txt", "{q}.txt", True),
        ("dollar$", "dollar$", True),
        ("star\\*name", "star*name", True),
        ("star\\*name", "starXname", False),
        ("A.PY", "a.py", False),  # B10: case-sensitive, like the CLI
        ("a.py", "a.py", True),
        ("ünï*", "ünïcode", True),
        ("日本/*.txt", "日本/語.txt", True),
        ("with space", "with space", True),
    ],
)
def test_fnmatch_table(pattern: str, path: str, expected: bool) -> None:
    assert fm.fnmatch(path, pattern) is expected
    assert fm.fnmatchcase(path, pattern) is expected
    assert (re.match(fm.translate(pattern), path) is not None) is expected


@pytest.mark.parametrize("pattern", ["[", "[]", "[^]", "a[", "x\\", "[a-]", "[-a]", "[z-a"])
def test_syntax_errors(pattern: str) -> None:
    with pytest.raises(fm.PatternError):
        fm.translate(pattern)
    with pytest.raises(ValueError):
        b.Pattern(pattern)


def test_regex_errors_are_reported() -> None:
    # A valid glob whose regular expression the CLI cannot compile (reversed range).
    with pytest.raises(fm.PatternError):
        fm.translate("[z-a]")


def test_illegal_exclusion() -> None:
    with pytest.raises(fm.PatternError, match="illegal exclusion"):
        b.PatternMatcher(["!"])


_glob_alphabet = st.sampled_from(["a", "b", ".", "/", "*", "?"])
_name_alphabet = st.sampled_from(["a", "b", ".", "/"])


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_glob_alphabet, min_size=1, max_size=8), st.text("ab./", max_size=8))
def test_simple_globs_match_go_filepath_match(chars: list[str], name: str) -> None:
    pattern = "".join(chars)
    if "**" in pattern:
        pattern = pattern.replace("**", "*")
    if "**" in pattern:
        return
    assert fm.fnmatch(name, pattern) is go_glob(pattern, name)


@settings(max_examples=300)
@given(
    st.lists(
        st.sampled_from(["a", "b", "/", "*", "**", "?", "[ab]", "[^a]", ".", "\\*"]), max_size=7
    ),
    st.text("ab./*", max_size=8),
)
def test_translate_agrees_with_the_fast_matcher(parts: list[str], name: str) -> None:
    pattern = "".join(parts)
    try:
        regex = fm.translate(pattern)
    except fm.PatternError:
        with pytest.raises(fm.PatternError):
            fm.compile_pattern(pattern)
        return
    assert (re.match(regex, name) is not None) is fm.compile_pattern(pattern)(name)


# ---------------------------------------------------------------------------------------------
# .dockerignore parsing and cleaning


@pytest.mark.parametrize(
    ("text", "patterns"),
    [
        ("# comment\n*.py\n", ["*.py"]),
        ("  # not a comment\n", ["# not a comment"]),
        ("\ufeff# comment with BOM\nx\n", ["x"]),
        ("/top\n!/keep\n", ["top", "!keep"]),
        ("./a/../b\n", ["b"]),
        ("a//b/\n", ["a/b"]),
        ("../x\n", ["../x"]),
        ("/\n.\n", ["/", "."]),
        ("!  spaced  \n", ["!spaced"]),
        ("\n\t\n   \n", []),
        ("a\r\nb\r\n", ["a", "b"]),
    ],
)
def test_read_dockerignore(text: str, patterns: list[str]) -> None:
    assert b.read_dockerignore(text) == patterns
    assert b.read_dockerignore(text.encode()) == patterns


@pytest.mark.parametrize(
    ("path", "clean"),
    [
        ("", "."),
        ("/", "/"),
        ("//a//b/", "/a/b"),
        ("a/..", "."),
        ("a/../..", ".."),
        ("/../a", "/a"),
        ("./a/./b", "a/b"),
        ("!foo/../bar", "bar"),
    ],
)
def test_go_clean(path: str, clean: str) -> None:
    assert b.go_clean(path) == clean


# ---------------------------------------------------------------------------------------------
# Matcher and walk


@pytest.fixture
def context(tmp_path: Path) -> Path:
    for name in [
        "Dockerfile",
        "a.py",
        "b.txt",
        "sub/c.py",
        "sub/d.txt",
        "sub/deep/e.py",
        "keep/k.txt",
        "keep/skip.txt",
        "foobar/x",
        "foo/y",
    ]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name)
    return tmp_path


ALL = {
    "Dockerfile",
    "a.py",
    "b.txt",
    "sub",
    "sub/c.py",
    "sub/d.txt",
    "sub/deep",
    "sub/deep/e.py",
    "keep",
    "keep/k.txt",
    "keep/skip.txt",
    "foobar",
    "foobar/x",
    "foo",
    "foo/y",
}


@pytest.mark.parametrize(
    ("patterns", "dropped"),
    [
        ([], set()),
        (["*.py"], {"a.py"}),
        (["**/*.py"], {"a.py", "sub/c.py", "sub/deep/e.py"}),
        (["sub"], {"sub", "sub/c.py", "sub/d.txt", "sub/deep", "sub/deep/e.py"}),
        (["*", "!Dockerfile"], ALL - {"Dockerfile"}),
        (["keep", "!keep/k.txt"], {"keep", "keep/skip.txt"}),
        (["A.PY"], set()),  # B10 fixed: case-sensitive
        # B11 fixed: "foo" is not a prefix of "foobar/"; the excluded foo is not entered.
        (["foo", "!foobar/x"], {"foo", "foo/y"}),
        # Wildcard exceptions do not reach into excluded directories (as in the CLI).
        (["keep", "!*/k.txt"], {"keep", "keep/k.txt", "keep/skip.txt"}),
        (["Dockerfile"], set()),  # the Dockerfile is always sent
        (["**", "!sub/deep/e.py"], ALL - {"Dockerfile", "sub/deep/e.py"}),
    ],
)
def test_exclude_paths_table(context: Path, patterns: list[str], dropped: set[str]) -> None:
    given = list(patterns)
    assert b.exclude_paths(str(context), patterns) == ALL - dropped
    assert patterns == given  # not modified


def test_dockerfile_exception_for_custom_name(context: Path) -> None:
    kept = b.exclude_paths(str(context), ["sub"], dockerfile="sub/deep/e.py")
    assert "sub/deep/e.py" in kept
    assert "sub/c.py" not in kept
    assert "sub" not in kept


def test_dockerignore_is_always_sent(context: Path) -> None:
    (context / ".dockerignore").write_text("*\n")
    kept = b.exclude_paths(str(context), [".dockerignore", "*"])
    assert kept == {".dockerignore", "Dockerfile"}


def test_matcher_matches() -> None:
    pm = b.PatternMatcher(["sub", "!sub/keep", "*.log"])
    assert pm.matches("sub/x")
    assert not pm.matches("sub/keep")
    assert pm.matches("a.log")
    assert not pm.matches("d/a.log")
    assert not pm.matches("other")


_tree_names = st.lists(
    st.lists(st.sampled_from(["a", "b", "c", "a.x", "b.y"]), min_size=1, max_size=3).map("/".join),
    min_size=1,
    max_size=12,
    unique=True,
)
_patterns = st.lists(
    st.lists(
        st.sampled_from(["a", "b", "c", "*", "**", "?", "*.x", "b.y"]), min_size=1, max_size=3
    ).map("/".join),
    max_size=4,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_tree_names, _patterns)
def test_walk_without_exceptions_drops_matches_and_their_descendants(
    tmp_path_factory: pytest.TempPathFactory, names: list[str], patterns: list[str]
) -> None:
    root = tmp_path_factory.mktemp("ctx")
    made: set[str] = set()
    for name in names:
        parts = name.split("/")
        # a path component cannot be both a file and a directory
        if any("/".join(parts[: i + 1]) in made for i in range(len(parts) - 1)):
            continue
        if any(m.startswith(name + "/") for m in made):
            continue
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x")
        made.add(name)
    everything = set(b.build_file_list(str(root)))
    pm = b.PatternMatcher(patterns)

    def excluded(path: str) -> bool:
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        return any(p.match(q) for p in pm.patterns for q in prefixes)

    expected = {p for p in everything if not excluded(p)}
    assert set(b.walk(str(root), patterns)) == expected


# ---------------------------------------------------------------------------------------------
# Archives


def _members(f: io.BufferedIOBase | object) -> dict[str, tarfile.TarInfo]:
    with tarfile.open(fileobj=f) as t:  # type: ignore[call-overload]
        return {m.name: m for m in t}


def test_tar_members_and_content(context: Path) -> None:
    os.symlink("a.py", context / "link")
    os.link(context / "b.txt", context / "hard")
    (context / ("L" * 150)).write_text("long")
    with b.tar(str(context), exclude=["sub/deep"]) as f:
        data = f.read()
    with tarfile.open(fileobj=io.BytesIO(data)) as t:
        names = [m.name for m in t]
        assert "sub/deep" not in names
        assert t.getmember("sub").isdir()
        assert t.getmember("link").issym() and t.getmember("link").linkname == "a.py"
        assert t.getmember("L" * 150).isreg()
        assert {t.getmember("hard").type, t.getmember("b.txt").type} == {
            tarfile.LNKTYPE,
            tarfile.REGTYPE,
        }
        reader = t.extractfile("a.py")
        assert reader is not None and reader.read() == b"a.py"


def test_tar_gzip(context: Path) -> None:
    with b.tar(str(context), gzip=True) as f:
        assert f.read(2) == b"\x1f\x8b"
        f.seek(0)
        with tarfile.open(fileobj=f, mode="r:gz") as t:
            assert "sub/deep/e.py" in t.getnames()


def test_tar_dockerfile_outside(context: Path) -> None:
    (context / ".dockerignore").write_text("sub\n")
    with b.tar(str(context), exclude=["sub"], dockerfile=(".dockerfile.abc", "FROM x\n")) as f:
        members = _members(f)
        f.seek(0)
        with tarfile.open(fileobj=f) as t:
            ignore = t.extractfile(".dockerignore")
            assert ignore is not None
            assert ignore.read() == b"sub\n\n.dockerfile.abc\n"
    assert ".dockerfile.abc" in members


def test_unreadable_file_is_a_clear_error(context: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def failing_open(path: str, *args: object, **kwargs: object) -> int:
        if str(path).endswith("b.txt"):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", failing_open)
    with pytest.raises(OSError, match="Can not read file in context: .*b.txt"):
        b.tar(str(context))


def test_create_archive_and_extra_files(context: Path) -> None:
    archive = b.create_archive(str(context), files=["a.py", "sub"], extra_files=[("a.py", "new")])
    with archive as f, tarfile.open(fileobj=f) as t:
        assert sorted(t.getnames()) == ["a.py", "sub"]
        reader = t.extractfile("a.py")
        assert reader is not None and reader.read() == b"new"


def test_build_file_list(context: Path) -> None:
    assert set(b.build_file_list(str(context))) == ALL


def test_mkbuildcontext() -> None:
    with b.mkbuildcontext(io.BytesIO(b"FROM busybox\n")) as f, tarfile.open(fileobj=f) as t:
        reader = t.extractfile("Dockerfile")
        assert reader is not None and reader.read() == b"FROM busybox\n"
    with pytest.raises(TypeError, match="io.BytesIO"):
        b.mkbuildcontext(io.StringIO("FROM busybox\n"))


@pytest.mark.parametrize(
    ("tag", "ok"),
    [
        ("foo", True),
        ("foo:bar", True),
        ("registry.io:5000/a/b:1.0", True),
        ("a__b-c.d/e", True),
        ("Foo", False),
        ("foo@sha256:abc", False),
        ("foo:-bar", False),
        ("", False),
        ("foo:" + "x" * 129, False),
    ],
)
def test_match_tag(tag: str, ok: bool) -> None:
    assert b.match_tag(tag) is ok


def test_split_and_normalize() -> None:
    assert b.split_path("./a//b/./c") == ["a", "b", "c"]
    assert b.normalize_slashes("a/b") == "a/b"
    assert b.Pattern.normalize("/a/./b/../c/") == ["", "a", "c"]


@pytest.mark.parametrize("size", [0, 511, 512, 513, (1 << 20) - 1, 1 << 20, 3 * (1 << 20) + 7])
def test_tar_file_sizes(tmp_path: Path, size: int) -> None:
    content = os.urandom(size)
    (tmp_path / "blob").write_bytes(content)
    with b.tar(str(tmp_path)) as f, tarfile.open(fileobj=f) as t:
        reader = t.extractfile("blob")
        assert reader is not None and reader.read() == content


def test_file_shrinking_while_archived(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "blob").write_bytes(b"x" * 1000)
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: real_read(fd, min(n, 10)) if n > 900 else b"")
    with pytest.raises(OSError, match="Can not read file in context: .*blob"):
        b.tar(str(tmp_path))
