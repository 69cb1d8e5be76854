"""Datasette plugin for remon: the story page that alerts link to (`/-/remon/story/<id>`).

One page per story: its articles grouped by outlet and language, its figures side by side
(the same grouping the alerts use), and its timeline (publication, first sight of each
article, alerts and updates sent). Read-only queries on the `remon` database; every value
goes through Jinja's autoescaping.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Response

from monitor.alerting.render.figures import KIND_WORDS, describe_value, figure_lines
from monitor.store.story_digest import DigestArticle, DigestFigure

DATABASE = "remon"
ARTICLES = """
select a.id, coalesce(a.outlet, a.source) as outlet, a.language, a.title, a.url, a.published, a.date_source,
       a.fetched_at, a.duplicate_of, a.score, a.story_reason
from articles a where a.story_id = ? order by outlet, a.language, a.id"""
FIGURES = """
select f.article_id, f.kind, f.value, f.value_high, f.unit, f.stated, f.entity,
       (select e.kind from entities e where e.name = f.entity limit 1) as entity_kind
from figures f join articles a on a.id = f.article_id where a.story_id = ? order by f.id"""
ALERTS = """
select coalesce(sent_at, created_at) as at, kind, channel, status from alerts
where story_id = ? and status = 'sent' order by at"""


def _records(articles: list[dict[str, Any]], figures: list[dict[str, Any]]
             ) -> tuple[tuple[DigestArticle, ...], tuple[DigestFigure, ...]]:
    digest_articles = tuple(DigestArticle(
        id=a["id"], outlet=a["outlet"], url=a["url"], title=a["title"], language=a["language"],
        published=a["published"], date_source=a["date_source"], fetched_at=a["fetched_at"], description=None,
        opening="", score=float(a["score"]), duplicate_of=a["duplicate_of"], content_type=None) for a in articles)
    return digest_articles, tuple(DigestFigure(**f) for f in figures)


def _timeline(articles: list[dict[str, Any]], alerts: list[dict[str, Any]]) -> list[dict]:
    events = [{"at": a["published"], "what": f"published by {a['outlet']}", "article": a} for a in articles
              if a["published"]]
    events += [{"at": a["fetched_at"][:16].replace("T", " "), "what": f"found by remon at {a['outlet']}",
                "article": a} for a in articles]
    events += [{"at": (r["at"] or "")[:16].replace("T", " "),
                "what": ("update" if r["kind"].startswith("update:") else "alert") + f" sent to {r['channel']}",
                "article": None} for r in alerts]
    return sorted(events, key=lambda e: e["at"] or "")


async def story_page(datasette: Any, request: Any) -> Response:
    """The story page: 404 with a plain message when the story does not exist."""
    db = datasette.get_database(DATABASE)
    story_id = int(request.url_vars["story_id"])
    stories = [dict(r) for r in await db.execute("select * from stories where id = ?", [story_id])]
    if not stories:
        return Response.text(f"No story {story_id} in this archive.\n", status=404)
    articles = [dict(r) for r in await db.execute(ARTICLES, [story_id])]
    figures = [dict(r) for r in await db.execute(FIGURES, [story_id])]
    alerts = [dict(r) for r in await db.execute(ALERTS, [story_id])]
    digest_articles, digest_figures = _records(articles, figures)
    lines = figure_lines(digest_figures, digest_articles, limit=20)
    groups: dict[tuple[str, str], list[dict]] = {}
    for article in articles:
        groups.setdefault((article["outlet"], article["language"] or "unknown"), []).append(article)
    context = {
        "story": stories[0], "groups": sorted(groups.items()), "timeline": _timeline(articles, alerts),
        "figures": [{"kind": KIND_WORDS.get(line.kind, line.kind), "disagreement": line.disagreement,
                     "values": [{"text": describe_value(v), "label": v.label, "outlets": v.outlets}
                                for v in line.values]} for line in lines],
        "database": DATABASE,
    }
    return Response.html(await datasette.render_template("remon_story.html", context, request=request))


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(r"^/-/remon/story/(?P<story_id>\d+)$", story_page)]
