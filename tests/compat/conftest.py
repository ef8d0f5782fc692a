"""Prints how much of the original's public surface exists, at the end of the run."""

from __future__ import annotations

from typing import Any


def pytest_terminal_summary(terminalreporter: Any) -> None:
    from tests.compat.signatures import check

    report = check()
    pct = 100 * len(report.present) / report.total if report.total else 0
    terminalreporter.write_line(
        f"public surface of docker-py 7.2 present: {len(report.present)} of {report.total} "
        f"names ({pct:.0f}%), {len(report.mismatches)} signature mismatches"
    )
