"""Decoding: a wrong declared charset never turns UTF-8 into mojibake; legacy charsets read right.

Texts are real reports from bench/data/relevance-heldout.jsonl (the first of each language
that the legacy charset can represent), encoded here into the charsets sites use.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from news_pages import RealText, news_page, real_texts

from monitor.models import Article, Page
from monitor.stages.encoding import codec_name, decode_text
from monitor.stages.extract import extract

CHARSETS = (("de", "windows-1252"), ("es", "windows-1252"), ("fr", "windows-1252"), ("ru", "windows-1251"),
            ("ru", "koi8-r"), ("zh", "gb18030"), ("zh-Hant", "big5"), ("ja", "shift_jis"), ("ja", "euc-jp"))
LABELS = ("iso-8859-1", "windows-1252", "windows-1251", "koi8-r", "gb2312", "gbk", "big5", "shift_jis", "euc-jp",
          "euc-kr", "utf-8", "us-ascii", "utf-16", "no-such-charset", None)


def first_encodable(language: str, charset: str) -> RealText:
    for item in real_texts():
        if item.language == language:
            try:
                item.text.encode(charset)
                item.title.encode(charset)
            except UnicodeEncodeError:
                continue
            return item
    raise LookupError(language)


def test_legacy_charsets_declared_wrongly_or_not_at_all() -> None:
    for language, charset in CHARSETS:
        item = first_encodable(language, charset)
        legacy = item.text.encode(charset)
        assert decode_text(legacy, charset) == item.text, (language, charset, "declared")
        assert decode_text(legacy) == item.text, (language, charset, "undeclared")
        assert decode_text(legacy, "utf-8") == item.text, (language, charset, "declared utf-8")
        assert decode_text(item.text.encode(), charset) == item.text, (language, charset, "utf-8 declared legacy")


def test_utf8_page_declared_latin1_has_no_mojibake() -> None:
    for language in ("de", "es", "fr", "ru", "zh", "ja"):
        item = next(i for i in real_texts() if i.language == language and i.title)
        html = news_page(item).replace('<meta charset="utf-8">', '<meta charset="iso-8859-1">')
        page = Page(url="https://news.example.org/a.html", source="t", fetched_at="2026-01-01T00:00:00+00:00",
                    body=html.encode(), content_type="text/html; charset=ISO-8859-1", encoding="iso-8859-1")
        article = extract(page)
        assert isinstance(article, Article), (language, article)
        assert article.title == item.title and "Ã" not in article.text and "Ð" not in article.text
        assert " ".join(item.text.split())[:30] in " ".join(article.text.split())


def test_declared_subset_charsets_read_as_their_supersets() -> None:
    text = "稀土出口管制 镓锗锑 喆堃"  # the last two are outside GB2312, common in Chinese names
    assert decode_text(text.encode("gb18030"), "gb2312") == text
    assert codec_name("ISO-8859-1") == "iso8859_1" and codec_name("utf-16") is None and codec_name("nope") is None


@given(st.text(min_size=1, max_size=300).filter(lambda t: "\x00" not in t), st.sampled_from(LABELS))
def test_utf8_bytes_decode_to_themselves_whatever_is_declared(text: str, declared: str | None) -> None:
    body = text.encode()
    decoded = decode_text(body, declared)
    if decoded is not None:  # None only for control-character noise (binary)
        assert decoded == text.lstrip("\ufeff")
