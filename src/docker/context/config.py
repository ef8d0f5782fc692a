"""Where contexts live on disk, and which one is current.

The layout is the Docker CLI's, under the CLI's config directory (``$DOCKER_CONFIG``, else
``~/.docker``)::

    contexts/meta/<sha256 of the name>/meta.json
    contexts/tls/<sha256 of the name>/<endpoint>/{ca,cert,key}.pem

The current context is the ``currentContext`` key of ``config.json`` (no key: ``default``).
"""

from __future__ import annotations

import json
import os

from ..constants import DEFAULT_UNIX_SOCKET, IS_WINDOWS_PLATFORM
from ..utils import config as config_utils
from ..utils.utils import parse_host

__all__ = [
    "METAFILE",
    "get_context_dir",
    "get_context_host",
    "get_context_id",
    "get_current_context_name",
    "get_meta_dir",
    "get_meta_file",
    "get_tls_dir",
    "write_context_name_to_docker_config",
]

#: Name of a context's metadata file.
METAFILE = "meta.json"


def _config_dir() -> str:
    """The CLI's config directory: ``$DOCKER_CONFIG`` or ``~/.docker``."""
    return os.environ.get("DOCKER_CONFIG") or os.path.join(config_utils.home_dir(), ".docker")


def _config_file_for_writing() -> str:
    """The config.json to update: the one in use, else a new one in the CLI's config dir."""
    found = config_utils.find_config_file()
    if found and os.path.basename(found) == "config.json":
        return found
    return os.path.join(_config_dir(), "config.json")


def get_current_context_name() -> str:
    """The name in ``currentContext`` of the config file, or ``'default'``."""
    name = "default"
    config_file = config_utils.find_config_file()
    if config_file:
        try:
            with open(config_file, encoding="utf-8-sig") as handle:
                data = json.load(handle)
            value = data.get("currentContext") if isinstance(data, dict) else None
            if isinstance(value, str) and value:
                name = value
        except (OSError, ValueError):
            pass
    return name


def write_context_name_to_docker_config(name: str | None = None) -> Exception | None:
    """Make ``name`` the current context in config.json (``'default'``/None: remove the key).

    The config file (and its directory) is created when missing. An error is returned, not
    raised.
    """
    if name == "default":
        name = None
    path = _config_file_for_writing()
    config: dict[str, object] = {}
    try:
        if os.path.exists(path):
            with open(path, encoding="utf-8-sig") as handle:
                loaded = json.load(handle)
            if not isinstance(loaded, dict):
                raise ValueError(f"{path} does not hold a JSON object")
            config = loaded
        if name:
            config["currentContext"] = name
        elif "currentContext" in config:
            del config["currentContext"]
        else:
            return None
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        tmp = f"{path}.tmp{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(config, handle, indent=4)
        os.replace(tmp, path)
    except (OSError, ValueError) as exc:
        return exc
    return None


def get_context_id(name: str) -> str:
    """The directory name of a context: the SHA-256 of its name, in hex."""
    import hashlib  # not at import time: it loads OpenSSL's libcrypto

    return hashlib.sha256(name.encode("utf-8")).hexdigest()


def get_context_dir() -> str:
    """The ``contexts`` directory of the CLI's config directory (always absolute)."""
    return os.path.join(os.path.abspath(_config_dir()), "contexts")


def get_meta_dir(name: str | None = None) -> str:
    """The metadata directory of all contexts, or of the context ``name``."""
    meta_dir = os.path.join(get_context_dir(), "meta")
    if name:
        return os.path.join(meta_dir, get_context_id(name))
    return meta_dir


def get_meta_file(name: str) -> str:
    """The ``meta.json`` of the context ``name``."""
    return os.path.join(get_meta_dir(name), METAFILE)


def get_tls_dir(name: str | None = None, endpoint: str = "") -> str:
    """The TLS directory of all contexts, of the context ``name``, or of one of its endpoints."""
    context_dir = get_context_dir()
    if name:
        return os.path.join(context_dir, "tls", get_context_id(name), endpoint)
    return os.path.join(context_dir, "tls")


def get_context_host(path: str | None = None, tls: bool = False) -> str:
    """The host of a context endpoint, in the Docker CLI's form.

    ``tcp://host:port`` (also for ``http://``/``https://`` input: whether TLS is used is the
    endpoint's business), ``unix:///path``, ``ssh://user@host:port``, ``npipe://...``.
    Invalid addresses raise :class:`~docker.errors.DockerException`.
    """
    host = parse_host(path, IS_WINDOWS_PLATFORM, tls)
    if host == DEFAULT_UNIX_SOCKET:
        return host.replace("http+unix://", "unix://", 1)
    for prefix, cli_prefix in (
        ("http+unix://", "unix://"),
        ("https://", "tcp://"),
        ("http://", "tcp://"),
    ):
        if host.startswith(prefix):
            return cli_prefix + host[len(prefix) :]
    return host
