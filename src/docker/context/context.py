"""One Docker context: a named set of endpoints (``docker``, ...), stored as the CLI stores it."""

from __future__ import annotations

import json
import os
from typing import Any

from ..errors import ContextException
from ..tls import TLSConfig as _TLSConfig
from .config import (
    get_context_host,
    get_meta_dir,
    get_meta_file,
    get_tls_dir,
)

__all__ = ["Context"]

IN_MEMORY = "IN MEMORY"
#: Names of the TLS files in an endpoint's directory, as the Docker CLI writes them.
_TLS_FILE_NAMES = {"ca": "ca.pem", "cert": "cert.pem", "key": "key.pem"}


class Context:
    """A context: its name, orchestrator, endpoints and their TLS settings.

    ``Context(name, host=...)`` makes an in-memory context with one ``docker`` endpoint (the
    orchestrator's name when it is neither None nor ``swarm``); :meth:`save` writes it where
    the Docker CLI finds it, :meth:`load_context` reads one (written by the CLI or by us).
    """

    def __init__(
        self,
        name: str,
        orchestrator: str | None = None,
        host: str | None = None,
        endpoints: dict[str, Any] | None = None,
        tls: bool = False,
    ) -> None:
        if not name:
            raise ContextException("Name not provided")
        self.name = name
        self.context_type: str | None = None
        self.orchestrator = orchestrator
        self.endpoints: dict[str, dict[str, Any]] = {}
        self.tls_cfg: dict[str, _TLSConfig] = {}
        self.meta_path = IN_MEMORY
        self.tls_path = IN_MEMORY

        if not endpoints:
            default_endpoint = (
                "docker" if not orchestrator or orchestrator == "swarm" else orchestrator
            )
            self.endpoints = {
                default_endpoint: {
                    "Host": get_context_host(host, tls),
                    "SkipTLSVerify": not tls,
                }
            }
            return

        for key, endpoint in endpoints.items():
            if not isinstance(endpoint, dict):
                raise ContextException(
                    f"Unknown endpoint format for context {name}: {endpoint!r} (endpoint "
                    f"{key!r} must be a dict)"
                )
            self.endpoints[key] = endpoint
            if key != "docker":
                continue
            endpoint.setdefault("Host", get_context_host(host, tls))
            endpoint.setdefault("SkipTLSVerify", not tls)

    def set_endpoint(
        self,
        name: str = "docker",
        host: str | None = None,
        tls_cfg: _TLSConfig | None = None,
        skip_tls_verify: bool = False,
        def_namespace: str | None = None,
    ) -> None:
        """Set the endpoint ``name`` (its host, TLS settings and default namespace)."""
        self.endpoints[name] = {
            "Host": get_context_host(host, not skip_tls_verify),
            "SkipTLSVerify": skip_tls_verify,
        }
        if def_namespace:
            self.endpoints[name]["DefaultNamespace"] = def_namespace
        if tls_cfg:
            self.tls_cfg[name] = tls_cfg

    def inspect(self) -> dict[str, Any]:
        """Metadata, TLS material and storage paths in one dict (``docker context inspect``)."""
        return self.__call__()

    @classmethod
    def load_context(cls, name: str) -> Context | None:
        """The context ``name`` as stored on disk, or None when there is none.

        A metadata file that cannot be read or parsed raises
        :class:`~docker.errors.ContextException` naming it.
        """
        meta = cls._load_meta(name)
        if meta is None:
            return None
        metadata = meta.get("Metadata") or {}
        if not isinstance(metadata, dict):
            metadata = {}
        instance = cls(
            meta["Name"],
            orchestrator=metadata.get("StackOrchestrator"),
            endpoints=meta.get("Endpoints"),
        )
        instance.context_type = metadata.get("Type")
        instance._load_certs()
        instance.meta_path = get_meta_dir(name)
        return instance

    @classmethod
    def _load_meta(cls, name: str) -> dict[str, Any] | None:
        meta_file = get_meta_file(name)
        if not os.path.isfile(meta_file):
            return None
        try:
            with open(meta_file, encoding="utf-8") as handle:
                metadata = json.load(handle)
        except (OSError, ValueError) as exc:
            raise ContextException(
                f"Detected corrupted meta file for context {name} : {meta_file}: {exc}"
            ) from exc
        if (
            not isinstance(metadata, dict)
            or not isinstance(metadata.get("Name"), str)
            or not metadata.get("Name")
        ):
            raise ContextException(
                f"Detected corrupted meta file for context {name} : {meta_file}: it must hold "
                'a JSON object with a "Name"'
            )
        endpoints = metadata.get("Endpoints") or {}
        if not isinstance(endpoints, dict):
            raise ContextException(
                f"Detected corrupted meta file for context {name} : {meta_file}: "
                '"Endpoints" must be an object'
            )
        # Booleans may be stored as strings by older tools.
        for endpoint in endpoints.values():
            if isinstance(endpoint, dict) and isinstance(endpoint.get("SkipTLSVerify"), str):
                endpoint["SkipTLSVerify"] = endpoint["SkipTLSVerify"].lower() == "true"
        metadata["Endpoints"] = endpoints
        return metadata

    def _load_certs(self) -> None:
        certs: dict[str, _TLSConfig] = {}
        tls_dir = get_tls_dir(self.name)
        for endpoint in self.endpoints:
            endpoint_dir = os.path.join(tls_dir, endpoint)
            if not os.path.isdir(endpoint_dir):
                continue
            ca_cert = cert = key = None
            for filename in sorted(os.listdir(endpoint_dir)):
                path = os.path.join(endpoint_dir, filename)
                if filename.startswith("ca"):
                    ca_cert = path
                elif filename.startswith("cert"):
                    cert = path
                elif filename.startswith("key"):
                    key = path
            if not (ca_cert or cert or key):
                continue
            skip = bool(self.endpoints[endpoint].get("SkipTLSVerify"))
            certs[endpoint] = _TLSConfig(
                client_cert=(cert, key) if cert and key else None,
                ca_cert=ca_cert,
                verify=True if endpoint == "docker" and not skip else None,
            )
        # A tcp endpoint with SkipTLSVerify and no files: TLS without checks, as the CLI does.
        docker_endpoint = self.endpoints.get("docker")
        if (
            "docker" not in certs
            and docker_endpoint
            and docker_endpoint.get("SkipTLSVerify")
            and str(docker_endpoint.get("Host", "")).startswith(("tcp://", "https://"))
        ):
            certs["docker"] = _TLSConfig(verify=False)
        self.tls_cfg = certs
        self.tls_path = tls_dir

    def save(self) -> None:
        """Write the context where the Docker CLI finds it (metadata, then TLS files)."""
        meta_dir = get_meta_dir(self.name)
        os.makedirs(meta_dir, exist_ok=True)
        meta_file = get_meta_file(self.name)
        tmp = f"{meta_file}.tmp{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(self.Metadata, handle)
        os.replace(tmp, meta_file)

        tls_dir = get_tls_dir(self.name)
        for endpoint, tls in list(self.tls_cfg.items()):
            endpoint_dir = os.path.join(tls_dir, endpoint)
            os.makedirs(endpoint_dir, exist_ok=True)
            ca_file = tls.ca_cert
            cert_file, key_file = tls.cert if tls.cert else (None, None)
            for kind, source in (("ca", ca_file), ("cert", cert_file), ("key", key_file)):
                if not source:
                    continue
                target = os.path.join(endpoint_dir, _TLS_FILE_NAMES[kind])
                if os.path.abspath(source) != os.path.abspath(target):
                    import shutil

                    shutil.copyfile(source, target)
                if kind == "key":
                    os.chmod(target, 0o600)
            self.tls_cfg[endpoint] = _TLSConfig(
                client_cert=(
                    (
                        os.path.join(endpoint_dir, "cert.pem"),
                        os.path.join(endpoint_dir, "key.pem"),
                    )
                    if tls.cert
                    else None
                ),
                ca_cert=os.path.join(endpoint_dir, "ca.pem") if ca_file else None,
                verify=tls.verify,
            )
        self.meta_path = meta_dir
        self.tls_path = tls_dir

    def remove(self) -> None:
        """Delete the context's metadata and TLS files."""
        for directory in (self.meta_path, self.tls_path):
            if directory != IN_MEMORY and os.path.isdir(directory):
                import shutil

                shutil.rmtree(directory)
        tls_dir = get_tls_dir(self.name)
        if os.path.isdir(tls_dir):
            import shutil

            shutil.rmtree(tls_dir)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: '{self.name}'>"

    def __str__(self) -> str:
        return json.dumps(self.__call__(), indent=2)

    def __call__(self) -> dict[str, Any]:
        result = self.Metadata
        result.update(self.TLSMaterial)
        result.update(self.Storage)
        return result

    def is_docker_host(self) -> bool:
        """True for a plain Docker context (no special type in its metadata)."""
        return self.context_type is None

    @property
    def Name(self) -> str:
        """The context's name."""
        return self.name

    @property
    def Host(self) -> str | None:
        """The host of the ``docker`` endpoint (or of the orchestrator's endpoint)."""
        if not self.orchestrator or self.orchestrator == "swarm":
            endpoint = self.endpoints.get("docker", None)
            if endpoint:
                host = endpoint.get("Host", None)
                return str(host) if host is not None else None
            return None
        host = self.endpoints[self.orchestrator].get("Host", None)
        return str(host) if host is not None else None

    @property
    def Orchestrator(self) -> str | None:
        """The stack orchestrator, if any."""
        return self.orchestrator

    @property
    def Metadata(self) -> dict[str, Any]:
        """The content of ``meta.json``."""
        meta: dict[str, Any] = {}
        if self.orchestrator:
            meta = {"StackOrchestrator": self.orchestrator}
        return {"Name": self.name, "Metadata": meta, "Endpoints": self.endpoints}

    @property
    def TLSConfig(self) -> _TLSConfig | None:
        """The TLS settings of the ``docker`` endpoint (or the orchestrator's), if any."""
        key = self.orchestrator
        if not key or key == "swarm":
            key = "docker"
        return self.tls_cfg.get(key)

    @property
    def TLSMaterial(self) -> dict[str, Any]:
        """``{'TLSMaterial': {endpoint: [file names]}}``."""
        certs: dict[str, list[str]] = {}
        for endpoint, tls in self.tls_cfg.items():
            names = []
            if tls.ca_cert:
                names.append(os.path.basename(tls.ca_cert))
            if tls.cert:
                names.extend(os.path.basename(path) for path in tls.cert)
            certs[endpoint] = names
        return {"TLSMaterial": certs}

    @property
    def Storage(self) -> dict[str, Any]:
        """``{'Storage': {'MetadataPath': ..., 'TLSPath': ...}}``."""
        return {"Storage": {"MetadataPath": self.meta_path, "TLSPath": self.tls_path}}
