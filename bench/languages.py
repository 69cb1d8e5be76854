"""Article test and language per language: every held-out real text in a synthetic news page.

Data: bench/data/relevance-heldout.jsonl (385 real reports, 30 languages; texts real, the page
template around them synthetic, see tests/news_pages.py). For each language: share of texts
kept as articles (as paragraphs, and hard-wrapped at 60 columns in a <pre> like wire copy),
share whose stored language is the labelled one (page declares it, and again with every page
wrongly declaring lang="en"), and share whose title is the text's headline (when it has one).

    python bench/languages.py
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from news_pages import RealText, news_page, real_texts

from monitor.models import Article, Page
from monitor.stages.extract import extract

COLUMNS = ("kept", "kept wrapped", "language", "language, lang=en declared", "title")


def judge(item: RealText) -> dict[str, bool | None]:
    def run(html: str) -> Article | None:
        outcome = extract(Page(url=f"https://news.example.org/{item.id}.html", source="bench",
                               fetched_at="2026-01-01T00:00:00+00:00", body=html.encode(),
                               content_type="text/html; charset=utf-8"))
        return outcome if isinstance(outcome, Article) else None

    plain, wrapped, english = run(news_page(item)), run(news_page(item, preformatted=True)), \
        run(news_page(item, lang="en"))
    return {"kept": plain is not None, "kept wrapped": wrapped is not None,
            "language": plain is not None and plain.language == item.code,
            "language, lang=en declared": english is not None and english.language == item.code,
            "title": (plain is not None and plain.title == item.title.strip()) if item.title else None}


def main() -> int:
    totals: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    for item in real_texts():
        for column, value in judge(item).items():
            if value is not None:
                totals[item.language][column].append(value)
                totals["ALL"][column].append(value)
    print(f"{'language':10} {'texts':>5} " + " ".join(f"{c:>14}" for c in COLUMNS))
    for language in sorted(totals, key=lambda lang: (lang == "ALL", lang)):
        row = totals[language]
        cells = [f"{sum(row[c]) / len(row[c]):14.1%}" if row[c] else f"{'-':>14}" for c in COLUMNS]
        print(f"{language:10} {len(row['kept']):5d} " + " ".join(cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
