"""The headline of an HTML article: chosen among og:title, JSON-LD headline, <h1> and <title>.

Also reads the language the page declares (`<html lang>`, og:locale), for the language stage.

Read with a few regular expressions over the decoded HTML (no second parse). The visible
`<h1>` wins when the page's own metadata agrees with it (a logo or section kicker in an
`<h1>` does not); otherwise the metadata headline, with site-name suffixes and prefixes
(" - Reuters", "Site | ") removed.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

_META = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.IGNORECASE | re.DOTALL)
_HEADLINE = re.compile(r'"headline"\s*:\s*"((?:[^"\\]|\\.){3,400})"')
_HTML_LANG = re.compile(r"""<html\b[^>]*?\blang\s*=\s*["']?([\w-]+)""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_SEPARATOR = re.compile(r"\s+[|\-–—:·•»«/]\s+|\s*[|｜]\s*|\s+::\s+")
_WORD = re.compile(r"\w+")
MAX_H1 = 8  # the first few <h1> only: a page with dozens is a listing


@dataclass(frozen=True)
class TitleCandidates:
    """What a page offers as its headline."""

    og: str = ""
    json_ld: str = ""
    h1: tuple[str, ...] = ()
    title: str = ""
    site_name: str = ""
    language: str = ""  # <html lang>, else og:locale / content-language meta: what the page declares


def _clean(fragment: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()


def _json_unescape(value: str) -> str:
    try:
        return str(json.loads(f'"{value}"'))
    except ValueError:
        return value


def read_candidates(markup: str) -> TitleCandidates:
    """The headline candidates of an HTML page (og/twitter title, JSON-LD headline, h1s, <title>)."""
    head_end = markup.find("</head>")
    head = markup[:head_end] if head_end > 0 else markup[:200_000]
    metas: dict[str, str] = {}
    for tag in _META.findall(head):
        if "title" not in tag and "site_name" not in tag and "locale" not in tag and "language" not in tag:
            continue
        attrs = {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
                 for m in _ATTR.finditer(tag)}
        key = (attrs.get("property") or attrs.get("name") or attrs.get("http-equiv") or "").lower()
        if key and "content" in attrs:
            metas.setdefault(key, _clean(attrs["content"]))
    title = _TITLE.search(head)
    headline = _HEADLINE.search(markup)
    return TitleCandidates(
        og=metas.get("og:title") or metas.get("twitter:title", ""),
        json_ld=_clean(_json_unescape(headline.group(1))) if headline else "",
        h1=tuple(t for t in (_clean(h) for h in _H1.findall(markup)[:MAX_H1]) if t),
        title=_clean(title.group(1)) if title else "",
        site_name=metas.get("og:site_name", ""),
        language=(lang.group(1) if (lang := _HTML_LANG.search(head)) else "")
        or metas.get("og:locale", "") or metas.get("content-language", ""),
    )


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def similar(first: str, second: str) -> float:
    """Shared words over the longer title's words (0..1): a kicker shares few of a headline's words.
    Ideographs count singly."""
    a, b = _tokens(first), _tokens(second)
    if not a or not b:
        return 0.0
    return len(a & b) / max(len(a), len(b))


def _tokens(text: str) -> set[str]:
    words = _words(text)
    if len(words) <= 2 and len(text) > 12:  # unspaced script: compare characters
        return {c for c in text if c.isalnum()}
    return set(words)


def _site_like(segment: str, site_name: str, host: str) -> bool:
    """True for a title segment naming the site (its og:site_name or its host name)."""
    key = "".join(_words(segment))
    if not key:
        return True
    site = "".join(_words(site_name))
    host_key = "".join(_words(host.removeprefix("www.").rsplit(".", 1)[0]))
    return bool(site and (key == site or key in site or (site in key and len(key) - len(site) < 6))) \
        or bool(host_key and (key == host_key or key in host_key or host_key in key))


def strip_site_name(title: str, site_name: str, url: str) -> str:
    """The title without leading or trailing segments that name the site (" - Reuters", "Site | ")."""
    host = urlsplit(url).hostname or ""
    parts = [part for part in _SEPARATOR.split(title) if part.strip()]
    if not parts or (len(parts) == 1 and _site_like(parts[0], site_name, host)):
        return ""
    if len(parts) < 2:
        return parts[0]
    while len(parts) > 1 and _site_like(parts[-1], site_name, host):
        parts.pop()
    while len(parts) > 1 and _site_like(parts[0], site_name, host):
        parts.pop(0)
    if len(parts) == len(_SEPARATOR.split(title)):
        return title.strip()
    # re-cut the original string so the kept separators and spacing stay as written
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end].strip() if start >= 0 and end > start else title


def choose_title(candidates: TitleCandidates, url: str, fallback: str = "") -> str:
    """The article's headline: an <h1> that the metadata confirms, else the metadata headline
    (JSON-LD, og:title, <title>) without the site name, else `fallback` without it; "" when
    the page names only the site (the clean stage then takes the text's first line)."""
    site = candidates.site_name
    meta = [strip_site_name(t, site, url) for t in (candidates.json_ld, candidates.og, candidates.title) if t]
    for h1 in candidates.h1:
        if _site_like(h1, site, urlsplit(url).hostname or "") or len(h1) < 4:
            continue
        if any(similar(h1, m) >= 0.6 for m in meta) or (not meta and len(_words(h1)) >= 3):
            return h1
    for title in meta:
        if len(title) >= 4:
            return title
    return strip_site_name(fallback, site, url) if fallback else ""
