"""Exceptions raised when talking to a credential helper."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import subprocess

__all__ = [
    "CredentialsNotFound",
    "InitializationError",
    "StoreError",
    "process_store_error",
]

#: Text the reference helpers print when they hold nothing for the requested server.
_NOT_FOUND_MARKER = "credentials not found in native keychain"


class StoreError(RuntimeError):
    """A credential helper could not be run, or it reported a failure."""


class CredentialsNotFound(StoreError):
    """The credential helper holds no credentials for the requested server."""


class InitializationError(StoreError):
    """A credential store could not be set up."""


def _as_text(data: bytes | str | None) -> str:
    if data is None:
        return ""
    if isinstance(data, bytes):
        return data.decode("utf-8", errors="replace")
    return data


def process_store_error(cpe: subprocess.CalledProcessError, program: str) -> StoreError:
    """Turn a failed helper run into the matching :class:`StoreError` (returned, not raised).

    A helper that reports missing credentials gives :class:`CredentialsNotFound`; any other
    failure gives a :class:`StoreError` quoting what the helper printed.
    """
    output = _as_text(cpe.output).strip()
    error_output = _as_text(cpe.stderr).strip()
    if _NOT_FOUND_MARKER in output or _NOT_FOUND_MARKER in error_output:
        return CredentialsNotFound(f"No matching credentials in {program}")
    message = output or error_output
    if not message:
        return StoreError(
            f"Credentials store {program} exited with status {cpe.returncode} and printed nothing."
        )
    return StoreError(f'Credentials store {program} exited with "{message}".')
