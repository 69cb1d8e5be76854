"""Headline choice: the visible <h1> when the metadata confirms it, else the metadata headline without the site."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from monitor.stages.titles import TitleCandidates, choose_title, read_candidates, strip_site_name

URL = "https://www.reuters.com/world/china/story-2025-10-09/"


def test_site_name_suffixes_and_prefixes_are_stripped() -> None:
    assert strip_site_name("China curbs rare earth exports - Reuters", "", URL) == "China curbs rare earth exports"
    assert strip_site_name("Site | China curbs exports", "Site", URL) == "China curbs exports"
    assert strip_site_name("Les terres rares — Le Monde.fr", "Le Monde", URL) == "Les terres rares"
    assert strip_site_name("稀土出口管制新规发布_新华网", "新华网", URL) == "稀土出口管制新规发布_新华网"  # no separator
    assert strip_site_name("稀土出口管制新规发布 | 新华网", "新华网", URL) == "稀土出口管制新规发布"
    assert strip_site_name("Exclusive: China weighs curbs", "Reuters", URL) == "Exclusive: China weighs curbs"


def test_h1_logo_and_section_kicker_lose_to_the_headline() -> None:
    html = """<html lang="en-GB"><head><title>China curbs rare earth exports | Reuters</title>
    <meta property="og:title" content="China curbs rare earth exports, widening trade fight">
    <meta property="og:site_name" content="Reuters">
    <script type="application/ld+json">{"headline": "China curbs rare earth exports, widening trade fight \\u2013 analysis"}</script>
    </head><body><h1>Reuters</h1><h1>Markets</h1><h1>China curbs rare earth exports, widening trade fight</h1>"""
    candidates = read_candidates(html)
    assert candidates.site_name == "Reuters" and candidates.language == "en-GB"
    assert candidates.json_ld.endswith("– analysis")
    assert choose_title(candidates, URL) == "China curbs rare earth exports, widening trade fight"
    kicker = TitleCandidates(og="China curbs rare earth exports - Reuters", h1=("Rare earths",), site_name="Reuters")
    assert choose_title(kicker, URL) == "China curbs rare earth exports"


def test_pages_that_name_only_the_site_get_no_title() -> None:
    assert choose_title(TitleCandidates(title="Reuters", h1=("Reuters",), site_name="Reuters"), URL) == ""
    assert choose_title(TitleCandidates(h1=("Japan and Australia sign rare earth pact",)), URL) == \
        "Japan and Australia sign rare earth pact"
    assert choose_title(TitleCandidates(), URL, fallback="From the feed - Reuters") == "From the feed"


@given(st.text(max_size=300))
def test_reading_candidates_never_fails(markup: str) -> None:
    choose_title(read_candidates(markup), URL, markup[:50])
