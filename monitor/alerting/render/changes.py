"""What an update says is new about a story, in words, from the changes stored with its outbox row."""

from __future__ import annotations

from monitor.alerting.render.safe import plain
from monitor.alerting.render.text import language_name

WORDS = {
    "language": "first report in {language}: {outlet}, “{title}”",
    "figure": "new figure: {value} ({outlet})",
    "official": "official source: {outlet}, “{title}”",
}


def change_words(changes: list[dict]) -> tuple[str, ...]:
    """Each stored change as one line, duplicates said once (a day's update may gather several articles)."""
    lines = []
    for change in changes:
        template = WORDS.get(str(change.get("what")))
        if template is None:
            continue
        lines.append(template.format(language=language_name(change.get("value")), value=plain(change.get("value")),
                                     outlet=plain(change.get("outlet")), title=plain(change.get("title"))))
    return tuple(dict.fromkeys(lines))
