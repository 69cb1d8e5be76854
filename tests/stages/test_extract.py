"""Extraction: HTML through trafilatura with metadata, text decoded, non-articles rejected."""

from hypothesis import given
from hypothesis import strategies as st

from monitor.models import Article, Page, PageHints, Rejected
from monitor.stages.extract import decode_text, extract, looks_binary, media_type

PARAGRAPH = ("The Ministry of Commerce announced new export controls on seven rare-earth elements, "
             "requiring licences for shipments of samarium, gadolinium and terbium. ")


def page(body: bytes, content_type: str = "text/html", **kwargs: object) -> Page:
    return Page(url="https://news.example.com/a/b?utm_source=rss", source="t",
                fetched_at="2026-01-02T03:04:05+00:00", body=body, content_type=content_type, **kwargs)


HTML = f"""<html><head><title>Site | China curbs exports</title>
<meta name="author" content="Jane Doe"><meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2025-10-09T08:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>China curbs rare-earth exports</h1><p>{PARAGRAPH * 3}</p><p>{PARAGRAPH * 2}</p></article>
<footer>Copyright 2025 Example News</footer></body></html>""".encode()


def test_html_article_with_metadata() -> None:
    article = extract(page(HTML))
    assert isinstance(article, Article)
    assert article.title == "China curbs rare-earth exports"
    assert (article.author, article.published, article.date_source) == ("Jane Doe", "2025-10-09", "metadata")
    assert article.site_name == "Example News"
    assert article.canonical_url == "https://news.example.com/a/b"
    assert "export controls on seven rare-earth elements" in article.text
    assert "Home" not in article.text and "Copyright" not in article.text


def test_feed_hints_fill_missing_metadata() -> None:
    bare = f"<html><body><article><p>{PARAGRAPH * 4}</p></article></body></html>".encode()
    hints = PageHints(title="Feed title", published="2025-01-02", published_source="feed", summary="Sum")
    article = extract(page(bare, hints=hints))
    assert isinstance(article, Article)
    assert (article.title, article.published, article.date_source) == ("Feed title", "2025-01-02", "feed")


def test_index_page_is_not_an_article() -> None:
    links = "".join(f'<li><a href="/n/{i}">Headline number {i}</a></li>' for i in range(40))
    result = extract(page(f"<html><body><ul>{links}</ul></body></html>".encode()))
    assert isinstance(result, Rejected) and (result.stage, result.reason) == ("extract", "not-article")


def test_empty_binary_and_unsupported_bodies_are_rejected() -> None:
    assert extract(page(b"  \n ")) == Rejected("extract", "empty", page(b"").url, "no content")
    binary = extract(page(b"\x89PNG\r\n\x1a\n\x00\x00" * 50, content_type="text/plain"))
    assert isinstance(binary, Rejected) and binary.reason == "binary"
    image = extract(page(b"\xff\xd8\xff" * 10, content_type="image/jpeg"))
    assert isinstance(image, Rejected) and image.reason == "unsupported-type"


def test_legacy_encodings_are_decoded() -> None:
    russian = "Правительство утвердило дорожную карту по редкоземельным металлам до 2030 года. " * 5
    assert decode_text(russian.encode("windows-1251")) == russian
    assert decode_text(russian.encode("windows-1251"), "windows-1251") == russian
    french = "Le gouvernement a publié une stratégie sur les terres rares et les métaux critiques. " * 5
    assert decode_text(french.encode("latin-1")) == french


def test_text_page_keeps_text_and_leaves_title_to_clean() -> None:
    article = extract(page((PARAGRAPH * 3).encode(), content_type="text/plain; charset=utf-8"))
    assert isinstance(article, Article)
    assert article.title == "" and article.text == PARAGRAPH * 3


def test_media_type_sniffs_generic_types() -> None:
    assert media_type(page(b"<!DOCTYPE html><html>", content_type="application/octet-stream")) == "text/html"
    assert media_type(page(b"plain words", content_type="")) == "text/plain"
    assert looks_binary(b"abc\x00def") and not looks_binary("текст".encode())


def test_pdf_served_as_octet_stream_is_sniffed() -> None:
    assert media_type(page(b"%PDF-1.4\n%\xe2\xe3\n1 0 obj", content_type="application/octet-stream")) == \
        "application/pdf"


BAD_PAGES = {
    "binary": bytes(range(256)) * 8,
    "nul bytes": HTML.replace(b"<p>", b"<p>\x00", 3),
    "truncated": HTML[: len(HTML) // 3],
    "deeply nested": b"<html><body>" + b"<div>" * 5000 + PARAGRAPH.encode() * 3 + b"</div>" * 5000 + b"</body></html>",
    "empty markup": b"<html><head></head><body></body></html>",
    "only a script": b"<html><body><script>" + b"var x = 1;" * 2000 + b"</script></body></html>",
}


def test_bad_pages_are_rejected_with_a_reason() -> None:
    for name, body in BAD_PAGES.items():
        outcome = extract(page(body))
        assert isinstance(outcome, Rejected) and outcome.reason and outcome.stage == "extract", name


@given(st.binary(max_size=3000), st.sampled_from(["text/html", "text/plain", "", "application/octet-stream"]))
def test_extract_never_raises_on_arbitrary_bytes(body: bytes, content_type: str) -> None:
    outcome = extract(page(body, content_type=content_type))
    assert isinstance(outcome, Article) or (isinstance(outcome, Rejected) and outcome.reason)


@given(st.integers(min_value=0, max_value=len(HTML)), st.integers(min_value=0, max_value=len(HTML)))
def test_truncated_or_nul_spliced_pages_never_raise(cut: int, nul_at: int) -> None:
    body = HTML[:cut]
    body = body[:nul_at] + b"\x00" + body[nul_at:]
    outcome = extract(page(body))
    assert isinstance(outcome, Article | Rejected)


def test_html_without_markup_is_read_as_text() -> None:
    article = extract(page((PARAGRAPH * 3).encode(), content_type="text/html"))
    assert isinstance(article, Article) and article.text == PARAGRAPH * 3 and article.language == "en"
