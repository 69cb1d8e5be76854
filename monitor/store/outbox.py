"""The alert outbox: rows written with the story they announce, marked sent only after delivery."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from monitor.models import Channel


@dataclass(frozen=True)
class PendingAlert:
    """An alert row due for delivery, with what the message needs about its story."""

    id: int
    story_id: int | None
    channel: str
    kind: str
    attempts: int
    subject: str | None


def queue_story_alerts(db: Database, story_id: int, score: float, channels: tuple[Channel, ...],
                       now: str) -> int:
    """One pending alert per channel for a story (ignored if it already has one); returns rows added."""
    added = 0
    for channel in channels:
        if score < channel.min_score:
            continue
        cursor = db.execute(
            """insert or ignore into alerts (story_id, channel, kind, status, attempts, created_at, next_attempt_at)
               values (?, ?, 'story', 'pending', 0, ?, ?)""", [story_id, channel.name, now, now])
        added += cursor.rowcount
    return added


def pending_alerts(db: Database, channel: str, now: str) -> list[PendingAlert]:
    """Pending alerts of one channel whose next attempt is due."""
    rows = db.query(
        """select id, story_id, channel, kind, attempts, subject from alerts
           where status = 'pending' and channel = ? and (next_attempt_at is null or next_attempt_at <= ?)
           order by id""", [channel, now])
    return [PendingAlert(**row) for row in rows]


def mark_sent(db: Database, alert_id: int, now: str) -> None:
    with db.atomic():
        db.execute("update alerts set status = 'sent', sent_at = ?, attempts = attempts + 1, error = null "
                   "where id = ? and status = 'pending'", [now, alert_id])


def mark_failed_attempt(db: Database, alert_id: int, error: str, next_attempt_at: str,
                        max_attempts: int) -> None:
    """Count a failed attempt: stays pending for a retry, or becomes 'failed' after max_attempts."""
    with db.atomic():
        db.execute(
            """update alerts set attempts = attempts + 1, error = ?, next_attempt_at = ?,
                   status = case when attempts + 1 >= ? then 'failed' else 'pending' end
               where id = ? and status = 'pending'""", [error[:500], next_attempt_at, max_attempts, alert_id])
