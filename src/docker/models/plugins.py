"""Plugins as objects: ``client.plugins`` and the :class:`Plugin` model."""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Iterator
from typing import Any

from .._core.modelcall import Collect, Effect, ModelCall, PerDriver, model_call
from ..api.image import progress_error
from ..errors import APIError, DockerException
from .resource import Collection, Model

__all__ = ["Plugin", "PluginCollection"]


class _Relay:
    """Yielded by a lazy model generator: hand every item of ``stream`` to the caller."""

    __slots__ = ("stream",)

    def __init__(self, stream: Any) -> None:
        self.stream = stream


def _relay_sync(call: ModelCall[None]) -> Iterator[Any]:
    """Run a model generator when iterated, blocking, passing the relayed items on.

    Like :func:`~docker._core.modelcall.run_model_sync`, except that nothing runs before the
    first ``next()`` and a yielded :class:`_Relay` makes its stream's items this iterator's.
    """
    send: Any = None
    error: BaseException | None = None
    try:
        while True:
            try:
                value = call.send(send) if error is None else call.throw(error)
            except StopIteration:
                return
            send, error = None, None
            if isinstance(value, _Relay):
                stream = value.stream
                try:
                    yield from stream
                finally:
                    stream.close()
            elif isinstance(value, Effect):
                try:
                    send = value.run_sync()
                except Exception as exc:  # handed to the definition, which may re-raise
                    error = exc
            else:
                send = value
    finally:
        call.close()


async def _relay_async(call: ModelCall[None]) -> AsyncIterator[Any]:
    """The async form of :func:`_relay_sync`: awaits what the generator yields."""
    send: Any = None
    error: BaseException | None = None
    try:
        while True:
            try:
                value = call.send(send) if error is None else call.throw(error)
            except StopIteration:
                return
            send, error = None, None
            if isinstance(value, _Relay):
                stream = value.stream
                try:
                    async for item in stream:
                        yield item
                finally:
                    await stream.aclose()
                continue
            try:
                if isinstance(value, Effect):
                    send = await value.run_async()
                elif hasattr(value, "__await__"):
                    send = await value
                else:
                    send = value
            except Exception as exc:  # handed to the definition, which may re-raise
                error = exc
    finally:
        call.close()


class Plugin(Model):
    """A managed plugin.  ``attrs`` holds what the Engine API reports about it."""

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__}: '{self.name}'>"

    @property
    def name(self) -> str | None:
        """The plugin's name (with its tag, such as ``vieux/sshfs:latest``)."""
        return self.attrs.get("Name")

    @property
    def enabled(self) -> bool | None:
        """Whether the plugin is running."""
        return self.attrs.get("Enabled")

    @property
    def settings(self) -> dict[str, Any] | None:
        """The plugin's settings: ``Env``, ``Args``, ``Mounts`` and ``Devices``."""
        return self.attrs.get("Settings")

    @model_call
    def configure(self, options: Any) -> ModelCall[None]:
        """Change the plugin's settings (a dict such as ``{'DEBUG': '1'}``), then reload.

        The plugin must be disabled; see
        :meth:`~docker.api.plugin.PluginApiMixin.configure_plugin`.
        """
        yield self.client.api.configure_plugin(self.name, options)
        yield self.reload()

    @model_call
    def disable(self, force: bool = False) -> ModelCall[None]:
        """Stop the plugin (``force``: even while it is in use), then reload."""
        yield self.client.api.disable_plugin(self.name, force)
        yield self.reload()

    @model_call
    def enable(self, timeout: int = 0) -> ModelCall[None]:
        """Start the plugin, then reload.

        ``timeout`` is the timeout, in seconds, of the daemon's requests to the plugin.
        """
        yield self.client.api.enable_plugin(self.name, timeout)
        yield self.reload()

    @model_call
    def push(self) -> ModelCall[Any]:
        """Push the plugin to the registry its name points to.

        Returns the stream of progress items (dicts) of
        :meth:`~docker.api.plugin.PluginApiMixin.push_plugin`.
        """
        return (yield self.client.api.push_plugin(self.name))

    @model_call
    def remove(self, force: bool = False) -> ModelCall[bool]:
        """Delete the plugin; an enabled one only with ``force``."""
        result: bool = yield self.client.api.remove_plugin(self.name, force=force)
        return result

    @model_call
    def upgrade(self, remote: str | None = None) -> ModelCall[Any]:
        """Replace this (disabled) plugin by the version ``remote`` names (default: its name).

        Returns an iterator over the daemon's progress items (dicts); on the async client,
        ``await`` gives an async iterator.  Nothing is sent before the first item is asked
        for: the privileges ``remote`` needs are then read and granted, the upgrade streamed,
        and the model reloaded once the stream ends.  An enabled plugin raises
        :class:`~docker.errors.DockerException` at once.
        """
        if self.enabled:
            raise DockerException("Plugin must be disabled before upgrading.")
        result = yield PerDriver(
            lambda: _relay_sync(self._upgrade(remote)),
            lambda: _relay_async(self._upgrade(remote)),
        )
        return result

    def _upgrade(self, remote: str | None) -> ModelCall[None]:
        if remote is None:
            remote = self.name
        privileges = yield self.client.api.plugin_privileges(remote)
        stream = yield self.client.api.upgrade_plugin(self.name, remote, privileges)
        yield _Relay(stream)
        yield self.reload()


class PluginCollection(Collection):
    """The plugins installed on the daemon (``client.plugins``)."""

    model = Plugin

    @model_call
    def create(  # type: ignore[override]
        self, name: str, plugin_data_dir: str, gzip: bool = False
    ) -> ModelCall[Plugin]:
        """Create a plugin from a directory holding ``config.json`` and ``rootfs``.

        The plugin is created disabled and returned; see
        :meth:`~docker.api.plugin.PluginApiMixin.create_plugin`.
        """
        yield self.client.api.create_plugin(name, plugin_data_dir, gzip)
        plugin: Plugin = yield self.get(name)
        return plugin

    @model_call
    def get(self, name: str) -> ModelCall[Plugin]:
        """One plugin, by name or ID; :class:`~docker.errors.NotFound` when there is none."""
        plugin: Plugin = self.prepare_model((yield self.client.api.inspect_plugin(name)))
        return plugin

    @model_call
    def install(self, remote_name: str, local_name: str | None = None) -> ModelCall[Plugin]:
        """Pull a plugin from a registry, granting every privilege it asks for, and return it.

        ``local_name`` names it locally (default: ``remote_name``).  The plugin is installed
        disabled.  A failure the daemon reports during the pull raises
        :class:`~docker.errors.APIError`.
        """
        privileges = yield self.client.api.plugin_privileges(remote_name)
        stream = yield self.client.api.pull_plugin(remote_name, privileges, local_name)
        for item in (yield Collect(stream)):
            message = progress_error(item)
            if message is not None:
                raise APIError(f"install of plugin {remote_name} failed", explanation=message)
        plugin: Plugin = yield self.get(local_name or remote_name)
        return plugin

    @model_call
    def list(self) -> ModelCall[builtins.list[Plugin]]:
        """The installed plugins."""
        items = yield self.client.api.plugins()
        return [self.prepare_model(item) for item in items]
