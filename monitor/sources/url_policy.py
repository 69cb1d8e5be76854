"""The URL policy: which URLs remon may request (http/https, public addresses or the source's own host).

Every request a crawl makes passes `check_url` (through the downloader middleware in
`monitor.glue.urlguard`): configured URLs, listing entries, redirect targets, decoded
aggregator links and PDF links alike. A URL is refused when its scheme is not http(s), or
when its host is, or resolves to, an address that is not public (loopback, private,
link-local and the cloud metadata address, multicast, reserved, their IPv6 equivalents
and IPv4-mapped forms) — unless the host is one of the source's own configured hosts or
the source sets `allow_private = true`. The resolver is a parameter, so the check is pure
given it and a test can map a public-looking name to an internal address.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

ALLOWED_SCHEMES = frozenset({"http", "https"})
METADATA_ADDRESSES = frozenset({ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")})

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str], Iterable[str]]


@dataclass(frozen=True)
class Refusal:
    """Why a URL is not requested: a short `reason` key (counted per source) and a readable detail."""

    reason: str  # 'scheme', 'no-host', 'unresolvable', 'metadata', 'loopback', 'private', 'link-local', ...
    detail: str

    def __str__(self) -> str:
        return f"refused ({self.reason}): {self.detail}"


def system_resolver(host: str) -> tuple[str, ...]:
    """Every address the system resolver gives for `host` (IPv4 and IPv6)."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return tuple(dict.fromkeys(str(info[4][0]) for info in infos))


def literal_address(host: str) -> Address | None:
    """The address a host names literally ('127.0.0.1', '::1', '[::1]'), or None for a name."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def address_class(address: Address) -> str | None:
    """Why an address is not public ('loopback', 'private', ...), or None when it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo or (None, None))[1]
        if embedded is not None:
            return address_class(embedded) or ("reserved" if address.teredo else None)
    checks = (
        (address in METADATA_ADDRESSES, "metadata"),
        (address.is_loopback, "loopback"),
        (address.is_link_local, "link-local"),
        (address.is_multicast, "multicast"),
        (address.is_unspecified, "unspecified"),
        (address.is_reserved, "reserved"),
        (address.is_private, "private"),
        (not address.is_global, "reserved"),
    )
    return next((name for hit, name in checks if hit), None)


def source_hosts(urls: Iterable[str]) -> frozenset[str]:
    """The hosts of a source's configured URLs: the only non-public hosts it may reach by default."""
    return frozenset(host for url in urls if (host := (urlsplit(url).hostname or "").lower()))


def check_url(url: str, own_hosts: frozenset[str] = frozenset(), allow_private: bool = False,
              resolver: Resolver = system_resolver) -> Refusal | None:
    """None when `url` may be requested; otherwise the Refusal saying why not.

    The host's addresses are checked after resolution, so a public-looking name that
    resolves to an internal address is refused too (every address must be public).
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        return Refusal("scheme", f"{scheme or 'no'} scheme in {url[:200]!r}: only http and https are fetched")
    try:
        host = (parts.hostname or "").lower()
    except ValueError:
        host = ""
    if not host:
        return Refusal("no-host", f"no host in {url[:200]!r}")
    if allow_private or host in own_hosts:
        return None
    literal = literal_address(host)
    try:
        addresses = [literal] if literal is not None else [literal_address(a) for a in resolver(host)]
    except (OSError, UnicodeError) as error:
        return Refusal("unresolvable", f"{host}: {error}")
    if not addresses or any(a is None for a in addresses):
        return Refusal("unresolvable", f"{host}: no usable address")
    for address in addresses:
        assert address is not None
        kind = address_class(address)
        if kind is not None:
            via = "" if literal is not None else f" (resolves to {address})"
            return Refusal(kind, f"{host}{via} is a {kind} address; set allow_private = true on the source "
                                 "if it is meant to be reached")
    return None
