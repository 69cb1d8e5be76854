"""Real article texts in a plain news-page template, for extraction tests in many languages.

The TEXTS are real (bench/data/relevance-heldout.jsonl: news reports in 30 languages, each
with its source); the PAGE TEMPLATE around them is synthetic: a site header, navigation,
a related-links block and a footer such as news sites have, so that extraction has page
furniture to remove. `hard_wrapped` re-flows a text the way wire services send copy.
"""

from __future__ import annotations

import html
import json
import textwrap
from dataclasses import dataclass
from pathlib import Path

HELDOUT = Path(__file__).resolve().parents[1] / "bench" / "data" / "relevance-heldout.jsonl"


@dataclass(frozen=True)
class RealText:
    id: str
    language: str  # as labelled: 'en', 'zh-Hant', ...
    title: str
    text: str
    source: str

    @property
    def code(self) -> str:
        """ISO 639-1 code of the labelled language."""
        return self.language.split("-")[0]


def real_texts() -> list[RealText]:
    rows = [json.loads(line) for line in HELDOUT.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [RealText(r["id"], r["language"], r["title"], r["text"], r["source"]) for r in rows]


def by_language(per_language: int = 1, min_chars: int = 0) -> dict[str, list[RealText]]:
    """The first texts of each labelled language, in file order (no picking)."""
    chosen: dict[str, list[RealText]] = {}
    for item in real_texts():
        if len(item.text) >= min_chars and len(chosen.setdefault(item.language, [])) < per_language:
            chosen[item.language].append(item)
    return chosen


def hard_wrapped(text: str, width: int = 60) -> str:
    """Wire copy: every paragraph wrapped at `width` columns, paragraphs one blank line apart."""
    return "\n\n".join(textwrap.fill(p, width) for p in text.split("\n\n") if p.strip())


def news_page(item: RealText, *, site: str = "Daily Courier", lang: str | None = None,
              preformatted: bool = False, kicker: str = "World") -> str:
    """A synthetic news page around a real text: og/JSON-LD metadata, nav, kicker, h1, body, related links."""
    paragraphs = [p for p in item.text.split("\n\n") if p.strip()]
    if preformatted:
        body = f"<pre>{html.escape(hard_wrapped(item.text))}</pre>"
    else:
        body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    title = html.escape(item.title)
    ld = json.dumps({"@type": "NewsArticle", "headline": item.title, "datePublished": "2025-10-09"},
                    ensure_ascii=False) if item.title else "{}"
    related = "".join(f'<li><a href="/news/{n}">Related story number {n}</a></li>' for n in range(8))
    return f"""<!DOCTYPE html><html lang="{lang or item.language}"><head><meta charset="utf-8">
<title>{title + " | " if title else ""}{site}</title>{f'<meta property="og:title" content="{title}">' if title else ""}
<meta property="og:site_name" content="{site}"><script type="application/ld+json">{ld}</script></head>
<body><header><a href="/" class="logo"><h1>{site}</h1></a><nav><a href="/world">World</a>
<a href="/business">Business</a><a href="/login">Sign in</a></nav></header>
<main><article><div class="kicker">{kicker}</div>{f"<h1>{title}</h1>" if title else ""}
<time datetime="2025-10-09">9 Oct 2025</time>
{body}</article><aside><h2>Related</h2><ul>{related}</ul></aside></main>
<footer><p>© 2025 {site}. All rights reserved.</p><a href="/privacy">Privacy</a></footer></body></html>"""
