"""High-level objects: containers, images, networks, ... and their collections.

The submodules are imported the first time they are used (``docker.models.containers``...).
"""

from typing import TYPE_CHECKING

from .. import _lazy

if TYPE_CHECKING:
    from . import configs as configs
    from . import containers as containers
    from . import images as images
    from . import networks as networks
    from . import nodes as nodes
    from . import plugins as plugins
    from . import resource as resource
    from . import secrets as secrets
    from . import services as services
    from . import swarm as swarm
    from . import volumes as volumes
else:
    __getattr__, __dir__ = _lazy.attach(
        __name__,
        globals(),
        submodules=(
            "configs",
            "containers",
            "images",
            "networks",
            "nodes",
            "plugins",
            "resource",
            "secrets",
            "services",
            "swarm",
            "volumes",
        ),
    )
