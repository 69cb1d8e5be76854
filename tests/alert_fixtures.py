"""Real local servers and helpers for the alert, scheduler and lock tests: a JSON webhook, an SMTP server,
distinct rare-earth policy stories as seed files, config writing and `remon` subprocesses."""

from __future__ import annotations

import email
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from loopback import free_port

REPO = Path(__file__).resolve().parents[1]
REMON = [sys.executable, "-m", "monitor"]
TOKEN = "tok3nS3CRETxq7"  # appears only in alert URLs: must never leak anywhere
SMTP_USER, SMTP_PASSWORD = "remonbot", "pa55S3CRETzz9"

STORIES = {
    "japan": ("Japan orders national stockpile of dysprosium and terbium",
              "Japan's Ministry of Economy, Trade and Industry ordered JOGMEC to build a national stockpile of "
              "dysprosium and terbium, two heavy rare earth elements used in permanent magnets. The rare earth "
              "stockpile policy follows China's export controls on rare earth processing technology. "
              "The ministry said the rare earths reserve will cover sixty days of magnet production."),
    "brazil": ("Brazil approves rare earth mining law for Goias ionic clay deposits",
               "Brazil's Congress approved a critical minerals law that gives rare earth mining projects in Goias "
               "priority licensing. The rare earth policy offers tax credits for neodymium and praseodymium "
               "separation plants built in Brazil, and the mines and energy ministry will set rare earths export "
               "rules. Serra Verde said its ionic clay rare earth deposit will benefit from the law."),
    "eu": ("European Commission sets rare earth magnet recycling quota",
           "The European Commission adopted a regulation requiring that a share of rare earth permanent magnets "
           "be recycled under the Critical Raw Materials Act. The rare earth recycling quota obliges carmakers "
           "to report neodymium magnet content, and the Commission will review rare earths supply risks from "
           "China every two years."),
    "us": ("US Department of Defense awards rare earth separation grant in Texas",
           "The US Department of Defense awarded a grant under the Defense Production Act for a heavy rare earth "
           "separation facility in Texas. The rare earth policy aims to end reliance on Chinese processing of "
           "dysprosium and terbium, and the Pentagon said rare earth oxide output will begin next year."),
}


def write_story(folder: Path, key: str, name: str | None = None) -> Path:
    """A seed text file for one of the distinct stories above."""
    title, body = STORIES[key]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"{key}.txt")
    path.write_text(f"{title}\n\n{body}\n\n{body}\n", encoding="utf-8")
    return path


class Webhook:
    """A JSON webhook on 127.0.0.1 whose behaviour the test switches: 'ok', 'error' (HTTP 500), 'hang', or down."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.mode = "ok"
        self.received: list[dict] = []
        self.hits = 0
        self.release = threading.Event()
        self.server: ThreadingHTTPServer | None = None

    def url(self, path: str = f"hooks/{TOKEN}") -> str:
        return f"json://127.0.0.1:{self.port}/{path}"

    def start(self) -> Webhook:
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                hook.hits += 1
                if hook.mode == "hang":
                    hook.release.wait(60)
                    return
                if hook.mode == "error":
                    self.send_response(500)
                    self.end_headers()
                    return
                hook.received.append({"path": self.path, **json.loads(body)})
                self.send_response(200)
                self.end_headers()

        self.release.clear()
        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Take it down: connections are refused from now on."""
        self.release.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


class Mailbox:
    """An SMTP server (aiosmtpd) on 127.0.0.1 that requires a login and keeps every message."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[Message] = []
        mailbox = self

        class Handler:
            async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
                mailbox.messages.append(email.message_from_bytes(envelope.content))  # type: ignore[attr-defined]
                return "250 OK"

        def authenticate(server: object, session: object, envelope: object, mechanism: str, data: object) -> AuthResult:
            login, password = getattr(data, "login", b""), getattr(data, "password", b"")
            return AuthResult(success=(login, password) == (SMTP_USER.encode(), SMTP_PASSWORD.encode()))

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port,
                                     authenticator=authenticate, auth_require_tls=False)

    def url(self) -> str:
        return (f"mailto://{SMTP_USER}:{SMTP_PASSWORD}@127.0.0.1:{self.port}"
                "?mode=insecure&from=remon@example.org&to=desk@example.org")

    def __enter__(self) -> Mailbox:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


def write_config(folder: Path, alerts: str, sources: str | None = None, schedule: str = "") -> Path:
    """A remon.toml in `folder` with a seeds source (unless given) and the given [alerts] body."""
    sources = sources if sources is not None else '[[sources]]\nname = "desk"\nkind = "seeds"\npath = "seeds"\n'
    text = f'[storage]\npath = "data/remon.db"\n\n{sources}\n[alerts]\n{alerts}\n' + \
        (f"\n[schedule]\n{schedule}\n" if schedule else "")
    path = folder / "remon.toml"
    path.write_text(text, encoding="utf-8")
    return path


def remon(*args: str, cwd: Path, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the real `remon` command in `cwd`."""
    return subprocess.run([*REMON, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})})


def start_remon(*args: str, cwd: Path, env: dict | None = None, log: Path | None = None) -> subprocess.Popen:
    """Start `remon` in the background; output goes to `log` (or is dropped)."""
    out = open(log, "w") if log else subprocess.DEVNULL
    return subprocess.Popen([*REMON, *args], cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})})


def rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db, timeout=30)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def wait_until(condition: Callable[[], object], timeout: float = 60, what: str = "condition") -> object:
    """Poll until `condition()` is truthy; fail the test with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")
