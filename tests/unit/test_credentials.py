"""Tests for docker.credentials, run against real helper programs written to tmp_path."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import docker.credentials
from docker.credentials import (
    DEFAULT_LINUX_STORE,
    DEFAULT_OSX_STORE,
    DEFAULT_WIN32_STORE,
    PROGRAM_PREFIX,
    CredentialsNotFound,
    Store,
    StoreError,
)
from docker.credentials.errors import InitializationError, process_store_error
from docker.credentials.utils import create_environment_dict

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="the test helpers are POSIX scripts"
)

# A credential helper speaking the docker-credential-* protocol, backed by a JSON file.
# Every call is appended to a log so tests can check exactly what the library sent.
HELPER_SOURCE = """\
#!{python}
import json, os, sys

DB = os.environ.get("TESTHELPER_DB", {db!r})
LOG = {log!r}


def load():
    try:
        with open(DB) as handle:
            return json.load(handle)
    except FileNotFoundError:
        return {{}}


def save(data):
    with open(DB, "w") as handle:
        json.dump(data, handle)


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    data = sys.stdin.read()
    with open(LOG, "a") as handle:
        handle.write(json.dumps({{"cmd": cmd, "stdin": data,
                                 "mark": os.environ.get("TESTHELPER_MARK")}}) + "\\n")
    db = load()
    if cmd == "get":
        if data == "https://empty.example":
            print(json.dumps({{"ServerURL": data, "Username": "", "Secret": ""}}))
            return 0
        if data not in db:
            print("credentials not found in native keychain")
            return 1
        entry = db[data]
        print(json.dumps({{"ServerURL": data, "Username": entry["Username"],
                          "Secret": entry["Secret"]}}))
        return 0
    if cmd == "store":
        request = json.loads(data)
        db[request["ServerURL"]] = {{"Username": request["Username"],
                                    "Secret": request["Secret"]}}
        save(db)
        return 0
    if cmd == "erase":
        if data not in db:
            print("credentials not found in native keychain")
            return 1
        del db[data]
        save(db)
        return 0
    if cmd == "list":
        print(json.dumps({{url: entry["Username"] for url, entry in db.items()}}))
        return 0
    print("unknown command " + cmd)
    return 1


sys.exit(main())
"""

SHELL_HELPERS = {
    # fails, explaining itself on stdout (as the reference helpers do)
    "broken": 'echo "internal helper failure"\nexit 3\n',
    # fails, explaining itself on stderr only
    "stderronly": 'echo "oops on stderr" >&2\nexit 2\n',
    # fails without a word
    "silent": "exit 4\n",
    # succeeds but prints something that is not JSON
    "garbage": 'echo "this is not json"\n',
    # succeeds with JSON of the wrong shape
    "wrongshape": 'echo "[1, 2, 3]"\n',
}


def make_executable(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


@dataclass
class Helpers:
    bin_dir: Path
    db: Path
    log: Path

    def seed(self, entries: dict[str, tuple[str, str]]) -> None:
        data = {url: {"Username": u, "Secret": s} for url, (u, s) in entries.items()}
        self.db.write_text(json.dumps(data))

    def contents(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.db.read_text())
        return result

    def calls(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]


def install_helpers(bin_dir: Path, db: Path, log: Path) -> None:
    bin_dir.mkdir(parents=True, exist_ok=True)
    make_executable(
        bin_dir / "docker-credential-testhelper",
        HELPER_SOURCE.format(python=sys.executable, db=str(db), log=str(log)),
    )
    for name, body in SHELL_HELPERS.items():
        make_executable(bin_dir / f"docker-credential-{name}", "#!/bin/sh\n" + body)


@pytest.fixture
def helpers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Helpers:
    bin_dir = tmp_path / "bin"
    result = Helpers(bin_dir=bin_dir, db=tmp_path / "db.json", log=tmp_path / "calls.log")
    install_helpers(bin_dir, result.db, result.log)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.delenv("TESTHELPER_DB", raising=False)
    monkeypatch.delenv("TESTHELPER_MARK", raising=False)
    return result


# --- package surface -----------------------------------------------------------------------


def test_constants() -> None:
    assert PROGRAM_PREFIX == "docker-credential-"
    assert DEFAULT_LINUX_STORE == "secretservice"
    assert DEFAULT_OSX_STORE == "osxkeychain"
    assert DEFAULT_WIN32_STORE == "wincred"


def test_package_exports_and_submodules() -> None:
    assert set(docker.credentials.__all__) == {
        "CredentialsNotFound",
        "DEFAULT_LINUX_STORE",
        "DEFAULT_OSX_STORE",
        "DEFAULT_WIN32_STORE",
        "PROGRAM_PREFIX",
        "Store",
        "StoreError",
    }
    assert docker.credentials.store.Store is Store
    assert docker.credentials.errors.StoreError is StoreError
    assert docker.credentials.constants.PROGRAM_PREFIX == PROGRAM_PREFIX
    assert docker.credentials.utils.create_environment_dict is create_environment_dict


def test_error_hierarchy() -> None:
    assert issubclass(StoreError, RuntimeError)
    assert issubclass(CredentialsNotFound, StoreError)
    assert issubclass(InitializationError, StoreError)


# --- create_environment_dict ---------------------------------------------------------------


def test_create_environment_dict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRED_TEST_A", "1")
    env = create_environment_dict({"CRED_TEST_B": "2", "CRED_TEST_A": "x"})
    assert env["CRED_TEST_A"] == "x"
    assert env["CRED_TEST_B"] == "2"
    assert os.environ["CRED_TEST_A"] == "1"
    assert "CRED_TEST_B" not in os.environ


def test_create_environment_dict_without_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRED_TEST_A", "1")
    env = create_environment_dict(None)
    assert env == dict(os.environ)
    env["CRED_TEST_A"] = "changed"
    assert os.environ["CRED_TEST_A"] == "1"


# --- process_store_error -------------------------------------------------------------------


def test_process_store_error_not_found() -> None:
    cpe = subprocess.CalledProcessError(
        1, ["x", "get"], output=b"credentials not found in native keychain\n"
    )
    err = process_store_error(cpe, "docker-credential-x")
    assert type(err) is CredentialsNotFound
    assert str(err) == "No matching credentials in docker-credential-x"


def test_process_store_error_other() -> None:
    cpe = subprocess.CalledProcessError(1, ["x", "get"], output=b"boom\n")
    err = process_store_error(cpe, "docker-credential-x")
    assert type(err) is StoreError
    assert str(err) == 'Credentials store docker-credential-x exited with "boom".'


# --- Store against the real test helper ----------------------------------------------------


def test_store_locates_helper(helpers: Helpers) -> None:
    store = Store("testhelper")
    assert store.program == "docker-credential-testhelper"
    assert store.exe == str(helpers.bin_dir / "docker-credential-testhelper")
    assert store.environment is None


def test_store_get_round_trip(helpers: Helpers) -> None:
    store = Store("testhelper")
    assert store.store("https://reg.example", "alice", "s3cret") == b""
    assert helpers.contents() == {"https://reg.example": {"Username": "alice", "Secret": "s3cret"}}
    assert store.get("https://reg.example") == {
        "ServerURL": "https://reg.example",
        "Username": "alice",
        "Secret": "s3cret",
    }


def test_store_wire_format(helpers: Helpers) -> None:
    store = Store("testhelper")
    store.store("reg.example", "bob", "pw")
    store.get("reg.example")
    store.list()
    store.erase("reg.example")
    calls = helpers.calls()
    assert [c["cmd"] for c in calls] == ["store", "get", "list", "erase"]
    assert calls[0]["stdin"] == '{"ServerURL": "reg.example", "Username": "bob", "Secret": "pw"}'
    assert calls[1]["stdin"] == "reg.example"
    assert calls[2]["stdin"] == ""
    assert calls[3]["stdin"] == "reg.example"


def test_store_get_accepts_bytes(helpers: Helpers) -> None:
    helpers.seed({"reg.example": ("u", "p")})
    assert Store("testhelper").get(b"reg.example")["Username"] == "u"


def test_store_get_unicode_server(helpers: Helpers) -> None:
    store = Store("testhelper")
    store.store("r\u00e9g.example", "u", "p\u00e4ss")
    assert store.get("r\u00e9g.example")["Secret"] == "p\u00e4ss"


def test_store_get_not_found(helpers: Helpers) -> None:
    with pytest.raises(CredentialsNotFound) as info:
        Store("testhelper").get("https://unknown.example")
    assert str(info.value) == "No matching credentials in docker-credential-testhelper"


def test_store_get_empty_answer_is_not_found(helpers: Helpers) -> None:
    with pytest.raises(CredentialsNotFound):
        Store("testhelper").get("https://empty.example")


def test_store_list(helpers: Helpers) -> None:
    helpers.seed({"https://a.example": ("ua", "pa"), "b.example": ("ub", "pb")})
    assert Store("testhelper").list() == {"https://a.example": "ua", "b.example": "ub"}


def test_store_list_empty(helpers: Helpers) -> None:
    assert Store("testhelper").list() == {}


def test_store_erase(helpers: Helpers) -> None:
    helpers.seed({"a.example": ("ua", "pa"), "b.example": ("ub", "pb")})
    store = Store("testhelper")
    store.erase("a.example")
    assert helpers.contents() == {"b.example": {"Username": "ub", "Secret": "pb"}}
    with pytest.raises(CredentialsNotFound):
        store.get("a.example")
    with pytest.raises(CredentialsNotFound):
        store.erase("a.example")


def test_store_environment_overrides(helpers: Helpers, tmp_path: Path) -> None:
    other_db = tmp_path / "other.json"
    other_db.write_text(json.dumps({"reg.example": {"Username": "other", "Secret": "x"}}))
    store = Store(
        "testhelper", environment={"TESTHELPER_DB": str(other_db), "TESTHELPER_MARK": "m"}
    )
    assert store.environment == {"TESTHELPER_DB": str(other_db), "TESTHELPER_MARK": "m"}
    assert store.get("reg.example")["Username"] == "other"
    assert helpers.calls()[-1]["mark"] == "m"
    assert "TESTHELPER_MARK" not in os.environ


def test_store_helper_found_on_overridden_path(
    helpers: Helpers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hidden = tmp_path / "hidden"
    install_helpers(hidden, helpers.db, helpers.log)
    (hidden / "docker-credential-testhelper").rename(hidden / "docker-credential-onlyhere")
    monkeypatch.setenv("PATH", os.defpath)
    store = Store("onlyhere", environment={"PATH": f"{hidden}{os.pathsep}{os.defpath}"})
    assert store.exe == str(hidden / "docker-credential-onlyhere")
    assert store.list() == {}


# --- missing and misbehaving helpers -------------------------------------------------------


def test_missing_helper_warns_then_raises(helpers: Helpers) -> None:
    message = "docker-credential-nope not installed or not available in PATH"
    with pytest.warns(UserWarning, match=message):
        store = Store("nope")
    assert store.exe is None
    for call in (lambda: store.get("x"), store.list, lambda: store.erase("x")):
        with pytest.raises(StoreError) as info:
            call()
        assert str(info.value) == message
        assert not isinstance(info.value, CredentialsNotFound)


def test_helper_installed_after_construction(helpers: Helpers) -> None:
    with pytest.warns(UserWarning):
        store = Store("late")
    (helpers.bin_dir / "docker-credential-testhelper").rename(
        helpers.bin_dir / "docker-credential-late"
    )
    assert store.list() == {}
    assert store.exe == str(helpers.bin_dir / "docker-credential-late")


def test_helper_removed_after_construction(helpers: Helpers) -> None:
    store = Store("testhelper")
    (helpers.bin_dir / "docker-credential-testhelper").unlink()
    with pytest.raises(StoreError, match="docker-credential-testhelper not installed or not"):
        store.list()


def test_helper_failure_reports_output(helpers: Helpers) -> None:
    with pytest.raises(StoreError) as info:
        Store("broken").get("reg.example")
    assert type(info.value) is StoreError
    assert str(info.value) == (
        'Credentials store docker-credential-broken exited with "internal helper failure".'
    )
    assert isinstance(info.value.__cause__, subprocess.CalledProcessError)


def test_helper_failure_on_stderr(helpers: Helpers) -> None:
    with pytest.raises(StoreError, match="oops on stderr"):
        Store("stderronly").list()


def test_helper_failure_without_output(helpers: Helpers) -> None:
    with pytest.raises(StoreError, match="docker-credential-silent exited with status 4"):
        Store("silent").erase("reg.example")


def test_helper_garbage_output(helpers: Helpers) -> None:
    with pytest.raises(StoreError, match=r"not valid JSON.*this is not json"):
        Store("garbage").get("reg.example")
    with pytest.raises(StoreError, match="not valid JSON"):
        Store("garbage").list()


def test_helper_wrong_json_shape(helpers: Helpers) -> None:
    with pytest.raises(StoreError, match="instead of a JSON object"):
        Store("wrongshape").get("reg.example")
    with pytest.raises(StoreError, match="instead of a JSON object"):
        Store("wrongshape").list()


def test_helper_that_cannot_be_executed(helpers: Helpers) -> None:
    # Executable bit set but no "#!" line and not a binary: exec fails with ENOEXEC.
    make_executable(helpers.bin_dir / "docker-credential-noexec", "\x01\x02 not a program\n")
    store = Store("noexec")
    with pytest.raises(StoreError) as info:
        store.list()
    assert str(info.value).startswith(
        f'Unexpected OS error "{os.strerror(errno.ENOEXEC)}", errno={errno.ENOEXEC}'
    )
