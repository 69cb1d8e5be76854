"""The scheduler: "is it due" as a pure function of now, the APScheduler jobs, and the real daemon end to end."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alert_fixtures import STORIES, Webhook, rows, start_remon, wait_until, write_config, write_story
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitor.config.load import parse_config
from monitor.config.schedules import Cron, Every, parse_schedule
from monitor.run.scheduler import Daemon, build_scheduler, crontab_weekdays, is_due, next_due

NOW = datetime(2025, 3, 4, 10, 30, tzinfo=UTC)


def test_parse_schedule_intervals_and_cron() -> None:
    assert [parse_schedule(s) for s in ("1s", "30m", "6h", "1d", "0 6 * * 1-5")] == \
        [Every(1), Every(1800), Every(21600), Every(86400), Cron("0 6 * * 1-5")]


def test_next_due_for_intervals() -> None:
    every = Every(3600)
    assert next_due(every, None, NOW) == NOW  # never ran: now
    assert next_due(every, NOW - timedelta(minutes=20), NOW) == NOW + timedelta(minutes=40)
    assert next_due(every, NOW - timedelta(days=3), NOW) == NOW  # missed runs coalesce into one, now
    assert (is_due(every, NOW - timedelta(minutes=59), NOW), is_due(every, NOW - timedelta(minutes=60), NOW)) == \
        (False, True)


def test_crontab_weekdays_follow_cron_not_apscheduler_numbering() -> None:
    assert [crontab_weekdays(f) for f in ("1-5", "0", "7", "*/2", "0,6", "mon-fri", "*", "1/3")] == \
        ["mon,tue,wed,thu,fri", "sun", "sun", "sun,tue,thu,sat", "sun,sat", "mon-fri", "*", "mon,thu"]


def test_next_due_for_cron_expressions() -> None:
    weekdays_at_six = Cron("0 6 * * 1-5")
    tuesday_6am = datetime(2025, 3, 4, 6, 0, tzinfo=UTC)
    assert next_due(weekdays_at_six, tuesday_6am, NOW) == datetime(2025, 3, 5, 6, 0, tzinfo=UTC)
    assert next_due(weekdays_at_six, datetime(2025, 3, 3, 6, 0, tzinfo=UTC), NOW) == NOW  # Tuesday's run missed
    friday = datetime(2025, 3, 7, 6, 0, tzinfo=UTC)
    assert next_due(weekdays_at_six, friday, friday + timedelta(hours=1)) == datetime(2025, 3, 10, 6, 0, tzinfo=UTC)


def test_scheduler_has_one_non_overlapping_job_per_source_and_a_delivery_job() -> None:
    config = parse_config({
        "sources": [{"name": "a", "kind": "seeds", "path": "a", "schedule": "10m"},
                    {"name": "b", "kind": "seeds", "path": "b", "schedule": "0 6 * * *"},
                    {"name": "c", "kind": "seeds", "path": "c"}],
        "schedule": {"every": "2h", "jitter": 30, "deliver_every": "5m"}})
    scheduler = build_scheduler(Daemon(config), {"a": NOW - timedelta(minutes=4)}, NOW)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert sorted(jobs) == ["delivery", "source:a", "source:b", "source:c"]
    assert {(j.max_instances, j.coalesce, j.misfire_grace_time) for j in jobs.values()} == {(1, True, None)}
    assert (jobs["source:a"].next_run_time, jobs["source:b"].next_run_time, jobs["source:c"].next_run_time) == \
        (NOW + timedelta(minutes=6), NOW, NOW)
    assert isinstance(jobs["source:a"].trigger, IntervalTrigger) and jobs["source:a"].trigger.jitter == 30
    assert isinstance(jobs["source:b"].trigger, CronTrigger)
    assert jobs["source:c"].trigger.interval == timedelta(hours=2)
    assert (jobs["delivery"].trigger.interval, jobs["delivery"].args, jobs["source:b"].args) == \
        (timedelta(minutes=5), (), ("b",))


def test_schedule_list_shows_each_source(tmp_path: Path) -> None:
    from alert_fixtures import remon

    write_config(tmp_path, "console = false\n", sources='[[sources]]\nname = "desk"\nkind = "seeds"\npath = "seeds"\n'
                 'schedule = "15m"\n[[sources]]\nname = "wire"\nkind = "seeds"\npath = "wire"\n')
    listed = remon("schedule", "--list", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == ["desk: every 15m; last run never; next now",
                                          "wire: every 1h; last run never; next now"]


def ok_runs(db: Path) -> int:
    """Finished runs so far (0 while the database is still being created)."""
    try:
        return int(rows(db, "select count(*) from runs where status = 'ok'")[0][0])
    except sqlite3.OperationalError:
        return 0


def stop(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=30)


@pytest.mark.e2e
def test_daemon_crawls_a_growing_seed_folder_alerts_once_and_stops_on_sigterm(tmp_path: Path) -> None:
    write_story(tmp_path / "seeds", "japan")
    write_config(tmp_path, "console = false\nbackoff = 0\n", schedule='every = "1s"\njitter = 0\ndeliver_every = "1s"')
    db = tmp_path / "data/remon.db"
    hook = Webhook().start()
    daemon = start_remon("schedule", "-v", cwd=tmp_path, env={"REMON_ALERT_URLS": hook.url()},
                         log=tmp_path / "daemon.log")
    try:
        wait_until(lambda: len(hook.received) >= 1, what="the first story's alert")
        write_story(tmp_path / "seeds", "brazil")
        wait_until(lambda: len(hook.received) >= 2, what="the new story's alert")
        wait_until(lambda: ok_runs(db) >= 4, what="more crawls")
    finally:
        code = stop(daemon)
        hook.stop()
    log = (tmp_path / "daemon.log").read_text()
    assert code == 0, log
    assert "remon schedule stopped" in log and "Traceback" not in log
    assert [m["title"] for m in hook.received] == [f"[remon] {STORIES[k][0]}" for k in ("japan", "brazil")]
    assert rows(db, "select count(*), count(distinct canonical_url) from articles") == [(2, 2)]
    assert rows(db, "select count(*) from runs where status in ('running', 'failed')") == [(0,)]


FEED_SOURCE = '[[sources]]\nname = "ledger"\nkind = "feed"\nurl = "{BASE}/feeds/news.rss"\n'
CRAWL = '[crawl]\ndelay = 0\nautothrottle = false\ntimeout = 2\nretries = 0\n\n'
QUOTA = ("China's commerce ministry set a rare earth export quota for dysprosium and terbium, widening export "
         "controls on rare earth magnets. Exporters must apply for licences and report end users every quarter.")


@pytest.mark.e2e
def test_daemon_picks_up_a_new_feed_item_and_alerts_once(tmp_path: Path) -> None:
    from fixture_site import FixtureSite

    hook = Webhook().start()
    with FixtureSite() as site:
        write_config(tmp_path, "console = false\nbackoff = 0\n",
                     sources=CRAWL + FEED_SOURCE.replace("{BASE}", site.base_url),
                     schedule='every = "1s"\njitter = 0\ndeliver_every = "1s"')
        db = tmp_path / "data/remon.db"
        daemon = start_remon("schedule", cwd=tmp_path, env={"REMON_ALERT_URLS": hook.url()},
                             log=tmp_path / "daemon.log")
        try:
            wait_until(lambda: ok_runs(db) >= 1 and rows(db, "select count(*) from alerts where status != 'sent'")
                       == [(0,)], what="the first feed crawl and its alerts")
            before = len(hook.received)
            assert rows(db, "select count(*) from alerts") == [(before,)] and before >= 1
            url = site.add_feed_item("dysprosium-quota", "China sets rare earth export quota", (QUOTA,) * 2,
                                     "2024-08-01")
            wait_until(lambda: len(hook.received) > before, what="the new item's alert")
            crawled = ok_runs(db)
            wait_until(lambda: ok_runs(db) >= crawled + 2, what="two more crawls after the alert")
        finally:
            code = stop(daemon)
            hook.stop()
    log = (tmp_path / "daemon.log").read_text()
    assert code == 0, log
    assert rows(db, "select count(*) from articles where url = ?", (url,)) == [(1,)]
    titles = [m["title"] for m in hook.received]
    assert titles.count("[remon] China sets rare earth export quota") == 1
    assert len(titles) == len(set(titles)) == before + 1


class WatchedDaemon(Daemon):
    """The real daemon, noting which `remon` commands it started."""

    def __init__(self, config) -> None:  # type: ignore[no-untyped-def]
        super().__init__(config)
        self.started: list[list[str]] = []

    def run_child(self, name: str, args: list[str]) -> int | None:
        self.started.append(args)
        return super().run_child(name, args)


def test_sources_due_in_one_tick_crawl_in_one_remon_run(tmp_path: Path) -> None:
    import threading

    for name in ("a", "b"):
        write_story(tmp_path / name, "japan" if name == "a" else "brazil")
    (tmp_path / "remon.toml").write_text(
        '[storage]\npath = "data/remon.db"\n'
        '[[sources]]\nname = "a"\nkind = "seeds"\npath = "a"\n[[sources]]\nname = "b"\nkind = "seeds"\npath = "b"\n',
        encoding="utf-8")
    from monitor.config.load import load_config

    daemon = WatchedDaemon(load_config(str(tmp_path / "remon.toml")))
    jobs = [threading.Thread(target=daemon.crawl, args=(name,)) for name in ("a", "b")]
    for job in jobs:
        job.start()
    for job in jobs:
        job.join(timeout=120)
    assert daemon.started == [["run", "--source", "a", "--source", "b"]]
    with sqlite3.connect(tmp_path / "data/remon.db") as db:
        assert sorted(db.execute("select source, status from runs")) == [("a", "ok"), ("b", "ok")]
