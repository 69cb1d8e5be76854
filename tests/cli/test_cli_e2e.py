"""End to end: the real `remon` command on a temporary seeds folder, checked in the database."""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
REMON = [sys.executable, "-m", "monitor"]
RUSSIAN = ("Правительство России утвердило дорожную карту развития редкоземельной отрасли. "
           "Министерство природных ресурсов сообщило о запасах в 28,7 млн тонн редкоземельных металлов. ") * 3
FRENCH = ("Le gouvernement français a annoncé une stratégie nationale sur les terres rares et les métaux "
          "critiques, avec un stock stratégique et des quotas d'exportation négociés à Bruxelles. ") * 3


def remon(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*REMON, *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


@pytest.fixture()
def workdir(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    return tmp_path


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_seeds_run_twice(workdir: Path) -> None:
    first = remon("run", cwd=workdir)
    assert first.returncode == 0, first.stderr
    db = workdir / "data/remon.db"
    assert rows(db, "select count(*), sum(relevant) from articles") == [(5, 5)]
    urls = [u for (u,) in rows(db, "select url from articles order by url")]
    assert [u.rsplit("/", 1)[-1][:3] for u in urls] == ["000", "001", "002", "003", "004"]
    assert all(u.startswith("file://") for u in urls)
    assert "ALERT" in first.stdout and "TOTAL" in first.stdout
    counts = rows(db, "select (select count(*) from articles), (select count(*) from stories), "
                      "(select count(*) from alerts), (select count(*) from alerts where status = 'sent')")
    second = remon("run", cwd=workdir)
    assert second.returncode == 0, second.stderr
    assert rows(db, "select count(*), count(*), count(*), count(*) from articles")[0][0] == 5
    assert rows(db, "select (select count(*) from articles), (select count(*) from stories), "
                    "(select count(*) from alerts), (select count(*) from alerts where status = 'sent')") == counts
    total = next(line for line in second.stdout.splitlines() if line.startswith("TOTAL")).split()
    assert total[2] == "0"  # new
    assert "ALERT" not in second.stdout
    assert rows(db, "select published from articles where url like '%003_%'") == [("2025-11-06",)]
    assert rows(db, "select count(*) from runs where status = 'ok'") == [(2,)]


def test_bad_files_are_reported_by_name_and_the_rest_stored(workdir: Path) -> None:
    (workdir / "seeds/empty.txt").write_bytes(b"")
    (workdir / "seeds/binary.txt").write_bytes(bytes(range(256)) * 20)
    (workdir / "seeds/russian.txt").write_bytes(RUSSIAN.encode("windows-1251"))
    (workdir / "seeds/french.txt").write_bytes(FRENCH.encode("latin-1"))
    result = remon("run", cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert "empty.txt: skipped (empty" in result.stdout
    assert "binary.txt: skipped (binary" in result.stdout
    db = workdir / "data/remon.db"
    texts = dict(rows(db, "select substr(url, -11), text from articles"))
    assert len(texts) == 7
    assert "редкоземельной отрасли" in texts["russian.txt"]
    assert "stratégie nationale sur les terres rares" in texts["/french.txt"]


def test_bad_config_exits_2_naming_the_key(workdir: Path) -> None:
    (workdir / "bad.toml").write_text('[storage]\npath = "x.db"\nretention = 3\n', encoding="utf-8")
    result = remon("run", "--config", "bad.toml", cwd=workdir)
    assert result.returncode == 2
    assert result.stderr.strip() == "remon: bad.toml: unknown key 'storage.retention'"
    (workdir / "bad2.toml").write_text('[alerts]\nurls = "json://x"\n', encoding="utf-8")
    result = remon("--config", "bad2.toml", "run", cwd=workdir)
    assert result.returncode == 2 and "alerts.urls" in result.stderr
    assert not (workdir / "x.db").exists()


def test_missing_seeds_folder_is_a_reported_source_error(tmp_path: Path) -> None:
    (tmp_path / "remon.toml").write_text('[[sources]]\nname = "s"\nkind = "seeds"\npath = "nowhere"\n')
    result = remon("run", cwd=tmp_path)
    assert result.returncode == 0
    assert "s: failed: seeds folder" in result.stdout


def test_every_command_has_help(tmp_path: Path) -> None:
    listing = remon("--help", cwd=tmp_path)
    assert listing.returncode == 0
    commands = listing.stdout.split("{", 1)[1].split("}", 1)[0].split(",") if "{" in listing.stdout else []
    for command in commands or ["run", "reprocess"]:
        result = remon(command.strip(), "--help", cwd=tmp_path)
        assert result.returncode == 0 and "usage: remon" in result.stdout, command


def test_reprocess_reports_changes(workdir: Path) -> None:
    assert remon("run", cwd=workdir).returncode == 0
    (workdir / "remon.toml").write_text('[relevance]\nthreshold = 1.0\n[[sources]]\nname = "seeds"\n'
                                        'kind = "seeds"\npath = "seeds"\n', encoding="utf-8")
    result = remon("reprocess", cwd=workdir)
    assert result.returncode == 0, result.stderr
    changed = int(result.stdout.split(":")[1].split()[0])
    relevant = rows(workdir / "data/remon.db", "select count(*) from articles where relevant = 1")[0][0]
    assert changed == 5 - relevant and result.stdout.startswith("reprocessed 5 articles")
