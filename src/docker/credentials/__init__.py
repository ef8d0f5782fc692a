"""Access to Docker credential helpers (``docker-credential-<name>`` programs).

The submodules and names are imported the first time they are used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import _lazy

if TYPE_CHECKING:
    from . import constants, errors, store, utils  # noqa: F401  (submodules as attributes)
    from .constants import (
        DEFAULT_LINUX_STORE,
        DEFAULT_OSX_STORE,
        DEFAULT_WIN32_STORE,
        PROGRAM_PREFIX,
    )
    from .errors import CredentialsNotFound, StoreError
    from .store import Store
else:
    __getattr__, __dir__ = _lazy.attach(
        __name__,
        globals(),
        names={
            "docker.credentials.constants": [
                "DEFAULT_LINUX_STORE",
                "DEFAULT_OSX_STORE",
                "DEFAULT_WIN32_STORE",
                "PROGRAM_PREFIX",
            ],
            "docker.credentials.errors": ["CredentialsNotFound", "StoreError"],
            "docker.credentials.store": ["Store"],
        },
        submodules=("constants", "errors", "store", "utils"),
    )

__all__ = [
    "DEFAULT_LINUX_STORE",
    "DEFAULT_OSX_STORE",
    "DEFAULT_WIN32_STORE",
    "PROGRAM_PREFIX",
    "CredentialsNotFound",
    "Store",
    "StoreError",
]
