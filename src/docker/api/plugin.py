"""Plugin endpoints: create, install (pull), configure, enable, disable, push, upgrade, remove."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .. import auth
from .._core.endpoint import Call, endpoint
from .._core.message import Request
from .._core.streams import json_items
from ..utils.decorators import check_resource, minimum_version
from .daemon import json_request

if TYPE_CHECKING:
    from ..types.daemon import CancellableStream

__all__ = ["PluginApiMixin"]


class PluginApiMixin:
    """Endpoints about managed plugins (``/plugins``)."""

    _path: Callable[..., str]
    _version: str

    def _plugin_auth_headers(self, remote: str) -> dict[str, str]:
        """``X-Registry-Auth`` for ``remote``'s registry from the Docker config, if any."""
        registry, _ = auth.resolve_repository_name(remote)
        header = auth.get_config_header(self, registry)
        return {"X-Registry-Auth": header.decode("ascii")} if header else {}

    @endpoint
    @minimum_version("1.25")
    @check_resource("name")
    def configure_plugin(self, name: str, options: Any) -> Call[bool]:
        """Change a plugin's settings (``POST /plugins/{name}/set``); returns ``True``.

        ``options`` is a dict such as ``{'DEBUG': '1'}`` (sent as ``['DEBUG=1']``) or a list of
        ``'key=value'`` strings.  Settable are the ``Env`` entries, ``Args`` (as ``args``), and
        the sources of mounts and devices the plugin declares settable; the plugin must be
        disabled.
        """
        data = options
        if isinstance(data, dict):
            data = [f"{key}={value}" for key, value in data.items()]
        yield json_request("POST", self._path("/plugins/{0}/set", name), data)
        return True

    @endpoint
    @minimum_version("1.25")
    def create_plugin(self, name: str, plugin_data_dir: str, gzip: bool = False) -> Call[bool]:
        """Create a plugin from a directory (``POST /plugins/create``); returns ``True``.

        ``plugin_data_dir`` holds the plugin's ``config.json`` and its ``rootfs`` directory;
        every file under it is sent as a tar archive (gzip-compressed with ``gzip``).  The
        plugin is created disabled, named ``name`` (``:latest`` is added when no tag is given).
        """
        from ..utils.build import create_archive, walk

        files = set(walk(plugin_data_dir, []))
        with create_archive(root=plugin_data_dir, gzip=gzip, files=files) as archive:
            yield Request("POST", "/plugins/create", params={"name": name}, body=archive)
        return True

    @endpoint
    @minimum_version("1.25")
    def disable_plugin(self, name: str, force: bool = False) -> Call[bool]:
        """Stop a plugin (``POST /plugins/{name}/disable``); returns ``True``.

        ``force`` disables it even while something (a volume, a container) uses it.
        """
        yield Request("POST", self._path("/plugins/{0}/disable", name), params={"force": force})
        return True

    @endpoint
    @minimum_version("1.25")
    def enable_plugin(self, name: str, timeout: int = 0) -> Call[bool]:
        """Start a plugin (``POST /plugins/{name}/enable``); returns ``True``.

        ``timeout`` is the HTTP client timeout, in seconds, the daemon uses when it talks to
        the plugin (``0``: the daemon's default).
        """
        yield Request("POST", self._path("/plugins/{0}/enable", name), params={"timeout": timeout})
        return True

    @endpoint
    @minimum_version("1.25")
    def inspect_plugin(self, name: str) -> Call[dict[str, Any]]:
        """A plugin's details (``GET /plugins/{name}/json``); a missing one raises
        :class:`~docker.errors.NotFound`."""
        response = yield Request("GET", self._path("/plugins/{0}/json", name))
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    @minimum_version("1.25")
    def pull_plugin(
        self, remote: str, privileges: list[dict[str, Any]], name: str | None = None
    ) -> Call[CancellableStream[dict[str, Any]]]:
        """Install a plugin from a registry (``POST /plugins/pull``).

        ``remote`` is the plugin's reference (``registry/name:tag``), ``privileges`` the list
        :meth:`plugin_privileges` returns, which the user grants (the daemon refuses a list
        that does not match what the plugin asks for), ``name`` the local name (default:
        ``remote``).  Credentials for the registry come from the Docker config.

        Returns a stream of the daemon's progress items (dicts); a failure after the reply
        started (such as ``incorrect privileges``) shows up as an item with ``errorDetail``.
        The plugin is installed disabled.
        """
        params: dict[str, Any] = {"remote": remote}
        if name:
            params["name"] = name
        stream = yield json_request(
            "POST",
            "/plugins/pull",
            privileges,
            params=params,
            headers=self._plugin_auth_headers(remote),
            timeout=None,
            stream=json_items,
        )
        return stream  # type: ignore[no-any-return]

    @endpoint
    @minimum_version("1.25")
    def plugins(self) -> Call[list[dict[str, Any]]]:
        """The installed plugins (``GET /plugins``), as a list of dicts."""
        response = yield Request("GET", "/plugins")
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    @minimum_version("1.25")
    def plugin_privileges(self, name: str) -> Call[list[dict[str, Any]]]:
        """The privileges a plugin in a registry asks for (``GET /plugins/privileges``).

        ``name`` is the remote reference.  Returns a list of ``{'Name': ..., 'Description':
        ..., 'Value': [...]}`` dicts, to be granted with :meth:`pull_plugin` or
        :meth:`upgrade_plugin`.
        """
        response = yield Request(
            "GET",
            "/plugins/privileges",
            params={"remote": name},
            headers=self._plugin_auth_headers(name) or None,
        )
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    @minimum_version("1.25")
    @check_resource("name")
    def push_plugin(self, name: str) -> Call[CancellableStream[dict[str, Any]]]:
        """Push a plugin to its registry (``POST /plugins/{name}/push``).

        ``name`` is the plugin's reference, which names the registry (``registry/name:tag``).
        Credentials come from the Docker config.  Returns a stream of the daemon's progress
        items (dicts); a failure after the reply started shows up as an item with
        ``errorDetail``.
        """
        stream = yield Request(
            "POST",
            self._path("/plugins/{0}/push", name),
            headers=self._plugin_auth_headers(name) or None,
            timeout=None,
            stream=json_items,
        )
        return stream  # type: ignore[no-any-return]

    @endpoint
    @minimum_version("1.25")
    @check_resource("name")
    def remove_plugin(self, name: str, force: bool = False) -> Call[bool]:
        """Delete a plugin (``DELETE /plugins/{name}``); returns ``True``.

        An enabled plugin is refused unless ``force`` is set.
        """
        yield Request("DELETE", self._path("/plugins/{0}", name), params={"force": force})
        return True

    @endpoint
    @minimum_version("1.26")
    @check_resource("name")
    def upgrade_plugin(
        self, name: str, remote: str, privileges: list[dict[str, Any]]
    ) -> Call[CancellableStream[dict[str, Any]]]:
        """Replace a disabled plugin by another version from a registry
        (``POST /plugins/{name}/upgrade``).

        ``remote`` is the reference to pull, ``privileges`` the list
        :meth:`plugin_privileges` returns for it, granted.  Returns a stream of the daemon's
        progress items (dicts), as :meth:`pull_plugin` does.
        """
        stream = yield json_request(
            "POST",
            self._path("/plugins/{0}/upgrade", name),
            privileges,
            params={"remote": remote},
            headers=self._plugin_auth_headers(remote),
            timeout=None,
            stream=json_items,
        )
        return stream  # type: ignore[no-any-return]
