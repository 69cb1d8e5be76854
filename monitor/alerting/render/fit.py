"""Fitting a message into a service's limits (apprise's `title_maxlen`, `body_maxlen`): whole
paragraphs are dropped from the end, and only as a last resort is a line shortened, at a word."""

from __future__ import annotations

from dataclasses import dataclass

from monitor.alerting.render.message import Message
from monitor.alerting.render.safe import cut_words

MORE = "(more in the archive)"


@dataclass(frozen=True)
class Fitted:
    title: str
    body: str
    format: str  # 'text', 'markdown' or 'html'


def fit_paragraphs(body: str, limit: int) -> str:
    """The leading paragraphs of `body` that fit in `limit` characters, with a note that more exists."""
    if len(body) <= limit:
        return body
    kept: list[str] = []
    for paragraph in body.split("\n\n"):
        candidate = "\n\n".join([*kept, paragraph, MORE])
        if len(candidate) > limit:
            break
        kept.append(paragraph)
    return "\n\n".join([*kept, MORE]) if kept else fit_lines(body, limit)


def fit_lines(body: str, limit: int) -> str:
    """The leading lines of `body` within `limit`; a line that does not fit whole is cut at a word."""
    kept: list[str] = []
    for line in body.split("\n"):
        room = limit - len("\n".join(kept)) - (1 if kept else 0)
        if len(line) <= room:
            kept.append(line)
            continue
        cut = cut_words(line, room)
        if cut:
            kept.append(cut)
        break
    return "\n".join(kept)


def fit_message(message: Message, wanted: str, body_maxlen: int, title_maxlen: int) -> Fitted:
    """The message in the wanted format if it fits the service, else shortened text that does.

    `title_maxlen` 0 means the service has no title (SMS, Telegram): apprise would put the title
    above the body, so none is sent; every body starts with the headline anyway.
    """
    title = "" if title_maxlen <= 0 else cut_words(message.title, title_maxlen) or message.title[:1]
    room = body_maxlen
    full = {"html": message.html, "markdown": message.markdown}.get(wanted, message.text)
    if len(full) <= room:
        return Fitted(title, full, wanted)
    if wanted == "markdown" and room >= len(message.markdown) // 2:
        return Fitted(title, fit_paragraphs(message.markdown, room), "markdown")
    text = message.text if room >= len(message.text) // 2 else message.short
    return Fitted(title, fit_paragraphs(text, room), "text")
