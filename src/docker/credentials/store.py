"""Client side of the ``docker-credential-<name>`` helper protocol.

A helper is an executable found on ``PATH``.  It is run once per operation with the
operation name as its only argument (``get``, ``store``, ``erase`` or ``list``); the request
goes to its standard input and the answer comes back, as JSON where there is one, on its
standard output.  A non-zero exit status means failure, with a message on standard output.
"""

from __future__ import annotations

import errno
import json
import warnings
from collections.abc import Mapping
from typing import Any

from . import constants
from .errors import CredentialsNotFound, StoreError, process_store_error
from .utils import create_environment_dict

__all__ = ["Store"]


def _not_installed_message(program: str) -> str:
    return f"{program} not installed or not available in PATH"


class Store:
    """A credential store backed by the helper program ``docker-credential-<program>``.

    ``environment`` holds variables set (on top of the current environment) for every run
    of the helper.  A helper missing at construction time only triggers a warning; each call
    looks for it again and raises :class:`~docker.credentials.StoreError` if it is still
    missing.
    """

    def __init__(self, program: str, environment: Mapping[str, str] | None = None) -> None:
        self.program = constants.PROGRAM_PREFIX + program
        self.environment = environment
        self.exe = self._which()
        if self.exe is None:
            warnings.warn(_not_installed_message(self.program), stacklevel=2)

    def get(self, server: str | bytes) -> dict[str, Any]:
        """Return the helper's entry for ``server``: ``{'ServerURL', 'Username', 'Secret'}``.

        Raises :class:`~docker.credentials.CredentialsNotFound` when the helper holds nothing
        for that server.
        """
        raw = server.encode("utf-8") if isinstance(server, str) else server
        result = self._decode(self._execute("get", raw), "get")
        if not isinstance(result, dict):
            raise StoreError(
                f"Credentials store {self.program} answered 'get' with {type(result).__name__}"
                " instead of a JSON object; check that the helper is a working credential helper."
            )
        if result.get("Username") == "" and result.get("Secret") == "":
            raise CredentialsNotFound(f"No matching credentials in {self.program}")
        return result

    def store(self, server: str, username: str, secret: str) -> bytes:
        """Save ``username``/``secret`` for ``server`` in the helper; return its raw output."""
        payload = json.dumps({"ServerURL": server, "Username": username, "Secret": secret})
        return self._execute("store", payload.encode("utf-8"))

    def erase(self, server: str | bytes) -> None:
        """Delete the helper's entry for ``server``."""
        raw = server.encode("utf-8") if isinstance(server, str) else server
        self._execute("erase", raw)

    def list(self) -> dict[str, str]:
        """Return every server the helper knows, as ``{server_url: username}``."""
        result = self._decode(self._execute("list", None), "list")
        if not isinstance(result, dict):
            raise StoreError(
                f"Credentials store {self.program} answered 'list' with "
                f"{type(result).__name__} instead of a JSON object; check that the helper "
                "is a working credential helper."
            )
        return result

    def _which(self) -> str | None:
        """Locate the helper, on the overridden ``PATH`` first, then on the process's own."""
        import shutil

        override_path = (self.environment or {}).get("PATH")
        if override_path:
            found = shutil.which(self.program, path=override_path)
            if found is not None:
                return found
        return shutil.which(self.program)

    def _decode(self, output: bytes, subcmd: str) -> Any:
        try:
            return json.loads(output.decode("utf-8"))
        except ValueError as exc:
            shown = output[:200].decode("utf-8", errors="replace").strip()
            raise StoreError(
                f"Credentials store {self.program} answered {subcmd!r} with output that is not "
                f'valid JSON ("{shown}"); check that the helper is a working credential helper.'
            ) from exc

    def _execute(self, subcmd: str, data_input: bytes | None) -> bytes:
        import subprocess

        if self.exe is None:
            # The helper may have been installed since this store was created.
            self.exe = self._which()
        if self.exe is None:
            raise StoreError(_not_installed_message(self.program))
        env = create_environment_dict(self.environment)
        try:
            return subprocess.check_output(
                [self.exe, subcmd],
                input=data_input if data_input is not None else b"",
                stderr=subprocess.PIPE,
                env=env,
            )
        except subprocess.CalledProcessError as exc:
            raise process_store_error(exc, self.program) from exc
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                # Gone since it was located: look it up again on the next call.
                self.exe = None
                raise StoreError(_not_installed_message(self.program)) from exc
            raise StoreError(
                f'Unexpected OS error "{exc.strerror}", errno={exc.errno} '
                f"(while running {self.exe} {subcmd})"
            ) from exc
