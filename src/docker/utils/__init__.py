"""Helpers for building API arguments and handling daemon responses.

The names re-exported here are the ones the original SDK exposed as ``docker.utils.<name>``.
The submodules and names are imported the first time they are used.
"""

from typing import TYPE_CHECKING

from .. import _lazy

if TYPE_CHECKING:
    from . import build, decorators, fnmatch, json_stream, proxy, utils
    from . import config as config
    from . import ports as ports
    from . import socket as socket
    from ._progress import progress
    from .build import (
        create_archive,
        exclude_paths,
        match_tag,
        mkbuildcontext,
        tar,
    )
    from .decorators import check_resource, minimum_version, update_headers
    from .utils import (
        compare_version,
        convert_filters,
        convert_port_bindings,
        convert_service_networks,
        convert_volume_binds,
        create_host_config,
        create_ipam_config,
        create_ipam_pool,
        datetime_to_timestamp,
        decode_json_header,
        format_environment,
        format_extra_hosts,
        kwargs_from_env,
        normalize_links,
        parse_bytes,
        parse_devices,
        parse_env_file,
        parse_host,
        parse_repository_tag,
        split_command,
        version_gte,
        version_lt,
    )
else:
    __getattr__, __dir__ = _lazy.attach(
        __name__,
        globals(),
        names={
            "docker.utils._progress": ["progress"],
            "docker.utils.build": [
                "create_archive",
                "exclude_paths",
                "match_tag",
                "mkbuildcontext",
                "tar",
            ],
            "docker.utils.decorators": ["check_resource", "minimum_version", "update_headers"],
            "docker.utils.utils": [
                "compare_version",
                "convert_filters",
                "convert_port_bindings",
                "convert_service_networks",
                "convert_volume_binds",
                "create_host_config",
                "create_ipam_config",
                "create_ipam_pool",
                "datetime_to_timestamp",
                "decode_json_header",
                "format_environment",
                "format_extra_hosts",
                "kwargs_from_env",
                "normalize_links",
                "parse_bytes",
                "parse_devices",
                "parse_env_file",
                "parse_host",
                "parse_repository_tag",
                "split_command",
                "version_gte",
                "version_lt",
            ],
        },
        submodules=(
            "build",
            "config",
            "decorators",
            "fnmatch",
            "json_stream",
            "ports",
            "proxy",
            "socket",
            "utils",
        ),
    )

__all__ = [
    "build",
    "check_resource",
    "compare_version",
    "convert_filters",
    "convert_port_bindings",
    "convert_service_networks",
    "convert_volume_binds",
    "create_archive",
    "create_host_config",
    "create_ipam_config",
    "create_ipam_pool",
    "datetime_to_timestamp",
    "decode_json_header",
    "decorators",
    "exclude_paths",
    "fnmatch",
    "format_environment",
    "format_extra_hosts",
    "json_stream",
    "kwargs_from_env",
    "match_tag",
    "minimum_version",
    "mkbuildcontext",
    "normalize_links",
    "parse_bytes",
    "parse_devices",
    "parse_env_file",
    "parse_host",
    "parse_repository_tag",
    "progress",
    "proxy",
    "split_command",
    "tar",
    "update_headers",
    "utils",
    "version_gte",
    "version_lt",
]
