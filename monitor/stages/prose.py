"""The article test: is an extracted text prose (an article) or page furniture, in any script?

Words are counted by spaces where a script has them and by characters where it has none
(Chinese, Japanese, Thai, ...); sentence ends include `。！？`, the Arabic `؟` and `۔` and the
Devanagari danda; hard-wrapped lines (wire copy at 60-70 columns) are re-joined before a
paragraph is judged. Sizes are in "Latin-equivalent characters" so that one threshold
holds for every script: an ideograph weighs as much as the three Latin letters it replaces.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# Scripts written without spaces between words. Ideographs and kana carry a word in 1-2
# characters; Thai, Lao, Khmer and Myanmar letters are alphabetic but unspaced.
_IDEOGRAPHIC = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_UNSPACED = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]")
_DENSE = re.compile(f"{_IDEOGRAPHIC.pattern}|{_UNSPACED.pattern}")
_BULLET = re.compile(r"^[-–•·▪●◦‣∙*△▲■□◆◇※]\s")  # a list item starts a paragraph, it never continues one
_HANGUL = re.compile(r"[\uac00-\ud7a3]")  # spaced, but a syllable block holds two or three letters
_SPACED_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d+(?:[.,]\d+)*", re.UNICODE)
IDEOGRAPH_WEIGHT = 3  # Latin-equivalent characters per ideograph / kana
HANGUL_WEIGHT = 2  # ... per Hangul syllable
IDEOGRAPHS_PER_WORD = 1.7
UNSPACED_PER_WORD = 5.0
# A sentence ends at . ! ? … (followed by space or the end), anywhere at 。！？ (full-width),
# at the Arabic question mark and full stop, or at the Devanagari danda; closing quotes may follow.
_CLOSERS = "\"'”’»)\\]」』）】"
_SENTENCE_END = re.compile(
    rf"(?:[.!?…][{_CLOSERS}]*(?=\s|$)|[。！？．][{_CLOSERS}]*|[؟۔।॥][{_CLOSERS}]*(?=\s|$))")
_ENDS_SENTENCE = re.compile(rf"(?:[.!?…:;。！？．؟۔।॥][{_CLOSERS}]*)$")

MIN_ARTICLE_SIZE = 200  # Latin-equivalent characters of text for anything to be an article
MIN_PROSE_SIZE = 160  # ... of it in prose paragraphs (two short wire sentences pass)
MIN_PROSE_WORDS = 12  # a paragraph of prose has at least this many words ...
MIN_SENTENCE_WORDS = 8  # ... or is one complete sentence of at least this many
MIN_RUNON_WORDS = 20  # ... or runs this long without a sentence end (summary bullets); no headline does
MIN_PROSE_SHARE = 0.25  # little prose amid much furniture (a menu page with a teaser or two) ...
SMALL_PROSE_SIZE = 400  # ... is not an article unless the prose itself is this large
WRAP_MIN_CHARS = 40  # a line this long that does not end a sentence is a hard wrap, not a title


def text_size(text: str) -> int:
    """Length in Latin-equivalent characters: ideographs and kana weigh IDEOGRAPH_WEIGHT each."""
    return (len(text) + (IDEOGRAPH_WEIGHT - 1) * len(_IDEOGRAPHIC.findall(text))
            + (HANGUL_WEIGHT - 1) * len(_HANGUL.findall(text)))


def word_count(text: str) -> float:
    """Words in any script: spaced words, plus unspaced characters divided by a typical word length."""
    if not _DENSE.search(text):
        return len(text.split())
    ideographs = len(_IDEOGRAPHIC.findall(text))
    unspaced = len(_UNSPACED.findall(text))
    spaced = len(_SPACED_WORD.findall(_UNSPACED.sub(" ", _IDEOGRAPHIC.sub(" ", text))))
    return spaced + ideographs / IDEOGRAPHS_PER_WORD + unspaced / UNSPACED_PER_WORD


def sentence_ends(text: str) -> int:
    """How many sentences end in the text, in any of the scripts above."""
    return len(_SENTENCE_END.findall(text))


def ends_sentence(line: str) -> bool:
    return bool(_ENDS_SENTENCE.search(line.rstrip()))


def _wrap_width(line: str) -> bool:
    """True for a line long enough to be a hard wrap (ideographs count triple)."""
    return text_size(line) >= WRAP_MIN_CHARS


def join_wrapped(text: str) -> list[str]:
    """Paragraphs with hard-wrapped lines re-joined: a long line that does not end a sentence
    continues on the next non-blank line. Short unterminated lines (titles, links) stay alone."""
    return [paragraph for paragraph, _ in _joined(text)]


def _joined(text: str) -> list[tuple[str, bool]]:
    """(paragraph, whether it was joined from several lines)."""
    paragraphs: list[tuple[str, bool]] = []
    open_line = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            open_line = False
            continue
        if open_line and paragraphs and not _BULLET.match(line):
            previous = paragraphs[-1][0]
            glue = "" if _IDEOGRAPHIC.search(previous[-1:]) else " "
            paragraphs[-1] = (f"{previous}{glue}{line}", True)
        else:
            paragraphs.append((line, False))
        open_line = _wrap_width(line) and not ends_sentence(line)
    return paragraphs


def is_prose(paragraph: str, joined: bool = False) -> bool:
    """A paragraph of sentences: enough words and a sentence end, or one long complete sentence.
    A single line that runs on without a sentence end is prose too (summary bullets), but not
    lines joined as wraps: a list of long link titles would look like one."""
    words = word_count(paragraph)
    if words >= MIN_PROSE_WORDS and sentence_ends(paragraph):
        return True
    if words >= MIN_RUNON_WORDS and not joined:
        return True
    return words >= MIN_SENTENCE_WORDS and ends_sentence(paragraph) and text_size(paragraph) >= 60


@dataclass(frozen=True)
class ProseJudgement:
    """What the article test saw: total size, size in prose paragraphs, and the verdict."""

    size: int
    prose: int
    paragraphs: int

    @property
    def share(self) -> float:
        return self.prose / self.size if self.size else 0.0

    gate: str | None = None  # 'consent' or 'login' when the text is a gate page

    @property
    def reason(self) -> str | None:
        """None for an article; else why not ('too-short', 'consent', 'login', 'not-article')."""
        if self.gate is not None:
            return self.gate
        if self.size < MIN_ARTICLE_SIZE:
            return "too-short"
        if self.prose < MIN_PROSE_SIZE or (self.share < MIN_PROSE_SHARE and self.prose < SMALL_PROSE_SIZE):
            return "not-article"
        return None

    def detail(self) -> str:
        return f"{self.size} characters, {self.prose} in prose ({self.share:.0%}), {self.paragraphs} paragraphs"


def judge_prose(text: str) -> ProseJudgement:
    """Measure a text for the article test (sizes in Latin-equivalent characters)."""
    paragraphs = _joined(text)
    sizes = [text_size(p) for p, _ in paragraphs]
    prose = sum(size for size, (p, joined) in zip(sizes, paragraphs, strict=True) if is_prose(p, joined))
    size = sum(sizes)
    return ProseJudgement(size=size, prose=prose, paragraphs=len(paragraphs), gate=gate_kind(text, size))


@dataclass(frozen=True)
class GateRules:
    """Markers of consent walls and sign-in pages (data/gates.toml)."""

    max_size: int
    min_markers: int
    markers: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]


@lru_cache(maxsize=1)
def gate_rules() -> GateRules:
    raw = tomllib.loads(resources.files("monitor.data").joinpath("gates.toml").read_text("utf-8"))
    return GateRules(max_size=int(raw["max_size"]), min_markers=int(raw["min_markers"]), markers=tuple(
        (kind, tuple(re.compile(p, re.IGNORECASE) for p in patterns)) for kind, patterns in raw["markers"].items()))


def gate_kind(text: str, size: int | None = None) -> str | None:
    """'consent' or 'login' for a short text full of one gate's words; None for anything else."""
    rules = gate_rules()
    if (size if size is not None else text_size(text)) >= rules.max_size:
        return None
    for kind, patterns in rules.markers:
        if sum(1 for pattern in patterns if pattern.search(text)) >= rules.min_markers:
            return kind
    return None


def has_prose(text: str) -> bool:
    """True when the text reads as an article in any script (see `judge_prose`)."""
    return judge_prose(text).reason is None
