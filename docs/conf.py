"""Sphinx configuration for the documentation of the ``docker`` package.

Build with::

    .venv/bin/sphinx-build -q -W --keep-going -b html docs docs/_build/html
"""

from __future__ import annotations

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.abspath(os.path.join(HERE, "..", "src"))
sys.path.insert(0, SRC)


def _read_version() -> str:
    """The package version, read from the source without importing the package."""
    path = os.path.join(SRC, "docker", "version.py")
    with open(path, encoding="utf-8") as handle:
        match = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', handle.read(), re.M)
    return match.group(1) if match else "0.0.0"


# -- Project ---------------------------------------------------------------------------------
project = "Docker SDK for Python"
author = "The docker-sdk-ng authors"
copyright = "the docker-sdk-ng authors"
release = _read_version()
version = ".".join(release.split(".")[:2])

# -- General ---------------------------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
]

# Only reStructuredText is part of the site; the *.md files in docs/ are for GitHub.
source_suffix = {".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = [
    "_build",
    "Thumbs.db",
    ".DS_Store",
    "*.md",
    "**/*.md",
    "design.md",
    "performance.md",
    "compatibility.md",
]

nitpicky = False
default_role = None
pygments_style = "sphinx"

# -- autodoc ---------------------------------------------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_class_signature = "mixed"
autodoc_inherit_docstrings = True
autodoc_default_options: dict[str, object] = {}


def _split_top_level(text: str) -> list[str]:
    """Split ``"A, B[C, D], E"`` at the commas that are not inside brackets."""
    parts: list[str] = []
    depth = 0
    current = ""
    for char in text:
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return parts


def _endpoint_return_type(annotation: str, async_client: bool) -> str:
    """The type an endpoint method returns, from its generator's ``Call[R]`` annotation.

    ``Call[R]`` is an alias of ``Generator[Request, Any, R]``; the annotation is recorded
    either way (with or without a leading ``~`` and module path), so take the last argument.
    """
    match = re.fullmatch(r"(~?[\w.]*\b(?:Call|Generator))\[(.*)\]", annotation.strip())
    if match:
        annotation = _split_top_level(match.group(2))[-1]
    return f"~collections.abc.Awaitable[{annotation}]" if async_client else annotation


_ANY = {"Any", "~typing.Any", "typing.Any"}


def _fix_signature(app, what, name, obj, options, signature, return_annotation):
    """Tidy the recorded type hints before they are written into the descriptions.

    * Endpoint methods (``docker._core.endpoint.endpoint``) are generator functions wrapped
      with ``functools.wraps``, so introspection sees the generator's ``Call[R]`` return
      annotation, while calling the method returns ``R`` (an awaitable of ``R`` on the asyncio
      clients): show ``R``.
    * ``*args: Any`` / ``**kwargs: Any`` of pass-through methods say nothing: drop them.
    * An exception's ``__init__`` returns None: do not list a return type for the class.
    """
    annotations = app.env.current_document.autodoc_annotations.get(name)
    if annotations is not None:
        for key in ("args", "kwargs"):
            if annotations.get(key) in _ANY:
                del annotations[key]
        if what in ("class", "exception"):
            annotations.pop("return", None)
    if not getattr(obj, "__docker_endpoint__", False):
        return None
    async_client = name.startswith("docker.aio.")
    if annotations and "return" in annotations:
        annotations["return"] = _endpoint_return_type(annotations["return"], async_client)
    if return_annotation:
        return_annotation = _endpoint_return_type(return_annotation, async_client)
    return signature, return_annotation


def setup(app):
    # After autodoc has recorded the type hints (it does so before emitting the event).
    app.connect("autodoc-process-signature", _fix_signature, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# -- HTML ------------------------------------------------------------------------------------
html_theme = "alabaster"
html_title = f"Docker SDK for Python {release}"
html_theme_options = {
    "description": "A fast, typed, drop-in Docker SDK for Python, sync and asyncio.",
    "fixed_sidebar": True,
    "show_related": False,
}
html_sidebars = {
    "**": [
        "about.html",
        "navigation.html",
        "searchbox.html",
    ]
}
html_show_sourcelink = False
