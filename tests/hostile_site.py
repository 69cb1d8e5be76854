"""A hostile web site on a loopback address for the hardening tests: fixed routes, every request logged.

`HostileSite(host)` serves `routes` (path -> status, headers, body) with `{BASE}` in bodies and
headers replaced by its own URL; unknown paths are 404 (so robots.txt allows everything).
Bind one on 127.0.0.1 as the source and another on 127.0.0.2 as the "internal host" that
must never see a request. `Tarpit` accepts TCP connections and never answers (an FTP server
that hangs a client).
"""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

Route = tuple[int, dict[str, str], bytes]


class HostileSite:
    """A loopback HTTP server with fixed routes and a request log."""

    def __init__(self, host: str = "127.0.0.1", routes: dict[str, Route] | None = None) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.requests: list[str] = []
        self._lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"site": self})
        self._server = _Quiet((host, 0), handler)
        self._server.daemon_threads = True
        self.base_url = f"http://{host}:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> HostileSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def route(self, path: str, body: str | bytes, status: int = 200, content_type: str = "application/xml",
              **headers: str) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = (status, {"Content-Type": content_type, **headers}, data)

    def paths(self) -> list[str]:
        with self._lock:
            return [urlsplit(p).path for p in self.requests]

    def answer(self, path: str) -> Route:
        with self._lock:
            self.requests.append(path)
        status, headers, body = self.routes.get(urlsplit(path).path, (404, {"Content-Type": "text/plain"}, b"no"))
        base = self.base_url
        return (status, {k: v.replace("{BASE}", base) for k, v in headers.items()},
                body.replace(b"{BASE}", base.encode()))


class Tarpit:
    """A TCP listener that accepts connections and never says a word; counts them."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._socket = socket.socket()
        self._socket.bind((host, 0))
        self._socket.listen(8)
        self._socket.settimeout(0.2)
        self.port = self._socket.getsockname()[1]
        self.accepted = 0
        self._held: list[socket.socket] = []
        self._running = True
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> Tarpit:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._running = False
        self._thread.join(timeout=2)
        for held in self._held:
            held.close()
        self._socket.close()

    def _serve(self) -> None:
        while self._running:
            try:
                connection, _ = self._socket.accept()
            except (TimeoutError, OSError):
                continue
            self.accepted += 1
            self._held.append(connection)


class _Quiet(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass


class _Handler(BaseHTTPRequestHandler):
    site: HostileSite
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        status, headers, body = self.site.answer(self.path)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
