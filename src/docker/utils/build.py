"""Build contexts: ``.dockerignore`` rules, the context tar, tag validation.

The context is chosen exactly as the Docker CLI chooses it on Linux (``docker build`` with the
classic builder): the same ``.dockerignore`` parsing (comments, ``!`` exceptions in order, ``**``,
leading ``/`` and ``..`` cleaned away), the same case-sensitive pattern matching
(:mod:`docker.utils.fnmatch`), the same walk (an excluded directory is entered only when an
exception pattern starts with its path), and the Dockerfile and ``.dockerignore`` are always
sent (the daemon drops them again when ``.dockerignore`` names them).

The tar is written while the tree is walked once (``os.scandir``), straight into a temporary
file (unnamed, so nothing is left behind), and handed back at offset 0.
"""

from __future__ import annotations

import io
import os
import re
import stat as _stat
import zlib
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from .fnmatch import PatternError, compile_pattern

__all__ = [
    "Pattern",
    "PatternError",
    "PatternMatcher",
    "build_file_list",
    "create_archive",
    "exclude_paths",
    "match_tag",
    "mkbuildcontext",
    "normalize_slashes",
    "read_dockerignore",
    "split_path",
    "tar",
    "walk",
]

_SEP = re.compile("/")

# Tag validation (a repository name with an optional tag; no digest, no upper case).
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_TAG_RE = re.compile(
    rf"{_COMPONENT}(?::[0-9]+)?(?:/{_COMPONENT})*(?::[a-zA-Z0-9_][a-zA-Z0-9._-]{{0,127}})?"
)


def match_tag(tag: str) -> bool:
    """True when ``tag`` is a valid ``name[:tag]`` for ``docker build -t``."""
    return _TAG_RE.fullmatch(tag) is not None


# ---------------------------------------------------------------------------------------------
# Paths


def split_path(p: str) -> list[str]:
    """The components of ``p``, without empty and ``.`` parts."""
    return [part for part in _SEP.split(p) if part and part != "."]


def normalize_slashes(p: str) -> str:
    """``p`` with ``/`` separators (only Windows paths change)."""
    return p


def go_clean(path: str) -> str:
    """Go's ``filepath.Clean`` for ``/`` paths: no ``.``, inner ``..`` resolved, no doubled or
    trailing slash; ``''`` becomes ``'.'``."""
    rooted = path.startswith("/")
    parts: list[str] = []
    for comp in path.split("/"):
        if not comp or comp == ".":
            continue
        if comp == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
        else:
            parts.append(comp)
    out = "/".join(parts)
    if rooted:
        return "/" + out
    return out or "."


def _go_dir(path: str) -> str:
    """Go's ``filepath.Dir``."""
    cut = path.rfind("/")
    return go_clean(path[: cut + 1]) if cut >= 0 else "."


def read_dockerignore(data: str | bytes) -> list[str]:
    """The patterns of a ``.dockerignore`` text, as the CLI reads them.

    A UTF-8 BOM is dropped; lines starting with ``#`` are comments (only in the first column);
    every other line is stripped, empty ones dropped; each pattern (after a ``!``) is cleaned
    (``filepath.Clean``) and loses a leading ``/``.
    """
    if isinstance(data, bytes):
        data = data.decode("utf-8", "surrogateescape")
    if data.startswith("\ufeff"):
        data = data[1:]
    patterns: list[str] = []
    for line in data.splitlines():
        if line.startswith("#"):
            continue
        pattern = line.strip()
        if not pattern:
            continue
        invert = pattern.startswith("!")
        if invert:
            pattern = pattern[1:].strip()
        if pattern:
            pattern = go_clean(pattern)
            if len(pattern) > 1 and pattern.startswith("/"):
                pattern = pattern[1:]
        patterns.append("!" + pattern if invert else pattern)
    return patterns


# ---------------------------------------------------------------------------------------------
# Patterns


class Pattern:
    """One ``.dockerignore`` pattern; a leading ``!`` makes it an exception (re-include)."""

    def __init__(self, pattern_str: str) -> None:
        p = go_clean(pattern_str.strip())
        #: True for an exception (``!pattern``).
        self.exclusion = p.startswith("!")
        if self.exclusion:
            if len(p) == 1:
                raise PatternError('illegal exclusion pattern: "!"')
            p = p[1:]
        #: The pattern as matched (cleaned, without ``!``).
        self.cleaned_pattern = p
        #: Its ``/``-separated components.
        self.dirs = p.split("/")
        self._match = compile_pattern(p)

    @classmethod
    def normalize(cls, p: str) -> list[str]:
        """The components of the cleaned pattern ``p``."""
        return go_clean(p.strip()).split("/")

    def match(self, filepath: str) -> bool:
        """True when the relative path ``filepath`` itself matches this pattern."""
        return self._match(filepath)

    def __repr__(self) -> str:
        return f"<Pattern {'!' if self.exclusion else ''}{self.cleaned_pattern}>"


class PatternMatcher:
    """An ordered list of patterns: the last one matching a path decides.

    ``.dockerignore`` itself is re-included (``!.dockerignore`` appended) when the patterns
    exclude it, as the CLI does.
    """

    def __init__(self, patterns: Iterable[str | Pattern]) -> None:
        self.patterns: list[Pattern] = [
            p if isinstance(p, Pattern) else Pattern(p)
            for p in patterns
            if isinstance(p, Pattern) or p.strip()
        ]
        if self.matches(".dockerignore"):
            self.patterns.append(Pattern("!.dockerignore"))

    def exclusions(self) -> bool:
        """True when some pattern is an exception."""
        return any(p.exclusion for p in self.patterns)

    def matches(self, filepath: str) -> bool:
        """True when ``filepath`` is excluded: the last pattern matching the path, or the
        parent directory cut to the pattern's number of components, decides."""
        parent = _go_dir(filepath)
        parent_dirs = parent.split("/")
        matched = False
        for pattern in self.patterns:
            if pattern.exclusion != matched:
                continue
            match = pattern.match(filepath)
            if not match and parent != "." and len(pattern.dirs) <= len(parent_dirs):
                match = pattern.match("/".join(parent_dirs[: len(pattern.dirs)]))
            if match:
                matched = not pattern.exclusion
        return matched

    def walk(self, root: str) -> Iterator[str]:
        """The relative paths kept under ``root`` (files and directories), in walk order."""
        for rel, _ in _walk_kept(root, self):
            yield rel


def _walk_kept(
    root: str, matcher: PatternMatcher | None, default: bool = True
) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Walk ``root`` as the CLI's archiver does; yield ``(relative path, entry)`` for kept ones.

    Each directory is listed once, sorted by name; a directory is entered when it is kept, or
    when it is excluded but an exception pattern starts with ``<dir>/``.  Symbolic links are
    never followed.  A directory that cannot be listed raises :class:`OSError`.
    """
    patterns = matcher.patterns if matcher is not None else []
    checks = [(p.exclusion, p._match) for p in patterns]
    exc_prefixes = [p.cleaned_pattern + "/" for p in patterns if p.exclusion]
    all_false: tuple[bool, ...] = ()
    # A stack of directory listings: (entries, next index, relative prefix, parent match info).
    stack: list[tuple[list[os.DirEntry[str]], list[int], str, tuple[bool, ...]]] = []

    def listing(path: str) -> list[os.DirEntry[str]]:
        try:
            with os.scandir(path) as it:
                return sorted(it, key=_entry_name)
        except OSError as exc:
            raise OSError(f"Can not read directory in context: {path} ({exc})") from exc

    stack.append((listing(root), [0], "", all_false))
    while stack:
        entries, index, prefix, parent_info = stack[-1]
        i = index[0]
        if i >= len(entries):
            stack.pop()
            continue
        index[0] = i + 1
        entry = entries[i]
        rel = prefix + entry.name
        # MatchesUsingParentResults
        skip = False
        info: list[bool] = []
        if checks:
            for k, (exclusion, fn) in enumerate(checks):
                match = parent_info[k] if parent_info else False
                if not match:
                    if exclusion != skip:
                        info.append(False)
                        continue
                    match = fn(rel)
                    if not match and not parent_info and prefix:
                        dirs = prefix[:-1].split("/")
                        for d in range(len(dirs)):
                            if fn("/".join(dirs[: d + 1])):
                                match = True
                                break
                info.append(match)
                if match:
                    skip = not exclusion
        if not default and not skip:
            # walk(..., default=False): only what an exception pattern re-includes
            skip = not any(exc and hit for (exc, _), hit in zip(checks, info, strict=True))
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if skip:
            if not is_dir:
                continue
            dir_slash = rel + "/"
            if not any(p.startswith(dir_slash) for p in exc_prefixes):
                continue
            stack.append((listing(entry.path), [0], dir_slash, tuple(info)))
            continue
        yield rel, entry
        if is_dir:
            stack.append((listing(entry.path), [0], rel + "/", tuple(info)))


def _entry_name(entry: os.DirEntry[str]) -> str:
    # Go sorts names by their bytes; code point order is the same for UTF-8 names.
    return entry.name


def _context_matcher(
    patterns: Sequence[str], dockerfile: str | None, keep_dockerfile: bool = True
) -> PatternMatcher:
    """The CLI's matcher for a context: ``!.dockerignore`` and ``!<dockerfile>`` added when the
    patterns would exclude them."""
    matcher = PatternMatcher(patterns)
    name = go_clean(dockerfile or "Dockerfile")
    if keep_dockerfile and name != "." and matcher.matches(name):
        matcher.patterns.append(Pattern("!" + name))
    return matcher


def exclude_paths(root: str, patterns: Sequence[str], dockerfile: str | None = None) -> set[str]:
    """The relative paths (files and directories) of ``root`` that the context keeps.

    ``patterns`` are ``.dockerignore`` patterns; the Dockerfile (``dockerfile`` or
    ``Dockerfile``) and ``.dockerignore`` are always kept.  ``patterns`` is not modified.
    """
    matcher = _context_matcher(list(patterns), dockerfile)
    return {rel for rel, _ in _walk_kept(root, matcher)}


def walk(root: str, patterns: Sequence[str], default: bool = True) -> Iterator[str]:
    """The relative paths under ``root`` that ``patterns`` keep, in walk order.

    With ``default=False`` only paths that an exception (``!``) pattern re-includes are given.
    """
    matcher = PatternMatcher(list(patterns))
    for rel, _ in _walk_kept(root, matcher, default):
        yield rel


def build_file_list(root: str) -> list[str]:
    """Every file and directory under ``root``, relative to it (symbolic links not followed)."""
    return [rel for rel, _ in _walk_kept(root, None)]


# ---------------------------------------------------------------------------------------------
# Tar writing

_BLOCK = 512
_FLUSH = 1 << 20
_BIG = 1 << 20
_MAGIC = b"ustar\x0000"
_ZERO8 = b"0000000\x00"
_PAX_NAME = b"././@PaxHeader"
_MAX_OCTAL_8 = 8**7 - 1
_MAX_OCTAL_12 = 8**11 - 1
_NUMBERS = b"%07o\x00%07o\x00%07o\x00%011o\x00%011o\x00"
_ZEROS = bytes(_BLOCK)
_O_READ = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)


def _octal(value: int, width: int) -> bytes:
    return b"%0*o\x00" % (width - 1, value)


def _pad(name: bytes, width: int) -> bytes:
    return name + b"\x00" * (width - len(name))


def _header(
    name: bytes,
    mode: int,
    uid: int,
    gid: int,
    size: int,
    mtime: int,
    typeflag: bytes,
    linkname: bytes,
    uname: bytes,
    gname: bytes,
    devmajor: int = 0,
    devminor: int = 0,
) -> bytes:
    """One ustar header block (all strings ASCII and within their fields)."""
    head = b"".join(
        (
            _pad(name, 100),
            _octal(mode, 8),
            _octal(uid, 8),
            _octal(gid, 8),
            _octal(size, 12),
            _octal(mtime, 12),
            b"        ",
            typeflag,
            _pad(linkname, 100),
            _MAGIC,
            _pad(uname, 32),
            _pad(gname, 32),
            _octal(devmajor, 8),
            _octal(devminor, 8),
            b"\x00" * 167,
        )
    )
    # The byte sum of an ASCII-only header stays below 65521, so Adler-32's low half is 1 + sum.
    checksum = (zlib.adler32(head) & 0xFFFF) - 1
    return head[:148] + b"%06o\x00 " % checksum + head[156:]


def _pax_records(records: dict[str, bytes]) -> bytes:
    out = []
    for key, value in records.items():
        body = b" " + key.encode("ascii") + b"=" + value + b"\n"
        length = len(body) + 1
        while len(str(length)) + len(body) != length:
            length = len(str(length)) + len(body)
        out.append(str(length).encode("ascii") + body)
    return b"".join(out)


def _fits(value: bytes, width: int) -> bool:
    return len(value) <= width and value.isascii()


class _TarWriter:
    """Writes tar members to a binary file, buffering small pieces."""

    def __init__(self, out: Any) -> None:
        self.out = out
        self.buf = bytearray()
        self.users: dict[int, bytes] = {}
        self.groups: dict[int, bytes] = {}
        self.inodes: dict[tuple[int, int], bytes] = {}
        # (uid, gid) -> (header part after the checksum for a regular file, its byte sum)
        self.tails: dict[tuple[int, int], tuple[bytes, int] | None] = {}

    def put(self, data: bytes) -> None:
        buf = self.buf
        buf += data
        if len(buf) >= _FLUSH:
            self.flush()

    def flush(self) -> None:
        if self.buf:
            self.out.write(self.buf)
            self.buf = bytearray()

    def regular_tail(self, uid: int, gid: int) -> tuple[bytes, int] | None:
        """The constant part of a plain regular-file header for this owner, or None."""
        key = (uid, gid)
        try:
            return self.tails[key]
        except KeyError:
            pass
        uname, gname = self.uname(uid), self.gname(gid)
        tail: tuple[bytes, int] | None = None
        if (
            _fits(uname, 32)
            and _fits(gname, 32)
            and 0 <= uid <= _MAX_OCTAL_8
            and 0 <= gid <= _MAX_OCTAL_8
        ):
            part = b"".join(
                (b"0", b"\x00" * 100, _MAGIC, _pad(uname, 32), _pad(gname, 32), _ZERO8, _ZERO8,
                 b"\x00" * 167)
            )  # fmt: skip
            tail = (part, (zlib.adler32(part) & 0xFFFF) - 1 + 8 * 32)
        self.tails[key] = tail
        return tail

    def uname(self, uid: int) -> bytes:
        name = self.users.get(uid)
        if name is None:
            try:
                import pwd

                name = os.fsencode(pwd.getpwuid(uid).pw_name)
            except (ImportError, KeyError):
                name = b""
            self.users[uid] = name
        return name

    def gname(self, gid: int) -> bytes:
        name = self.groups.get(gid)
        if name is None:
            try:
                import grp

                name = os.fsencode(grp.getgrgid(gid).gr_name)
            except (ImportError, KeyError):
                name = b""
            self.groups[gid] = name
        return name

    def member(
        self,
        name: bytes,
        mode: int,
        uid: int,
        gid: int,
        size: int,
        mtime: int,
        typeflag: bytes,
        linkname: bytes = b"",
        uname: bytes = b"",
        gname: bytes = b"",
        devmajor: int = 0,
        devminor: int = 0,
    ) -> None:
        """Write the header(s) of one member; a PAX header first when a field does not fit."""
        pax: dict[str, bytes] = {}
        if not _fits(name, 100):
            pax["path"] = name
            name = name[:100].decode("ascii", "replace").encode("ascii", "replace")[:100]
        if not _fits(linkname, 100):
            pax["linkpath"] = linkname
            linkname = b""
        if not _fits(uname, 32):
            pax["uname"] = uname
            uname = b""
        if not _fits(gname, 32):
            pax["gname"] = gname
            gname = b""
        if not 0 <= uid <= _MAX_OCTAL_8:
            pax["uid"], uid = str(uid).encode(), 0
        if not 0 <= gid <= _MAX_OCTAL_8:
            pax["gid"], gid = str(gid).encode(), 0
        if size > _MAX_OCTAL_12:
            pax["size"], size = str(size).encode(), 0
        if not 0 <= mtime <= _MAX_OCTAL_12:
            pax["mtime"], mtime = str(mtime).encode(), 0
        if pax:
            records = _pax_records(pax)
            self.put(_header(_PAX_NAME, 0o644, 0, 0, len(records), 0, b"x", b"", b"", b""))
            self.put(records)
            self.put(b"\x00" * (-len(records) % _BLOCK))
        self.put(
            _header(
                name, mode, uid, gid, size, mtime, typeflag, linkname, uname, gname,
                devmajor, devminor,
            )
        )  # fmt: skip

    def data(self, path: str, size: int) -> None:
        """Copy exactly ``size`` bytes of the file at ``path`` (padded to a block)."""
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except OSError as exc:
            raise OSError(f"Can not read file in context: {path}") from exc
        try:
            if size == 0:
                return
            if size < _BIG:
                data = os.read(fd, size)
                while len(data) < size:
                    more = os.read(fd, size - len(data))
                    if not more:
                        break
                    data += more
                if len(data) != size:
                    raise OSError(f"Can not read file in context: {path} (it changed size)")
                self.put(data)
            else:
                self.flush()
                left = size
                while left:
                    chunk = os.read(fd, min(left, _BIG))
                    if not chunk:
                        raise OSError(f"Can not read file in context: {path} (it changed size)")
                    self.out.write(chunk)
                    left -= len(chunk)
        except OSError as exc:
            if str(exc).startswith("Can not read file in context"):
                raise
            raise OSError(f"Can not read file in context: {path}") from exc
        finally:
            os.close(fd)
        if size % _BLOCK:
            self.put(b"\x00" * (_BLOCK - size % _BLOCK))

    def add_path(self, full: str, arcname: str, st: os.stat_result | None = None) -> None:
        """Add the file system object at ``full`` (not following a symbolic link)."""
        if st is None:
            st = os.lstat(full)
        mode = st.st_mode
        name = arcname.encode("utf-8", "surrogateescape")
        uid, gid = st.st_uid, st.st_gid
        mtime = int(st.st_mtime)
        perm = mode & 0o7777
        if _stat.S_ISREG(mode):
            size = st.st_size
            if (
                st.st_nlink == 1
                and len(name) <= 100
                and size < _BIG
                and 0 <= mtime <= _MAX_OCTAL_12
                and name.isascii()
            ):
                tail = self.regular_tail(uid, gid)
                if tail is not None:
                    # The common case, inlined: one header block, the content, the padding.
                    try:
                        fd = os.open(full, _O_READ)
                    except OSError as exc:
                        raise OSError(f"Can not read file in context: {full}") from exc
                    try:
                        data = os.read(fd, size) if size else b""
                        while len(data) < size:
                            more = os.read(fd, size - len(data))
                            if not more:
                                raise OSError(
                                    f"Can not read file in context: {full} (it changed size)"
                                )
                            data += more
                    except OSError as exc:
                        if str(exc).startswith("Can not read file in context"):
                            raise
                        raise OSError(f"Can not read file in context: {full}") from exc
                    finally:
                        os.close(fd)
                    head = name.ljust(100, b"\x00") + _NUMBERS % (perm, uid, gid, size, mtime)
                    checksum = (zlib.adler32(head) & 0xFFFF) - 1 + tail[1]
                    buf = self.buf
                    buf += head
                    buf += b"%06o\x00 " % checksum
                    buf += tail[0]
                    buf += data
                    if size % _BLOCK:
                        buf += _ZEROS[: _BLOCK - size % _BLOCK]
                    if len(buf) >= _FLUSH:
                        self.flush()
                    return
        uname, gname = self.uname(uid), self.gname(gid)
        if _stat.S_ISREG(mode):
            key = (st.st_ino, st.st_dev)
            if st.st_nlink > 1 and key in self.inodes and self.inodes[key] != name:
                self.member(name, perm, uid, gid, 0, mtime, b"1", self.inodes[key], uname, gname)
                return
            if st.st_nlink > 1 and st.st_ino:
                self.inodes[key] = name
            self.member(name, perm, uid, gid, st.st_size, mtime, b"0", b"", uname, gname)
            self.data(full, st.st_size)
        elif _stat.S_ISDIR(mode):
            if not name.endswith(b"/"):
                name += b"/"
            self.member(name, perm, uid, gid, 0, mtime, b"5", b"", uname, gname)
        elif _stat.S_ISLNK(mode):
            target = os.fsencode(os.readlink(full))
            self.member(name, perm, uid, gid, 0, mtime, b"2", target, uname, gname)
        elif _stat.S_ISFIFO(mode):
            self.member(name, perm, uid, gid, 0, mtime, b"6", b"", uname, gname)
        elif _stat.S_ISCHR(mode) or _stat.S_ISBLK(mode):
            flag = b"3" if _stat.S_ISCHR(mode) else b"4"
            self.member(
                name, perm, uid, gid, 0, mtime, flag, b"", uname, gname,
                os.major(st.st_rdev), os.minor(st.st_rdev),
            )  # fmt: skip
        # sockets (and anything else) cannot go into a tar: skipped, as tarfile does

    def add_bytes(self, arcname: str, content: bytes, mode: int = 0o644, mtime: int = 0) -> None:
        """Add a regular file with ``content``."""
        self.member(os.fsencode(arcname), mode, 0, 0, len(content), mtime, b"0")
        self.put(content)
        if len(content) % _BLOCK:
            self.put(b"\x00" * (_BLOCK - len(content) % _BLOCK))

    def finish(self) -> None:
        self.put(b"\x00" * (2 * _BLOCK))
        self.flush()


def _open_output(fileobj: IO[bytes] | None, gzip: bool) -> tuple[IO[bytes], Any]:
    """``(file handed back, stream the tar is written to)``."""
    import tempfile

    target: IO[bytes] = fileobj if fileobj is not None else tempfile.TemporaryFile()  # noqa: SIM115
    if gzip:
        import gzip as _gzip

        return target, _gzip.GzipFile(fileobj=target, mode="wb", compresslevel=6, mtime=0)
    return target, target


def _finish_output(target: IO[bytes], stream: Any, writer: _TarWriter) -> IO[bytes]:
    writer.finish()
    if stream is not target:
        stream.close()
    target.seek(0)
    return target


def _encode_extra(content: str | bytes) -> bytes:
    if isinstance(content, bytes):
        return content
    return content.encode("utf-8", "surrogateescape")


def create_archive(
    root: str,
    files: Iterable[str] | None = None,
    fileobj: IO[bytes] | None = None,
    gzip: bool = False,
    extra_files: Sequence[tuple[str, str | bytes]] | None = None,
) -> IO[bytes]:
    """Write a tar of ``files`` (paths relative to ``root``; default: everything under it).

    Regular files get their content, directories, symbolic links, fifos and devices headers
    only; sockets are skipped.  ``extra_files`` are ``(name, content)`` pairs added as regular
    files (mode 0644, mtime 0); they replace context files of the same name.  The tar goes to
    ``fileobj`` (default: an unnamed temporary file), gzip-compressed with ``gzip``; the file is
    returned at offset 0.  A file that cannot be read raises
    ``OSError('Can not read file in context: <path>')``.
    """
    root = os.path.abspath(root)
    if files is None:
        files = build_file_list(root)
    extras = {name: _encode_extra(content) for name, content in extra_files or ()}
    target, stream = _open_output(fileobj, gzip)
    try:
        writer = _TarWriter(stream)
        for path in files:
            if path in extras:
                continue
            full = os.path.join(root, path)
            try:
                st = os.lstat(full)
            except OSError as exc:
                raise OSError(f"Can not read file in context: {full}") from exc
            writer.add_path(full, path, st)
        for name, content in extras.items():
            writer.add_bytes(name, content)
        return _finish_output(target, stream, writer)
    except BaseException:
        if fileobj is None:
            target.close()
        raise


def tar(
    path: str,
    exclude: Sequence[str] | None = None,
    dockerfile: tuple[str | None, str | None] | str | None = None,
    fileobj: IO[bytes] | None = None,
    gzip: bool = False,
) -> IO[bytes]:
    """The build context of the directory ``path`` as a tar file (at offset 0).

    ``exclude`` are ``.dockerignore`` patterns; ``dockerfile`` is the ``(name, content)`` pair
    of :func:`docker.api.build.process_dockerfile` (or just a name).  When ``content`` is set
    (a Dockerfile outside the context) it is added as ``name``, and ``.dockerignore`` gets
    ``name`` appended so that the daemon drops it from the context again, as the CLI does.
    """
    root = os.path.abspath(path)
    if isinstance(dockerfile, str) or dockerfile is None:
        name, content = dockerfile, None
    else:
        name, content = dockerfile
    extras: dict[str, bytes] = {}
    if content is not None and name:
        ignore_path = os.path.join(root, ".dockerignore")
        if os.path.isfile(ignore_path):
            with open(ignore_path, "rb") as f:
                ignore = f.read() + b"\n" + os.fsencode(name) + b"\n"
        else:
            ignore = "\n".join([*(exclude or [".dockerignore"]), name]).encode()
        extras[".dockerignore"] = ignore
        extras[name] = _encode_extra(content)
    if (
        name is None
        and not os.path.lexists(os.path.join(root, "Dockerfile"))
        and os.path.lexists(os.path.join(root, "dockerfile"))
    ):
        name = "dockerfile"  # the daemon (and the CLI) fall back to it
    matcher = _context_matcher(list(exclude or []), name, keep_dockerfile=content is None)
    target, stream = _open_output(fileobj, gzip)
    try:
        writer = _TarWriter(stream)
        for rel, entry in _walk_kept(root, matcher):
            if rel in extras:
                if rel == ".dockerignore":
                    st = entry.stat(follow_symlinks=False)
                    writer.add_bytes(rel, extras.pop(rel), _stat.S_IMODE(st.st_mode), 0)
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError as exc:
                raise OSError(f"Can not read file in context: {entry.path}") from exc
            writer.add_path(entry.path, rel, st)
        for extra_name, data in extras.items():
            writer.add_bytes(extra_name, data, 0o600 if extra_name == name else 0o644)
        return _finish_output(target, stream, writer)
    except BaseException:
        if fileobj is None:
            target.close()
        raise


def mkbuildcontext(dockerfile: Any) -> IO[bytes]:
    """A tar (in a temporary file, at offset 0) holding one member, ``Dockerfile``.

    ``dockerfile`` is a binary file object (``io.BytesIO`` or a real file).
    """
    import tarfile
    import tempfile

    f = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        with tarfile.open(mode="w", fileobj=f) as t:
            if isinstance(dockerfile, io.StringIO):
                raise TypeError(
                    "Please use io.BytesIO to create in-memory Dockerfiles with Python 3"
                )
            if isinstance(dockerfile, io.BytesIO):
                info = tarfile.TarInfo("Dockerfile")
                info.size = len(dockerfile.getvalue())
                dockerfile.seek(0)
            else:
                info = t.gettarinfo(fileobj=dockerfile, arcname="Dockerfile")
            t.addfile(info, dockerfile)
        f.seek(0)
        return f
    except BaseException:
        f.close()
        raise
