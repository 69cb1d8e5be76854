"""Pure helpers for the fetch edge: canonical URLs, conditional-request headers, body hashes.

Nothing here touches the network or the database; spiders and the pipeline call these so
that "have we seen this URL" and "has this feed changed" mean the same thing everywhere.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urlsplit

from courlan import normalize_url
from w3lib.url import url_query_cleaner

TRACKING_PARAMS = (
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
    "_ga", "_hsenc", "_hsmi", "ref", "ref_src", "cmpid", "ocid", "sr_share",
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?:/|[-_]|$)")
PDF_TYPES = ("application/pdf", "application/x-pdf")


@dataclass(frozen=True)
class Validators:
    """What a server told us last time about a feed or sitemap, for a conditional request."""

    etag: str | None = None
    last_modified: str | None = None
    body_sha256: str | None = None


def canonical_url(url: str) -> str:
    """The URL used for dedupe and "already stored" checks.

    Lower-cased scheme and host, default port and fragment dropped, query sorted,
    tracking parameters (utm_*, fbclid, gclid, ...) removed. Falls back to the
    defragmented input when the URL cannot be parsed.
    """
    url = url.strip()
    try:
        normal = normalize_url(url)
    except (ValueError, AttributeError):
        return urldefrag(url)[0]
    normal = urldefrag(normal)[0]
    if "?" not in normal:
        return normal
    cleaned = url_query_cleaner(normal, _tracking_keys(normal), remove=True, keep_fragments=False)
    return cleaned


def _tracking_keys(url: str) -> list[str]:
    query = urlsplit(url).query
    keys = [part.split("=", 1)[0] for part in query.split("&") if part]
    return [k for k in keys if k.lower() in TRACKING_PARAMS or k.lower().startswith(_TRACKING_PREFIXES)]


def same_site(url: str, hosts: frozenset[str]) -> bool:
    """True when the URL's host is one of `hosts` or a subdomain of one."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in hosts)


def host_of(url: str) -> str:
    """The lower-cased host name of a URL ('' when it has none)."""
    return (urlsplit(url).hostname or "").lower()


def conditional_headers(validators: Validators | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since headers for what we stored last time."""
    headers: dict[str, str] = {}
    if validators and validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators and validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


def body_sha256(body: bytes) -> str:
    """Hex SHA-256 of a response body: the cheap "did it really change" check."""
    return hashlib.sha256(body).hexdigest()


def date_from_url(url: str) -> str | None:
    """An ISO date (YYYY-MM-DD) written in the URL path, like /2024/05/17/, or None."""
    match = _URL_DATE.search(urlsplit(url).path)
    return "-".join(match.groups()) if match else None


def is_pdf(content_type: str, url: str = "") -> bool:
    """True when the content type (or, lacking one, the URL) says PDF."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind in PDF_TYPES:
        return True
    return kind in ("", "application/octet-stream") and urlsplit(url).path.lower().endswith(".pdf")


def is_html(content_type: str) -> bool:
    """True for HTML and XHTML content types (and a missing one, which servers often omit)."""
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind in ("", "text/html", "application/xhtml+xml")
