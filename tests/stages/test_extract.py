"""Extraction: HTML through trafilatura with metadata, text decoded, non-articles rejected."""

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
