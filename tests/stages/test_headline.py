"""Headline-only articles from listing entries, and publisher suffixes split off news-search titles."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from monitor.models import Page, PageHints, Rejected
from monitor.stages.headline import headline_article, headline_text, refusal, split_outlet

NOW = "2024-07-01T10:00:00+00:00"


def test_known_outlet_suffix_is_removed():
    assert split_outlet("China curbs rare earth exports - Reuters", "Reuters") == ("China curbs rare earth exports",
                                                                                     "Reuters")
    assert split_outlet("レアアース輸出規制を強化 - 日本経済新聞", "日本経済新聞") == ("レアアース輸出規制を強化", "日本経済新聞")
    assert split_outlet("Rare earths: what next?", "Reuters") == ("Rare earths: what next?", "Reuters")


def test_unknown_outlet_only_when_it_looks_like_one():
    assert split_outlet("China curbs rare earth exports - Reuters") == ("China curbs rare earth exports", "Reuters")
    assert split_outlet("China curbs rare earth exports | mining.com") == ("China curbs rare earth exports",
                                                                           "mining.com")
    assert split_outlet("Rare earths - what comes next for magnets") == \
        ("Rare earths - what comes next for magnets", None)
    assert split_outlet("Lynas - Reuters") == ("Lynas - Reuters", None)  # too little title left


@given(st.text(max_size=120), st.one_of(st.none(), st.text(max_size=30)))
def test_split_keeps_a_prefix_of_the_title(title, outlet):
    head, _ = split_outlet(title, outlet)
    normal = " ".join(title.split())
    assert normal.startswith(head) and (head or not normal)


def page(status=200, url="https://outlet.example/news/a.html", **hints):
    return Page(url=url, source="gnews", fetched_at=NOW, body=b"<html></html>", status=status,
                hints=PageHints(**hints))


def test_refusals():
    assert refusal(page(403)).reason == "refused"
    assert refusal(page(url="https://consent.example.com/?continue=x")).reason == "consent-wall"
    assert refusal(page(url="https://outlet.example/consent?continue=x")).reason == "consent-wall"
    assert refusal(page()) is None and refusal(page(404)) is None


def test_headline_article_from_the_entry():
    link = "https://outlet.example/news/a.html?utm_source=gn"
    entry = page(403, title="Japan signs rare earth pact - Nikkei Asia", outlet="Nikkei Asia", link=link,
                 summary="Japan signs rare earth pact  Nikkei Asia", published="2024-07-01", published_source="feed")
    article = headline_article(entry, Rejected("fetch", "refused"))
    assert article is not None
    assert (article.url, article.canonical_url, article.title, article.text, article.site_name) == (
        link, "https://outlet.example/news/a.html", "Japan signs rare earth pact", "Japan signs rare earth pact",
        "Nikkei Asia")
    assert (article.text_source, article.published, article.date_source) == ("feed", "2024-07-01", "feed")
    assert headline_article(page(403, title="x"), Rejected("fetch", "refused")) is None  # no listing link


def test_only_withheld_pages_fall_back():
    shell = Rejected("extract", "not-article")
    plain = page(title="Rare earth tag page", link="https://outlet.example/tag/x")
    assert headline_article(plain, shell) is None  # a plain feed's tag page stays rejected
    searched = page(title="India restricts rare earth exports - Mint", outlet="Mint", link="https://m.example/a")
    assert headline_article(searched, shell) is not None  # a news search said it is Mint's article
    assert headline_article(searched, Rejected("extract", "binary")) is None


def test_headline_text_keeps_a_real_summary():
    assert headline_text("Title here", "Beijing adds licences.", None) == "Title here. Beijing adds licences."
    assert headline_text("Title here", None, None) == "Title here"
