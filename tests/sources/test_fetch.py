"""Fetch-edge helpers and listing parsers: canonical URLs, validators, dates, feed and sitemap entries."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from hypothesis import given
from hypothesis import strategies as st

from monitor.hashing import sha256_hex
from monitor.models import PageHints
from monitor.sources.fetch import (
    conditional_headers,
    declared_encoding,
    is_html,
    is_pdf,
    same_site,
)
from monitor.stages.dates import choose_date, date_from_url, iso_day
from monitor.stages.urls import canonical_url
from spiders.entries import parse_feed, parse_sitemap, plain_text

SITE = Path(__file__).resolve().parents[1] / "fixtures" / "site"
BASE = "http://127.0.0.1:8000"


def fixture(path: str) -> bytes:
    return (SITE / path).read_bytes().replace(b"{{BASE}}", BASE.encode())


def test_canonical_url_drops_tracking_fragment_and_default_port():
    assert canonical_url("HTTP://Example.COM:80/a/b?utm_source=x&b=2&a=1&fbclid=z#frag") == \
        "http://example.com/a/b?a=1&b=2"
    assert canonical_url("https://example.com/story/?ref=rss") == "https://example.com/story"
    assert canonical_url("http://127.0.0.1:8123/x?UTM_Medium=a&page=2") == "http://127.0.0.1:8123/x?page=2"


segment = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.~%", min_size=1, max_size=12)
key = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)
value = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", max_size=8)


@st.composite
def urls(draw) -> tuple[str, list[tuple[str, str]]]:
    host = draw(st.sampled_from(["example.com", "news.example.org", "127.0.0.1:8080", "Example.COM"]))
    path = "/".join(draw(st.lists(segment, max_size=4)))
    params = draw(st.lists(st.tuples(key, value), max_size=4))
    tracking = draw(st.lists(st.tuples(st.sampled_from(["utm_source", "utm_campaign", "fbclid", "gclid"]), value),
                             max_size=3))
    query = "&".join(f"{k}={v}" for k, v in draw(st.permutations(params + tracking)))
    fragment = draw(st.sampled_from(["", "#top", "#comments"]))
    scheme = draw(st.sampled_from(["http", "https"]))
    return f"{scheme}://{host}/{path}" + (f"?{query}" if query else "") + fragment, params


@given(urls())
def test_canonical_url_is_idempotent_and_keeps_real_parameters(case):
    url, params = case
    once = canonical_url(url)
    assert canonical_url(once) == once
    parts = urlsplit(once)
    assert parts.fragment == "" and parts.hostname == (urlsplit(url).hostname or "").lower()
    kept = parse_qsl(parts.query, keep_blank_values=True)
    assert not any(k.startswith("utm_") or k in ("fbclid", "gclid") for k, _ in kept)
    assert sorted(kept) == sorted((k, v) for k, v in params if k not in ("ref",))


@given(urls(), st.randoms())
def test_canonical_url_ignores_parameter_order(case, rng):
    url, _ = case
    base, _, rest = url.partition("?")
    query, _, fragment = rest.partition("#")
    pairs = query.split("&") if query else []
    rng.shuffle(pairs)
    shuffled = base + ("?" + "&".join(pairs) if pairs else "") + ("#" + fragment if fragment else "")
    assert canonical_url(shuffled) == canonical_url(url)


@given(st.text(max_size=200))
def test_url_helpers_never_raise(text):
    canonical_url(text)
    date_from_url(text)
    is_pdf("", text)
    same_site(text, frozenset({"example.com"}))


def test_conditional_headers_and_body_hash():
    assert conditional_headers(None, None) == {}
    assert conditional_headers('"abc"', "Mon, 01 Jul 2024 03:00:00 GMT") == {
        "If-None-Match": '"abc"', "If-Modified-Since": "Mon, 01 Jul 2024 03:00:00 GMT"}
    assert sha256_hex(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_content_type_and_site_tests():
    assert is_pdf("application/pdf; qs=0.9") and is_pdf("application/octet-stream", "http://x/n.PDF")
    assert not is_pdf("text/html", "http://x/n.pdf")
    assert is_html("text/html; charset=utf-8") and is_html("") and not is_html("image/png")
    assert same_site("https://www.example.com/a", frozenset({"example.com"}))
    assert not same_site("https://badexample.com/a", frozenset({"example.com"}))


def test_declared_encoding_reads_header_then_meta_never_guesses():
    russian = (SITE / "ru/redkozemelnye-metally-eksport.html").read_bytes()
    assert declared_encoding("text/html", russian) == "cp1251"
    assert declared_encoding("text/html; charset=UTF-8", russian) == "utf-8"
    assert declared_encoding("text/html", b"<html><body>plain</body></html>") is None


def test_dates_from_urls_and_their_provenance():
    assert date_from_url("https://x.com/news/2024/05/17/slug.html") == "2024-05-17"
    assert date_from_url("https://x.com/2024-05-17-slug") == "2024-05-17"
    assert date_from_url("https://x.com/news/2024/13/01/slug") is None
    json_ld = '<script type="application/ld+json">{"datePublished": "2024-06-03T10:00"}</script>'
    assert choose_date("2024-06-03", json_ld, "https://x.com/a", None, None) == ("2024-06-03", "json-ld")
    meta = '<meta property="article:published_time" content="2024-06-03T10:00">'
    assert choose_date("2024-06-03", meta, "https://x.com/a", "2024-06-01", "feed") == ("2024-06-03", "metadata")
    url = "https://x.com/2024/06/03/a"
    assert choose_date("2024-06-03", "<p/>", url, "2024-06-02", "sitemap") == ("2024-06-02", "sitemap")
    assert choose_date("2024-06-03", "<p/>", url, None, None) == ("2024-06-03", "url")
    assert choose_date(None, "<p/>", "https://x.com/a", None, None) == (None, None)


def test_rss2_entries_carry_hints():
    entries = parse_feed(fixture("feeds/news.rss"), BASE + "/feeds/news.rss")
    assert [e.url.removeprefix(BASE) for e in entries] == [
        "/news/2024/05/17/china-tightens-rare-earth-export-controls.html?utm_source=rss&utm_medium=feed",
        "/news/eu-critical-raw-materials-act-stockpiles.html", "/news/lithium-prices-slide.html"]
    assert entries[0].hints == PageHints(
        title="China tightens rare earth export controls", published="2024-05-17", published_source="feed",
        summary="Beijing adds licensing rules for dysprosium and terbium exports.", author="Li Wei",
        link=entries[0].url)


def test_atom_and_rss1_entries():
    atom = parse_feed(fixture("feeds/atom.xml"), BASE + "/feeds/atom.xml")
    assert len(atom) == 10 and atom[0].hints.author == "James Carter" and atom[0].hints.published == "2024-06-12"
    rdf = parse_feed(fixture("feeds/rss1.rdf"), BASE + "/feeds/rss1.rdf")
    assert rdf[0].hints.title == "Россия расширяет добычу редкоземельных металлов"
    assert rdf[0].hints.published == "2024-06-20" and rdf[2].hints.published is None


def test_broken_feeds_give_no_entries():
    assert parse_feed(b"", BASE) == ()
    assert parse_feed(b"<html><body>not a feed</body></html>", BASE) == ()


def test_sitemap_index_news_sitemap_and_lastmod():
    index = parse_sitemap(fixture("sitemap_index.xml"), BASE + "/sitemap_index.xml")
    assert index.is_index and [e.url for e in index.entries] == [BASE + "/sitemaps/news.xml",
                                                                 BASE + "/sitemaps/pages.xml"]
    news = parse_sitemap(fixture("sitemaps/news.xml"), BASE + "/sitemaps/news.xml")
    eu = news.entries[1]
    assert eu.hints == PageHints(title="EU weighs joint stockpiles under Critical Raw Materials Act",
                                 published="2024-06-03", published_source="sitemap")  # not the image:title
    pages = parse_sitemap(fixture("sitemaps/pages.xml"), BASE + "/sitemaps/pages.xml")
    assert [e.modified for e in pages.entries][:3] == ["2024-06-20", "2024-06-10", "2015-03-01"]
    assert parse_sitemap(b"not xml at all", BASE).entries == ()


def test_small_parsers():
    assert iso_day("2024-02-30") is None and iso_day("2024-02-29T10:00Z") == "2024-02-29" and iso_day(None) is None
    assert plain_text("<p>A &amp; <b>B</b>\n C</p>") == "A & B C" and plain_text("") is None
