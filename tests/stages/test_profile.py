"""Story profiles: names, figures, stated dates, outlets and the merged story profile."""

from __future__ import annotations

from monitor.models import Analysis, Article, EntityMention, StoryProfile
from monitor.stages.profile import (
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


def test_article_profile_prefers_entities_over_their_names() -> None:
    analysis = Analysis(score=1.0, relevant=True, entities=(
        EntityMention("country:russia", "Russia", "country", 2), EntityMention("element:nd", "Neodymium", "element", 1)))
    profile = article_profile(article("Officials in Russia said the plant would make 2,500 tonnes of neodymium."),
                              analysis)
    assert profile.anchors == ("country:russia", "n:2500")
    assert (profile.date, profile.outlet) == (None, "news.example")


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
