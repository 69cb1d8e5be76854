"""The alert outbox cycle: render stories into messages and deliver pending rows, with retries.

Rendering is pure; delivery goes through a `send` callable (see notify.py), so the cycle
is testable without any channel. A row is marked sent only after its channel accepted it;
a failed attempt stays pending with its (secret-free) error until the next attempt is due
(exponential backoff), and becomes `failed` after `max_attempts`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape

from monitor.models import Analysis, Channel, StoryView
from monitor.stages.analyse import explain
from monitor.store import Archive
from monitor.store.outbox import PendingAlert, count_pending, mark_failed_attempt, mark_sent, pending_alerts
from monitor.store.stories import story_view

log = logging.getLogger(__name__)

STORY_KINDS = ("story",)
OPERATOR_KINDS = ("operator", "recovered")


@dataclass(frozen=True)
class Message:
    """A rendered alert: plain text for every channel, Markdown and HTML where the channel takes them."""

    title: str
    text: str
    markdown: str
    html: str


@dataclass(frozen=True)
class DeliveryPolicy:
    """How often a failed delivery is retried: exponential backoff from `backoff`, capped."""

    max_attempts: int = 5
    backoff: timedelta = timedelta(minutes=1)
    max_backoff: timedelta = timedelta(hours=6)


def reason_line(view: StoryView) -> str:
    """Why the story matched, in one line."""
    return explain(Analysis(score=view.score, relevant=True, reasons=view.reasons))


def story_date(view: StoryView) -> str:
    """The publication date, or the day remon first saw an undated story (said as such, never passed off)."""
    return view.published or f"first seen {view.first_seen[:10]}"


def render_story(view: StoryView) -> Message:
    """The alert for one story: title, date, outlets with links, reason and score."""
    head = f"{story_date(view)} | score {view.score:.2f} | {len(view.outlets)} outlet(s)"
    why, entities = reason_line(view), ", ".join(view.entities[:8])
    text = "\n".join([view.title, head, f"why: {why}", *([f"entities: {entities}"] if entities else []),
                      "outlets:", *(f"  - {name}: {url}" for name, url in view.outlets)])
    markdown = "\n\n".join([f"**{view.title}**", head, f"*Why:* {why}",
                            *([f"*Entities:* {entities}"] if entities else []),
                            "\n".join(f"- [{name}]({url})" for name, url in view.outlets)])
    html = "".join([f"<p><b>{escape(view.title)}</b><br>{escape(head)}</p>",
                    f"<p><i>Why:</i> {escape(why)}</p>",
                    f"<p><i>Entities:</i> {escape(entities)}</p>" if entities else "",
                    "<ul>", *(f'<li><a href="{escape(url)}">{escape(name)}</a></li>' for name, url in view.outlets),
                    "</ul>"])
    return Message(title=f"[remon] {view.title}", text=text, markdown=markdown, html=html)


def render_digest(views: list[StoryView], mode: str) -> Message:
    """One message listing several new stories (a channel's hourly or daily digest)."""
    parts = [render_story(view) for view in views]
    title = f"[remon] {mode} digest: {len(views)} new stor{'y' if len(views) == 1 else 'ies'}"
    return Message(title=title, text="\n\n".join(p.text for p in parts),
                   markdown="\n\n---\n\n".join(p.markdown for p in parts),
                   html="<hr>".join(p.html for p in parts))


def render_operator(subject: str) -> Message:
    """A source-health message: the subject says it all."""
    return Message(title=f"[remon operator] {subject}", text=subject, markdown=subject, html=escape(subject))


def render_test(channel: Channel) -> Message:
    line = f"Test message from remon to channel {channel.name}: if you read this, alerts reach you."
    return Message(title="[remon] test message", text=line, markdown=line, html=escape(line))


def next_attempt(now: datetime, attempts: int, policy: DeliveryPolicy = DeliveryPolicy()) -> datetime:
    """When to retry after the n-th failed attempt: backoff doubling each time, capped."""
    return now + min(policy.backoff * (2 ** max(attempts - 1, 0)), policy.max_backoff)


def digest_cutoff(now: datetime, mode: str) -> datetime | None:
    """Alerts created before this moment go into the digest sent now (start of this hour or day)."""
    if mode == "hourly":
        return now.replace(minute=0, second=0, microsecond=0)
    if mode == "daily":
        return now.replace(hour=0, minute=0, second=0, microsecond=0)
    return None


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0  # attempts that failed this cycle
    pending: int = 0
    errors: list[str] = field(default_factory=list)


Sender = Callable[[Channel, Message], None]  # raises on failure


def _message_for(archive: Archive, channel: Channel, batch: list[PendingAlert]) -> Message | None:
    if channel.role == "operator":
        return render_operator(batch[0].subject or "source health changed")
    views = [v for v in (story_view(archive.db, a.story_id) for a in batch if a.story_id is not None) if v]
    if not views:
        return None
    return render_digest(views, channel.digest) if channel.digest != "off" else render_story(views[0])


def _batches(archive: Archive, channel: Channel, now: datetime) -> list[list[PendingAlert]]:
    stamp = now.isoformat(timespec="seconds")
    kinds = OPERATOR_KINDS if channel.role == "operator" else STORY_KINDS
    cutoff = digest_cutoff(now, channel.digest) if channel.role == "story" else None
    due = pending_alerts(archive.db, channel.name, stamp, kinds,
                         created_before=cutoff.isoformat(timespec="seconds") if cutoff else None)
    if cutoff is not None:
        return [due] if due else []
    return [[alert] for alert in due]


def _deliver_batch(archive: Archive, channel: Channel, batch: list[PendingAlert], send: Sender,
                   now: datetime, policy: DeliveryPolicy, report: DeliveryReport) -> None:
    stamp = now.isoformat(timespec="seconds")
    message = _message_for(archive, channel, batch)
    try:
        if message is None:
            raise LookupError("the story of this alert no longer exists")
        send(channel, message)
    except Exception as error:  # noqa: BLE001 - a channel failure must not stop the cycle
        text = f"{type(error).__name__}: {error}"
        for alert in batch:
            retry_at = next_attempt(now, alert.attempts + 1, policy).isoformat(timespec="seconds")
            mark_failed_attempt(archive.db, alert.id, text, retry_at, policy.max_attempts)
        report.failed += len(batch)
        report.errors.append(f"{channel.name}: {text}")
        log.warning("alert(s) %s to %s failed: %s", ",".join(str(a.id) for a in batch), channel.name, text)
        return
    for alert in batch:
        mark_sent(archive.db, alert.id, stamp)
    report.sent += len(batch)


def deliver_pending(archive: Archive, channels: tuple[Channel, ...], send: Sender, now: datetime,
                    policy: DeliveryPolicy) -> DeliveryReport:
    """Deliver every due pending alert; failures stay pending (with backoff) until max_attempts."""
    report = DeliveryReport()
    for channel in channels:
        for batch in _batches(archive, channel, now):
            _deliver_batch(archive, channel, batch, send, now, policy, report)
    report.pending = count_pending(archive.db, tuple(c.name for c in channels))
    return report
