"""The alert outbox cycle: render stories into messages and deliver pending rows, with retries.

Rendering is pure; delivery goes through a `send` callable (see notify.py), so the cycle
is testable without any channel. A row is marked sent only after its channel accepted it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from monitor.analyse import explain
from monitor.models import Analysis, Channel, StoryView
from monitor.store import Archive
from monitor.store.outbox import mark_failed_attempt, mark_sent, pending_alerts
from monitor.store.stories import story_view

log = logging.getLogger(__name__)

BASE_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=6)


@dataclass(frozen=True)
class Message:
    """A rendered alert: plain text for every channel, Markdown where the channel takes it."""

    title: str
    text: str
    markdown: str


def reason_line(view: StoryView) -> str:
    """Why the story matched, in one line."""
    return explain(Analysis(score=view.score, relevant=True, reasons=view.reasons))


def render_story(view: StoryView) -> Message:
    """The alert for one story: title, date, outlets with links, reason and score."""
    date = view.published or view.first_seen[:10]
    outlets_text = "\n".join(f"  - {name}: {url}" for name, url in view.outlets)
    outlets_md = "\n".join(f"- [{name}]({url})" for name, url in view.outlets)
    entities = ", ".join(view.entities[:8])
    head = f"{date} | score {view.score:.2f} | {len(view.outlets)} outlet(s)"
    why = reason_line(view)
    text = f"{view.title}\n{head}\nwhy: {why}\n" + (f"entities: {entities}\n" if entities else "") + \
        f"outlets:\n{outlets_text}"
    markdown = f"**{view.title}**\n\n{head}\n\n*Why:* {why}\n\n" + \
        (f"*Entities:* {entities}\n\n" if entities else "") + outlets_md
    return Message(title=f"[remon] {view.title}", text=text, markdown=markdown)


def next_attempt(now: datetime, attempts: int) -> datetime:
    """Exponential backoff after the n-th failed attempt, capped."""
    return now + min(BASE_BACKOFF * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0  # attempts that failed this cycle
    pending: int = 0
    errors: list[str] = field(default_factory=list)


Sender = Callable[[Channel, Message], None]  # raises on failure


def deliver_pending(archive: Archive, channels: tuple[Channel, ...], send: Sender, now: datetime,
                    max_attempts: int) -> DeliveryReport:
    """Deliver every due pending alert; failures stay pending (with backoff) until max_attempts."""
    report = DeliveryReport()
    stamp = now.isoformat(timespec="seconds")
    for channel in channels:
        for alert in pending_alerts(archive.db, channel.name, stamp):
            view = story_view(archive.db, alert.story_id) if alert.story_id is not None else None
            if view is None:
                continue
            try:
                send(channel, render_story(view))
            except Exception as error:  # a channel failure must not stop the cycle
                message = f"{type(error).__name__}: {error}"
                retry_at = next_attempt(now, alert.attempts + 1).isoformat(timespec="seconds")
                mark_failed_attempt(archive.db, alert.id, message, retry_at, max_attempts)
                report.failed += 1
                report.errors.append(f"{channel.name}: {message}")
                log.warning("alert %s to %s failed: %s", alert.id, channel.name, message)
                continue
            mark_sent(archive.db, alert.id, stamp)
            report.sent += 1
    report.pending = next(archive.db.query("select count(*) as n from alerts where status = 'pending'"))["n"]
    return report
