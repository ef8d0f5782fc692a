"""Locating and reading the Docker CLI configuration file (``config.json``).

The file is looked for in this order, and the first path that exists wins:

1. a path given explicitly by the caller;
2. ``$DOCKER_CONFIG/config.json``;
3. ``~/.docker/config.json``;
4. ``~/.dockercfg`` (the legacy format, see :mod:`docker.auth`).
"""

from __future__ import annotations

import os
from typing import Any

from ..constants import IS_WINDOWS_PLATFORM

__all__ = [
    "DOCKER_CONFIG_FILENAME",
    "LEGACY_DOCKER_CONFIG_FILENAME",
    "config_path_from_environment",
    "find_config_file",
    "home_dir",
    "load_general_config",
]

#: Location of the current config file, relative to the home directory.
DOCKER_CONFIG_FILENAME = os.path.join(".docker", "config.json")
#: Location of the pre-1.7 config file, relative to the home directory.
LEGACY_DOCKER_CONFIG_FILENAME = ".dockercfg"

#: Encoding used to read config files; ``-sig`` also accepts a leading byte-order mark.
_CONFIG_ENCODING = "utf-8-sig"


def config_path_from_environment() -> str | None:
    """Return ``$DOCKER_CONFIG/config.json``, or None when ``DOCKER_CONFIG`` is unset or empty.

    The path is returned whether or not the file exists.
    """
    config_dir = os.environ.get("DOCKER_CONFIG")
    if not config_dir:
        return None
    return os.path.join(config_dir, "config.json")


def home_dir() -> str:
    """Return the user's home directory (``USERPROFILE`` on Windows, ``~`` elsewhere)."""
    if IS_WINDOWS_PLATFORM:
        return os.environ.get("USERPROFILE", "")
    return os.path.expanduser("~")


def find_config_file(config_path: str | os.PathLike[str] | None = None) -> str | None:
    """Return the path of the config file to use, or None when there is none.

    Candidates, in order: ``config_path``, ``$DOCKER_CONFIG/config.json``,
    ``~/.docker/config.json`` and ``~/.dockercfg``; the first one that exists is returned.
    """
    home = home_dir()
    candidates = (
        os.fspath(config_path) if config_path is not None else None,
        config_path_from_environment(),
        os.path.join(home, DOCKER_CONFIG_FILENAME),
        os.path.join(home, LEGACY_DOCKER_CONFIG_FILENAME),
    )
    for candidate in candidates:
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def load_general_config(config_path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Return the whole config file (see :func:`find_config_file`) as a dict.

    Returns ``{}`` when no file is found, when it cannot be read, or when it does not hold
    a JSON object (a legacy ``.dockercfg`` in the two-line format, for instance).
    """
    config_file = find_config_file(config_path)
    if not config_file:
        return {}
    import json

    try:
        with open(config_file, encoding=_CONFIG_ENCODING) as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
