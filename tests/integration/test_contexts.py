"""Docker contexts: written by us and read by the Docker CLI, and the other way round.

Every test runs with HOME in a temporary directory (no DOCKER_CONFIG), so the contexts and the
config file live there; the CLI subprocesses get the same HOME.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

import docker
import docker.aio
from docker.context import Context, ContextAPI, config
from docker.errors import (
    ContextAlreadyExists,
    ContextException,
    ContextNotFound,
    MissingContextParameter,
)
from docker.tls import TLSConfig
from tests.support.tls_engine import TLS_URL, cert, run_tls_engine

pytestmark = pytest.mark.engine

ENGINE = "unix:///var/run/docker.sock"
#: The CLI's current context (20.10 has no `docker context show`).
CURRENT = ("context", "ls", "--format", "{{if .Current}}{{.Name}}{{end}}")


@pytest.fixture(scope="module")
def tls_engine(engine: str) -> Iterator[None]:
    yield from run_tls_engine()


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    for var in (
        "DOCKER_CONFIG",
        "DOCKER_HOST",
        "DOCKER_CONTEXT",
        "DOCKER_TLS_VERIFY",
        "DOCKER_CERT_PATH",
    ):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


@pytest.fixture(scope="module")
def cli_path(engine: str) -> str:
    # The CLI shipped with the engine (20.10) when present, else any docker CLI.
    path = "/usr/bin/docker" if os.access("/usr/bin/docker", os.X_OK) else shutil.which("docker")
    if path is None:
        pytest.fail("the docker CLI is missing: run `bash scripts/engine.sh up`")
    return path


def run_cli(cli_path: str, home: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
    env["HOME"] = str(home)
    done = subprocess.run(
        [cli_path, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, f"docker {' '.join(args)} failed: {done.stderr}"
    return done.stdout.strip()


# ----------------------------------------------------------------------------------------------
# interoperability with the CLI


def test_context_created_here_works_in_the_cli(cli_path: str, home: Path) -> None:
    ctx = ContextAPI.create_context("ours", host=ENGINE)
    assert ctx.Host == ENGINE  # the CLI's form (gap A16)
    meta_file = home / ".docker" / "contexts" / "meta" / config.get_context_id("ours") / "meta.json"
    assert json.loads(meta_file.read_text()) == {
        "Name": "ours",
        "Metadata": {},
        "Endpoints": {"docker": {"Host": ENGINE, "SkipTLSVerify": False}},
    }
    assert run_cli(
        cli_path, home, "--context", "ours", "version", "--format", "{{.Server.APIVersion}}"
    )
    listed = run_cli(cli_path, home, "context", "ls", "--format", "{{.Name}} {{.DockerEndpoint}}")
    assert f"ours {ENGINE}" in listed.splitlines()


def test_tcp_context_is_stored_in_cli_form() -> None:
    ctx = ContextAPI.create_context("tcp", host="tcp://127.0.0.1:2375")
    assert ctx.Host == "tcp://127.0.0.1:2375"
    loaded = Context.load_context("tcp")
    assert loaded is not None and loaded.Host == "tcp://127.0.0.1:2375"
    assert ContextAPI.kwargs_from_context("tcp") == {"base_url": "tcp://127.0.0.1:2375"}


def test_context_created_by_the_cli_works_here(cli_path: str, home: Path) -> None:
    run_cli(cli_path, home, "context", "create", "fromcli", "--docker", f"host={ENGINE}")
    client = docker.from_context("fromcli")
    try:
        assert client.ping() is True
        assert client.api.base_url == "http+docker://localhost"
    finally:
        client.close()
    ctx = ContextAPI.get_context("fromcli")
    assert ctx is not None and ctx.Host == ENGINE and ctx.TLSConfig is None

    async def main() -> None:
        async with docker.aio.from_context("fromcli") as aclient:
            assert await aclient.ping() is True

    asyncio.run(main())


def test_tls_context_created_by_the_cli(cli_path: str, home: Path, tls_engine: None) -> None:
    spec = (
        f"host={TLS_URL},ca={cert('ca.pem')},cert={cert('client.pem')},key={cert('client-key.pem')}"
    )
    run_cli(cli_path, home, "context", "create", "clitls", "--docker", spec)
    ctx = ContextAPI.get_context("clitls")
    assert ctx is not None
    tls = ctx.TLSConfig
    assert isinstance(tls, TLSConfig) and tls.verify is True
    assert ContextAPI.inspect_context("clitls")["TLSMaterial"] == {
        "docker": ["ca.pem", "cert.pem", "key.pem"]
    }
    client = docker.from_context("clitls")
    try:
        assert client.api.base_url == "https://127.0.0.1:2376"
        assert client.version()["ApiVersion"]
    finally:
        client.close()


def test_tls_context_created_here_works_in_the_cli(
    cli_path: str, home: Path, tls_engine: None
) -> None:
    tls = TLSConfig(
        client_cert=(cert("client.pem"), cert("client-key.pem")),
        ca_cert=cert("ca.pem"),
        verify=True,
    )
    ContextAPI.create_context("ourtls", host=TLS_URL, tls_cfg=tls)
    tls_dir = Path(config.get_tls_dir("ourtls", "docker"))
    assert sorted(os.listdir(tls_dir)) == ["ca.pem", "cert.pem", "key.pem"]  # the CLI's names
    version = run_cli(
        cli_path, home, "--context", "ourtls", "version", "--format", "{{.Server.APIVersion}}"
    )
    assert version
    with docker.from_context("ourtls") as client:
        assert client.ping() is True


# ----------------------------------------------------------------------------------------------
# current context and from_env


def test_set_and_get_current_context_creates_the_config_file(home: Path) -> None:
    assert not (home / ".docker" / "config.json").exists()
    assert config.get_current_context_name() == "default"
    ContextAPI.create_context("cur", host=ENGINE)
    ContextAPI.set_current_context("cur")  # no config.json yet (gap A15)
    data = json.loads((home / ".docker" / "config.json").read_text())
    assert data == {"currentContext": "cur"}
    assert config.get_current_context_name() == "cur"
    current = ContextAPI.get_current_context()
    assert current is not None and current.Name == "cur"
    ContextAPI.set_current_context("default")
    assert "currentContext" not in json.loads((home / ".docker" / "config.json").read_text())
    with pytest.raises(ContextNotFound):
        ContextAPI.set_current_context("nope")


def test_from_env_follows_the_cli_order(cli_path: str, home: Path, tls_engine: None) -> None:
    ContextAPI.create_context(
        "tlsctx",
        host=TLS_URL,
        tls_cfg=TLSConfig(
            client_cert=(cert("client.pem"), cert("client-key.pem")),
            ca_cert=cert("ca.pem"),
            verify=True,
        ),
    )
    ContextAPI.create_context("broken", host="tcp://127.0.0.1:1")
    # config.json's currentContext
    ContextAPI.set_current_context("tlsctx")
    with docker.from_env() as client:
        assert client.api.base_url == "https://127.0.0.1:2376"
        assert client.ping() is True
    # DOCKER_CONTEXT wins over currentContext
    env = {"DOCKER_CONTEXT": "broken"}
    with docker.from_env(environment=env) as client:
        assert client.api.base_url == "http://127.0.0.1:1"
    # DOCKER_HOST wins over both
    env = {"DOCKER_CONTEXT": "broken", "DOCKER_HOST": ENGINE}
    with docker.from_env(environment=env) as client:
        assert client.api.base_url == "http+docker://localhost"
        assert client.ping() is True
    # use_context=False: the default socket
    with docker.from_env(use_context=False) as client:
        assert client.api.base_url == "http+docker://localhost"
    # The CLI agrees on the current context.
    assert run_cli(cli_path, home, *CURRENT) == "tlsctx"


def test_from_env_without_anything_uses_the_default_socket() -> None:
    with docker.from_env() as client:
        assert client.api.base_url == "http+docker://localhost"
        assert client.ping() is True


# ----------------------------------------------------------------------------------------------
# management and errors


def test_list_inspect_and_remove(cli_path: str, home: Path) -> None:
    ContextAPI.create_context("one", host=ENGINE)
    ContextAPI.create_context("two", host="tcp://127.0.0.1:2375")
    names = [ctx.Name for ctx in ContextAPI.contexts()]
    assert names[0] == "default" and sorted(names[1:]) == ["one", "two"]
    info = ContextAPI.inspect_context("two")
    assert info["Endpoints"]["docker"]["Host"] == "tcp://127.0.0.1:2375"
    assert info["Storage"]["MetadataPath"] == config.get_meta_dir("two")
    assert ContextAPI.inspect_context()["Name"] == "default"
    with pytest.raises(ContextAlreadyExists):
        ContextAPI.create_context("one", host=ENGINE)

    ContextAPI.set_current_context("two")
    ContextAPI.remove_context("two")
    assert ContextAPI.get_context("two") is None
    assert config.get_current_context_name() == "default"
    assert not os.path.exists(config.get_meta_dir("two"))
    assert "two" not in run_cli(cli_path, home, "context", "ls", "--format", "{{.Name}}")


def test_default_context_is_a_fresh_object_each_time() -> None:
    first = ContextAPI.DEFAULT_CONTEXT
    first.endpoints["docker"]["Host"] = "tcp://changed:1"
    assert ContextAPI.DEFAULT_CONTEXT.Host == "unix:///var/run/docker.sock"  # gap B26
    assert ContextAPI.get_context("default") is not first


def test_missing_and_reserved_names() -> None:
    with pytest.raises(ContextNotFound, match="context 'nope' not found"):
        ContextAPI.remove_context("nope")
    with pytest.raises(ContextNotFound):
        ContextAPI.inspect_context("nope")
    assert ContextAPI.get_context("nope") is None
    assert ContextAPI.kwargs_from_context("nope") == {}
    with pytest.raises(MissingContextParameter):
        ContextAPI.create_context("")
    with pytest.raises(ContextException, match="reserved"):
        ContextAPI.create_context("default")
    with pytest.raises(ContextException, match="cannot be removed"):
        ContextAPI.remove_context("default")
    with pytest.raises(ContextException, match="Name not provided"):  # gap B28
        Context("")


def test_broken_meta_file_names_the_file() -> None:
    ContextAPI.create_context("bad", host=ENGINE)
    meta_file = config.get_meta_file("bad")
    Path(meta_file).write_text("{not json")
    with pytest.raises(ContextException) as info:
        ContextAPI.get_context("bad")
    assert meta_file in str(info.value) and "corrupted" in str(info.value)
    with pytest.raises(ContextException, match="meta.json"):
        ContextAPI.contexts()
    with pytest.raises(ContextException, match="meta.json"):
        docker.from_context("bad")


def test_context_dir_is_absolute_without_config_file(home: Path) -> None:
    # gap A14: the original used a relative contexts/ under the CWD when no config existed.
    assert config.get_context_dir() == str(home / ".docker" / "contexts")
    assert config.get_meta_dir() == str(home / ".docker" / "contexts" / "meta")
    assert config.get_tls_dir("x", "docker").startswith(str(home / ".docker" / "contexts" / "tls"))


def test_docker_config_variable_moves_everything(
    home: Path, monkeypatch: pytest.MonkeyPatch, cli_path: str
) -> None:
    cfg = home / "elsewhere"
    monkeypatch.setenv("DOCKER_CONFIG", str(cfg))
    ContextAPI.create_context("moved", host=ENGINE)
    ContextAPI.set_current_context("moved")
    assert (cfg / "config.json").exists()
    assert (cfg / "contexts" / "meta" / config.get_context_id("moved") / "meta.json").exists()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
    env.update(HOME=str(home), DOCKER_CONFIG=str(cfg))
    shown = subprocess.run(
        [cli_path, *CURRENT], env=env, capture_output=True, text=True, timeout=60
    )
    assert shown.stdout.strip() == "moved"


def test_get_context_host_forms() -> None:
    assert config.get_context_host() == "unix:///var/run/docker.sock"
    assert config.get_context_host("unix:///tmp/d.sock") == "unix:///tmp/d.sock"
    assert config.get_context_host("tcp://h:2376", tls=True) == "tcp://h:2376"
    assert config.get_context_host("https://h:2376") == "tcp://h:2376"
    assert config.get_context_host("ssh://u@h") == "ssh://u@h:22"
