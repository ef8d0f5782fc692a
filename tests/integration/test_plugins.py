"""Plugin endpoints and models against the real engine, sync and async, with the wire bytes.

The plugin is built offline from busybox (tests/support/plugin.py); pushes and pulls go to the
loopback registry on 127.0.0.1:5000.  Every plugin a test creates or installs is removed (with
force) by the ``names`` fixture, whatever the outcome.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import os
import subprocess
import tarfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

import docker
from docker.aio import AsyncAPIClient, AsyncDockerClient
from docker.errors import APIError, DockerException, InvalidVersion, NotFound, NullResource
from docker.models.plugins import Plugin, PluginCollection
from tests.support.plugin import make_plugin_dir
from tests.support.wire import RecordingProxy

pytestmark = pytest.mark.usefixtures("engine", "isolated_home")

PREFIX = "dsdk-test-"
REGISTRY_REPO = "127.0.0.1:5000/dsdk-test-plugin"


class Names:
    """Unique plugin names; every plugin so named is removed at the end of the test."""

    def __init__(self) -> None:
        self.made: list[str] = []

    def local(self) -> str:
        name = f"{PREFIX}plugin-{uuid.uuid4().hex[:12]}"
        self.made.append(name)
        return name

    def remote(self, tag: str | None = None) -> str:
        ref = f"{REGISTRY_REPO}:{tag or uuid.uuid4().hex[:12]}"
        self.made.append(ref)
        return ref

    def cleanup(self) -> None:
        for name in reversed(self.made):
            subprocess.run(["docker", "plugin", "rm", "-f", name], capture_output=True, timeout=120)


@pytest.fixture
def names(docker_cli: str) -> Iterator[Names]:
    made = Names()
    yield made
    made.cleanup()


@pytest.fixture
def plugin_dir(tmp_path: Path) -> Callable[..., str]:
    """A new plugin directory (unique content) per call."""

    def make(description: str = "dsdk test plugin") -> str:
        return make_plugin_dir(tmp_path, description)

    return make


@pytest.fixture
def proxy(engine: str) -> Iterator[RecordingProxy]:
    p = RecordingProxy(engine)
    yield p
    p.close()


def _errors(items: list[dict[str, Any]]) -> list[str]:
    return [
        str(item.get("error")) for item in items if item.get("error") or item.get("errorDetail")
    ]


def _env(attrs: dict[str, Any]) -> list[str]:
    return list(attrs["Settings"]["Env"])


def _write_auth_config(home: Any, registry: str, username: str, password: str) -> None:
    config_dir = Path(str(home)) / ".docker"
    config_dir.mkdir(exist_ok=True)
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    (config_dir / "config.json").write_text(json.dumps({"auths": {registry: {"auth": token}}}))


# ------------------------------------------------------------------------------------------------
# Low level, sync


def test_create_inspect_list_configure_enable_disable_remove(
    api: docker.APIClient, names: Names, plugin_dir: Callable[..., str]
) -> None:
    name = names.local()
    assert api.create_plugin(name, plugin_dir()) is True
    info = api.inspect_plugin(name)
    assert info["Name"] == f"{name}:latest"
    assert info["Enabled"] is False
    assert info["Config"]["Interface"]["Socket"] == "plugin.sock"
    assert f"{name}:latest" in [p["Name"] for p in api.plugins()]
    # by ID too
    assert api.inspect_plugin(info["Id"])["Name"] == f"{name}:latest"

    assert api.configure_plugin(name, {"DEBUG": "1"}) is True
    assert "DEBUG=1" in _env(api.inspect_plugin(name))
    assert api.configure_plugin(name, ["DEBUG=2"]) is True
    assert "DEBUG=2" in _env(api.inspect_plugin(name))

    assert api.enable_plugin(name, timeout=5) is True
    assert api.inspect_plugin(name)["Enabled"] is True
    with pytest.raises(APIError):  # the engine refuses to configure an enabled plugin
        api.configure_plugin(name, {"DEBUG": "3"})
    with pytest.raises(APIError) as remove_err:
        api.remove_plugin(name)
    assert "enabled" in str(remove_err.value.explanation)
    assert api.disable_plugin(name, force=True) is True
    assert api.inspect_plugin(name)["Enabled"] is False
    assert api.remove_plugin(name) is True
    with pytest.raises(NotFound):
        api.inspect_plugin(name)


def test_remove_force_removes_an_enabled_plugin(
    api: docker.APIClient, names: Names, plugin_dir: Callable[..., str]
) -> None:
    name = names.local()
    api.create_plugin(name, plugin_dir())
    api.enable_plugin(name)
    assert api.remove_plugin(name, force=True) is True
    with pytest.raises(NotFound):
        api.inspect_plugin(name)


def test_push_privileges_pull_and_upgrade(
    api: docker.APIClient, names: Names, plugin_dir: Callable[..., str]
) -> None:
    remote = names.remote()
    remote_v2 = names.remote()
    local = names.local()

    api.create_plugin(remote, plugin_dir("version one"))
    pushed = list(api.push_plugin(remote))
    assert not _errors(pushed)
    assert any(item.get("aux", {}).get("Tag") == remote.rsplit(":", 1)[1] for item in pushed)
    api.remove_plugin(remote)
    api.create_plugin(remote_v2, plugin_dir("version two"))
    assert not _errors(list(api.push_plugin(remote_v2)))
    api.remove_plugin(remote_v2)

    privileges = api.plugin_privileges(remote)
    capabilities = [p for p in privileges if p["Name"] == "capabilities"]
    assert capabilities and capabilities[0]["Value"] == ["CAP_NET_ADMIN"]

    # Without the privileges granted the daemon refuses, inside the 200 reply.
    refused = list(api.pull_plugin(remote, [], local))
    assert any("privileges" in message for message in _errors(refused))
    with pytest.raises(NotFound):
        api.inspect_plugin(local)

    pulled = list(api.pull_plugin(remote, privileges, local))
    assert not _errors(pulled)
    info = api.inspect_plugin(local)
    assert info["Name"] == f"{local}:latest"
    assert info["PluginReference"] == remote
    assert info["Config"]["Description"].startswith("version one")
    assert info["Enabled"] is False
    assert api.enable_plugin(local) is True

    v2_privileges = api.plugin_privileges(remote_v2)
    with pytest.raises(APIError) as enabled_err:
        api.upgrade_plugin(local, remote_v2, v2_privileges)
    assert enabled_err.value.status_code == 409
    api.disable_plugin(local)
    upgraded = list(api.upgrade_plugin(local, remote_v2, v2_privileges))
    assert not _errors(upgraded)
    info = api.inspect_plugin(local)
    assert info["PluginReference"] == remote_v2
    assert info["Config"]["Description"].startswith("version two")
    assert api.remove_plugin(local, force=True) is True


def test_gzip_archive_is_sent_compressed(
    names: Names, proxy: RecordingProxy, tmp_path: Path
) -> None:
    # The 20.10 engine does not decompress a plugin archive (`docker plugin create --compress`
    # fails the same way), so the check is on the wire: a gzip stream, which the engine rejects
    # as a tar.  The directory is tiny, so the whole body is sent before the daemon answers.
    root = tmp_path / "tiny"
    (root / "rootfs").mkdir(parents=True)
    (root / "config.json").write_text("{}")
    name = names.local()
    with docker.APIClient(base_url=proxy.base_url) as client, pytest.raises(APIError) as err:
        client.create_plugin(name, str(root), gzip=True)
    assert "tar" in str(err.value.explanation)
    request = proxy.last("/plugins/create")
    assert request.body[:2] == b"\x1f\x8b"
    assert parse_qs(request.query) == {"name": [name]}


def test_argument_checks(api: docker.APIClient) -> None:
    with pytest.raises(NullResource):
        api.configure_plugin(None, {})  # type: ignore[arg-type]
    with pytest.raises(NullResource):
        api.push_plugin("")
    with pytest.raises(NullResource):
        api.remove_plugin(None)  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        api.inspect_plugin(f"{PREFIX}no-such-plugin")
    with docker.APIClient(version="1.24") as old, pytest.raises(InvalidVersion):
        old.plugins()
    with docker.APIClient(version="1.25") as old, pytest.raises(InvalidVersion):
        old.upgrade_plugin("x", "y", [])


# ------------------------------------------------------------------------------------------------
# Wire


def test_wire_create_configure_enable_disable_remove(
    names: Names, proxy: RecordingProxy, plugin_dir: Callable[..., str]
) -> None:
    name = names.local()
    with docker.APIClient(base_url=proxy.base_url) as client:
        client.create_plugin(name, plugin_dir())
        client.configure_plugin(name, {"DEBUG": "1", "SOCKET_TARGET": "/var/run/docker.sock"})
        client.enable_plugin(name)
        client.disable_plugin(name)
        client.remove_plugin(name, force=True)
        version = client.api_version

    create = proxy.last("/plugins/create")
    assert create.method == "POST"
    assert create.path == f"/v{version}/plugins/create"
    assert parse_qs(create.query) == {"name": [name]}
    with tarfile.open(fileobj=io.BytesIO(create.body)) as archive:
        members = set(archive.getnames())
    assert {"config.json", "rootfs/bin/busybox", "rootfs/bin/sh"} <= members

    configure = proxy.last(f"/plugins/{name}/set")
    assert configure.method == "POST"
    assert configure.headers["content-type"] == "application/json"
    assert json.loads(configure.body) == ["DEBUG=1", "SOCKET_TARGET=/var/run/docker.sock"]

    assert proxy.last(f"/plugins/{name}/enable").query == "timeout=0"
    assert proxy.last(f"/plugins/{name}/disable").query == "force=False"
    remove = proxy.last(f"/plugins/{name}")
    assert remove.method == "DELETE"
    assert remove.query == "force=True"


def test_wire_push_privileges_pull_upgrade(
    names: Names,
    proxy: RecordingProxy,
    plugin_dir: Callable[..., str],
    isolated_home: Any,
) -> None:
    remote = names.remote()
    local = names.local()
    # Credentials in the config for the (auth-less) registry: sent as X-Registry-Auth.
    _write_auth_config(isolated_home, "127.0.0.1:5000", "someone", "secret")
    with docker.APIClient(base_url=proxy.base_url) as client:
        client.create_plugin(remote, plugin_dir())
        assert not _errors(list(client.push_plugin(remote)))
        client.remove_plugin(remote)
        privileges = client.plugin_privileges(remote)
        assert not _errors(list(client.pull_plugin(remote, privileges, name=local)))
        assert not _errors(list(client.upgrade_plugin(local, remote, privileges)))

    # A3: push goes to /push (the original posted to /pull).
    push = proxy.last(f"/plugins/{remote}/push")
    assert push.method == "POST"
    pull = proxy.last("/plugins/pull")
    assert pull.method == "POST"
    assert parse_qs(pull.query) == {"remote": [remote], "name": [local]}
    assert pull.headers["content-type"] == "application/json"
    assert json.loads(pull.body) == privileges
    upgrade = proxy.last(f"/plugins/{local}/upgrade")
    assert parse_qs(upgrade.query) == {"remote": [remote]}
    assert json.loads(upgrade.body) == privileges
    query = proxy.last("/plugins/privileges").query
    assert parse_qs(query) == {"remote": [remote]}
    for request in (push, pull, upgrade, proxy.last("/plugins/privileges")):
        header = request.headers["x-registry-auth"]
        decoded = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
        assert decoded["username"] == "someone"
        assert decoded["password"] == "secret"
        assert decoded["serveraddress"] == "127.0.0.1:5000"


def test_wire_no_auth_header_without_credentials(names: Names, proxy: RecordingProxy) -> None:
    remote = names.remote()
    with docker.APIClient(base_url=proxy.base_url) as client, pytest.raises(APIError):
        client.pull_plugin(remote, [])  # never pushed: the engine fails to resolve it
    pull = proxy.last("/plugins/pull")
    assert "x-registry-auth" not in pull.headers
    assert parse_qs(pull.query) == {"remote": [remote]}
    assert pull.body == b"[]"


# ------------------------------------------------------------------------------------------------
# Low level, async


def test_async_lifecycle(names: Names, plugin_dir: Callable[..., str]) -> None:
    local = names.local()
    remote = names.remote()
    pulled_name = names.local()
    directory = plugin_dir()
    remote_dir = plugin_dir()

    async def main() -> None:
        async with AsyncAPIClient() as client:
            assert await client.create_plugin(local, directory) is True
            assert (await client.inspect_plugin(local))["Enabled"] is False
            assert f"{local}:latest" in [p["Name"] for p in await client.plugins()]
            assert await client.configure_plugin(local, {"DEBUG": "1"}) is True
            assert "DEBUG=1" in _env(await client.inspect_plugin(local))
            assert await client.enable_plugin(local) is True
            assert (await client.inspect_plugin(local))["Enabled"] is True
            assert await client.disable_plugin(local, force=True) is True
            assert await client.remove_plugin(local) is True

            await client.create_plugin(remote, remote_dir)
            push = await client.push_plugin(remote)
            assert not _errors([item async for item in push])
            await client.remove_plugin(remote)
            privileges = await client.plugin_privileges(remote)
            refused = await client.pull_plugin(remote, [], pulled_name)
            assert any("privileges" in m for m in _errors([i async for i in refused]))
            pull = await client.pull_plugin(remote, privileges, pulled_name)
            assert not _errors([item async for item in pull])
            assert await client.enable_plugin(pulled_name) is True
            await client.disable_plugin(pulled_name)
            upgrade = await client.upgrade_plugin(pulled_name, remote, privileges)
            assert not _errors([item async for item in upgrade])
            assert await client.remove_plugin(pulled_name, force=True) is True
            with pytest.raises(NotFound):
                await client.inspect_plugin(pulled_name)

    asyncio.run(main())


# ------------------------------------------------------------------------------------------------
# Models, sync


def test_models(
    names: Names,
    plugin_dir: Callable[..., str],
    proxy: RecordingProxy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    remote = names.remote()
    remote_v2 = names.remote()
    local = names.local()
    with docker.DockerClient(base_url=proxy.base_url) as client:
        assert isinstance(client.plugins, PluginCollection)
        plugin = client.plugins.create(remote, plugin_dir("model one"))
        assert isinstance(plugin, Plugin)
        assert plugin.name == remote
        assert repr(plugin) == f"<Plugin: '{remote}'>"
        assert plugin.enabled is False
        assert plugin.settings is not None and "DEBUG=0" in plugin.settings["Env"]
        assert remote in [p.name for p in client.plugins.list()]
        assert client.plugins.get(plugin.id) == plugin

        assert plugin.configure({"DEBUG": "1"}) is None
        assert "DEBUG=1" in plugin.settings["Env"]
        plugin.enable()
        assert plugin.enabled is True
        with pytest.raises(DockerException, match="disabled"):
            plugin.upgrade()
        plugin.disable(force=True)
        assert plugin.enabled is False

        assert not _errors(list(plugin.push()))
        assert plugin.remove() is True
        v2 = client.plugins.create(remote_v2, plugin_dir("model two"))
        assert not _errors(list(v2.push()))
        v2.remove(force=True)

        # Privileges not granted: the in-stream failure becomes an APIError.
        with monkeypatch.context() as patch:
            patch.setattr(client.api, "plugin_privileges", lambda name: [])
            with pytest.raises(APIError) as refused:
                client.plugins.install(remote, local)
        assert "privileges" in str(refused.value.explanation)
        with pytest.raises(NotFound):
            client.plugins.get(local)

        installed = client.plugins.install(remote, local)
        assert installed.name == f"{local}:latest"
        assert installed.enabled is False
        assert installed.attrs["Config"]["Description"].startswith("model one")
        installed.enable()
        assert installed.enabled
        installed.disable()

        before = len(proxy.requests)
        progress = installed.upgrade(remote_v2)
        assert len(proxy.requests) == before  # nothing is sent before iteration
        items = list(progress)
        assert items and not _errors(items)
        assert installed.attrs["PluginReference"] == remote_v2
        assert installed.attrs["Config"]["Description"].startswith("model two")
        # Stopping early closes the stream (no warning about an unclosed connection).
        again = installed.upgrade(remote_v2)
        assert isinstance(next(again), dict)
        again.close()
        assert installed.remove(force=True) is True
        with pytest.raises(NotFound):
            client.plugins.get(local)


def test_model_install_reports_a_failed_pull(names: Names, plugin_dir: Callable[..., str]) -> None:
    missing = names.remote()  # never pushed
    with docker.DockerClient() as client, pytest.raises(APIError):
        client.plugins.install(missing, names.local())


# ------------------------------------------------------------------------------------------------
# Models, async


def test_async_models(names: Names, plugin_dir: Callable[..., str]) -> None:
    remote = names.remote()
    local = names.local()
    directory = plugin_dir("async one")
    directory_v2 = plugin_dir("async two")
    remote_v2 = names.remote()

    async def main() -> None:
        async with AsyncDockerClient() as client:
            plugin = await client.plugins.create(remote, directory)
            assert isinstance(plugin, Plugin)
            assert plugin.enabled is False
            assert remote in [p.name for p in await client.plugins.list()]
            await plugin.configure({"DEBUG": "1"})
            assert plugin.settings is not None and "DEBUG=1" in plugin.settings["Env"]
            await plugin.enable()
            assert plugin.enabled is True
            with pytest.raises(DockerException, match="disabled"):
                await plugin.upgrade()
            await plugin.disable()
            push = await plugin.push()
            assert not _errors([item async for item in push])
            assert await plugin.remove() is True

            v2 = await client.plugins.create(remote_v2, directory_v2)
            push = await v2.push()
            assert not _errors([item async for item in push])
            await v2.remove()

            installed = await client.plugins.install(remote, local)
            assert installed.name == f"{local}:latest"
            await installed.enable()
            assert installed.enabled is True
            await installed.disable(force=True)
            progress = await installed.upgrade(remote_v2)
            items = [item async for item in progress]
            assert items and not _errors(items)
            assert installed.attrs["Config"]["Description"].startswith("async two")
            await installed.remove(force=True)
            with pytest.raises(NotFound):
                await client.plugins.get(local)

    asyncio.run(main())


def test_helper_builds_unique_plugin_dirs(tmp_path: Path) -> None:
    first = make_plugin_dir(tmp_path)
    second = make_plugin_dir(tmp_path)
    assert first != second
    with open(os.path.join(first, "config.json")) as f:
        config = json.load(f)
    assert config["Interface"]["Socket"] == "plugin.sock"
    assert config["Linux"]["Capabilities"] == ["CAP_NET_ADMIN"]
    assert os.path.islink(os.path.join(first, "rootfs", "bin", "sh"))
