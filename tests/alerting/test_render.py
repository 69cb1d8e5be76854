"""Rendering the seed story (4 reports of one Russian directive, stored by a real `remon run`) and hostile
rows: what happened, the figures side by side, the outlets, the reasons, escaping, and services' limits."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import apprise
import pytest
from alert_fixtures import REPO, remon, write_config
from hypothesis import given
from hypothesis import strategies as st

from monitor.alerting.delivery import RenderOptions, story_message
from monitor.alerting.render.digest import build_digest
from monitor.alerting.render.fit import fit_message
from monitor.alerting.render.message import render_story
from monitor.alerting.render.safe import cut_words, plain
from monitor.models import Reason
from monitor.store import open_archive
from monitor.store.story_digest import DigestArticle, DigestFigure, StoryRows, story_rows

PUBLIC = "https://remon.example.org/"
SERVICES = {  # real apprise plugins: their own formats and limits
    "telegram": "tgram://123456789:abcdefg_hijklmnopqrstuvwxyz123456/12345",
    "discord": "discord://1234/abcdefabcdef",
    "sms": "d7sms://token@15551231234",
    "webhook": "json://127.0.0.1/hook",
}


@pytest.fixture(scope="module")
def seed_rows(tmp_path_factory: pytest.TempPathFactory) -> StoryRows:
    folder = tmp_path_factory.mktemp("seed")
    shutil.copytree(REPO / "seeds", folder / "seeds")
    write_config(folder, "console = false\n")
    done = remon("run", cwd=folder)
    assert done.returncode == 0, done.stderr
    archive = open_archive(folder / "data/remon.db")
    try:
        story = next(archive.db.query("select story_id from articles group by story_id order by count(*) desc"))
        rows = story_rows(archive.db, story["story_id"])
    finally:
        archive.close()
    assert rows is not None and len(rows.articles) == 4
    return rows


def test_seed_digest_says_what_happened_with_the_figures_side_by_side(seed_rows: StoryRows) -> None:
    digest = build_digest(seed_rows, "en", PUBLIC)
    assert digest.headline == "Moscow's mineral gambit: Putin orders ministers to draft long-term strategy for " \
                              "rare-earth metals"
    assert digest.lead.startswith("Putin orders a long-term strategy for mining and processing rare-earth metals")
    assert (digest.date, digest.date_origin) == ("2025-11-06", "from the byline of 003_57c69fa7a3358e0d.txt")
    reserves = digest.figures[0]
    assert [(v.label, len(v.outlets)) for v in reserves.values] == [("28.5 Mt", 2), ("28.7 Mt", 2)]
    assert reserves.values[0].according_to == ("Natural Resources Ministry of Russia",)
    assert [o.outlet for o in digest.outlets] == sorted(a.outlet for a in seed_rows.articles)
    assert digest.why.startswith("It is about rare earths (15×, in the headline)")
    assert "Russia" in digest.actors and digest.story_url == f"{PUBLIC}-/remon/story/{seed_rows.id}"


def test_every_format_carries_the_same_facts(seed_rows: StoryRows) -> None:
    message = render_story(build_digest(seed_rows, "en", PUBLIC))
    for body in (message.text, message.markdown.replace("\\", ""), message.html):
        for needle in ("28.5 Mt", "28.7 Mt", "2 outlets", "Why it matched", f"/-/remon/story/{seed_rows.id}",
                       "Putin orders a long", *(a.url for a in seed_rows.articles)):
            assert needle in body
    assert "vs 28.7 Mt (Natural Resources Ministry of Russia, 2 outlets)" in message.text
    assert {article.language for article in seed_rows.articles} == {"en"}  # detected from the text
    for article in seed_rows.articles:
        assert f"{article.outlet} (English): {article.title}\n  {article.url}" in message.text


def test_story_message_reads_the_archive(tmp_path: Path) -> None:
    archive = open_archive(":memory:")
    assert story_message(archive, 1, RenderOptions()) is None


HOSTILE = "<script>alert(1)</script> **Bold** [click](javascript:alert(2)) \u202egnp.exe\u0007 ` | # _x_"


def _hostile_rows() -> StoryRows:
    article = DigestArticle(id=1, outlet="evil.example", url="javascript:alert(3)", title=HOSTILE, language="en",
                            published="2025-01-02", date_source="metadata", fetched_at="2025-01-02T00:00:00",
                            description=None, opening=f"{HOSTILE}\n{HOSTILE} and more words here to be a lead.",
                            score=0.9, duplicate_of=None, content_type="text/html",
                            reasons=(Reason(HOSTILE, "ree", "title", 1.0),))
    figure = DigestFigure(1, "mass", 5e6, None, "tonnes", "<b>5 Mt</b>", "<i>x</i>", "agency")
    return StoryRows(id=9, title=HOSTILE, published="2025-01-02", first_seen="2025-01-02", last_seen="2025-01-02",
                     score=0.9, representative_article_id=1, articles=(article, replace(article, id=2,
                     outlet="b.example", url="https://b.example/<x>\"onmouseover=1")), figures=(figure,), entities=())


def _tags(html: str) -> list[tuple[str, list[tuple[str, str]]]]:
    found: list[tuple[str, list[tuple[str, str]]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, [(k, v or "") for k, v in attrs]))

    Collect().feed(html)
    return found


def test_no_markup_control_or_bidi_character_reaches_a_message_unescaped() -> None:
    message = render_story(build_digest(_hostile_rows(), "en", PUBLIC))
    for body in (message.title, message.text, message.markdown, message.html, message.compact):
        assert "\u202e" not in body and "\u0007" not in body
    assert "<script" not in message.html and "&lt;script&gt;" in message.html
    tags = _tags(message.html)
    assert {name for name, _ in tags} <= {"div", "h2", "p", "b", "br", "ul", "li", "span", "a", "table", "tr", "td"}
    assert {key for _, attrs in tags for key, _ in attrs} <= {"style", "href"}
    assert all(value.startswith("https://") for _, attrs in tags for key, value in attrs if key == "href")
    assert "\\<script\\>" in message.markdown and "\\[click\\]" in message.markdown and "\\*\\*Bold" in message.markdown
    assert not re.search(r"(?<!\\)\]\(javascript", message.markdown)  # an escaped ] forms no link


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_each_service_gets_a_body_within_its_limits_cut_between_words(seed_rows: StoryRows, service: str) -> None:
    plugin = apprise.Apprise.instantiate(SERVICES[service])
    message = render_story(build_digest(seed_rows, "en", PUBLIC))
    wanted = "markdown" if service == "discord" else "text"
    fitted = fit_message(message, wanted, plugin.body_maxlen, plugin.title_maxlen)
    assert len(fitted.body) <= plugin.body_maxlen and len(fitted.title) <= max(plugin.title_maxlen, 0)
    source = {"markdown": message.markdown}.get(fitted.format, message.text + "\n" + message.compact)
    words = set(source.split()) | {"(more", "in", "the", "archive)"}
    assert all(word.rstrip("…") in words or word in words for word in fitted.body.split())
    if service == "sms":  # headline and the numbers; the link and the lead do not fit in 160 characters
        assert fitted.body.splitlines() == [message.title.removeprefix("[remon] "),
                                            "2025-11-06 · 4 outlets · 28.5 Mt vs 28.7 Mt"]


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200), st.integers(min_value=1, max_value=120))
def test_cut_words_never_cuts_inside_a_word(text: str, limit: int) -> None:
    cleaned = plain(text)
    cut = cut_words(cleaned, limit)
    assert len(cut) <= limit
    if cut and cut != cleaned:
        kept = cut.removesuffix("…")
        assert cleaned.startswith(kept) and (cleaned[len(kept)].isspace() or cleaned[len(kept)] in " ,;:–—-")


def test_headline_and_lead_come_from_the_readers_language_when_an_article_has_it() -> None:
    english = DigestArticle(id=1, outlet="wire.example", url="https://wire.example/a", title="Russia orders a plan",
                            language="en", published=None, date_source=None, fetched_at="2025-01-02T00:00:00",
                            description=None, opening="Russia ordered a rare earth plan today, the ministry said. "
                            "It is due in December.", score=0.9, duplicate_of=None, content_type=None)
    russian = replace(english, id=2, outlet="tass.ru", url="https://tass.ru/b", title="Россия готовит план",
                      language="ru", score=0.5, opening="Правительство подготовит план по редкоземельным металлам "
                      "к декабрю, сообщило министерство. Второе предложение здесь. Третье.")
    rows = StoryRows(id=3, title=english.title, published=None, first_seen="2025-01-02T00:00:00+00:00",
                     last_seen="2025-01-02", score=0.9, representative_article_id=1, articles=(english, russian),
                     figures=(), entities=())
    assert (build_digest(rows, "ru").headline, build_digest(rows, "ru").lead) == (
        "Россия готовит план", "Правительство подготовит план по редкоземельным металлам к декабрю, сообщило "
        "министерство. Второе предложение здесь.")
    assert build_digest(rows, "de").headline == "Russia orders a plan"  # no German article: the best one
    assert build_digest(rows, "en").date_origin == "first seen by remon: no publication date was found"
