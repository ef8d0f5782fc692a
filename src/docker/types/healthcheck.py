"""The health check of a container or a service task."""

from __future__ import annotations

from typing import Any

from ._kwargs import pick
from .base import DictType

__all__ = ["Healthcheck"]


def _test_list(test: Any) -> Any:
    """A shell command string becomes ``['CMD-SHELL', command]``; other values are kept."""
    if isinstance(test, str):
        return ["CMD-SHELL", test]
    return test


class Healthcheck(DictType):
    """How the daemon checks that a container is healthy.

    Keywords (snake_case or the Engine's PascalCase): ``test`` (``[]`` inherits the image's
    check, ``['NONE']`` disables it, ``['CMD', ...]`` or ``['CMD-SHELL', cmd]`` runs a command;
    a plain string is taken as a shell command), ``interval``, ``timeout`` and
    ``start_period`` (integers in nanoseconds: 0, or at least one millisecond) and
    ``retries`` (failures in a row before the container counts as unhealthy).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            {
                "Test": _test_list(pick(kwargs, "test", "Test")),
                "Interval": pick(kwargs, "interval", "Interval"),
                "Timeout": pick(kwargs, "timeout", "Timeout"),
                "Retries": pick(kwargs, "retries", "Retries"),
                "StartPeriod": pick(kwargs, "start_period", "StartPeriod"),
            }
        )

    @property
    def test(self) -> Any:
        """The check command (``Test``)."""
        return self["Test"]

    @test.setter
    def test(self, value: Any) -> None:
        self["Test"] = _test_list(value)

    @property
    def interval(self) -> Any:
        """Time between two checks, in nanoseconds (``Interval``)."""
        return self["Interval"]

    @interval.setter
    def interval(self, value: Any) -> None:
        self["Interval"] = value

    @property
    def timeout(self) -> Any:
        """Time a check may take before it counts as failed, in nanoseconds (``Timeout``)."""
        return self["Timeout"]

    @timeout.setter
    def timeout(self, value: Any) -> None:
        self["Timeout"] = value

    @property
    def retries(self) -> Any:
        """Consecutive failures needed to report the container unhealthy (``Retries``)."""
        return self["Retries"]

    @retries.setter
    def retries(self, value: Any) -> None:
        self["Retries"] = value

    @property
    def start_period(self) -> Any:
        """Start-up grace period in nanoseconds, during which failures do not count."""
        return self["StartPeriod"]

    @start_period.setter
    def start_period(self, value: Any) -> None:
        self["StartPeriod"] = value
