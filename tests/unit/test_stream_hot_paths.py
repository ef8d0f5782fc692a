"""The fast paths of the stream decoders give the same results as the general paths.

* ``JSONStreamDecoder.feed`` decodes a piece that is exactly one JSON message ending in a
  newline (the daemon's progress framing: one HTTP chunk per message) with one scanner call;
* ``ResponseParser`` collects body pieces through a C callback (``list.append``);
* ``FrameDecoder.feed`` takes a chunk that is exactly one whole frame (logs: one HTTP chunk per
  line) in one step.
"""

from __future__ import annotations

import itertools
import json
import struct
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docker._core.frames import FrameDecoder, collect
from docker._core.http import ResponseParser
from docker.errors import ProtocolError, StreamParseError
from docker.utils.json_stream import JSONStreamDecoder, json_stream

# ---------------------------------------------------------------------------------- JSON


def message(value: Any) -> bytes:
    """A value as dockerd frames it: compact JSON, ``>`` escaped, then CRLF."""
    text = json.dumps(value, separators=(",", ":")).replace(">", "\\u003e")
    return (text + "\r\n").encode()


PROGRESS = [
    {"status": "Pulling from library/alpine", "id": "3.10"},
    {"status": "Pulling fs layer", "progressDetail": {}, "id": "396c31837116"},
    {
        "status": "Downloading",
        "progressDetail": {"current": 69180, "total": 4001427},
        "progress": "[=>      ]  69.18kB/4.001MB",
        "id": "396c31837116",
    },
    {"stream": " ---> f1b9002d7ee9\n"},
    {"status": "Digest: sha256:" + "e6" * 32},
]


def test_one_message_per_piece_gives_one_value_per_piece() -> None:
    decoder = JSONStreamDecoder()
    for value in PROGRESS:
        assert decoder.feed(message(value)) == [value]
    assert decoder.close() == []
    assert not decoder.pending


def test_one_message_per_piece_through_json_stream() -> None:
    assert list(json_stream(iter([message(v) for v in PROGRESS]))) == PROGRESS


def test_message_ending_in_a_bare_newline_and_non_ascii_text() -> None:
    decoder = JSONStreamDecoder()
    assert decoder.feed('{"status":"déjà vu €"}\n'.encode()) == [{"status": "déjà vu €"}]


def test_character_split_before_a_piece_ending_in_a_newline() -> None:
    data = '{"status":"€"}\r\n'.encode()
    split = data.index(b"\xe2") + 1  # inside the euro sign
    decoder = JSONStreamDecoder()
    assert decoder.feed(data[:split]) == []
    assert decoder.feed(data[split:]) == [{"status": "€"}]
    # and the decoder goes back to the fast path afterwards
    assert decoder.feed(b'{"a":1}\r\n') == [{"a": 1}]


def test_invalid_utf8_in_a_single_piece_is_replaced() -> None:
    assert JSONStreamDecoder().feed(b'{"status":"a\xffb"}\r\n') == [{"status": "a\ufffdb"}]


@pytest.mark.parametrize(
    ("pieces", "values"),
    [
        ([b'{"a":1}\r\n{"b":2}\r\n'], [{"a": 1}, {"b": 2}]),  # two messages in one piece
        ([b'{"a":1}{"b":2}\n'], [{"a": 1}, {"b": 2}]),  # packed
        ([b'  {"a":1}\r\n'], [{"a": 1}]),  # leading blanks
        ([b"12\r\n"], [12]),  # a top-level scalar with its delimiter
        ([b"tr", b"ue\r\n"], [True]),  # a scalar finished by a piece ending in a newline
        ([b'{"a":', b'"x"}\r\n'], [{"a": "x"}]),  # a value finished by such a piece
        ([bytearray(b'{"a":1}\r\n'), memoryview(b'{"b":2}\r\n')], [{"a": 1}, {"b": 2}]),
        (['{"a":1}\r\n', '{"b":2}\n'], [{"a": 1}, {"b": 2}]),  # text pieces
    ],
)
def test_pieces_ending_in_a_newline_that_are_not_one_message(
    pieces: list[Any], values: list[Any]
) -> None:
    decoder = JSONStreamDecoder()
    out: list[Any] = []
    for piece in pieces:
        out += decoder.feed(piece)
    assert out + decoder.close() == values


def test_malformed_message_raises_and_keeps_raising() -> None:
    decoder = JSONStreamDecoder()
    with pytest.raises(StreamParseError):
        decoder.feed(b'{"a":}\r\n')
    decoder = JSONStreamDecoder()
    assert decoder.feed(b'{"a":1}\r\n{"b":}\r\n') == [{"a": 1}]
    with pytest.raises(StreamParseError):
        decoder.feed(b'{"c":3}\r\n')


@pytest.mark.parametrize(
    ("data", "first"),
    [
        (b"0,0\n", 0),  # two values on a line, separated by a comma
        (b'0,0\n{"a":1\n"b":2}\n', 0),  # and a value over two lines: as many values as lines
        (b"[0],[0]\n[[1]\n[2]]\n", [0]),
    ],
)
def test_lines_that_are_not_one_value_each_raise_after_the_first_value(
    data: bytes, first: Any
) -> None:
    decoder = JSONStreamDecoder()
    assert decoder.feed(data) == [first]
    with pytest.raises(StreamParseError):
        decoder.close()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.dictionaries(
            st.text(max_size=5),
            st.one_of(st.integers(), st.text(max_size=8), st.none(), st.booleans()),
            max_size=3,
        ),
        max_size=8,
    ),
    st.lists(st.integers(min_value=0, max_value=400), max_size=6),
)
def test_any_split_of_daemon_framed_messages(values: list[Any], cuts: list[int]) -> None:
    data = b"".join(message(v) for v in values)
    bounds = [0, *sorted({c % (len(data) + 1) for c in cuts}), len(data)]
    decoder = JSONStreamDecoder()
    out: list[Any] = []
    for a, b in itertools.pairwise(bounds):
        out += decoder.feed(data[a:b])
    assert out + decoder.close() == values


# ---------------------------------------------------------------------------------- HTTP


def chunked_response(pieces: list[bytes]) -> bytes:
    body = b"".join(b"%x\r\n%b\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"
    return b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body


def test_parser_collects_each_chunk_and_counts_the_body() -> None:
    pieces = [message(v) for v in PROGRESS]
    wire = chunked_response(pieces)
    parser = ResponseParser()
    head_end = wire.index(b"\r\n\r\n") + 4
    parser.feed(wire[:head_end])
    assert parser.headers_complete and parser.body_pending == 0
    parser.feed(wire[head_end : head_end + 100])
    first = parser.take_body()
    assert parser.body_pending == 0
    parser.feed(wire[head_end + 100 :])
    assert parser.body_pending == sum(map(len, pieces)) - sum(map(len, first))
    rest = parser.take_body()
    assert b"".join(first + rest) == b"".join(pieces)
    assert parser.body_size == sum(map(len, pieces))
    assert parser.message_complete and parser.keep_alive
    assert parser.take_body() == []


def test_parser_keeps_collecting_after_reset() -> None:
    parser = ResponseParser()
    for round_ in range(3):
        parser.reset()
        pieces = [b"x" * (round_ + 1), b"y" * 5]
        parser.feed(chunked_response(pieces))
        assert parser.take_body() == pieces
        assert parser.body_size == round_ + 6


def test_parser_reports_the_body_received_when_cut() -> None:
    parser = ResponseParser()
    parser.feed(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345")
    parser.take_body()
    parser.feed(b"67")
    with pytest.raises(ProtocolError, match=r"\(7 bytes received\)"):
        parser.feed_eof()


# ---------------------------------------------------------------------------------- frames


def frame(stream: int, payload: bytes) -> bytes:
    return struct.pack(">BxxxL", stream, len(payload)) + payload


@pytest.mark.parametrize(
    ("demux", "expected"),
    [(False, [b"out", b"err"]), (True, [(b"out", None), (None, b"err")])],
)
def test_chunks_of_exactly_one_frame(demux: bool, expected: list[Any]) -> None:
    decoder = FrameDecoder(demux=demux)
    assert decoder.feed(frame(1, b"out")) == expected[:1]
    assert decoder.feed(frame(2, b"err")) == expected[1:]
    assert decoder.close() == []


def test_chunk_of_one_frame_with_stream_ids_and_stdin() -> None:
    decoder = FrameDecoder._with_stream_ids()
    assert decoder.feed(frame(2, b"e")) == [(2, b"e")]
    assert FrameDecoder(demux=True).feed(frame(0, b"in")) == [(b"in", None)]


def test_chunk_of_one_frame_after_a_cut_header_or_payload() -> None:
    decoder = FrameDecoder()
    whole = frame(1, b"abc")
    assert decoder.feed(whole[:3]) == []
    assert decoder.feed(whole[3:]) == [b"abc"]
    # A payload whose rest looks like one whole frame is still payload.
    inner = frame(1, b"abc")
    outer = frame(2, inner)
    assert decoder.feed(outer[:8]) == []
    assert decoder.feed(outer[8:]) == [inner]
    assert decoder.feed(frame(1, b"x")) == [b"x"]
    assert decoder.close() == []


def test_chunk_of_one_frame_with_a_bad_stream_id_raises() -> None:
    with pytest.raises(ProtocolError, match="invalid stream id 7"):
        FrameDecoder().feed(frame(7, b"tty output"))


def test_collect_of_one_frame_chunks() -> None:
    decoder = FrameDecoder(demux=True)
    items = [item for i in range(50) for item in decoder.feed(frame(1 + i % 2, b"%d," % i))]
    out, err = collect(items, demux=True)
    assert out == b"".join(b"%d," % i for i in range(0, 50, 2))
    assert err == b"".join(b"%d," % i for i in range(1, 50, 2))
