"""The alert outbox cycle: render stories and story updates into messages and deliver pending rows.

Rendering is pure (see `monitor.alerting.render`); delivery goes through a `send` callable
(see notify.py), so the cycle is testable without any channel. A row is marked sent only
after its channel accepted it; a failed attempt stays pending with its (secret-free) error
until the next attempt is due (exponential backoff), and becomes `failed` after `max_attempts`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape

from monitor.alerting.render.changes import change_words
from monitor.alerting.render.digest import StoryDigest, build_digest
from monitor.alerting.render.message import Message, render_digest, render_story
from monitor.alerting.render.options import RenderOptions
from monitor.models import Channel
from monitor.store import Archive
from monitor.store.outbox import PendingAlert, count_pending, mark_failed_attempt, mark_sent, pending_alerts
from monitor.store.story_digest import story_rows

__all__ = ["DeliveryPolicy", "DeliveryReport", "Message", "RenderOptions", "Sender", "deliver_pending",
           "digest_cutoff", "next_attempt", "render_operator", "render_test", "story_message"]

log = logging.getLogger(__name__)

STORY_KINDS = ("story",)
OPERATOR_KINDS = ("operator", "recovered")
DEFAULT_OPTIONS = RenderOptions()


@dataclass(frozen=True)
class DeliveryPolicy:
    """How often a failed delivery is retried: exponential backoff from `backoff`, capped."""

    max_attempts: int = 5
    backoff: timedelta = timedelta(minutes=1)
    max_backoff: timedelta = timedelta(hours=6)


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


def _changes(alert: PendingAlert) -> tuple[str, ...]:
    if not alert.kind.startswith("update:"):
        return ()
    return change_words(json.loads(alert.subject or "[]"))


def _digest(archive: Archive, alert: PendingAlert, options: RenderOptions) -> StoryDigest | None:
    rows = story_rows(archive.db, alert.story_id) if alert.story_id is not None else None
    return build_digest(rows, options.language, options.public_url, _changes(alert)) if rows else None


def story_message(archive: Archive, story_id: int, options: RenderOptions = DEFAULT_OPTIONS) -> Message | None:
    """The alert a story gets now (what `remon alerts` previews and the tests read)."""
    rows = story_rows(archive.db, story_id)
    return render_story(build_digest(rows, options.language, options.public_url)) if rows else None


def _message_for(archive: Archive, channel: Channel, batch: list[PendingAlert],
                 options: RenderOptions) -> Message | None:
    if channel.role == "operator":
        return render_operator(batch[0].subject or "source health changed")
    if channel.digest == "off":
        digest = _digest(archive, batch[0], options)
        return render_story(digest) if digest else None
    new_ids = {a.story_id for a in batch if a.kind == "story"}
    new = [d for d in (_digest(archive, a, options) for a in batch if a.kind == "story") if d]
    updated = [d for d in (_digest(archive, a, options) for a in batch
                           if a.kind != "story" and a.story_id not in new_ids) if d]
    return render_digest(new, updated, channel.digest) if new or updated else None


def _batches(archive: Archive, channel: Channel, now: datetime) -> list[list[PendingAlert]]:
    stamp = now.isoformat(timespec="seconds")
    kinds = OPERATOR_KINDS if channel.role == "operator" else STORY_KINDS
    cutoff = digest_cutoff(now, channel.digest) if channel.role == "story" else None
    due = pending_alerts(archive.db, channel.name, stamp, kinds, updates=channel.role == "story",
                         created_before=cutoff.isoformat(timespec="seconds") if cutoff else None)
    if cutoff is not None:
        return [due] if due else []
    return [[alert] for alert in due]


def _deliver_batch(archive: Archive, channel: Channel, batch: list[PendingAlert], send: Sender,
                   now: datetime, policy: DeliveryPolicy, report: DeliveryReport, options: RenderOptions) -> None:
    stamp = now.isoformat(timespec="seconds")
    try:
        message = _message_for(archive, channel, batch, options)
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
                    policy: DeliveryPolicy, options: RenderOptions = DEFAULT_OPTIONS) -> DeliveryReport:
    """Deliver every due pending alert and update; failures stay pending (with backoff) until max_attempts."""
    report = DeliveryReport()
    for channel in channels:
        for batch in _batches(archive, channel, now):
            _deliver_batch(archive, channel, batch, send, now, policy, report, options)
    report.pending = count_pending(archive.db, tuple(c.name for c in channels))
    return report
