"""Dates, one home: the spellings pages, feeds, sitemaps, bylines and URLs use, and where a date came from.

Every function is pure and returns an ISO day (YYYY-MM-DD) or None: a date is never made up.
"""

from __future__ import annotations

import calendar
import re
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?:/|[-_]|$)")
_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def date_from_url(url: str) -> str | None:
    """An ISO date (YYYY-MM-DD) written in the URL path, like /2024/05/17/, or None."""
    match = _URL_DATE.search(urlsplit(url).path)
    return "-".join(match.groups()) if match else None


def iso_day(value: str | None) -> str | None:
    """The YYYY-MM-DD day of a W3C/ISO datetime string, or None when it has none."""
    match = _ISO_DAY.match(value or "")
    if not match:
        return None
    try:
        year, month, day = (int(g) for g in match.groups())
        return datetime(year, month, day).date().isoformat()
    except ValueError:
        return None


def struct_day(value: time.struct_time | None) -> str | None:
    """The UTC day of a feedparser time tuple (feeds give local times with offsets), or None."""
    if value is None:
        return None
    return datetime.fromtimestamp(calendar.timegm(value), tz=UTC).date().isoformat()


def iso_date(value: str | None) -> str | None:
    """An ISO date from the few spellings bylines use; None when it cannot be read."""
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%B %d, %Y", "%B %d %Y", "%b %d, %Y", "%b. %d, %Y", "%d %B %Y", "%d %b %Y"):
        try:
            return datetime.strptime(value.strip(), fmt).date().isoformat()
        except ValueError:
            continue
    return None


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
