"""Schema of the first release: core tables, enrichment, fetch state, full-text search, browse views,
story profiles."""

from __future__ import annotations

from sqlite_utils import Database

from monitor.store.migration_registry import migrations


@migrations()
def m001_core(db: Database) -> None:
    """Articles, raw pages, stories, the alert outbox and runs."""
    db.execute(
        """
        CREATE TABLE raw_pages (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL,
            canonical_url TEXT NOT NULL UNIQUE,
            source TEXT NOT NULL,
            fetched_at TEXT NOT NULL,
            content_type TEXT,
            status INTEGER,
            encoding TEXT,
            headers TEXT,            -- JSON list of [name, value]
            hints TEXT,              -- JSON object: feed/sitemap fallbacks
            body_sha256 TEXT NOT NULL,
            body_size INTEGER NOT NULL,
            body BLOB NOT NULL       -- zlib-compressed raw bytes
        )"""
    )
    db.execute(
        """
        CREATE TABLE stories (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            article_count INTEGER NOT NULL DEFAULT 0,
            outlet_count INTEGER NOT NULL DEFAULT 0,
            outlets TEXT NOT NULL DEFAULT '[]',   -- JSON list of source names
            entities TEXT NOT NULL DEFAULT '[]',  -- JSON list of top entity names
            published TEXT,
            score REAL NOT NULL DEFAULT 0,
            relevant INTEGER NOT NULL DEFAULT 0,
            representative_article_id INTEGER
        )"""
    )
    db.execute(
        """
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL,
            canonical_url TEXT NOT NULL UNIQUE,
            source TEXT NOT NULL,
            title TEXT NOT NULL,
            author TEXT,
            site_name TEXT,
            description TEXT,
            published TEXT,
            date_source TEXT,
            fetched_at TEXT NOT NULL,
            language TEXT,
            text TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            relevant INTEGER NOT NULL DEFAULT 0,
            score REAL NOT NULL DEFAULT 0,
            reasons TEXT NOT NULL DEFAULT '[]',   -- JSON list of reasons
            story_id INTEGER REFERENCES stories(id),
            story_reason TEXT,
            duplicate_of INTEGER REFERENCES articles(id),
            minhash BLOB,
            raw_page_id INTEGER REFERENCES raw_pages(id)
        )"""
    )
    db.execute("CREATE INDEX idx_articles_content_hash ON articles(content_hash)")
    db.execute("CREATE INDEX idx_articles_story ON articles(story_id)")
    db.execute("CREATE INDEX idx_articles_published ON articles(published)")
    db.execute(
        """
        CREATE TABLE alerts (
            id INTEGER PRIMARY KEY,
            story_id INTEGER REFERENCES stories(id),
            channel TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'story',   -- 'story' or 'operator'
            subject TEXT,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sent', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            next_attempt_at TEXT,
            sent_at TEXT,
            error TEXT,
            UNIQUE (story_id, channel, kind)
        )"""
    )
    db.execute("CREATE INDEX idx_alerts_status ON alerts(status)")
    db.execute(
        """
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            seconds REAL,
            source TEXT NOT NULL,
            kind TEXT,
            status TEXT NOT NULL DEFAULT 'running',  -- running, ok, failed, locked
            pages INTEGER NOT NULL DEFAULT 0,
            seen INTEGER NOT NULL DEFAULT 0,
            new INTEGER NOT NULL DEFAULT 0,
            relevant INTEGER NOT NULL DEFAULT 0,
            duplicates INTEGER NOT NULL DEFAULT 0,
            rejected INTEGER NOT NULL DEFAULT 0,
            stories INTEGER NOT NULL DEFAULT 0,
            alerts INTEGER NOT NULL DEFAULT 0,
            errors INTEGER NOT NULL DEFAULT 0,
            error TEXT
        )"""
    )
    db.execute("CREATE INDEX idx_runs_source ON runs(source, started_at)")


@migrations()
def m002_enrichment(db: Database) -> None:
    """Entities, figures and the persistent LSH index."""
    db.execute(
        """
        CREATE TABLE entities (
            id TEXT PRIMARY KEY,     -- stable slug, e.g. 'country:russia'
            name TEXT NOT NULL,
            kind TEXT NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE article_entities (
            article_id INTEGER NOT NULL REFERENCES articles(id),
            entity_id TEXT NOT NULL REFERENCES entities(id),
            mentions INTEGER NOT NULL,
            PRIMARY KEY (article_id, entity_id)
        )"""
    )
    db.execute("CREATE INDEX idx_article_entities_entity ON article_entities(entity_id)")
    db.execute(
        """
        CREATE TABLE figures (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            kind TEXT NOT NULL,
            value REAL NOT NULL,
            value_high REAL,
            unit TEXT NOT NULL,
            stated TEXT NOT NULL,
            sentence TEXT NOT NULL,
            entity TEXT
        )"""
    )
    db.execute("CREATE INDEX idx_figures_article ON figures(article_id)")
    db.execute(
        """
        CREATE TABLE lsh_bands (
            band_key TEXT NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            PRIMARY KEY (band_key, article_id)
        ) WITHOUT ROWID"""
    )


@migrations()
def m003_fetch_state(db: Database) -> None:
    """Validators for conditional requests to feeds and sitemaps."""
    db.execute(
        """
        CREATE TABLE fetch_state (
            url TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            etag TEXT,
            last_modified TEXT,
            body_sha256 TEXT,
            checked_at TEXT NOT NULL,
            changed_at TEXT
        )"""
    )


@migrations()
def m004_fts(db: Database) -> None:
    """Full-text search over article title and text, kept in sync by triggers."""
    db.table("articles").enable_fts(["title", "text"], create_triggers=True, tokenize="porter unicode61")


@migrations()
def m005_browse_views(db: Database) -> None:
    """Views for browsing in Datasette: relevant stories, articles with reasons, figures, health, alerts."""
    from monitor.store.browse_views import BROWSE_VIEWS_V1

    for statement in BROWSE_VIEWS_V1:
        db.execute(statement)


@migrations()
def m006_story_profiles(db: Database) -> None:
    """Story profiles, their key index, archive word frequencies and the dedupe index settings."""
    db.execute("ALTER TABLE articles ADD COLUMN outlet TEXT")  # host or file name: who published it
    db.execute("ALTER TABLE stories ADD COLUMN profile TEXT")  # JSON: merged words, lead, anchors, dates
    db.execute(
        """
        CREATE TABLE story_keys (
            key TEXT NOT NULL,       -- an anchor or lead word stem of one of the story's articles
            day TEXT NOT NULL,       -- ISO date the article was published or fetched
            story_id INTEGER NOT NULL REFERENCES stories(id),
            PRIMARY KEY (key, day, story_id)
        ) WITHOUT ROWID"""
    )
    db.execute("CREATE TABLE term_df (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID")
    db.execute("CREATE TABLE dedupe_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute("CREATE INDEX idx_articles_duplicate_of ON articles(duplicate_of)")
