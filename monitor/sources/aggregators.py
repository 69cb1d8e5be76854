"""Aggregator links (Google News, Bing News) turned into the publisher's URL: a registry of decoders by host.

A news-search feed links to the aggregator, not to the article. Each decoder here is a pure
function of the link: it returns the publisher URL when the link carries it (Bing's `url`
parameter, Google's old base64 tokens), or the token that needs Google's two-step online
protocol (recent tokens): read the signature and timestamp from the article token page, then
POST a `garturlreq` to `batchexecute`. The wire formats of those two requests are built and
parsed here too; the requests themselves are issued by the spider (so the URL policy, politeness
and limits apply to them like to any other request). Add an aggregator by adding a decoder.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlencode, urlsplit

GOOGLE_NEWS_BASE = "https://news.google.com"
BATCHEXECUTE_PATH = "/_/DotsSplashUi/data/batchexecute"
_TOKEN_PREFIX = b"\x08\x13\x22"  # protobuf: field 1 = 19, then field 4 (the URL or the new opaque id)
_SIGNATURE = re.compile(r'data-n-a-sg="([^"]+)"')
_TIMESTAMP = re.compile(r'data-n-a-ts="([^"]+)"')
# the request context googlenewsdecoder and Google's own page send with each garturlreq
_GARTURLREQ_CONTEXT: list[object] = [
    ["X", "X", ["X", "X"], None, None, 1, 1, "US:en", None, 1, None, None, None, None, None, 0, 1],
    "X", "X", 1, [1, 1, 1], 1, 1, None, 0, 0, None, 0,
]


@dataclass(frozen=True)
class Decoded:
    """What a decoder made of an aggregator link: the publisher URL, or a token to decode online."""

    aggregator: str  # 'google-news', 'bing'
    url: str | None = None  # the publisher's URL, when the link carries it
    token: str | None = None  # Google's article id, when only the online protocol can decode it


Decoder = Callable[[str, str], Decoded | None]  # (path, query) -> decoded, or None: not this aggregator's link


def _google(path: str, query: str) -> Decoded | None:
    parts = path.split("/")
    if len(parts) < 3 or parts[-2] not in ("articles", "read") or not parts[-1]:
        return None
    token = parts[-1]
    url = decode_google_token(token)
    return Decoded("google-news", url=url) if url else Decoded("google-news", token=token)


def _bing(path: str, query: str) -> Decoded | None:
    if not path.lower().endswith("/apiclick.aspx"):
        return None
    url = (parse_qs(query).get("url") or [""])[0]
    return Decoded("bing", url=url) if is_web_url(url) else None


# aggregator -> (its hosts, its decoder); a source's `news_base_url` host is decoded like these
DECODERS: dict[str, tuple[frozenset[str], Decoder]] = {
    "google-news": (frozenset({"news.google.com"}), _google),
    "bing": (frozenset({"www.bing.com", "bing.com", "cn.bing.com"}), _bing),
}


def decode_link(url: str, aliases: tuple[str, ...] = ()) -> Decoded | None:
    """The link decoded if it is an aggregator's (its host, or one of `aliases`: host[:port]); else None."""
    parts = urlsplit(url)
    host, netloc = (parts.hostname or "").lower(), parts.netloc.lower()
    for hosts, decoder in DECODERS.values():
        if host in hosts or netloc in aliases:
            decoded = decoder(parts.path, parts.query)
            if decoded is not None:
                return decoded
    return None


def alias_hosts(base_url: str | None) -> tuple[str, ...]:
    """The host[:port] of a configured aggregator base URL (a mirror or a test host), as a decode alias."""
    return (urlsplit(base_url).netloc.lower(),) if base_url else ()


def is_web_url(url: str) -> bool:
    return url.lower().startswith(("http://", "https://")) and bool(urlsplit(url).hostname)


def _varint(data: bytes, position: int) -> tuple[int, int]:
    value = shift = 0
    while position < len(data):
        byte = data[position]
        value |= (byte & 0x7F) << shift
        position += 1
        if not byte & 0x80:
            return value, position
        shift += 7
    raise ValueError("truncated varint")


def decode_google_token(token: str) -> str | None:
    """The publisher URL inside an old-style Google News token (`CBMi…`), or None for a new opaque one."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        if not raw.startswith(_TOKEN_PREFIX):
            return None
        length, start = _varint(raw, len(_TOKEN_PREFIX))
        url = raw[start:start + length].decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    return url if is_web_url(url) and length == len(url.encode("utf-8")) else None


def token_page_url(base_url: str, token: str, feed_url: str) -> str:
    """The article token page that carries `data-n-a-sg`/`data-n-a-ts`, in the feed's locale.

    `/rss/articles/<id>` with hl/gl/ceid answers crawlers (the bare `/articles/<id>` sends them to a
    "sorry" page), as googlenewsdecoder found.
    """
    query = parse_qs(urlsplit(feed_url).query)
    locale = {name: (query.get(name) or [default])[0]
              for name, default in (("hl", "en-US"), ("gl", "US"), ("ceid", "US:en"))}
    return f"{base_url.rstrip('/')}/rss/articles/{quote(token, safe='')}?{urlencode(locale)}"


def parse_signature(html: str) -> tuple[str, str] | None:
    """(signature, timestamp) from a token page's `data-n-a-sg` / `data-n-a-ts`, or None."""
    signature, timestamp = _SIGNATURE.search(html), _TIMESTAMP.search(html)
    if signature and timestamp:
        return signature.group(1), timestamp.group(1)
    return None


def batchexecute_url(base_url: str) -> str:
    return base_url.rstrip("/") + BATCHEXECUTE_PATH


def batchexecute_form(token: str, signature: str, timestamp: str) -> dict[str, str]:
    """The form of one `garturlreq` POST: `f.req` = [[["Fbv4je", "<inner JSON>", null, "generic"]]]."""
    stamp: object = int(timestamp) if timestamp.isdigit() else timestamp
    inner = json.dumps(["garturlreq", _GARTURLREQ_CONTEXT, token, stamp, signature], separators=(",", ":"))
    return {"f.req": json.dumps([[["Fbv4je", inner, None, "generic"]]], separators=(",", ":"))}


def parse_garturlres(text: str) -> str | None:
    """The publisher URL from a batchexecute answer (`)]}'` guard, optional length lines, `wrb.fr` rows)."""
    body = text.split("\n", 1)[1] if text.startswith(")]}'") else text
    for chunk in body.splitlines():
        chunk = chunk.strip()
        if not chunk.startswith("["):
            continue  # blank lines and the chunk lengths of the chunked variant
        try:
            rows = json.loads(chunk)
        except ValueError:
            continue
        for row in rows if isinstance(rows, list) else ():
            url = _garturlres_url(row)
            if url:
                return url
    return None


def _garturlres_url(row: object) -> str | None:
    if not (isinstance(row, list) and len(row) >= 3 and row[0] == "wrb.fr" and isinstance(row[2], str)):
        return None
    try:
        payload = json.loads(row[2])
    except ValueError:
        return None
    if isinstance(payload, list) and len(payload) >= 2 and payload[0] == "garturlres" and isinstance(payload[1], str):
        return payload[1] if is_web_url(payload[1]) else None
    return None
