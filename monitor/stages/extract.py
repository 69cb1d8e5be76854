"""Extraction: a fetched Page becomes an Article (text + metadata) or a Rejected value.

The only module that imports trafilatura. Bytes are decoded once (`encoding`), HTML goes
through trafilatura with metadata, the headline is chosen among the page's candidates
(`titles`), the article test works in every script (`prose`) and the language is detected
from the text (`language`). Plain text and Markdown are used as they are, their title left
for the clean stage to infer once junk lines are gone.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import trafilatura
from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_sitename,
    extract_url,
)
from trafilatura.settings import Document
from trafilatura.utils import load_html

from monitor.models import Article, Page, Rejected
from monitor.stages.dates import choose_date
from monitor.stages.encoding import decode_text, looks_binary
from monitor.stages.language import detect_language
from monitor.stages.pdf import PDF_TYPES, read_pdf
from monitor.stages.prose import MIN_ARTICLE_SIZE, judge_prose, text_size
from monitor.stages.titles import choose_title, read_candidates
from monitor.stages.urls import canonical_url

log = logging.getLogger(__name__)

__all__ = ["decode_text", "extract", "looks_binary", "media_type"]
TEXT_TYPES = ("text/plain", "text/markdown", "text/x-markdown")
HTML_TYPES = ("text/html", "application/xhtml+xml")
# Chosen by bench/extraction.py (181 pages, Zyte benchmark): `fast` skips the fallback
# extractors (no F1 loss there). Metadata is read by `read_metadata` from the same parsed
# tree: trafilatura's own pass also computes categories, tags, licence and a title that
# remon does not use (a third of its cost). Dates from markup and URL only, never guessed
# from free text.
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "with_metadata": False, "include_comments": False, "include_tables": True, "deduplicate": False,
    "fast": True,
}
DATE_OPTIONS: dict[str, Any] = {"extensive_search": False, "original_date": True}


def extract(page: Page) -> Article | Rejected:
    """An Article from an HTML or text page; Rejected for empty, binary, unsupported or non-article pages."""
    if not page.body.strip():
        return Rejected("extract", "empty", page.url, "no content")
    kind = media_type(page)
    if kind in TEXT_TYPES:
        return _from_text(page)
    if kind in HTML_TYPES:
        return _from_html(page)
    if kind in PDF_TYPES:
        return _from_pdf(page)
    return Rejected("extract", "unsupported-type", page.url, kind)


def media_type(page: Page) -> str:
    """The page's media type, sniffed from the body when the declared one is missing or generic."""
    declared = page.content_type.split(";", 1)[0].strip().lower()
    head = page.body[:512].lstrip().lower()
    if declared in ("", "application/octet-stream", "binary/octet-stream", "application/x-download",
                    "application/force-download"):
        if page.body.startswith(b"%PDF-"):
            return "application/pdf"
        if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
            return "text/html"
        if looks_binary(page.body):
            return "application/octet-stream"
        return "text/plain"
    return declared


def _from_text(page: Page) -> Article | Rejected:
    text = decode_text(page.body, page.encoding)
    if text is None:
        return Rejected("extract", "binary", page.url, "body is not text")
    if text_size(text.strip()) < MIN_ARTICLE_SIZE:
        return Rejected("extract", "too-short", page.url, f"{len(text.strip())} characters")
    hints = page.hints
    return Article(
        url=page.url, canonical_url=canonical_url(page.url), source=page.source, fetched_at=page.fetched_at,
        title=hints.title or "", text=text, published=hints.published,
        date_source=hints.published_source if hints.published else None, author=hints.author,
        language=detect_language(text, hints.title or "", _header(page, "content-language")),
    )


def _from_pdf(page: Page) -> Article | Rejected:
    """A PDF notice: pypdf text, with the listing's title and date preferred over the PDF's own."""
    document = read_pdf(page.body)
    if document is None:
        return Rejected("extract", "unreadable-pdf", page.url, "pypdf could not read it")
    if text_size(document.text.strip()) < MIN_ARTICLE_SIZE:
        return Rejected("extract", "too-short", page.url, f"{len(document.text.strip())} characters of PDF text")
    hints = page.hints
    published = hints.published or document.created
    date_source = hints.published_source if hints.published else ("metadata" if document.created else None)
    return Article(
        url=page.url, canonical_url=canonical_url(page.url), source=page.source, fetched_at=page.fetched_at,
        title=hints.title or document.title or "", text=document.text, published=published,
        date_source=date_source, author=hints.author or document.author, description=hints.summary,
        language=detect_language(document.text, hints.title or document.title or ""),
    )


def _from_html(page: Page) -> Article | Rejected:
    """Decode once, parse once, extract with trafilatura, judge the prose, then read the metadata."""
    html = decode_text(page.body, page.encoding)
    if html is None:
        return Rejected("extract", "binary", page.url, "body is not text")
    if "<" not in html[:4096]:  # served as HTML, written as plain text
        return _from_text(page)
    try:
        tree = load_html(html)  # parsed once: trafilatura extracts from a copy, metadata reads the original
        if tree is None:
            return Rejected("extract", "not-html", page.url, "no HTML tree")
        document = trafilatura.bare_extraction(tree, url=page.url, **TRAFILATURA_OPTIONS)
        text = (getattr(document, "text", None) or "").strip() if document is not None else ""
        judgement = judge_prose(text)
        if judgement.reason is not None:
            return Rejected("extract", judgement.reason, page.url, judgement.detail())
        metadata = read_metadata(tree, page.url)
    except Exception as error:  # noqa: BLE001 - trafilatura and lxml raise assorted errors on broken markup
        log.warning("extraction failed for %s: %s", page.url, error)
        return Rejected("extract", "extraction-error", page.url, f"{type(error).__name__}: {error}"[:200])
    return _article_from_document(page, metadata, text, html)


def read_metadata(tree: HtmlElement, url: str) -> Document:
    """Author, canonical URL, site name, description and date, as trafilatura's metadata pass finds
    them (meta tags, JSON-LD, bylines, htmldate), without the parts remon does not use."""
    document = examine_meta(tree)
    if document.author and " " not in document.author:  # trafilatura's rule: one word is not a name
        document.author = None
    try:
        document = extract_meta_json(tree, document)
    except Exception as error:  # noqa: BLE001 - trafilatura's JSON-LD reader has known bugs
        log.debug("JSON-LD metadata unreadable for %s: %s", url, error)
    document.author = document.author or extract_author(tree)
    document.url = document.url or extract_url(tree, url)
    document.date = find_date(tree, url=document.url, **DATE_OPTIONS)
    document.sitename = _site_name(document.sitename or extract_sitename(tree), document.url)
    document.clean_and_trim()
    return document


def _article_from_document(page: Page, document: object, text: str, html: str) -> Article:
    hints = page.hints
    published, date_source = choose_date(getattr(document, "date", None), html, page.url,
                                         hints.published, hints.published_source)
    found_url = getattr(document, "url", None)
    canonical = canonical_url(page.url)
    if found_url and _same_host(found_url, page.url):  # <link rel=canonical> / og:url, if on the same site
        canonical = canonical_url(found_url)
    fallback = (getattr(document, "title", None) or hints.title or "").strip()
    candidates = read_candidates(html)
    title = choose_title(candidates, page.url, fallback)
    declared = candidates.language or getattr(document, "language", None) or _header(page, "content-language")
    return Article(
        url=page.url, canonical_url=canonical, source=page.source, fetched_at=page.fetched_at,
        title=title, text=text, published=published, date_source=date_source,
        author=getattr(document, "author", None) or hints.author,
        site_name=getattr(document, "sitename", None),
        language=detect_language(text, title, declared),
        description=getattr(document, "description", None) or hints.summary,
    )


def _site_name(name: str | None, url: str | None) -> str | None:
    """trafilatura's site-name rules: no @ of a handle, capitalised, else the URL's host."""
    name = (name or "").lstrip("@")
    if name:
        return name.title() if "." not in name and not name[0].isupper() else name
    match = META_URL.match(url or "")
    return match[1] if match else None


def _header(page: Page, name: str) -> str | None:
    return next((value for key, value in page.headers if key.lower() == name), None)


def _same_host(first: str, second: str) -> bool:
    host = urlsplit(first).hostname
    return bool(host) and host == urlsplit(second).hostname
