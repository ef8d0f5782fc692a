"""Version of the library (it tracks the API level of the SDK it replaces)."""

__title__ = "docker"
__version__ = "7.2.0"
