"""The proxy environment: variable precedence, NO_PROXY matching, proxy URLs, CONNECT answers."""

from __future__ import annotations

import base64
import ipaddress
import itertools
import random
import string
from urllib.parse import quote

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from docker.errors import DockerException
from docker.transport.proxy import (
    NoProxy,
    ProxyURL,
    TunnelError,
    TunnelReply,
    choose_proxy,
    lookup,
    mask_password,
    parse_proxy_url,
)

# ----------------------------------------------------------------------------------------------
# which variable


def test_lower_case_wins_over_upper_case() -> None:
    env = {"HTTP_PROXY": "http://upper:1", "http_proxy": "http://lower:2"}
    assert lookup("http_proxy", env) == ("http_proxy", "http://lower:2")


def test_upper_case_is_read_when_lower_case_is_absent() -> None:
    assert lookup("https_proxy", {"HTTPS_PROXY": "p:3"}) == ("HTTPS_PROXY", "p:3")
    assert lookup("no_proxy", {"NO_PROXY": "a"}) == ("NO_PROXY", "a")
    assert lookup("all_proxy", {}) is None


def test_empty_lower_case_shadows_upper_case() -> None:
    env = {"HTTP_PROXY": "http://upper:1", "http_proxy": ""}
    assert lookup("http_proxy", env) == ("http_proxy", "")
    assert choose_proxy("http", "h", 2375, env).proxy is None


def test_cgi_ignores_upper_case_http_proxy_only() -> None:
    env = {"REQUEST_METHOD": "GET", "HTTP_PROXY": "http://evil:1", "HTTPS_PROXY": "http://p:2"}
    assert lookup("http_proxy", env) is None
    assert lookup("https_proxy", env) == ("HTTPS_PROXY", "http://p:2")
    assert lookup("http_proxy", {**env, "http_proxy": "http://ok:3"}) == (
        "http_proxy",
        "http://ok:3",
    )


def test_scheme_selects_the_variable() -> None:
    env = {"HTTP_PROXY": "http://plain:1", "HTTPS_PROXY": "http://tls:2"}
    plain = choose_proxy("http", "daemon", 2375, env).proxy
    tls = choose_proxy("https", "daemon", 2376, env).proxy
    assert plain == ProxyURL("plain", 1, variable="HTTP_PROXY")
    assert tls == ProxyURL("tls", 2, variable="HTTPS_PROXY")
    assert choose_proxy("https", "daemon", 2376, {"HTTP_PROXY": "http://p:1"}).proxy is None
    assert choose_proxy("http", "daemon", 2375, {"HTTPS_PROXY": "http://p:1"}).proxy is None


def test_all_proxy_is_the_fallback() -> None:
    env = {"ALL_PROXY": "http://all:9"}
    assert choose_proxy("http", "d", 1, env).proxy == ProxyURL("all", 9, variable="ALL_PROXY")
    assert choose_proxy("https", "d", 1, env).proxy == ProxyURL("all", 9, variable="ALL_PROXY")
    env["http_proxy"] = "  "  # blank: not a proxy, fall through to all_proxy
    assert choose_proxy("http", "d", 1, env).proxy == ProxyURL("all", 9, variable="ALL_PROXY")
    env["https_proxy"] = "http://tls:8"
    assert choose_proxy("https", "d", 1, env).proxy == ProxyURL("tls", 8, variable="https_proxy")


def test_no_variable_means_direct() -> None:
    choice = choose_proxy("http", "d", 2375, {})
    assert choice.proxy is None
    assert "http_proxy/HTTP_PROXY" in choice.reason and "all_proxy/ALL_PROXY" in choice.reason


def test_no_proxy_reason_names_the_entry() -> None:
    env = {"https_proxy": "http://p:1", "NO_PROXY": "foo, .Example.com"}
    choice = choose_proxy("https", "docker.example.com", 2376, env)
    assert choice.proxy is None
    assert choice.reason == "direct: NO_PROXY entry '.example.com' matches docker.example.com:2376"


def test_malformed_proxy_only_fails_when_it_applies() -> None:
    env = {"HTTP_PROXY": "socks5://s:1080", "NO_PROXY": "10.0.0.0/8"}
    assert choose_proxy("http", "10.1.2.3", 2375, env).proxy is None
    assert choose_proxy("https", "192.0.2.1", 2376, env).proxy is None
    with pytest.raises(DockerException, match="HTTP_PROXY='socks5://s:1080'"):
        choose_proxy("http", "192.0.2.1", 2375, env)


def test_reads_os_environ_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "all_proxy", "no_proxy", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", "http://from-env:3128")
    assert choose_proxy("http", "d", 1).proxy == ProxyURL("from-env", 3128, variable="HTTP_PROXY")


# ----------------------------------------------------------------------------------------------
# NO_PROXY

BYPASSED = [
    ("*", "anything.example", 1),
    ("a, *", "x", 2),
    ("example.com", "example.com", 2375),
    ("example.com", "docker.example.com", 2375),
    (".example.com", "example.com", 2375),
    (".example.com", "a.b.example.com", 2375),
    ("*.example.com", "docker.example.com", 2375),
    ("EXAMPLE.com", "Docker.Example.COM", 2375),
    ("example.com.", "docker.example.com", 2375),
    ("example.com", "docker.example.com.", 2375),
    (" foo , example.com ", "example.com", 1),
    ("example.com:2376", "example.com", 2376),
    ("localhost", "localhost", 2375),
    ("10.0.0.5", "10.0.0.5", 2375),
    ("10.0.0.5:2375", "10.0.0.5", 2375),
    ("10.0.0.0/8", "10.200.3.4", 2375),
    ("10.1.2.3/8", "10.9.9.9", 2375),  # host bits are ignored
    ("127.0.0.0/8", "127.0.0.1", 2375),
    ("::1", "::1", 2375),
    ("[::1]", "::1", 2375),
    ("[::1]:2375", "[::1]", 2375),
    ("fd00::/8", "fd12::1", 2375),
    ("2001:db8::1", "2001:0db8:0:0::1", 2375),  # compared as addresses, not text
    ("0:0:0:0:0:0:0:1", "[::1]", 1),
]
NOT_BYPASSED = [
    ("", "example.com", 1),
    (",,", "example.com", 1),
    ("example.com", "badexample.com", 2375),
    ("example.com", "example.com.evil", 2375),
    ("docker.example.com", "example.com", 2375),
    ("example.com:2376", "example.com", 2375),
    ("10.0.0.5:2376", "10.0.0.5", 2375),
    ("10.0.0.0/8", "11.0.0.1", 2375),
    ("10.0.0.0/8", "ten.example", 2375),  # host names are not resolved
    ("127.0.0.1", "localhost", 2375),  # ... nor compared with addresses
    ("localhost", "127.0.0.1", 2375),  # loopback is not special: list it
    ("10.0.0.5", "10.0.0.50", 2375),
    ("fd00::/8", "fe80::1", 2375),
    ("10.0.0.0/8", "::ffff:10.0.0.1", 2375),
    ("::1", "127.0.0.1", 2375),
    ("10.0.0.0/99, [::1, ::1]:x, example.com:99999, :80", "10.0.0.1", 80),  # ignored entries
    ("*.", "example.com", 1),
    ("1.2.3", "4.1.2.3", 1),  # an IP address never matches a name entry
]


@pytest.mark.parametrize(("value", "host", "port"), BYPASSED)
def test_no_proxy_bypasses(value: str, host: str, port: int) -> None:
    assert NoProxy(value).match(host, port) is not None


@pytest.mark.parametrize(("value", "host", "port"), NOT_BYPASSED)
def test_no_proxy_does_not_bypass(value: str, host: str, port: int) -> None:
    assert NoProxy(value).match(host, port) is None


_label = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=12)
_domain = st.lists(_label, min_size=1, max_size=4).map(".".join)
_port = st.integers(min_value=1, max_value=65535)


@given(
    domain=_domain,
    labels=st.lists(_label, max_size=3),
    port=_port,
    form=st.sampled_from(["", ".", "*."]),
)
def test_domain_entry_matches_the_domain_and_its_subdomains(
    domain: str, labels: list[str], port: int, form: str
) -> None:
    host = ".".join([*labels, domain])
    assume(not _is_ip(host))
    assert NoProxy(form + domain).match(host, port) == form + domain
    assert NoProxy(form + domain.upper()).match(host.upper(), port) is not None


@given(domain=_domain, prefix=_label, port=_port)
def test_domain_entry_matches_only_at_a_label_boundary(domain: str, prefix: str, port: int) -> None:
    host = prefix + domain  # "badexample.com" against "example.com"
    assume(not _is_ip(host) and not _is_ip(domain))
    assert NoProxy(domain).match(host, port) is None
    assert NoProxy("." + domain).match(host, port) is None


@given(domain=_domain, entry_port=_port, port=_port)
def test_port_in_an_entry_restricts_the_match(domain: str, entry_port: int, port: int) -> None:
    assume(not _is_ip(domain))
    matched = NoProxy(f"{domain}:{entry_port}").match(domain, port) is not None
    assert matched == (port == entry_port)


@given(
    network=st.integers(min_value=0, max_value=2**32 - 1),
    prefix=st.integers(min_value=0, max_value=32),
    host=st.integers(min_value=0, max_value=2**32 - 1),
    port=_port,
)
def test_ipv4_cidr_matches_by_arithmetic(network: int, prefix: int, host: int, port: int) -> None:
    entry = f"{ipaddress.IPv4Address(network)}/{prefix}"
    mask = (2**32 - 1) ^ (2 ** (32 - prefix) - 1)
    expected = (network & mask) == (host & mask)
    address = str(ipaddress.IPv4Address(host))
    assert (NoProxy(entry).match(address, port) is not None) == expected


@given(
    network=st.integers(min_value=0, max_value=2**128 - 1),
    prefix=st.integers(min_value=0, max_value=128),
    host=st.integers(min_value=0, max_value=2**128 - 1),
    bracket=st.booleans(),
)
def test_ipv6_cidr_matches_by_arithmetic(
    network: int, prefix: int, host: int, bracket: bool
) -> None:
    entry = f"{ipaddress.IPv6Address(network)}/{prefix}"
    mask = (2**128 - 1) ^ (2 ** (128 - prefix) - 1)
    expected = (network & mask) == (host & mask)
    address = str(ipaddress.IPv6Address(host))
    if bracket:
        address = f"[{address}]"
    assert (NoProxy(entry).match(address, 2375) is not None) == expected


@given(
    entries=st.lists(st.one_of(_domain, st.ip_addresses().map(str)), min_size=1, max_size=6),
    host=st.one_of(_domain, st.ip_addresses().map(str)),
    port=_port,
    seed=st.integers(),
)
def test_order_spacing_and_case_do_not_matter(
    entries: list[str], host: str, port: int, seed: int
) -> None:
    expected = NoProxy(",".join(entries)).match(host, port) is not None
    shuffled = entries[:]
    random.Random(seed).shuffle(shuffled)
    messy = " , ".join(f"  {entry.upper()}\t" for entry in shuffled) + ", ,"
    assert (NoProxy(messy).match(host, port) is not None) == expected
    # A match is exactly: one of the entries, on its own, matches.
    assert expected == any(NoProxy(entry).match(host, port) for entry in entries)


@given(value=st.text(max_size=60), host=st.text(max_size=30), port=_port)
def test_no_proxy_never_raises(value: str, host: str, port: int) -> None:
    result = NoProxy(value).match(host, port)
    assert result is None or isinstance(result, str)
    star = NoProxy(value + ",*")
    assert star.match(host, port) == "*"


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


# ----------------------------------------------------------------------------------------------
# proxy URLs

VALID = [
    ("http://proxy:3128", ProxyURL("proxy", 3128)),
    ("HTTP://Proxy.Example.com:3128/", ProxyURL("proxy.example.com", 3128)),
    ("proxy:3128", ProxyURL("proxy", 3128)),  # no scheme: http
    ("proxy", ProxyURL("proxy", 80)),
    ("http://proxy", ProxyURL("proxy", 80)),
    ("http://proxy:", ProxyURL("proxy", 80)),
    ("http://10.0.0.1:8080/some/path?x#y", ProxyURL("10.0.0.1", 8080)),
    ("http://[::1]:3128", ProxyURL("::1", 3128)),
    ("http://[2001:db8::7]", ProxyURL("2001:db8::7", 80)),
    ("  http://proxy:3128  ", ProxyURL("proxy", 3128)),
    ("http://user:pw@proxy:3128", ProxyURL("proxy", 3128, "user", "pw")),
    ("http://user@proxy:3128", ProxyURL("proxy", 3128, "user", None)),
    ("http://user:@proxy:3128", ProxyURL("proxy", 3128, "user", "")),
    ("http://us%40er:p%3Aw%2F@proxy:1", ProxyURL("proxy", 1, "us@er", "p:w/")),
    ("http://user:p@ss@proxy:1", ProxyURL("proxy", 1, "user", "p@ss")),
    ("user:pw@proxy:1", ProxyURL("proxy", 1, "user", "pw")),
]


@pytest.mark.parametrize(("value", "expected"), VALID)
def test_parse_valid(value: str, expected: ProxyURL) -> None:
    assert parse_proxy_url(value) == expected


INVALID = [
    ("socks5://proxy:1080", "SOCKS proxies (socks5://) are not supported"),
    ("socks5h://proxy:1080", "SOCKS proxies (socks5h://) are not supported"),
    ("SOCKS4://proxy:1080", "SOCKS proxies (socks4://) are not supported"),
    ("https://proxy:3128", "TLS to the proxy itself (https://) is not supported"),
    ("ftp://proxy:21", "unknown proxy scheme 'ftp'"),
    ("", "the value is empty"),
    ("   ", "the value is empty"),
    ("http://", "the URL has no host"),
    ("http://:3128", "the URL has no host"),
    ("http://user@:3128", "the URL has no host"),
    ("http://proxy:abc", "the port 'abc' is not a number from 1 to 65535"),
    ("http://proxy:0", "the port '0' is not a number from 1 to 65535"),
    ("http://proxy:65536", "the port '65536' is not a number from 1 to 65535"),
    ("http://proxy:-1", "the port '-1' is not a number"),
    ("http://proxy:3128:1", "the port '3128:1' is not a number"),
    ("http://proxy:\u0663", "is not a number"),  # a non-ASCII digit
    ("http://[::1:3128", "has no closing ']'"),
    ("http://[not-v6]:1", "'not-v6' is not an IPv6 address"),
    ("http://[10.0.0.1]:1", "is not an IPv6 address"),
    ("http://[::1]x", "unexpected 'x' after the IPv6 address"),
    ("http://[]:1", "is not an IPv6 address"),
    ("http://pro xy:1", "'pro xy' is not a valid host name"),
    ("http://prøxy:1", "is not a valid host name"),
    ("::1:3128", "the URL has no host"),  # IPv6 needs brackets
]


@pytest.mark.parametrize(("value", "problem"), INVALID)
def test_parse_invalid_names_variable_and_value(value: str, problem: str) -> None:
    with pytest.raises(DockerException) as caught:
        parse_proxy_url(value, "HTTPS_PROXY")
    message = str(caught.value)
    assert problem in message
    assert f"HTTPS_PROXY={value!r}" in message
    assert "only HTTP proxies are supported" in message


def test_error_masks_the_password() -> None:
    with pytest.raises(DockerException) as caught:
        parse_proxy_url("socks5://bob:hunter2@proxy:1080", "ALL_PROXY")
    message = str(caught.value)
    assert "hunter2" not in message
    assert "ALL_PROXY='socks5://bob:***@proxy:1080'" in message


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("http://u:p@h:1", "http://u:***@h:1"),
        ("u:p@h:1", "u:***@h:1"),
        ("http://u@h:1", "http://u@h:1"),
        ("http://h:1/a:b@c", "http://h:1/a:b@c"),
        ("http://u:p@ss@h", "http://u:***@h"),
        ("no credentials", "no credentials"),
    ],
)
def test_mask_password(value: str, masked: str) -> None:
    assert mask_password(value) == masked


_hostname = st.lists(
    st.text(alphabet=string.ascii_lowercase + string.digits + "-", min_size=1, max_size=10),
    min_size=1,
    max_size=4,
).map(".".join)
_credential = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=20)


@given(
    host=st.one_of(_hostname, st.ip_addresses(v=4).map(str), st.ip_addresses(v=6).map(str)),
    port=st.one_of(st.none(), _port),
    user=st.one_of(st.none(), _credential),
    password=st.one_of(st.none(), _credential),
    scheme=st.sampled_from(["http://", "HTTP://", ""]),
    path=st.sampled_from(["", "/", "/x/y", "?q=1"]),
)
def test_parse_round_trip(
    host: str, port: int | None, user: str | None, password: str | None, scheme: str, path: str
) -> None:
    if user is None:
        password = None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    if user is not None:
        userinfo = quote(user, safe="")
        if password is not None:
            userinfo += ":" + quote(password, safe="")
        netloc = f"{userinfo}@{netloc}"
    parsed = parse_proxy_url(scheme + netloc + path, "HTTP_PROXY")
    assert parsed == ProxyURL(host, port or 80, user, password, "HTTP_PROXY")
    authorization = parsed.authorization()
    if user is None:
        assert authorization is None
    else:
        assert authorization is not None and authorization.startswith("Basic ")
        decoded = base64.b64decode(authorization[6:]).decode()
        assert decoded == f"{user}:{password or ''}"
    assert parse_proxy_url(parsed.url) == ProxyURL(host, port or 80)


@given(value=st.text(max_size=60))
def test_parse_raises_only_docker_exception(value: str) -> None:
    try:
        parsed = parse_proxy_url(value, "HTTP_PROXY")
    except DockerException as exc:
        assert "HTTP_PROXY=" in str(exc)
    else:
        assert 0 < parsed.port < 65536 and parsed.host


@given(password=st.text(alphabet=string.ascii_letters + string.digits, min_size=8, max_size=16))
def test_password_never_appears_in_errors(password: str) -> None:
    for value in (f"socks5://me:{password}@h:1", f"http://me:{password}@h:bad", f"me:{password}@"):
        with pytest.raises(DockerException) as caught:
            parse_proxy_url(value, "HTTP_PROXY")
        assert password not in str(caught.value)


def test_connect_request() -> None:
    proxy = ProxyURL("proxy", 3128, "al", "pw", "HTTPS_PROXY")
    assert proxy.connect_request("daemon.example", 2376) == (
        b"CONNECT daemon.example:2376 HTTP/1.1\r\nHost: daemon.example:2376\r\n"
        b"Proxy-Authorization: Basic YWw6cHc=\r\n\r\n"
    )
    assert ProxyURL("::1", 8).connect_request("fd00::5", 2375) == (
        b"CONNECT [fd00::5]:2375 HTTP/1.1\r\nHost: [fd00::5]:2375\r\n\r\n"
    )
    assert ProxyURL("::1", 8).url == "http://[::1]:8"
    assert str(proxy) == "http://proxy:3128 (from HTTPS_PROXY)"
    assert "pw" not in repr(proxy) and "with credentials" in repr(proxy)


# ----------------------------------------------------------------------------------------------
# the answer to CONNECT

OK_ANSWER = b"HTTP/1.1 200 Connection established\r\nProxy-Agent: x\r\n\r\n"


def test_tunnel_reply_ok() -> None:
    reply = TunnelReply()
    assert reply.feed(OK_ANSWER) is True
    assert reply.ok and reply.status == 200
    assert reply.status_line == "HTTP/1.1 200 Connection established"


@given(cuts=st.lists(st.integers(min_value=0, max_value=len(OK_ANSWER)), max_size=6))
def test_tunnel_reply_in_pieces(cuts: list[int]) -> None:
    bounds = sorted({0, *cuts, len(OK_ANSWER)})
    pieces = [OK_ANSWER[a:b] for a, b in itertools.pairwise(bounds) if b > a]
    reply = TunnelReply()
    done = [reply.feed(piece) for piece in pieces]
    assert done[-1] is True and not any(done[:-1])
    assert reply.status == 200


def test_tunnel_reply_skips_informational_answers() -> None:
    reply = TunnelReply()
    assert reply.feed(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n") is True
    assert reply.status == 200


def test_tunnel_reply_refusal_keeps_the_status_line() -> None:
    reply = TunnelReply()
    answer = b"HTTP/1.0 407 Proxy Authentication Required\r\nContent-Length: 5\r\n\r\nhello"
    assert reply.feed(answer) is True
    assert not reply.ok and reply.status == 407
    assert reply.status_line == "HTTP/1.0 407 Proxy Authentication Required"


@pytest.mark.parametrize(
    ("pieces", "problem"),
    [
        ([b""], "closed the connection without answering"),
        ([b"HTTP/1.1 200 OK\r\n", b""], "in the middle of its answer"),
        ([b"SSH-2.0-OpenSSH_9\r\n"], "did not answer with HTTP"),
        ([b"HTTP/1.1 abc OK\r\n\r\n"], "did not answer with HTTP"),
        ([b"HTTP/1.1\r\n\r\n"], "did not answer with HTTP"),
        ([OK_ANSWER + b"\x16\x03"], "sent data before the tunnel was used"),
        ([b"HTTP/1.1 200 OK\r\n" + b"X: y\r\n" * 20000], "longer than"),
    ],
)
def test_tunnel_reply_errors(pieces: list[bytes], problem: str) -> None:
    reply = TunnelReply()
    with pytest.raises(TunnelError, match=problem):
        for piece in pieces:
            reply.feed(piece)
