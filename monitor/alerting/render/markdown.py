"""The Markdown body of a story digest, for chat services; every piece of page text is escaped."""

from __future__ import annotations

from monitor.alerting.render.digest import OutletLine, StoryDigest, action_line
from monitor.alerting.render.figures import KIND_WORDS, FigureLine, describe_value
from monitor.alerting.render.safe import link_target
from monitor.alerting.render.safe import markdown_text as md
from monitor.alerting.render.text import date_line, language_name


def _figure(line: FigureLine) -> str:
    return f"- *{md(KIND_WORDS.get(line.kind, line.kind))}:* " + " **vs** ".join(md(describe_value(v))
                                                                                 for v in line.values)


def _outlet(line: OutletLine) -> str:
    tags = [language_name(line.language), *(["official source"] if line.official else []),
            *(["near copy"] if line.copy else [])]
    target = link_target(line.url)
    headline = f"[{md(line.headline)}]({target})" if target else f"{md(line.headline)} ({md(line.url)})"
    return f"- **{md(line.outlet)}** ({md(', '.join(tags))}): {headline}"


def markdown_blocks(digest: StoryDigest) -> list[str]:
    """The Markdown message as self-contained blocks, most important first."""
    blocks = [f"**{md(digest.headline)}**"]
    if digest.changes:
        blocks.append("*What is new:*\n" + "\n".join(f"- {md(change)}" for change in digest.changes))
    if digest.lead:
        blocks.append(md(digest.lead))
    what = action_line(digest)
    facts = [f"*Date:* {md(date_line(digest))}"] + ([f"*What:* {md(what)}"] if what else [])
    blocks.append("  \n".join(facts))
    if digest.figures:
        blocks.append("*Figures:*\n" + "\n".join(_figure(line) for line in digest.figures))
    blocks.append(f"*Reported by {digest.outlet_count} outlet{'s' if digest.outlet_count != 1 else ''}:*\n"
                  + "\n".join(_outlet(line) for line in digest.outlets))
    blocks.append(f"*Why it matched:* {md(digest.why)}")
    target = link_target(digest.story_url)
    if target:
        blocks.append(f"[The whole story in the archive]({target})")
    return blocks


def render_markdown(digest: StoryDigest) -> str:
    return "\n\n".join(markdown_blocks(digest))
