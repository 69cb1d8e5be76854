"""The URL policy as a pure function: schemes, address classes after resolution, the source's own host."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.sources.url_policy import Refusal, address_class, check_url, source_hosts, system_resolver


def resolver(table: dict[str, tuple[str, ...]]):
    """A resolver answering from a table (a public-looking name may map to an internal address)."""
    def resolve(host: str) -> tuple[str, ...]:
        if host not in table:
            raise OSError(f"{host}: name not known")
        return table[host]
    return resolve


PUBLIC = resolver({"news.example": ("93.184.216.34",), "rebind.example": ("93.184.216.34", "10.0.0.5"),
                   "metadata.example": ("169.254.169.254",), "v6.example": ("2606:2800:220:1::1",)})


@pytest.mark.parametrize(("url", "reason"), [
    ("file:///etc/passwd", "scheme"),
    ("data:text/html,<p>hi</p>", "scheme"),
    ("ftp://ftp.example/pub/x", "scheme"),
    ("s3://bucket/key", "scheme"),
    ("javascript:alert(1)", "scheme"),
    ("gopher://127.0.0.1:6379/_FLUSHALL", "scheme"),
    ("http:///no-host", "no-host"),
    ("http://169.254.169.254/latest/meta-data/", "metadata"),
    ("http://[fd00:ec2::254]/latest/", "metadata"),
    ("http://127.0.0.1:8080/", "loopback"),
    ("http://127.0.0.2/", "loopback"),
    ("http://[::1]/", "loopback"),
    ("http://[::ffff:127.0.0.1]/", "loopback"),
    ("http://[::ffff:169.254.169.254]/", "metadata"),
    ("http://[::ffff:10.1.2.3]/", "private"),
    ("http://10.0.0.1/", "private"),
    ("http://172.16.5.4/", "private"),
    ("http://192.168.1.1/admin", "private"),
    ("http://[fc00::1]/", "private"),
    ("http://169.254.10.10/", "link-local"),
    ("http://[fe80::1]/", "link-local"),
    ("http://224.0.0.1/", "multicast"),
    ("http://[ff02::1]/", "multicast"),
    ("http://0.0.0.0/", "unspecified"),
    ("http://240.0.0.1/", "reserved"),
    ("http://100.64.0.1/", "reserved"),  # carrier-grade NAT: not a public address
    ("http://metadata.example/latest/", "metadata"),  # a public-looking name resolving inside
    ("http://rebind.example/", "private"),  # one internal address among public ones is enough
    ("http://nowhere.invalid/", "unresolvable"),
])
def test_refused_urls_name_their_reason(url, reason):
    refusal = check_url(url, resolver=PUBLIC)
    assert isinstance(refusal, Refusal) and refusal.reason == reason
    assert str(refusal).startswith(f"refused ({reason}): ")


@pytest.mark.parametrize("url", [
    "http://news.example/a.html", "https://NEWS.example:8443/b?c=d", "http://93.184.216.34/",
    "http://v6.example/", "http://[2606:2800:220:1::1]/",
])
def test_public_http_urls_pass(url):
    assert check_url(url, resolver=PUBLIC) is None


def test_the_sources_own_host_may_be_internal_but_only_that_host():
    own = source_hosts(["http://127.0.0.1:8001/feed.rss", "https://Intranet.local/sitemap.xml"])
    assert own == frozenset({"127.0.0.1", "intranet.local"})
    assert check_url("http://127.0.0.1:9999/other-port.html", own, resolver=PUBLIC) is None
    assert check_url("http://intranet.local/page", own, resolver=PUBLIC) is None
    assert check_url("http://127.0.0.2/", own, resolver=PUBLIC).reason == "loopback"
    assert check_url("file:///etc/passwd", own, resolver=PUBLIC).reason == "scheme"  # own host never widens schemes


def test_allow_private_opens_internal_addresses_but_not_other_schemes():
    assert check_url("http://10.0.0.1/", allow_private=True, resolver=PUBLIC) is None
    assert check_url("http://169.254.169.254/", allow_private=True, resolver=PUBLIC) is None
    assert check_url("ftp://10.0.0.1/", allow_private=True, resolver=PUBLIC).reason == "scheme"


def test_system_resolver_checks_localhost_after_resolution():
    assert set(system_resolver("localhost")) & {"127.0.0.1", "::1"}
    assert check_url("http://localhost:8000/").reason == "loopback"


@given(st.ip_addresses())
def test_every_address_is_either_global_or_named(address):
    kind = address_class(address)
    mapped = getattr(address, "ipv4_mapped", None)
    if kind is None:
        assert address.is_global and not address.is_multicast
        assert mapped is None or address_class(mapped) is None
    else:
        assert kind in {"metadata", "loopback", "link-local", "multicast", "unspecified", "private", "reserved"}


@given(st.ip_addresses(v=4))
def test_ipv4_mapped_form_gets_the_same_verdict(address):
    mapped = ipaddress.IPv6Address(f"::ffff:{address}")
    assert (address_class(mapped) is None) == (address_class(address) is None)


@given(st.text(max_size=60))
def test_check_url_never_raises(text):
    refusal = check_url(text, resolver=PUBLIC)
    assert refusal is None or refusal.reason
