"""Per-call latency of ``ping()`` over each transport: unix socket, TLS and SSH.

Contenders, each on one pooled keep-alive connection, sequential calls:

* **raw**: a hand-written HTTP exchange on the same kind of connection (``bench_daemon``'s
  ``RawClient``): the unix socket; plain TCP; the TLS engine's own unix socket; a TLS socket
  with the test bed's client certificate; and
  ``ssh ... docker system dial-stdio`` spawned by hand over a socket pair (the limit for SSH).
* **ours**: ``APIClient(base_url=..., version='1.41').ping()`` (and the asyncio client over SSH).
* **original 7.2**: the same in ``benchmarks/.venv-original`` (with paramiko): unix, TLS, SSH
  in its default paramiko mode and with ``use_ssh_client=True`` (which opens a new ``ssh``
  process for every call: it keeps no pool in that mode).

Engines: the test bed's engine (unix), the TLS engine of ``scripts/tls_engine.sh``
(127.0.0.1:2376, client certificates) and the sshd of ``scripts/sshd.sh`` (ssh://root@dsdk-ssh:2222,
which dials the test bed's engine). Both are started when down and stopped again afterwards.

Issue #6 asks for TLS at most 1.2x our plain-TCP figure. dockerd puts every TCP listener behind
TLS once TLS is on, so plain TCP is served by a twin engine (``scripts/tls_engine.sh up plain``,
127.0.0.1:2375) with the same configuration minus TLS; both engines' own unix sockets are timed
as well, to show the two daemons answer alike.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import (  # noqa: E402
    API,
    ORIGINAL_PYTHON,
    RawClient,
    bench_parser,
    check_ours,
    log_to,
    met,
    meta_block,
    publish,
    start_run,
)

ROOT = HERE.parent
WORKER = HERE / "_transport_worker.py"
TLS_DIR = Path("/var/lib/docker-testbed/tls")
TLS_URL = "tcp://127.0.0.1:2376"
SSH_URL = "ssh://root@dsdk-ssh:2222"
UNIX_URL = "unix:///var/run/docker.sock"
#: The TLS engine's own plain unix socket: the same daemon without TLS.
TLS_ENGINE_SOCK = "/var/run/dsdk-tls.sock"
#: Its plain-TCP twin (``scripts/tls_engine.sh up plain``) and that twin's unix socket.
PLAIN_URL = "tcp://127.0.0.1:2375"
PLAIN_ENGINE_SOCK = "/var/run/dsdk-plain.sock"
ROUNDS = 7
BLOCK = 300
#: The original's shell-out mode spawns ssh per call: fewer calls per round.
SLOW_BLOCK = 10
PING = f"GET /v{API}/_ping HTTP/1.1\r\nHost: docker\r\n\r\n".encode("ascii")

log = log_to("bench_transports")


def tls_spec() -> dict[str, Any]:
    return {
        "client_cert": [str(TLS_DIR / "client.pem"), str(TLS_DIR / "client-key.pem")],
        "ca_cert": str(TLS_DIR / "ca.pem"),
    }


class Worker:
    """One ``_transport_worker.py`` process (ours or the original's interpreter)."""

    def __init__(
        self, python: Path, spec: dict[str, Any], original: bool, home: str | None = None
    ) -> None:
        cmd = [str(python), "-I", str(WORKER), json.dumps(spec)] if original else None
        if cmd is None:
            cmd = [str(python), str(WORKER), json.dumps(spec)]
        # requests lets REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE (set on this machine) replace the
        # CA a TLSConfig gives the original's session, which then refuses the test bed's
        # daemon; without them it uses the TLSConfig's CA, as intended.
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE") and not k.startswith("PYTHON")
        }
        if home:
            env["HOME"] = home
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd="/" if original else str(ROOT),
            env=env,
        )
        assert self.proc.stdout is not None
        ready = json.loads(self.proc.stdout.readline())
        expect_original = str(ORIGINAL_PYTHON.parent.parent) in ready["file"]
        if expect_original != original:
            raise RuntimeError(f"worker imported the wrong docker: {ready}")
        self.version = ready["version"]

    def samples(self, k: int) -> list[int]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{k}\n")
        self.proc.stdin.flush()
        return list(json.loads(self.proc.stdout.readline()))

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(30)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


class Raw:
    """The raw contender on a given socket."""

    def __init__(self, sock: socket.socket, closer: Any = None) -> None:
        self.client = object.__new__(RawClient)
        self.client.sock = sock
        self.client.buf = b""
        self.closer = closer
        for _ in range(20):
            self.ping()

    def ping(self) -> bool:
        return self.client.get(PING) == b"OK"

    def samples(self, k: int) -> list[int]:
        out = []
        clock = time.perf_counter_ns
        ping = self.ping
        for _ in range(k):
            t0 = clock()
            ping()
            out.append(clock() - t0)
        return out

    def close(self) -> None:
        self.client.sock.close()
        if self.closer:
            self.closer()


def raw_unix(path: str = "/var/run/docker.sock") -> Raw:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    return Raw(sock)


def raw_tcp() -> Raw:
    sock = socket.create_connection(("127.0.0.1", 2375))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return Raw(sock)


def raw_tls() -> Raw:
    ctx = ssl.create_default_context(cafile=str(TLS_DIR / "ca.pem"))
    ctx.load_cert_chain(str(TLS_DIR / "client.pem"), str(TLS_DIR / "client-key.pem"))
    sock = socket.create_connection(("127.0.0.1", 2376))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return Raw(ctx.wrap_socket(sock, server_hostname="127.0.0.1"))


def raw_ssh() -> Raw:
    ours, theirs = socket.socketpair()
    proc = subprocess.Popen(
        [
            "ssh",
            "-T",
            "-l",
            "root",
            "-p",
            "2222",
            "--",
            "dsdk-ssh",
            "docker",
            "system",
            "dial-stdio",
        ],
        stdin=theirs,
        stdout=theirs,
    )
    theirs.close()

    def end() -> None:
        proc.terminate()
        proc.wait(10)

    return Raw(ours, end)


def paramiko_home() -> str:
    """A HOME whose ~/.ssh serves paramiko the test bed's sshd.

    paramiko reads only ``~/.ssh/config`` and ``~/.ssh/known_hosts`` (not the system-wide
    ``ssh_config.d`` drop-in that ``scripts/sshd.sh`` writes for OpenSSH, nor HostKeyAlias).
    """
    keys = Path("/var/lib/docker-testbed/ssh")
    home = Path(tempfile.mkdtemp(prefix="bench-transports-"))
    ssh_dir = home / ".ssh"
    ssh_dir.mkdir(mode=0o700)
    (ssh_dir / "config").write_text(
        f"Host dsdk-ssh\n    HostName 127.0.0.1\n    IdentityFile {keys / 'id_ed25519'}\n"
    )
    host_key = " ".join((keys / "host_ed25519.pub").read_text().split()[:2])
    (ssh_dir / "known_hosts").write_text(f"[127.0.0.1]:2222 {host_key}\n")
    return str(home)


def script(name: str, action: str) -> bool:
    """Run scripts/NAME.sh ACTION (NAME may carry an argument: "tls_engine plain")."""
    base, _, extra = name.partition(" ")
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / f"{base}.sh"), action, *extra.split()],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return done.returncode == 0


def run(rounds: int, scale: float) -> dict[str, Any]:
    block = max(10, round(BLOCK * scale))
    slow = max(2, round(SLOW_BLOCK * scale))
    engines = ("tls_engine", "tls_engine plain", "sshd")
    started = {name: not script(name, "status") for name in engines}
    for name in started:
        if not script(name, "up"):
            raise SystemExit(f"scripts/{name}.sh up failed")
    ours_py = Path(sys.executable)
    home = paramiko_home()
    contenders: dict[str, Any] = {}
    try:
        contenders = {
            "unix/raw": raw_unix(),
            "unix/ours": Worker(ours_py, {"base_url": UNIX_URL}, False),
            "unix/original": Worker(ORIGINAL_PYTHON, {"base_url": UNIX_URL}, True),
            "tcp/raw": raw_tcp(),
            "tcp/ours": Worker(ours_py, {"base_url": PLAIN_URL}, False),
            "tcp/original": Worker(ORIGINAL_PYTHON, {"base_url": PLAIN_URL}, True),
            "tcp-unix/ours": Worker(ours_py, {"base_url": f"unix://{PLAIN_ENGINE_SOCK}"}, False),
            "tls-unix/raw": raw_unix(TLS_ENGINE_SOCK),
            "tls-unix/ours": Worker(ours_py, {"base_url": f"unix://{TLS_ENGINE_SOCK}"}, False),
            "tls/raw": raw_tls(),
            "tls/ours": Worker(ours_py, {"base_url": TLS_URL, "tls": tls_spec()}, False),
            "tls/ours async": Worker(
                ours_py, {"base_url": TLS_URL, "tls": tls_spec(), "mode": "async"}, False
            ),
            "tls/original": Worker(ORIGINAL_PYTHON, {"base_url": TLS_URL, "tls": tls_spec()}, True),
            "ssh/raw": raw_ssh(),
            "ssh/ours": Worker(ours_py, {"base_url": SSH_URL}, False),
            "ssh/ours async": Worker(ours_py, {"base_url": SSH_URL, "mode": "async"}, False),
            "ssh/original paramiko": Worker(ORIGINAL_PYTHON, {"base_url": SSH_URL}, True, home),
            "ssh/original shell": Worker(
                ORIGINAL_PYTHON, {"base_url": SSH_URL, "use_ssh_client": True}, True
            ),
        }
        samples: dict[str, list[int]] = {name: [] for name in contenders}
        for r in range(rounds):
            for name, contender in contenders.items():
                k = slow if name == "ssh/original shell" else block
                samples[name].extend(contender.samples(k))
            log(f"round {r + 1}/{rounds} done")
    finally:
        for contender in contenders.values():
            contender.close()
        shutil.rmtree(home, ignore_errors=True)
        for name, was_down in started.items():
            if was_down:
                script(name, "down")
    return {"block": block, "slow_block": slow, "rounds": rounds, "samples_ns": samples}


def report(res: dict[str, Any], meta: dict[str, str]) -> tuple[str, dict[str, bool]]:
    med = {name: statistics.median(s) for name, s in res["samples_ns"].items()}

    def us(name: str) -> str:
        return f"{med[name] / 1000:,.0f} µs" if med[name] < 1e7 else f"{med[name] / 1e6:,.1f} ms"

    tls_vs_tcp = med["tls/ours"] / med["tcp/ours"]
    checks = {"TLS per call <= 1.2x our plain-TCP figure": tls_vs_tcp <= 1.2}
    lines = [
        "### Transports (`benchmarks/bench_transports.py`)",
        "",
        "`ping()` per call on one pooled connection, sequential; medians of "
        f"{res['rounds']} interleaved rounds of {res['block']} calls per contender "
        f"({res['slow_block']} for the original's shell-out SSH mode, which starts `ssh` for "
        "every call). SSH: OpenSSH on loopback (`scripts/sshd.sh`), `docker system dial-stdio` "
        "to the test bed's engine; TLS: the engine of `scripts/tls_engine.sh` with client "
        "certificates.",
        "",
        "| transport | raw socket | ours | ours / raw | original 7.2 | original / ours |",
        "|---|---|---|---|---|---|",
    ]
    for kind, orig in (
        ("unix", "unix/original"),
        ("tcp", "tcp/original"),
        ("tls", "tls/original"),
        ("ssh", "ssh/original paramiko"),
    ):
        lines.append(
            f"| {kind}{' (original: paramiko)' if kind == 'ssh' else ''} | {us(kind + '/raw')} | "
            f"{us(kind + '/ours')} | {med[kind + '/ours'] / med[kind + '/raw']:.2f}x | "
            f"{us(orig)} | {med[orig] / med[kind + '/ours']:.1f}x |"
        )
    lines.append(
        f"| ssh (original: `use_ssh_client=True`) | {us('ssh/raw')} | {us('ssh/ours')} | "
        f"{med['ssh/ours'] / med['ssh/raw']:.2f}x | {us('ssh/original shell')} | "
        f"{med['ssh/original shell'] / med['ssh/ours']:.0f}x |"
    )
    lines += [
        "",
        f"Ours with the asyncio client, per sequential call: over SSH {us('ssh/ours async')}, "
        f"over TLS {us('tls/ours async')} ({med['tls/ours async'] / med['tls/raw']:.2f}x raw "
        "TLS; its TLS is the half-closable protocol of `docker.transport.tlsprotocol`).",
        "",
        f"- Ours over TLS / ours over plain TCP: **{tls_vs_tcp:.2f}x** (target: at most 1.2x; "
        f"met: {met(checks[next(iter(checks))])}); raw TLS / raw TCP: "
        f"{med['tls/raw'] / med['tcp/raw']:.2f}x, the protocol's own cost. The two engines "
        "are twins (`scripts/tls_engine.sh up` and `up plain`); over their own unix sockets "
        f"ours needs {us('tls-unix/ours')} (TLS engine) and {us('tcp-unix/ours')} (plain "
        "engine), so the daemons cost the same.",
        "- The original's TLS rows run without `REQUESTS_CA_BUNDLE`/`CURL_CA_BUNDLE` (set on "
        "this machine): with them, `requests` replaces the TLSConfig's CA and the original "
        "refuses the daemon's certificate.",
        "",
    ]
    lines += [f"- {k}: {v}" for k, v in meta.items()]
    return "\n".join(lines) + "\n", checks


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(
        __doc__, ROUNDS, f"rounds (default {ROUNDS})", "multiply the call counts (smoke runs)"
    )
    args = parser.parse_args(argv)
    check_ours()
    started, busy, before = start_run()
    res = run(args.rounds, args.scale)
    meta = meta_block(started, busy, before, {})
    text, checks = report(res, meta)
    publish(text, checks, {"meta": meta, **res}, args.markdown, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
