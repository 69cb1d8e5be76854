"""SQL views for browsing the archive in Datasette, built only on the public table columns.

Each tuple is applied once by a migration in `migrations_v1.py`/`migrations_v2.py`. A released tuple is never
edited: a change is a new tuple (V2) and a new migration that drops and recreates the views,
so every database ends up with the same definitions.
"""

from __future__ import annotations


def _names_of_kind(kind: str, where: str, order: str = "e.name") -> str:
    """A JSON array of distinct entity names of one kind (or every kind when `kind` is '')."""
    kind_test = f"AND e.kind = '{kind}'" if kind else ""
    return f"""(SELECT json_group_array(name) FROM (
            SELECT e.name AS name FROM article_entities ae JOIN entities e ON e.id = ae.entity_id
            JOIN articles x ON x.id = ae.article_id
            WHERE {where} {kind_test} GROUP BY e.id ORDER BY {order}))"""


TOP_REASONS = 6


def _reasons(reasons_json: str) -> str:
    """The strongest match reasons, readable ('rare-earth ×6 in title; quota ×2 in body')."""
    return f"""(SELECT group_concat(reason, '; ') FROM (
               SELECT json_extract(r.value, '$.term') || ' ×' || json_extract(r.value, '$.count')
                      || ' in ' || json_extract(r.value, '$.where') AS reason
               FROM json_each({reasons_json}) r
               ORDER BY abs(json_extract(r.value, '$.weight')) DESC, r.key LIMIT {TOP_REASONS}))"""


_STORY = "x.story_id = s.id"
_ARTICLE = "x.id = a.id"
_BY_MENTIONS = "sum(ae.mentions) DESC, e.name"
_ENTITY_KINDS = """(SELECT json_group_array(kind) FROM (
            SELECT DISTINCT e.kind AS kind FROM article_entities ae JOIN entities e ON e.id = ae.entity_id
            WHERE ae.article_id = a.id ORDER BY e.kind))"""

RELEVANT_STORIES = f"""
CREATE VIEW relevant_stories AS
SELECT s.id AS story, s.title, s.first_seen, s.published, s.outlets, s.outlet_count,
       s.entities AS top_entities,
       {_names_of_kind('country', _STORY)} AS countries,
       {_names_of_kind('element', _STORY)} AS elements,
       {_names_of_kind('company', _STORY)} AS companies,
       s.score,
       {_reasons("(SELECT reasons FROM articles WHERE story_id = s.id ORDER BY score DESC, id LIMIT 1)")} AS why,
       s.article_count, s.last_seen
FROM stories s
WHERE s.relevant = 1
ORDER BY s.first_seen DESC, s.id DESC"""

ARTICLE_LIST = f"""
CREATE VIEW article_list AS
SELECT a.id AS article, a.title, a.source, a.language, a.published, a.fetched_at, a.relevant, a.score,
       {_reasons("a.reasons")} AS why,
       a.story_id AS story, a.duplicate_of, a.story_reason,
       {_ENTITY_KINDS} AS entity_kinds,
       {_names_of_kind('', _ARTICLE, _BY_MENTIONS)} AS entities,
       {_names_of_kind('country', _ARTICLE)} AS countries,
       {_names_of_kind('element', _ARTICLE)} AS elements,
       {_names_of_kind('company', _ARTICLE)} AS companies,
       a.url
FROM articles a
ORDER BY a.fetched_at DESC, a.id DESC"""

ENTITY_MENTIONS = """
CREATE VIEW entity_mentions AS
SELECT a.id AS article, a.title, a.source, a.language, a.relevant, a.story_id AS story,
       e.kind AS entity_kind, e.name AS entity, ae.mentions, a.published, a.fetched_at
FROM article_entities ae
JOIN entities e ON e.id = ae.entity_id
JOIN articles a ON a.id = ae.article_id
ORDER BY a.fetched_at DESC, a.id DESC, ae.mentions DESC"""

FIGURE_STATEMENTS = """
CREATE VIEW figure_statements AS
SELECT a.story_id AS story, s.title AS story_title, f.kind, f.entity, f.value, f.value_high, f.unit,
       a.source, f.stated, f.sentence, a.id AS article, a.title AS article_title
FROM figures f
JOIN articles a ON a.id = f.article_id
LEFT JOIN stories s ON s.id = a.story_id
ORDER BY s.first_seen DESC, a.story_id, f.kind, f.entity, f.value, a.source"""

SOURCE_HEALTH = """
CREATE VIEW source_health AS
WITH ranked AS (
    SELECT r.*, row_number() OVER (PARTITION BY r.source ORDER BY r.started_at DESC, r.id DESC) AS n
    FROM runs r
), totals AS (
    SELECT source, count(*) AS runs, sum(status = 'failed') AS failed_runs, sum(errors) AS errors,
           sum(pages) AS pages, sum(new) AS new_articles, sum(relevant) AS relevant_articles,
           max(CASE WHEN status = 'ok' THEN started_at END) AS last_ok
    FROM runs GROUP BY source
)
SELECT l.source, l.kind, l.started_at AS last_run, l.status AS last_status, l.error AS last_error,
       l.pages AS last_pages, l.new AS last_new, l.relevant AS last_relevant, l.errors AS last_errors,
       t.last_ok, round((julianday('now') - julianday(t.last_ok)) * 24, 1) AS hours_since_ok,
       t.runs, t.failed_runs, t.errors, t.pages, t.new_articles, t.relevant_articles,
       round(1.0 * t.relevant_articles / nullif(t.new_articles, 0), 3) AS relevant_yield,
       round(1.0 * t.new_articles / t.runs, 2) AS new_per_run
FROM ranked l JOIN totals t ON t.source = l.source
WHERE l.n = 1
ORDER BY l.status = 'ok', l.source"""

ALERT_QUEUE = """
CREATE VIEW alert_queue AS
SELECT al.id AS alert, al.status, al.channel, al.kind, al.story_id AS story, s.title AS story_title,
       al.attempts, al.created_at, al.next_attempt_at, al.error
FROM alerts al
LEFT JOIN stories s ON s.id = al.story_id
WHERE al.status IN ('pending', 'failed')
ORDER BY al.status = 'pending', al.created_at DESC, al.id DESC"""

BROWSE_VIEWS_V1 = (RELEVANT_STORIES, ARTICLE_LIST, ENTITY_MENTIONS, FIGURE_STATEMENTS, SOURCE_HEALTH,
                   ALERT_QUEUE)
