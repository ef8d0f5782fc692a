"""A private Debian ``docker-registry`` process for one test, which the test may kill.

Configured like the test bed's registries (``scripts/engine.sh``): a config YAML, filesystem
storage in a directory of the caller's, plain HTTP on ``127.0.0.1:<free port>`` (the engine
treats ``127.0.0.0/8`` as insecure by default).  ``kill()`` sends SIGKILL, the way a registry
host that dies looks to the engine; ``kill_when_bytes_flow`` does it from a watcher thread as
soon as the process has moved a given number of bytes (``/proc/<pid>/io``), for calls whose
progress the test cannot see.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

REGISTRY_BIN = "/usr/bin/docker-registry"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrivateRegistry:
    """``docker-registry serve`` on ``127.0.0.1:<port>`` with its storage in ``storage``.

    ``address`` is ``127.0.0.1:<port>``.  Stop it with :meth:`kill` (SIGKILL) or
    :meth:`stop`; both are idempotent.
    """

    def __init__(self, storage: Path, workdir: Path, name: str) -> None:
        self.storage = storage
        self.workdir = workdir
        self.name = name
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        #: ``time.monotonic()`` of the SIGKILL, and the bytes the process had moved then.
        self.killed_at: float | None = None
        self.io_at_kill: int | None = None
        self._lock = threading.Lock()

    @property
    def address(self) -> str:
        """``127.0.0.1:<port>``, the registry part of an image reference."""
        return f"127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        """Where the registry writes its log."""
        return self.workdir / f"{self.name}.log"

    def start(self, wait: float = 15.0) -> PrivateRegistry:
        """Start the process on a free port and wait until ``/v2/`` answers."""
        if not os.access(REGISTRY_BIN, os.X_OK):
            raise RuntimeError(f"{REGISTRY_BIN} is missing: run `bash scripts/engine.sh up`")
        self.storage.mkdir(parents=True, exist_ok=True)
        for _ in range(5):  # the free port may be taken between the probe and the bind
            self.port = free_port()
            config = self.workdir / f"{self.name}.yml"
            config.write_text(
                "version: 0.1\n"
                "log:\n  level: info\n"
                "storage:\n"
                f"  filesystem:\n    rootdirectory: {self.storage}\n"
                "  delete:\n    enabled: true\n"
                "  maintenance:\n    uploadpurging:\n      enabled: false\n"
                f"http:\n  addr: {self.address}\n  secret: dsdk-test-{self.name}\n"
            )
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(
                    [REGISTRY_BIN, "serve", str(config)],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break  # port taken (or a bad config): try another port, then report
                if self._answers():
                    return self
                time.sleep(0.05)
            else:
                self.kill()
                raise RuntimeError(f"registry {self.name} did not answer on {self.address}")
        raise RuntimeError(
            f"registry {self.name} exited at start-up; log {self.log_path}:\n"
            + self.log_path.read_text(errors="replace")[-2000:]
        )

    def _answers(self) -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        try:
            conn.request("GET", "/v2/")
            return conn.getresponse().status == 200
        except OSError:
            return False
        finally:
            conn.close()

    def io_bytes(self) -> int:
        """Bytes the process has read plus written so far (files and sockets alike)."""
        assert self.proc is not None
        with open(f"/proc/{self.proc.pid}/io") as f:
            fields = dict(line.split(": ", 1) for line in f.read().splitlines())
        return int(fields["rchar"]) + int(fields["wchar"])

    def served(self, uri_part: str) -> bool:
        """True once the registry has logged a completed request whose URI holds ``uri_part``."""
        try:
            log = self.log_path.read_text(errors="replace")
        except OSError:
            return False
        return any(
            'msg="response completed"' in line and uri_part in line for line in log.splitlines()
        )

    @property
    def killed(self) -> bool:
        """True once :meth:`kill` has run."""
        return self.killed_at is not None

    def kill(self) -> None:
        """SIGKILL the process (the registry host is gone) and reap it."""
        with self._lock:
            if self.proc is None or self.killed_at is not None:
                return
            with contextlib.suppress(OSError):
                self.io_at_kill = self.io_bytes()
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGKILL)
            self.killed_at = time.monotonic()
            self.proc.wait()

    def stop(self) -> None:
        """Stop the process gracefully (SIGTERM, then SIGKILL after 10 s)."""
        with self._lock:
            if self.proc is None or self.proc.poll() is not None:
                return
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def kill_when_bytes_flow(
        self, threshold: int, after: Callable[[], bool] = lambda: True
    ) -> KillWatcher:
        """Start a thread that kills the registry once it has moved ``threshold`` more bytes
        and ``after()`` is true.

        Call ``stop()`` on the result when the watched call is over.
        """
        watcher = KillWatcher(self, threshold, after)
        watcher.start()
        return watcher


class KillWatcher(threading.Thread):
    """The thread of :meth:`PrivateRegistry.kill_when_bytes_flow`."""

    def __init__(
        self, registry: PrivateRegistry, threshold: int, after: Callable[[], bool]
    ) -> None:
        super().__init__(name=f"kill-{registry.name}", daemon=True)
        self.registry = registry
        self.limit = registry.io_bytes() + threshold
        self.after = after
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set() and not self.registry.killed:
            try:
                moved = self.registry.io_bytes()
            except OSError:
                return
            if moved >= self.limit and self.after():
                self.registry.kill()
                return
            self.done.wait(0.005)

    def stop(self) -> None:
        """Stop watching (the registry is left as it is) and wait for the thread."""
        self.done.set()
        self.join(10)
