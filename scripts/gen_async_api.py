"""Generate ``src/docker/aio/_typing.py``: the typing of the async client.

The async client runs the very endpoint definitions of the sync one (``docker.api.*`` mixins);
only their return types differ (awaitables, async streams).  Type checkers cannot derive that, so
this script writes ``src/docker/aio/_typing.py``: for every endpoint method of every mixin, an
``async def`` with the same parameters returning the same value (``CancellableStream`` becomes
``AsyncStream``).  Likewise for the high-level models and collections (``docker.models.*``):
an ``Async<Name>`` subclass per class whose ``@model_call`` methods are ``async def`` (see
:func:`render_models`).  The module is imported only under ``TYPE_CHECKING``.

Run ``python scripts/gen_async_api.py`` after changing an endpoint or a model; a unit test fails
when the generated file is out of date.
"""

from __future__ import annotations

import builtins
import inspect
import re
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "src" / "docker" / "aio" / "_typing.py"

#: (module, mixin class) pairs the async client inherits, in MRO order.
MIXINS = [
    ("docker.api.build", "BuildApiMixin"),
    ("docker.api.config", "ConfigApiMixin"),
    ("docker.api.container", "ContainerApiMixin"),
    ("docker.api.daemon", "DaemonApiMixin"),
    ("docker.api.exec_api", "ExecApiMixin"),
    ("docker.api.image", "ImageApiMixin"),
    ("docker.api.network", "NetworkApiMixin"),
    ("docker.api.plugin", "PluginApiMixin"),
    ("docker.api.secret", "SecretApiMixin"),
    ("docker.api.service", "ServiceApiMixin"),
    ("docker.api.swarm", "SwarmApiMixin"),
    ("docker.api.volume", "VolumeApiMixin"),
]

RENAMES = {"CancellableStream": "AsyncStream"}
KNOWN = {
    "Any": "from typing import Any",
    "AsyncStream": "from .client import AsyncStream",
    "Body": "from .._core.message import Body",
    "datetime": "from datetime import datetime",
    "SwarmSpec": "from ..types.swarm import SwarmSpec",
}


def _unwrap_return(annotation: str) -> str:
    match = re.fullmatch(r"Call\[(.*)\]", annotation.strip())
    if not match:
        raise SystemExit(f"endpoint return annotation is not Call[...]: {annotation!r}")
    result = match.group(1)
    for old, new in RENAMES.items():
        result = re.sub(rf"\b{old}\b", new, result)
    return result


def _model_classes() -> list[type]:
    """The model and collection classes of ``docker.models``, module by module."""
    import importlib
    import pkgutil

    import docker.models
    from docker.models.resource import Collection, Model

    found: list[type] = []
    for info in sorted(pkgutil.iter_modules(docker.models.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"docker.models.{info.name}")
        for obj in vars(module).values():
            if (
                isinstance(obj, type)
                and obj.__module__ == module.__name__
                and issubclass(obj, Model | Collection)
                and obj not in (Model, Collection)
            ):
                found.append(obj)
    return found


def _relative(module: str) -> str:
    """``docker.models.images`` as seen from ``docker.aio._typing``: ``..models.images``."""
    if module == "docker":
        return ".."
    if not module.startswith("docker."):
        return module
    return ".." + module[len("docker.") :]


def _format_params(sig: inspect.Signature) -> list[str]:
    params: list[str] = []
    star_done = False
    kinds = [p.kind for p in sig.parameters.values()]
    for p in sig.parameters.values():
        if p.kind is p.KEYWORD_ONLY and not star_done:
            params.append("*")
            star_done = True
        text = p.name
        if p.annotation is not inspect.Parameter.empty:
            text += f": {p.annotation}"
        if p.default is not inspect.Parameter.empty:
            if repr(p.default).startswith("<"):
                raise SystemExit(f"default of {p.name} cannot be written: {p.default!r}")
            text += f" = {p.default!r}"
        if p.kind is p.VAR_POSITIONAL:
            text = "*" + text
            star_done = True
        elif p.kind is p.VAR_KEYWORD:
            text = "**" + text
        params.append(text)
        if p.kind is p.POSITIONAL_ONLY and p.kind.POSITIONAL_ONLY not in kinds[len(params) :]:
            params.append("/")
    return params


def render_models(imports: set[str]) -> list[str]:
    """Async typing classes of the models and collections (``AsyncContainer``, ...).

    Each subclasses the shared class, so attributes and pure helpers keep their types; every
    ``@model_call`` method becomes an ``async def`` with the same parameters, and every
    ``@property`` over a ``@model_call`` a property giving an ``Awaitable``.  Model names in
    the annotations become their ``Async`` names.
    """
    classes = _model_classes()
    renames = {cls.__name__: f"Async{cls.__name__}" for cls in classes}
    imports.add("import builtins")

    def rename(annotation: str) -> str:
        for old, new in renames.items():
            annotation = re.sub(rf"(?<![\w.]){old}\b", new, annotation)
        # `list` may be a method of the class being written: name the builtin.
        return re.sub(r"(?<![\w.])list\[", "builtins.list[", annotation)

    def need(ident: str, func: object, where: str) -> None:
        plain = {"None", "True", "False", "builtins"}
        if ident in renames.values() or ident in vars(builtins) or ident in plain:
            return
        if ident in KNOWN:
            imports.add(KNOWN[ident])
            return
        scope = getattr(func, "__globals__", {})
        if ident not in scope:
            raise SystemExit(f"{where}: cannot resolve {ident!r}; add it to KNOWN")
        value = scope[ident]
        module = getattr(value, "__module__", None)
        if module is None:
            raise SystemExit(f"{where}: cannot import {ident!r}; add it to KNOWN")
        if module == "typing" or module == "collections.abc":
            imports.add(f"from {module} import {ident}")
        else:
            imports.add(f"from {_relative(module)} import {ident}")

    body: list[str] = []
    for cls in classes:
        imports.add(f"from {_relative(cls.__module__)} import {cls.__name__}")
        qualified = f"{cls.__module__}.{cls.__name__}"
        body.append(f"class {renames[cls.__name__]}({cls.__name__}):")
        body.append(f'    """Typing of :class:`{qualified}` on the async client."""')
        body.append("")
        names: list[str] = []
        for klass in cls.__mro__:
            names.extend(n for n in vars(klass) if n not in names)
        for name in names:
            if name.startswith("_"):
                continue
            attr = inspect.getattr_static(cls, name)
            is_property = isinstance(attr, property)
            func = attr.fget if is_property else attr
            if not getattr(func, "__docker_model_call__", False):
                continue
            where = f"{qualified}.{name}"
            original = inspect.unwrap(func)
            sig = inspect.signature(original)
            match = re.fullmatch(r"ModelCall\[(.*)\]", str(sig.return_annotation).strip())
            if not match:
                raise SystemExit(f"{where}: return annotation is not ModelCall[...]")
            returns = rename(match.group(1))
            params = [rename(p) for p in _format_params(sig)]
            text = " ".join([*params, returns])
            arg_names = set(sig.parameters)
            for ident in set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text)):
                if ident not in arg_names:
                    need(ident, original, where)
            if is_property:
                imports.add("from collections.abc import Awaitable")
                body.append("    @property")
                body.append(f"    def {name}({', '.join(params)}) -> Awaitable[{returns}]:")
            else:
                body.append(f"    async def {name}({', '.join(params)}) -> {returns}:")
            body.append("        raise NotImplementedError")
        body.append("")
    return body


def _merge(lines: Iterable[str]) -> list[str]:
    """``from m import a`` lines joined per module: ``from m import a, b``, sorted."""
    names: dict[str, set[str]] = {}
    for line in lines:
        match = re.fullmatch(r"from (\S+) import (\S+)", line)
        if not match:
            raise SystemExit(f"unexpected import line: {line!r}")
        names.setdefault(match.group(1), set()).add(match.group(2))
    return [f"from {module} import {', '.join(sorted(names[module]))}" for module in sorted(names)]


def render() -> str:
    sys.path.insert(0, str(ROOT / "src"))
    import importlib

    imports: set[str] = set()
    body: list[str] = []
    for module_name, class_name in MIXINS:
        module = importlib.import_module(module_name)
        cls = getattr(module, class_name)
        body.append(f"class Async{class_name}:")
        doc = f"Typing of :class:`{module_name}.{class_name}` for the async client."
        body.append(f'    """{doc}"""')
        body.append("")
        for name, member in cls.__dict__.items():
            if name.startswith("_") or not callable(member):
                continue
            is_endpoint = getattr(member, "__docker_endpoint__", False)
            is_async = is_endpoint
            func = inspect.unwrap(member)
            sig = inspect.signature(func)
            params = []
            for p in sig.parameters.values():
                text = p.name
                if p.annotation is not inspect.Parameter.empty:
                    text += f": {p.annotation}"
                if p.default is not inspect.Parameter.empty:
                    text += f" = {p.default!r}"
                if p.kind is p.VAR_POSITIONAL:
                    text = "*" + text
                elif p.kind is p.VAR_KEYWORD:
                    text = "**" + text
                params.append(text)
            returns = str(sig.return_annotation)
            if is_endpoint:
                returns = _unwrap_return(returns)
            text = " ".join([*params, returns])
            names = {p.name for p in sig.parameters.values()}
            for ident in set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text)):
                if ident in KNOWN:
                    imports.add(KNOWN[ident])
                elif (
                    ident not in vars(builtins)
                    and ident not in names
                    and ident
                    not in {
                        "None",
                        "True",
                        "False",
                    }
                ):
                    raise SystemExit(f"{class_name}.{name}: add {ident!r} to KNOWN")
            prefix = "async def" if is_async else "def"
            body.append(f"    {prefix} {name}({', '.join(params)}) -> {returns}:")
            body.append("        raise NotImplementedError")
        body.append("")
    bases = ", ".join(f"Async{c}" for _, c in MIXINS)
    model_body = render_models(imports)
    lines = [
        "# mypy: disable-error-code=override",
        '"""Generated by scripts/gen_async_api.py: do not edit. Typing of the async client.',
        "",
        "The endpoints (``AsyncEndpoints``), and the models and collections of the high-level",
        "client (``AsyncContainer``, ``AsyncContainerCollection``, ...): subclasses of the shared",
        "classes whose I/O methods are awaited.  Imported only under ``TYPE_CHECKING``.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        *sorted(i for i in imports if i.startswith("import ")),
        *_merge(i for i in imports if i.startswith("from ") and not i.startswith("from .")),
        "",
        *_merge(i for i in imports if i.startswith("from .")),
        "",
        "",
        *body,
        "",
        f"class AsyncEndpoints({bases}):",
        '    """Every endpoint of the async client, awaited."""',
        "",
        "",
        *model_body,
    ]
    return "\n".join(lines).replace("\n\n\n\n", "\n\n\n")


def main() -> None:
    text = render()
    if "--check" in sys.argv:
        if TARGET.read_text() != text:
            raise SystemExit(f"{TARGET} is out of date: run python scripts/gen_async_api.py")
        return
    TARGET.write_text(text)


if __name__ == "__main__":
    main()
