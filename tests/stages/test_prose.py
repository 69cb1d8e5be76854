"""The article test in every script, on real texts in a synthetic page template (see tests/news_pages.py).

The texts are real news reports (bench/data/relevance-heldout.jsonl, first ones of each
language in file order); the page around them is a plain synthetic news template.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from news_pages import by_language, hard_wrapped, news_page, real_texts

from monitor.models import Article, Page, Rejected
from monitor.stages.extract import extract
from monitor.stages.prose import gate_kind, join_wrapped, judge_prose, sentence_ends, text_size, word_count

NOW = "2026-01-02T03:04:05+00:00"


def page_of(html: str, url: str = "https://news.example.org/2025/10/09/story.html") -> Page:
    return Page(url=url, source="t", fetched_at=NOW, body=html.encode(), content_type="text/html; charset=utf-8")


def test_real_articles_in_every_language_are_kept_with_title_and_language() -> None:
    chosen = by_language(per_language=2)
    assert len(chosen) >= 25  # 30 languages in the held-out set
    failures = []
    for language, items in chosen.items():
        for item in items:
            outcome = extract(page_of(news_page(item)))
            if not isinstance(outcome, Article):
                failures.append((item.id, language, outcome))
                continue
            first = " ".join(item.text.split())[:40]  # HTML collapses runs of spaces
            if first not in " ".join(outcome.text.split()) or outcome.title != item.title.strip():
                failures.append((item.id, language, outcome.title))
            if outcome.language != item.code:
                failures.append((item.id, language, outcome.language))
    assert failures == []


def test_hard_wrapped_wire_copy_is_kept_in_any_script() -> None:
    for language in ("en", "ja", "zh-Hant", "ko", "ru", "ar", "hi", "th"):
        item = by_language()[language][0]
        outcome = extract(page_of(news_page(item, preformatted=True)))
        assert isinstance(outcome, Article), (item.id, outcome)
        wrapped = hard_wrapped(item.text)
        judged = judge_prose(wrapped)
        # lines are re-joined at least up to each sentence end (a wrap after one cannot be told from a break)
        assert judged.reason is None
        assert judged.paragraphs <= sentence_ends(item.text) + item.text.count("\n\n") + 1


def test_short_real_items_are_kept() -> None:
    """The shortest real report of each language (wire flashes, two-sentence notices) is an article."""
    shortest: dict[str, object] = {}
    for item in real_texts():
        best = shortest.get(item.language)
        if best is None or len(item.text) < len(best.text):  # type: ignore[attr-defined]
            shortest[item.language] = item
    kept = [extract(page_of(news_page(item))) for item in shortest.values()]  # type: ignore[arg-type]
    rejected = [(item.id, o) for item, o in zip(shortest.values(), kept, strict=True) if isinstance(o, Rejected)]
    assert rejected == []


def test_index_tag_login_and_consent_pages_are_rejected() -> None:
    links = "".join(f'<li><a href="/n/{i}">Headline number {i} about rare earths and magnets</a></li>'
                    for i in range(40))
    index = extract(page_of(f"<html><body><h1>Rare earths</h1><ul>{links}</ul></body></html>"))
    assert isinstance(index, Rejected) and index.reason == "not-article"
    login = extract(page_of(
        "<html><head><title>Sign in</title></head><body><main><h1>Sign in to your account</h1>"
        "<form><label>Email address</label><input><label>Password</label><input type=password></form>"
        "<p>Forgot your password? Reset it here.</p><p>Don't have an account? Register now to read unlimited "
        "articles, get our newsletters and join the conversation with other readers.</p><p>By signing in you "
        "agree to our Terms of Service and acknowledge that you have read our Privacy Policy.</p></main></body></html>"))
    assert isinstance(login, Rejected) and login.reason == "login"
    consent = extract(page_of(
        "<html><body><div><h1>We value your privacy</h1><p>We and our 842 partners store and/or access "
        "information on a device, such as cookies and process personal data, such as unique identifiers and "
        "standard information sent by a device for personalised advertising and content.</p><p>With your "
        "permission we and our partners may use precise geolocation data. You may click to consent to our "
        "processing as described above, or access more detailed information and change your preferences "
        "before consenting or to refuse consenting.</p><button>Accept all</button></div></body></html>"))
    assert isinstance(consent, Rejected) and consent.reason == "consent"


def test_sizes_and_sentence_ends_per_script() -> None:
    assert text_size("稀土") == 6 and text_size("abc") == 3 and text_size("희토류") == 6
    assert word_count("China curbs rare earth exports") == 5
    assert 5 < word_count("商务部发布稀土出口管制公告") < 10
    assert sentence_ends("商务部发布公告。出口需许可！") == 2
    assert sentence_ends("هل ستفرض الصين قيوداً؟ نعم.") == 2
    assert sentence_ends("सरकार ने नीति घोषित की। इसका असर होगा।") == 2
    assert sentence_ends("U.S. and E.U. officials") == 0 or sentence_ends("U.S. and E.U. officials") <= 2


def test_consent_words_in_a_long_article_are_not_a_gate() -> None:
    item = by_language()["en"][0]
    cookie_article = "Regulators said cookies, consent and personal data rules apply. " + item.text
    while text_size(cookie_article) < 2500:
        cookie_article += "\n\n" + item.text
    assert gate_kind(cookie_article) is None


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_join_wrapped_keeps_every_visible_character(text: str) -> None:
    joined = "".join(join_wrapped(text))
    assert "".join(joined.split()) == "".join("".join(line.strip() for line in text.splitlines()).split())
    judge_prose(text)  # never raises
