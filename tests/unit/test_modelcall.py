"""Model methods written once as generators, driven sync or async (docker._core.modelcall)."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from docker._core.modelcall import (
    ApiVersion,
    Close,
    Collect,
    ModelCall,
    Next,
    PerDriver,
    Sleep,
    model_call,
    run_model_async,
    run_model_sync,
)


class SyncClient:
    def __init__(self) -> None:
        self.api = self

    def double(self, x: int) -> int:
        if x < 0:
            raise ValueError("negative")
        return 2 * x

    def _drive_model(self, call: ModelCall[Any]) -> Any:
        return run_model_sync(call)


class AsyncClient:
    def __init__(self) -> None:
        self.api = self

    async def double(self, x: int) -> int:
        await asyncio.sleep(0)
        if x < 0:
            raise ValueError("negative")
        return 2 * x

    def _drive_model(self, call: ModelCall[Any]) -> Any:
        return run_model_async(call)


class Thing:
    def __init__(self, client: Any) -> None:
        self.client = client

    @model_call
    def twice(self, x: int, *, recover: bool = False) -> ModelCall[int]:
        """Double x twice."""
        try:
            once = yield self.client.api.double(x)
        except ValueError:
            if not recover:
                raise
            return -1
        result: int = yield self.client.api.double(once)
        return result

    @property
    @model_call
    def four(self) -> ModelCall[int]:
        value: int = yield self.client.api.double(2)
        return value


def test_signature_and_doc_are_kept() -> None:
    sig = inspect.signature(Thing.twice)
    assert list(sig.parameters) == ["self", "x", "recover"]
    assert sig.parameters["recover"].kind is inspect.Parameter.KEYWORD_ONLY
    assert Thing.twice.__doc__ == "Double x twice."
    assert isinstance(inspect.getattr_static(Thing, "four"), property)


def test_sync_client_gets_values_and_errors_at_the_yield() -> None:
    thing = Thing(SyncClient())
    assert thing.twice(3) == 12
    assert thing.twice(-1, recover=True) == -1
    with pytest.raises(ValueError, match="negative"):
        thing.twice(-1)
    assert thing.four == 4


def test_async_client_gets_coroutines() -> None:
    thing = Thing(AsyncClient())

    async def main() -> None:
        call = thing.twice(3)
        assert inspect.iscoroutine(call)
        assert await call == 12
        assert await thing.twice(-1, recover=True) == -1
        with pytest.raises(ValueError, match="negative"):
            await thing.twice(-1)
        assert await thing.four == 4

    asyncio.run(main())


def test_a_client_without_driver_is_driven_sync() -> None:
    class Plain:
        api = SyncClient()

    assert Thing(Plain()).twice(1) == 4


class SyncStream:
    def __init__(self, items: list[int]) -> None:
        self._it = iter(items)
        self.closed = False

    def __iter__(self) -> Iterator[int]:
        return self._it

    def __next__(self) -> int:
        return next(self._it)

    def close(self) -> None:
        self.closed = True


class AStream:
    def __init__(self, items: list[int]) -> None:
        self._items = list(items)
        self.closed = False

    def __aiter__(self) -> AsyncIterator[int]:
        return self

    async def __anext__(self) -> int:
        if not self._items:
            raise StopAsyncIteration
        return self._items.pop(0)

    async def aclose(self) -> None:
        self.closed = True


class FakeApi:
    _version = "1.41"


class FakeAsyncApi:
    async def negotiate_version(self) -> str:
        return "1.43"


def effects(first: Any, second: Any, api: Any) -> ModelCall[Any]:
    head = yield Next(first)
    rest = yield Collect(first)
    yield Close(second)
    yield Sleep(0)
    kind = yield PerDriver(lambda: "sync", lambda: "async")
    version = yield ApiVersion(api)
    try:
        yield Next(second)
    except (StopIteration, StopAsyncIteration) as exc:
        end = type(exc).__name__
    return head, rest, kind, version, end


def test_effects_sync() -> None:
    first, second = SyncStream([1, 2, 3]), SyncStream([])
    result = run_model_sync(effects(first, second, FakeApi()))
    assert result == (1, [2, 3], "sync", "1.41", "StopIteration")
    assert first.closed and second.closed


def test_effects_async() -> None:
    first, second = AStream([1, 2, 3]), AStream([])
    result = asyncio.run(run_model_async(effects(first, second, FakeAsyncApi())))
    assert result == (1, [2, 3], "async", "1.43", "StopAsyncIteration")
    assert first.closed and second.closed


def test_cleanup_in_finally_runs_on_error_in_both_drivers() -> None:
    def failing(stream: Any) -> ModelCall[None]:
        try:
            yield Next(stream)
            raise RuntimeError("boom")
        finally:
            yield Close(stream)

    sync_stream = SyncStream([1])
    with pytest.raises(RuntimeError, match="boom"):
        run_model_sync(failing(sync_stream))
    assert sync_stream.closed

    async_stream = AStream([1])
    with pytest.raises(RuntimeError, match="boom"):
        asyncio.run(run_model_async(failing(async_stream)))
    assert async_stream.closed


def test_drain_reads_to_the_end_then_raises_the_first_failure() -> None:
    from docker._core.modelcall import Drain

    seen: list[int] = []
    closed: list[bool] = []

    class Stream:
        def __init__(self) -> None:
            self.items = iter([1, 2, 3, 4])

        def __iter__(self) -> Stream:
            return self

        def __next__(self) -> int:
            item = next(self.items)
            seen.append(item)
            return item

        def close(self) -> None:
            closed.append(True)

    def check(item: int) -> None:
        if item >= 2:
            raise ValueError(f"bad {item}")

    with pytest.raises(ValueError, match="bad 2"):
        Drain(Stream(), check).run_sync()
    assert seen == [1, 2, 3, 4] and closed == [True]

    class AsyncStream:
        def __init__(self) -> None:
            self.items = iter([1, 2, 3])
            self.closed = False

        def __aiter__(self) -> AsyncStream:
            return self

        async def __anext__(self) -> int:
            try:
                return next(self.items)
            except StopIteration:
                raise StopAsyncIteration from None

        async def aclose(self) -> None:
            self.closed = True

    stream = AsyncStream()
    with pytest.raises(ValueError, match="bad 2"):
        asyncio.run(Drain(stream, check).run_async())
    assert stream.closed and next(stream.items, None) is None
