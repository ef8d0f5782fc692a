"""Tests for docker.utils.utils and docker.utils.proxy."""

from __future__ import annotations

import base64
import inspect
import json
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import docker.utils
from docker.errors import DeprecatedMethod, DockerException, TLSParameterError
from docker.tls import TLSConfig
from docker.utils import utils
from docker.utils.proxy import ProxyConfig
from docker.utils.utils import (
    URLComponents,
    compare_version,
    convert_filters,
    convert_port_bindings,
    convert_service_networks,
    convert_tmpfs_mounts,
    convert_volume_binds,
    create_host_config,
    create_ipam_config,
    create_ipam_pool,
    datetime_to_timestamp,
    decode_json_header,
    format_environment,
    format_extra_hosts,
    kwargs_from_env,
    normalize_links,
    parse_bytes,
    parse_devices,
    parse_env_file,
    parse_host,
    parse_repository_tag,
    split_command,
    version_gte,
    version_lt,
)

# ----------------------------------------------------------------------------------------------
# parse_host (behaviour.md section 2)

PARSE_HOST_OK = [
    # (address, tls, expected)
    ("unix:///var/run/docker.sock", False, "http+unix:///var/run/docker.sock"),
    ("unix:///var/run/docker.sock", True, "http+unix:///var/run/docker.sock"),
    ("http+unix:///var/run/docker.sock", False, "http+unix:///var/run/docker.sock"),
    ("unix://", False, "http+unix:///var/run/docker.sock"),
    ("  unix://  ", False, "http+unix:///var/run/docker.sock"),
    ("unix://var/run/x.sock", False, "http+unix://var//run/x.sock"),
    ("tcp://10.0.0.1:2375", False, "http://10.0.0.1:2375"),
    ("tcp://10.0.0.1:2375", True, "https://10.0.0.1:2375"),
    ("tcp://10.0.0.1:2375/", False, "http://10.0.0.1:2375"),
    ("tcp://10.0.0.1:2375/", True, "https://10.0.0.1:2375"),
    ("http://h:80", False, "http://h:80"),
    ("http://h:80", True, "http://h:80"),
    ("https://h:2376", False, "https://h:2376"),
    ("https://h:2376", True, "https://h:2376"),
    (":2375", False, "http://127.0.0.1:2375"),
    ("tcp://:2375", False, "http://127.0.0.1:2375"),
    ("tcp://:2375", True, "https://127.0.0.1:2375"),
    ("[::1]:2375", False, "http://[::1]:2375"),
    ("tcp://[fd12::82d1]:2375", False, "http://[fd12::82d1]:2375"),
    ("tcp://h:2375/base", False, "http://h:2375/base"),
    ("1.2.3.4:2375", False, "http://1.2.3.4:2375"),
    ("docker-host:2375", False, "http://docker-host:2375"),
    ("host1:2375", True, "https://host1:2375"),
    ("ssh://u@h", False, "ssh://u@h:22"),
    ("ssh://u@h:2222", False, "ssh://u@h:2222"),
    ("ssh://", False, "ssh://127.0.0.1:22"),
    ("npipe:////./pipe/docker_engine", False, "npipe:////./pipe/docker_engine"),
    # Gap A10: a bare host name made of letters used to be read as a URL scheme.
    ("localhost:2375", False, "http://localhost:2375"),
    ("localhost:2375", True, "https://localhost:2375"),
    ("myhost:2375", False, "http://myhost:2375"),
    ("MyHost:2376/base", False, "http://MyHost:2376/base"),
]


@pytest.mark.parametrize(("addr", "tls", "expected"), PARSE_HOST_OK)
def test_parse_host(addr: str, tls: bool, expected: str) -> None:
    assert parse_host(addr, False, tls) == expected


PARSE_HOST_ERRORS = [
    # Unsupported schemes (udp://, fd://...): test_parse_host_unsupported_schemes below.
    ("tcp://h:1/p?x=1", "Invalid bind address format: tcp://h:1/p?x=1"),
    ("tcp://h:1/p#frag", "Invalid bind address format: tcp://h:1/p#frag"),
    ("ssh://:pw@h:22", "Invalid bind address format: ssh://:pw@h:22"),
    ("tcp://", "Invalid bind address format: tcp://"),
    ("tcp://h", "Invalid bind address format: port is required: tcp://h"),
    ("localhost", "Invalid bind address format: port is required: localhost"),
    ("localhost:", "Invalid bind address format: port is required: localhost:"),
    ("tcp://h:99999", "Invalid bind address format: tcp://h:99999"),
    ("tcp://h:abc", "Invalid bind address format: tcp://h:abc"),
    ("tcp://[::1:2375", "Invalid bind address format: tcp://[::1:2375"),
    (
        "ssh://h/path",
        "Invalid bind address format: no path allowed for this protocol: ssh://h/path",
    ),
]


@pytest.mark.parametrize(("addr", "message"), PARSE_HOST_ERRORS)
def test_parse_host_errors(addr: str, message: str) -> None:
    with pytest.raises(DockerException) as info:
        parse_host(addr)
    assert str(info.value) == message


def test_parse_host_defaults() -> None:
    assert parse_host(None) == "http+unix:///var/run/docker.sock"
    assert parse_host("") == "http+unix:///var/run/docker.sock"
    assert parse_host(None, True) == "npipe:////./pipe/docker_engine"
    assert parse_host("", is_win32=True) == "npipe:////./pipe/docker_engine"
    assert parse_host("tcp://h:1", is_win32=True) == "http://h:1"


# ----------------------------------------------------------------------------------------------
# kwargs_from_env (behaviour.md section 1)


@pytest.fixture
def cert_dir(tmp_path: Path) -> Path:
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (tmp_path / name).write_text("x")
    return tmp_path


def test_kwargs_from_env_empty() -> None:
    assert kwargs_from_env({"UNRELATED": "1"}) == {}


def test_kwargs_from_env_host_only() -> None:
    assert kwargs_from_env({"DOCKER_HOST": "tcp://h:2375"}) == {"base_url": "tcp://h:2375"}


def test_kwargs_from_env_empty_host_is_ignored() -> None:
    assert kwargs_from_env({"DOCKER_HOST": "", "X": "1"}) == {}


@pytest.mark.parametrize("value", ["1", "0", "true", "false", "no"])
def test_kwargs_from_env_any_tls_verify_value_turns_verification_on(
    cert_dir: Path, value: str
) -> None:
    params = kwargs_from_env(
        {
            "DOCKER_HOST": "tcp://h:2376",
            "DOCKER_TLS_VERIFY": value,
            "DOCKER_CERT_PATH": str(cert_dir),
        }
    )
    assert params["base_url"] == "tcp://h:2376"
    tls = params["tls"]
    assert isinstance(tls, TLSConfig)
    assert tls.verify is True
    assert tls.ca_cert == str(cert_dir / "ca.pem")
    assert tls.cert == (str(cert_dir / "cert.pem"), str(cert_dir / "key.pem"))


def test_kwargs_from_env_empty_tls_verify_is_false() -> None:
    assert kwargs_from_env({"DOCKER_HOST": "tcp://h:2375", "DOCKER_TLS_VERIFY": ""}) == {
        "base_url": "tcp://h:2375"
    }


def test_kwargs_from_env_cert_path_without_verify_means_no_server_check(cert_dir: Path) -> None:
    params = kwargs_from_env({"DOCKER_CERT_PATH": str(cert_dir)})
    assert "base_url" not in params
    tls = params["tls"]
    assert tls.verify is False
    assert tls.cert == (str(cert_dir / "cert.pem"), str(cert_dir / "key.pem"))
    assert tls.ca_cert == str(cert_dir / "ca.pem")


def test_kwargs_from_env_empty_cert_path_counts_as_unset() -> None:
    assert kwargs_from_env({"DOCKER_CERT_PATH": "", "DOCKER_HOST": "tcp://h:1"}) == {
        "base_url": "tcp://h:1"
    }


def test_kwargs_from_env_default_cert_path_is_home_docker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docker_dir = tmp_path / ".docker"
    docker_dir.mkdir()
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (docker_dir / name).write_text("x")
    monkeypatch.setenv("HOME", str(tmp_path))
    params = kwargs_from_env({"DOCKER_TLS_VERIFY": "1"})
    assert params["tls"].ca_cert == str(docker_dir / "ca.pem")
    assert params["tls"].cert == (str(docker_dir / "cert.pem"), str(docker_dir / "key.pem"))


def test_kwargs_from_env_missing_cert_files_raise(tmp_path: Path) -> None:
    with pytest.raises(TLSParameterError):
        kwargs_from_env({"DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": str(tmp_path)})


def test_kwargs_from_env_missing_ca_with_verify_raises(tmp_path: Path) -> None:
    (tmp_path / "cert.pem").write_text("x")
    (tmp_path / "key.pem").write_text("x")
    with pytest.raises(TLSParameterError) as info:
        kwargs_from_env({"DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": str(tmp_path)})
    assert info.value.msg == "Invalid CA certificate provided for `ca_cert`."


def test_kwargs_from_env_missing_ca_without_verify_is_fine(tmp_path: Path) -> None:
    (tmp_path / "cert.pem").write_text("x")
    (tmp_path / "key.pem").write_text("x")
    assert kwargs_from_env({"DOCKER_CERT_PATH": str(tmp_path)})["tls"].verify is False


@pytest.mark.parametrize("empty", [None, {}])
def test_kwargs_from_env_falsy_environment_reads_os_environ(
    monkeypatch: pytest.MonkeyPatch, empty: dict[str, str] | None
) -> None:
    monkeypatch.setenv("DOCKER_HOST", "tcp://from-os-environ:2375")
    monkeypatch.delenv("DOCKER_TLS_VERIFY", raising=False)
    monkeypatch.delenv("DOCKER_CERT_PATH", raising=False)
    assert kwargs_from_env(empty) == {"base_url": "tcp://from-os-environ:2375"}


# ----------------------------------------------------------------------------------------------
# versions


@pytest.mark.parametrize(
    ("v1", "v2", "expected"),
    [
        ("1.45", "1.45", 0),
        ("1.24", "1.45", 1),
        ("1.45", "1.24", -1),
        ("1.9", "1.10", 1),
        ("1.10", "1.9", -1),
        ("1.2", "1.2.0", 0),
        ("1.2.1", "1.2", -1),
        ("2", "1.99", -1),
    ],
)
def test_compare_version_has_inverted_sign(v1: str, v2: str, expected: int) -> None:
    assert compare_version(v1, v2) == expected


def test_compare_version_is_memoised() -> None:
    compare_version.cache_clear()
    compare_version("1.30", "1.31")
    compare_version("1.30", "1.31")
    assert compare_version.cache_info().hits >= 1


def test_version_lt_and_gte() -> None:
    assert version_lt("1.24", "1.25")
    assert not version_lt("1.25", "1.25")
    assert not version_lt("1.30", "1.25")
    assert version_gte("1.25", "1.25")
    assert version_gte("1.100", "1.25")
    assert not version_gte("1.9", "1.25")


# ----------------------------------------------------------------------------------------------
# parse_bytes (behaviour.md 10.3)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (512, 512),
        (1.5, 1.5),
        ("", 0),
        ("100", 100),
        ("10b", 10),
        ("10B", 10),
        ("1k", 1024),
        ("1K", 1024),
        ("1kb", 1024),
        ("2m", 2 * 1024**2),
        ("1.5m", 1572864),
        ("2g", 2 * 1024**3),
        ("2gb", 2 * 1024**3),
        ("2GB", 2 * 1024**3),
        ("0.5k", 512),
    ],
)
def test_parse_bytes(value: Any, expected: Any) -> None:
    result = parse_bytes(value)
    assert result == expected
    assert type(result) is type(expected)


def test_parse_bytes_bad_number() -> None:
    with pytest.raises(DockerException) as info:
        parse_bytes("xk")
    assert str(info.value) == "Failed converting the string value for memory (x) to an integer."


@pytest.mark.parametrize("value", ["1t", "10p", "abc"])
def test_parse_bytes_unknown_unit(value: str) -> None:
    with pytest.raises(DockerException) as info:
        parse_bytes(value)
    message = str(info.value)
    assert "`b`, `k`, `m` or `g`" in message


# ----------------------------------------------------------------------------------------------
# filters, times, env, commands


def test_convert_filters_spec_example() -> None:
    result = convert_filters({"dangling": True, "label": ["a=b", "c"], "exited": 0})
    assert isinstance(result, str)
    assert result == '{"dangling": ["true"], "label": ["a=b", "c"], "exited": ["0"]}'


def test_convert_filters_false_and_non_str_items() -> None:
    assert json.loads(convert_filters({"dangling": False, "id": [1, "x"]})) == {
        "dangling": ["false"],
        "id": ["1", "x"],
    }
    assert convert_filters({}) == "{}"


def test_datetime_to_timestamp_aware() -> None:
    utc = timezone.utc
    assert datetime_to_timestamp(datetime(1970, 1, 1, tzinfo=utc)) == 0
    assert datetime_to_timestamp(datetime(2020, 1, 2, 3, 4, 5, 999999, tzinfo=utc)) == 1577934245
    plus2 = timezone(timedelta(hours=2))
    assert datetime_to_timestamp(datetime(2020, 1, 2, 5, 4, 5, tzinfo=plus2)) == 1577934245
    # Before the epoch the fraction is dropped towards the past (floor), like the original.
    assert datetime_to_timestamp(datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=utc)) == -1


def test_datetime_to_timestamp_naive_is_local_time() -> None:
    naive = datetime(2021, 6, 1, 12, 30, 15, 250000)
    assert datetime_to_timestamp(naive) == int(time.mktime(naive.timetuple()))
    assert isinstance(datetime_to_timestamp(naive), int)


def test_format_environment() -> None:
    assert format_environment({"A": "1", "B": None, "C": b"bytes", "D": "", "E": 5}) == [
        "A=1",
        "B",
        "C=bytes",
        "D=",
        "E=5",
    ]


def test_split_command() -> None:
    assert split_command("echo 'hello world' \"a b\" c\\ d") == [
        "echo",
        "hello world",
        "a b",
        "c d",
    ]
    assert split_command("") == []


def test_parse_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / "env"
    env_file.write_text(
        "# a comment\n"
        "USER=jdoe\n"
        "\n"
        "   \n"
        "PASS=sec=ret==\n"
        "  SPACED=value with spaces  \n"
        "EMPTY=\n"
        " #notacomment=1\n",
        encoding="utf-8",
    )
    assert parse_env_file(str(env_file)) == {
        "USER": "jdoe",
        "PASS": "sec=ret==",
        "SPACED": "value with spaces",
        "EMPTY": "",
        "#notacomment": "1",
    }


def test_parse_env_file_invalid_line(tmp_path: Path) -> None:
    env_file = tmp_path / "env"
    env_file.write_text("GOOD=1\nBAD_LINE\n", encoding="utf-8")
    with pytest.raises(DockerException) as info:
        parse_env_file(str(env_file))
    assert "BAD_LINE" in str(info.value)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ubuntu", ("ubuntu", None)),
        ("ubuntu:22.04", ("ubuntu", "22.04")),
        ("user/repo:tag", ("user/repo", "tag")),
        ("url:5000/repo", ("url:5000/repo", None)),
        ("url:5000/repo:tag", ("url:5000/repo", "tag")),
        ("repo@sha256:abcd", ("repo", "sha256:abcd")),
        ("url:5000/repo@sha256:abcd", ("url:5000/repo", "sha256:abcd")),
        ("repo:tag@sha256:abcd", ("repo:tag", "sha256:abcd")),
    ],
)
def test_parse_repository_tag(name: str, expected: tuple[str, str | None]) -> None:
    assert parse_repository_tag(name) == expected


def test_normalize_links() -> None:
    assert normalize_links({"web": "alias", "db": None, "cache": ""}) == [
        "cache",
        "db",
        "web:alias",
    ]
    assert normalize_links([("b", "x"), ("a", "y")]) == ["a:y", "b:x"]
    assert normalize_links({}) == []


def test_format_extra_hosts() -> None:
    hosts = {"web": "10.0.0.2", "db": "10.0.0.1", "v6": "::1"}
    assert format_extra_hosts(hosts) == ["db:10.0.0.1", "v6:::1", "web:10.0.0.2"]
    assert format_extra_hosts(hosts, task=True) == ["10.0.0.1 db", "::1 v6", "10.0.0.2 web"]
    assert format_extra_hosts(["a:1.2.3.4"]) == ["a:1.2.3.4"]


def test_parse_devices() -> None:
    raw = {"PathOnHost": "/dev/x", "PathInContainer": "/dev/y", "CgroupPermissions": "r"}
    assert parse_devices(["/dev/sda", "/dev/sdb:/dev/xvdb", "/dev/sdc:/dev/xvdc:r", raw]) == [
        {"PathOnHost": "/dev/sda", "PathInContainer": "/dev/sda", "CgroupPermissions": "rwm"},
        {"PathOnHost": "/dev/sdb", "PathInContainer": "/dev/xvdb", "CgroupPermissions": "rwm"},
        {"PathOnHost": "/dev/sdc", "PathInContainer": "/dev/xvdc", "CgroupPermissions": "r"},
        raw,
    ]


def test_parse_devices_rejects_other_types() -> None:
    with pytest.raises(DockerException) as info:
        parse_devices([42])
    assert "Invalid device" in str(info.value)


def test_decode_json_header() -> None:
    payload = {"name": "file.txt", "size": 12, "mode": 420}
    header = base64.b64encode(json.dumps(payload).encode())
    assert decode_json_header(header) == payload
    assert decode_json_header(header.decode()) == payload


# ----------------------------------------------------------------------------------------------
# ports, volumes, tmpfs, networks (behaviour.md 10.1 / 10.2)


def test_convert_port_bindings_table() -> None:
    result = convert_port_bindings(
        {
            80: None,
            "81": 8081,
            "82/udp": "8082",
            "83/tcp": ("127.0.0.1", 8083),
            84: ("127.0.0.1", None),
            85: ("127.0.0.1",),
            86: (8086,),
            87: {"HostPort": 8087, "HostIp": "10.0.0.1"},
            88: {"HostPort": "8088"},
            "89/sctp": [8089, ("0.0.0.0", 9089), None],
        }
    )
    assert result == {
        "80/tcp": [{"HostIp": "", "HostPort": ""}],
        "81/tcp": [{"HostIp": "", "HostPort": "8081"}],
        "82/udp": [{"HostIp": "", "HostPort": "8082"}],
        "83/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8083"}],
        "84/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}],
        "85/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}],
        "86/tcp": [{"HostIp": "", "HostPort": "8086"}],
        "87/tcp": [{"HostIp": "10.0.0.1", "HostPort": "8087"}],
        "88/tcp": [{"HostIp": "", "HostPort": "8088"}],
        "89/sctp": [
            {"HostIp": "", "HostPort": "8089"},
            {"HostIp": "0.0.0.0", "HostPort": "9089"},
            {"HostIp": "", "HostPort": ""},
        ],
    }


def test_convert_port_bindings_dict_without_host_port() -> None:
    with pytest.raises(ValueError):
        convert_port_bindings({80: {"HostIp": "1.2.3.4"}})


def test_convert_volume_binds_formats() -> None:
    binds = {
        "/mnt/a": "/a",
        "/mnt/b": {"bind": "/b", "ro": True},
        "/mnt/c": {"bind": "/c", "ro": False},
        "/mnt/d": {"bind": "/d", "mode": "z"},
        "/mnt/e": {"bind": "/e"},
        "/mnt/f": {"bind": "/f", "mode": "ro", "propagation": "rshared"},
        "/mnt/g": {"bind": "/g", "propagation": "slave"},
        b"/mnt/h": {"bind": b"/h", "mode": b"rw"},
        "volname": "/vol",
    }
    assert convert_volume_binds(binds) == [
        "/mnt/a:/a:rw",
        "/mnt/b:/b:ro",
        "/mnt/c:/c:rw",
        "/mnt/d:/d:z",
        "/mnt/e:/e:rw",
        "/mnt/f:/f:ro,rshared",
        "/mnt/g:/g:rw,slave",
        "/mnt/h:/h:rw",
        "volname:/vol:rw",
    ]


def test_convert_volume_binds_list_passes_through() -> None:
    binds = ["/autofs:/mnt:rw,shared", "/x:/y"]
    assert convert_volume_binds(binds) is binds


def test_convert_volume_binds_errors() -> None:
    with pytest.raises(ValueError):
        convert_volume_binds({"/a": {"bind": "/b", "ro": True, "mode": "rw"}})
    with pytest.raises(ValueError):
        convert_volume_binds({"/a": {"ro": True}})
    with pytest.raises(ValueError):
        convert_volume_binds({"/a": {"bind": "/b", "propagation": "sideways"}})


def test_convert_tmpfs_mounts() -> None:
    as_dict = {"/tmp": "size=1g"}
    assert convert_tmpfs_mounts(as_dict) is as_dict
    assert convert_tmpfs_mounts(["/run", "/tmp:rw,size=64m", "/x:a:b"]) == {
        "/run": "",
        "/tmp": "rw,size=64m",
        "/x": "a:b",
    }
    with pytest.raises(ValueError):
        convert_tmpfs_mounts(["/ok", 5])
    with pytest.raises(ValueError):
        convert_tmpfs_mounts("/tmp")


def test_convert_service_networks() -> None:
    assert convert_service_networks(["a", {"Target": "b", "Aliases": ["x"]}]) == [
        {"Target": "a"},
        {"Target": "b", "Aliases": ["x"]},
    ]
    assert convert_service_networks(None) is None
    assert convert_service_networks([]) == []
    with pytest.raises(TypeError):
        convert_service_networks("net")


# ----------------------------------------------------------------------------------------------
# removed helpers, URLComponents, public surface


def test_removed_helpers_raise_deprecated_method() -> None:
    with pytest.raises(DeprecatedMethod):
        create_host_config(None, binds=["a:b"])
    with pytest.raises(DeprecatedMethod):
        create_ipam_config()
    with pytest.raises(DeprecatedMethod):
        create_ipam_pool(subnet="10.0.0.0/8")


def test_url_components() -> None:
    parts = URLComponents("http", "h:1", "/p", "", "", "")
    assert isinstance(parts, tuple)
    assert (parts.scheme, parts.netloc, parts.url) == ("http", "h:1", "/p")
    assert parts._fields == ("scheme", "netloc", "url", "params", "query", "fragment")
    assert repr(parts).startswith("URLComponents(")


UTILS_NAMES = [
    "check_resource",
    "minimum_version",
    "update_headers",
    "compare_version",
    "convert_filters",
    "convert_port_bindings",
    "convert_service_networks",
    "convert_volume_binds",
    "create_host_config",
    "create_ipam_config",
    "create_ipam_pool",
    "datetime_to_timestamp",
    "decode_json_header",
    "format_environment",
    "format_extra_hosts",
    "kwargs_from_env",
    "normalize_links",
    "parse_bytes",
    "parse_devices",
    "parse_env_file",
    "parse_host",
    "parse_repository_tag",
    "split_command",
    "version_gte",
    "version_lt",
]


@pytest.mark.parametrize("name", UTILS_NAMES)
def test_docker_utils_reexports(name: str) -> None:
    assert callable(getattr(docker.utils, name))


#: Public signatures from the spec (signatures.json): names, order, kinds and defaults.
SIGNATURES = [
    ("docker.utils.decorators.check_resource", "(resource_name)"),
    ("docker.utils.decorators.minimum_version", "(version)"),
    ("docker.utils.decorators.update_headers", "(f)"),
    ("docker.utils.json_stream.json_splitter", "(buffer)"),
    ("docker.utils.json_stream.json_stream", "(stream)"),
    ("docker.utils.json_stream.line_splitter", "(buffer, separator='\\n')"),
    ("docker.utils.json_stream.split_buffer", "(stream, splitter=None, decoder=<callable>)"),
    ("docker.utils.json_stream.stream_as_text", "(stream)"),
    ("docker.utils.utils.compare_version", "(v1, v2)"),
    ("docker.utils.utils.convert_filters", "(filters)"),
    ("docker.utils.utils.convert_port_bindings", "(port_bindings)"),
    ("docker.utils.utils.convert_service_networks", "(networks)"),
    ("docker.utils.utils.convert_tmpfs_mounts", "(tmpfs)"),
    ("docker.utils.utils.convert_volume_binds", "(binds)"),
    ("docker.utils.utils.create_host_config", "(self, *args, **kwargs)"),
    ("docker.utils.utils.create_ipam_config", "(*args, **kwargs)"),
    ("docker.utils.utils.create_ipam_pool", "(*args, **kwargs)"),
    ("docker.utils.utils.datetime_to_timestamp", "(dt)"),
    ("docker.utils.utils.decode_json_header", "(header)"),
    ("docker.utils.utils.format_environment", "(environment)"),
    ("docker.utils.utils.format_extra_hosts", "(extra_hosts, task=False)"),
    ("docker.utils.utils.kwargs_from_env", "(environment=None)"),
    ("docker.utils.utils.normalize_links", "(links)"),
    ("docker.utils.utils.parse_bytes", "(s)"),
    ("docker.utils.utils.parse_devices", "(devices)"),
    ("docker.utils.utils.parse_env_file", "(env_file)"),
    ("docker.utils.utils.parse_host", "(addr, is_win32=False, tls=False)"),
    ("docker.utils.utils.parse_repository_tag", "(repo_name)"),
    ("docker.utils.utils.split_command", "(command)"),
    ("docker.utils.utils.version_gte", "(v1, v2)"),
    ("docker.utils.utils.version_lt", "(v1, v2)"),
    ("docker.utils.proxy.ProxyConfig.from_dict", "(config)"),
    ("docker.utils.proxy.ProxyConfig.get_environment", "(self)"),
    ("docker.utils.proxy.ProxyConfig.inject_proxy_environment", "(self, environment)"),
    ("docker.tls.TLSConfig.__init__", "(self, client_cert=None, ca_cert=None, verify=None)"),
    ("docker.tls.TLSConfig.configure_client", "(self, client)"),
]


def render_signature(func: Any) -> str:
    """The signature without annotations; callable defaults shown as ``<callable>``."""
    parts = []
    for param in inspect.signature(func).parameters.values():
        text = param.name
        if param.kind is inspect.Parameter.VAR_POSITIONAL:
            text = "*" + text
        elif param.kind is inspect.Parameter.VAR_KEYWORD:
            text = "**" + text
        else:
            assert param.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        if param.default is not inspect.Parameter.empty:
            default = param.default
            text += "=" + ("<callable>" if callable(default) else repr(default))
        parts.append(text)
    return "(" + ", ".join(parts) + ")"


def resolve(qualname: str) -> Any:
    import importlib

    parts = qualname.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attr in parts[split:]:
            obj = getattr(obj, attr)
        return obj
    raise AssertionError(qualname)


@pytest.mark.parametrize(("qualname", "expected"), SIGNATURES)
def test_signatures_match_spec(qualname: str, expected: str) -> None:
    assert render_signature(resolve(qualname)) == expected


def test_signature_table_agrees_with_spec_file() -> None:
    # Guards the table above against typos; the spec directory sits outside the repository.
    spec = Path("/work/shared/spec/signatures.json")
    if not spec.exists():
        return
    data = json.loads(spec.read_text())
    for qualname, expected in SIGNATURES:
        entry = data.get(qualname)
        if entry is None or entry.get("kind") != "function":
            continue
        rendered = []
        for param in entry["params"]:
            text = param["name"]
            if param["kind"] == "VAR_POSITIONAL":
                text = "*" + text
            elif param["kind"] == "VAR_KEYWORD":
                text = "**" + text
            if "default" in param:
                text += "=" + param["default"]
            rendered.append(text)
        assert "(" + ", ".join(rendered) + ")" == expected, qualname


# ----------------------------------------------------------------------------------------------
# ProxyConfig


def test_proxy_config_from_dict_and_properties() -> None:
    config = ProxyConfig.from_dict(
        {"httpProxy": "http://p:3128", "httpsProxy": "https://p:3129", "noProxy": "localhost"}
    )
    assert isinstance(config, dict)
    assert config.http == "http://p:3128"
    assert config.https == "https://p:3129"
    assert config.ftp is None
    assert config.no_proxy == "localhost"
    assert str(config) == (
        "ProxyConfig(http=http://p:3128, https=https://p:3129, ftp=None, no_proxy=localhost)"
    )


def test_proxy_config_environment() -> None:
    config = ProxyConfig.from_dict({"httpProxy": "http://p", "ftpProxy": "ftp://f", "noProxy": "x"})
    assert config.get_environment() == {
        "http_proxy": "http://p",
        "HTTP_PROXY": "http://p",
        "ftp_proxy": "ftp://f",
        "FTP_PROXY": "ftp://f",
        "no_proxy": "x",
        "NO_PROXY": "x",
    }
    assert config.inject_proxy_environment(["A=1", "http_proxy=mine"]) == [
        "http_proxy=http://p",
        "HTTP_PROXY=http://p",
        "ftp_proxy=ftp://f",
        "FTP_PROXY=ftp://f",
        "no_proxy=x",
        "NO_PROXY=x",
        "A=1",
        "http_proxy=mine",
    ]
    assert config.inject_proxy_environment(None) == config.inject_proxy_environment([])


def test_proxy_config_empty_leaves_environment_alone() -> None:
    env = ["A=1"]
    assert ProxyConfig().inject_proxy_environment(env) is env
    assert ProxyConfig.from_dict({}).get_environment() == {}
    assert ProxyConfig.from_dict({}).inject_proxy_environment(env) == env


HEAVY_MODULES = {"ssl", "asyncio", "subprocess", "tarfile", "shlex", "base64", "inspect"}


@pytest.mark.parametrize(
    "module",
    [
        "docker.utils.utils",
        "docker.utils.json_stream",
        "docker.utils.proxy",
        "docker.utils.decorators",
        "docker.utils",
        "docker.tls",
    ],
)
def test_module_top_level_imports_are_cheap(module: str) -> None:
    import ast
    import importlib

    source = Path(importlib.import_module(module).__file__ or "").read_text()
    imported: set[str] = set()
    for node in ast.parse(source).body:  # only statements run at import time
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & HEAVY_MODULES


def test_utils_module_exposes_all() -> None:
    for name in utils.__all__:
        assert getattr(utils, name).__doc__


# ----------------------------------------------------------------------------------------------
# parse_host: schemes a client cannot use (behaviour.md section 2, steps 3 and 5)

SUPPORTED = "unix://, tcp://, http://, https://, ssh:// and npipe://"


@pytest.mark.parametrize(
    "addr", ["udp://h:1", "foo:bar", "ftp://h:21", "unix+tls:///x", "UDP://h:1", "tcp+ssh://h:1"]
)
def test_parse_host_unsupported_schemes(addr: str) -> None:
    with pytest.raises(DockerException) as info:
        parse_host(addr)
    # The original's message first (code may match on it), then what would work.
    assert str(info.value) == f"Invalid bind address protocol: {addr} (supported: {SUPPORTED})"


@pytest.mark.parametrize("addr", ["fd://", "fd://something", "fd://3", " fd:// "])
def test_parse_host_fd_is_a_daemon_side_address(addr: str) -> None:
    with pytest.raises(DockerException) as info:
        parse_host(addr)
    message = str(info.value)
    assert message.startswith("fd protocol is not implemented: ")
    assert "socket-activation" in message and "cannot connect" in message
    assert "unix:///var/run/docker.sock" in message and message.endswith(f"{SUPPORTED}.")


@pytest.mark.parametrize("is_win32", [False, True])
def test_parse_host_every_supported_scheme_parses(is_win32: bool) -> None:
    # Each scheme the messages above list is accepted.
    for addr in (
        "unix:///s",
        "tcp://h:1",
        "http://h:1",
        "https://h:1",
        "ssh://h",
        "npipe:////./pipe/x",
    ):
        assert parse_host(addr, is_win32)
