"""The story digest: everything an alert says about a story, as one pure record built from store rows."""

from __future__ import annotations

from dataclasses import dataclass

from monitor.alerting.render.figures import FigureLine, figure_lines
from monitor.alerting.render.safe import plain
from monitor.alerting.render.words import action_parts, date_origin, lead_article, lead_of, why_it_matched
from monitor.stages.official import is_official
from monitor.store.story_digest import StoryRows

STORY_ROUTE = "/-/remon/story/{id}"  # the story page of the remon Datasette plugin


@dataclass(frozen=True)
class OutletLine:
    """One article as the alert lists it: who, their own headline, language and link."""

    outlet: str
    headline: str
    language: str | None
    url: str
    official: bool = False
    copy: bool = False  # a near copy of another article of the story


@dataclass(frozen=True)
class StoryDigest:
    """What happened, the numbers, who reported it and where to read more, for one story."""

    id: int
    headline: str
    lead: str
    date: str
    date_origin: str
    action: tuple[str, ...]
    actors: tuple[str, ...]
    goods: tuple[str, ...]
    figures: tuple[FigureLine, ...]
    outlets: tuple[OutletLine, ...]
    why: str
    score: float
    story_url: str | None = None
    changes: tuple[str, ...] = ()  # for an update: what is new since the story was announced

    @property
    def outlet_count(self) -> int:
        return len({line.outlet for line in self.outlets})

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted({line.language for line in self.outlets if line.language}))


def story_url(public_url: str | None, story_id: int) -> str | None:
    """The story page in the served archive, when `[serve] public_url` says where it is served."""
    if not public_url:
        return None
    return public_url.rstrip("/") + STORY_ROUTE.format(id=story_id)


def build_digest(rows: StoryRows, language: str = "en", public_url: str | None = None,
                 changes: tuple[str, ...] = ()) -> StoryDigest:
    """The digest of a story: the lead of its best article in `language` (else its best article)."""
    lead_from = lead_article(rows.articles, language)
    date, origin = date_origin(rows.published, rows.first_seen, rows.articles)
    action, actors, goods = action_parts(rows.articles, rows.entities)
    outlets = tuple(OutletLine(outlet=plain(a.outlet), headline=plain(a.title), language=plain(a.language) or None,
                               url=a.url, official=is_official(a.url, a.content_type),
                               copy=a.duplicate_of is not None)
                    for a in sorted(rows.articles, key=lambda a: (a.duplicate_of is not None, a.outlet, a.id)))
    return StoryDigest(
        id=rows.id, headline=plain(lead_from.title if lead_from else rows.title), lead=lead_of(lead_from)
        if lead_from else "", date=date, date_origin=origin, action=action, actors=actors, goods=goods,
        figures=figure_lines(rows.figures, rows.articles), outlets=outlets,
        why=why_it_matched(lead_from.reasons if lead_from else ()), score=rows.score,
        story_url=story_url(public_url, rows.id), changes=tuple(plain(c) for c in changes))


def action_line(digest: StoryDigest) -> str:
    """'export control · China, Ministry of Commerce · dysprosium, terbium, magnets' (empty parts left out)."""
    return " · ".join(", ".join(part) for part in (digest.action, digest.actors, digest.goods) if part)
