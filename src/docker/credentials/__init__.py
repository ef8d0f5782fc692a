"""Access to Docker credential helpers (``docker-credential-<name>`` programs)."""

from __future__ import annotations

from . import constants, errors, store, utils  # noqa: F401  (submodules as attributes)
from .constants import (
    DEFAULT_LINUX_STORE,
    DEFAULT_OSX_STORE,
    DEFAULT_WIN32_STORE,
    PROGRAM_PREFIX,
)
from .errors import CredentialsNotFound, StoreError
from .store import Store

__all__ = [
    "DEFAULT_LINUX_STORE",
    "DEFAULT_OSX_STORE",
    "DEFAULT_WIN32_STORE",
    "PROGRAM_PREFIX",
    "CredentialsNotFound",
    "Store",
    "StoreError",
]
