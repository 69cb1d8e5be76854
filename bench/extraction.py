"""Article-extraction benchmark: remon's `monitor.stages.extract` beside raw `trafilatura.extract`, same run.

Data: ../shared/bench/article-extraction (181 gzipped pages + ground-truth.json, Zyte's
article-extraction-benchmark), referenced in place, never copied. Scoring as upstream:
texts are multisets of word 4-grams (tokens `\\w+`, case kept); precision and recall per
document, averaged; F1 of the averages; an empty output counts as zero recall and is left
out of the precision average. Throughput is pages per second of extraction alone, both
extractors timed page by page in alternation so that machine noise hits both alike.

    python bench/extraction.py [--data DIR] [--limit N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.models import Article, Page
from monitor.stages.extract import extract

DEFAULT_DATA = ROOT / ".." / "shared" / "bench" / "article-extraction"
TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class Case:
    id: str
    url: str
    html: bytes
    truth: str


@dataclass
class Score:
    """Running totals for one extractor."""

    precisions: list[float] = field(default_factory=list)
    recalls: list[float] = field(default_factory=list)
    seconds: float = 0.0
    empty: int = 0

    def add(self, predicted: str, truth: str) -> None:
        p, r = precision_recall(predicted, truth)
        self.recalls.append(r)
        if p is None:
            self.empty += 1
        else:
            self.precisions.append(p)

    def figures(self) -> tuple[float, float, float, float]:
        """(precision, recall, F1, pages per second)."""
        p = sum(self.precisions) / len(self.precisions) if self.precisions else 0.0
        r = sum(self.recalls) / len(self.recalls) if self.recalls else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f1, len(self.recalls) / self.seconds if self.seconds else 0.0


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = TOKEN.findall(text)
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def precision_recall(predicted: str, truth: str) -> tuple[float | None, float]:
    """Per-document (precision, recall); precision None for an empty output (upstream's rule)."""
    expected = shingles(truth)
    if not predicted.strip():
        return None, 0.0
    got = shingles(predicted)
    overlap = sum((got & expected).values())
    precision = overlap / sum(got.values()) if got else 0.0
    recall = overlap / sum(expected.values()) if expected else 0.0
    return precision, recall


def load_cases(data: Path, limit: int | None = None) -> list[Case]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    cases = []
    for key in sorted(truth)[:limit]:
        html = gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes())
        cases.append(Case(id=key, url=truth[key].get("url", ""), html=html, truth=truth[key]["articleBody"]))
    return cases


def remon_text(case: Case) -> str:
    page = Page(url=case.url, source="bench", fetched_at="2024-01-01T00:00:00+00:00", body=case.html,
                content_type="text/html")
    outcome = extract(page)
    return outcome.text if isinstance(outcome, Article) else ""


def raw_text(case: Case) -> str:
    return trafilatura.extract(case.html) or ""


def timed(function: Callable[[Case], str], case: Case, score: Score) -> None:
    started = time.perf_counter()
    text = function(case)
    score.seconds += time.perf_counter() - started
    score.add(text, case.truth)


def run(cases: list[Case]) -> dict[str, Score]:
    scores = {"remon (monitor.stages.extract)": Score(), "trafilatura.extract (defaults)": Score()}
    remon, raw = scores.values()
    for case in cases[:3]:  # warm-up: imports, lazy caches
        remon_text(case), raw_text(case)
    for index, case in enumerate(cases):
        order = ((remon_text, remon), (raw_text, raw))
        for function, score in (order if index % 2 == 0 else order[::-1]):
            timed(function, case, score)
    return scores


def report(scores: dict[str, Score], pages: int) -> str:
    lines = [f"article-extraction benchmark: {pages} pages",
             f"{'extractor':32} {'precision':>9} {'recall':>7} {'F1':>7} {'pages/s':>8} {'empty':>5}"]
    for name, score in scores.items():
        p, r, f1, rate = score.figures()
        lines.append(f"{name:32} {p:9.3f} {r:7.3f} {f1:7.3f} {rate:8.1f} {score.empty:5d}")
    (_, _, f1_remon, rate_remon), (_, _, f1_raw, rate_raw) = (s.figures() for s in scores.values())
    lines.append(f"ratios remon/raw: F1 {f1_remon / f1_raw:.3f}, throughput {rate_remon / rate_raw:.3f}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="benchmark folder")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    args = parser.parse_args()
    if not (args.data / "ground-truth.json").is_file():
        print(f"benchmark data not found in {args.data.resolve()}", file=sys.stderr)
        return 2
    cases = load_cases(args.data, args.limit)
    print(report(run(cases), len(cases)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
