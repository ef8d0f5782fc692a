"""Proxy settings read from the ``proxies`` block of the Docker config file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .utils import format_environment

__all__ = ["ProxyConfig"]

#: (dict key, config.json key, environment variable) for each proxy setting.
_FIELDS = (
    ("http", "httpProxy", "http_proxy"),
    ("https", "httpsProxy", "https_proxy"),
    ("ftp", "ftpProxy", "ftp_proxy"),
    ("no_proxy", "noProxy", "no_proxy"),
)


class ProxyConfig(dict):  # type: ignore[type-arg]
    """Proxy settings (keys ``http``, ``https``, ``ftp``, ``no_proxy``) to hand to containers
    and builds as environment variables / build arguments."""

    @property
    def http(self) -> str | None:
        """The HTTP proxy URL, if any."""
        return self.get("http")

    @property
    def https(self) -> str | None:
        """The HTTPS proxy URL, if any."""
        return self.get("https")

    @property
    def ftp(self) -> str | None:
        """The FTP proxy URL, if any."""
        return self.get("ftp")

    @property
    def no_proxy(self) -> str | None:
        """Hosts that must be reached without a proxy (comma-separated), if any."""
        return self.get("no_proxy")

    @staticmethod
    def from_dict(config: Mapping[str, Any]) -> ProxyConfig:
        """Build from one config.json proxy entry (``httpProxy``, ``httpsProxy``, ``ftpProxy``,
        ``noProxy``)."""
        return ProxyConfig({key: config.get(source) for key, source, _ in _FIELDS})

    def get_environment(self) -> dict[str, str]:
        """The proxy environment variables, each in lower and upper case, for the set values."""
        env: dict[str, str] = {}
        for key, _, variable in _FIELDS:
            value = self.get(key)
            if value:
                env[variable] = value
                env[variable.upper()] = value
        return env

    def inject_proxy_environment(self, environment: list[str] | None) -> list[str] | None:
        """Put the proxy variables (``KEY=value`` form) in front of ``environment``.

        Variables given by the caller come later and so take precedence. Without proxy
        settings, ``environment`` is returned unchanged.
        """
        if not self:
            return environment
        proxy_env = format_environment(self.get_environment())
        if not environment:
            return proxy_env
        return proxy_env + list(environment)

    def __str__(self) -> str:
        return (
            f"ProxyConfig(http={self.http}, https={self.https}, ftp={self.ftp}, "
            f"no_proxy={self.no_proxy})"
        )
