"""Text cleaning: syndication junk, repeated paragraphs and whitespace removed from article text.

Works on the text after extraction, for HTML and plain-text sources alike. The junk
kinds live in `data/junk.toml` as general patterns; this module only applies them.
Bylines found on the way fill in the author and date when extraction had none.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

from monitor.models import Article, Rejected
from monitor.stages.dates import iso_date
from monitor.stages.prose import text_size

REPEAT_WORDS = 8  # a repeated paragraph this long is a copy; shorter recurring lines are kept
MIN_TEXT_CHARS = 200  # shorter than this after cleaning is not an article (ideographs count triple)
_BULLET = re.compile(r"^[\s•·▪●◦‣∙*-]+(?=\S)")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_SENTENCE_END = re.compile(r"[.!?…:;\"'”’»)\]。！？]$")
_WORD = re.compile(r"\w+", re.UNICODE)
_NAME_ONLY = re.compile(r"^[A-Z][\w'’.-]+(\s+[A-Z][\w'’.-]+){1,2}$")  # "Jane Doe" atop a text


@dataclass(frozen=True)
class JunkRules:
    """Compiled junk patterns (see data/junk.toml for what each list means)."""

    paragraph: tuple[re.Pattern[str], ...]
    share_words: frozenset[str]
    cross_link_header: tuple[re.Pattern[str], ...]
    byline: tuple[re.Pattern[str], ...]


@lru_cache(maxsize=1)
def default_rules() -> JunkRules:
    """The packaged junk rules, compiled once."""
    raw = tomllib.loads(resources.files("monitor.data").joinpath("junk.toml").read_text("utf-8"))
    return JunkRules(
        paragraph=tuple(re.compile(p, re.IGNORECASE) for p in raw["paragraph"]),
        share_words=frozenset(w.lower() for w in raw["share_words"]),
        cross_link_header=tuple(re.compile(p, re.IGNORECASE) for p in raw["cross_link_header"]),
        byline=tuple(re.compile(p) for p in raw["byline"]),
    )


def normalise_line(line: str) -> str:
    """NFC, one space between words, no bullet glyphs or edge whitespace."""
    line = unicodedata.normalize("NFC", line)
    line = _SPACES.sub(" ", line).strip()
    return _BULLET.sub("", line).strip()


def unwrap_lines(lines: list[str]) -> list[str]:
    """Re-join hard-wrapped lines: a line without final punctuation followed by a lower-case start."""
    paragraphs: list[str] = []
    for line in lines:
        if paragraphs and paragraphs[-1] and line and line[0].islower() \
                and not _SENTENCE_END.search(paragraphs[-1]) and len(paragraphs[-1]) > 15:
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
    return paragraphs


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a text: normalised non-empty lines, hard wraps re-joined (never across a blank line)."""
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [normalise_line(line) for line in block.split("\n")]
        paragraphs.extend(unwrap_lines([line for line in lines if line]))
    return paragraphs


def _looks_like_link_title(paragraph: str) -> bool:
    words = _WORD.findall(paragraph)
    return 0 < len(words) <= 16 and not paragraph.endswith((".", "!", "?", "。"))


def is_junk(paragraph: str, rules: JunkRules) -> bool:
    """True for a paragraph that is page furniture, not article text."""
    lowered = paragraph.lower().strip(" .:!|")
    if lowered in rules.share_words:
        return True
    return any(pattern.search(paragraph) for pattern in rules.paragraph)


def _dedupe_key(paragraph: str) -> str:
    return " ".join(_WORD.findall(paragraph.lower()))


@dataclass(frozen=True)
class Byline:
    author: str | None
    date: str | None


def parse_byline(paragraph: str, rules: JunkRules) -> Byline | None:
    """Author and ISO date from a byline paragraph, or None when it is not one."""
    for pattern in rules.byline:
        match = pattern.match(paragraph)
        if match:
            groups = match.groupdict()
            return Byline(author=(groups.get("author") or "").strip() or None, date=iso_date(groups.get("date")))
    return None


@dataclass(frozen=True)
class CleanText:
    paragraphs: tuple[str, ...]
    bylines: tuple[Byline, ...]


def clean_paragraphs(text: str, rules: JunkRules | None = None, *, untitled: bool = False) -> CleanText:
    """Paragraphs with junk, cross-link blocks, bylines and repeats removed, in order.

    `untitled` (plain text with no markup) lets a lone name on the first line count as a byline.
    """
    rules = rules or default_rules()
    kept: list[str] = []
    bylines: list[Byline] = []
    in_cross_links = False
    for index, paragraph in enumerate(split_paragraphs(text)):
        if untitled and index == 0 and _NAME_ONLY.match(paragraph):
            bylines.append(Byline(author=paragraph, date=None))
            continue
        if any(p.search(paragraph) for p in rules.cross_link_header):
            in_cross_links = True
            continue
        if in_cross_links and _looks_like_link_title(paragraph):
            continue
        in_cross_links = False
        byline = parse_byline(paragraph, rules)
        if byline:
            bylines.append(byline)
            continue
        if not _dedupe_key(paragraph) or is_junk(paragraph, rules):
            continue
        kept.append(paragraph)
    return CleanText(drop_repeats(kept), tuple(bylines))


def drop_repeats(paragraphs: list[str]) -> tuple[str, ...]:
    """Paragraphs without repeats: a paragraph of REPEAT_WORDS words or more that came before
    (a text pasted twice, a pull quote) or any paragraph equal to the one kept just before it.
    Short lines that recur apart (a recipe step, a row label in every section) are article text."""
    kept: list[str] = []
    seen: set[str] = set()
    for paragraph in paragraphs:
        key = _dedupe_key(paragraph)
        if (kept and _dedupe_key(kept[-1]) == key) or (key in seen and key.count(" ") + 1 >= REPEAT_WORDS):
            continue
        seen.add(key)
        kept.append(paragraph)
    return tuple(kept)


def clean(article: Article, rules: JunkRules | None = None) -> Article | Rejected:
    """The article with clean text, a title and any byline author/date; Rejected when too little is left."""
    cleaned = clean_paragraphs(article.text, rules, untitled=not article.title)
    text = "\n\n".join(cleaned.paragraphs)
    if text_size(text) < MIN_TEXT_CHARS:
        return Rejected("clean", "too-short", article.url, f"{len(text)} characters after cleaning")
    byline = cleaned.bylines[0] if cleaned.bylines else Byline(None, None)
    published, date_source = article.published, article.date_source
    if published is None and byline.date:
        published, date_source = byline.date, "byline"
    title = normalise_line(article.title) if article.title else infer_title(cleaned.paragraphs)
    return replace(article, text=text, title=title, published=published, date_source=date_source,
                   author=article.author or byline.author)


def infer_title(paragraphs: tuple[str, ...], max_chars: int = 120) -> str:
    """A title for text without markup: a first headline-like line, else the first sentence, shortened."""
    for paragraph in paragraphs[:2]:
        words = _WORD.findall(paragraph)
        if 4 <= len(words) <= 25 and not paragraph.endswith((".", "。")) and len(paragraph) <= 200:
            return paragraph
    if not paragraphs:
        return ""
    first = re.split(r"(?<=[.!?。])\s", paragraphs[0], maxsplit=1)[0]
    if len(first) <= max_chars:
        return first.rstrip(".")
    return first[:max_chars].rsplit(" ", 1)[0].rstrip(",;:") + "…"


# C0/C1 controls (escape sequences rewrite a terminal) and the bidirectional overrides and isolates
# (they reorder what a reader sees: "Trojan Source"); ZWJ/ZWNJ stay, scripts need them.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """`text` without control and bidirectional-override characters, for one line of console output
    (titles and file names come from strangers)."""
    return _UNPRINTABLE.sub("", text)
