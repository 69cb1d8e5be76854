"""Story profiles: names, figures, stated dates, outlets and the merged story profile."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from monitor.models import Analysis, Article, EntityMention, StoryProfile
from monitor.stages.anchors import action_kinds, numeric_dates
from monitor.stages.entities import find_entities
from monitor.stages.profile import (
    anchors,
    article_profile,
    cosine,
    days_apart,
    figures,
    merge_profiles,
    names,
    outlet_of,
    stated_date,
    weighted,
    word_stems,
)

NOW = "2025-03-01T00:00:00+00:00"


def article(text: str, title: str = "A title", published: str | None = None) -> Article:
    return Article(url="https://www.news.example/a", canonical_url="https://news.example/a", source="s",
                   fetched_at=NOW, title=title, text=text, published=published)


def test_names_skip_sentence_starts_function_words_and_possessives() -> None:
    text = "In May, officials met. The talks with Russia’s envoy and the United States went on. Kirill Dmitriev spoke."
    assert names(text) == ["russia", "united states", "kirill dmitriev"]


def test_figures_are_normalised() -> None:
    assert figures("28.7 million tonnes, 2,500 tonnes, 60% and 12 percent in 2030") == \
        ["28.7", "2500", "60%", "12%", "2030"]


def test_stated_date_is_a_full_date_in_the_lead_not_after_the_fetch() -> None:
    assert stated_date(article("During the meeting on February 24, 2025, Putin spoke.")) == "2025-02-24"
    assert stated_date(article("The plan is due on 1 December 2025 and was set on 2025-02-20.")) == "2025-02-20"
    assert stated_date(article("The roadmap is due by December.")) is None


def test_outlet_is_the_host_or_the_file_name() -> None:
    assert outlet_of("https://www.reuters.com/markets/x") == "reuters.com"
    assert outlet_of("https://m.example.org/x") == "example.org"
    assert outlet_of("file:///srv/seeds/000_abc.txt") == "000_abc.txt"


def test_word_stems_drop_function_words_and_split_cjk_into_bigrams() -> None:
    assert word_stems("The ministry ordered exports of 稀土永磁") == ["minist", "ordere", "export", "稀土", "土永", "永磁"]


def test_article_profile_puts_language_independent_anchors_before_names() -> None:
    analysis = Analysis(score=1.0, relevant=True, entities=(
        EntityMention("country:russia", "Russia", "country", 2), EntityMention("element:neodymium", "Neodymium", "element", 1)))
    profile = article_profile(article("Officials in Russia said the plant would make 2,500 tonnes of neodymium."),
                              analysis)
    assert profile.anchors == ("country:russia", "element:neodymium", "n:2500")
    assert (profile.date, profile.outlet, profile.languages) == (None, "news.example", ("en",))


def test_story_profile_merges_terms_anchors_and_date_range() -> None:
    first = StoryProfile(terms=(("export", 1.0),), lead=("export",), anchors=("n:1",), date="2025-01-02",
                         last_date="2025-01-02", date_source="published", outlet="a.example")
    second = weighted(StoryProfile(terms=(("export", 3.0), ("quota", 4.0)), lead=("quota",), anchors=("n:2",),
                                   date="2025-01-05", last_date="2025-01-05"), {})
    merged = merge_profiles(first, second)
    assert merged == StoryProfile(terms=(("export", 1.6), ("quota", 0.8)), lead=("export", "quota"),
                                  anchors=("n:1", "n:2"), date="2025-01-02", last_date="2025-01-05",
                                  date_source="published", outlet="a.example")
    assert round(cosine(second.terms, merged.terms), 3) == 0.894
    assert days_apart(StoryProfile(date="2025-01-10"), merged) == 5
    assert days_apart(StoryProfile(), merged) is None


def test_reports_in_four_languages_share_their_anchors() -> None:
    texts = {
        "en": "China's Ministry of Commerce on 9 October 2025 put gallium and germanium under export controls.",
        "zh": "商务部2025年10月9日宣布对镓、锗相关物项实施出口管制。",
        "ko": "중국 상무부는 2025년 10월 9일 갈륨과 게르마늄에 대한 수출 통제를 발표했다.",
        "ru": "Министерство коммерции Китая 9.10.2025 ввело экспортный контроль на галлий и германий.",
    }
    shared = None
    for language, text in texts.items():
        found = set(anchors(Article(url="https://x.example/a", canonical_url="https://x.example/a", source="t",
                                    fetched_at="2025-10-10T00:00:00+00:00", title="", text=text,
                                    language=language), analyse_text(text)))
        shared = found if shared is None else shared & found
    assert shared is not None and {"mineral:gallium", "mineral:germanium", "act:export-control",
                                   "date:2025-10-09"} <= shared


def analyse_text(text: str) -> Analysis:
    return Analysis(score=1.0, relevant=True, entities=find_entities(text))


def test_action_kinds_match_word_beginnings_and_whole_short_words() -> None:
    assert action_kinds("Beijing bans exports; export controls and export controls again") == ["export-control", "ban"]
    assert action_kinds("The bank banked on urban lawyers") == []
    assert action_kinds("稀土开采总量控制指标") == ["quota"]


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2039, 12, 31)),
       st.sampled_from(["{y}年{m}月{d}日", "{y}년 {m}월 {d}일", "{y}-{m:02d}-{d:02d}", "{d}.{m}.{y}"]),
       st.text(alphabet="abc ,;", max_size=10))
def test_numeric_dates_read_back_every_written_form(day: date, form: str, around: str) -> None:
    written = form.format(y=day.year, m=day.month, d=day.day)
    assert numeric_dates(f"{around} {written} {around}") == [day.isoformat()]
