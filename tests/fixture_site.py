"""A fixture news site on 127.0.0.1 for end-to-end crawl tests: static files plus a few live routes.

Serves `tests/fixtures/site/` with `{{BASE}}` replaced by the server's own URL, honours
ETag / Last-Modified with 304s, logs every request path, and has routes for a 500, a
redirect, a slow page and a PDF generated on the fly. `add_feed_item` publishes a new
article and puts it at the top of the RSS 2.0 feed.
"""

from __future__ import annotations

import hashlib
import threading
import time
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

SITE_DIR = Path(__file__).parent / "fixtures" / "site"
STATIC_LAST_MODIFIED = "Mon, 01 Jul 2024 03:00:00 GMT"
FEED_PATH = "/feeds/news.rss"
PDF_PATH = "/notices/mofcom-announcement-2024-18.pdf"
PDF_LINES = (
    "Ministry of Commerce Announcement No. 18 of 2024",
    "Export control measures on rare earth items",
    "Exporters of dysprosium and terbium shall apply for an export licence.",
    "This announcement takes effect on 1 July 2024.",
    "Applications are reviewed within 45 working days by the competent department.",
)
TYPES = {
    ".html": "text/html; charset=utf-8", ".rss": "application/rss+xml", ".rdf": "application/rdf+xml",
    ".xml": "application/xml", ".txt": "text/plain", ".png": "image/png", ".zip": "application/zip",
}


def make_pdf(lines: tuple[str, ...] = PDF_LINES) -> bytes:
    """A small valid PDF (one page, Helvetica) whose text pypdf can extract."""
    text = "BT /F1 12 Tf 72 720 Td 16 TL " + " ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '" for line in lines
    ) + " ET"
    stream = text.encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
         b" /Resources << /Font << /F1 5 0 R >> >> >>"),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        (b"<< /Title (Announcement No. 18 of 2024) /Author (Ministry of Commerce)"
         b" /CreationDate (D:20240516090000Z) >>"),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


class FixtureSite:
    """The running site: `base_url`, the request log, and knobs the tests turn."""

    def __init__(self, slow_seconds: float = 3.0) -> None:
        self.slow_seconds = min(slow_seconds, 3.0)
        self.honor_validators = True
        self.requests: list[str] = []
        self.extra_pages: dict[str, bytes] = {}
        self._extra_items: list[str] = []
        self._feed_modified = STATIC_LAST_MODIFIED
        self._lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"site": self})
        self._server = _QuietServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FixtureSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def log(self, path: str) -> None:
        with self._lock:
            self.requests.append(path)

    def paths(self) -> list[str]:
        """Request paths (without query) in arrival order."""
        with self._lock:
            return [urlsplit(p).path for p in self.requests]

    def clear_log(self) -> None:
        with self._lock:
            self.requests.clear()

    def add_feed_item(self, slug: str, title: str, paragraphs: tuple[str, ...], day: str) -> str:
        """Publish an article at /news/added/<slug>.html and list it first in the RSS feed."""
        path = f"/news/added/{slug}.html"
        body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
        self.extra_pages[path] = (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta property="article:published_time" content="{day}T09:00:00Z"></head><body>'
            f'<nav><a href="/">Home</a></nav><article><h1>{title}</h1>{body}</article>'
            f"<footer>© Metals Ledger</footer></body></html>"
        ).encode()
        pub = time.strftime("%a, %d %b %Y 09:00:00 GMT", time.strptime(day, "%Y-%m-%d"))
        item = (f"<item><title>{title}</title><link>{{{{BASE}}}}{path}</link>"
                f"<guid isPermaLink=\"false\">added-{slug}</guid><pubDate>{pub}</pubDate></item>")
        with self._lock:
            self._extra_items.insert(0, item)
            self._feed_modified = formatdate(time.time() + 1, usegmt=True)
        return self.base_url + path

    def resolve(self, path: str) -> tuple[int, bytes, str, str | None]:
        """(status, body, content type, last-modified) for a path; None last-modified = not cacheable."""
        if path in self.extra_pages:
            return 200, self.extra_pages[path], TYPES[".html"], STATIC_LAST_MODIFIED
        if path == PDF_PATH:
            return 200, make_pdf(), "application/pdf", STATIC_LAST_MODIFIED
        if path.startswith("/slow/"):
            time.sleep(self.slow_seconds)
        file = (SITE_DIR / path.lstrip("/")).resolve()
        if path.endswith("/"):
            file = file / "index.html"
        if SITE_DIR.resolve() not in file.parents or not file.is_file():
            return 404, b"<html><body><h1>Not found</h1></body></html>", TYPES[".html"], None
        body = file.read_bytes()
        kind = "text/html" if path.startswith("/ru/") else TYPES.get(file.suffix, "application/octet-stream")
        if kind.startswith(("text/", "application/rss", "application/rdf", "application/xml")):
            body = body.replace(b"{{BASE}}", self.base_url.encode())
        if path == FEED_PATH:
            with self._lock:
                extra = "".join(self._extra_items).replace("{{BASE}}", self.base_url).encode()
                modified = self._feed_modified
            return 200, body.replace(b"<!-- extra-items -->", extra), kind, modified
        return 200, body, kind, STATIC_LAST_MODIFIED


class _QuietServer(ThreadingHTTPServer):
    """Clients that give up (download timeouts) reset connections; that is expected here."""

    def handle_error(self, request: object, client_address: object) -> None:
        pass


class _Handler(BaseHTTPRequestHandler):
    site: FixtureSite
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.site.log(self.path)
        path = urlsplit(self.path).path
        if path.startswith("/broken/"):
            return self._send(500, b"<html><body>Internal Server Error</body></html>", TYPES[".html"])
        if path == "/old/japan-deal":
            return self._send(301, b"", TYPES[".html"],
                              {"Location": "/news/2024/07/01/japan-australia-rare-earth-deal.html"})
        status, body, kind, modified = self.site.resolve(path)
        if modified is None:
            return self._send(status, body, kind)
        etag = f'"{hashlib.sha1(body).hexdigest()[:16]}"'
        validators = {"ETag": etag, "Last-Modified": modified}
        if self.site.honor_validators and self._not_modified(etag, modified):
            return self._send(304, b"", kind, validators)
        return self._send(status, body, kind, validators)

    def _not_modified(self, etag: str, modified: str) -> bool:
        if self.headers.get("If-None-Match") is not None:
            return self.headers["If-None-Match"] == etag
        since = self.headers.get("If-Modified-Since")
        try:
            return since is not None and parsedate_to_datetime(since) >= parsedate_to_datetime(modified)
        except (TypeError, ValueError):
            return False

    def _send(self, status: int, body: bytes, kind: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if status != 304:
            self.wfile.write(body)
