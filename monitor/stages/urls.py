"""Canonical URLs: one spelling per document, so the same page is never stored twice."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url, url_query_cleaner

TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|yclid|igshid|_hsenc|_hsmi|ref|ref_src|"
    r"cmpid|ncid|ocid|sr_share|smid|s_cid|taid|at_medium|at_campaign|guccounter)$",
    re.IGNORECASE,
)
_AMP_PATH = re.compile(r"(/amp/?$|/amp(?=/)|\.amp(?=\.html?$|$))")
_MOBILE_HOST = re.compile(r"^(m|mobile|amp)\.")


def canonical_url(url: str) -> str:
    """A normalised URL: no tracking parameters, fragment, default port, AMP/mobile variant or trailing slash.

    `file://` URLs (seed documents) are returned unchanged.
    """
    if not url.lower().startswith(("http://", "https://")):
        return url
    parts = urlsplit(url)
    params = [name for name in _query_names(parts.query) if TRACKING_PARAMS.match(name)]
    cleaned = url_query_cleaner(url, params, remove=True, unique=False, keep_fragments=False) if params else url
    parts = urlsplit(canonicalize_url(cleaned))
    host = _MOBILE_HOST.sub("", (parts.hostname or "").lower())
    if parts.port and not _is_default_port(parts.scheme, parts.port):
        host = f"{host}:{parts.port}"
    path = _AMP_PATH.sub("", parts.path) or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), host, path, parts.query, ""))


def _query_names(query: str) -> list[str]:
    return [pair.split("=", 1)[0] for pair in query.split("&") if pair]


def _is_default_port(scheme: str, port: int) -> bool:
    return (scheme, port) in {("http", 80), ("https", 443)}
