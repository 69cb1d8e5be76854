"""Loopback stand-ins for a news-search aggregator and the publishers it links to.

`FakeGoogleNews` serves a search RSS in Google News' real format (links to
`/rss/articles/<token>?oc=5`, an HTML description repeating title and outlet, `<source url=…>`),
the article token pages carrying `data-n-a-sg` / `data-n-a-ts`, and a `batchexecute` endpoint
that checks the `garturlreq` it is sent and answers in the `)]}'`-guarded `wrb.fr` wire format.
It also serves a Bing-style feed whose links are `apiclick.aspx?…&url=<publisher>`.
`Publishers` serves full articles, a 403, a consent redirect and a JavaScript shell.
Both log every request, so tests can assert what a second cycle asks for.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit
from xml.sax.saxutils import escape


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def old_token(url: str) -> str:
    """A pre-2024 token: the publisher URL inside the protobuf (decodable offline)."""
    data = url.encode()
    raw = b"\x08\x13\x22" + varint(len(data)) + data + b"\xd2\x01\x00"
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def new_token(seed: str) -> str:
    """A recent token: an opaque id (`AU_yqL…`) that only batchexecute resolves."""
    opaque = b"AU_yqL" + hashlib.sha256(seed.encode()).hexdigest()[:60].encode()
    return base64.urlsafe_b64encode(b"\x08\x13\x22" + varint(len(opaque)) + opaque).decode().rstrip("=")


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    outlet: str
    paragraphs: tuple[str, ...]
    day: str = "2024-07-01"


STORIES = (
    Story("china-controls", "China tightens rare earth export controls on dysprosium and terbium", "Metals Wire", (
        "China's Ministry of Commerce announced new export controls on rare earth elements on Monday, requiring "
        "exporters of dysprosium and terbium to obtain individual licences from August.",
        "The rare earth export control rules follow a quota cut earlier this year and apply to magnets, oxides and "
        "alloys. Traders said licence reviews could take 45 working days.",
        "Analysts expect prices of rare earth oxides outside China to rise as buyers in Japan, Europe and the United "
        "States scramble to secure supply of heavy rare earths used in permanent magnets.",
    )),
    Story("eu-stockpile", "EU agrees joint rare earth stockpile under the Critical Raw Materials Act", "Brussels Ledger", (
        "European Union ministers agreed on Tuesday to build joint stockpiles of rare earth elements under the "
        "Critical Raw Materials Act, responding to Chinese export restrictions.",
        "The plan sets a target for member states to hold three months of rare earth magnet demand, and funds "
        "processing projects in Sweden and Estonia as part of the EU's strategic projects.",
        "Officials said the policy aims to cut dependence on Chinese rare earth refining below 65 percent by 2030.",
    )),
    Story("japan-pact", "Japan and Australia sign rare earth supply pact to counter China export curbs", "Nikkei Asia",
          ()),
    Story("pentagon-magnets", "Pentagon funds rare earth magnet plant after China export ban", "Daily Courier", ()),
    Story("india-curbs", "India restricts rare earth exports to protect its magnet industry", "Mint", ()),
)
REFUSED = "japan-pact"  # answers 403
CONSENT = "pentagon-magnets"  # redirects to a consent page
SHELL = "india-curbs"  # a JavaScript shell with no text


def article_html(story: Story, paragraphs: tuple[str, ...] | None = None) -> bytes:
    body = "".join(f"<p>{p}</p>\n" for p in (paragraphs or story.paragraphs))
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{story.title}</title>'
            f'<meta property="article:published_time" content="{story.day}T09:00:00Z"></head><body>'
            f'<nav><a href="/">Home</a></nav><article><h1>{story.title}</h1>{body}</article>'
            f"<footer>© {story.outlet}</footer></body></html>").encode()


JS_SHELL = (b'<!DOCTYPE html><html><head><title>Loading</title><script src="/static/app.js"></script></head>'
            b'<body><div id="root"></div><noscript>Please enable JavaScript to read this page.</noscript></body></html>')
CONSENT_PAGE = (b"<!DOCTYPE html><html><head><title>Before you continue</title></head><body><h1>Before you continue"
                b"</h1><p>We use cookies and data to deliver our services.</p><button>Accept all</button>"
                b"<button>Reject all</button></body></html>")
UPGRADED = ("Japan and Australia signed a rare earth supply agreement on Wednesday to reduce reliance on Chinese "
            "exports, after China tightened rare earth export controls on heavy rare earths.",
            "The pact funds rare earth processing in Western Australia and guarantees Japanese magnet makers "
            "offtake of dysprosium and terbium oxides for ten years.",
            "Officials said the agreement is a policy response to China's export licensing regime.")


class _Server:
    """A threaded loopback HTTP server with a request log; subclasses answer `route`."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                owner.answer(self, "GET", b"")

            def do_POST(self) -> None:
                owner.answer(self, "POST", self.rfile.read(int(self.headers.get("Content-Length") or 0)))

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def paths(self) -> list[str]:
        with self._lock:
            return [urlsplit(p).path for p in self.requests]

    def clear_log(self) -> None:
        with self._lock:
            self.requests.clear()

    def answer(self, handler: BaseHTTPRequestHandler, method: str, body: bytes) -> None:
        with self._lock:
            self.requests.append(handler.path)
        status, kind, content, headers = self.route(method, handler.path, body)
        handler.send_response(status)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(content)))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(content)

    def route(self, method: str, path: str, body: bytes) -> tuple[int, str, bytes, dict[str, str]]:
        raise NotImplementedError


HTML = "text/html; charset=utf-8"
NOT_FOUND = (404, HTML, b"<html><body>Not found</body></html>", {})


class Publishers(_Server):
    """The outlets: `/news/<slug>.html`, refusing, redirecting to consent, or a JS shell as configured."""

    def __init__(self) -> None:
        super().__init__()
        self.full_text: dict[str, tuple[str, ...]] = {}  # slug -> paragraphs now served in full (an upgrade)

    def url(self, story: Story) -> str:
        return f"{self.base_url}/news/{story.slug}.html"

    def route(self, method: str, path: str, body: bytes) -> tuple[int, str, bytes, dict[str, str]]:
        parts = urlsplit(path)
        if parts.path == "/consent":
            return 200, HTML, CONSENT_PAGE, {}
        story = next((s for s in STORIES if parts.path == f"/news/{s.slug}.html"), None)
        if story is None:
            return NOT_FOUND
        if story.slug in self.full_text:
            return 200, HTML, article_html(story, self.full_text[story.slug]), {}
        if story.slug == REFUSED:
            return 403, HTML, b"<html><body><h1>Access denied</h1><p>Subscribe to read.</p></body></html>", {}
        if story.slug == CONSENT:
            return 302, HTML, b"", {"Location": f"/consent?continue={quote(self.url(story), safe='')}"}
        if story.slug == SHELL:
            return 200, HTML, JS_SHELL, {}
        return 200, HTML, article_html(story), {}


class FakeGoogleNews(_Server):
    """Google News search RSS, token pages and batchexecute (plus a Bing-style feed) for `publishers`."""

    def __init__(self, publishers: Publishers) -> None:
        super().__init__()
        self.publishers = publishers
        self.tokens: dict[str, str] = {}  # new token -> publisher URL
        self.batch_bodies: list[str] = []
        self.refuse: set[str] = set()  # publisher URLs batchexecute will not give out (an error row instead)

    def token(self, story: Story) -> str:
        url = self.publishers.url(story)
        if story.slug == "china-controls":
            return old_token(url)
        token = new_token(story.slug)
        self.tokens[token] = url
        return token

    @staticmethod
    def signature(token: str) -> str:
        return "AVd" + hashlib.sha1(token.encode()).hexdigest()

    def search_rss(self) -> bytes:
        items = []
        for story in STORIES:
            link = f"{self.base_url}/rss/articles/{self.token(story)}?oc=5"
            description = escape(f'<a href="{link}" target="_blank">{story.title}</a>&nbsp;&nbsp;'
                                 f'<font color="#6f6f6f">{story.outlet}</font>')
            items.append(
                f"<item><title>{escape(story.title)} - {escape(story.outlet)}</title><link>{escape(link)}</link>"
                f'<guid isPermaLink="false">{self.token(story)}</guid>'
                f"<pubDate>Mon, 01 Jul 2024 09:00:00 GMT</pubDate><description>{description}</description>"
                f'<source url="{self.publishers.base_url}">{escape(story.outlet)}</source></item>')
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><rss version="2.0" '
                'xmlns:media="http://search.yahoo.com/mrss/"><channel><generator>NFE/5.0</generator>'
                '<title>"rare earth" - Google News</title><link>https://news.google.com/search?q=rare+earth</link>'
                "<language>en-US</language>" + "".join(items) + "</channel></rss>").encode()

    def bing_rss(self) -> bytes:
        story = STORIES[1]
        link = (f"{self.base_url}/news/apiclick.aspx?ref=FexRss&amp;aid=&amp;tid=abc&amp;"
                f"url={quote(self.publishers.url(story), safe='')}&amp;c=123&amp;mkt=en-us")
        return ('<?xml version="1.0" encoding="utf-8" ?><rss version="2.0"><channel><title>rare earth - Bing News'
                f"</title><item><title>{escape(story.title)}</title><link>{link}</link>"
                f"<description>{escape(story.paragraphs[0])}</description>"
                "<pubDate>Tue, 02 Jul 2024 08:00:00 GMT</pubDate></item></channel></rss>").encode()

    def token_page(self, token: str) -> bytes:
        return (f'<!doctype html><html lang="en"><head><title>Google News</title></head><body><c-wiz '
                f'jsrenderer="ZXhTsc"><div jscontroller="aLI87" jsaction="rcuQ6b:npT2md" '
                f'data-n-a-id="{token}" data-n-a-ts="1735689600" data-n-a-sg="{self.signature(token)}" '
                f'data-n-au=""></div></c-wiz><script>window.WIZ_global_data={{}};</script></body></html>').encode()

    def batchexecute(self, body: bytes) -> bytes | None:
        """The `garturlres` answer, or None when the request is not a well-formed garturlreq."""
        form = parse_qs(body.decode())
        envelope = json.loads(form["f.req"][0])[0][0]
        inner = json.loads(envelope[1])
        if envelope[0] != "Fbv4je" or inner[0] != "garturlreq":
            return None
        token, timestamp, signature = inner[2], inner[3], inner[4]
        if token not in self.tokens or signature != self.signature(token) or timestamp != 1735689600:
            return None
        if self.tokens[token] in self.refuse:
            return b")]}'\n\n" + json.dumps([["wrb.fr", "Fbv4je", None, None, None, [3], "generic"]]).encode()
        payload = json.dumps(["garturlres", self.tokens[token], 1])
        rows = json.dumps([["wrb.fr", "Fbv4je", payload, None, None, None, "generic"], ["di", 42],
                           ["af.httprm", 41, "-4139373418702311730", 23]])
        return f")]}}'\n\n{rows}".encode()

    def route(self, method: str, path: str, body: bytes) -> tuple[int, str, bytes, dict[str, str]]:
        parts = urlsplit(path)
        if parts.path == "/rss/search":
            return 200, "application/xml; charset=utf-8", self.search_rss(), {}
        if parts.path == "/bing/news/search":
            return 200, "application/rss+xml; charset=utf-8", self.bing_rss(), {}
        if parts.path.startswith("/rss/articles/") and method == "GET":
            token = parts.path.rsplit("/", 1)[-1]
            return (200, HTML, self.token_page(token), {}) if token in self.tokens else NOT_FOUND
        if parts.path == "/_/DotsSplashUi/data/batchexecute" and method == "POST":
            self.batch_bodies.append(body.decode())
            answer = self.batchexecute(body)
            return (200, "application/json; charset=utf-8", answer, {}) if answer else (400, HTML, b"", {})
        return NOT_FOUND
