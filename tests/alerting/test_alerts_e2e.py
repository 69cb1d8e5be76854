"""End to end: the real `remon` command delivering alerts to a real SMTP server and a real webhook on 127.0.0.1,
through outages, SIGKILL, concurrent runs and digests, without ever leaking a secret."""

from __future__ import annotations

import os
import signal
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alert_fixtures import (
    SMTP_PASSWORD,
    STORIES,
    TOKEN,
    Mailbox,
    Webhook,
    free_port,
    remon,
    rows,
    start_remon,
    wait_until,
    write_config,
    write_story,
)

pytestmark = pytest.mark.e2e

QUIET = "console = false\ntimeout = 1\nbackoff = 0\nmax_attempts = 10\n"


def story_row(db: Path, key: str) -> tuple:
    return rows(db, "select id, title, score, coalesce(published, 'first seen ' || substr(first_seen, 1, 10)) from stories "
                    "where title = ?", (STORIES[key][0],))[0]


def alert_states(db: Path) -> list[tuple]:
    return rows(db, "select s.title, a.status, a.attempts from alerts a join stories s on s.id = a.story_id "
                    "order by a.id")


def test_email_and_webhook_each_receive_the_story_alert(tmp_path: Path) -> None:
    write_story(tmp_path / "seeds", "japan")
    write_config(tmp_path, QUIET)
    hook = Webhook().start()
    try:
        with Mailbox() as mailbox:
            done = remon("run", cwd=tmp_path, env={"REMON_ALERT_URLS": f"{mailbox.url()} {hook.url()}"})
    finally:
        hook.stop()
    assert done.returncode == 0, done.stderr
    db = tmp_path / "data/remon.db"
    _, title, _, date = story_row(db, "japan")
    link = (tmp_path / "seeds/japan.txt").resolve().as_uri()
    assert [m["Subject"] for m in mailbox.messages] == [f"[remon] {title}"]
    parts = {p.get_content_type(): p.get_payload(decode=True).decode() for p in mailbox.messages[0].walk()
             if not p.is_multipart()}
    assert f'<a href="{link}" style="color:#0b57d0">' in parts["text/html"]
    assert f"Date: {date[-10:]} (first seen by remon" in parts["text/plain"]
    assert [(m["path"], m["title"]) for m in hook.received] == [(f"/hooks/{TOKEN}", f"[remon] {title}")]
    blocks = hook.received[0]["message"].split("\n\n")
    assert blocks[0] == title and blocks[-1].startswith("Why it matched: It is about ")
    assert f"- japan.txt (English): {title}\n  {link}" in hook.received[0]["message"]
    assert alert_states(db) == [(title, "sent", 1), (title, "sent", 1)]


def test_webhook_outage_keeps_alerts_pending_then_delivers_each_exactly_once(tmp_path: Path) -> None:
    write_config(tmp_path, QUIET)
    hook = Webhook()
    env = {"REMON_ALERT_URLS": hook.url()}
    db = tmp_path / "data/remon.db"
    write_story(tmp_path / "seeds", "japan")
    refused = remon("run", cwd=tmp_path, env=env)  # nothing listens: connection refused
    assert refused.returncode == 0, refused.stderr
    assert "0 sent, 1 failed attempts, 1 pending" in refused.stdout
    assert rows(db, "select status, attempts, error like '%Connection error%' from alerts") == [("pending", 1, 1)]
    write_story(tmp_path / "seeds", "brazil")
    hook.mode = "error"
    hook.start()
    try:
        failing = remon("run", cwd=tmp_path, env=env)
        assert "0 sent, 2 failed attempts, 2 pending" in failing.stdout
        assert [e for (e,) in rows(db, "select error like '%error=500%' from alerts order by id")] == [1, 1]
        write_story(tmp_path / "seeds", "eu")
        hook.mode = "hang"
        hanging = remon("run", cwd=tmp_path, env=env)  # read timeout of 1s per alert bounds the run
        assert "0 sent, 3 failed attempts, 3 pending" in hanging.stdout
        assert hook.received == [] and hook.hits == 5  # 2 answered with 500, 3 left hanging
    finally:
        hook.stop()
    assert [(s, a) for _, s, a in alert_states(db)] == [("pending", 3), ("pending", 2), ("pending", 1)]
    hook.mode = "ok"
    hook.start()
    try:
        up = remon("run", cwd=tmp_path, env=env)
        again = remon("run", cwd=tmp_path, env=env)
    finally:
        hook.stop()
    assert "3 sent, 0 failed attempts, 0 pending" in up.stdout
    assert "0 sent, 0 failed attempts, 0 pending" in again.stdout
    assert sorted(m["title"] for m in hook.received) == sorted(f"[remon] {STORIES[k][0]}" for k in ("japan", "brazil", "eu"))
    assert [s for _, s, _ in alert_states(db)] == ["sent", "sent", "sent"]


def test_sigkill_between_storing_and_delivering_then_restart_delivers_once(tmp_path: Path) -> None:
    write_story(tmp_path / "seeds", "us")
    write_config(tmp_path, "console = false\ntimeout = 60\nbackoff = 0\n")
    hook = Webhook()
    hook.mode = "hang"  # the alert request reaches the webhook and is never answered
    hook.start()
    env = {"REMON_ALERT_URLS": hook.url()}
    try:
        process = start_remon("run", cwd=tmp_path, env=env, log=tmp_path / "killed.log")
        wait_until(lambda: hook.hits >= 1, what="the alert delivery to start")
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        hook.stop()
    db = tmp_path / "data/remon.db"
    assert rows(db, "select count(*) from stories") == [(1,)]
    assert rows(db, "select status, attempts from alerts") == [("pending", 0)]
    hook.mode = "ok"
    hook.start()
    try:
        restarted = remon("run", cwd=tmp_path, env=env)
        remon("run", cwd=tmp_path, env=env)
    finally:
        hook.stop()
    assert restarted.returncode == 0, restarted.stderr  # the dead run's locks died with it
    assert [m["title"] for m in hook.received] == [f"[remon] {STORIES['us'][0]}"]


def test_two_runs_at_once_one_crawls_the_other_reports_the_lock(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    for number in range(60):
        key = list(STORIES)[number % len(STORIES)]
        path = write_story(seeds, key, f"{number:03d}-{key}.txt")
        path.write_text(path.read_text() + f"\nBulletin number {number}.\n")
    write_config(tmp_path, "console = false\n")
    first = start_remon("run", cwd=tmp_path, log=tmp_path / "first.log")
    second = start_remon("run", cwd=tmp_path, log=tmp_path / "second.log")
    codes = sorted([first.wait(timeout=300), second.wait(timeout=300)])
    logs = (tmp_path / "first.log").read_text() + (tmp_path / "second.log").read_text()
    assert codes == [0, 75], logs
    assert "source desk is locked by another remon process (pid " in logs
    assert "Traceback" not in logs
    db = tmp_path / "data/remon.db"
    assert rows(db, "select count(*), count(distinct canonical_url) from articles") == [(60, 60)]
    assert rows(db, "select count(*), count(distinct story_id || channel) from alerts") == \
        rows(db, "select count(*), count(*) from alerts")
    assert rows(db, "select status, pages from runs order by status") == [("locked", 0), ("ok", 60)]


def test_a_run_waits_for_or_reports_a_source_lock_held_elsewhere(tmp_path: Path) -> None:
    from monitor.run.locks import hold, source_lock_path

    write_story(tmp_path / "seeds", "eu")
    write_config(tmp_path, "console = false\n")
    with hold(source_lock_path(tmp_path / "data/remon.db", "desk"), "source desk"):
        locked = remon("run", cwd=tmp_path)
    assert locked.returncode == 75
    notes = [line for line in locked.stdout.splitlines() if line.startswith("desk: ")]
    assert len(notes) == 1 and notes[0].endswith("); skipped")
    assert notes[0].startswith(f"desk: locked: source desk is locked by another remon process (pid {os.getpid()}, since ")
    assert rows(tmp_path / "data/remon.db", "select count(*) from articles") == [(0,)]
    assert remon("run", cwd=tmp_path).returncode == 0
    assert rows(tmp_path / "data/remon.db", "select count(*) from articles") == [(1,)]


def test_secrets_never_appear_in_logs_outputs_or_the_database(tmp_path: Path) -> None:
    write_story(tmp_path / "seeds", "japan")
    write_config(tmp_path, "console = false\ntimeout = 1\nbackoff = 0\nmax_attempts = 2\n")
    dead_smtp = f"mailto://remonbot:{SMTP_PASSWORD}@127.0.0.1:{free_port()}?mode=insecure&to=desk@example.org"
    hook = Webhook()
    hook.mode = "error"
    hook.start()
    env = {"REMON_ALERT_URLS": f"{hook.url()} {dead_smtp}", "REMON_OPERATOR_URLS": hook.url(f"ops/{TOKEN}")}
    try:
        outputs = [remon("-v", *args, cwd=tmp_path, env=env)
                   for args in (["run"], ["run"], ["alerts"], ["alerts", "test"], ["alerts", "retry"])]
    finally:
        hook.stop()
    text = "".join(o.stdout + o.stderr for o in outputs)
    assert "json:" in text and "mailto:" in text and "FAILED" in text  # the outputs do talk about the channels
    stored = b"".join(p.read_bytes() for p in (tmp_path / "data").rglob("*") if p.is_file())
    assert rows(tmp_path / "data/remon.db", "select count(*) from alerts where error is not null") == [(2,)]
    for secret in (TOKEN, SMTP_PASSWORD):
        assert secret not in text
        assert secret.encode() not in stored


def test_failed_after_max_attempts_is_listed_then_retry_delivers(tmp_path: Path) -> None:
    write_story(tmp_path / "seeds", "brazil")
    write_config(tmp_path, "console = false\ntimeout = 1\nbackoff = 0\nmax_attempts = 2\n")
    hook = Webhook()
    hook.mode = "error"
    hook.start()
    env = {"REMON_ALERT_URLS": hook.url()}
    try:
        remon("run", cwd=tmp_path, env=env)
        remon("run", cwd=tmp_path, env=env)
        listed = remon("alerts", cwd=tmp_path, env=env)
        hook.mode = "ok"
        retried = remon("alerts", "retry", cwd=tmp_path, env=env)
        after = remon("alerts", cwd=tmp_path, env=env)
    finally:
        hook.stop()
    lines = listed.stdout.splitlines()
    assert lines[0].startswith("#1 failed json:") and lines[0].endswith(f"(attempts 2) story 1: {STORIES['brazil'][0]}")
    assert "error: DeliveryError: json:" in lines[1] and "error=500" in lines[1]
    assert lines[2] == "0 pending, 1 failed"
    assert retried.stdout.splitlines()[:2] == ["1 alert(s) queued for a new attempt",
                                              "alerts: 1 sent, 0 failed attempts, 0 pending"]
    assert after.stdout.strip() == "0 pending, 0 failed"
    assert [m["title"] for m in hook.received] == [f"[remon] {STORIES['brazil'][0]}"]


def test_alerts_test_reports_each_channel(tmp_path: Path) -> None:
    refused = Webhook()
    write_config(tmp_path, 'timeout = 1\n[[alerts.channels]]\nname = "desk-hook"\nurl_env = "DESK_HOOK"\n')
    hook = Webhook().start()
    try:
        tested = remon("alerts", "test", cwd=tmp_path,
                       env={"DESK_HOOK": hook.url(), "REMON_ALERT_URLS": refused.url()})
    finally:
        hook.stop()
    lines = tested.stdout.splitlines()
    assert tested.returncode == 1
    assert [line.split(":")[0] for line in lines if ": " in line and "ALERT" not in line][-3:] == \
        ["console", "json", "desk-hook"]
    assert [line for line in lines if line.startswith("desk-hook")] == ["desk-hook: ok"]
    assert [line.split(": ", 1)[1][:6] for line in lines if line.startswith("json:")] == ["FAILED"]
    assert lines[-1] == "1 of 3 channel(s) failed"
    assert [m["title"] for m in hook.received] == ["[remon] test message"]


def test_duplicate_articles_alert_once(tmp_path: Path) -> None:
    write_story(tmp_path / "seeds", "eu")
    write_story(tmp_path / "seeds", "eu", "eu-copy.txt")
    write_config(tmp_path, "console = false\n")
    hook = Webhook().start()
    try:
        remon("run", cwd=tmp_path, env={"REMON_ALERT_URLS": hook.url()})
        remon("run", cwd=tmp_path, env={"REMON_ALERT_URLS": hook.url()})
    finally:
        hook.stop()
    assert rows(tmp_path / "data/remon.db", "select count(*) from articles") == [(2,)]
    assert [m["title"] for m in hook.received] == [f"[remon] {STORIES['eu'][0]}"]


def test_hourly_digest_sends_one_message_listing_the_hours_stories(tmp_path: Path) -> None:
    from monitor.cli.console import Console
    from monitor.config.load import load_config
    from monitor.run.cycle import deliver_now, run_once
    from monitor.store import open_archive

    for key in ("japan", "us"):
        write_story(tmp_path / "seeds", key)
    hook = Webhook().start()
    write_config(tmp_path, f'console = false\n[[alerts.channels]]\nname = "digest"\nurl = "{hook.url()}"\n'
                           'digest = "hourly"\n')
    config = load_config(str(tmp_path / "remon.toml"))
    console = Console.for_streams(open(os.devnull, "w"), open(os.devnull, "w"), quiet=True)
    try:
        report = run_once(config, console, now=lambda: datetime(2025, 3, 4, 10, 30, tzinfo=UTC))
        assert report.delivery is not None and (report.delivery.sent, report.delivery.pending) == (0, 2)
        archive = open_archive(config.db_path)
        later = deliver_now(config, archive, console.stdout, datetime(2025, 3, 4, 11, 5, tzinfo=UTC))
        archive.close()
    finally:
        hook.stop()
    assert later is not None and (later.sent, later.pending) == (2, 0)
    assert [m["title"] for m in hook.received] == ["[remon] hourly digest: 2 new stories"]
    message = hook.received[0]["message"]
    assert STORIES["japan"][0] in message and STORIES["us"][0] in message


def test_operator_gets_one_message_when_a_source_breaks_and_one_when_it_recovers(tmp_path: Path) -> None:
    write_config(tmp_path, "console = false\nbackoff = 0\nhealth_failures = 2\n")  # no seeds folder yet: fails
    ops = Webhook().start()
    env = {"REMON_OPERATOR_URLS": ops.url(f"ops/{TOKEN}")}
    try:
        outputs = [remon("run", cwd=tmp_path, env=env) for _ in range(3)]
        write_story(tmp_path / "seeds", "japan")
        outputs += [remon("run", cwd=tmp_path, env=env) for _ in range(2)]
    finally:
        ops.stop()
    assert [o.returncode for o in outputs] == [0, 0, 0, 0, 0]
    assert [m["title"] for m in ops.received] == [
        "[remon operator] source 'desk' failed 2 cycles in a row (last error: seeds folder "
        f"{tmp_path / 'seeds'} does not exist or is not a folder) (run 2)",
        "[remon operator] source 'desk' recovered (run 4)"]
    assert "desk: operator: source 'desk' recovered (run 4)" in outputs[3].stdout
