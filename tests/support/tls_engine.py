"""The TLS-only engine of ``scripts/tls_engine.sh``, for the modules that need it."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "tls_engine.sh"
#: Where the script keeps the certificates it generated.
CERTS = Path("/var/lib/docker-testbed/tls")
#: The engine's TLS address (client certificate required) and its plain set-up socket.
TLS_URL = "tcp://127.0.0.1:2376"
TLS_SOCK = "/var/run/dsdk-tls.sock"


def _script(action: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT), action], capture_output=True, text=True, timeout=180, check=False
    )


def run_tls_engine() -> Iterator[None]:
    """Start the TLS engine, yield, and always stop it (body of a module fixture)."""
    try:
        started = _script("up")
        if started.returncode != 0:
            pytest.fail(f"scripts/tls_engine.sh up failed:\n{started.stdout}\n{started.stderr}")
        yield
    finally:
        stopped = _script("down")
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr


def cert(name: str) -> str:
    """Path of one of the generated certificate or key files."""
    return str(CERTS / name)
