"""Tests for docker._core.frames: the multiplexed-stream and TTY push decoders, and collect."""

from __future__ import annotations

import itertools
import struct
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docker._core.frames import FrameDecoder, TTYDecoder, collect
from docker.errors import ProtocolError, TransportError


def frame(stream: int, payload: bytes) -> bytes:
    return struct.pack(">BxxxL", stream, len(payload)) + payload


def cut(data: bytes, points: list[int]) -> list[bytes]:
    bounds = [0, *sorted(set(points)), len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds) if b > a]


def decode(chunks: list[bytes], demux: bool) -> list[Any]:
    decoder = FrameDecoder(demux=demux)
    out: list[Any] = []
    for chunk in chunks:
        out.extend(decoder.feed(chunk))
    out.extend(decoder.close())
    return out


def bytewise(data: bytes) -> list[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


STREAM = frame(1, b"out1\n") + frame(2, b"err1\n") + frame(1, b"out2\n") + frame(2, b"err2\n")

# ----------------------------------------------------------------------------------------------
# table tests


@pytest.mark.parametrize(
    ("data", "plain", "demuxed"),
    [
        pytest.param(b"", [], [], id="empty stream"),
        pytest.param(
            STREAM,
            [b"out1\n", b"err1\n", b"out2\n", b"err2\n"],
            [(b"out1\n", None), (None, b"err1\n"), (b"out2\n", None), (None, b"err2\n")],
            id="interleaved",
        ),
        pytest.param(
            frame(1, b"") + frame(2, b"x") + frame(2, b"") + frame(1, b""),
            [b"x"],
            [(None, b"x")],
            id="zero-length frames skipped",
        ),
        pytest.param(frame(0, b"in"), [b"in"], [(b"in", None)], id="stdin counts as stdout"),
        pytest.param(
            frame(1, b"\x00" * 9 + b"\x02\x00\x00\x00"),
            [b"\x00" * 9 + b"\x02\x00\x00\x00"],
            [(b"\x00" * 9 + b"\x02\x00\x00\x00", None)],
            id="payload that looks like a header",
        ),
    ],
)
@pytest.mark.parametrize("split", ["whole", "bytewise"])
def test_table(data: bytes, plain: list[bytes], demuxed: list[Any], split: str) -> None:
    chunks = [data] if split == "whole" else bytewise(data)
    got_plain = decode(chunks, demux=False)
    got_demux = decode(chunks, demux=True)
    if split == "whole":
        assert got_plain == plain
        assert got_demux == demuxed
    # Split arbitrarily, pieces may be finer but join to the same per-frame content.
    assert b"".join(got_plain) == b"".join(plain)
    assert collect(got_demux, True) == collect(demuxed, True)
    assert all(got_plain)


def test_frame_split_over_feeds_gives_pieces_as_they_arrive() -> None:
    data = frame(2, b"abcdef")
    decoder = FrameDecoder(demux=True)
    assert decoder.feed(data[:3]) == []  # inside the header
    assert decoder.feed(data[3:10]) == [(None, b"ab")]
    assert decoder.feed(data[10:12]) == [(None, b"cd")]
    assert decoder.feed(data[12:]) == [(None, b"ef")]
    assert decoder.close() == []


def test_large_frame_is_not_buffered() -> None:
    payload = bytes(range(256)) * 4096  # 1 MiB
    data = frame(1, payload)
    decoder = FrameDecoder()
    first = decoder.feed(data[:65536])
    assert first == [payload[: 65536 - 8]]
    # A chunk made only of payload is passed on as it is (no copy).
    chunk = data[65536 : 2 * 65536]
    second = decoder.feed(chunk)
    assert second == [chunk]
    assert second[0] is chunk


def test_frames_and_header_split_in_one_feed() -> None:
    data = STREAM + frame(1, b"tail")
    decoder = FrameDecoder()
    cut_at = len(STREAM) + 5  # inside the last header
    assert decoder.feed(data[:cut_at]) == [b"out1\n", b"err1\n", b"out2\n", b"err2\n"]
    assert decoder.feed(data[cut_at:]) == [b"tail"]


def test_bytearray_and_memoryview_input_give_bytes() -> None:
    for chunk in (bytearray(STREAM), memoryview(STREAM)):
        items = FrameDecoder().feed(chunk)  # type: ignore[arg-type]
        assert items == [b"out1\n", b"err1\n", b"out2\n", b"err2\n"]
        assert all(type(item) is bytes for item in items)


@pytest.mark.parametrize("stream_id", [3, 4, 255])
def test_invalid_stream_id(stream_id: int) -> None:
    decoder = FrameDecoder()
    with pytest.raises(ProtocolError, match=f"invalid stream id {stream_id}.*TTY"):
        decoder.feed(frame(1, b"ok") + frame(stream_id, b"bad"))


def test_invalid_stream_id_in_split_header() -> None:
    decoder = FrameDecoder(demux=True)
    data = frame(7, b"x")
    assert decoder.feed(data[:2]) == []
    with pytest.raises(ProtocolError, match="invalid stream id 7"):
        decoder.feed(data[2:])


def test_tty_output_read_as_frames_is_refused() -> None:
    with pytest.raises(ProtocolError, match="TTY"):
        FrameDecoder().feed(b"hello world, I am a terminal\n")


@pytest.mark.parametrize("have", range(1, 8))
def test_truncated_header(have: int) -> None:
    decoder = FrameDecoder()
    assert decoder.feed(frame(1, b"a") + frame(2, b"b")[:have]) == [b"a"]
    with pytest.raises(ProtocolError, match=f"truncated multiplexed stream: {have} of 8 header"):
        decoder.close()


def test_truncated_payload() -> None:
    decoder = FrameDecoder(demux=True)
    assert decoder.feed(frame(1, b"0123456789")[:12]) == [(b"0123", None)]
    with pytest.raises(ProtocolError, match="4 of 10 payload bytes") as info:
        decoder.close()
    assert isinstance(info.value, TransportError)


def test_truncated_right_after_header() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(frame(1, b"xyz")[:8]) == []
    with pytest.raises(ProtocolError, match="0 of 3 payload bytes"):
        decoder.close()


def test_empty_feed_is_harmless() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(b"") == []
    assert decoder.feed(frame(1, b"x")[:4]) == []
    assert decoder.feed(b"") == []
    assert decoder.feed(frame(1, b"x")[4:]) == [b"x"]
    assert decoder.close() == []


def test_stream_ids_mode() -> None:
    decoder = FrameDecoder._with_stream_ids()
    assert decoder.feed(frame(0, b"i") + frame(2, b"e") + frame(1, b"o")) == [
        (0, b"i"),
        (2, b"e"),
        (1, b"o"),
    ]


def test_tty_decoder() -> None:
    plain, demux = TTYDecoder(), TTYDecoder(demux=True)
    assert plain.feed(b"raw \x01\x00 bytes") == [b"raw \x01\x00 bytes"]
    assert demux.feed(b"abc") == [(b"abc", None)]
    assert plain.feed(b"") == [] and demux.feed(b"") == []
    assert plain.feed(bytearray(b"ba")) == [b"ba"]  # type: ignore[arg-type]
    assert type(plain.feed(bytearray(b"ba"))[0]) is bytes  # type: ignore[arg-type]
    assert plain.close() == [] and demux.close() == []


def test_collect() -> None:
    assert collect([]) == b""
    assert collect([b"a", b"b"], False) == b"ab"
    assert collect([], True) == (None, None)
    assert collect([(b"a", None), (None, b"x"), (b"b", None)], True) == (b"ab", b"x")
    assert collect([(b"a", None)], True) == (b"a", None)
    assert collect([(None, b"e")], True) == (None, b"e")
    assert collect([(b"", None), (None, b"")], True) == (None, None)
    assert collect(iter([(b"o", b"e")]), True) == (b"o", b"e")


# ----------------------------------------------------------------------------------------------
# properties

frames_st = st.lists(st.tuples(st.sampled_from([1, 2]), st.binary(max_size=300)), max_size=20)


@st.composite
def split_stream(draw: st.DrawFn) -> tuple[list[tuple[int, bytes]], list[bytes]]:
    frames = draw(frames_st)
    data = b"".join(frame(sid, payload) for sid, payload in frames)
    points = draw(st.lists(st.integers(0, len(data)), max_size=30))
    return frames, cut(data, points)


@settings(max_examples=300, deadline=None)
@given(split_stream())
def test_property_plain(case: tuple[list[tuple[int, bytes]], list[bytes]]) -> None:
    frames, chunks = case
    items = decode(chunks, demux=False)
    assert all(type(item) is bytes and item for item in items)
    assert b"".join(items) == b"".join(payload for _, payload in frames)
    assert collect(items) == b"".join(payload for _, payload in frames)


@settings(max_examples=300, deadline=None)
@given(split_stream())
def test_property_demux(case: tuple[list[tuple[int, bytes]], list[bytes]]) -> None:
    frames, chunks = case
    items = decode(chunks, demux=True)
    for out, err in items:
        assert (out is None) != (err is None)
        assert out or err
    stdout = b"".join(out for out, _ in items if out is not None)
    stderr = b"".join(err for _, err in items if err is not None)
    assert stdout == b"".join(p for sid, p in frames if sid == 1)
    assert stderr == b"".join(p for sid, p in frames if sid == 2)
    assert collect(items, True) == (stdout or None, stderr or None)


@settings(max_examples=200, deadline=None)
@given(split_stream())
def test_property_items_follow_frames(case: tuple[list[tuple[int, bytes]], list[bytes]]) -> None:
    # Pieces never straddle frames: regrouping consecutive same-frame pieces gives the frames.
    frames, chunks = case
    expected = [(sid, p) for sid, p in frames if p]
    decoder = FrameDecoder._with_stream_ids()
    got: list[tuple[int, bytes]] = []
    for chunk in chunks:
        got.extend(decoder.feed(chunk))
    assert decoder.close() == []
    rebuilt: list[tuple[int, bytes]] = []
    pos = 0
    for sid, payload in expected:
        acc = b""
        while len(acc) < len(payload):
            got_sid, piece = got[pos]
            assert got_sid == sid
            acc += piece
            pos += 1
        rebuilt.append((sid, acc))
    assert pos == len(got)
    assert rebuilt == expected


@settings(max_examples=200, deadline=None)
@given(split_stream(), st.data())
def test_property_truncation_is_reported(
    case: tuple[list[tuple[int, bytes]], list[bytes]], data: st.DataObject
) -> None:
    frames, chunks = case
    whole = b"".join(chunks)
    boundaries = {0}
    pos = 0
    for _, payload in frames:
        pos += 8 + len(payload)
        boundaries.add(pos)
    end = data.draw(st.integers(0, len(whole)))
    decoder = FrameDecoder()
    for chunk in cut(whole[:end], [end // 2]):
        decoder.feed(chunk)
    if end in boundaries:
        assert decoder.close() == []
    else:
        with pytest.raises(ProtocolError, match="truncated multiplexed stream"):
            decoder.close()
