"""Headline-only articles: a listing entry stored as the article when its page cannot be had.

Paywalls, 401/403/451, consent walls and JavaScript shells keep many outlets' text from a
crawler; the feed entry still says what happened (title, summary, outlet, date, link). It is
turned into an `Article` marked `text_source = 'feed'` that goes through analysis, dedupe and
alerting like any other, and is upgraded in place when the full page arrives later. Also owns
the publisher suffix of news-search titles ("China curbs rare earth exports - Reuters").
"""

from __future__ import annotations

import re

from monitor.models import Article, Page, Rejected
from monitor.stages.urls import canonical_url

REFUSED_STATUSES = frozenset({401, 402, 403, 451})
REFUSALS = frozenset({"refused", "consent-wall"})
# a page in which no article was found: a JavaScript shell, a paywall stub, a cookie wall
NO_ARTICLE = frozenset({"empty", "too-short", "not-article"})
# where sites send a crawler instead of the article (consent walls); matched against the final URL
_CONSENT_URL = re.compile(
    r"^https?://(consent\.|guce\.|privacy\.|gdpr\.)|/(consent|cookie-?consent|gdpr|privacy-gate)(/|\?|$)",
    re.IGNORECASE)
_SEPARATORS = (" - ", " | ", " – ", " — ", " :: ")
_MAX_OUTLET_WORDS = 5
_SPACE = re.compile(r"\s+")


def split_outlet(title: str, outlet: str | None = None) -> tuple[str, str | None]:
    """(title without the publisher suffix, the publisher) of a news-search title.

    With the outlet known (a feed's `<source>`), only that exact suffix is removed. Without it,
    the last ' - ' / ' | ' part is taken as the outlet when it is short and names something
    (capitalised or a domain) and leaves a title of three words or more.
    """
    title = _SPACE.sub(" ", title).strip()
    if outlet and outlet.strip():
        name = outlet.strip()
        for separator in _SEPARATORS:
            suffix = separator + name
            if title.lower().endswith(suffix.lower()) and len(title) > len(suffix):
                return title[: -len(suffix)].rstrip(), name
        return title, name
    for separator in _SEPARATORS:
        head, found, tail = title.rpartition(separator)
        if found and _looks_like_outlet(tail) and len(head.split()) >= 3:
            return head.rstrip(), tail.strip()
    return title, None


def _looks_like_outlet(text: str) -> bool:
    words = text.split()
    if not words or len(words) > _MAX_OUTLET_WORDS or len(text) > 60:
        return False
    if "." in words[-1] and " " not in text:  # a domain: reuters.com
        return True
    return all(word[0].isupper() or word[0].isdigit() or word.lower() in ("the", "of", "and", "de", "&")
               for word in words)


def refusal(page: Page) -> Rejected | None:
    """The page is a refusal (401/402/403/451, or a consent wall), not the article."""
    if page.status in REFUSED_STATUSES:
        return Rejected("fetch", "refused", page.url, f"HTTP {page.status}")
    if _CONSENT_URL.search(page.url):
        return Rejected("fetch", "consent-wall", page.url, "redirected to a consent page")
    return None


def headline_article(page: Page, why: Rejected) -> Article | None:
    """The listing entry of a page that could not be read, as a headline-only article.

    Any feed entry stands for a page that refused us; a page with no article in it is taken as
    withheld only when a news search listed it as an outlet's article (the entry names the outlet):
    a plain feed may link tag pages and images, which are rightly rejected. None otherwise.
    """
    hints = page.hints
    if not hints.title or not hints.link:
        return None
    if why.reason not in REFUSALS and not (why.reason in NO_ARTICLE and hints.outlet):
        return None
    title, outlet = split_outlet(hints.title, hints.outlet)
    return Article(
        url=hints.link, canonical_url=canonical_url(hints.link), source=page.source, fetched_at=page.fetched_at,
        title=title, text=headline_text(title, hints.summary, outlet), published=hints.published,
        date_source=hints.published_source, author=hints.author, site_name=outlet,
        description=f"headline only: {why.reason}", text_source="feed",
    )


def headline_text(title: str, summary: str | None, outlet: str | None) -> str:
    """What the entry says beyond its title: the summary without the repeated title and outlet
    (a Google News description is just "<title> <outlet>"), or the title alone."""
    text = _SPACE.sub(" ", summary or "").strip()
    if outlet and text.lower().endswith(outlet.lower()):
        text = text[: -len(outlet)].rstrip(" -|–—\u00a0")
    if not text or text.lower() == title.lower():
        return title
    return text if text.lower().startswith(title.lower()) else f"{title}. {text}"
