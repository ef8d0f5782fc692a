"""Tests for docker.tls.TLSConfig."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from docker.errors import DockerException, TLSParameterError
from docker.tls import TLSConfig


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    paths = {}
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (tmp_path / name).write_text("x")
        paths[name] = str(tmp_path / name)
    return paths


# ----------------------------------------------------------------------------------------------
# construction and validation


def test_class_attributes_default_to_none() -> None:
    assert TLSConfig.cert is None
    assert TLSConfig.ca_cert is None
    assert TLSConfig.verify is None
    config = TLSConfig()
    assert (config.cert, config.ca_cert, config.verify) == (None, None, None)


def test_stores_everything(files: dict[str, str]) -> None:
    config = TLSConfig(
        client_cert=(files["cert.pem"], files["key.pem"]), ca_cert=files["ca.pem"], verify=True
    )
    assert config.cert == (files["cert.pem"], files["key.pem"])
    assert isinstance(config.cert, tuple)
    assert config.ca_cert == files["ca.pem"]
    assert config.verify is True


def test_list_client_cert_is_accepted_and_stored_as_tuple(files: dict[str, str]) -> None:
    config = TLSConfig(client_cert=[files["cert.pem"], files["key.pem"]])  # type: ignore[arg-type]
    assert config.cert == (files["cert.pem"], files["key.pem"])


@pytest.mark.parametrize("bad", [("only-one",), ("a", "b", "c"), "ab", 5])
def test_client_cert_must_be_a_pair(bad: Any) -> None:
    with pytest.raises(TLSParameterError) as info:
        TLSConfig(client_cert=bad)
    assert info.value.msg == "client_cert must be a tuple of (client certificate, key file)"
    assert isinstance(info.value, DockerException)
    assert str(info.value).startswith(info.value.msg + ". TLS configurations should map")


def test_client_cert_files_must_exist(files: dict[str, str], tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.pem")
    for pair in [
        (files["cert.pem"], missing),
        (missing, files["key.pem"]),
        (files["cert.pem"], ""),
        ("", files["key.pem"]),
        (str(tmp_path), files["key.pem"]),  # a directory is not a file
    ]:
        with pytest.raises(TLSParameterError):
            TLSConfig(client_cert=pair)


def test_falsy_client_cert_is_ignored() -> None:
    assert TLSConfig(client_cert=None).cert is None
    assert TLSConfig(client_cert=()).cert is None  # type: ignore[arg-type]


def test_missing_ca_with_verify_raises(tmp_path: Path) -> None:
    with pytest.raises(TLSParameterError) as info:
        TLSConfig(ca_cert=str(tmp_path / "nope.pem"), verify=True)
    assert info.value.msg == "Invalid CA certificate provided for `ca_cert`."


def test_missing_ca_without_verify_is_not_checked(tmp_path: Path) -> None:
    config = TLSConfig(ca_cert=str(tmp_path / "nope.pem"), verify=False)
    assert config.ca_cert == str(tmp_path / "nope.pem")
    assert TLSConfig(ca_cert=str(tmp_path / "nope.pem")).verify is None


# ----------------------------------------------------------------------------------------------
# configure_client


class PlainSession:
    verify: Any = "untouched"
    cert: Any = "untouched"


def test_configure_client_sets_requests_style_attributes(files: dict[str, str]) -> None:
    session = PlainSession()
    TLSConfig(
        client_cert=(files["cert.pem"], files["key.pem"]), ca_cert=files["ca.pem"], verify=True
    ).configure_client(session)
    assert session.verify == files["ca.pem"]
    assert session.cert == (files["cert.pem"], files["key.pem"])


def test_configure_client_verify_without_ca(files: dict[str, str]) -> None:
    session = PlainSession()
    TLSConfig(verify=True).configure_client(session)
    assert session.verify is True
    assert session.cert == "untouched"

    session = PlainSession()
    TLSConfig(ca_cert=files["ca.pem"], verify=False).configure_client(session)
    assert session.verify is False

    session = PlainSession()
    TLSConfig().configure_client(session)
    assert session.verify is None


def test_configure_client_prefers_the_client_hook() -> None:
    class Client:
        def __init__(self) -> None:
            self.received: list[TLSConfig] = []

        def _configure_tls(self, config: TLSConfig) -> None:
            self.received.append(config)

    client = Client()
    config = TLSConfig(verify=True)
    config.configure_client(client)
    assert client.received == [config]
    assert not hasattr(client, "verify")


# ----------------------------------------------------------------------------------------------
# ssl_context


def test_ssl_context_without_verification() -> None:
    context = TLSConfig().ssl_context()
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_NONE
    assert context.check_hostname is False


def test_ssl_context_verify_with_system_cas() -> None:
    context = TLSConfig(verify=True).ssl_context()
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname is True


OPENSSL = shutil.which("openssl")
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="the openssl command is not installed")


def _openssl(*args: str, cwd: Path) -> None:
    assert OPENSSL is not None
    subprocess.run([OPENSSL, *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A CA, a server certificate for 127.0.0.1/localhost and a client certificate.

    The CA is made the way Docker's instructions for ``dockerd --tlsverify`` make it: a bare
    ``openssl req -x509``, so without a key usage extension.
    """
    if OPENSSL is None:
        pytest.skip("the openssl command is not installed")
    d = tmp_path_factory.mktemp("pki")
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem",
        "-out", "ca.pem", "-days", "2", "-subj", "/CN=test-ca", cwd=d,
    )  # fmt: skip
    (d / "server.ext").write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
    )
    (d / "client.ext").write_text("extendedKeyUsage=clientAuth\n")
    for name in ("server", "client"):
        _openssl(
            "req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}-key.pem",
            "-out", f"{name}.csr", "-subj", f"/CN={name}", cwd=d,
        )  # fmt: skip
        _openssl(
            "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
            "-CAcreateserial", "-out", f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext",
            cwd=d,
        )  # fmt: skip
    # A second, unrelated CA, to show that verification really uses ca_cert.
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other-key.pem",
        "-out", "other-ca.pem", "-days", "2", "-subj", "/CN=other-ca", cwd=d,
    )  # fmt: skip
    return {name: str(d / name) for name in (
        "ca.pem", "server.pem", "server-key.pem", "client.pem", "client-key.pem", "other-ca.pem",
    )}  # fmt: skip


def _handshake(
    pki: dict[str, str], client_context: ssl.SSLContext, server_hostname: str = "127.0.0.1"
) -> tuple[bytes, str | None]:
    """Run one TLS exchange against a local server that requires a client certificate.

    Returns what the client read and the CN of the client certificate the server saw.
    """
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(pki["server.pem"], pki["server-key.pem"])
    server_context.load_verify_locations(pki["ca.pem"])
    server_context.verify_mode = ssl.CERT_REQUIRED

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    seen: dict[str, Any] = {}

    def serve() -> None:
        conn, _ = listener.accept()
        try:
            with server_context.wrap_socket(conn, server_side=True) as tls_conn:
                peer = tls_conn.getpeercert() or {}
                subject = dict(item[0] for item in peer.get("subject", ()))
                seen["cn"] = subject.get("commonName")
                tls_conn.sendall(b"hello")
        except (ssl.SSLError, OSError) as exc:
            seen["error"] = exc
        finally:
            listener.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        with (
            socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
            client_context.wrap_socket(raw, server_hostname=server_hostname) as conn,
        ):
            data = conn.recv(5)
    finally:
        thread.join(10)
    return data, seen.get("cn")


@needs_openssl
def test_ssl_context_full_verification_with_client_certificate(pki: dict[str, str]) -> None:
    config = TLSConfig(
        client_cert=(pki["client.pem"], pki["client-key.pem"]), ca_cert=pki["ca.pem"], verify=True
    )
    context = config.ssl_context()
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname is True
    assert _handshake(pki, context) == (b"hello", "client")


@needs_openssl
def test_ca_without_key_usage_is_accepted_as_by_the_docker_cli(
    pki: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Python 3.13's create_default_context sets VERIFY_X509_STRICT, which refuses such a CA;
    # do the same here on older versions, so the test means the same everywhere.
    default_context = ssl.create_default_context

    def strict_by_default(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        context = default_context(*args, **kwargs)
        context.verify_flags |= ssl.VERIFY_X509_STRICT
        return context

    monkeypatch.setattr(ssl, "create_default_context", strict_by_default)
    strict = ssl.create_default_context(cafile=pki["ca.pem"])
    strict.load_cert_chain(pki["client.pem"], pki["client-key.pem"])
    with pytest.raises(ssl.SSLCertVerificationError, match="key usage"):
        _handshake(pki, strict)

    config = TLSConfig(
        client_cert=(pki["client.pem"], pki["client-key.pem"]), ca_cert=pki["ca.pem"], verify=True
    )
    context = config.ssl_context()
    assert not context.verify_flags & ssl.VERIFY_X509_STRICT
    assert _handshake(pki, context) == (b"hello", "client")


@needs_openssl
def test_ssl_context_rejects_server_signed_by_another_ca(pki: dict[str, str]) -> None:
    config = TLSConfig(
        client_cert=(pki["client.pem"], pki["client-key.pem"]),
        ca_cert=pki["other-ca.pem"],
        verify=True,
    )
    with pytest.raises(ssl.SSLCertVerificationError):
        _handshake(pki, config.ssl_context())


@needs_openssl
def test_ssl_context_checks_the_host_name(pki: dict[str, str]) -> None:
    config = TLSConfig(
        client_cert=(pki["client.pem"], pki["client-key.pem"]), ca_cert=pki["ca.pem"], verify=True
    )
    with pytest.raises(ssl.SSLCertVerificationError):
        _handshake(pki, config.ssl_context(), server_hostname="wrong.example")


@needs_openssl
def test_ssl_context_without_verification_accepts_unknown_server(pki: dict[str, str]) -> None:
    # DOCKER_CERT_PATH without DOCKER_TLS_VERIFY: client certificate, no server check.
    config = TLSConfig(
        client_cert=(pki["client.pem"], pki["client-key.pem"]),
        ca_cert=pki["other-ca.pem"],
        verify=False,
    )
    assert _handshake(pki, config.ssl_context(), server_hostname="wrong.example") == (
        b"hello",
        "client",
    )


@needs_openssl
def test_ssl_context_verify_as_ca_bundle_path(pki: dict[str, str]) -> None:
    config = TLSConfig(client_cert=(pki["client.pem"], pki["client-key.pem"]), verify=pki["ca.pem"])
    assert _handshake(pki, config.ssl_context()) == (b"hello", "client")


@needs_openssl
def test_ssl_context_bad_key_pair_fails_when_building(pki: dict[str, str]) -> None:
    config = TLSConfig(client_cert=(pki["client.pem"], pki["server-key.pem"]))
    with pytest.raises(ssl.SSLError):
        config.ssl_context()
