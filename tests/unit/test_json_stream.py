"""Tests for docker.utils.json_stream: the splitters, the generators and JSONStreamDecoder."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import docker.utils.json_stream as js
from docker.errors import DockerException, StreamParseError
from docker.utils.json_stream import (
    JSONStreamDecoder,
    json_splitter,
    json_stream,
    line_splitter,
    split_buffer,
    stream_as_text,
)

# ----------------------------------------------------------------------------------------------
# helpers


def feed_all(chunks: list[bytes] | list[str]) -> list[Any]:
    decoder = JSONStreamDecoder()
    out: list[Any] = []
    for chunk in chunks:
        out += decoder.feed(chunk)
    out += decoder.close()
    return out


def cut(data: bytes, points: list[int]) -> list[bytes]:
    bounds = [0, *sorted(set(points)), len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds) if b > a]


def reference(text: str) -> tuple[list[Any], bool]:
    """One-shot decoding with the stdlib: the values before the first failure, and a flag."""
    decoder = json.JSONDecoder()
    values: list[Any] = []
    text = text.strip()
    while text:
        try:
            value, end = decoder.raw_decode(text)
        except ValueError:
            return values, True
        values.append(value)
        text = text[end:].strip()
    return values, False


def chunked(chunks: list[bytes]) -> tuple[list[Any], bool]:
    values: list[Any] = []
    try:
        for value in json_stream(iter(chunks)):
            values.append(value)
    except StreamParseError:
        return values, True
    return values, False


# ----------------------------------------------------------------------------------------------
# original helpers


def test_stream_as_text_decodes_bytes_and_keeps_str() -> None:
    assert list(stream_as_text([b"ab", "cd", b"\xc3\xa9"])) == ["ab", "cd", "é"]


def test_stream_as_text_joins_a_character_split_between_chunks() -> None:
    euro = "€".encode()
    assert "".join(stream_as_text([euro[:1], euro[1:2], euro[2:] + b"x"])) == "€x"


def test_stream_as_text_replaces_invalid_bytes() -> None:
    assert "".join(stream_as_text([b"a\xffb"])) == "a\ufffdb"


def test_json_splitter() -> None:
    assert json_splitter('  {"a": 1}  \n {"b"') == ({"a": 1}, '{"b"')
    assert json_splitter('{"a": 1}') == ({"a": 1}, "")
    assert json_splitter('{"a": ') is None
    assert json_splitter("") is None
    assert json_splitter("[1, 2][3]") == ([1, 2], "[3]")


def test_line_splitter() -> None:
    assert line_splitter("abc\ndef") == ("abc\n", "def")
    assert line_splitter("abc") is None
    assert line_splitter("a\r\nb", "\r\n") == ("a\r\n", "b")
    assert line_splitter("\n") == ("\n", "")


def test_split_buffer_lines_default() -> None:
    assert list(split_buffer([b"a\nb", b"c\n", b"d"])) == ["a\n", "bc\n", "d"]


def test_split_buffer_lines_remainder_goes_through_decoder() -> None:
    assert list(split_buffer(["x\n", "42"], None, int)) == ["x\n", 42]


def test_split_buffer_lines_decoder_failure_is_stream_parse_error() -> None:
    with pytest.raises(StreamParseError):
        list(split_buffer(["x\n", "nope"], line_splitter, int))


def test_split_buffer_long_line_across_many_chunks() -> None:
    chunks = ["a" * 10] * 1000 + ["\n", "b"]
    assert list(split_buffer(chunks)) == ["a" * 10000 + "\n", "b"]


def test_split_buffer_with_json_splitter_and_identity_decoder_yields_remainder() -> None:
    # As in the original: the undecodable tail is handed to the decoder (identity here).
    assert list(split_buffer(['{"a":1}{"b"', ":2}{"], json_splitter)) == [{"a": 1}, {"b": 2}, "{"]


def test_split_buffer_with_custom_splitter() -> None:
    def comma(buffer: str) -> tuple[str, str] | None:
        head, sep, tail = buffer.partition(",")
        return (head, tail) if sep else None

    assert list(split_buffer(["a,b", ",c"], comma)) == ["a", "b", "c"]


def test_split_buffer_ignores_whitespace_only_remainder() -> None:
    # Gap A11: a final whitespace chunk used to reach json.loads and fail.
    assert list(split_buffer([b'{"a": 1}', b"\n"], json_splitter, json.loads)) == [{"a": 1}]


# ----------------------------------------------------------------------------------------------
# json_stream


def test_json_stream_packed_objects() -> None:
    assert list(json_stream([b'{"a": 1}{"b": 2}'])) == [{"a": 1}, {"b": 2}]


def test_json_stream_newline_separated_objects_split_across_chunks() -> None:
    data = b'{"status": "a"}\r\n{"status": "b"}\r\n'
    assert list(json_stream([data[:5], data[5:20], data[20:]])) == [
        {"status": "a"},
        {"status": "b"},
    ]


def test_json_stream_whitespace_tail_is_ignored() -> None:
    # Gap A11.
    assert list(json_stream([b'{"a": 1}', b"\n"])) == [{"a": 1}]
    assert list(json_stream([b'{"a": 1}', b" \r\n\t "])) == [{"a": 1}]
    assert list(json_stream([b"  \n"])) == []
    assert list(json_stream([])) == []


def test_json_stream_str_chunks() -> None:
    assert list(json_stream(['{"a"', ": [1, 2]}"])) == [{"a": [1, 2]}]


def test_json_stream_truncated_value_raises() -> None:
    with pytest.raises(StreamParseError) as info:
        list(json_stream([b'{"a": 1}\n{"b": ']))
    assert not isinstance(info.value, DockerException)
    assert isinstance(info.value, RuntimeError)


def test_json_stream_malformed_value_yields_what_came_before() -> None:
    got: list[Any] = []
    with pytest.raises(StreamParseError):
        for value in json_stream([b'{"a": 1}\n{"b": x}', b'{"c": 2}']):
            got.append(value)
    assert got == [{"a": 1}]


def test_json_stream_scalar_tail_is_decoded_at_the_end() -> None:
    assert list(json_stream([b"1 2", b"3"])) == [1, 23]


# ----------------------------------------------------------------------------------------------
# JSONStreamDecoder


def test_decoder_byte_by_byte_mixed_values() -> None:
    data = (
        '{"a": 1}{"b": [1, 2, {"c": "x\\"}"}]}\r\n  "str\\\\" 12 true null [] '
        '"é€😀" 3.5e2 -0.25 {"nested": {"deep": [[[]]]}} false'
    ).encode()
    expected = [
        {"a": 1},
        {"b": [1, 2, {"c": 'x"}'}]},
        "str\\",
        12,
        True,
        None,
        [],
        "é€😀",
        350.0,
        -0.25,
        {"nested": {"deep": [[[]]]}},
        False,
    ]
    assert feed_all([data[i : i + 1] for i in range(len(data))]) == expected
    assert feed_all([data]) == expected


def test_decoder_returns_values_as_soon_as_complete() -> None:
    decoder = JSONStreamDecoder()
    assert decoder.feed(b'{"a": ') == []
    assert decoder.pending
    assert decoder.feed(b'1}{"b"') == [{"a": 1}]
    assert decoder.feed(b": 2}\n") == [{"b": 2}]
    assert not decoder.pending
    assert decoder.close() == []


def test_decoder_holds_trailing_number_until_delimiter() -> None:
    decoder = JSONStreamDecoder()
    assert decoder.feed("12") == []
    assert decoder.feed("3") == []
    assert decoder.feed(".5 ") == [123.5]
    assert decoder.feed("7") == []
    assert decoder.close() == [7]


def test_decoder_literal_split() -> None:
    assert feed_all(["tr", "ue", " n", "ull"]) == [True, None]


def test_decoder_escape_split_at_backslash() -> None:
    assert feed_all(['{"k": "a\\', '"b"}']) == [{"k": 'a"b'}]
    assert feed_all(['"a\\', '\\"']) == ["a\\"]
    assert feed_all(['["\\', "u00e9", '"]']) == [["é"]]


def test_decoder_brackets_inside_strings_do_not_count() -> None:
    assert feed_all(['{"a": "}]', '[{"}', '{"b": 1}']) == [{"a": "}][{"}, {"b": 1}]


def test_decoder_multibyte_split_inside_character() -> None:
    data = json.dumps({"k": "é€😀"}, ensure_ascii=False).encode()
    assert feed_all([data[i : i + 1] for i in range(len(data))]) == [{"k": "é€😀"}]


def test_decoder_incomplete_value_at_close_raises() -> None:
    decoder = JSONStreamDecoder()
    decoder.feed(b'{"a": [1, 2')
    with pytest.raises(StreamParseError):
        decoder.close()
    # The decoder is reusable afterwards.
    assert decoder.feed(b"[1]") == [[1]]
    assert decoder.close() == []


def test_decoder_truncated_multibyte_at_close_raises() -> None:
    decoder = JSONStreamDecoder()
    assert decoder.feed(b'"\xe2\x82') == []
    with pytest.raises(StreamParseError):
        decoder.close()


def test_decoder_malformed_without_values_raises_at_once() -> None:
    decoder = JSONStreamDecoder()
    with pytest.raises(StreamParseError):
        decoder.feed(b'{"a": nope}')


def test_decoder_malformed_after_values_is_raised_by_next_call() -> None:
    decoder = JSONStreamDecoder()
    assert decoder.feed(b'{"a": 1} ]') == [{"a": 1}]
    with pytest.raises(StreamParseError):
        decoder.feed(b"{}")
    with pytest.raises(StreamParseError):
        decoder.close()


def test_decoder_malformed_completed_later_raises() -> None:
    decoder = JSONStreamDecoder()
    assert decoder.feed(b'{"a": ') == []
    with pytest.raises(StreamParseError):
        decoder.feed(b"x}")


def test_decoder_garbage_scalar_raises() -> None:
    with pytest.raises(StreamParseError):
        feed_all([b"hello world"])
    with pytest.raises(StreamParseError):
        feed_all([b"}"])


def test_decoder_whitespace_only() -> None:
    assert feed_all([b" \r\n", b"\t"]) == []


def test_decoder_decodes_each_value_once_whatever_the_chunking(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Linear time (gap C2): one big value fed in many chunks is handed to the JSON scanner a
    # bounded number of times, not once per chunk.
    calls: list[int] = []
    real = js._scan_once

    def counting(text: str, pos: int) -> tuple[Any, int]:
        calls.append(len(text) - pos)
        return real(text, pos)

    monkeypatch.setattr(js, "_scan_once", counting)
    big = {"items": [{"id": i, "name": f"n{i}", "tags": ["a", "b"]} for i in range(20000)]}
    data = json.dumps(big).encode()
    chunks = [data[i : i + 4096] for i in range(0, len(data), 4096)]
    assert len(chunks) > 100
    assert feed_all(chunks) == [big]
    assert len(calls) <= 2
    assert sum(calls) <= 2 * len(data)


def test_decoder_many_small_values_scanned_once_each(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = js._scan_once

    def counting(text: str, pos: int) -> tuple[Any, int]:
        calls.append(pos)
        return real(text, pos)

    monkeypatch.setattr(js, "_scan_once", counting)
    objs = [{"status": "Downloading", "id": i} for i in range(5000)]
    data = "".join(json.dumps(o) + "\r\n" for o in objs).encode()
    chunks = [data[i : i + 1000] for i in range(0, len(data), 1000)]
    assert feed_all(chunks) == objs
    # One call per object, plus at most one failed attempt per chunk boundary.
    assert len(calls) <= len(objs) + 2 * len(chunks)


# ----------------------------------------------------------------------------------------------
# property tests

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(
            st.text(alphabet=st.characters(codec="utf-8"), max_size=8), children, max_size=5
        )
    ),
    max_leaves=20,
)
whitespace = st.text(alphabet=" \t\r\n", max_size=4)


@st.composite
def serialised_streams(draw: st.DrawFn) -> tuple[list[Any], bytes]:
    values = draw(st.lists(json_values, max_size=8))
    pieces = [draw(whitespace)]
    previous = ""
    for value in values:
        text = json.dumps(value, ensure_ascii=draw(st.booleans()))
        gap = draw(whitespace)
        # Two numbers written back to back would read as one: keep them apart.
        if previous[-1:].isdigit() and text[:1].isdigit() and not gap:
            gap = " "
        if pieces[-1] or previous:
            pieces.append(gap)
        pieces.append(text)
        previous = text
    pieces.append(draw(whitespace))
    return values, "".join(pieces).encode()


_DELIMITERS = frozenset(b' \t\r\n{}[]",:')


def ready_offsets(values: list[Any], encoded: bytes) -> list[int]:
    """How many bytes must have been fed before each value can be returned by feed().

    A container or string is ready once its last byte is in; a number or literal only once
    a delimiter follows the run of non-delimiters it ends (so its extent is certain).
    """
    decoder = json.JSONDecoder()
    text = encoded.decode()
    offsets: list[int] = []
    pos = 0
    for value in values:
        while text[pos].isspace():
            pos += 1
        parsed, end = decoder.raw_decode(text, pos)
        assert parsed == value
        ready = len(text[:end].encode())
        if not isinstance(value, (dict, list, str)):
            while ready < len(encoded) and encoded[ready] not in _DELIMITERS:
                ready += 1
            ready += 1  # the delimiter itself must have arrived
        offsets.append(max([ready, *offsets]))
        pos = end
    return offsets


@given(serialised_streams(), st.data())
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_property_any_split_decodes_to_the_same_values(
    stream: tuple[list[Any], bytes], data: st.DataObject
) -> None:
    values, encoded = stream
    points = data.draw(st.lists(st.integers(min_value=0, max_value=len(encoded)), max_size=12))
    chunks = cut(encoded, points)
    assert feed_all(chunks) == values
    assert list(json_stream(iter(chunks))) == values


@given(serialised_streams(), st.data())
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_property_values_are_returned_as_soon_as_complete(
    stream: tuple[list[Any], bytes], data: st.DataObject
) -> None:
    values, encoded = stream
    ready = ready_offsets(values, encoded)
    points = data.draw(st.lists(st.integers(min_value=0, max_value=len(encoded)), max_size=12))
    decoder = JSONStreamDecoder()
    got: list[Any] = []
    fed = 0
    for chunk in cut(encoded, points):
        got += decoder.feed(chunk)
        fed += len(chunk)
        assert got == values[: sum(1 for r in ready if r <= fed)]
    assert got + decoder.close() == values


@given(serialised_streams())
@settings(max_examples=100)
def test_property_byte_by_byte(stream: tuple[list[Any], bytes]) -> None:
    values, encoded = stream
    ready = ready_offsets(values, encoded)
    decoder = JSONStreamDecoder()
    got: list[Any] = []
    for fed in range(1, len(encoded) + 1):
        got += decoder.feed(encoded[fed - 1 : fed])
        assert len(got) == sum(1 for r in ready if r <= fed)
    assert got + decoder.close() == values


@given(
    st.lists(
        st.dictionaries(st.text(max_size=5), json_scalars, max_size=4) | st.lists(json_scalars),
        min_size=1,
        max_size=5,
    ),
    st.integers(min_value=1, max_value=50),
    st.data(),
)
def test_property_truncated_container_raises(
    values: list[Any], drop: int, data: st.DataObject
) -> None:
    encoded = "\n".join(json.dumps(v) for v in values).encode()
    last = json.dumps(values[-1]).encode()
    drop = min(drop, len(last) - 1)  # cut inside the last value, never all of it
    truncated = encoded[:-drop]
    points = data.draw(st.lists(st.integers(min_value=0, max_value=len(truncated)), max_size=6))
    with pytest.raises(StreamParseError):
        feed_all(cut(truncated, points))


@given(
    st.text(alphabet='{}[]",: \n\\0123456789-.eEtrunlfasé', max_size=40),
    st.data(),
)
@settings(max_examples=500)
def test_property_matches_one_shot_decoding_even_for_garbage(
    text: str, data: st.DataObject
) -> None:
    encoded = text.encode()
    points = data.draw(st.lists(st.integers(min_value=0, max_value=len(encoded)), max_size=8))
    assert chunked(cut(encoded, points)) == reference(text)
