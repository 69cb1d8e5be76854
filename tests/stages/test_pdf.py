"""PDF notices: pypdf text and info fields, and the extract stage on a PDF page."""

from __future__ import annotations

from fixture_site import PDF_LINES, make_pdf

from monitor.models import Article, Page, PageHints, Rejected
from monitor.stages.extract import extract
from monitor.stages.pdf import read_pdf


def pdf_page(body: bytes, hints: PageHints | None = None) -> Page:
    return Page(url="http://127.0.0.1/notices/n18.pdf", source="gov", fetched_at="2024-05-16T10:00:00+00:00",
                body=body, content_type="application/pdf", hints=hints or PageHints())


def test_read_pdf_returns_text_and_info_fields():
    document = read_pdf(make_pdf())
    assert document is not None
    assert document.text.splitlines() == list(PDF_LINES)
    assert (document.title, document.author, document.created) == (
        "Announcement No. 18 of 2024", "Ministry of Commerce", "2024-05-16")


def test_read_pdf_rejects_garbage_and_truncated_files():
    assert read_pdf(b"this is not a PDF") is None
    assert read_pdf(make_pdf()[:200]) is None


def test_extract_turns_a_pdf_page_into_an_article_preferring_listing_hints():
    hints = PageHints(title="MOFCOM notice 18", published="2024-05-15", published_source="feed")
    article = extract(pdf_page(make_pdf(), hints))
    assert isinstance(article, Article)
    assert (article.title, article.published, article.date_source) == ("MOFCOM notice 18", "2024-05-15", "feed")
    assert "apply for an export licence" in article.text and article.author == "Ministry of Commerce"


def test_extract_uses_the_pdf_own_fields_without_hints():
    article = extract(pdf_page(make_pdf()))
    assert isinstance(article, Article)
    assert (article.title, article.published, article.date_source) == (
        "Announcement No. 18 of 2024", "2024-05-16", "metadata")


def test_unreadable_or_short_pdfs_are_rejected_values():
    broken = extract(pdf_page(b"%PDF-1.4 nothing else"))
    assert isinstance(broken, Rejected) and broken.reason == "unreadable-pdf"
    short = extract(pdf_page(make_pdf(("Notice.",))))
    assert isinstance(short, Rejected) and short.reason == "too-short"
