"""Package attributes imported on first use (PEP 562), so ``import docker`` stays cheap.

A package lists which of its names live in which module and which submodules it offers; the
module-level ``__getattr__`` made here imports them the first time someone asks and keeps the
result in the package, so the next lookup is a plain attribute read.  Packages bind it only
when not type checking (``if not TYPE_CHECKING``) and import the same names under
``TYPE_CHECKING`` instead: type checkers then see every name, and still report a misspelt one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["attach"]


def attach(
    package: str,
    namespace: dict[str, Any],
    *,
    names: Mapping[str, Iterable[str]] | None = None,
    submodules: Iterable[str] = (),
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package`` (its ``globals()`` is ``namespace``).

    ``names`` maps the absolute name of a module to the attributes it provides;
    ``submodules`` are the package's submodules reachable as attributes.
    """
    sources = {name: module for module, found in (names or {}).items() for name in found}
    children = frozenset(submodules)

    def __getattr__(name: str) -> Any:
        source = sources.get(name)
        if source is None and name not in children:
            # The import machinery asks for ``__path__`` and such: answer without importing.
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        from importlib import import_module

        if source is not None:
            value = getattr(import_module(source), name)
        else:
            value = import_module(f"{package}.{name}")
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *sources, *children})

    return __getattr__, __dir__
