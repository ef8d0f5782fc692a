"""``ContextAPI``: create, list, inspect, select and remove Docker contexts."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from .. import errors
from ..tls import TLSConfig
from .config import (
    METAFILE,
    get_current_context_name,
    get_meta_dir,
    write_context_name_to_docker_config,
)
from .context import Context

__all__ = ["ContextAPI"]


class _DefaultContext:
    """``ContextAPI.DEFAULT_CONTEXT``: a new ``default`` context on every access.

    (The original shared one mutable instance; changing it changed every later use.)
    """

    def __get__(self, instance: object, owner: type | None = None) -> Context:
        return Context("default", "swarm")


class ContextAPI:
    """Context management, as ``docker context`` does it; every method is a classmethod."""

    DEFAULT_CONTEXT: Context = _DefaultContext()  # type: ignore[assignment]

    @classmethod
    def create_context(
        cls,
        name: str,
        orchestrator: str | None = None,
        host: str | None = None,
        tls_cfg: TLSConfig | None = None,
        default_namespace: str | None = None,
        skip_tls_verify: bool = False,
    ) -> Context:
        """Create and save the context ``name``; see the Docker CLI's ``context create``.

        Raises :class:`~docker.errors.MissingContextParameter` without a name,
        :class:`~docker.errors.ContextException` for ``default`` and
        :class:`~docker.errors.ContextAlreadyExists` when it exists.
        """
        if not name:
            raise errors.MissingContextParameter("name")
        if name == "default":
            raise errors.ContextException('"default" is a reserved context name')
        if Context.load_context(name):
            raise errors.ContextAlreadyExists(name)
        endpoint = "docker" if not orchestrator or orchestrator == "swarm" else orchestrator
        ctx = Context(name, orchestrator)
        ctx.set_endpoint(
            endpoint,
            host,
            tls_cfg,
            skip_tls_verify=skip_tls_verify,
            def_namespace=default_namespace,
        )
        ctx.save()
        return ctx

    @classmethod
    def get_context(cls, name: str | None = None) -> Context | None:
        """The context ``name`` (None: the current one), or None when it does not exist."""
        if not name:
            name = get_current_context_name()
        if name == "default":
            return cls.DEFAULT_CONTEXT
        return Context.load_context(name)

    @classmethod
    def contexts(cls) -> list[Context]:
        """Every context: ``default`` first, then those stored on disk."""
        names = []
        meta_dir = get_meta_dir()
        for dirname, _, filenames in os.walk(meta_dir):
            if METAFILE not in filenames:
                continue
            path = os.path.join(dirname, METAFILE)
            try:
                with open(path, encoding="utf-8") as handle:
                    data = json.load(handle)
                names.append(data["Name"])
            except Exception as exc:
                raise errors.ContextException(f"Failed to load metafile {path}: {exc}") from exc
        contexts = [cls.DEFAULT_CONTEXT]
        for name in names:
            ctx = Context.load_context(name)
            if ctx is not None:
                contexts.append(ctx)
        return contexts

    @classmethod
    def get_current_context(cls) -> Context | None:
        """The current context (``DOCKER_CONTEXT`` is not read here; see kwargs_from_context)."""
        return cls.get_context()

    @classmethod
    def kwargs_from_context(
        cls, name: str | None = None, environment: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """Client arguments (``base_url``, ``tls``) for the context ``name``.

        Without a name: ``DOCKER_CONTEXT`` from ``environment`` (default ``os.environ``), then
        the current context of config.json, then ``default``. A context that does not exist
        gives ``{}``.
        """
        if name is None:
            env = os.environ if environment is None else environment
            name = env.get("DOCKER_CONTEXT") or None
        ctx = cls.get_context(name)
        if ctx is None or not ctx.Host:
            return {}
        params: dict[str, Any] = {"base_url": ctx.Host}
        if ctx.TLSConfig is not None:
            params["tls"] = ctx.TLSConfig
        return params

    @classmethod
    def set_current_context(cls, name: str = "default") -> None:
        """Make ``name`` the current context (in config.json, which is created if needed)."""
        ctx = cls.get_context(name)
        if not ctx:
            raise errors.ContextNotFound(name)
        err = write_context_name_to_docker_config(name)
        if err:
            raise errors.ContextException(f"Failed to set current context: {err}")

    @classmethod
    def remove_context(cls, name: str) -> None:
        """Delete the context ``name``; the current context goes back to ``default`` if it was."""
        if not name:
            raise errors.MissingContextParameter("name")
        if name == "default":
            raise errors.ContextException('context "default" cannot be removed')
        ctx = Context.load_context(name)
        if not ctx:
            raise errors.ContextNotFound(name)
        if name == get_current_context_name():
            write_context_name_to_docker_config(None)
        ctx.remove()

    @classmethod
    def inspect_context(cls, name: str = "default") -> dict[str, Any]:
        """The context ``name`` as a dict (``docker context inspect``)."""
        if not name:
            raise errors.MissingContextParameter("name")
        if name == "default":
            return cls.DEFAULT_CONTEXT()
        ctx = Context.load_context(name)
        if not ctx:
            raise errors.ContextNotFound(name)
        return ctx()
