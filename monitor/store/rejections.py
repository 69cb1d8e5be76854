"""The memory of rejected pages (`rejections` table): why, when, the listing date, and the raw bytes.

A page judged "not an article" is remembered so that listings do not fetch it again in vain
(unless its listing entry changed) and so that `remon reprocess` can re-judge it offline.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from dataclasses import asdict

from monitor.hashing import sha256_hex
from monitor.models import Page, PageHints, Rejected
from monitor.store.archive import Archive, pack_body
from monitor.store.transaction import writing

_CHUNK = 500


def record_rejection(archive: Archive, page: Page, canonical: str, rejected: Rejected, now: str,
                     version: str) -> None:
    """Insert or update the rejection of a page, keeping its raw bytes compressed."""
    row = {
        "url": page.url, "canonical_url": canonical, "source": page.source, "stage": rejected.stage,
        "reason": rejected.reason, "detail": rejected.detail[:500], "rejected_at": now,
        "listed": page.hints.listed, "remon_version": version, "fetched_at": page.fetched_at,
        "content_type": page.content_type, "status": page.status, "encoding": page.encoding,
        "headers": json.dumps([list(pair) for pair in page.headers]),
        "hints": json.dumps(asdict(page.hints), ensure_ascii=False),
        "body_sha256": sha256_hex(page.body), "body_size": len(page.body),
        "body": pack_body(page.body),
    }
    with writing(archive.db):
        cursor = archive.db.execute(
            "update rejections set " + ", ".join(f"{key} = ?" for key in row) + ", times = times + 1"
            " where canonical_url = ?", [*row.values(), canonical])
        if cursor.rowcount == 0:
            archive.db.table("rejections").insert({**row, "first_rejected_at": now, "times": 1})


def known_rejection(archive: Archive, canonical: str, body: bytes, version: str) -> Rejected | None:
    """The stored rejection of exactly these bytes by this remon version, or None (judge it)."""
    rows = list(archive.db.query(
        "select url, stage, reason, detail, body_sha256, remon_version from rejections where canonical_url = ?",
        [canonical]))
    if not rows or rows[0]["body_sha256"] != sha256_hex(body) or rows[0]["remon_version"] != version:
        return None
    row = rows[0]
    return Rejected(row["stage"], row["reason"], row["url"], row["detail"] or "")


def forget_rejection(archive: Archive, canonical: str) -> None:
    """Drop the rejection of a page that is now stored as an article (one autocommit statement)."""
    archive.db.execute("delete from rejections where canonical_url = ?", [canonical])


def unchanged_rejections(archive: Archive, listed: dict[str, str | None]) -> set[str]:
    """Which of these canonical URLs were rejected with the same listing date as now (not worth
    fetching); a URL whose entry date changed since it was rejected is left out, so it is fetched."""
    unchanged: set[str] = set()
    keys = list(listed)
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start:start + _CHUNK]
        rows = archive.db.query(
            f"select canonical_url, listed from rejections where canonical_url in ({','.join('?' * len(chunk))})",
            chunk)
        unchanged.update(row["canonical_url"] for row in rows if row["listed"] == listed[row["canonical_url"]])
    return unchanged


def iter_rejected_pages(archive: Archive) -> Iterator[Page]:
    """Every remembered rejected page rebuilt as a Page from its stored bytes (for reprocess)."""
    ids = [row["id"] for row in archive.db.query("select id from rejections order by id")]
    for rejection_id in ids:
        rows = list(archive.db.query("select * from rejections where id = ?", [rejection_id]))
        if rows:
            row = rows[0]
            yield Page(url=row["url"], source=row["source"], fetched_at=row["fetched_at"],
                       body=zlib.decompress(row["body"]), content_type=row["content_type"] or "text/html",
                       status=row["status"] or 200, encoding=row["encoding"],
                       headers=tuple((str(k), str(v)) for k, v in json.loads(row["headers"] or "[]")),
                       hints=PageHints(**json.loads(row["hints"] or "{}")))
