"""Service endpoints: create, inspect, update, list and remove services; tasks; service logs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .. import auth, errors
from .._core.endpoint import Call, endpoint
from .._core.message import Request
from ..utils.decorators import check_resource, minimum_version
from ..utils.utils import convert_filters, convert_service_networks, version_lt
from .container import output_decoder
from .daemon import json_request
from .swarm import swarm_call

if TYPE_CHECKING:
    from ..types.daemon import CancellableStream

__all__ = ["ServiceApiMixin"]


def _gate(version: str, minimum: str, what: str) -> None:
    if version_lt(version, minimum):
        raise errors.InvalidVersion(f"{what} is not supported in API version < {minimum}")


def _check_api_features(
    version: str,
    task_template: Mapping[str, Any] | None,
    update_config: Mapping[str, Any] | None,
    endpoint_spec: Mapping[str, Any] | None,
    rollback_config: Mapping[str, Any] | None,
) -> None:
    """Refuse options the daemon does not know at API ``version`` (InvalidVersion)."""
    if update_config is not None:
        if "MaxFailureRatio" in update_config:
            _gate(version, "1.25", "UpdateConfig.max_failure_ratio")
        if "Monitor" in update_config:
            _gate(version, "1.25", "UpdateConfig.monitor")
        if update_config.get("FailureAction") == "rollback":
            _gate(version, "1.28", "UpdateConfig.failure_action rollback")
        if "Order" in update_config:
            _gate(version, "1.29", "UpdateConfig.order")
    if rollback_config is not None:
        _gate(version, "1.28", "rollback_config")
        if "Order" in rollback_config:
            _gate(version, "1.29", "RollbackConfig.order")
    ports = (endpoint_spec or {}).get("Ports") or ()
    if any("PublishMode" in port for port in ports):
        _gate(version, "1.32", "EndpointSpec.Ports[].mode")
    if task_template is not None:
        if "ForceUpdate" in task_template:
            _gate(version, "1.25", "force_update")
        placement = task_template.get("Placement") or {}
        if "Platforms" in placement:
            _gate(version, "1.30", "Placement.platforms")
        if "Preferences" in placement:
            _gate(version, "1.27", "Placement.preferences")
        container_spec = task_template.get("ContainerSpec") or {}
        gates = (
            ("TTY", "1.25", "ContainerSpec.tty"),
            ("Hostname", "1.25", "ContainerSpec.hostname"),
            ("Hosts", "1.25", "ContainerSpec.hosts"),
            ("Groups", "1.25", "ContainerSpec.groups"),
            ("DNSConfig", "1.25", "ContainerSpec.dns_config"),
            ("Healthcheck", "1.25", "ContainerSpec.healthcheck"),
            ("ReadOnly", "1.28", "ContainerSpec.read_only"),
            ("StopSignal", "1.28", "ContainerSpec.stop_signal"),
            ("Configs", "1.30", "ContainerSpec.configs"),
            ("Privileges", "1.30", "ContainerSpec.privileges"),
            ("Isolation", "1.35", "ContainerSpec.isolation"),
            ("Init", "1.38", "ContainerSpec.init"),
        )
        for key, minimum, what in gates:
            if container_spec.get(key) is not None:
                _gate(version, minimum, what)
        resources = task_template.get("Resources") or {}
        if (resources.get("Reservations") or {}).get("GenericResources"):
            _gate(version, "1.32", "Resources.generic_resources")


def _merge_task_template(
    current: Mapping[str, Any], override: Mapping[str, Any] | None
) -> dict[str, Any]:
    """``current`` with the non-None values of ``override``; ``ContainerSpec`` key by key."""
    merged = dict(current)
    if override is not None:
        for key, value in override.items():
            if key == "ContainerSpec":
                spec = dict(merged.get("ContainerSpec") or {})
                spec.update({k: v for k, v in value.items() if v is not None})
                merged["ContainerSpec"] = spec
            elif value is not None:
                merged[key] = value
    return merged


class ServiceApiMixin:
    """Endpoints about swarm services (``/services``) and their tasks (``/tasks``)."""

    _version: str
    _path: Callable[..., str]
    _auth_configs: Any
    credstore_env: Any

    def _image_auth_headers(self, image: str | None) -> dict[str, str]:
        """``X-Registry-Auth`` for the registry of ``image``, when the config has credentials."""
        if image is None:
            return {}
        registry, _ = auth.resolve_repository_name(image)
        header = auth.get_config_header(self, registry)
        return {"X-Registry-Auth": header.decode("ascii")} if header else {}

    def _inspect_service(
        self, service: str, insert_defaults: bool | None = None
    ) -> Call[dict[str, Any]]:
        params: dict[str, Any] = {}
        if insert_defaults is not None:
            _gate(self._version, "1.29", "insert_defaults")
            params["insertDefaults"] = insert_defaults
        response = yield from swarm_call(
            Request("GET", self._path("/services/{0}", service), params=params)
        )
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    @minimum_version("1.24")
    def create_service(
        self,
        task_template: dict[str, Any],
        name: str | None = None,
        labels: dict[str, str] | None = None,
        mode: dict[str, Any] | str | None = None,
        update_config: dict[str, Any] | None = None,
        networks: list[Any] | None = None,
        endpoint_config: Any = None,
        endpoint_spec: dict[str, Any] | None = None,
        rollback_config: dict[str, Any] | None = None,
    ) -> Call[dict[str, Any]]:
        """Create a service (``POST /services/create``); returns ``{'ID': ..., ...}``.

        ``task_template`` is a :class:`~docker.types.TaskTemplate` (its ``ContainerSpec`` must
        name an ``Image``); ``name`` and ``labels`` (service labels); ``mode`` a
        :class:`~docker.types.ServiceMode` or a mode name; ``update_config`` /
        ``rollback_config`` an :class:`~docker.types.UpdateConfig` /
        :class:`~docker.types.RollbackConfig`; ``networks`` network names/IDs or
        :class:`~docker.types.NetworkAttachmentConfig`; ``endpoint_spec`` an
        :class:`~docker.types.EndpointSpec`.  ``endpoint_config`` is ignored (as in the
        original SDK).  Registry credentials for the image come from the Docker config file.
        """
        _check_api_features(
            self._version, task_template, update_config, endpoint_spec, rollback_config
        )
        image = (task_template.get("ContainerSpec") or {}).get("Image")
        if image is None:
            raise errors.DockerException("Missing mandatory Image key in ContainerSpec")
        if mode and not isinstance(mode, dict):
            from ..types.services import ServiceMode

            mode = ServiceMode(mode)
        headers = self._image_auth_headers(image)
        if version_lt(self._version, "1.25"):
            networks = networks or task_template.pop("Networks", None)
        data: dict[str, Any] = {
            "Name": name,
            "Labels": labels,
            "TaskTemplate": task_template,
            "Mode": mode,
            "Networks": convert_service_networks(networks),
            "EndpointSpec": endpoint_spec,
        }
        if update_config is not None:
            data["UpdateConfig"] = update_config
        if rollback_config is not None:
            data["RollbackConfig"] = rollback_config
        response = yield from swarm_call(
            json_request("POST", "/services/create", data, headers=headers)
        )
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    @check_resource("service")
    @minimum_version("1.24")
    def inspect_service(
        self, service: str, insert_defaults: bool | None = None
    ) -> Call[dict[str, Any]]:
        """A service's details (``GET /services/{id}``), by ID or name.

        ``insert_defaults=True`` (API 1.29+) fills in the defaults the daemon applies to
        settings the spec leaves out.
        """
        return (yield from self._inspect_service(service, insert_defaults))

    @endpoint
    @check_resource("task")
    @minimum_version("1.24")
    def inspect_task(self, task: str) -> Call[dict[str, Any]]:
        """A task's details (``GET /tasks/{id}``)."""
        response = yield from swarm_call(Request("GET", self._path("/tasks/{0}", task)))
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    @check_resource("service")
    @minimum_version("1.24")
    def remove_service(self, service: str) -> Call[bool]:
        """Delete a service and its tasks (``DELETE /services/{id}``); returns True."""
        yield from swarm_call(Request("DELETE", self._path("/services/{0}", service)))
        return True

    @endpoint
    @minimum_version("1.24")
    def services(
        self, filters: dict[str, Any] | None = None, status: bool | None = None
    ) -> Call[list[dict[str, Any]]]:
        """The services (``GET /services``).

        ``filters``: ``id``, ``label``, ``mode`` (``replicated``/``global``) and ``name``;
        ``status=True`` (API 1.41+) adds each service's running and desired task counts
        (``ServiceStatus``).
        """
        params: dict[str, Any] = {"filters": convert_filters(filters) if filters else None}
        if status is not None:
            _gate(self._version, "1.41", "status")
            params["status"] = status
        response = yield from swarm_call(Request("GET", "/services", params=params))
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    @check_resource("service")
    @minimum_version("1.25")
    def service_logs(
        self,
        service: str,
        details: bool = False,
        follow: bool = False,
        stdout: bool = False,
        stderr: bool = False,
        since: int = 0,
        timestamps: bool = False,
        tail: str | int = "all",
        is_tty: bool | None = None,
    ) -> Call[CancellableStream[bytes]]:
        """The output of a service's tasks (``GET /services/{id}/logs``), as a stream of bytes.

        Ask for ``stdout`` and/or ``stderr`` (both off by default: ask for at least one);
        ``follow`` keeps the stream open for new output; ``since`` a UNIX timestamp;
        ``timestamps`` prefixes each line with its time; ``details`` adds the log attributes;
        ``tail`` is ``'all'`` or a number of lines.  ``is_tty`` says whether the service runs
        with a TTY (raw output rather than multiplexed frames); None looks it up.  The stream
        is closable and a context manager.
        """
        if is_tty is None:
            spec = yield from self._inspect_service(service)
            is_tty = bool(spec["Spec"]["TaskTemplate"]["ContainerSpec"].get("TTY", False))
        params = {
            "details": details,
            "follow": follow,
            "stdout": stdout,
            "stderr": stderr,
            "since": since,
            "timestamps": timestamps,
            "tail": tail,
        }
        stream: CancellableStream[bytes] = yield from swarm_call(
            Request(
                "GET",
                self._path("/services/{0}/logs", service),
                params=params,
                stream=output_decoder(is_tty, False),
            )
        )
        return stream

    @endpoint
    @minimum_version("1.24")
    def tasks(self, filters: dict[str, Any] | None = None) -> Call[list[dict[str, Any]]]:
        """The swarm's tasks (``GET /tasks``).

        ``filters``: ``id``, ``name``, ``service``, ``node``, ``label`` and
        ``desired-state`` (``running``, ``shutdown``, ``accepted``).
        """
        params = {"filters": convert_filters(filters) if filters else None}
        response = yield from swarm_call(Request("GET", "/tasks", params=params))
        return response.json()  # type: ignore[no-any-return]

    @endpoint
    @check_resource("service")
    @minimum_version("1.24")
    def update_service(
        self,
        service: str,
        version: int,
        task_template: dict[str, Any] | None = None,
        name: str | None = None,
        labels: dict[str, str] | None = None,
        mode: dict[str, Any] | str | None = None,
        update_config: dict[str, Any] | None = None,
        networks: list[Any] | None = None,
        endpoint_config: Any = None,
        endpoint_spec: dict[str, Any] | None = None,
        fetch_current_spec: bool = False,
        rollback_config: dict[str, Any] | None = None,
    ) -> Call[dict[str, Any]]:
        """Change a service (``POST /services/{id}/update``); returns ``{'Warnings': ...}``.

        ``version`` is the service's current ``Version.Index``.  The daemon replaces the whole
        spec, so settings left out are reset, unless ``fetch_current_spec=True``: the current
        spec is then read first and only the given settings change (for ``task_template``'s
        ``ContainerSpec``, key by key).  The other arguments are those of
        :meth:`create_service`.
        """
        _check_api_features(
            self._version, task_template, update_config, endpoint_spec, rollback_config
        )
        current: dict[str, Any] = {}
        if fetch_current_spec:
            insert_defaults = None if version_lt(self._version, "1.29") else True
            inspected = yield from self._inspect_service(service, insert_defaults)
            current = inspected["Spec"]
        data: dict[str, Any] = {
            "Name": current.get("Name") if name is None else name,
            "Labels": current.get("Labels") if labels is None else labels,
        }
        if mode is not None:
            from ..types.services import ServiceMode

            data["Mode"] = mode if isinstance(mode, dict) else ServiceMode(mode)
        else:
            data["Mode"] = current.get("Mode")
        task = _merge_task_template(current.get("TaskTemplate") or {}, task_template)
        data["TaskTemplate"] = task
        headers = self._image_auth_headers((task.get("ContainerSpec") or {}).get("Image"))
        data["UpdateConfig"] = (
            update_config if update_config is not None else current.get("UpdateConfig")
        )
        data["RollbackConfig"] = (
            rollback_config if rollback_config is not None else current.get("RollbackConfig")
        )
        old_api = version_lt(self._version, "1.25")
        if networks is not None:
            converted = convert_service_networks(networks)
            if old_api:
                data["Networks"] = converted
            else:
                task["Networks"] = converted
        elif old_api:
            data["Networks"] = current.get("Networks")
        elif task.get("Networks") is None:
            current_networks = (current.get("TaskTemplate") or {}).get("Networks")
            if current_networks is None:
                current_networks = current.get("Networks")
            if current_networks is not None:
                task["Networks"] = current_networks
        data["EndpointSpec"] = (
            endpoint_spec if endpoint_spec is not None else current.get("EndpointSpec")
        )
        response = yield from swarm_call(
            json_request(
                "POST",
                self._path("/services/{0}/update", service),
                data,
                headers=headers,
                params={"version": version},
            )
        )
        return response.json()  # type: ignore[no-any-return]
