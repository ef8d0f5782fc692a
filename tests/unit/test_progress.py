"""docker.utils.progress: plain lines, the live (ANSI) display and errors, on recorded streams."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest

import docker
from docker.errors import APIError
from docker.utils._progress import ProgressRenderer, _size

A, B, C = "8ec398bc0356", "5e3b7ee77381", "c4a4e7e5a3d2"
MB = 1_000_000


def _dl(layer: str, current: int, total: int, status: str = "Downloading") -> dict[str, Any]:
    filled = current * 50 // total
    bar = "[" + "=" * filled + ">" + " " * (49 - filled) + "]"
    return {
        "status": status,
        "progressDetail": {"current": current, "total": total},
        "progress": f"{bar}  {current / MB:.3g}MB/{total / MB:.3g}MB",
        "id": layer,
    }


def _st(layer: str, status: str) -> dict[str, Any]:
    return {"status": status, "progressDetail": {}, "id": layer}


#: A pull of three layers, as Engine 20.10 sends it: the layers' events interleave.
PULL: list[dict[str, Any]] = [
    {"status": "Pulling from library/demo", "id": "latest"},
    _st(A, "Pulling fs layer"),
    _st(B, "Pulling fs layer"),
    _st(C, "Pulling fs layer"),
    _st(C, "Waiting"),
    _dl(A, 300_000, 2_800_000),
    _dl(B, 40_000, 120_000),
    _dl(A, 1_200_000, 2_800_000),
    _dl(B, 120_000, 120_000),
    _st(B, "Verifying Checksum"),
    _st(B, "Download complete"),
    _dl(A, 2_800_000, 2_800_000),
    _st(A, "Verifying Checksum"),
    _st(A, "Download complete"),
    _dl(C, 500, 1_000),
    _dl(A, 32_768, 2_800_000, "Extracting"),
    _dl(C, 1_000, 1_000),
    _st(C, "Download complete"),
    _dl(A, 2_800_000, 2_800_000, "Extracting"),
    _st(A, "Pull complete"),
    _dl(B, 120_000, 120_000, "Extracting"),
    _st(B, "Pull complete"),
    _dl(C, 1_000, 1_000, "Extracting"),
    _st(C, "Pull complete"),
    {"status": "Digest: sha256:" + "ab" * 32},
    {"status": "Status: Downloaded newer image for demo:latest"},
]

PULL_PLAIN = f"""\
latest: Pulling from library/demo
{A}: Pulling fs layer
{B}: Pulling fs layer
{C}: Pulling fs layer
{C}: Waiting
{A}: Downloading
{B}: Downloading
{B}: Verifying Checksum
{B}: Download complete
{A}: Verifying Checksum
{A}: Download complete
{C}: Downloading
{A}: Extracting
{C}: Download complete
{A}: Pull complete
{B}: Extracting
{B}: Pull complete
{C}: Extracting
{C}: Pull complete
Digest: sha256:{"ab" * 32}
Status: Downloaded newer image for demo:latest
"""

#: A push: preparing, waiting, pushing, then the digest line and an aux item.
PUSH: list[dict[str, Any]] = [
    {"status": "The push refers to repository [127.0.0.1:5001/demo]"},
    _st(A, "Preparing"),
    _st(B, "Preparing"),
    _st(B, "Waiting"),
    _dl(A, 512, 2_800_000, "Pushing"),
    _dl(A, 2_800_000, 2_800_000, "Pushing"),
    _st(B, "Layer already exists"),
    _st(A, "Pushed"),
    {"status": "latest: digest: sha256:" + "cd" * 32 + " size: 527"},
    {"progressDetail": {}, "aux": {"Tag": "latest", "Digest": "sha256:" + "cd" * 32, "Size": 527}},
]

#: A classic build whose FROM pulls a layer.
BUILD: list[dict[str, Any]] = [
    {"stream": "Step 1/3 : FROM demo"},
    {"stream": "\n"},
    {"status": "Pulling from library/demo", "id": "latest"},
    _st(A, "Pulling fs layer"),
    _dl(A, 1_400_000, 2_800_000),
    _st(A, "Pull complete"),
    {"status": "Status: Downloaded newer image for demo:latest"},
    {"stream": " ---> 4ce0ac0b8e4a\n"},
    {"stream": "Step 2/3 : RUN echo hi\n"},
    {"stream": " ---> Running in 0f2d3c4b5a69\n"},
    {"stream": "hi\n"},
    {"stream": "Removing intermediate container 0f2d3c4b5a69\n"},
    {"stream": " ---> 1a2b3c4d5e6f\n"},
    {"stream": "Step 3/3 : LABEL x=y\n"},
    {"aux": {"ID": "sha256:" + "ef" * 32}},
    {"stream": "Successfully built 1a2b3c4d5e6f\n"},
]

ERROR_TAIL: list[dict[str, Any]] = [
    {"status": "Pulling from library/demo", "id": "latest"},
    _st(A, "Pulling fs layer"),
    _dl(A, 100, 2_800_000),
    {
        "errorDetail": {"message": "unexpected EOF"},
        "error": "unexpected EOF",
    },
]


def _plain(events: Any) -> tuple[str, list[Any]]:
    out = io.StringIO()
    passed = list(docker.utils.progress(events, file=out, tty=False))
    return out.getvalue(), passed


def _live(events: Any, width: int | None = None) -> str:
    out = io.StringIO()
    renderer = ProgressRenderer(out, tty=True, width=width)
    for event in events:
        renderer.render(event)
    renderer.finish()
    return out.getvalue()


_TOKEN = re.compile(r"\x1b\[(\d*)([A-Za-z])|\r|\n|[^\x1b\r\n]+")


def screen(output: str) -> list[str]:
    """What a terminal shows after ``output``: cursor up/down, clear line, CR and LF only."""
    lines: list[str] = [""]
    row = col = 0
    pos = 0
    while pos < len(output):
        m = _TOKEN.match(output, pos)
        assert m is not None, f"unexpected escape at {output[pos : pos + 10]!r}"
        pos = m.end()
        text = m.group(0)
        if m.group(2) is not None:
            n, op = int(m.group(1) or 1), m.group(2)
            if op == "A":
                row = max(0, row - n)
            elif op == "B":
                row += n
                assert row < len(lines), "cursor moved below the output"
            elif op == "K":
                assert m.group(1) == "2", f"unexpected erase {text!r}"
                lines[row] = ""
            else:
                raise AssertionError(f"unexpected escape {text!r}")
        elif text == "\r":
            col = 0
        elif text == "\n":
            row, col = row + 1, 0
            if row == len(lines):
                lines.append("")
        else:
            line = lines[row].ljust(col)
            lines[row] = line[:col] + text + line[col + len(text) :]
            col += len(text)
    if lines[-1] == "":
        lines.pop()
    return lines


# --------------------------------------------------------------------------- plain lines


def test_pull_plain_lines_one_per_status_change() -> None:
    text, passed = _plain(PULL)
    assert text == PULL_PLAIN
    assert "\x1b" not in text
    assert passed == PULL
    assert all(a is b for a, b in zip(passed, PULL, strict=True))


def test_push_plain_lines_skip_aux() -> None:
    text, passed = _plain(PUSH)
    assert text == (
        "The push refers to repository [127.0.0.1:5001/demo]\n"
        f"{A}: Preparing\n{B}: Preparing\n{B}: Waiting\n{A}: Pushing\n"
        f"{B}: Layer already exists\n{A}: Pushed\n"
        f"latest: digest: sha256:{'cd' * 32} size: 527\n"
    )
    assert passed == PUSH


def test_build_plain_output() -> None:
    text, passed = _plain(BUILD)
    assert text == (
        "Step 1/3 : FROM demo\n"
        "latest: Pulling from library/demo\n"
        f"{A}: Pulling fs layer\n{A}: Downloading\n{A}: Pull complete\n"
        "Status: Downloaded newer image for demo:latest\n"
        " ---> 4ce0ac0b8e4a\n"
        "Step 2/3 : RUN echo hi\n"
        " ---> Running in 0f2d3c4b5a69\n"
        "hi\n"
        "Removing intermediate container 0f2d3c4b5a69\n"
        " ---> 1a2b3c4d5e6f\n"
        "Step 3/3 : LABEL x=y\n"
        "Successfully built 1a2b3c4d5e6f\n"
    )
    assert passed == BUILD


def test_unfinished_stream_line_is_ended() -> None:
    text, _ = _plain([{"stream": "no newline"}, _st(A, "Waiting"), {"stream": "tail"}])
    assert text == f"no newline\n{A}: Waiting\ntail\n"


def test_a_non_layer_line_starts_a_new_block() -> None:
    # pull --all-tags: the same layer id in a second block is shown again
    events = [_st(A, "Already exists"), {"status": "Digest: x"}, _st(A, "Already exists")]
    text, _ = _plain(events)
    assert text == f"{A}: Already exists\nDigest: x\n{A}: Already exists\n"


def test_raw_chunks_are_decoded_and_passed_through() -> None:
    data = "".join(json.dumps(e) + "\r\n" for e in PULL).encode()
    chunks = [data[i : i + 7] for i in range(0, len(data), 7)]
    text, passed = _plain(iter(chunks))
    assert text == PULL_PLAIN
    assert passed == chunks
    str_text, str_passed = _plain([data.decode()])
    assert str_text == PULL_PLAIN
    assert str_passed == [data.decode()]


def test_default_file_is_stdout_and_not_a_tty(capsys: pytest.CaptureFixture[str]) -> None:
    assert list(docker.utils.progress(PUSH[:2])) == PUSH[:2]
    assert (
        capsys.readouterr().out
        == f"The push refers to repository [127.0.0.1:5001/demo]\n{A}: Preparing\n"
    )


def test_tty_detected_from_the_file() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    list(docker.utils.progress(PULL, file=out))
    assert "\x1b[" in out.getvalue()


# --------------------------------------------------------------------------- live display


def test_pull_live_screen_shows_one_line_per_layer() -> None:
    output = _live(PULL)
    assert screen(output) == [
        "latest: Pulling from library/demo",
        f"{A}: Pull complete",
        f"{B}: Pull complete",
        f"{C}: Pull complete",
        f"Digest: sha256:{'ab' * 32}",
        "Status: Downloaded newer image for demo:latest",
    ]


def test_live_screen_mid_pull_shows_progress_bars() -> None:
    cut = PULL.index(_dl(A, 32_768, 2_800_000, "Extracting")) + 1
    lines = screen(_live(PULL[:cut]))
    assert lines[0] == "latest: Pulling from library/demo"
    assert lines[1] == f"{A}: Extracting {PULL[cut - 1]['progress']}"
    assert lines[2] == f"{B}: Download complete"
    assert lines[3] == f"{C}: Downloading {PULL[cut - 2]['progress']}"
    assert len(lines) == 4


def test_push_live_screen() -> None:
    assert screen(_live(PUSH)) == [
        "The push refers to repository [127.0.0.1:5001/demo]",
        f"{A}: Pushed",
        f"{B}: Layer already exists",
        f"latest: digest: sha256:{'cd' * 32} size: 527",
    ]


def test_build_live_screen() -> None:
    lines = screen(_live(BUILD))
    assert lines[:4] == [
        "Step 1/3 : FROM demo",
        "latest: Pulling from library/demo",
        f"{A}: Pull complete",
        "Status: Downloaded newer image for demo:latest",
    ]
    assert lines[-1] == "Successfully built 1a2b3c4d5e6f"
    assert len(lines) == 12


def test_live_lines_are_cut_to_the_terminal_width() -> None:
    lines = screen(_live(PULL[:7], width=40))
    assert all(len(line) < 40 for line in lines)
    assert lines[1].startswith(f"{A}: Downloading [")


def test_progress_detail_without_a_bar() -> None:
    event = {
        "status": "Downloading",
        "progressDetail": {"current": 1_500_000, "total": 3e6},
        "id": A,
    }
    assert screen(_live([event])) == [f"{A}: Downloading 1.5MB/3MB"]
    event = {"status": "Loading layer", "progressDetail": {"current": 2048}, "id": A}
    assert screen(_live([event])) == [f"{A}: Loading layer 2.05kB"]


def test_size_units() -> None:
    assert [_size(n) for n in (0, 999, 1000, 2_500_000, 7.2e9, 3e12)] == [
        "0B",
        "999B",
        "1kB",
        "2.5MB",
        "7.2GB",
        "3TB",
    ]


# --------------------------------------------------------------------------- errors


def test_error_is_rendered_then_raised() -> None:
    out = io.StringIO()
    seen: list[Any] = []
    with pytest.raises(APIError) as info:
        for event in docker.utils.progress(ERROR_TAIL, file=out, tty=False):
            seen.append(event)
    assert info.value.explanation == "unexpected EOF"
    assert "unexpected EOF" in str(info.value)
    assert info.value.status_code is None
    assert seen == ERROR_TAIL[:-1]
    assert out.getvalue() == (
        f"latest: Pulling from library/demo\n{A}: Pulling fs layer\n{A}: Downloading\n"
        "ERROR: unexpected EOF\n"
    )


def test_error_live_and_from_raw_chunks() -> None:
    out = io.StringIO()
    data = b"".join(json.dumps(e).encode() + b"\r\n" for e in ERROR_TAIL)
    with pytest.raises(APIError, match="unexpected EOF"):
        list(docker.utils.progress([data], file=out, tty=True))
    assert screen(out.getvalue()) == [
        "latest: Pulling from library/demo",
        f"{A}: Downloading {ERROR_TAIL[2]['progress']}",
        "ERROR: unexpected EOF",
    ]


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"error": "denied"}, "denied"),
        ({"errorDetail": {"code": 1, "message": "no such image"}}, "no such image"),
        ({"errorDetail": "weird"}, "weird"),
    ],
)
def test_error_shapes(event: dict[str, Any], message: str) -> None:
    with pytest.raises(APIError) as info:
        _plain([event])
    assert info.value.explanation == message


def test_malformed_raw_stream_raises() -> None:
    from docker.errors import StreamParseError

    with pytest.raises(StreamParseError):
        _plain([b'{"status": "x"}\r\n{"status": '])
