"""The sans-IO HTTP core: request heads, chunked bodies, the response parser, query encoding."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docker._core.http import (
    ResponseParser,
    encode_chunk,
    encode_request_head,
    format_header_block,
)
from docker._core.message import Request, encode_query, quote_path_arg
from docker.errors import ProtocolError


def test_request_head_get_and_post() -> None:
    block = format_header_block("localhost", {"User-Agent": "x"})
    head = encode_request_head("GET", "/v1.41/info", block, 0)
    assert head == b"GET /v1.41/info HTTP/1.1\r\nHost: localhost\r\nUser-Agent: x\r\n\r\n"
    head = encode_request_head("POST", "/auth", format_header_block("localhost", {}), 0)
    assert b"Content-Length: 0\r\n" in head
    head = encode_request_head("POST", "/build", format_header_block("h:1", {}), None)
    assert b"Transfer-Encoding: chunked\r\n" in head and b"Host: h:1\r\n" in head


def test_header_injection_refused() -> None:
    with pytest.raises(ValueError, match="line break"):
        format_header_block("localhost", {"X": "a\r\nEvil: 1"})


def test_chunks() -> None:
    assert encode_chunk(b"hello") == b"5\r\nhello\r\n"
    assert encode_chunk(b"x" * 255)[:4] == b"ff\r\n"
    assert encode_chunk(b"") == b"0\r\n\r\n"


@pytest.mark.parametrize(
    ("params", "query"),
    [
        ({"a": None, "b": 1}, "b=1"),
        ({"all": True, "size": False}, "all=True&size=False"),
        ({"t": ["x", "y"]}, "t=x&t=y"),
        ({"filters": '{"label": ["a=b"]}'}, "filters=%7B%22label%22%3A+%5B%22a%3Db%22%5D%7D"),
        ({"limit": -1}, "limit=-1"),
    ],
)
def test_query_encoding(params: dict[str, object], query: str) -> None:
    assert encode_query(params) == query


def test_request_target_and_path_quoting() -> None:
    assert quote_path_arg("a b?#/:x") == "a%20b%3F%23/:x"
    req = Request("GET", "/containers/json", params={"all": 1})
    assert req.target("1.41") == "/v1.41/containers/json?all=1"
    assert Request("GET", "/version", versioned=False).target("1.41") == "/version"
    assert Request("GET", "/x", params={"a": None}).target(None) == "/x"


RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Dup: 1\r\nX-Dup: 2\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n"
    b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
)


@given(st.lists(st.integers(min_value=1, max_value=len(RESPONSE) - 1), max_size=8))
def test_parser_any_split(cuts: list[int]) -> None:
    """However the bytes are split, the parser yields the same response."""
    parser = ResponseParser()
    points = sorted(set(cuts))
    pieces = [RESPONSE[a:b] for a, b in zip([0, *points], [*points, len(RESPONSE)], strict=True)]
    for piece in pieces:
        parser.feed(piece)
    assert parser.message_complete and parser.keep_alive
    assert parser.status_code == 200 and parser.reason == "OK"
    assert parser.headers["content-type"] == "application/json"
    assert parser.headers["X-DUP"] == "1, 2"
    assert b"".join(parser.take_body()) == b"hello world"


def test_parser_reuse_and_eof_delimited_body() -> None:
    parser = ResponseParser()
    parser.feed(b"HTTP/1.1 204 No Content\r\n\r\n")
    assert parser.message_complete and parser.keep_alive
    parser.reset()
    parser.feed(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nraw until eof")
    assert not parser.message_complete
    parser.feed_eof()
    assert parser.message_complete and not parser.keep_alive
    assert parser.take_body() == [b"raw until eof"]


def test_parser_upgrade_keeps_tail() -> None:
    parser = ResponseParser()
    parser.feed(
        b"HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n\x01\x00\x00\x00"
    )
    assert parser.upgraded and parser.status_code == 101
    assert parser.tail == b"\x01\x00\x00\x00"
    assert not parser.keep_alive


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "middle of the response body"),
        (b"HTTP/1.1 200", "complete response head"),
        (b"", "complete response head"),
    ],
)
def test_parser_truncated(data: bytes, message: str) -> None:
    parser = ResponseParser()
    if data:
        parser.feed(data)
    with pytest.raises(ProtocolError, match=message):
        parser.feed_eof()


def test_parser_garbage() -> None:
    with pytest.raises(ProtocolError, match="not valid HTTP"):
        ResponseParser().feed(b"\x00\x01garbage\r\n\r\n")
