"""Tests for docker.utils.config: where config.json is looked for and how it is read."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from docker.utils import config


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty home directory, with DOCKER_CONFIG unset."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))
    monkeypatch.delenv("DOCKER_CONFIG", raising=False)
    return home


def write_json(path: Path, data: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_file_name_constants() -> None:
    assert os.path.join(".docker", "config.json") == config.DOCKER_CONFIG_FILENAME
    assert config.LEGACY_DOCKER_CONFIG_FILENAME == ".dockercfg"


def test_home_dir_follows_home(home: Path) -> None:
    assert config.home_dir() == str(home)


class TestConfigPathFromEnvironment:
    def test_unset(self, home: Path) -> None:
        assert config.config_path_from_environment() is None

    def test_empty_counts_as_unset(self, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("DOCKER_CONFIG", "")
        assert config.config_path_from_environment() is None

    def test_set_even_when_missing(
        self, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "nowhere"))
        assert config.config_path_from_environment() == str(tmp_path / "nowhere" / "config.json")


class TestFindConfigFile:
    def test_nothing_found(self, home: Path) -> None:
        assert config.find_config_file() is None

    def test_explicit_path_wins(
        self, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        explicit = write_json(tmp_path / "explicit.json", {})
        env_dir = tmp_path / "envcfg"
        write_json(env_dir / "config.json", {})
        monkeypatch.setenv("DOCKER_CONFIG", str(env_dir))
        write_json(home / ".docker" / "config.json", {})
        assert config.find_config_file(str(explicit)) == str(explicit)
        assert config.find_config_file(explicit) == str(explicit)

    def test_missing_explicit_path_falls_through(
        self, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        env_dir = tmp_path / "envcfg"
        write_json(env_dir / "config.json", {})
        monkeypatch.setenv("DOCKER_CONFIG", str(env_dir))
        found = config.find_config_file(str(tmp_path / "missing.json"))
        assert found == str(env_dir / "config.json")

    def test_docker_config_before_home(
        self, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        env_dir = tmp_path / "envcfg"
        write_json(env_dir / "config.json", {})
        write_json(home / ".docker" / "config.json", {})
        monkeypatch.setenv("DOCKER_CONFIG", str(env_dir))
        assert config.find_config_file() == str(env_dir / "config.json")

    def test_docker_config_without_file_falls_through(
        self, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "empty"))
        write_json(home / ".docker" / "config.json", {})
        assert config.find_config_file() == str(home / ".docker" / "config.json")

    def test_home_config_before_legacy(self, home: Path) -> None:
        write_json(home / ".docker" / "config.json", {})
        (home / ".dockercfg").write_text("{}")
        assert config.find_config_file() == str(home / ".docker" / "config.json")

    def test_legacy_last(self, home: Path) -> None:
        (home / ".dockercfg").write_text("{}")
        assert config.find_config_file() == str(home / ".dockercfg")


class TestLoadGeneralConfig:
    def test_no_file(self, home: Path) -> None:
        assert config.load_general_config() == {}

    def test_reads_home_config(self, home: Path) -> None:
        data = {"HttpHeaders": {"X-Meta": "1"}, "detachKeys": "ctrl-p", "auths": {}}
        write_json(home / ".docker" / "config.json", data)
        assert config.load_general_config() == data

    def test_explicit_path(self, home: Path, tmp_path: Path) -> None:
        write_json(home / ".docker" / "config.json", {"a": 1})
        explicit = write_json(tmp_path / "c.json", {"b": 2})
        assert config.load_general_config(str(explicit)) == {"b": 2}
        assert config.load_general_config(explicit) == {"b": 2}

    def test_invalid_json_gives_empty(self, home: Path) -> None:
        path = home / ".docker" / "config.json"
        path.parent.mkdir()
        path.write_text("{not json")
        assert config.load_general_config() == {}

    def test_legacy_ini_file_gives_empty(self, home: Path) -> None:
        (home / ".dockercfg").write_text("auth = dXNlcjpwYXNz\nemail = a@b.c\n")
        assert config.load_general_config() == {}

    def test_non_object_json_gives_empty(self, home: Path) -> None:
        write_json(home / ".docker" / "config.json", ["a", "b"])
        assert config.load_general_config() == {}

    def test_unreadable_path_gives_empty(self, home: Path) -> None:
        # A directory where the file should be: it "exists" but cannot be opened.
        (home / ".docker" / "config.json").mkdir(parents=True)
        assert config.load_general_config() == {}

    def test_utf8_with_byte_order_mark(self, home: Path) -> None:
        path = home / ".docker" / "config.json"
        path.parent.mkdir()
        path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"detachKeys": "ctrl-\u00e9"}).encode())
        assert config.load_general_config() == {"detachKeys": "ctrl-\u00e9"}

    def test_docker_config_env(
        self, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        write_json(home / ".docker" / "config.json", {"from": "home"})
        write_json(tmp_path / "env" / "config.json", {"from": "env"})
        monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "env"))
        assert config.load_general_config() == {"from": "env"}
