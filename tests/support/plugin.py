"""A managed plugin the real engine can create, enable, push and pull, built offline.

:func:`make_plugin_dir` writes a plugin directory (``config.json`` and ``rootfs``) whose root
filesystem is the static busybox of the test bed (``/bin/busybox`` and a few applet links).

Enabling a plugin makes the engine start it and then dial its socket (``Interface.Socket``
under ``/run/docker/plugins`` inside the plugin, which is the host directory
``<exec-root>/plugins/<id>``) until something answers: three retries, three seconds apart,
then the enable fails.  Busybox has no unix-socket server, so the entrypoint makes the socket
a symbolic link to a socket that is always listening: the engine's own
(``$SOCKET_TARGET``, default ``/var/run/docker.sock``; the engine dials the link on the host,
where it resolves).  The engine only connects and closes; nothing calls the plugin, because
its interface type (``docker.dsdktest/1.0``) is one no part of the engine handles, so an
enabled test plugin changes nothing for other tests (a volume-driver type would make every
volume listing ask it).

The config also carries what the tests need: a capability (``CAP_NET_ADMIN``), so
installing from a registry needs privileges granted; settable ``Env`` entries (``DEBUG``,
``SOCKET_TARGET``) for ``configure``; and settable ``Args``.

Every directory gets a unique marker file in its rootfs: the 20.10 engine refuses to create a
plugin whose content (layer and config blobs) it already holds ("content ... already exists"),
even from an earlier, removed plugin.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from typing import Any

BUSYBOX = "/bin/busybox"
INTERFACE_TYPE = "docker.dsdktest/1.0"
APPLETS = ("sh", "ln", "sleep", "cat", "ls")

# The shell stays PID 1 and exits on SIGTERM (a bare `sleep` as PID 1 would ignore it, and
# every disable would wait for the engine's 10 s kill timeout).
_ENTRYPOINT_SCRIPT = (
    "trap 'exit 0' TERM INT; "
    'ln -sf "$SOCKET_TARGET" /run/docker/plugins/plugin.sock || exit 1; '
    "sleep 2147483647 & wait"
)


def plugin_config(description: str) -> dict[str, Any]:
    """The plugin's ``config.json`` (the Engine API's ``PluginConfig``)."""
    return {
        "Description": description,
        "Documentation": "https://example.invalid/dsdk-test-plugin",
        "Interface": {"Types": [INTERFACE_TYPE], "Socket": "plugin.sock"},
        "Entrypoint": ["/bin/sh", "-c", _ENTRYPOINT_SCRIPT, "sh"],
        "WorkDir": "/",
        "Network": {"Type": "none"},
        "Linux": {"Capabilities": ["CAP_NET_ADMIN"], "AllowAllDevices": False, "Devices": None},
        "PropagatedMount": "",
        "IpcHost": False,
        "PidHost": False,
        "Mounts": None,
        "Env": [
            {
                "Name": "DEBUG",
                "Description": "debug level (unused; for configure tests)",
                "Settable": ["value"],
                "Value": "0",
            },
            {
                "Name": "SOCKET_TARGET",
                "Description": "the listening socket plugin.sock links to",
                "Settable": ["value"],
                "Value": "/var/run/docker.sock",
            },
        ],
        "Args": {
            "Name": "args",
            "Description": "extra arguments (unused)",
            "Settable": ["value"],
            "Value": [],
        },
    }


def make_plugin_dir(parent: str | os.PathLike[str], description: str = "dsdk test plugin") -> str:
    """Write a plugin directory under ``parent`` and return its path."""
    if not os.path.exists(BUSYBOX):
        raise RuntimeError(f"{BUSYBOX} (busybox-static) is needed to build the test plugin")
    root = os.path.join(os.fspath(parent), f"plugin-{uuid.uuid4().hex[:12]}")
    rootfs = os.path.join(root, "rootfs")
    for sub in ("bin", "etc", "run/docker/plugins", "tmp", "proc", "dev", "sys"):
        os.makedirs(os.path.join(rootfs, sub), exist_ok=True)
    shutil.copy2(BUSYBOX, os.path.join(rootfs, "bin", "busybox"))
    for applet in APPLETS:
        os.symlink("busybox", os.path.join(rootfs, "bin", applet))
    marker = uuid.uuid4().hex
    with open(os.path.join(rootfs, "etc", "dsdk-plugin-id"), "w") as f:
        f.write(marker + "\n")
    with open(os.path.join(root, "config.json"), "w") as f:
        json.dump(plugin_config(f"{description} {marker[:8]}"), f, indent=2)
    return root
