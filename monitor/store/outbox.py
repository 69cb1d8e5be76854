"""The alert outbox: rows written with the story they announce, marked sent only after delivery.

Story alerts are unique per (story, channel, kind), so a story alerts once per channel
whatever duplicates, retries and restarts happen. Operator (source-health) alerts have
no story; their subject carries the message and the run that raised it, which keeps
them unique too.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from monitor.models import Channel
from monitor.store.transaction import writing


@dataclass(frozen=True)
class PendingAlert:
    """An alert row due for delivery, with what the message needs about its story."""

    id: int
    story_id: int | None
    channel: str
    kind: str
    attempts: int
    subject: str | None
    created_at: str


@dataclass(frozen=True)
class AlertRow:
    """An alert as `remon alerts` lists it (its error is already secret-free)."""

    id: int
    story_id: int | None
    title: str | None
    channel: str
    kind: str
    status: str
    attempts: int
    created_at: str
    next_attempt_at: str | None
    error: str | None


def queue_story_alerts(db: Database, story_id: int, score: float, channels: tuple[Channel, ...],
                       now: str) -> int:
    """One pending alert per story channel for a story (ignored if it already has one); returns rows added."""
    added = 0
    for channel in channels:
        if score < channel.min_score or channel.role != "story":
            continue
        cursor = db.execute(
            """insert or ignore into alerts (story_id, channel, kind, status, attempts, created_at, next_attempt_at)
               values (?, ?, 'story', 'pending', 0, ?, ?)""", [story_id, channel.name, now, now])
        added += cursor.rowcount
    return added


def queue_operator_alert(db: Database, channel: str, kind: str, subject: str, now: str) -> bool:
    """A pending operator alert unless one with this subject exists on the channel; True if added."""
    with writing(db):
        cursor = db.execute(
            """insert into alerts (story_id, channel, kind, subject, status, attempts, created_at, next_attempt_at)
               select null, ?, ?, ?, 'pending', 0, ?, ?
               where not exists (select 1 from alerts where channel = ? and kind = ? and subject = ?)""",
            [channel, kind, subject, now, now, channel, kind, subject])
    return cursor.rowcount > 0


def pending_alerts(db: Database, channel: str, now: str, kinds: tuple[str, ...] = ("story",),
                   created_before: str | None = None, updates: bool = False) -> list[PendingAlert]:
    """Pending alerts of one channel and kinds whose next attempt is due (and, for digests, old enough);
    with `updates`, the channel's story updates (kind 'update:<period>', see story_updates.py) too."""
    marks = ",".join("?" * len(kinds))
    rows = db.query(
        f"""select id, story_id, channel, kind, attempts, subject, created_at from alerts
            where status = 'pending' and channel = ? and (kind in ({marks}) or (? and kind like 'update:%'))
              and (next_attempt_at is null or next_attempt_at <= ?)
              and (? is null or created_at < ?)
            order by id""", [channel, *kinds, int(updates), now, created_before, created_before])
    return [PendingAlert(**row) for row in rows]


def count_pending(db: Database, channels: tuple[str, ...]) -> int:
    """Pending alerts on the given channels (alerts of channels no longer configured are not counted)."""
    if not channels:
        return 0
    marks = ",".join("?" * len(channels))
    return int(next(db.query(f"select count(*) as n from alerts where status = 'pending' and channel in ({marks})",
                             list(channels)))["n"])


def mark_sent(db: Database, alert_id: int, now: str) -> None:
    with writing(db):
        db.execute("update alerts set status = 'sent', sent_at = ?, attempts = attempts + 1, error = null "
                   "where id = ? and status = 'pending'", [now, alert_id])


def mark_failed_attempt(db: Database, alert_id: int, error: str, next_attempt_at: str,
                        max_attempts: int) -> None:
    """Count a failed attempt: stays pending for a retry, or becomes 'failed' after max_attempts."""
    with writing(db):
        db.execute(
            """update alerts set attempts = attempts + 1, error = ?, next_attempt_at = ?,
                   status = case when attempts + 1 >= ? then 'failed' else 'pending' end
               where id = ? and status = 'pending'""", [error[:500], next_attempt_at, max_attempts, alert_id])


def list_alerts(db: Database, statuses: tuple[str, ...] = ("pending", "failed"), limit: int = 200) -> list[AlertRow]:
    """Alerts in the given states, oldest first, with their story title."""
    marks = ",".join("?" * len(statuses))
    rows = db.query(
        f"""select a.id, a.story_id, coalesce(s.title, a.subject) as title, a.channel, a.kind, a.status,
                   a.attempts, a.created_at, a.next_attempt_at, a.error
            from alerts a left join stories s on s.id = a.story_id
            where a.status in ({marks}) order by a.id limit ?""", [*statuses, limit])
    return [AlertRow(**row) for row in rows]


def requeue(db: Database, now: str) -> int:
    """Failed alerts back to pending with a fresh attempt count, and every pending one due now; returns rows."""
    with writing(db):
        cursor = db.execute(
            """update alerts set status = 'pending', attempts = case when status = 'failed' then 0 else attempts end,
                   next_attempt_at = ? where status in ('pending', 'failed')""", [now])
    return cursor.rowcount
