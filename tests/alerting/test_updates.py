"""Story updates through the outbox: written with the article that changes an alerted story, at most one per
story, channel and period, merged within a period, carried to the next day once sent, off when configured off."""

from __future__ import annotations

import hashlib
import json
import os
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from alert_fixtures import STORIES, Webhook, remon, rows, start_remon, wait_until, write_config, write_story

from monitor.alerting.channels import configured_channels
from monitor.alerting.delivery import DeliveryPolicy, Message, deliver_pending
from monitor.config.load import parse_config
from monitor.models import Analysis, Article, Channel, DedupeDecision, Figure, Fingerprint, Page, Reason
from monitor.store import open_archive, save_processed
from monitor.store.archive import Archive

NOW = datetime(2025, 3, 4, 10, 30, tzinfo=UTC)
STAMP = NOW.isoformat(timespec="seconds")
POLICY = DeliveryPolicy(max_attempts=3, backoff=timedelta(minutes=1))
CHANNELS = (Channel(name="daily"), Channel(name="each", updates="each"), Channel(name="off", updates="off"))
REASONS = (Reason("rare earths", "ree", "title", 1.0, 2), Reason("export control", "policy", "title", 1.0))


def _store(archive: Archive, url: str, language: str, figures: tuple[Figure, ...] = (), story: int | None = None,
           stamp: str = STAMP, channels: tuple[Channel, ...] = CHANNELS) -> int:
    title = f"China tightens rare earth export controls ({language})"
    text = f"{title}. The ministry said the rules start in May and cover several rare earth elements today."
    source = urlsplit(url).hostname or "desk"
    page = Page(url=url, source=source, fetched_at=stamp, body=text.encode(),
                content_type="application/pdf" if url.endswith(".pdf") else "text/html")
    article = Article(url=url, canonical_url=url, source=source, fetched_at=stamp, title=title, text=text,
                      published="2025-03-03", date_source="metadata", language=language)
    analysis = Analysis(score=0.9, relevant=True, reasons=REASONS, figures=figures)
    decision = DedupeDecision(kind="joins-story" if story else "new-story", reason="test", story_id=story)
    printed = Fingerprint(content_hash=hashlib.sha256(text.encode()).hexdigest())
    return save_processed(archive, page, article, analysis, printed, decision, channels, stamp).story_id or 0


def _tonnes(value: float, stated: str) -> Figure:
    return Figure(kind="mass", value=value, unit="tonnes", stated=stated, sentence=f"Quota of {stated}.")


def _deliver(archive: Archive, at: datetime) -> list[tuple[str, Message]]:
    sent: list[tuple[str, Message]] = []
    deliver_pending(archive, CHANNELS, lambda channel, message: sent.append((channel.name, message)), at, POLICY)
    return sent


def _updates(archive: Archive) -> list[tuple[str, str, str, int]]:
    return [(r["channel"], r["kind"], r["status"], len(json.loads(r["subject"]))) for r in archive.db.query(
        "select channel, kind, status, subject from alerts where kind like 'update:%' order by id")]


def test_updates_once_per_period_merged_carried_over_and_off_when_off() -> None:
    archive = open_archive(":memory:")
    story = _store(archive, "https://wire.example/a", "en", (_tonnes(28.5e6, "28.5 million tonnes"),))
    _store(archive, "https://pending.example/b", "fr", story=story)  # alert not yet delivered: no update
    assert _updates(archive) == []
    assert sorted(name for name, _ in _deliver(archive, NOW)) == ["daily", "each", "off"]
    _store(archive, "https://tass.example/c", "ru", (_tonnes(28.7e6, "28.7 million tonnes"),), story)
    _store(archive, "https://mnr.gov.ru/decree.pdf", "ru", (_tonnes(28.7e6, "28,700,000 tonnes"),), story)
    assert _updates(archive) == [("daily", "update:2025-03-04", "pending", 3),  # ru, 28.7 Mt, then official
                                 ("each", "update:a3", "pending", 2), ("each", "update:a4", "pending", 1)]
    sent = _deliver(archive, NOW + timedelta(minutes=1))
    assert [name for name, _ in sent] == ["daily", "each", "each"]
    daily = sent[0][1]
    assert daily.title == "[remon] update: China tightens rare earth export controls (en)"
    assert "What is new:\n- first report in Russian: tass.example, “China tightens rare earth export controls (ru)”\n" \
           "- new figure: 28.7 million tonnes (tass.example)\n" \
           "- official source: mnr.gov.ru, “China tightens rare earth export controls (ru)”" in daily.text
    assert "mnr.gov.ru (Russian, official source)" in daily.text
    later = (NOW + timedelta(hours=2)).isoformat(timespec="seconds")
    _store(archive, "https://xinhua.example/e", "zh", story=story, stamp=later)
    assert _updates(archive)[-2:] == [("daily", "update:2025-03-05", "pending", 1), ("each", "update:a5", "pending", 1)]
    assert [name for name, _ in _deliver(archive, NOW + timedelta(hours=3))] == ["each"]  # today's daily is spent
    tomorrow = _deliver(archive, NOW + timedelta(days=1))
    assert [(name, "first report in Chinese" in m.text) for name, m in tomorrow] == [("daily", True)]
    assert _deliver(archive, NOW + timedelta(days=2)) == []
    assert {channel for channel, *_ in _updates(archive)} == {"daily", "each"}  # never on 'off'


def test_digest_lists_new_and_updated_stories_apart() -> None:
    archive = open_archive(":memory:")
    digest = (Channel(name="digest", digest="daily"),)
    first = _store(archive, "https://wire.example/a", "en", channels=digest)
    deliver_pending(archive, digest, lambda c, m: None, NOW + timedelta(days=1), POLICY)
    _store(archive, "https://tass.example/c", "ru", story=first, channels=digest)
    _store(archive, "https://other.example/x", "en", channels=digest)
    sent: list[Message] = []
    deliver_pending(archive, digest, lambda c, m: sent.append(m), NOW + timedelta(days=1), POLICY)
    assert [m.title for m in sent] == ["[remon] daily digest: 1 new and 1 updated stories"]
    new, updated = sent[0].text.split("== Updated stories (1) ==")
    assert new.startswith("== New stories (1) ==") and "other.example" in new and "tass.example" not in new
    assert "What is new:\n- first report in Russian: tass.example" in updated


def test_updates_setting_reaches_every_channel() -> None:
    config = parse_config({"alerts": {"urls": ["json://a.example/h"], "updates": "each", "channels": [
        {"name": "desk", "url": "json://b.example/h", "updates": "off"}]}})
    assert [c.updates for c in configured_channels(config)] == ["each", "each", "off"]
    assert parse_config({}).alerts.updates == "daily" and parse_config({}).serve.public_url is None


@pytest.mark.e2e
def test_update_survives_sigkill_and_is_delivered_once(tmp_path: Path) -> None:
    """`remon run` alerts a story; a later report adds a figure; the run delivering the update is SIGKILLed
    while the webhook hangs; the next run delivers the update exactly once."""
    write_story(tmp_path / "seeds", "japan")
    write_config(tmp_path, "console = false\ntimeout = 60\nbackoff = 0\n")
    hook = Webhook().start()
    env = {"REMON_ALERT_URLS": hook.url()}
    try:
        assert remon("run", cwd=tmp_path, env=env).returncode == 0
        title, body = STORIES["japan"]
        (tmp_path / "seeds/japan-update.txt").write_text(
            f"{title}\n\n{body} The stockpile will hold 4,200 tonnes of dysprosium oxide.\n\n{body}\n")
        hook.mode = "hang"
        process = start_remon("run", cwd=tmp_path, env=env, log=tmp_path / "killed.log")
        wait_until(lambda: hook.hits >= 2, what="the update delivery to start")
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        hook.stop()
    db = tmp_path / "data/remon.db"
    assert [(k[:7], s) for k, s in rows(db, "select kind, status from alerts order by id")] == \
        [("story", "sent"), ("update:", "pending")]
    hook.mode = "ok"
    hook.start()
    try:
        assert remon("run", cwd=tmp_path, env=env).returncode == 0
        remon("run", cwd=tmp_path, env=env)
    finally:
        hook.stop()
    updates = [m for m in hook.received if m["title"].startswith("[remon] update: ")]
    assert len(updates) == 1 and "new figure: 4,200 tonnes" in updates[0]["message"]
