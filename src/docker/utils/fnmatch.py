"""``.dockerignore`` pattern matching, as the Docker CLI does it on Linux.

The Docker CLI (``moby/patternmatcher``, used by ``docker build`` with the classic builder)
checks a pattern's syntax with Go's ``filepath.Match`` and then turns it into a Go regular
expression: ``*`` is ``[^/]*``, ``?`` is ``[^/]``, ``**`` is ``(.*/)?`` (``.*`` at the end of
the pattern), ``\\`` escapes the next character, the characters ``.+()|{}$`` are literal and
everything else, ``[...]`` character classes included, goes into the regular expression as it
is.  Patterns made only of literal text, a leading ``**`` or a trailing ``**`` take shortcuts
(string equality, suffix, prefix) that behave slightly differently from the regular expression
(``**.py`` matches every path ending in ``.py``).  This module reproduces all of that, with a
translation of the Go regular expression into a Python one.

Matching is **case-sensitive**, like the CLI on Linux (the original SDK lower-cased both sides).

:func:`translate` gives the Python regular expression of a pattern, :func:`fnmatchcase` and
:func:`fnmatch` (the same function: matching is always case-sensitive) match a path against it.
A pattern the CLI refuses raises :class:`PatternError` (a :class:`ValueError`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

__all__ = ["PatternError", "compile_pattern", "fnmatch", "fnmatchcase", "translate"]

_REGEX_ESCAPED = frozenset(".+()|{}$")

EXACT, PREFIX, SUFFIX, REGEX = "exact", "prefix", "suffix", "regex"


class PatternError(ValueError):
    """A ``.dockerignore`` pattern the Docker CLI refuses (``syntax error in pattern``)."""


# ---------------------------------------------------------------------------------------------
# Syntax check: Go's filepath.Match rules


def _class_char(pat: str, i: int) -> int:
    """Index after one character of a glob class (Go ``getEsc``), or raise."""
    n = len(pat)
    if i >= n or pat[i] in "-]":
        raise PatternError(f"syntax error in pattern: {pat!r}")
    if pat[i] == "\\":
        i += 1
        if i >= n:
            raise PatternError(f"syntax error in pattern: {pat!r}")
    i += 1
    if i >= n:
        raise PatternError(f"syntax error in pattern: {pat!r}")
    return i


def check_syntax(pat: str) -> None:
    """Raise :class:`PatternError` when Go's ``filepath.Match`` rejects ``pat``."""
    i, n = 0, len(pat)
    while i < n:
        c = pat[i]
        if c == "\\":
            if i + 1 >= n:
                raise PatternError(f"syntax error in pattern: {pat!r}")
            i += 2
        elif c == "[":
            i += 1
            if i < n and pat[i] == "^":
                i += 1
            nrange = 0
            while True:
                if i < n and pat[i] == "]" and nrange > 0:
                    i += 1
                    break
                i = _class_char(pat, i)
                if pat[i] == "-":
                    i = _class_char(pat, i + 1)
                nrange += 1
        else:
            i += 1


# ---------------------------------------------------------------------------------------------
# Pattern -> Go regular expression (patternmatcher's compile)


def classify(pat: str) -> tuple[str, str]:
    """How the CLI matches the cleaned pattern ``pat``: ``(kind, go_regex)``.

    ``kind`` is ``exact``, ``prefix``, ``suffix`` or ``regex``; ``go_regex`` is the Go regular
    expression (meaningful for ``regex`` only).
    """
    reg = ["^"]
    kind = EXACT
    pos, n, it = 0, len(pat), 0
    while pos < n:
        ch = pat[pos]
        pos += 1
        if ch == "*":
            if pos < n and pat[pos] == "*":
                pos += 1
                if pos < n and pat[pos] == "/":
                    pos += 1
                if pos >= n:
                    if kind == EXACT:
                        kind = PREFIX
                    else:
                        reg.append(".*")
                        kind = REGEX
                else:
                    reg.append("(.*/)?")
                    kind = REGEX
                if it == 0:
                    kind = SUFFIX
            else:
                reg.append("[^/]*")
                kind = REGEX
        elif ch == "?":
            reg.append("[^/]")
            kind = REGEX
        elif ch in _REGEX_ESCAPED:
            reg.append("\\" + ch)
        elif ch == "\\":
            if pos < n:
                reg.append("\\" + pat[pos])
                pos += 1
                kind = REGEX
            else:
                reg.append("\\")
        elif ch in "[]":
            reg.append(ch)
            kind = REGEX
        else:
            reg.append(ch)
        it += 1
    reg.append("$")
    return kind, "".join(reg)


# ---------------------------------------------------------------------------------------------
# Go (RE2) regular expression -> Python regular expression

_PERL = {
    "d": ([("0", "9")], False),
    "D": ([("0", "9")], True),
    "s": ([("\t", "\n"), ("\f", "\r"), (" ", " ")], False),
    "S": ([("\t", "\n"), ("\f", "\r"), (" ", " ")], True),
    "w": ([("0", "9"), ("A", "Z"), ("_", "_"), ("a", "z")], False),
    "W": ([("0", "9"), ("A", "Z"), ("_", "_"), ("a", "z")], True),
}
_POSIX = {
    "alnum": [("0", "9"), ("A", "Z"), ("a", "z")],
    "alpha": [("A", "Z"), ("a", "z")],
    "ascii": [("\x00", "\x7f")],
    "blank": [("\t", "\t"), (" ", " ")],
    "cntrl": [("\x00", "\x1f"), ("\x7f", "\x7f")],
    "digit": [("0", "9")],
    "graph": [("!", "~")],
    "lower": [("a", "z")],
    "print": [(" ", "~")],
    "punct": [("!", "/"), (":", "@"), ("[", "`"), ("{", "~")],
    "space": [("\t", "\r"), (" ", " ")],
    "upper": [("A", "Z")],
    "word": [("0", "9"), ("A", "Z"), ("a", "z"), ("_", "_")],
    "xdigit": [("0", "9"), ("A", "F"), ("a", "f")],
}
_SIMPLE_ESCAPES = {"a": "\a", "f": "\f", "t": "\t", "n": "\n", "r": "\r", "v": "\v"}
_HEX = frozenset("0123456789abcdefABCDEF")


def _unsupported(regex: str, what: str) -> PatternError:
    return PatternError(f"syntax error in pattern: {what} in {regex!r}")


def _py_char(c: str) -> str:
    """One literal character, safe inside and outside a Python character class."""
    return c if c.isalnum() and c.isascii() else "\\" + c if c.isascii() else c


def _ranges_to_class(ranges: list[tuple[str, str]], negate: bool) -> str:
    parts = [_py_char(lo) if lo == hi else f"{_py_char(lo)}-{_py_char(hi)}" for lo, hi in ranges]
    return "[" + ("^" if negate else "") + "".join(parts) + "]"


def _escape(regex: str, i: int) -> tuple[int, str | tuple[list[tuple[str, str]], bool]]:
    """Parse the escape at ``regex[i] == '\\'``: a literal character or a Perl class."""
    if i + 1 >= len(regex):
        raise _unsupported(regex, "trailing backslash")
    c = regex[i + 1]
    if c in _PERL:
        return i + 2, _PERL[c]
    if c in _SIMPLE_ESCAPES:
        return i + 2, _SIMPLE_ESCAPES[c]
    if c == "x":
        digits = regex[i + 2 : i + 4]
        if len(digits) == 2 and all(d in _HEX for d in digits):
            return i + 4, chr(int(digits, 16))
        raise _unsupported(regex, "invalid escape \\x")
    if c.isascii() and not c.isalnum():
        return i + 2, c
    raise _unsupported(regex, f"unsupported escape \\{c}")


def _parse_class(regex: str, i: int) -> tuple[int, str]:
    """Parse the RE2 character class starting at ``regex[i] == '['``."""
    n = len(regex)
    i += 1
    negate = False
    if i < n and regex[i] == "^":
        negate = True
        i += 1
    ranges: list[tuple[str, str]] = []
    extra: list[str] = []
    first = True
    while i >= n or regex[i] != "]" or first:
        if i >= n:
            raise _unsupported(regex, "missing closing ]")
        first = False
        if regex.startswith("[:", i):
            end = regex.find(":]", i + 2)
            name = regex[i + 2 : end] if end > 0 else ""
            neg = name.startswith("^")
            if end > 0 and name.lstrip("^") in _POSIX:
                cls = _POSIX[name.lstrip("^")]
                if neg:
                    extra.append(_ranges_to_class(cls, True))
                else:
                    ranges.extend(cls)
                i = end + 2
                continue
            if end > 0:
                raise _unsupported(regex, f"invalid character class [:{name}:]")
        lo: str
        if regex[i] == "\\":
            i, esc = _escape(regex, i)
            if isinstance(esc, tuple):
                cls_ranges, neg = esc
                if neg:
                    extra.append(_ranges_to_class(cls_ranges, True))
                else:
                    ranges.extend(cls_ranges)
                continue
            lo = esc
        else:
            lo = regex[i]
            i += 1
        hi = lo
        if i + 1 < n and regex[i] == "-" and regex[i + 1] != "]":
            i += 1
            if regex[i] == "\\":
                i, esc = _escape(regex, i)
                if isinstance(esc, tuple):
                    raise _unsupported(regex, "invalid character class range")
                hi = esc
            else:
                hi = regex[i]
                i += 1
            if hi < lo:
                raise _unsupported(regex, f"invalid character class range {lo}-{hi}")
        ranges.append((lo, hi))
    i += 1  # the closing ]
    if not extra:
        return i, _ranges_to_class(ranges, negate)
    # A negated Perl/POSIX class inside a class: a union of alternatives.
    alternatives = [_ranges_to_class(ranges, False)] if ranges else []
    alternatives.extend(extra)
    union = "(?:" + "|".join(alternatives) + ")"
    if negate:
        return i, "(?:(?!" + union + ")(?s:.))"
    return i, union


def go_regex_to_python(regex: str) -> str:
    """Translate a Go regular expression made by :func:`classify` into a Python one."""
    out: list[str] = []
    i, n = 0, len(regex)
    while i < n:
        c = regex[i]
        if c == "\\":
            i, esc = _escape(regex, i)
            if isinstance(esc, tuple):
                out.append(_ranges_to_class(*esc))
            else:
                out.append(_py_char(esc))
        elif c == "[":
            i, cls = _parse_class(regex, i)
            out.append(cls)
        elif c == "$":
            out.append(r"\Z")
            i += 1
        elif c == "^":
            out.append(r"\A")
            i += 1
        elif c in ".*?()|":
            out.append(c)
            i += 1
        else:
            out.append(_py_char(c))
            i += 1
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Public functions


def translate(pat: str) -> str:
    """The Python regular expression matching what the CLI's pattern ``pat`` matches.

    ``pat`` is a cleaned pattern (no leading ``!``); use it with :func:`re.match`.  Raises
    :class:`PatternError` for a pattern the CLI refuses.
    """
    check_syntax(pat)
    kind, regex = classify(pat)
    if kind == EXACT:
        return re.escape(pat) + r"\Z"
    if kind == PREFIX:
        return re.escape(pat[:-2]) + r"(?s:.*)\Z"
    if kind == SUFFIX:
        suffix = pat[2:]
        if suffix.startswith("/"):
            return r"(?s:.*/)?" + re.escape(suffix[1:]) + r"\Z"
        return r"(?s:.*)" + re.escape(suffix) + r"\Z"
    return go_regex_to_python(regex)


@functools.lru_cache(maxsize=512)
def compile_pattern(pat: str) -> Callable[[str], bool]:
    """A fast predicate ``path -> bool`` for the cleaned pattern ``pat`` (cached)."""
    check_syntax(pat)
    kind, regex = classify(pat)
    if kind == EXACT:
        return pat.__eq__
    if kind == PREFIX:
        return functools.partial(_startswith, pat[:-2])
    if kind == SUFFIX:
        suffix = pat[2:]
        if not suffix:
            return _always
        if suffix.startswith("/"):
            return functools.partial(_suffix_or_equal, suffix, suffix[1:])
        return functools.partial(_endswith, suffix)
    compiled = re.compile(go_regex_to_python(regex), re.ASCII)
    return functools.partial(_regex_match, compiled.match)


def _always(path: str) -> bool:
    return True


def _startswith(prefix: str, path: str) -> bool:
    return path.startswith(prefix)


def _endswith(suffix: str, path: str) -> bool:
    return path.endswith(suffix)


def _suffix_or_equal(suffix: str, bare: str, path: str) -> bool:
    return path.endswith(suffix) or path == bare


def _regex_match(match: Callable[[str], object], path: str) -> bool:
    return match(path) is not None


def fnmatchcase(name: str, pat: str) -> bool:
    """True when the relative path ``name`` matches the cleaned pattern ``pat`` (case-sensitive)."""
    return compile_pattern(pat)(name)


def fnmatch(name: str, pat: str) -> bool:
    """Same as :func:`fnmatchcase`: ``.dockerignore`` matching is case-sensitive on Linux.

    (The original SDK lower-cased both sides; the Docker CLI does not.)
    """
    return compile_pattern(pat)(name)
