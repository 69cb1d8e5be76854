"""Story profiles: the words, anchors, date and outlet that say which event an article reports.

Pure functions over an Article and its Analysis. A profile is compact (a few hundred
weighted word stems and a few dozen anchors), so a story can keep the merged profile
of its articles and a new article is compared with the story, not with every member.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import replace
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from monitor.models import Analysis, Article, StoryProfile
from monitor.stages.anchors import action_kinds, event_dates, figure_anchor, named_ids, numeric_dates, years
from monitor.stages.relevance import detect_language

MAX_TERMS = 150  # per article; a story keeps twice as many
MAX_STORY_TERMS = 300
MAX_ANCHORS = 40
MAX_STORY_ANCHORS = 120
STEM_CHARS = 6  # crude stemming: 'ordered'/'orders' -> 'ordere'/'orders'... prefix 6 keeps most families
LEAD_WORDS = 60
GENERIC_ENTITY_KINDS = frozenset({"ree-term"})  # every article in the archive has them
MAX_ACTIONS = 3  # the action kinds a report names most
MAX_YEARS = 3

_WORD = re.compile(r"\w+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“”]\s+|\n)$")
_NAME = re.compile(r"\b[A-Z][\w'’-]*[a-z][\w'’-]*(?:\s+(?:of\s+|de\s+)?[A-Z][\w'’-]*[a-z][\w'’-]*)*")
_FIGURE = re.compile(r"\b\d+(?:[.,]\d+)+\b|\b\d{3,}\b|\b\d+(?:\.\d+)?\s?(?:%|per ?cent|percent)")
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"]
_MONTH = r"(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_FULL_DATES = (
    re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE),
    re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<nmonth>\d\d)-(?P<day>\d\d)\b"),
)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The packaged function-word list (data/stopwords.txt)."""
    text = resources.files("monitor.data").joinpath("stopwords.txt").read_text("utf-8")
    return frozenset(word for line in text.splitlines() if not line.startswith("#") for word in line.split())


def word_stems(text: str) -> list[str]:
    """Content-word stems in text order: lower case, no function words or bare numbers; CJK as bigrams."""
    stops = stopwords()
    stems: list[str] = []
    for word in _WORD.findall(text.lower()):
        if _CJK.search(word):
            stems.extend(word[i:i + 2] for i in range(max(len(word) - 1, 1)))
        elif len(word) > 2 and word not in stops and not word.isdigit():
            stems.append(word[:STEM_CHARS])
    return stems


def weighted_terms(stems: list[str], limit: int = MAX_TERMS) -> tuple[tuple[str, float], ...]:
    """Stems weighted 1 + ln(count), heaviest first (ties: first seen), at most `limit`."""
    counts = Counter(stems)
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    return tuple((stem, round(1.0 + math.log(count), 4)) for stem, count in ranked[:limit])


def names(text: str) -> list[str]:
    """Capitalised names not at a sentence start (a name there is kept only if it recurs inside)."""
    found: list[str] = []
    for match in _NAME.finditer(text):
        name = match.group(0)
        if _SENTENCE_START.search(text[max(match.start() - 3, 0):match.start()]) and " " not in name:
            continue
        words = re.sub(r"['’]s?$", "", name.lower()).split()
        while words and (words[0] in stopwords() or words[0] in _MONTHS):
            words.pop(0)
        if words:
            found.append(" ".join(words))
    return found


def figures(text: str) -> list[str]:
    """Figures as written, normalised: '28.7', '2,500' -> '2500', '60%'."""
    return [re.sub(r"\s|per ?cent|percent", "", m.group(0)).replace(",", "") + ("%" if "cent" in m.group(0) else "")
            for m in _FIGURE.finditer(text)]


def anchors(article: Article, analysis: Analysis) -> tuple[str, ...]:
    """Language-independent anchors first (entity ids, action kinds, stated dates, years, figures as value
    and unit), then names and figures as written; most frequent first within each, at most MAX_ANCHORS."""
    text = f"{article.title}\n{article.text}"
    found: Counter[str] = Counter()
    for entity in analysis.entities:
        if entity.kind not in GENERIC_ENTITY_KINDS:
            found[entity.entity_id] += entity.mentions
    recognised = set(found)
    found.update(entity_id for entity_id in named_ids(text) if entity_id not in recognised)  # names it misses
    found.update(f"act:{kind}" for kind in action_kinds(text)[:MAX_ACTIONS])
    reference = (article.published or article.fetched_at)[:10]
    found.update(f"date:{day}" for day in event_dates(text, reference))
    found.update(f"year:{year}" for year, _ in Counter(years(text)).most_common(MAX_YEARS))
    found.update(list(dict.fromkeys(figure_anchor(figure) for figure in analysis.figures)))
    written: Counter[str] = Counter()
    known = {entity.name.lower() for entity in analysis.entities}
    written.update(f"name:{name}" for name in names(text) if name not in known)
    written.update(f"n:{figure}" for figure in figures(text))
    ranked = [anchor for anchor, _ in found.most_common()] + [anchor for anchor, _ in written.most_common()]
    return tuple(ranked[:MAX_ANCHORS])


def written_dates(text: str) -> list[str]:
    """Full dates written with English month names ('9 October 2025', 'Oct. 9, 2025')."""
    found: list[str] = []
    for pattern in _FULL_DATES[:2]:
        found.extend(day for day in map(_iso, pattern.finditer(text)) if day)
    return found


def lead_text(article: Article) -> str:
    """The title and the first LEAD_WORDS words of the text."""
    return article.title + "\n" + " ".join(article.text.split()[:LEAD_WORDS])


def stated_date(article: Article) -> str | None:
    """A full date (day, month, year) stated in the lead, not after the fetch: the event's date."""
    fetched = article.fetched_at[:10]
    lead = lead_text(article) + " " + " ".join(article.text.split()[LEAD_WORDS:120])
    for found in written_dates(lead) + numeric_dates(lead[:1500]):
        if found <= fetched:
            return found
    return None


def _iso(match: re.Match[str]) -> str | None:
    parts = match.groupdict()
    month = int(parts["nmonth"]) if parts.get("nmonth") else \
        next(i for i, name in enumerate(_MONTHS, 1) if name.startswith(parts["month"].lower()[:3]))
    try:
        return date(int(parts["year"]), month, int(parts["day"])).isoformat()
    except ValueError:
        return None


def outlet_of(url: str) -> str:
    """Who published a URL: the host without 'www.'/'m.', or the file name of a local document."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.hostname:
        return re.sub(r"^(www\d?|m|amp|mobile)\.", "", parts.hostname.lower())
    return PurePosixPath(unquote(parts.path)).name or url


def article_profile(article: Article, analysis: Analysis) -> StoryProfile:
    """The profile of one article: its word stems, lead stems, anchors, event date and outlet."""
    event_date, source = (article.published[:10], "published") if article.published else (stated_date(article), "text")
    lead = tuple(dict.fromkeys(word_stems(lead_text(article))))
    language = detect_language(article.title, article.text, article.language)
    return StoryProfile(
        terms=weighted_terms(word_stems(f"{article.title}\n{article.text}")), lead=lead,
        anchors=anchors(article, analysis), date=event_date, last_date=event_date,
        date_source=source if event_date else None, outlet=outlet_of(article.url), languages=(language,),
    )


def weighted(profile: StoryProfile, idf: dict[str, float]) -> StoryProfile:
    """The profile with its term weights multiplied by idf and scaled to unit length."""
    raw = [(term, weight * idf.get(term, 1.0)) for term, weight in profile.terms]
    norm = math.sqrt(sum(w * w for _, w in raw)) or 1.0
    terms = tuple(sorted(((t, round(w / norm, 5)) for t, w in raw), key=lambda item: -item[1]))
    return replace(profile, terms=terms)


def cosine(first: tuple[tuple[str, float], ...], second: tuple[tuple[str, float], ...]) -> float:
    """Cosine similarity of two weighted term lists."""
    if not first or not second:
        return 0.0
    other = dict(second)
    dot = sum(weight * other.get(term, 0.0) for term, weight in first)
    norm = math.sqrt(sum(w * w for _, w in first)) * math.sqrt(sum(w * w for _, w in second))
    return dot / norm if norm else 0.0


def share(part: tuple[str, ...], whole: tuple[str, ...]) -> tuple[float, tuple[str, ...]]:
    """The fraction of `part` found in `whole`, and the shared items in `part`'s order."""
    if not part:
        return 0.0, ()
    known = set(whole)
    shared = tuple(item for item in part if item in known)
    return len(shared) / len(part), shared


def days_apart(profile: StoryProfile, story: StoryProfile) -> int | None:
    """Days between an article's date and a story's date range; None when either date is unknown."""
    if not profile.date or not story.date:
        return None
    day = date.fromisoformat(profile.date)
    first, last = date.fromisoformat(story.date), date.fromisoformat(story.last_date or story.date)
    if first <= day <= last:
        return 0
    return min(abs((day - first).days), abs((day - last).days))


def merge_profiles(story: StoryProfile, article: StoryProfile) -> StoryProfile:
    """A story's profile after an article joins: its centroid (the sum of its articles' unit vectors,
    see `weighted`) plus the article's, unions of lead stems and anchors, the widened date range."""
    totals: dict[str, float] = dict(story.terms)
    norm = math.sqrt(sum(w * w for _, w in article.terms)) or 1.0
    for term, weight in article.terms:
        totals[term] = totals.get(term, 0.0) + weight / norm
    ranked = sorted(totals.items(), key=lambda item: -item[1])[:MAX_STORY_TERMS]
    terms = tuple((term, round(weight, 4)) for term, weight in ranked)
    dates = [d for d in (story.date, story.last_date, article.date) if d]
    return StoryProfile(
        terms=terms, lead=tuple(dict.fromkeys(story.lead + article.lead))[:MAX_STORY_TERMS],
        anchors=tuple(dict.fromkeys(story.anchors + article.anchors))[:MAX_STORY_ANCHORS],
        date=min(dates) if dates else None, last_date=max(dates) if dates else None,
        date_source=story.date_source or article.date_source, outlet=story.outlet or article.outlet,
        languages=tuple(dict.fromkeys(story.languages + article.languages)),
    )
