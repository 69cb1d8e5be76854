"""The outbox cycle on an in-memory archive: rendering, once per channel, backoff, failure after N attempts, digests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from monitor.alerting.channels import configured_channels, operator_channels
from monitor.alerting.delivery import (
    DeliveryPolicy,
    Message,
    deliver_pending,
    digest_cutoff,
    next_attempt,
)
from monitor.config.load import parse_config
from monitor.models import Channel, Reason, StoryView
from monitor.store import open_archive
from monitor.store.outbox import list_alerts, queue_story_alerts

NOW = datetime(2025, 3, 4, 10, 30, tzinfo=UTC)
STAMP = NOW.isoformat(timespec="seconds")
VIEW = StoryView(id=1, title="Russia orders rare-earth roadmap", published="2025-03-01", first_seen=STAMP,
                 score=0.87, outlets=(("TASS", "https://tass.example/1"), ("RBC", "https://rbc.example/2")),
                 reasons=(Reason("rare earths", "ree", "title", 1.0, 3),), entities=("Russia", "Vladimir Putin"))
POLICY = DeliveryPolicy(max_attempts=3, backoff=timedelta(minutes=1), max_backoff=timedelta(minutes=10))


def test_backoff_doubles_and_caps() -> None:
    assert [next_attempt(NOW, n, POLICY) - NOW for n in (1, 2, 3, 4, 5)] == \
        [timedelta(minutes=m) for m in (1, 2, 4, 8, 10)]


def test_digest_cutoff() -> None:
    assert (digest_cutoff(NOW, "hourly"), digest_cutoff(NOW, "daily"), digest_cutoff(NOW, "off")) == \
        (datetime(2025, 3, 4, 10, 0, tzinfo=UTC), datetime(2025, 3, 4, tzinfo=UTC), None)


def test_channels_from_config_with_per_channel_options(monkeypatch) -> None:
    monkeypatch.setenv("DESK_URL", "ntfy://secret-topic")
    monkeypatch.setenv("REMON_OPERATOR_URLS", "json://ops.example/x")
    config = parse_config({"alerts": {"urls": ["json://a.example/h"], "min_score": 0.4, "channels": [
        {"name": "desk", "url_env": "DESK_URL", "min_score": 0.8, "digest": "daily", "format": "markdown"}]}})
    assert [(c.name, c.min_score, c.digest, c.format, c.role) for c in configured_channels(config)] == [
        ("console", 0.4, "off", "text", "story"), (configured_channels(config)[1].name, 0.4, "off", "auto", "story"),
        ("desk", 0.8, "daily", "markdown", "story")]
    assert configured_channels(config)[2].url == "ntfy://secret-topic"
    assert "secret" not in repr(configured_channels(config)[2])
    assert [(c.name.split(":")[0], c.role) for c in operator_channels(config)] == [("operator-json", "operator")]


def _archive_with_story():
    archive = open_archive(":memory:")
    story = archive.db["stories"].insert({"title": VIEW.title, "first_seen": STAMP, "last_seen": STAMP,
                                          "published": "2025-03-01", "score": 0.87, "relevant": 1}).last_pk
    archive.db["articles"].insert({"url": "https://tass.example/1", "canonical_url": "https://tass.example/1",
                                   "source": "TASS", "title": VIEW.title, "fetched_at": STAMP, "text": "t",
                                   "content_hash": "h", "relevant": 1, "score": 0.87, "story_id": story})
    return archive, story


def test_once_per_channel_and_min_score() -> None:
    archive, story = _archive_with_story()
    channels = (Channel(name="a"), Channel(name="b", min_score=0.9), Channel(name="ops", role="operator"))
    assert queue_story_alerts(archive.db, story, 0.87, channels, STAMP) == 1
    assert queue_story_alerts(archive.db, story, 0.95, channels, STAMP) == 1  # a now, b's first; a not twice
    assert [(r.channel, r.status) for r in list_alerts(archive.db)] == [("a", "pending"), ("b", "pending")]


def test_failures_back_off_then_fail_and_successes_are_final() -> None:
    archive, story = _archive_with_story()
    good, bad = Channel(name="good", url="json://g"), Channel(name="bad", url="json://b")
    queue_story_alerts(archive.db, story, 0.87, (good, bad), STAMP)
    sent: list[tuple[str, str]] = []

    def send(channel: Channel, message: Message) -> None:
        if channel.name == "bad":
            raise ConnectionError("refused")
        sent.append((channel.name, message.title))

    reports = [deliver_pending(archive, (good, bad), send, NOW + timedelta(seconds=s), POLICY)
               for s in (0, 30, 60, 180, 600)]  # due at 0, not at 30 (backoff 1m), due at 60 and 180
    assert [(r.sent, r.failed, r.pending) for r in reports] == [(1, 1, 1), (0, 0, 1), (0, 1, 1), (0, 1, 0), (0, 0, 0)]
    assert sent == [("good", "[remon] Russia orders rare-earth roadmap")]
    rows = list(archive.db.query("select channel, status, attempts, error, next_attempt_at from alerts order by id"))
    assert rows == [
        {"channel": "good", "status": "sent", "attempts": 1, "error": None, "next_attempt_at": STAMP},
        {"channel": "bad", "status": "failed", "attempts": 3, "error": "ConnectionError: refused",
         "next_attempt_at": (NOW + timedelta(seconds=180 + 240)).isoformat(timespec="seconds")}]


def test_digest_waits_for_the_hour_then_sends_one_message() -> None:
    archive, story = _archive_with_story()
    digest = Channel(name="digest", url="json://d", digest="hourly")
    queue_story_alerts(archive.db, story, 0.87, (digest,), STAMP)
    titles: list[str] = []
    send = lambda channel, message: titles.append(message.title)
    assert deliver_pending(archive, (digest,), send, NOW + timedelta(minutes=20), POLICY).sent == 0
    assert deliver_pending(archive, (digest,), send, NOW + timedelta(minutes=31), POLICY).sent == 1
    assert titles == ["[remon] hourly digest: 1 new story"]
