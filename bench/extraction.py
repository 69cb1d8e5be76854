"""Article-extraction benchmark: remon's `monitor.stages.extract` beside raw `trafilatura.extract`, same run.

Data: ../shared/bench/article-extraction (181 gzipped pages + ground-truth.json, Zyte's
article-extraction-benchmark), referenced in place, never copied. Scoring as upstream:
texts are multisets of word 4-grams (tokens `\\w+`, case kept); precision and recall per
document, averaged; F1 of the averages; an empty output counts as zero recall and is left
out of the precision average. Compared in one run, page by page in alternating order so
that machine noise hits all alike: remon's whole extraction path (`flow.process_page`:
extract, clean, analyse, dedupe, store into a fresh SQLite archive; the stored text is
scored), remon's extract stage alone, raw trafilatura for text + metadata
(`bare_extraction(with_metadata=True)`) and `trafilatura.extract` with its defaults.
The cost of each stage of the path is measured inside the same `process_page` calls.

`--cli` also feeds the pages as HTML seed files through `remon run` (the public CLI,
start-up included) and times raw trafilatura on the same pages in the same run.

    python bench/extraction.py [--data DIR] [--limit N] [--cli]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor import flow
from monitor.config.load import parse_config
from monitor.models import Article, Page, Stored
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


def page_of(case: Case, url: str | None = None) -> Page:
    return Page(url=url or case.url, source="bench", fetched_at="2024-01-01T00:00:00+00:00", body=case.html,
                content_type="text/html")


def remon_text(case: Case) -> str:
    outcome = extract(page_of(case))
    return outcome.text if isinstance(outcome, Article) else ""


def raw_text(case: Case) -> str:
    return trafilatura.extract(case.html) or ""


def raw_with_metadata(case: Case) -> str:
    """Raw trafilatura as a user would call it for text and metadata (title, date, author, language)."""
    document = trafilatura.bare_extraction(case.html, url=case.url, with_metadata=True)
    return (getattr(document, "text", None) or "") if document is not None else ""


class StageClock:
    """Wraps the stage functions the flow calls so one `process_page` run also yields each stage's cost."""

    STAGES = ("extract", "clean", "analyse")

    def __init__(self) -> None:
        self.seconds = dict.fromkeys(self.STAGES, 0.0)
        for name in self.STAGES:
            setattr(flow, name, self._timed(name, getattr(flow, name)))

    def _timed(self, name: str, function: Callable[..., object]) -> Callable[..., object]:
        def wrapper(*args: object, **kwargs: object) -> object:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - started
        return wrapper


class RemonPath:
    """remon's extraction path, as `process_page` runs it: extract, clean, analyse, dedupe and store."""

    def __init__(self, folder: Path, clock: StageClock) -> None:
        config = parse_config({"storage": {"path": str(folder / "bench.db")}}, base_dir=str(folder))
        self.context = flow.open_context(config)
        self.clock = clock
        self.stored_text: dict[str, str] = {}

    def __call__(self, case: Case) -> str:
        outcome = flow.process_page(page_of(case), self.context, "2024-01-01T00:00:00+00:00")
        if isinstance(outcome, Stored):
            row = self.context.archive.db.table("articles").get(outcome.article_id)
            return str(row["text"])
        return ""


def timed(function: Callable[[Case], str], case: Case, score: Score) -> None:
    started = time.perf_counter()
    text = function(case)
    score.seconds += time.perf_counter() - started
    score.add(text, case.truth)


def run(cases: list[Case], folder: Path) -> tuple[dict[str, Score], StageClock]:
    clock = StageClock()
    warm = RemonPath(folder / "warm", clock)
    for case in cases[:3]:  # warm-up: imports, lazy caches, the watchlist
        warm(case), raw_with_metadata(case), raw_text(case), remon_text(case)
    flow.close_context(warm.context)
    clock.seconds = dict.fromkeys(clock.STAGES, 0.0)
    path = RemonPath(folder / "run", clock)
    scores = {"remon path (process_page)": Score(), "remon extract stage only": Score(),
              "trafilatura text+metadata": Score(), "trafilatura.extract (defaults)": Score()}
    functions: tuple[Callable[[Case], str], ...] = (path, remon_text, raw_with_metadata, raw_text)
    for index, case in enumerate(cases):
        order = list(zip(functions, scores.values(), strict=True))
        for function, score in (order if index % 2 == 0 else order[::-1]):
            timed(function, case, score)
    flow.close_context(path.context)
    return scores, clock


def report(scores: dict[str, Score], clock: StageClock, pages: int) -> str:
    lines = [f"article-extraction benchmark: {pages} pages",
             f"{'extractor':32} {'precision':>9} {'recall':>7} {'F1':>7} {'pages/s':>8} {'empty':>5}"]
    for name, score in scores.items():
        p, r, f1, rate = score.figures()
        lines.append(f"{name:32} {p:9.3f} {r:7.3f} {f1:7.3f} {rate:8.1f} {score.empty:5d}")
    path, only, meta, raw = (s.figures() for s in scores.values())
    lines.append(f"ratios vs trafilatura text+metadata: path F1 {path[2] - meta[2]:+.3f}, "
                 f"throughput {path[3] / meta[3]:.3f}; extract stage F1 {only[2] - meta[2]:+.3f}, "
                 f"throughput {only[3] / meta[3]:.3f}")
    lines.append(f"ratios vs trafilatura.extract defaults: path F1 {path[2] - raw[2]:+.3f}, "
                 f"throughput {path[3] / raw[3]:.3f}")
    total = next(iter(scores.values())).seconds
    costs = {**clock.seconds, "dedupe+store": total - sum(clock.seconds.values())}
    lines.append("cost per stage of the path (ms/page, share): " + ", ".join(
        f"{name} {1000 * seconds / pages:.1f} ({seconds / total:.0%})" for name, seconds in costs.items()))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    lines.append(f"process CPU {time.process_time():.1f} s, peak memory {usage.ru_maxrss / 1024:.0f} MB")
    return "\n".join(lines)


def through_cli(cases: list[Case], folder: Path) -> str:
    """The pages as HTML seed files through `remon run` (a fresh archive), beside raw trafilatura
    text + metadata on the same pages in the same run; stored texts scored as above."""
    seeds = folder / "seeds"
    seeds.mkdir()
    for case in cases:
        (seeds / f"{case.id}.html").write_bytes(case.html)
    config = folder / "remon.toml"
    config.write_text(f'[storage]\npath = "{folder / "cli.db"}"\n\n[[sources]]\nname = "bench"\nkind = "seeds"\n'
                      f'path = "{seeds}"\n', encoding="utf-8")
    raw = Score()
    raw_cpu = time.process_time()
    for case in cases:
        timed(raw_with_metadata, case, raw)
    raw_cpu = time.process_time() - raw_cpu
    started, cpu_before = time.perf_counter(), _children_cpu()
    subprocess.run([str(Path(sys.executable).with_name("remon")), "run", "--config", str(config), "--no-alerts",
                    "-q"], check=True, capture_output=True)
    seconds = time.perf_counter() - started
    cpu = _children_cpu() - cpu_before
    with sqlite3.connect(folder / "cli.db") as db:
        texts = {Path(url).stem: text for url, text in db.execute("select url, text from articles")}
    cli = Score(seconds=seconds)
    for case in cases:
        cli.add(texts.get(case.id, ""), case.truth)
    (_, _, f1_cli, rate_cli), (_, _, f1_raw, rate_raw) = cli.figures(), raw.figures()
    return (f"remon run over {len(cases)} HTML seeds: {len(texts)} stored, F1 {f1_cli:.3f} "
            f"(raw trafilatura text+metadata {f1_raw:.3f}, {f1_cli - f1_raw:+.3f}); {rate_cli:.1f} pages/s "
            f"wall incl. start-up vs raw {rate_raw:.1f}: {rate_cli / rate_raw:.3f}x; CPU seconds remon run "
            f"{cpu:.1f} (start-up included) vs raw {raw_cpu:.1f}: throughput by CPU {raw_cpu / cpu:.3f}x")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="benchmark folder")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    parser.add_argument("--cli", action="store_true", help="also feed the pages as HTML seeds through `remon run`")
    args = parser.parse_args()
    if not (args.data / "ground-truth.json").is_file():
        print(f"benchmark data not found in {args.data.resolve()}", file=sys.stderr)
        return 2
    cases = load_cases(args.data, args.limit)
    with tempfile.TemporaryDirectory() as folder:
        scores, clock = run(cases, Path(folder))
        print(report(scores, clock, len(cases)))
        if args.cli:
            print(through_cli(cases, Path(folder)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
