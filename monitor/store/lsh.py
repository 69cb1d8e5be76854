"""The persistent LSH index (`lsh_bands`) and the settings it was built with (`dedupe_state`).

Band keys are written with each article (archive.save_processed). When the dedupe
settings change, the index is brought up to date at start, in batches: a new band
shape re-keys the stored signatures; a new signature length or shingle size recomputes
the signatures from the stored text. Nothing is held in memory beyond one batch.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from sqlite_utils import Database

from monitor.models import Fingerprint
from monitor.store.archive import pack_minhash, unpack_minhash
from monitor.store.transaction import writing

log = logging.getLogger(__name__)

BATCH = 1000
StateKey = "lsh"


def stored_settings(db: Database) -> dict[str, object] | None:
    rows = list(db.query("select value from dedupe_state where key = ?", [StateKey]))
    return json.loads(rows[0]["value"]) if rows else None


def _write_settings(db: Database, settings: dict[str, int | str]) -> None:
    db.execute("insert into dedupe_state (key, value) values (?, ?) "
               "on conflict(key) do update set value = excluded.value",
               [StateKey, json.dumps(settings, sort_keys=True)])


def ensure_index(db: Database, settings: dict[str, int | str], rekey: Callable[[tuple[int, ...]], tuple[str, ...]],
                 refingerprint: Callable[[str], Fingerprint]) -> int:
    """Bring `lsh_bands` in line with `settings` ({'num_perm', 'shingle_words', 'bands', 'rows'}).

    Returns how many articles were re-indexed (0 when nothing changed or the archive is empty).
    """
    if stored_settings(db) == settings:
        return 0
    with writing(db):  # re-read under the write lock: another process may have just rebuilt it
        before = stored_settings(db)
        if before == settings:
            return 0
        signature_changed = before is not None and any(
            before.get(name) != settings.get(name) for name in ("num_perm", "shingle_words"))
        db.execute("delete from lsh_bands")
        count = _reindex(db, rekey, refingerprint, signature_changed)
        _write_settings(db, settings)
    if count:
        log.info("LSH index rebuilt for %d articles (settings %s -> %s)", count, before, settings)
    return count


def _reindex(db: Database, rekey: Callable[[tuple[int, ...]], tuple[str, ...]],
             refingerprint: Callable[[str], Fingerprint], signature_changed: bool) -> int:
    """Band keys for every article; signatures recomputed from text when changed or missing."""
    last, count = 0, 0
    while True:
        rows = list(db.query("select id, text, minhash from articles where id > ? order by id limit ?", [last, BATCH]))
        if not rows:
            return count
        for row in rows:
            if signature_changed or row["minhash"] is None:
                print_ = refingerprint(row["text"])
                db.execute("update articles set minhash = ? where id = ?", [pack_minhash(print_.minhash), row["id"]])
                keys = print_.band_keys
            else:
                keys = rekey(unpack_minhash(row["minhash"]))
            db.conn.executemany("insert or ignore into lsh_bands (band_key, article_id) values (?, ?)",
                                [(key, row["id"]) for key in keys])
        last, count = rows[-1]["id"], count + len(rows)
