"""Fixtures of the TLS unit tests: a throwaway CA, a scripted loopback TLS server."""

from __future__ import annotations

import ssl
from collections.abc import Iterator

import pytest
from tests.support.tls_loopback import Certs, Server, make_certs


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    """A CA and a server certificate for 127.0.0.1, made once per test module."""
    return make_certs(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def client_context(certs: Certs) -> ssl.SSLContext:
    """A client context that trusts the test CA."""
    return ssl.create_default_context(cafile=str(certs.ca))


@pytest.fixture
def server(certs: Certs) -> Iterator[Server]:
    """A loopback TLS server for one test's script."""
    srv = Server(certs)
    try:
        yield srv
    finally:
        srv.close()
