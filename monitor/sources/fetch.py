"""Pure helpers for the fetch edge: conditional-request headers, body hashes, URL tests.

Nothing here touches the network or the database. Canonical URLs live in `monitor.stages.urls`
(shared with extract), so "have we stored this URL" means the same thing everywhere.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding

from monitor.stages.pdf import PDF_TYPES


def same_site(url: str, hosts: frozenset[str]) -> bool:
    """True when the URL's host is one of `hosts` or a subdomain of one."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in hosts)


def host_of(url: str) -> str:
    """The lower-cased host name of a URL ('' when it has none)."""
    return (urlsplit(url).hostname or "").lower()


def conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since headers for the validators a server gave us last time."""
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


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


def declared_encoding(content_type: str, body: bytes) -> str | None:
    """The charset the server or the HTML itself declares (header first, then <meta>), or None.

    Only a declared charset: a guess would be worse than letting extract detect it.
    """
    declared = http_content_type_encoding(content_type)
    if declared is None and is_html(content_type):
        declared = html_body_declared_encoding(body)
    return declared
