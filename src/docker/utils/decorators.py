"""Decorators shared by the API client methods.

Each decorator keeps the wrapped function's name, docstring and signature (through
``functools.wraps``), and works for both plain and ``async def`` methods: for a coroutine
function the wrapper is a coroutine function too.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from .. import errors
from .utils import version_lt

__all__ = ["check_resource", "minimum_version", "update_headers"]

P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S")

#: ``co_flags`` bit set on the code of an ``async def`` function (``inspect.CO_COROUTINE``).
_CO_COROUTINE = 0x80


def _is_coroutine_function(func: Callable[..., Any]) -> bool:
    code = getattr(func, "__code__", None)
    return bool(getattr(code, "co_flags", 0) & _CO_COROUTINE)


def check_resource(
    resource_name: str,
) -> Callable[[Callable[Concatenate[S, P], R]], Callable[Concatenate[S, P], R]]:
    """Validate and normalise the resource id that is a method's first argument.

    The id may also be given as the keyword ``resource_name`` (e.g. ``container='abc'``); a
    dict (such as the result of a create call) is replaced by its ``Id`` (or ``ID``) entry. An
    empty id raises :class:`~docker.errors.NullResource`.
    """

    def resolve(resource_id: Any, kwargs: dict[str, Any]) -> Any:
        if resource_id is None and kwargs.get(resource_name):
            resource_id = kwargs.pop(resource_name)
        if isinstance(resource_id, dict):
            resource_id = resource_id.get("Id", resource_id.get("ID"))
        if not resource_id:
            raise errors.NullResource("Resource ID was not provided")
        return resource_id

    def decorator(func: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
        target = cast(Callable[..., Any], func)
        if _is_coroutine_function(func):

            @functools.wraps(func)
            async def async_wrapper(
                self: Any, resource_id: Any = None, *args: Any, **kwargs: Any
            ) -> Any:
                resource_id = resolve(resource_id, kwargs)
                return await target(self, resource_id, *args, **kwargs)

            return cast(Callable[Concatenate[S, P], R], async_wrapper)

        @functools.wraps(func)
        def wrapper(self: Any, resource_id: Any = None, *args: Any, **kwargs: Any) -> Any:
            resource_id = resolve(resource_id, kwargs)
            return target(self, resource_id, *args, **kwargs)

        return cast(Callable[Concatenate[S, P], R], wrapper)

    return decorator


def minimum_version(
    version: str,
) -> Callable[[Callable[Concatenate[S, P], R]], Callable[Concatenate[S, P], R]]:
    """Refuse to run the method when the client's API version (``self._version``) is older
    than ``version``, raising :class:`~docker.errors.InvalidVersion`."""

    def decorator(func: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
        name = getattr(func, "__name__", repr(func))

        def check(self: Any) -> None:
            if version_lt(self._version, version):
                raise errors.InvalidVersion(f"{name} is not available for version < {version}")

        target = cast(Callable[..., Any], func)
        if _is_coroutine_function(func):

            @functools.wraps(func)
            async def async_wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
                check(self)
                return await target(self, *args, **kwargs)

            return cast(Callable[Concatenate[S, P], R], async_wrapper)

        @functools.wraps(func)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            check(self)
            return target(self, *args, **kwargs)

        return cast(Callable[Concatenate[S, P], R], wrapper)

    return decorator


def update_headers(f: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """Merge the ``HttpHeaders`` of the client's config file into the call's ``headers``.

    Without (or with empty) ``headers`` the call gets a copy of the configured headers;
    otherwise the caller's dict is updated with them, so configured values win.
    """
    target = cast(Callable[..., Any], f)

    def merge(self: Any, kwargs: dict[str, Any]) -> None:
        configs = getattr(self, "_general_configs", None) or {}
        if "HttpHeaders" not in configs:
            return
        configured = configs["HttpHeaders"]
        if not kwargs.get("headers"):
            kwargs["headers"] = dict(configured)
        else:
            kwargs["headers"].update(configured)

    if _is_coroutine_function(f):

        @functools.wraps(f)
        async def async_inner(self: Any, *args: Any, **kwargs: Any) -> Any:
            merge(self, kwargs)
            return await target(self, *args, **kwargs)

        return cast(Callable[Concatenate[S, P], R], async_inner)

    @functools.wraps(f)
    def inner(self: Any, *args: Any, **kwargs: Any) -> Any:
        merge(self, kwargs)
        return target(self, *args, **kwargs)

    return cast(Callable[Concatenate[S, P], R], inner)
