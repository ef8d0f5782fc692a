"""Run a function in a forked child process while the parent goes on.

The child reports through a pipe: an empty report means the function returned, otherwise it
is the exception it raised.  The child always leaves with ``os._exit``, so no test teardown
or atexit hook of the parent runs twice.
"""

from __future__ import annotations

import os
import traceback
import warnings
from collections.abc import Callable


class Child:
    """A forked child running ``work``; :meth:`result` waits for it."""

    def __init__(self, work: Callable[[], object]) -> None:
        read_end, write_end = os.pipe()
        with warnings.catch_warnings():
            # Python 3.12+ warns about forking a process that has threads.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            os.close(read_end)
            report = b""
            try:
                work()
            except BaseException:
                report = traceback.format_exc().encode("utf-8", "replace") or b"?"
            os.write(write_end, report)
            os._exit(0)
        os.close(write_end)
        self.pid = pid
        self._read_end = read_end

    def result(self, timeout: float = 60) -> str:
        """Wait for the child; '' when ``work`` returned, else the child's traceback."""
        import select

        chunks = []
        try:
            while True:
                ready, _, _ = select.select([self._read_end], [], [], timeout)
                if not ready:
                    os.kill(self.pid, 9)
                    chunks.append(b"the child did not finish in time")
                    break
                data = os.read(self._read_end, 65536)
                if not data:
                    break
                chunks.append(data)
        finally:
            os.close(self._read_end)
            os.waitpid(self.pid, 0)
        return b"".join(chunks).decode("utf-8", "replace")
