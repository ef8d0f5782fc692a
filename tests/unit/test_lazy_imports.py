"""``import docker`` stays light, and the lazily imported public surface is all still there.

Every check runs in a fresh interpreter (``python -I``), since this test process has long
imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from tests.compat.signatures import load_spec

ROOT = Path(__file__).resolve().parents[2]

#: Modules that ``import docker`` must not load: optional or heavy ones, and the ones only
#: some calls need (imported where they are used).
NOT_AT_IMPORT = [
    # optional machinery
    "asyncio",
    "ssl",
    "subprocess",
    "tarfile",
    "tempfile",
    "inspect",
    "shutil",
    "dataclasses",
    "logging",
    "email",
    "http.client",
    # needed by one code path or by a client only
    "base64",
    "binascii",
    "datetime",
    "httptools",
    "ipaddress",
    "json",
    "select",
    "selectors",
    "shlex",
    "socket",
    "struct",
    "urllib.parse",
    "zlib",
    # our own modules that only some calls need
    "docker._core.frames",
    "docker._core.modelcall",
    "docker.aio",
    "docker.context",
    "docker.credentials.store",
    "docker.models",
    "docker.models.containers",
    "docker.tls",
    "docker.transport",
    "docker.transport.base",
    "docker.types",
    "docker.types.containers",
    "docker.types.services",
    "docker.utils.build",
    "docker.utils.fnmatch",
    "docker.utils.json_stream",
    "docker.utils.socket",
]


def _run(code: str) -> Any:
    """Run ``code`` in a fresh isolated interpreter; it prints one JSON value."""
    result = subprocess.run(
        [sys.executable, "-I", "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _surface() -> list[str]:
    """Every dotted name of the import surface (``shared/spec/signatures.json``)."""
    spec = load_spec()
    names = {name for name in spec if name != "__exports__"}
    for module, exported in spec["__exports__"].items():
        names.add(module)
        names.update(f"{module}.{name}" for name in exported)
    return sorted(names)


def test_import_docker_loads_no_heavy_or_optional_module() -> None:
    loaded = _run(
        """
        import sys
        import docker
        found = sorted(sys.modules)  # taken before json is imported to print it
        import json
        print(json.dumps(found))
        """
    )
    unexpected = sorted(name for name in NOT_AT_IMPORT if name in loaded)
    assert not unexpected, f"import docker loaded: {unexpected}"
    # The clients themselves are imported eagerly: they are what nearly everyone uses.
    assert {"docker.api.client", "docker.client", "docker.errors"} <= set(loaded)


def test_clients_are_there_without_further_imports() -> None:
    names = _run(
        """
        import json, sys
        import docker
        client = docker.APIClient
        print(json.dumps([
            client.__module__,
            docker.DockerClient.__module__,
            docker.from_env.__qualname__,
            docker.from_context.__qualname__,
            docker.api.APIClient is client,
            docker.__version__ == docker.version.__version__,
        ]))
        """
    )
    assert names == [
        "docker.api.client",
        "docker.client",
        "DockerClient.from_env",
        "DockerClient.from_context",
        True,
        True,
    ]


def test_every_surface_name_resolves_by_attribute_access() -> None:
    """``import docker`` then attribute access only: the names the import resolver finds.

    The attribute walk runs first, in a fresh interpreter, so no explicit import helps it;
    the resolver of the signature tests (which imports the longest module prefix) runs after
    it as the reference.
    """
    result = _run(
        f"""
        import json, sys
        sys.path.insert(0, {str(ROOT)!r})
        import docker

        def walk(dotted):
            obj = docker
            for part in dotted.split(".")[1:]:
                try:
                    obj = getattr(obj, part)
                except AttributeError:
                    return False
            return True

        names = {_surface()!r}
        walked = {{name: walk(name) for name in names}}
        from tests.compat.signatures import _resolve
        imported = {{name: _resolve(name)[0] for name in names}}
        print(json.dumps([walked, imported]))
        """
    )
    walked, imported = result
    assert sum(imported.values()) > 250, "the resolver found too little: is the spec there?"
    lost = sorted(name for name, found in imported.items() if found and not walked[name])
    assert not lost, f"reachable by import but not by attribute access: {lost}"


def test_star_import_and_dir() -> None:
    result = _run(
        """
        import json
        namespace = {}
        exec("from docker import *", namespace)
        import docker, docker.types, docker.utils
        star = sorted(name for name in namespace if name != "__builtins__")
        print(json.dumps({
            "star": star,
            "all": sorted(docker.__all__),
            "dir_docker": [n for n in docker.__all__ if n not in dir(docker)],
            "dir_types": [n for n in docker.types.__all__ if n not in dir(docker.types)],
            "dir_utils": [n for n in docker.utils.__all__ if n not in dir(docker.utils)],
            "types_star": sorted(
                n for n in (lambda ns: (exec("from docker.types import *", ns), ns)[1])({})
                if n != "__builtins__"
            ),
            "types_all": sorted(docker.types.__all__),
            "mount": docker.types.Mount.__module__,
            "notfound": docker.errors.NotFound.__mro__[1].__name__,
            "container": docker.models.containers.Container.__name__,
            "stream": docker.api.client.StreamingResponse.__module__,
            "context_api": docker.client.ContextAPI is docker.ContextAPI,
        }))
        """
    )
    assert result["star"] == result["all"]
    assert result["dir_docker"] == result["dir_types"] == result["dir_utils"] == []
    assert result["types_star"] == result["types_all"]
    assert result["mount"] == "docker.types.services"
    assert result["notfound"] == "APIError"
    assert result["container"] == "Container"
    assert result["stream"] == "docker.transport.response"
    assert result["context_api"] is True


def test_unknown_attribute_is_an_attribute_error() -> None:
    result = _run(
        """
        import json
        import docker, docker.types
        out = []
        for obj, name in ((docker, "no_such_name"), (docker.types, "Mountt"),
                          (docker.utils, "nope")):
            try:
                getattr(obj, name)
            except AttributeError as exc:
                out.append(str(exc))
        print(json.dumps(out))
        """
    )
    assert result == [
        "module 'docker' has no attribute 'no_such_name'",
        "module 'docker.types' has no attribute 'Mountt'",
        "module 'docker.utils' has no attribute 'nope'",
    ]
