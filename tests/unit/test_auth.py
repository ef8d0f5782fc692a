"""Tests for docker.auth: names, config.json auth entries, and credential helpers."""

from __future__ import annotations

import base64
import copy
import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from docker import auth, errors
from docker.auth import INDEX_NAME, INDEX_URL, TOKEN_USERNAME, AuthConfig


def b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets an empty home directory and no DOCKER_CONFIG."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))
    monkeypatch.delenv("DOCKER_CONFIG", raising=False)
    return home


def write_config(home: Path, data: Any) -> Path:
    path = home / ".docker" / "config.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    return path


# --- credential helper programs -------------------------------------------------------------

# Implements the docker-credential-* protocol ("get" and "list" are all AuthConfig uses)
# over a JSON file {server: [username, secret]}.
HELPER = """\
#!{python}
import json, os, sys
db_path = os.environ.get("TESTHELPER_DB", {db!r})
try:
    with open(db_path) as handle:
        db = json.load(handle)
except FileNotFoundError:
    db = {{}}
cmd = sys.argv[1]
server = sys.stdin.read()
if cmd == "list":
    print(json.dumps({{url: user for url, (user, _) in db.items()}}))
elif cmd == "get" and server in db:
    user, secret = db[server]
    print(json.dumps({{"ServerURL": server, "Username": user, "Secret": secret}}))
else:
    print("credentials not found in native keychain")
    sys.exit(1)
"""


def install_helper(bin_dir: Path, name: str, text: str) -> None:
    path = bin_dir / f"docker-credential-{name}"
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


class HelperBed:
    def __init__(self, root: Path) -> None:
        self.bin_dir = root / "bin"
        self.bin_dir.mkdir()
        self.root = root

    def add(self, name: str, entries: dict[str, tuple[str, str]]) -> Path:
        db = self.root / f"{name}.json"
        db.write_text(json.dumps(entries))
        install_helper(self.bin_dir, name, HELPER.format(python=sys.executable, db=str(db)))
        return db

    def add_shell(self, name: str, body: str) -> None:
        install_helper(self.bin_dir, name, "#!/bin/sh\n" + body)


@pytest.fixture
def helpers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> HelperBed:
    if sys.platform == "win32":
        pytest.skip("the test helpers are POSIX scripts")
    bed = HelperBed(tmp_path)
    bed.add(
        "testhelper",
        {
            INDEX_URL: ("hubuser", "hubpass"),
            "reg.example:5000": (TOKEN_USERNAME, "tok123"),
            "https://other.example": ("ou", "op"),
        },
    )
    bed.add("second", {"https://other.example": ("override", "pw2")})
    bed.add_shell("broken", 'echo "internal helper failure"\nexit 3\n')
    bed.add_shell("garbage", 'echo "<html>not json</html>"\n')
    monkeypatch.setenv("PATH", f"{bed.bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.delenv("TESTHELPER_DB", raising=False)
    return bed


# --- constants and names --------------------------------------------------------------------


def test_constants() -> None:
    assert INDEX_NAME == "docker.io"
    assert INDEX_URL == "https://index.docker.io/v1/"
    assert TOKEN_USERNAME == "<token>"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ubuntu", ("docker.io", "ubuntu")),
        ("user/repo", ("docker.io", "user/repo")),
        ("localhost/x", ("localhost", "x")),
        ("localhost:5000/x", ("localhost:5000", "x")),
        ("reg.io:5000/a/b", ("reg.io:5000", "a/b")),
        ("index.docker.io/library/x", ("docker.io", "library/x")),
        ("docker.io/library/x", ("docker.io", "library/x")),
        ("127.0.0.1:5001/img", ("127.0.0.1:5001", "img")),
        ("my-host:1/img", ("my-host:1", "img")),
    ],
)
def test_resolve_repository_name(name: str, expected: tuple[str, str]) -> None:
    assert auth.resolve_repository_name(name) == expected


def test_resolve_repository_name_rejects_scheme() -> None:
    with pytest.raises(errors.InvalidRepository, match="cannot contain a scheme"):
        auth.resolve_repository_name("https://reg.io/x")


@pytest.mark.parametrize("name", ["-reg.io/x", "reg.io-/x", "-reg:5000/x"])
def test_resolve_repository_name_rejects_hyphen(name: str) -> None:
    with pytest.raises(errors.InvalidRepository, match="hyphen"):
        auth.resolve_repository_name(name)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ubuntu", ("docker.io", "ubuntu")),
        ("user/repo", ("docker.io", "user/repo")),
        ("user/repo/sub", ("docker.io", "user/repo/sub")),
        ("localhost/x", ("localhost", "x")),
        ("index.docker.io/x", ("index.docker.io", "x")),
        ("reg.io/a/b", ("reg.io", "a/b")),
        ("host:1/a", ("host:1", "a")),
    ],
)
def test_split_repo_name(name: str, expected: tuple[str, str]) -> None:
    assert auth.split_repo_name(name) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://index.docker.io/v1/", "index.docker.io"),
        ("http://127.0.0.1:5001/v2/", "127.0.0.1:5001"),
        ("reg.example:5000", "reg.example:5000"),
        ("reg.example/path", "reg.example"),
    ],
)
def test_convert_to_hostname(url: str, expected: str) -> None:
    assert auth.convert_to_hostname(url) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("index.docker.io", "docker.io"),
        ("https://index.docker.io/v1/", "docker.io"),
        ("docker.io", "docker.io"),
        ("https://reg.example/v2/", "reg.example"),
    ],
)
def test_resolve_index_name(name: str, expected: str) -> None:
    assert auth.resolve_index_name(name) == expected


# --- decode_auth / encode_header ------------------------------------------------------------


def test_decode_auth_splits_on_first_colon() -> None:
    assert auth.decode_auth(b64("user:pa:ss")) == ("user", "pa:ss")
    assert auth.decode_auth(b64("user:pa:ss").encode()) == ("user", "pa:ss")


def test_decode_auth_utf8() -> None:
    assert auth.decode_auth("dXPDqXI6cMOkc3M=") == ("us\u00e9r", "p\u00e4ss")


def test_decode_auth_empty_password() -> None:
    assert auth.decode_auth(b64("user:")) == ("user", "")


@pytest.mark.parametrize("value", [b64("nocolon"), "!!!", "abc", "\u00e9\u00e9"])
def test_decode_auth_invalid(value: str) -> None:
    with pytest.raises(ValueError):
        auth.decode_auth(value)


def test_encode_header_exact_bytes() -> None:
    assert (
        auth.encode_header({"username": "a", "password": "b"})
        == b"eyJ1c2VybmFtZSI6ICJhIiwgInBhc3N3b3JkIjogImIifQ=="
    )


def test_encode_header_is_url_safe() -> None:
    value = auth.encode_header({"IdentityToken": "~~~?>"})
    assert value == b"eyJJZGVudGl0eVRva2VuIjogIn5-fj8-In0="
    assert isinstance(value, bytes)


def test_encode_header_round_trip_non_ascii() -> None:
    cfg = {"username": "me", "password": "p\u00e4ss>>>???", "serveraddress": "reg.io"}
    encoded = auth.encode_header(cfg)
    text = base64.urlsafe_b64decode(encoded).decode("ascii")
    assert text == json.dumps(cfg)
    assert json.loads(text) == cfg


# --- parse_auth -----------------------------------------------------------------------------


def test_parse_auth_entries() -> None:
    entries = {
        "reg.example": {"auth": b64("u:p"), "email": "e@x.org"},
        "noemail.example": {"auth": b64("u2:p2")},
        "token.example": {"identitytoken": "tok", "auth": b64("ignored:x")},
        "helper.example": {},
    }
    assert auth.parse_auth(entries) == {
        "reg.example": {
            "username": "u",
            "password": "p",
            "email": "e@x.org",
            "serveraddress": "reg.example",
        },
        "noemail.example": {
            "username": "u2",
            "password": "p2",
            "email": None,
            "serveraddress": "noemail.example",
        },
        "token.example": {"IdentityToken": "tok"},
        "helper.example": {},
    }
    assert AuthConfig.parse_auth(entries) == auth.parse_auth(entries)


def test_parse_auth_bad_entry_without_raise_gives_empty() -> None:
    entries = {"good.example": {"auth": b64("u:p")}, "bad.example": "not a dict"}
    assert auth.parse_auth(entries) == {}


def test_parse_auth_bad_entry_with_raise() -> None:
    with pytest.raises(errors.InvalidConfigFile) as info:
        auth.parse_auth({"bad.example": ["x"]}, raise_on_error=True)
    assert str(info.value) == "Invalid configuration for registry bad.example"


def test_parse_auth_bad_base64() -> None:
    entries = {"bad.example": {"auth": b64("nocolon")}}
    assert auth.parse_auth(entries) == {}
    with pytest.raises(errors.InvalidConfigFile, match=r"bad\.example.*docker login"):
        auth.parse_auth(entries, raise_on_error=True)


# --- AuthConfig basics ----------------------------------------------------------------------


def test_authconfig_adds_auths_without_touching_input() -> None:
    source: dict[str, Any] = {"credsStore": "x"}
    cfg = AuthConfig(source)
    assert isinstance(cfg, dict)
    assert cfg == {"credsStore": "x", "auths": {}}
    assert source == {"credsStore": "x"}


def test_authconfig_add_auth_does_not_leak_into_input() -> None:
    source: dict[str, Any] = {"auths": {"a.example": {"username": "a"}}}
    cfg = AuthConfig(source)
    cfg.add_auth("b.example", {"username": "b"})
    assert cfg.auths == {"a.example": {"username": "a"}, "b.example": {"username": "b"}}
    assert source == {"auths": {"a.example": {"username": "a"}}}


def test_authconfig_properties() -> None:
    empty = AuthConfig({})
    assert empty.auths == {}
    assert empty.creds_store is None
    assert empty.cred_helpers == {}
    assert empty.is_empty

    cfg = AuthConfig({"auths": {}, "credsStore": "desktop", "credHelpers": {"r": "h"}})
    assert cfg.creds_store == "desktop"
    assert cfg.cred_helpers == {"r": "h"}
    assert not cfg.is_empty
    assert not AuthConfig({"credHelpers": {"r": "h"}}).is_empty
    assert not AuthConfig({"auths": {"r": {}}}).is_empty


def test_authconfig_add_auth() -> None:
    cfg = AuthConfig({})
    cfg.add_auth("docker.io", {"username": "me", "password": "pw"})
    assert cfg["auths"] == {"docker.io": {"username": "me", "password": "pw"}}
    assert cfg.resolve_authconfig() == {"username": "me", "password": "pw"}


def test_get_credential_store() -> None:
    cfg = AuthConfig({"credsStore": "default", "credHelpers": {INDEX_URL: "hub", "r.io": "rh"}})
    assert cfg.get_credential_store(None) == "hub"
    assert cfg.get_credential_store("docker.io") == "hub"
    assert cfg.get_credential_store("r.io") == "rh"
    assert cfg.get_credential_store("other.io") == "default"
    assert AuthConfig({"credHelpers": {"r.io": "rh"}}).get_credential_store("x") is None
    # module function wraps a plain dict
    assert auth.get_credential_store({"credHelpers": {"r.io": "rh"}}, "r.io") == "rh"


# --- resolve_authconfig from auths ----------------------------------------------------------

HUB = {"username": "hub"}
LOCAL = {"username": "local"}
EXACT = {"username": "exact"}
FUZZY = {"username": "fuzzy"}


@pytest.fixture
def matching_config() -> AuthConfig:
    return AuthConfig(
        {
            "auths": {
                "https://index.docker.io/v1/": HUB,
                "http://127.0.0.1:5001/v2/": LOCAL,
                "https://reg.example/v1/": FUZZY,
                "reg.example": EXACT,
            }
        }
    )


@pytest.mark.parametrize(
    "registry", [None, "", "docker.io", "index.docker.io", "https://index.docker.io/v1/"]
)
def test_resolve_docker_hub(matching_config: AuthConfig, registry: str | None) -> None:
    assert matching_config.resolve_authconfig(registry) == HUB


@pytest.mark.parametrize("registry", ["127.0.0.1:5001", "http://127.0.0.1:5001"])
def test_resolve_by_hostname(matching_config: AuthConfig, registry: str) -> None:
    assert matching_config.resolve_authconfig(registry) == LOCAL


def test_resolve_exact_key_wins(matching_config: AuthConfig) -> None:
    assert matching_config.resolve_authconfig("reg.example") is EXACT
    assert matching_config.resolve_authconfig("https://reg.example/v2/") is EXACT


def test_resolve_unknown(matching_config: AuthConfig) -> None:
    assert matching_config.resolve_authconfig("127.0.0.1:5000") is None
    assert matching_config.resolve_authconfig("elsewhere.example") is None


def test_resolve_exact_docker_io_key_first() -> None:
    cfg = AuthConfig({"auths": {INDEX_URL: HUB, "docker.io": EXACT}})
    assert cfg.resolve_authconfig() is EXACT


def test_module_resolve_authconfig_wraps_plain_dict() -> None:
    assert auth.resolve_authconfig({"auths": {"docker.io": HUB}}) == HUB
    assert auth.resolve_authconfig({"auths": {"docker.io": HUB}}, "quay.io") is None


# --- load_config ----------------------------------------------------------------------------


def test_load_config_from_dict_keeps_input_intact() -> None:
    source = {
        "auths": {"reg.example": {"auth": b64("u:p"), "email": "e@x.org"}},
        "credsStore": "desktop",
        "credHelpers": {"gcr.io": "gcloud"},
        "HttpHeaders": {"X": "1"},
    }
    before = copy.deepcopy(source)
    cfg = auth.load_config(config_dict=source)
    assert isinstance(cfg, AuthConfig)
    assert cfg == {
        "auths": {
            "reg.example": {
                "username": "u",
                "password": "p",
                "email": "e@x.org",
                "serveraddress": "reg.example",
            }
        },
        "credsStore": "desktop",
        "credHelpers": {"gcr.io": "gcloud"},
    }
    assert source == before


def test_load_config_only_creds_store() -> None:
    assert auth.load_config(config_dict={"credsStore": "x"}) == {"credsStore": "x", "auths": {}}


def test_load_config_empty_auths_section() -> None:
    cfg = auth.load_config(config_dict={"auths": {}, "HttpHeaders": {"X-Meta": "1"}})
    assert cfg == {"auths": {}}
    assert cfg.is_empty


def test_load_config_invalid_auths_entry_raises() -> None:
    with pytest.raises(errors.InvalidConfigFile, match=r"registry reg\.example"):
        auth.load_config(config_dict={"auths": {"reg.example": "oops"}})


def test_load_config_auths_not_an_object() -> None:
    with pytest.raises(errors.InvalidConfigFile, match="'auths' must be a JSON object"):
        auth.load_config(config_dict={"auths": ["x"]})


def test_load_config_legacy_dict() -> None:
    source = {INDEX_URL: {"auth": b64("old:pw"), "email": "o@x.org"}}
    cfg = auth.load_config(config_dict=source)
    assert cfg.auths == {
        INDEX_URL: {
            "username": "old",
            "password": "pw",
            "email": "o@x.org",
            "serveraddress": INDEX_URL,
        }
    }
    assert cfg.resolve_authconfig()["username"] == "old"  # type: ignore[index]


def test_load_config_legacy_dict_with_bad_entry() -> None:
    assert auth.load_config(config_dict={"currentContext": "x"}) == {"auths": {}}


def test_load_config_no_file(home: Path) -> None:
    cfg = auth.load_config()
    assert cfg == {"auths": {}}
    assert cfg.is_empty


def test_load_config_reads_home_config(home: Path) -> None:
    write_config(home, {"auths": {"docker.io": {"auth": b64("h:pw")}}, "credsStore": "x"})
    cfg = auth.load_config()
    assert cfg.creds_store == "x"
    assert cfg.auths["docker.io"]["username"] == "h"


def test_load_config_empty_dict_reads_file(home: Path) -> None:
    write_config(home, {"auths": {"docker.io": {"auth": b64("h:pw")}}})
    assert auth.load_config(config_dict={}).auths["docker.io"]["password"] == "pw"


def test_load_config_explicit_path(home: Path, tmp_path: Path) -> None:
    write_config(home, {"auths": {"docker.io": {"auth": b64("home:pw")}}})
    explicit = tmp_path / "explicit.json"
    explicit.write_text(json.dumps({"auths": {"docker.io": {"auth": b64("explicit:pw")}}}))
    assert auth.load_config(str(explicit)).auths["docker.io"]["username"] == "explicit"
    assert AuthConfig.load_config(explicit, None).auths["docker.io"]["username"] == "explicit"


def test_load_config_docker_config_env(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(home, {"auths": {"docker.io": {"auth": b64("home:pw")}}})
    env_dir = tmp_path / "envdir"
    env_dir.mkdir()
    (env_dir / "config.json").write_text(
        json.dumps({"auths": {"docker.io": {"auth": b64("env:pw")}}})
    )
    monkeypatch.setenv("DOCKER_CONFIG", str(env_dir))
    assert auth.load_config().auths["docker.io"]["username"] == "env"


def test_load_config_legacy_ini_dockercfg(home: Path) -> None:
    (home / ".dockercfg").write_text(f"auth = {b64('legacy:p:w')}\nemail = l@x.org\n")
    cfg = auth.load_config()
    assert cfg == {
        "auths": {
            "docker.io": {
                "username": "legacy",
                "password": "p:w",
                "email": "l@x.org",
                "serveraddress": INDEX_URL,
            }
        }
    }
    assert cfg.resolve_authconfig("index.docker.io")["username"] == "legacy"  # type: ignore[index]


def test_load_config_legacy_json_dockercfg(home: Path) -> None:
    (home / ".dockercfg").write_text(
        json.dumps({INDEX_URL: {"auth": b64("lj:pw"), "email": "lj@x.org"}})
    )
    cfg = auth.load_config()
    assert cfg.auths[INDEX_URL]["username"] == "lj"
    assert cfg.resolve_authconfig() == {
        "username": "lj",
        "password": "pw",
        "email": "lj@x.org",
        "serveraddress": INDEX_URL,
    }


def test_load_config_unparseable_file(home: Path) -> None:
    path = home / ".docker" / "config.json"
    path.parent.mkdir()
    path.write_text("{this is not json")
    assert auth.load_config() == {"auths": {}}


def test_load_legacy_config_directly(tmp_path: Path) -> None:
    good = tmp_path / "good"
    good.write_text(f"auth = {b64('u:p')}\nemail = e@x.org\n\n")
    assert auth._load_legacy_config(str(good)) == {
        "auths": {
            "docker.io": {
                "username": "u",
                "password": "p",
                "email": "e@x.org",
                "serveraddress": INDEX_URL,
            }
        }
    }
    bad = tmp_path / "bad"
    bad.write_text("hello\nworld\n")
    assert auth._load_legacy_config(str(bad)) == {}
    bad_b64 = tmp_path / "bad_b64"
    bad_b64.write_text(f"auth = {b64('nocolon')}\nemail = e\n")
    assert auth._load_legacy_config(str(bad_b64)) == {}
    assert auth._load_legacy_config(str(tmp_path / "missing")) == {}


# --- credential helpers through AuthConfig --------------------------------------------------


def test_creds_store_docker_hub(helpers: HelperBed) -> None:
    cfg = AuthConfig({"credsStore": "testhelper"})
    expected = {"ServerAddress": INDEX_URL, "Username": "hubuser", "Password": "hubpass"}
    assert cfg.resolve_authconfig() == expected
    assert cfg.resolve_authconfig("docker.io") == expected


def test_creds_store_token_username(helpers: HelperBed) -> None:
    cfg = AuthConfig({"credsStore": "testhelper"})
    assert cfg.resolve_authconfig("reg.example:5000") == {
        "ServerAddress": "reg.example:5000",
        "IdentityToken": "tok123",
    }


def test_creds_store_not_found_falls_back_to_auths(helpers: HelperBed) -> None:
    cfg = auth.load_config(
        config_dict={
            "credsStore": "testhelper",
            "auths": {"fallback.example": {"auth": b64("fb:pw")}},
        }
    )
    assert cfg.resolve_authconfig("fallback.example") == {
        "username": "fb",
        "password": "pw",
        "email": None,
        "serveraddress": "fallback.example",
    }
    assert cfg.resolve_authconfig("nowhere.example") is None


def test_cred_helpers_take_precedence(helpers: HelperBed) -> None:
    cfg = AuthConfig({"credsStore": "broken", "credHelpers": {"https://other.example": "second"}})
    assert cfg.resolve_authconfig("https://other.example") == {
        "ServerAddress": "https://other.example",
        "Username": "override",
        "Password": "pw2",
    }
    # everything else goes to credsStore, which fails loudly
    with pytest.raises(errors.DockerException) as info:
        cfg.resolve_authconfig("docker.io")
    assert str(info.value).startswith("Credentials store error: ")
    assert "internal helper failure" in str(info.value)


def test_cred_helpers_without_creds_store_use_auths(helpers: HelperBed) -> None:
    cfg = AuthConfig(
        {"auths": {"plain.example": {"username": "p"}}, "credHelpers": {"x.example": "second"}}
    )
    assert cfg.resolve_authconfig("plain.example") == {"username": "p"}


def test_garbage_helper_is_a_docker_exception(helpers: HelperBed) -> None:
    cfg = AuthConfig({"credsStore": "garbage"})
    with pytest.raises(errors.DockerException, match=r"Credentials store error: .*not valid JSON"):
        cfg.resolve_authconfig()


def test_missing_helper(helpers: HelperBed) -> None:
    cfg = AuthConfig({"credsStore": "nope"})
    with pytest.warns(UserWarning, match="docker-credential-nope not installed") as record:
        for _ in range(2):
            with pytest.raises(
                errors.DockerException, match="docker-credential-nope not installed"
            ):
                cfg.resolve_authconfig()
    # the Store is built once per helper name, so the warning comes once
    assert len(record) == 1


def test_credstore_env_reaches_helper(helpers: HelperBed, tmp_path: Path) -> None:
    other = tmp_path / "other-db.json"
    other.write_text(json.dumps({INDEX_URL: ["envuser", "envpass"]}))
    cfg = AuthConfig({"credsStore": "testhelper"}, credstore_env={"TESTHELPER_DB": str(other)})
    assert cfg.resolve_authconfig() == {
        "ServerAddress": INDEX_URL,
        "Username": "envuser",
        "Password": "envpass",
    }
    via_module = auth.resolve_authconfig(
        {"credsStore": "testhelper"}, None, credstore_env={"TESTHELPER_DB": str(other)}
    )
    assert via_module is not None
    assert via_module["Username"] == "envuser"


def test_get_all_credentials(helpers: HelperBed) -> None:
    cfg = auth.load_config(
        config_dict={
            "auths": {"plain.example": {"auth": b64("pl:pw")}},
            "credsStore": "testhelper",
            "credHelpers": {"https://other.example": "second"},
        }
    )
    hub = {"ServerAddress": INDEX_URL, "Username": "hubuser", "Password": "hubpass"}
    token = {"ServerAddress": "reg.example:5000", "IdentityToken": "tok123"}
    other = {"ServerAddress": "https://other.example", "Username": "override", "Password": "pw2"}
    assert cfg.get_all_credentials() == {
        "plain.example": {
            "username": "pl",
            "password": "pw",
            "email": None,
            "serveraddress": "plain.example",
        },
        INDEX_URL: hub,
        "index.docker.io": hub,
        "reg.example:5000": token,
        "https://other.example": other,
        "other.example": other,
    }
    assert list(cfg.auths) == ["plain.example"]


def test_get_all_credentials_without_helpers() -> None:
    cfg = AuthConfig({"auths": {"a.example": {"username": "a"}}})
    result = cfg.get_all_credentials()
    assert result == {"a.example": {"username": "a"}}
    result["b.example"] = {}
    assert "b.example" not in cfg.auths


def test_get_all_credentials_broken_list(helpers: HelperBed) -> None:
    from docker.credentials import StoreError

    with pytest.raises(StoreError, match="internal helper failure"):
        AuthConfig({"credsStore": "broken"}).get_all_credentials()


# --- get_config_header ----------------------------------------------------------------------


class FakeClient:
    def __init__(self, auth_configs: Any, credstore_env: dict[str, str] | None = None) -> None:
        self._auth_configs = auth_configs
        self.credstore_env = credstore_env


def test_get_config_header_reloads_empty_config(home: Path) -> None:
    write_config(home, {"auths": {INDEX_URL: {"auth": b64("disk:pw")}}})
    client = FakeClient(AuthConfig({}))
    header = auth.get_config_header(client, None)
    expected = {"username": "disk", "password": "pw", "email": None, "serveraddress": INDEX_URL}
    assert header == auth.encode_header(expected)
    assert json.loads(base64.urlsafe_b64decode(header or b"")) == expected
    assert isinstance(client._auth_configs, AuthConfig)
    assert not client._auth_configs.is_empty


def test_get_config_header_reloads_plain_empty_dict(home: Path) -> None:
    write_config(home, {"auths": {"reg.example": {"auth": b64("d:pw")}}})
    client = FakeClient({})
    assert auth.get_config_header(client, "reg.example") is not None


def test_get_config_header_keeps_loaded_config(home: Path) -> None:
    write_config(home, {"auths": {"docker.io": {"auth": b64("disk:pw")}}})
    loaded = AuthConfig({"auths": {"docker.io": {"username": "mem"}}})
    client = FakeClient(loaded)
    assert auth.get_config_header(client, "docker.io") == auth.encode_header({"username": "mem"})
    assert client._auth_configs is loaded


def test_get_config_header_nothing_found(home: Path) -> None:
    assert auth.get_config_header(FakeClient(AuthConfig({})), "reg.example") is None
    loaded = AuthConfig({"auths": {"docker.io": {"username": "mem"}}})
    assert auth.get_config_header(FakeClient(loaded), "quay.io") is None


def test_get_config_header_reload_uses_credstore_env(
    home: Path, helpers: HelperBed, tmp_path: Path
) -> None:
    write_config(home, {"credsStore": "testhelper"})
    other = tmp_path / "other-db.json"
    other.write_text(json.dumps({INDEX_URL: ["envuser", "envpass"]}))
    client = FakeClient(AuthConfig({}), credstore_env={"TESTHELPER_DB": str(other)})
    header = auth.get_config_header(client, "docker.io")
    assert header == auth.encode_header(
        {"ServerAddress": INDEX_URL, "Username": "envuser", "Password": "envpass"}
    )
