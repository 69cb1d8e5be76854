"""Candidate lookups for dedupe: stored articles that may copy a new one, and stories it may join.

Every lookup is an index seek: copies through `content_hash` and the persistent LSH
bands (`lsh_bands`), stories through `story_keys` within the time window. The cost per
article does not grow with the size of the archive.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from sqlite_utils import Database

from monitor.models import Candidates, Fingerprint, StoryCandidate, StoryMatch, StoryProfile
from monitor.store.archive import Archive, unpack_minhash
from monitor.store.stories import DOCUMENTS, profile_from_json

MAX_COPIES = 20
MAX_STORIES = 25
MIN_SHARED_KEYS = 2
IDF_PRIOR_DOCS = 10  # pseudo-documents: a young archive weighs words almost equally


def find_candidates(archive: Archive, print_: Fingerprint, profile: StoryProfile, fetched_at: str,
                    window_days: int) -> Candidates:
    """Possible copies (same hash or an LSH band in common) and stories sharing keys in the window."""
    return Candidates(copies=find_copies(archive.db, print_),
                      stories=find_stories(archive.db, profile, fetched_at[:10], window_days))


def find_copies(db: Database, print_: Fingerprint) -> tuple[StoryCandidate, ...]:
    """Articles with the same content hash, then those sharing the most LSH bands."""
    ids = [row["id"] for row in db.query(
        "select id from articles where content_hash = ? order by id limit ?", [print_.content_hash, MAX_COPIES])]
    if print_.band_keys:
        marks = ",".join("?" * len(print_.band_keys))
        ids += [row["article_id"] for row in db.query(
            f"""select article_id, count(*) as bands from lsh_bands where band_key in ({marks})
                group by article_id order by bands desc, article_id limit ?""", [*print_.band_keys, MAX_COPIES])]
    unique = list(dict.fromkeys(ids))
    if not unique:
        return ()
    rows = db.query(f"select * from articles where id in ({','.join('?' * len(unique))}) order by id", unique)
    return tuple(_candidate(row) for row in rows)


def _candidate(row: dict) -> StoryCandidate:
    return StoryCandidate(
        article_id=row["id"], story_id=row["story_id"], title=row["title"], lead=row["text"][:600],
        published=row["published"], fetched_at=row["fetched_at"], content_hash=row["content_hash"],
        minhash=unpack_minhash(row["minhash"]), duplicate_of=row["duplicate_of"],
    )


def _day_ranges(profile: StoryProfile, fetched_day: str, window_days: int) -> list[tuple[str, str]]:
    days = {fetched_day} | ({profile.date} if profile.date else set())
    span = timedelta(days=window_days)
    return [((date.fromisoformat(d) - span).isoformat(), (date.fromisoformat(d) + span).isoformat())
            for d in sorted(days)]


def find_stories(db: Database, profile: StoryProfile, fetched_day: str,
                 window_days: int) -> tuple[StoryMatch, ...]:
    """Stories dated within the window that share at least two anchors or lead stems with the article:
    those sharing the most of either, and those sharing the most language-independent anchors (a report
    in another language shares no lead stems, and would lose to stories in the article's own language)."""
    ranges = _day_ranges(profile, fetched_day, window_days)
    keys = list(dict.fromkeys(profile.anchors + profile.lead))
    common = list(profile.common_anchors())
    ids = list(dict.fromkeys(_sharing(db, keys, ranges) + _sharing(db, common, ranges)))
    if not ids:
        return ()
    stories = db.query(f"select id, title, profile, article_count from stories where id in "
                       f"({','.join('?' * len(ids))}) order by id", ids)
    return tuple(StoryMatch(story_id=row["id"], title=row["title"], profile=profile_from_json(row["profile"]),
                            articles=row["article_count"]) for row in stories)


def _sharing(db: Database, keys: list[str], ranges: list[tuple[str, str]]) -> list[int]:
    """Stories sharing the most of `keys` (at least MIN_SHARED_KEYS) on days in `ranges`."""
    if not keys:
        return []
    marks = ",".join("?" * len(keys))
    when = " or ".join("day between ? and ?" for _ in ranges)
    return [row["story_id"] for row in db.query(
        f"""select story_id, count(distinct key) as shared from story_keys
            where key in ({marks}) and ({when}) group by story_id having shared >= ?
            order by shared desc, story_id desc limit ?""",
        [*keys, *(d for pair in ranges for d in pair), MIN_SHARED_KEYS, MAX_STORIES])]


def term_idf(db: Database, profile: StoryProfile) -> dict[str, float]:
    """Inverse document frequency of the article's stems and anchors over the stored articles (smoothed)."""
    terms = [term for term, _ in profile.terms] + list(profile.anchors)
    if not terms:
        return {}
    found = {row["term"]: row["df"] for row in db.query(
        f"select term, df from term_df where term in ({','.join('?' * (len(terms) + 1))})", [DOCUMENTS, *terms])}
    total = found.pop(DOCUMENTS, 0)
    return {term: math.log((total + IDF_PRIOR_DOCS) / (found.get(term, 0) + 1)) for term in terms}
