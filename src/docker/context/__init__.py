"""Docker contexts, stored as the Docker CLI stores them (``docker context ...``)."""

from . import api, config, context
from .api import ContextAPI
from .context import Context

__all__ = ["Context", "ContextAPI", "api", "config", "context"]
