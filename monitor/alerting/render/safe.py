"""Making page text safe to put in a message: no control or bidi characters, HTML and Markdown escaped."""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import quote, urlsplit

LINK_SCHEMES = ("http", "https", "file")  # anything else (javascript:, data:) is shown, never linked
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")  # with [ ] escaped, ( ) ! cannot form links
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")


def plain(text: str | None, keep_newlines: bool = False) -> str:
    """Text without control, format (bidi, zero-width) or unassigned characters; spaces collapsed."""
    if not text:
        return ""
    kept = "".join(ch if ch == "\n" and keep_newlines else (" " if ch in "\t\r\n" else ch)
                   for ch in text if ch in "\t\r\n" or unicodedata.category(ch) not in ("Cc", "Cf", "Cn", "Cs", "Co"))
    lines = (_SPACES.sub(" ", line).strip() for line in kept.split("\n"))
    return "\n".join(line for line in lines if line) if keep_newlines else _SPACES.sub(" ", kept).strip()


def html_text(text: str | None) -> str:
    """Page text for an HTML body: cleaned, then every markup character escaped."""
    return html.escape(plain(text), quote=True)


def markdown_text(text: str | None) -> str:
    """Page text for a Markdown body: cleaned, then every Markdown and HTML character backslash-escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", plain(text))


def link_target(url: str | None) -> str | None:
    """A URL fit to link to (http, https or file, no spaces or quotes), or None when it must not be linked."""
    cleaned = plain(url)
    try:
        scheme = urlsplit(cleaned).scheme.lower()
    except ValueError:
        return None
    if scheme not in LINK_SCHEMES:
        return None
    return quote(cleaned, safe=":/?#[]@!$&'*+,;=%~-._").replace("'", "%27").replace("(", "%28").replace(")", "%29")


def cut_words(text: str, limit: int, ellipsis: str = "…") -> str:
    """Text shortened to at most `limit` characters at a word boundary, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    room = max(limit - len(ellipsis), 0)
    head = text[:room]
    if not text[room].isspace():  # the cut falls inside a word: drop that word
        head = head.rsplit(None, 1)[0] if any(ch.isspace() for ch in head.strip()) else ""
    head = head.rstrip().rstrip(" ,;:–—-")
    return f"{head}{ellipsis}" if head else ""
