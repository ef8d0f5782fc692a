"""How ``containers.run``/``create`` keywords are split (pure functions, no engine)."""

from __future__ import annotations

from typing import Any

import pytest

from docker.models.containers import (
    RUN_CREATE_KWARGS,
    RUN_HOST_CONFIG_KWARGS,
    ExecResult,
    _create_container_args,
    _host_volume_from_bind,
)


def _args(**kwargs: Any) -> dict[str, Any]:
    return _create_container_args({"image": "alpine", "command": None, "version": "1.41", **kwargs})


def test_plain_keywords_are_copied() -> None:
    out = _args(name="x", labels={"a": "b"}, tty=True, mem_limit="64m", auto_remove=True)
    assert out["name"] == "x"
    assert out["labels"] == {"a": "b"}
    assert out["tty"] is True
    assert out["image"] == "alpine"
    assert out["host_config"]["Memory"] == 64 * 1024 * 1024
    assert out["host_config"]["AutoRemove"] is True
    assert "ports" not in out and "volumes" not in out and "networking_config" not in out


def test_ports_go_to_both_places() -> None:
    out = _args(ports={"80/tcp": 8080, "53/udp": None, 22: ("127.0.0.1", 2222)})
    assert out["ports"] == [("22", "tcp"), ("53", "udp"), ("80", "tcp")]
    bindings = out["host_config"]["PortBindings"]
    assert bindings["80/tcp"] == [{"HostIp": "", "HostPort": "8080"}]
    assert bindings["22/tcp"] == [{"HostIp": "127.0.0.1", "HostPort": "2222"}]


def test_volumes_dict_and_list() -> None:
    out = _args(volumes={"/host": {"bind": "/ctr", "mode": "ro"}})
    assert out["volumes"] == ["/ctr"]
    assert out["host_config"]["Binds"] == ["/host:/ctr:ro"]
    out = _args(volumes=["/a:/b", "vol:/c:ro"])
    assert out["volumes"] == ["/b", "/c"]
    assert out["host_config"]["Binds"] == ["/a:/b", "vol:/c:ro"]


def test_network() -> None:
    out = _args(network="net")
    assert out["networking_config"] == {"net": None}  # gap B3, kept
    assert out["host_config"]["NetworkMode"] == "net"
    config = {"net": {"Aliases": ["a"]}, "other": {}}
    out = _args(network="net", networking_config=config)
    assert out["networking_config"] == {"EndpointsConfig": config}
    out = _args(network="net", networking_config={"other": {}})
    assert "networking_config" not in out
    out = _args(networking_config={"net": {}})
    assert "networking_config" not in out


def test_unknown_keywords() -> None:
    with pytest.raises(TypeError, match=r"^run\(\) got an unexpected keyword argument 'foo'$"):
        _args(foo=1)
    with pytest.raises(TypeError, match=r"^run\(\) got unexpected keyword arguments 'a', 'b'$"):
        _args(b=1, a=2)
    for key in ("stdout", "stderr", "remove", "stream"):
        with pytest.raises(TypeError):
            _args(**{key: True})


def test_caller_dict_is_not_modified() -> None:
    kwargs = {"image": "alpine", "version": "1.41", "name": "x", "ports": {80: 80}}
    _create_container_args(kwargs)
    assert kwargs == {"image": "alpine", "version": "1.41", "name": "x", "ports": {80: 80}}


def test_kwarg_lists() -> None:
    assert len(RUN_CREATE_KWARGS) == 19
    assert len(RUN_HOST_CONFIG_KWARGS) == 63
    assert "version" in RUN_HOST_CONFIG_KWARGS
    assert not set(RUN_CREATE_KWARGS) & set(RUN_HOST_CONFIG_KWARGS)


@pytest.mark.parametrize(
    ("bind", "expected"),
    [
        ("/a", "/a"),
        ("/a:/b", "/b"),
        ("/a:/b:ro", "/b"),
        ("/a:/b:rw", "/b"),
        ("/a:ro", "/a"),
        ("vol:/x:ro,z", "/x:ro,z"),  # gap B4, kept
        ("C:\\data:/b", "/b"),
        ("C:\\data", "C:\\data"),
    ],
)
def test_host_volume_from_bind(bind: str, expected: str) -> None:
    assert _host_volume_from_bind(bind) == expected


def test_exec_result() -> None:
    result = ExecResult(0, b"x")
    assert (result.exit_code, result.output) == (0, b"x")
    assert tuple(result) == (0, b"x")
    assert repr(result) == "ExecResult(exit_code=0, output=b'x')"
