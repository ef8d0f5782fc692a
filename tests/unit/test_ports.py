"""Tests for docker.utils.ports (``-p`` style port specifications, behaviour.md 10.1)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from docker.types import HostConfig
from docker.utils.ports import (
    PORT_SPEC,
    add_port,
    add_port_mapping,
    build_port_bindings,
    port_range,
    split_port,
)
from docker.utils.utils import convert_port_bindings


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("80", (["80"], None)),
        (80, (["80"], None)),
        ("80/udp", (["80/udp"], None)),
        ("80/tcp", (["80/tcp"], None)),
        ("132/sctp", (["132/sctp"], None)),
        ("8080:80", (["80"], ["8080"])),
        ("8080:80/udp", (["80/udp"], ["8080"])),
        ("127.0.0.1::80", (["80"], [("127.0.0.1", None)])),
        ("127.0.0.1:8080:80", (["80"], [("127.0.0.1", "8080")])),
        ("0.0.0.0:8080:80/udp", (["80/udp"], [("0.0.0.0", "8080")])),
        ("[::1]:8080:80", (["80"], [("::1", "8080")])),
        ("[fe80::1]::80", (["80"], [("fe80::1", None)])),
        ("::1:8080:80", (["80"], [("::1", "8080")])),
        ("80-82", (["80", "81", "82"], None)),
        ("80-81/udp", (["80/udp", "81/udp"], None)),
        (
            "8000-8002:9000-9002",
            (["9000", "9001", "9002"], ["8000", "8001", "8002"]),
        ),
        ("8000-8010:80", (["80"], ["8000-8010"])),
        ("127.0.0.1:8000-8010:80", (["80"], [("127.0.0.1", "8000-8010")])),
        (
            "127.0.0.1:8000-8001:80-81/udp",
            (["80/udp", "81/udp"], [("127.0.0.1", "8000"), ("127.0.0.1", "8001")]),
        ),
        ("127.0.0.1::80-81", (["80", "81"], [("127.0.0.1", None), ("127.0.0.1", None)])),
        (":80", (["80"], None)),
    ],
)
def test_split_port(spec: Any, expected: tuple[list[str], list[Any] | None]) -> None:
    assert split_port(spec) == expected


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "abc",
        "80/foo",
        "80:",
        "host:8080:80",
        "1.2.3.4:80:abc",
        "80-",
        "-80",
        "[::1:80",
        "localhost:8080:80",
    ],
)
def test_split_port_bad_format(spec: str) -> None:
    with pytest.raises(ValueError, match=r"^Invalid port \".*\", should be \[\[host_ip:\]"):
        split_port(spec)
    assert PORT_SPEC.match(spec) is None


@pytest.mark.parametrize(
    "spec", ["8000-8001:80-82", "8000-8002:80-81", "8080:80-81", "127.0.0.1:1-2:3-5"]
)
def test_split_port_range_mismatch(spec: str) -> None:
    with pytest.raises(ValueError, match=r"^Port ranges don't match in length$"):
        split_port(spec)


def test_split_port_reversed_range() -> None:
    with pytest.raises(ValueError, match="end is before the start"):
        split_port("90-80")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("80", None, ""), ["80"]),
        (("80", None, "/udp"), ["80/udp"]),
        (("80", "82", "/tcp"), ["80/tcp", "81/tcp", "82/tcp"]),
        (("80", "82", "", True), ["80-82"]),
        (("80", "80", ""), ["80"]),
        (("", None, ""), None),
        ((None, "5", ""), None),
    ],
)
def test_port_range(args: tuple[Any, ...], expected: list[str] | None) -> None:
    assert port_range(*args) == expected


def test_add_port_and_mapping() -> None:
    bindings: dict[str, list[Any]] = {}
    add_port_mapping(bindings, "80", "8080")
    add_port_mapping(bindings, "80", ("127.0.0.1", "8081"))
    add_port(bindings, ["81", "82"], None)
    add_port(bindings, ["83", "84"], ["9083", "9084"])
    assert bindings == {
        "80": ["8080", ("127.0.0.1", "8081")],
        "81": [None],
        "82": [None],
        "83": ["9083"],
        "84": ["9084"],
    }


def test_build_port_bindings() -> None:
    assert build_port_bindings([]) == {}
    assert build_port_bindings(["80", "8080:80", "127.0.0.1:8081:80", "53/udp"]) == {
        "80": [None, "8080", ("127.0.0.1", "8081")],
        "53/udp": [None],
    }
    assert build_port_bindings(["9000-9001:80-81", "127.0.0.1::82"]) == {
        "80": ["9000"],
        "81": ["9001"],
        "82": [("127.0.0.1", None)],
    }


def test_build_port_bindings_feeds_host_config() -> None:
    bindings = build_port_bindings(["8080:80", "127.0.0.1::443", "53/udp"])
    assert HostConfig(version="1.45", port_bindings=bindings)["PortBindings"] == {
        "80/tcp": [{"HostIp": "", "HostPort": "8080"}],
        "443/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}],
        "53/udp": [{"HostIp": "", "HostPort": ""}],
    }


# --------------------------------------------------------------------------------------------
# properties

ports = st.integers(min_value=1, max_value=65535)
protos = st.sampled_from(["", "/tcp", "/udp", "/sctp"])
ipv4 = st.tuples(*[st.integers(0, 255)] * 4).map(lambda t: ".".join(map(str, t)))
ipv6 = st.sampled_from(["::1", "fe80::1", "2001:db8::42", "::"])


@st.composite
def port_specs(draw: st.DrawFn) -> tuple[str, list[str], list[Any] | None]:
    """A random spec with the result split_port must give for it."""
    length = draw(st.integers(min_value=1, max_value=4))
    start = draw(st.integers(min_value=1, max_value=65535 - length))
    proto = draw(protos)
    internal = [f"{p}{proto}" for p in range(start, start + length)]
    spec_int = f"{start}-{start + length - 1}" if length > 1 else str(start)
    spec_int += proto

    host_kind = draw(st.sampled_from(["none", "port", "ip", "ip6"]))
    if host_kind == "none":
        return spec_int, internal, None
    ext_start = draw(st.integers(min_value=1, max_value=65535 - length))
    external: list[Any] = [str(p) for p in range(ext_start, ext_start + length)]
    spec_ext = f"{ext_start}-{ext_start + length - 1}" if length > 1 else str(ext_start)
    if host_kind == "port":
        return f"{spec_ext}:{spec_int}", internal, external
    ip = draw(ipv4 if host_kind == "ip" else ipv6)
    shown = ip if host_kind == "ip" else f"[{ip}]"
    if draw(st.booleans()):
        return f"{shown}::{spec_int}", internal, [(ip, None)] * length
    return f"{shown}:{spec_ext}:{spec_int}", internal, [(ip, p) for p in external]


@given(port_specs())
def test_split_port_property(case: tuple[str, list[str], list[Any] | None]) -> None:
    spec, internal, external = case
    assert split_port(spec) == (internal, external)


@given(st.lists(port_specs(), max_size=6))
def test_build_port_bindings_round_trip(cases: list[tuple[str, list[str], Any]]) -> None:
    bindings = build_port_bindings([spec for spec, _, _ in cases])
    expected: dict[str, list[Any]] = {}
    for _, internal, external in cases:
        for i, port in enumerate(internal):
            expected.setdefault(port, []).append(None if external is None else external[i])
    assert bindings == expected

    # ...and the Engine's PortBindings made from it carry the same host sides.  ("1" and
    # "1/tcp" name the same Engine port; which spelling wins is not this test's business.)
    keys = [port if "/" in port else f"{port}/tcp" for port in bindings]
    assume(len(keys) == len(set(keys)))
    engine = convert_port_bindings(bindings)
    for port, sides in bindings.items():
        key = port if "/" in port else f"{port}/tcp"
        want = []
        for side in sides:
            if side is None:
                want.append({"HostIp": "", "HostPort": ""})
            elif isinstance(side, tuple):
                want.append({"HostIp": side[0], "HostPort": side[1] or ""})
            else:
                want.append({"HostIp": "", "HostPort": side})
        assert engine[key] == want


@given(ports, st.integers(min_value=0, max_value=50), protos)
def test_port_range_property(start: int, extra: int, proto: str) -> None:
    result = port_range(str(start), str(start + extra), proto)
    assert result is not None
    assert len(result) == extra + 1
    assert all(item.endswith(proto) for item in result)
    assert [int(item.split("/")[0]) for item in result] == list(range(start, start + extra + 1))
