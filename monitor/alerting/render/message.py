"""A rendered message in every body format, and the story, update and digest messages."""

from __future__ import annotations

from dataclasses import dataclass

from monitor.alerting.render.digest import StoryDigest
from monitor.alerting.render.html import BOX, render_html
from monitor.alerting.render.markdown import render_markdown
from monitor.alerting.render.safe import html_text, markdown_text
from monitor.alerting.render.text import render_compact, render_text


@dataclass(frozen=True)
class Message:
    """A rendered alert: plain text, Markdown, HTML, and a compact text for services that take only a few
    hundred characters (`compact` defaults to the plain text)."""

    title: str
    text: str
    markdown: str
    html: str
    compact: str = ""

    @property
    def short(self) -> str:
        return self.compact or self.text


def render_story(digest: StoryDigest) -> Message:
    """The alert for a new story, or for an update when the digest says what changed."""
    prefix = "[remon] update: " if digest.changes else "[remon] "
    return Message(title=prefix + digest.headline, text=render_text(digest), markdown=render_markdown(digest),
                   html=render_html(digest), compact=render_compact(digest))


def _section(name: str, digests: list[StoryDigest]) -> tuple[str, str, str]:
    text = f"== {name} ==\n\n" + "\n\n----\n\n".join(render_text(d) for d in digests)
    markdown = f"## {markdown_text(name)}\n\n" + "\n\n---\n\n".join(render_markdown(d) for d in digests)
    html = f'<h1 style="font-size:19px">{html_text(name)}</h1>' + '<hr style="margin:20px 0">'.join(
        render_html(d) for d in digests)
    return text, markdown, html


def render_digest(new: list[StoryDigest], updated: list[StoryDigest], mode: str) -> Message:
    """One message for a channel's hourly or daily digest: new stories and updated ones apart."""
    sections = [_section(name, group) for name, group in
                ((f"New stories ({len(new)})", new), (f"Updated stories ({len(updated)})", updated)) if group]
    said = [part for part in (f"{len(new)} new" if new else "", f"{len(updated)} updated" if updated else "") if part]
    title = f"[remon] {mode} digest: {' and '.join(said)} stor{'y' if len(new) + len(updated) == 1 else 'ies'}"
    return Message(title=title, text="\n\n\n".join(s[0] for s in sections),
                   markdown="\n\n".join(s[1] for s in sections),
                   html=f'<div style="{BOX}">' + "".join(s[2] for s in sections) + "</div>",
                   compact="\n".join([title, *(f"- {d.headline}" for d in new + updated)]))
