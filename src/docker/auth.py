"""Registry credentials: repository-name parsing, config.json auth entries, credential helpers.

Credentials come from the ``auths`` section of the Docker CLI config file (see
:mod:`docker.utils.config`), from a default credential helper named by ``credsStore``, or
from per-registry helpers named in ``credHelpers``.  They reach the daemon base64-encoded in
the ``X-Registry-Auth`` / ``X-Registry-Config`` headers (:func:`encode_header`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from . import credentials, errors
from .utils.config import find_config_file

__all__ = [
    "INDEX_NAME",
    "INDEX_URL",
    "TOKEN_USERNAME",
    "AuthConfig",
    "convert_to_hostname",
    "decode_auth",
    "encode_header",
    "get_config_header",
    "get_credential_store",
    "load_config",
    "parse_auth",
    "resolve_authconfig",
    "resolve_index_name",
    "resolve_repository_name",
    "split_repo_name",
]

#: Name under which Docker Hub credentials are stored and looked up.
INDEX_NAME = "docker.io"
#: Server address of Docker Hub as credential helpers and the legacy config know it.
INDEX_URL = f"https://index.{INDEX_NAME}/v1/"
#: Username a credential helper reports when its secret is an identity token.
TOKEN_USERNAME = "<token>"

_CONFIG_ENCODING = "utf-8-sig"
# Maps the standard base64 alphabet onto the URL-safe one.
_URLSAFE = bytes.maketrans(b"+/", b"-_")


# ---------------------------------------------------------------------------------------------
# Repository and registry names


def resolve_repository_name(repo_name: str) -> tuple[str, str]:
    """Split ``repo_name`` into ``(registry, remote name)``, with the registry normalised.

    ``ubuntu`` gives ``('docker.io', 'ubuntu')``; ``reg.io:5000/a/b`` gives
    ``('reg.io:5000', 'a/b')``.  Raises :class:`~docker.errors.InvalidRepository` for a name
    with a URL scheme or a registry name that starts or ends with ``-``.
    """
    if "://" in repo_name:
        raise errors.InvalidRepository(f"Repository name cannot contain a scheme ({repo_name})")
    index_name, remote_name = split_repo_name(repo_name)
    if index_name.startswith("-") or index_name.endswith("-"):
        raise errors.InvalidRepository(
            f"Invalid index name ({index_name}). Cannot begin or end with a hyphen."
        )
    return resolve_index_name(index_name), remote_name


def resolve_index_name(index_name: str) -> str:
    """Reduce a registry name or URL to its host name; ``index.docker.io`` becomes ``docker.io``."""
    hostname = convert_to_hostname(index_name)
    if hostname == "index." + INDEX_NAME:
        return INDEX_NAME
    return hostname


def split_repo_name(repo_name: str) -> tuple[str, str]:
    """Split a repository name into ``(registry, rest)`` without normalising the registry.

    The part before the first ``/`` is taken as a registry only when it contains ``.`` or
    ``:`` or is ``localhost``; otherwise the registry is ``docker.io`` and the whole name is
    returned as the rest.
    """
    head, sep, tail = repo_name.partition("/")
    if not sep or ("." not in head and ":" not in head and head != "localhost"):
        return INDEX_NAME, repo_name
    return head, tail


def convert_to_hostname(url: str) -> str:
    """Return the host (with any port) of ``url``: scheme dropped, cut at the first ``/``."""
    return url.replace("http://", "").replace("https://", "").split("/", 1)[0]


# ---------------------------------------------------------------------------------------------
# Encoding


def decode_auth(auth: str | bytes) -> tuple[str, str]:
    """Decode a config.json ``auth`` value (base64 of ``user:password``) into its two parts.

    Only the first ``:`` separates them, so the password may contain colons.  Raises
    :class:`ValueError` (or a subclass) when the value is not valid base64 of that form.
    """
    import binascii

    raw = auth.encode("ascii") if isinstance(auth, str) else auth
    decoded = binascii.a2b_base64(raw)
    login, sep, password = decoded.partition(b":")
    if not sep:
        raise ValueError("auth value does not decode to 'username:password'")
    return login.decode("utf-8"), password.decode("utf-8")


def encode_header(auth: Mapping[str, Any]) -> bytes:
    """Encode ``auth`` for an ``X-Registry-Auth``/``X-Registry-Config`` header.

    The value is URL-safe base64 of the JSON text (default separators), returned as bytes.
    """
    import binascii
    import json

    text = json.dumps(auth)
    return binascii.b2a_base64(text.encode("ascii"), newline=False).translate(_URLSAFE)


# ---------------------------------------------------------------------------------------------
# AuthConfig


class AuthConfig(dict[str, Any]):
    """Registry credentials loaded from a Docker config file (a dict with extra helpers).

    Keys follow config.json: ``auths`` (already decoded by :meth:`parse_auth`),
    ``credsStore`` and ``credHelpers``.  ``credstore_env`` is the set of environment
    variables given to credential helper programs.  The dict passed in is copied, never
    modified.
    """

    def __init__(
        self, dct: Mapping[str, Any], credstore_env: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(dct)
        auths = self.get("auths")
        if "auths" not in self:
            self["auths"] = {}
        elif isinstance(auths, dict):
            # Own copy, so that add_auth() does not write into the caller's mapping.
            self["auths"] = dict(auths)
        self._credstore_env = credstore_env
        self._stores: dict[str, credentials.Store] = {}

    @property
    def auths(self) -> dict[str, Any]:
        """Per-registry credentials, ``{registry: {...}}``."""
        auths: dict[str, Any] = self.get("auths", {})
        return auths

    @property
    def creds_store(self) -> str | None:
        """Name of the default credential helper (``credsStore``), or None."""
        store: str | None = self.get("credsStore", None)
        return store

    @property
    def cred_helpers(self) -> dict[str, str]:
        """Per-registry credential helper names (``credHelpers``)."""
        helpers: dict[str, str] = self.get("credHelpers", {})
        return helpers

    @property
    def is_empty(self) -> bool:
        """True when there are no auths, no default helper and no per-registry helpers."""
        return not self.auths and not self.creds_store and not self.cred_helpers

    @classmethod
    def parse_auth(
        cls, entries: Mapping[str, Any], raise_on_error: bool = False
    ) -> dict[str, dict[str, Any]]:
        """Decode the entries of a config.json ``auths`` section.

        Each entry becomes ``{'IdentityToken': ...}`` when it has an ``identitytoken``,
        ``{}`` when it has no ``auth``, else ``{'username', 'password', 'email',
        'serveraddress'}``.  A malformed entry raises
        :class:`~docker.errors.InvalidConfigFile` when ``raise_on_error`` is set; otherwise
        the whole result is ``{}``.
        """
        conf: dict[str, dict[str, Any]] = {}
        for registry, entry in entries.items():
            if not isinstance(entry, Mapping):
                if raise_on_error:
                    raise errors.InvalidConfigFile(f"Invalid configuration for registry {registry}")
                return {}
            if "identitytoken" in entry:
                conf[registry] = {"IdentityToken": entry["identitytoken"]}
                continue
            if "auth" not in entry:
                # Credentials kept by a helper leave an entry without "auth" behind.
                conf[registry] = {}
                continue
            try:
                username, password = decode_auth(entry["auth"])
            except (ValueError, TypeError) as exc:
                if raise_on_error:
                    raise errors.InvalidConfigFile(
                        f"Invalid configuration for registry {registry}: the 'auth' value "
                        f"is not base64 of 'username:password' ({exc}). Run 'docker login "
                        f"{registry}' again or fix the entry in the config file."
                    ) from exc
                return {}
            conf[registry] = {
                "username": username,
                "password": password,
                "email": entry.get("email"),
                "serveraddress": registry,
            }
        return conf

    @classmethod
    def load_config(
        cls,
        config_path: str | os.PathLike[str] | None,
        config_dict: Mapping[str, Any] | None,
        credstore_env: Mapping[str, str] | None = None,
    ) -> AuthConfig:
        """Build an AuthConfig from ``config_dict``, or from the config file when it is empty.

        The file is found with :func:`~docker.utils.config.find_config_file`
        (``config_path`` first).  A file that is not JSON is read as a legacy two-line
        ``.dockercfg``.  When the config has none of ``auths``, ``credsStore`` and
        ``credHelpers``, the whole of it is read as a legacy ``{registry: entry}`` map.
        ``config_dict`` itself is left unchanged.
        """
        if not config_dict:
            config_file = find_config_file(config_path)
            if not config_file:
                return cls({}, credstore_env)
            import json

            try:
                with open(config_file, encoding=_CONFIG_ENCODING) as handle:
                    config_dict = json.load(handle)
            except (OSError, ValueError):
                return cls(_load_legacy_config(config_file), credstore_env)
            if not isinstance(config_dict, Mapping):
                return cls({}, credstore_env)

        res: dict[str, Any] = {}
        if "auths" in config_dict:
            auths = config_dict["auths"]
            if auths is None:
                auths = {}
            if not isinstance(auths, Mapping):
                raise errors.InvalidConfigFile(
                    "Invalid configuration: 'auths' must be a JSON object mapping registry "
                    "names to credentials; fix the config file."
                )
            res["auths"] = cls.parse_auth(auths, raise_on_error=True)
        if "credsStore" in config_dict:
            res["credsStore"] = config_dict["credsStore"]
        if "credHelpers" in config_dict:
            res["credHelpers"] = config_dict["credHelpers"]
        if res:
            return cls(res, credstore_env)
        return cls({"auths": cls.parse_auth(config_dict, raise_on_error=False)}, credstore_env)

    def resolve_authconfig(self, registry: str | None = None) -> dict[str, Any] | None:
        """Return the credentials for ``registry`` (Docker Hub when None), or None.

        A credential helper (``credHelpers`` entry, else ``credsStore``) is asked first; then
        ``auths`` is searched by exact key, then by host name, so ``https://index.docker.io/v1/``
        matches ``docker.io`` and ``http://127.0.0.1:5001/v2/`` matches ``127.0.0.1:5001``.
        """
        if self.creds_store or self.cred_helpers:
            store_name = self.get_credential_store(registry)
            if store_name is not None:
                found = self._resolve_authconfig_credstore(registry, store_name)
                if found is not None:
                    return found

        wanted = resolve_index_name(registry) if registry else INDEX_NAME
        auths = self.auths
        if wanted in auths:
            exact: dict[str, Any] | None = auths[wanted]
            return exact
        for key, conf in auths.items():
            if resolve_index_name(key) == wanted:
                matched: dict[str, Any] | None = conf
                return matched
        return None

    def _resolve_authconfig_credstore(
        self, registry: str | None, credstore_name: str
    ) -> dict[str, Any] | None:
        """Ask the helper ``credstore_name`` for ``registry``; None when it has nothing."""
        if not registry or registry == INDEX_NAME:
            registry = INDEX_URL
        store = self._get_store_instance(credstore_name)
        try:
            data = store.get(registry)
        except credentials.CredentialsNotFound:
            return None
        except credentials.StoreError as exc:
            raise errors.DockerException(f"Credentials store error: {exc!r}") from exc
        result: dict[str, Any] = {"ServerAddress": registry}
        if data.get("Username") == TOKEN_USERNAME:
            result["IdentityToken"] = data.get("Secret")
        else:
            result["Username"] = data.get("Username")
            result["Password"] = data.get("Secret")
        return result

    def _get_store_instance(self, name: str) -> credentials.Store:
        store = self._stores.get(name)
        if store is None:
            store = credentials.Store(name, environment=self._credstore_env)
            self._stores[name] = store
        return store

    def get_credential_store(self, registry: str | None) -> str | None:
        """Name of the helper for ``registry``: its ``credHelpers`` entry, else ``credsStore``."""
        if not registry or registry == INDEX_NAME:
            registry = INDEX_URL
        return self.cred_helpers.get(registry) or self.creds_store

    def get_all_credentials(self) -> dict[str, Any]:
        """Return every known credential as ``{registry: config}`` (for ``X-Registry-Config``).

        Starts from ``auths``; adds every server listed by ``credsStore``, then every
        ``credHelpers`` registry (these win).  Helper results are stored both under the
        server name and under its bare host name; servers the helper has nothing for map
        to None.
        """
        auth_data: dict[str, Any] = dict(self.auths)
        if self.creds_store:
            store = self._get_store_instance(self.creds_store)
            for server in store.list():
                found = self._resolve_authconfig_credstore(server, self.creds_store)
                auth_data[server] = found
                auth_data[convert_to_hostname(server)] = found
        for registry, store_name in self.cred_helpers.items():
            found = self._resolve_authconfig_credstore(registry, store_name)
            auth_data[registry] = found
            auth_data[convert_to_hostname(registry)] = found
        return auth_data

    def add_auth(self, reg: str, data: dict[str, Any]) -> None:
        """Record ``data`` as the credentials for registry ``reg``."""
        self.setdefault("auths", {})[reg] = data


# ---------------------------------------------------------------------------------------------
# Module-level conveniences


def _as_authconfig(
    authconfig: Mapping[str, Any], credstore_env: Mapping[str, str] | None = None
) -> AuthConfig:
    if isinstance(authconfig, AuthConfig):
        return authconfig
    return AuthConfig(authconfig, credstore_env)


def resolve_authconfig(
    authconfig: Mapping[str, Any],
    registry: str | None = None,
    credstore_env: Mapping[str, str] | None = None,
) -> dict[str, Any] | None:
    """Resolve ``registry`` in ``authconfig`` (a plain dict is wrapped in an AuthConfig)."""
    return _as_authconfig(authconfig, credstore_env).resolve_authconfig(registry)


def get_credential_store(authconfig: Mapping[str, Any], registry: str | None) -> str | None:
    """Name of the credential helper ``authconfig`` uses for ``registry``, or None."""
    return _as_authconfig(authconfig).get_credential_store(registry)


def parse_auth(
    entries: Mapping[str, Any], raise_on_error: bool = False
) -> dict[str, dict[str, Any]]:
    """Decode a config.json ``auths`` section; see :meth:`AuthConfig.parse_auth`."""
    return AuthConfig.parse_auth(entries, raise_on_error)


def load_config(
    config_path: str | os.PathLike[str] | None = None,
    config_dict: Mapping[str, Any] | None = None,
    credstore_env: Mapping[str, str] | None = None,
) -> AuthConfig:
    """Load registry credentials; see :meth:`AuthConfig.load_config`."""
    return AuthConfig.load_config(config_path, config_dict, credstore_env)


def get_config_header(client: Any, registry: str | None) -> bytes | None:
    """Return the ``X-Registry-Auth`` value for ``registry`` from ``client``'s config, or None.

    ``client`` is an API client: its ``_auth_configs`` are reloaded from disk (with its
    ``credstore_env``) when empty.
    """
    auth_configs = client._auth_configs
    if not auth_configs or getattr(auth_configs, "is_empty", False):
        auth_configs = load_config(credstore_env=client.credstore_env)
        client._auth_configs = auth_configs
    found = resolve_authconfig(auth_configs, registry, credstore_env=client.credstore_env)
    if found:
        return encode_header(found)
    return None


def _load_legacy_config(config_file: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a legacy two-line ``.dockercfg`` (``auth = <base64>`` / ``email = <addr>``).

    Returns ``{'auths': {'docker.io': {...}}}``, or ``{}`` when the file cannot be read or
    parsed.
    """
    try:
        with open(config_file, encoding=_CONFIG_ENCODING) as handle:
            lines = [line.strip() for line in handle]
    except (OSError, ValueError):
        return {}
    values = [line.split(" = ", 1)[1] for line in lines if " = " in line]
    if len(values) != len([line for line in lines if line]) or not values:
        return {}
    try:
        username, password = decode_auth(values[0])
    except ValueError:
        return {}
    return {
        "auths": {
            INDEX_NAME: {
                "username": username,
                "password": password,
                "email": values[1] if len(values) > 1 else None,
                "serveraddress": INDEX_URL,
            }
        }
    }
