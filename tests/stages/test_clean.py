"""Cleaning: junk kinds removed by general rules, every real sentence kept, repeats dropped once."""

import re
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.models import Article, Rejected
from monitor.stages.clean import clean, clean_paragraphs, infer_title, split_paragraphs

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
JUNK = ["provides this news content", "provides the information", "Legal Disclaimer", "Continue Reading This Article", "By registering or signing into",
        "Mastodon", "Parler", "Gab", "needs donations", "More from", "By ramontomeydw //",
        "Enjoy this article as well as all of our content"]


def article(text: str, title: str = "") -> Article:
    return Article(url="file:///x.txt", canonical_url="file:///x.txt", source="t", fetched_at="2026-01-01T00:00:00",
                   title=title, text=text)


def cleaned(name: str) -> str:
    result = clean(article((next(SEEDS.glob(f"{name}_*.txt"))).read_text("utf-8")))
    assert not isinstance(result, Rejected)
    return result.text


def test_seed_junk_is_gone() -> None:
    for number in ("000", "001", "002", "003", "004"):
        text = cleaned(number)
        for junk in JUNK:
            assert junk not in text, (number, junk)


def test_seed_001_paragraphs_appear_once() -> None:
    text = cleaned("001")
    paragraphs = text.split("\n\n")
    assert len(paragraphs) == len(set(paragraphs)) == 7
    assert text.count("Russia boasts significant reserves of 15 rare-earth metals") == 1


def test_every_real_sentence_is_kept() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        text = clean(article(path.read_text("utf-8")))
        assert not isinstance(text, Rejected)
        body = " ".join(text.text.split())
        for line in path.read_text("utf-8").splitlines():
            line = " ".join(line.replace("\u00a0", " ").split()).lstrip("• ")
            if len(line) > 80 and not any(j.lower() in line.lower() for j in ("as is", "registering", "donations", "enjoy this article")):
                assert line in body, (path.name, line[:60])


def test_byline_gives_author_and_date_and_title() -> None:
    result = clean(article((next(SEEDS.glob("003_*.txt"))).read_text("utf-8")))
    assert not isinstance(result, Rejected)
    assert (result.author, result.published, result.date_source) == ("ramontomeydw", "2025-11-06", "byline")
    assert result.title == ("Moscow's mineral gambit: Putin orders ministers to draft long-term strategy "
                            "for rare-earth metals")


def test_leading_name_is_the_author_of_an_untitled_text() -> None:
    result = clean(article((next(SEEDS.glob("004_*.txt"))).read_text("utf-8")))
    assert not isinstance(result, Rejected)
    assert result.author == "Tulani Ngwenya"
    assert result.title.startswith("PRETORIA, South Africa – In the wake of strained US-Ukraine relations")
    assert result.title.endswith("…") and len(result.title) <= 121


def test_headline_first_line_is_the_title() -> None:
    result = clean(article((next(SEEDS.glob("000_*.txt"))).read_text("utf-8")))
    assert not isinstance(result, Rejected)
    assert result.title == "Putin instructs government to craft plan for rare-earth metals"


def test_hard_wrapped_disclaimer_is_joined_then_dropped() -> None:
    text = ("Real first paragraph about quotas on neodymium exports, long enough to stand alone.\n"
            "Legal Disclaimer:\nACME Wire provides the\ninformation \u201cas is\u201d without warranty of any kind. "
            "We do not accept\nany responsibility or liability for the accuracy of the information.\n")
    assert clean_paragraphs(text).paragraphs == (
        "Real first paragraph about quotas on neodymium exports, long enough to stand alone.",)


def test_cross_link_block_is_dropped_but_prose_after_it_is_kept() -> None:
    text = ("Opening paragraph of the article.\nRelated stories\nAnother headline about something\n"
            "Yet another linked headline\nThe article continues here with a full sentence.\n")
    assert clean_paragraphs(text).paragraphs == (
        "Opening paragraph of the article.", "The article continues here with a full sentence.")


def test_gabon_and_share_words_inside_sentences_survive() -> None:
    text = "Gabon signed a deal on manganese with Beijing.\nGab\nOfficials will post the rules on Mastodon."
    assert clean_paragraphs(text).paragraphs == (
        "Gabon signed a deal on manganese with Beijing.", "Officials will post the rules on Mastodon.")


def test_too_short_after_cleaning_is_rejected() -> None:
    result = clean(article("Continue Reading This Article\nMastodon\nShort."))
    assert isinstance(result, Rejected) and (result.stage, result.reason) == ("clean", "too-short")


def test_infer_title_shortens_a_long_first_sentence() -> None:
    title = infer_title(("word " * 60 + ". Second sentence.",))
    assert title.endswith("…") and len(title) <= 121


paragraph_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)


@given(st.lists(paragraph_text, max_size=12))
@settings(max_examples=200, deadline=None)
def test_cleaning_is_idempotent_and_never_adds_text(paragraphs: list[str]) -> None:
    text = "\n".join(paragraphs)
    once = clean_paragraphs(text).paragraphs
    twice = clean_paragraphs("\n\n".join(once)).paragraphs
    assert once == twice
    words_in = set(re.findall(r"\w+", unicodedata.normalize("NFC", text).lower()))
    assert set(re.findall(r"\w+", " ".join(once).lower())) <= words_in


# a text pasted twice, made of sentence-long paragraphs (8+ words): the copy goes
_SENTENCES = st.lists(st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=8), min_size=8, max_size=14)
                      .map(" ".join), min_size=1, max_size=8)


@given(_SENTENCES)
@settings(max_examples=200, deadline=None)
def test_a_doubled_text_cleans_like_the_single_one(paragraphs: list[str]) -> None:
    single = clean_paragraphs("\n\n".join(paragraphs)).paragraphs
    assert clean_paragraphs("\n\n".join(paragraphs * 2)).paragraphs == single


@given(paragraph_text)
@settings(max_examples=200, deadline=None)
def test_split_paragraphs_has_no_blank_or_padded_paragraphs(text: str) -> None:
    for paragraph in split_paragraphs(text):
        assert paragraph and paragraph == paragraph.strip()


def test_short_lines_that_recur_in_every_section_are_article_text() -> None:
    days = "\n\n".join(f"Day {n}: asparagus and eggs with sweet potato, then a salad.\n\nEat every 2-3 hours"
                        for n in range(1, 4))
    paragraphs = clean_paragraphs(days).paragraphs
    assert paragraphs.count("Eat every 2-3 hours") == 3 and len(paragraphs) == 6
    assert clean_paragraphs("Breaking news\n\nBreaking news\n\n" + days).paragraphs.count("Breaking news") == 1
