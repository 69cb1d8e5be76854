"""Pure helpers for the fetch edge: conditional-request headers, body hashes, URL tests.

Nothing here touches the network or the database. Canonical URLs live in `monitor.urls`
(shared with extract), so "have we stored this URL" means the same thing everywhere.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding

from monitor.pdf import PDF_TYPES

_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?:/|[-_]|$)")


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


def declared_encoding(content_type: str, body: bytes) -> str | None:
    """The charset the server or the HTML itself declares (header first, then <meta>), or None.

    Only a declared charset: a guess would be worse than letting extract detect it.
    """
    declared = http_content_type_encoding(content_type)
    if declared is None and is_html(content_type):
        declared = html_body_declared_encoding(body)
    return declared


_JSON_LD_DATE = re.compile(r'"date(?:Published|Created)"\s*:\s*"(\d{4}-\d{2}-\d{2})')
_MARKUP_DATE = re.compile(r'<(?:meta|time|abbr)\b[^>]*?(\d{4}-\d{2}-\d{2})', re.IGNORECASE)


def date_provenance(markup: str | bytes, url: str, day: str) -> str:
    """Where a page declares the date extraction found: 'json-ld', 'metadata', 'url' or 'text'."""
    text = markup.decode("latin-1") if isinstance(markup, bytes) else markup
    if day in _JSON_LD_DATE.findall(text):
        return "json-ld"
    if day in _MARKUP_DATE.findall(text):
        return "metadata"
    return "url" if date_from_url(url) == day else "text"


def choose_date(page_day: str | None, markup: str | bytes, url: str,
                hinted_day: str | None, hinted_source: str | None) -> tuple[str | None, str | None]:
    """(published, date_source): the page's declared date, else the feed/sitemap date, else the URL's.

    A date htmldate only read from the URL loses to a feed or sitemap date, which is
    usually more precise; no date is ever made up.
    """
    source = date_provenance(markup, url, page_day) if page_day else None
    if page_day and (source != "url" or not hinted_day):
        return page_day, source
    if hinted_day:
        return hinted_day, hinted_source
    url_day = date_from_url(url)
    return url_day, "url" if url_day else None
