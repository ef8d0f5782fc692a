"""Replace one generated section of a markdown file, between its markers.

    python benchmarks/_splice.py docs/performance.md daemon section.md

puts the contents of ``section.md`` between ``<!-- bench:daemon:start -->`` and
``<!-- bench:daemon:end -->`` in ``docs/performance.md``, leaving everything else as it was.
When the markers are missing, the section is appended at the end with its markers, so each
benchmark (daemon, streams, build contexts, ...) owns a section of its own.
"""

from __future__ import annotations

import sys
from pathlib import Path


def splice(document: str, name: str, body: str) -> str:
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    i = document.find(start)
    j = document.find(end, i + len(start)) if i >= 0 else -1
    if i < 0 or j < 0:
        return document.rstrip("\n") + "\n\n" + block + "\n"
    return document[:i] + block + document[j + len(end) :]


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: _splice.py DOCUMENT NAME SECTION_FILE", file=sys.stderr)
        return 2
    doc_path, name, section_path = Path(argv[0]), argv[1], Path(argv[2])
    document = doc_path.read_text(encoding="utf-8") if doc_path.exists() else ""
    body = section_path.read_text(encoding="utf-8")
    doc_path.write_text(splice(document, name, body), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
