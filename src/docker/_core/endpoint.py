"""Endpoint definitions written once, driven by a sync or an async client.

An endpoint method is a generator function: it yields :class:`~docker._core.message.Request`
values, receives what the driver made of them (a :class:`~docker._core.message.Response`, a
stream object, or an upgraded connection), and returns the method's result.  HTTP errors are
thrown into the generator as :class:`~docker.errors.APIError`, so an endpoint that treats a status
specially catches it where it yielded the request.

:func:`endpoint` turns such a generator function into a method that hands the (not yet started)
generator to ``self._drive(call, negotiate)``.  The sync client's ``_drive`` runs it to
completion with blocking I/O and returns the result; the async client's ``_drive`` returns a
coroutine doing the same with ``await``.  The generator itself never does I/O, so both clients
share every endpoint definition.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Generator
from typing import Any, Concatenate, ParamSpec, TypeVar, overload

from .message import Request

__all__ = ["Call", "endpoint", "run_sync"]

P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S")

#: What an endpoint definition is: yields requests, receives replies, returns the result.
Call = Generator[Request, Any, R]


@overload
def endpoint(func: Callable[Concatenate[S, P], Call[R]]) -> Callable[Concatenate[S, P], R]: ...


@overload
def endpoint(
    *, negotiate: bool = True
) -> Callable[[Callable[Concatenate[S, P], Call[R]]], Callable[Concatenate[S, P], R]]: ...


def endpoint(
    func: Callable[Concatenate[S, P], Call[R]] | None = None, *, negotiate: bool = True
) -> Any:
    """Make an endpoint generator function into a client method.

    With ``negotiate=False`` the driver does not negotiate the API version before starting the
    definition (used by ``ping`` and ``version``, which negotiation itself relies on).
    """

    def decorate(f: Callable[Concatenate[S, P], Call[R]]) -> Callable[Concatenate[S, P], R]:
        if _is_generator_function(f):

            @functools.wraps(f)
            def method(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
                # Making the generator runs none of its body (and binds the arguments, so a
                # wrong call fails right here): the driver negotiates before starting it.
                drive: Callable[[Call[R], bool], R] = self._drive  # type: ignore[attr-defined]
                return drive(f(self, *args, **kwargs), negotiate)

        else:
            # A definition under a decorator such as @minimum_version: its wrapper does its
            # checks when called, which must wait until the driver has negotiated.
            @functools.wraps(f)
            def method(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
                drive: Callable[[Call[R], bool], R] = self._drive  # type: ignore[attr-defined]
                return drive(_deferred(f, self, args, kwargs), negotiate)

        method.__docker_endpoint__ = True  # type: ignore[attr-defined]
        return method

    if func is not None:
        return decorate(func)
    return decorate


#: ``co_flags`` bit of a generator function's code (``inspect.CO_GENERATOR``).
_CO_GENERATOR = 0x20


def _is_generator_function(func: Callable[..., Any]) -> bool:
    code = getattr(func, "__code__", None)
    return bool(getattr(code, "co_flags", 0) & _CO_GENERATOR)


def _deferred(
    f: Callable[..., Call[R]], self: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Call[R]:
    """A generator that calls ``f`` when first advanced, then runs what it returned."""
    return (yield from f(self, *args, **kwargs))


def run_sync(call: Call[R], send: Callable[[Request], Any]) -> R:
    """Run an endpoint generator to completion, sending each request with ``send``.

    Exceptions raised by ``send`` for a request are thrown into the generator at the ``yield``
    that produced the request, so the definition can handle them.
    """
    try:
        request = next(call)
        while True:
            try:
                reply = send(request)
            except Exception as exc:  # handed to the definition, which may re-raise
                request = call.throw(exc)
            else:
                request = call.send(reply)
    except StopIteration as stop:
        result: R = stop.value
        return result
