"""Docker contexts, stored as the Docker CLI stores them (``docker context ...``).

The submodules and classes are imported the first time they are used.
"""

from typing import TYPE_CHECKING

from .. import _lazy

if TYPE_CHECKING:
    from . import api, config, context
    from .api import ContextAPI
    from .context import Context
else:
    __getattr__, __dir__ = _lazy.attach(
        __name__,
        globals(),
        names={"docker.context.api": ["ContextAPI"], "docker.context.context": ["Context"]},
        submodules=("api", "config", "context"),
    )

__all__ = ["Context", "ContextAPI", "api", "config", "context"]
