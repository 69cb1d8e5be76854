"""Plain-text and compact (SMS-like) bodies of a story digest."""

from __future__ import annotations

from functools import lru_cache

import pycountry

from monitor.alerting.render.digest import StoryDigest, action_line
from monitor.alerting.render.figures import describe_line
from monitor.alerting.render.safe import cut_words

COMPACT_LEAD = 140


@lru_cache(maxsize=256)
def language_name(code: str | None) -> str:
    """'ru' -> 'Russian'; unknown or missing codes are said as such."""
    if not code:
        return "language unknown"
    found = pycountry.languages.get(alpha_2=code.split("-")[0].lower())
    return str(found.name) if found is not None else code


def date_line(digest: StoryDigest) -> str:
    return f"{digest.date} ({digest.date_origin})"


def outlet_text(line_outlet: str, headline: str, language: str | None, url: str, official: bool, copy: bool) -> str:
    tags = [language_name(language), *(["official source"] if official else []), *(["near copy"] if copy else [])]
    return f"- {line_outlet} ({', '.join(tags)}): {headline}\n  {url}"


def text_blocks(digest: StoryDigest) -> list[str]:
    """The plain-text message as paragraphs, most important first (cut from the end when too long)."""
    blocks = [digest.headline]
    if digest.changes:
        blocks.append("What is new:\n" + "\n".join(f"- {change}" for change in digest.changes))
    if digest.lead:
        blocks.append(digest.lead)
    facts = [f"Date: {date_line(digest)}"] + ([f"What: {action_line(digest)}"] if action_line(digest) else [])
    blocks.append("\n".join(facts))
    if digest.figures:
        blocks.append("Figures:\n" + "\n".join(f"- {describe_line(line)}" for line in digest.figures))
    blocks.append(f"Reported by {digest.outlet_count} outlet{'s' if digest.outlet_count != 1 else ''}:\n" + "\n".join(
        outlet_text(o.outlet, o.headline, o.language, o.url, o.official, o.copy) for o in digest.outlets))
    blocks.append(f"Why it matched: {digest.why}")
    if digest.story_url:
        blocks.append(f"The whole story: {digest.story_url}")
    return blocks


def render_text(digest: StoryDigest) -> str:
    return "\n\n".join(text_blocks(digest))


def render_compact(digest: StoryDigest) -> str:
    """A few short lines for SMS-like services: headline, date, reach and the main figure, link, the gist."""
    parts = [digest.headline]
    if digest.changes:
        parts.append("New: " + "; ".join(digest.changes))
    reach = f"{digest.date} · {digest.outlet_count} outlet{'s' if digest.outlet_count != 1 else ''}"
    if digest.figures:
        reach += " · " + " vs ".join(v.label for v in digest.figures[0].values)
    parts.append(reach)
    if digest.story_url:
        parts.append(digest.story_url)
    if digest.lead:  # last: the first thing dropped when the service takes only a few characters
        parts.append(cut_words(digest.lead, COMPACT_LEAD))
    return "\n".join(parts)
