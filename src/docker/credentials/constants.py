"""Names used by the ``docker-credential-*`` helper protocol."""

from __future__ import annotations

__all__ = [
    "DEFAULT_LINUX_STORE",
    "DEFAULT_OSX_STORE",
    "DEFAULT_WIN32_STORE",
    "PROGRAM_PREFIX",
]

#: Prefix of every credential helper executable (``docker-credential-<name>``).
PROGRAM_PREFIX = "docker-credential-"
#: Helper name conventionally used on Linux desktops (libsecret / Secret Service).
DEFAULT_LINUX_STORE = "secretservice"
#: Helper name conventionally used on macOS (Keychain).
DEFAULT_OSX_STORE = "osxkeychain"
#: Helper name conventionally used on Windows (Credential Manager).
DEFAULT_WIN32_STORE = "wincred"
