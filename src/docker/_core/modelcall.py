"""High-level model methods written once, driven by the sync or the async client.

The same idea as :mod:`docker._core.endpoint`, one level up.  A model method that talks to the
daemon is a generator function: it ``yield``\\ s what each client call returned and receives the
call's value back::

    @model_call
    def reload(self) -> ModelCall[None]:
        self.attrs = yield self.client.api.inspect_container(self.id)

With the sync client the call already returned its value, and the sync driver
(:func:`run_model_sync`, ``DockerClient._drive_model``) just sends it back; with the async client
the call returned an awaitable, which the async driver (:func:`run_model_async`,
``AsyncDockerClient._drive_model``) awaits before sending the result back.  Exceptions are thrown
into the generator at the ``yield``, so ``try``/``except`` around a yielded call works in both.

What cannot be a plain value, because reading it is itself I/O (iterating a stream, closing it,
sleeping), is yielded as an :class:`Effect` that each driver carries out its own way:
:class:`Collect`, :class:`Drain`, :class:`Next`, :class:`Close`, :class:`Sleep`,
:class:`PerDriver` and :class:`ApiVersion`.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable, Generator
from types import FrameType
from typing import Any, ParamSpec, TypeVar

__all__ = [
    "ApiVersion",
    "Close",
    "Collect",
    "Drain",
    "Effect",
    "ModelCall",
    "Next",
    "PerDriver",
    "Sleep",
    "caller_stacklevel",
    "model_call",
    "run_model_async",
    "run_model_sync",
]

P = ParamSpec("P")
R = TypeVar("R")

#: What a model method definition is: yields client results or effects, returns the result.
ModelCall = Generator[Any, Any, R]


class Effect:
    """Something the model code needs done that is I/O in itself; each driver does it its way."""

    def run_sync(self) -> Any:
        """Do it with blocking I/O and return the value sent back to the generator."""
        raise NotImplementedError

    async def run_async(self) -> Any:
        """Do it with ``await`` and return the value sent back to the generator."""
        raise NotImplementedError


class Drain(Effect):
    """Read a stream to its end, handing each item to ``check``; keep none.

    For long progress streams whose items only matter for the failure they may report (memory
    stays flat, unlike :class:`Collect`).  An exception from ``check`` is raised once the
    stream has ended (the daemon ends a progress stream right after its error), so the
    connection is read to its end and can be reused.  The stream is closed afterwards.
    """

    def __init__(self, stream: Any, check: Callable[[Any], object]) -> None:
        self.stream = stream
        self.check = check
        self._failure: Exception | None = None

    def _each(self, item: Any) -> None:
        if self._failure is None:
            try:
                self.check(item)
            except Exception as exc:
                self._failure = exc

    def _raise_failure(self) -> None:
        failure, self._failure = self._failure, None
        if failure is not None:
            raise failure

    def run_sync(self) -> None:
        each = self._each
        try:
            for item in self.stream:
                each(item)
        finally:
            close = getattr(self.stream, "close", None)
            if close is not None:
                close()
        self._raise_failure()

    async def run_async(self) -> None:
        each = self._each
        try:
            async for item in self.stream:
                each(item)
        finally:
            aclose = getattr(self.stream, "aclose", None)
            if aclose is not None:
                await aclose()
        self._raise_failure()


class Collect(Effect):
    """Read a stream to its end: its items as a list.  The stream is closed afterwards."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def run_sync(self) -> list[Any]:
        items: list[Any] = []
        Drain(self.stream, items.append).run_sync()
        return items

    async def run_async(self) -> list[Any]:
        items: list[Any] = []
        await Drain(self.stream, items.append).run_async()
        return items


class Next(Effect):
    """The next item of a stream (``StopIteration``/``StopAsyncIteration`` at its end)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def run_sync(self) -> Any:
        return next(self.stream)

    async def run_async(self) -> Any:
        return await self.stream.__anext__()


class Close(Effect):
    """Close a stream: ``close()``, or ``await aclose()`` on the async client."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def run_sync(self) -> None:
        self.stream.close()

    async def run_async(self) -> None:
        await self.stream.aclose()


class Sleep(Effect):
    """Pause: ``time.sleep`` or ``asyncio.sleep``."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def run_sync(self) -> None:
        time.sleep(self.seconds)

    async def run_async(self) -> None:
        import asyncio  # not at import: `import docker` loads no asyncio

        await asyncio.sleep(self.seconds)


class PerDriver(Effect):
    """A value made differently for each client: ``sync()`` or ``aio()`` (no I/O in either).

    For objects whose interface differs between the two, such as a stream to hand back to the
    caller (an iterator for the sync client, an async iterator for the async one).
    """

    def __init__(self, sync: Callable[[], Any], aio: Callable[[], Any]) -> None:
        self.sync = sync
        self.aio = aio

    def run_sync(self) -> Any:
        return self.sync()

    async def run_async(self) -> Any:
        return self.aio()


class ApiVersion(Effect):
    """The client's API version, negotiated first when needed (``api._version``)."""

    def __init__(self, api: Any) -> None:
        self.api = api

    def run_sync(self) -> str:
        version: str = self.api._version
        return version

    async def run_async(self) -> str:
        negotiate = getattr(self.api, "negotiate_version", None)
        if negotiate is not None:
            version: str = await negotiate()
            return version
        result: str = self.api._version
        return result


def run_model_sync(call: ModelCall[R]) -> R:
    """Run a model method generator to completion; yielded values are sent straight back."""
    try:
        value = next(call)
        while True:
            if isinstance(value, Effect):
                try:
                    result = value.run_sync()
                except BaseException as exc:  # handed to the definition, which may re-raise
                    value = call.throw(exc)
                    continue
                value = call.send(result)
            else:
                value = call.send(value)
    except StopIteration as stop:
        final: R = stop.value
        return final


async def run_model_async(call: ModelCall[R]) -> R:
    """Run a model method generator, awaiting each awaitable (and effect) it yields."""
    try:
        value = next(call)
        while True:
            try:
                if isinstance(value, Effect):
                    result = await value.run_async()
                elif hasattr(value, "__await__"):  # (no `inspect`: it is slow to import)
                    result = await value
                else:
                    result = value
            except BaseException as exc:  # handed to the definition, which may re-raise
                value = call.throw(exc)
                continue
            value = call.send(result)
    except StopIteration as stop:
        final: R = stop.value
        return final


def _drive(client: Any, call: ModelCall[Any]) -> Any:
    drive: Callable[[ModelCall[Any]], Any] | None = getattr(client, "_drive_model", None)
    if drive is None:  # a client object of the caller's own: plain blocking calls
        return run_model_sync(call)
    return drive(call)


def model_call(func: Callable[P, ModelCall[R]]) -> Callable[P, R]:
    """Make a model method generator function into a method driven by ``self.client``.

    On a sync client the method returns the value; on the async client it returns a coroutine
    (the async typing in :mod:`docker.aio._typing` says so).  Under ``@property`` it makes a
    property whose value needs I/O: an awaitable on the async client.
    """

    @functools.wraps(func)
    def method(*args: P.args, **kwargs: P.kwargs) -> R:
        # args[0] is the model or collection: its client drives the generator.
        result: R = _drive(getattr(args[0], "client", None), func(*args, **kwargs))
        return result

    method.__docker_model_call__ = True  # type: ignore[attr-defined]
    return method


def caller_stacklevel() -> int:
    """The ``stacklevel`` for ``warnings.warn`` that names the first frame outside ``docker``.

    A model method runs inside its driver, so a fixed ``stacklevel`` would point into the
    library rather than at the caller.
    """
    level = 1
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and str(frame.f_globals.get("__name__", "")).startswith("docker."):
        level += 1
        frame = frame.f_back
    return level
