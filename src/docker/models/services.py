"""Swarm services as objects: ``client.services`` and the :class:`Service` model."""

from __future__ import annotations

from typing import Any

from .._core.modelcall import ModelCall, model_call
from ..errors import InvalidArgument, create_unexpected_kwargs_error
from ..types.services import ContainerSpec, Placement, ServiceMode, TaskTemplate
from .resource import Collection, Model

__all__ = [
    "CONTAINER_SPEC_KWARGS",
    "CREATE_SERVICE_KWARGS",
    "PLACEMENT_KWARGS",
    "TASK_TEMPLATE_KWARGS",
    "Service",
    "ServiceCollection",
]


class Service(Model):
    """A swarm service."""

    id_attribute = "ID"

    @property
    def name(self) -> str:
        """The service's name."""
        name: str = self.attrs["Spec"]["Name"]
        return name

    @property
    def version(self) -> int | None:
        """The service's version index (``Version.Index``), which updates must quote.

        None when the attributes carry no version (the original raised AttributeError).
        """
        return (self.attrs.get("Version") or {}).get("Index")

    @model_call
    def remove(self) -> ModelCall[bool]:
        """Delete the service and its tasks."""
        result: bool = yield self.client.api.remove_service(self.id)
        return result

    @model_call
    def tasks(self, filters: dict[str, Any] | None = None) -> ModelCall[list[dict[str, Any]]]:
        """The service's tasks (dicts), optionally restricted by ``filters`` (``id``,
        ``name``, ``node``, ``label``, ``desired-state``)."""
        filters = dict(filters or {})
        filters["service"] = self.id
        result: list[dict[str, Any]] = yield self.client.api.tasks(filters=filters)
        return result

    @model_call
    def update(self, **kwargs: Any) -> ModelCall[dict[str, Any]]:
        """Change the service; takes the arguments of :meth:`ServiceCollection.create`.

        Only the given settings change: the current spec is read first
        (``fetch_current_spec=True`` by default).  ``force_update=True`` redeploys the tasks
        even when nothing changed.  Uses the version in :attr:`attrs`, so :meth:`reload`
        between two updates.  Returns the daemon's answer (``{'Warnings': ...}``).
        """
        if "image" not in kwargs:
            kwargs["image"] = self.attrs["Spec"]["TaskTemplate"]["ContainerSpec"]["Image"]
        if kwargs.get("force_update") is True:
            current = int(self.attrs["Spec"]["TaskTemplate"].get("ForceUpdate", 0))
            kwargs["force_update"] = current + 1
        create_kwargs = _get_create_service_kwargs("update", kwargs)
        result: dict[str, Any] = yield self.client.api.update_service(
            self.id, self.version, **create_kwargs
        )
        return result

    @model_call
    def logs(self, **kwargs: Any) -> ModelCall[Any]:
        """The output of the service's tasks, as a stream of bytes.

        Takes ``details``, ``follow``, ``stdout``, ``stderr``, ``since``, ``timestamps`` and
        ``tail`` (see :meth:`~docker.api.service.ServiceApiMixin.service_logs`); ask for
        ``stdout`` and/or ``stderr``.
        """
        is_tty = self.attrs["Spec"]["TaskTemplate"]["ContainerSpec"].get("TTY", False)
        stream = yield self.client.api.service_logs(self.id, is_tty=is_tty, **kwargs)
        return stream

    @model_call
    def scale(self, replicas: int) -> ModelCall[dict[str, Any]]:
        """Run ``replicas`` tasks (a replicated service only; a global one raises
        :class:`~docker.errors.InvalidArgument`)."""
        if "Global" in self.attrs["Spec"]["Mode"]:
            raise InvalidArgument("Cannot scale a global container")
        result: dict[str, Any] = yield self.client.api.update_service(
            self.id,
            self.version,
            mode=ServiceMode("replicated", replicas),
            fetch_current_spec=True,
        )
        return result

    @model_call
    def force_update(self) -> ModelCall[dict[str, Any]]:
        """Redeploy the service's tasks without changing its spec."""
        result: dict[str, Any] = yield self.update(force_update=True, fetch_current_spec=True)
        return result


class ServiceCollection(Collection):
    """The services of the swarm (``client.services``)."""

    model = Service

    @model_call
    def create(  # type: ignore[override]
        self, image: str, command: str | list[str] | None = None, **kwargs: Any
    ) -> ModelCall[Service]:
        """Create a service running ``image`` (with ``command``) and return it.

        Service settings: ``name``, ``labels`` (service labels), ``mode`` (a
        :class:`~docker.types.ServiceMode`), ``update_config``, ``rollback_config``,
        ``endpoint_spec``.  Container settings (see :class:`~docker.types.ContainerSpec`):
        ``args``, ``cap_add``, ``cap_drop``, ``configs``, ``container_labels``,
        ``dns_config``, ``env``, ``groups``, ``healthcheck``, ``hostname``, ``hosts``,
        ``init``, ``isolation``, ``mounts``, ``open_stdin``, ``privileges``, ``read_only``,
        ``secrets``, ``stop_grace_period``, ``stop_signal``, ``sysctls``, ``tty``, ``user``,
        ``workdir``.  Task settings: ``networks``, ``resources``, ``restart_policy``,
        ``log_driver`` with ``log_driver_options``, and the placement ``constraints``,
        ``preferences``, ``platforms``, ``maxreplicas``.
        """
        kwargs["image"] = image
        kwargs["command"] = command
        create_kwargs = _get_create_service_kwargs("create", kwargs)
        service_id = yield self.client.api.create_service(**create_kwargs)
        service: Service = yield self.get(service_id)
        return service

    @model_call
    def get(self, service_id: str, insert_defaults: bool | None = None) -> ModelCall[Service]:
        """One service, by ID or name; ``insert_defaults`` fills in the daemon's defaults."""
        service: Service = self.prepare_model(
            (yield self.client.api.inspect_service(service_id, insert_defaults))
        )
        return service

    @model_call
    def list(self, **kwargs: Any) -> ModelCall[list[Service]]:
        """The services, optionally restricted by ``filters`` (``id``, ``name``, ``label``,
        ``mode``); ``status=True`` adds the running/desired task counts."""
        items = yield self.client.api.services(**kwargs)
        return [self.prepare_model(item) for item in items]


#: Arguments of create/update that go to ``create_service``/``update_service`` themselves.
CREATE_SERVICE_KWARGS = [
    "name",
    "labels",
    "mode",
    "update_config",
    "rollback_config",
    "endpoint_spec",
]

#: Arguments that go to the :class:`~docker.types.ContainerSpec`.
CONTAINER_SPEC_KWARGS = [
    "args",
    "cap_add",
    "cap_drop",
    "command",
    "configs",
    "dns_config",
    "env",
    "groups",
    "healthcheck",
    "hostname",
    "hosts",
    "image",
    "init",
    "isolation",
    "labels",
    "mounts",
    "open_stdin",
    "privileges",
    "read_only",
    "secrets",
    "stop_grace_period",
    "stop_signal",
    "tty",
    "user",
    "workdir",
    "sysctls",
]

#: Arguments that go to the :class:`~docker.types.TaskTemplate`.
TASK_TEMPLATE_KWARGS = [
    "networks",
    "resources",
    "restart_policy",
]

#: Arguments that go to the :class:`~docker.types.Placement`.
PLACEMENT_KWARGS = [
    "constraints",
    "preferences",
    "platforms",
    "maxreplicas",
]


def _take(kwargs: dict[str, Any], names: list[str]) -> dict[str, Any]:
    return {key: kwargs.pop(key) for key in list(kwargs) if key in names}


def _get_create_service_kwargs(func_name: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Split the flat keyword arguments of create/update into the API call's arguments.

    Unknown arguments raise ``TypeError`` naming ``func_name``.
    """
    create_kwargs = _take(kwargs, CREATE_SERVICE_KWARGS)
    container_spec_kwargs = _take(kwargs, CONTAINER_SPEC_KWARGS)
    task_template_kwargs = _take(kwargs, TASK_TEMPLATE_KWARGS)
    if "container_labels" in kwargs:
        container_spec_kwargs["labels"] = kwargs.pop("container_labels")
    task_template_kwargs["placement"] = Placement(**_take(kwargs, PLACEMENT_KWARGS))
    if "log_driver" in kwargs:
        task_template_kwargs["log_driver"] = {
            "Name": kwargs.pop("log_driver"),
            "Options": kwargs.pop("log_driver_options", {}),
        }
    if func_name == "update":
        if "force_update" in kwargs:
            task_template_kwargs["force_update"] = kwargs.pop("force_update")
        # Through the model, an update changes only what it is given.
        create_kwargs["fetch_current_spec"] = kwargs.pop("fetch_current_spec", True)
    if kwargs:
        raise create_unexpected_kwargs_error(func_name, kwargs)
    task_template_kwargs["container_spec"] = ContainerSpec(**container_spec_kwargs)
    create_kwargs["task_template"] = TaskTemplate(**task_template_kwargs)
    return create_kwargs
