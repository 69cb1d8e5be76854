"""Schema added since: aggregator links and headline-only articles, rejected pages, run error reasons,
story languages. Each migration is new; released ones are never edited."""

from __future__ import annotations

from sqlite_utils import Database

from monitor.store.migration_registry import migrations


@migrations()
def m_issue15_aggregators(db: Database) -> None:
    """Decoded aggregator links (decoded once, failures retried) and headline-only articles."""
    db.execute(
        """
        CREATE TABLE aggregator_links (
            key TEXT PRIMARY KEY,            -- '<aggregator>:<token>', e.g. 'google-news:CBMi...'
            aggregator TEXT NOT NULL,
            source TEXT NOT NULL,
            link TEXT NOT NULL,              -- the link as the listing gave it
            publisher_url TEXT,              -- NULL until decoded
            attempts INTEGER NOT NULL DEFAULT 0,
            error TEXT,                      -- why the last attempt failed
            checked_at TEXT NOT NULL
        )"""
    )
    # 'page': text extracted from the article page; 'feed': headline only (the listing entry)
    db.execute("ALTER TABLE articles ADD COLUMN text_source TEXT NOT NULL DEFAULT 'page'")


@migrations()
def m_issue12_rejections(db: Database) -> None:
    """Rejected pages remembered (reason, listing date, raw bytes) and a per-source view of them."""
    db.execute(
        """
        CREATE TABLE rejections (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL,
            canonical_url TEXT NOT NULL UNIQUE,
            source TEXT NOT NULL,
            stage TEXT NOT NULL,        -- 'extract', 'clean', ...
            reason TEXT NOT NULL,       -- 'not-article', 'too-short', 'binary', ...
            detail TEXT,
            first_rejected_at TEXT NOT NULL,
            rejected_at TEXT NOT NULL,
            times INTEGER NOT NULL DEFAULT 1,  -- how often it was judged and rejected
            listed TEXT,                -- the listing entry's date (lastmod / publication) when fetched
            remon_version TEXT,         -- the version that judged it
            fetched_at TEXT NOT NULL,
            content_type TEXT,
            status INTEGER,
            encoding TEXT,
            headers TEXT,               -- JSON list of [name, value]
            hints TEXT,                 -- JSON object: feed/sitemap fallbacks
            body_sha256 TEXT NOT NULL,
            body_size INTEGER NOT NULL,
            body BLOB NOT NULL          -- zlib-compressed raw bytes, as in raw_pages
        )"""
    )
    db.execute("CREATE INDEX idx_rejections_source ON rejections(source, rejected_at)")
    db.execute(
        """
        CREATE VIEW source_rejections AS
        SELECT source, stage, reason, count(*) AS pages, sum(times) AS judgements,
               max(rejected_at) AS last_rejected, min(url) AS example_url
        FROM rejections GROUP BY source, stage, reason
        ORDER BY source, pages DESC"""
    )


@migrations()
def m_issue11_run_reasons(db: Database) -> None:
    """Why a run's requests failed, per reason (JSON object: 'refused/loopback' -> 2, 'listing-loop' -> 1)."""
    db.execute("ALTER TABLE runs ADD COLUMN reasons TEXT")


@migrations()
def m_issue14_story_languages(db: Database) -> None:
    """Every language a story was reported in (JSON list, first report first) and how many."""
    db.execute("ALTER TABLE stories ADD COLUMN languages TEXT")
    db.execute("ALTER TABLE stories ADD COLUMN language_count INTEGER NOT NULL DEFAULT 0")
    from monitor.store.browse_views import RELEVANT_STORIES

    db.execute("DROP VIEW IF EXISTS relevant_stories")
    db.execute(RELEVANT_STORIES.replace("s.outlets, s.outlet_count,",
                                        "s.outlets, s.outlet_count, s.languages, s.language_count,"))
