"""Duplicate detection at archive scale: synthetic archives of 1,000, 10,000 and 100,000 articles.

Each archive is built through the same dedupe and store code as a crawl (fingerprint,
profile, candidates, decide, save_processed), with known duplicate families: an
original and up to four copies (junk added, words edited, lead rewritten, tail cut).
Articles arrive at a constant rate (DAILY a day), as a growing archive does. For each
size it prints the time per inserted article (wall clock and CPU: mean, and over the last
1,000 inserts; CPU time is the steadier figure on a shared machine),
peak memory (and its growth per article), database bytes per article, and the precision and recall of duplicate
detection. Each size runs in its own process so memory figures do not mix.

    .venv/bin/python bench/dedup.py [--sizes 1000 10000 100000]
    .venv/bin/python bench/dedup.py --stories [--shuffles 3]   # story grouping on real reports

With `--stories` it measures story grouping instead (bench/dedup_stories.py): alerts per
policy event, join recall for rewrites, same-event and cross-language pairs (per language
pair) and the false-merge rate, on bench/data/stories-heldout.jsonl and the dev sets' events.
"""

from __future__ import annotations

import argparse
import heapq
import multiprocessing
import random
import resource
import sys
import tempfile
import time
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dedup_stories import main as stories_main

from monitor.config.load import DedupeConfig
from monitor.flow import prepare_dedupe
from monitor.models import Analysis, Article, Page
from monitor.stages.dedupe import decide, fingerprint
from monitor.stages.profile import article_profile, merge_profiles, stopwords, weighted
from monitor.store import open_archive, save_processed
from monitor.store.candidates import find_candidates, term_idf

DAILY = 100
COPY_SHARE = 0.3  # share of originals that get copies
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "bra", "dun", "fel", "gor", "hil", "jor", "kel"]
JUNK = ["Share on Facebook", "Legal Disclaimer:", "Continue Reading This Article",
        "Sign up for our daily newsletter to read more stories like this one."]


@dataclass(frozen=True)
class Synthetic:
    article: Article
    family: int  # id of the family's original (its own index for an original)
    copy: bool


def vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    words = {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(size * 2)}
    return sorted(words)[:size]


def original_text(rng: random.Random, vocab: list[str], function_words: list[str]) -> str:
    """Five paragraphs of 30-50 words: 40% function words, content words with a mild Zipf skew."""
    paragraphs = []
    for _ in range(5):
        words = [rng.choice(function_words) if rng.random() < 0.4 else
                 vocab[min(int(rng.paretovariate(0.6)) - 1, len(vocab) - 1) if rng.random() < 0.3
                       else rng.randrange(len(vocab))] for _ in range(rng.randint(30, 50))]
        paragraphs.append(" ".join(words).capitalize() + ".")
    return "\n\n".join(paragraphs)


def copy_text(rng: random.Random, text: str, vocab: list[str], kind: int) -> str:
    """A copy: 0 junk around it, 1 a few words edited, 2 first paragraph rewritten, 3 last paragraph cut."""
    paragraphs = text.split("\n\n")
    if kind == 0:
        return "\n\n".join([rng.choice(JUNK), *paragraphs, rng.choice(JUNK)])
    if kind == 1:
        words = text.split(" ")
        for _ in range(len(words) // 30):
            words[rng.randrange(len(words))] = rng.choice(vocab)
        return " ".join(words)
    if kind == 2:
        return "\n\n".join([" ".join(rng.choice(vocab) for _ in range(35)) + ".", *paragraphs[1:]])
    return "\n\n".join(paragraphs[:-1])


def synthetic_archive(size: int, seed: int = 7) -> Iterator[Synthetic]:
    """`size` articles in arrival order, made on the fly (memory stays flat whatever the size)."""
    rng = random.Random(seed)
    vocab, function_words = vocabulary(rng), sorted(stopwords())
    pending: list[tuple[int, int, str]] = []  # (due index, family, text) of copies still to come
    start = date(2024, 1, 1)
    for index in range(size):
        if pending and pending[0][0] <= index:
            _, family, text = heapq.heappop(pending)
            yield _item(index, family, text, True, start)
            continue
        text = original_text(rng, vocab, function_words)
        yield _item(index, index, text, False, start)
        if rng.random() < COPY_SHARE:
            for _ in range(rng.randint(1, 4)):
                heapq.heappush(pending, (index + rng.randint(1, 300), index,
                                         copy_text(rng, text, vocab, rng.randrange(4))))


def _item(index: int, family: int, text: str, copy: bool, start: date) -> Synthetic:
    day = (start + timedelta(days=index // DAILY)).isoformat()
    url = f"https://outlet{index % 50}.example/news/{index}"
    title = f"Report {family}" if not copy else f"Report {family} (syndicated)"
    article = Article(url=url, canonical_url=url, source="bench", fetched_at=f"{day}T12:00:00+00:00",
                      title=title, text=text, published=day, date_source="feed")
    return Synthetic(article=article, family=family, copy=copy)


def insert(archive, item: Synthetic, settings: DedupeConfig) -> int | None:
    """The flow's dedupe and store steps for one article; returns the article it duplicates, if any."""
    article, analysis = item.article, Analysis(score=1.0, relevant=True)
    profile = article_profile(article, analysis)
    print_ = fingerprint(article, settings)
    candidates = find_candidates(archive, print_, profile, article.fetched_at, settings.story_window_days)
    idf = term_idf(archive.db, profile)
    profile = weighted(profile, idf)
    decision = decide(profile, print_, candidates, idf, settings)
    joined = next((s.profile for s in candidates.stories if s.story_id == decision.story_id), None)
    story_profile = None if decision.duplicate_of else merge_profiles(joined, profile) if joined else profile
    page = Page(url=article.url, source="bench", fetched_at=article.fetched_at, body=article.text.encode())
    stored = save_processed(archive, page, article, analysis, print_, decision, (), article.fetched_at,
                            profile, story_profile)
    return stored.duplicate_of


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(size: int, queue: multiprocessing.Queue) -> None:
    settings = DedupeConfig()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        archive = open_archive(path)
        prepare_dedupe(archive, settings)
        family_of = array("i")  # family of each stored article, by article id - 1
        flagged = correct = copies = 0
        baseline = _peak_mb()
        started, cpu_started = time.perf_counter(), time.process_time()
        tail_start, cpu_tail_start = started, cpu_started
        for index, item in enumerate(synthetic_archive(size)):
            if index == size - 1000:
                tail_start, cpu_tail_start = time.perf_counter(), time.process_time()
            original = insert(archive, item, settings)
            family_of.append(item.family)  # article ids follow insertion order
            copies += item.copy
            if original is not None:
                flagged += 1
                correct += int(family_of[original - 1] == item.family and item.copy)
        elapsed, tail = time.perf_counter() - started, time.perf_counter() - tail_start
        cpu, cpu_tail = time.process_time() - cpu_started, time.process_time() - cpu_tail_start
        archive.close()
        db_bytes = sum(p.stat().st_size for p in Path(folder).iterdir())
    queue.put({"size": size, "ms": 1000 * elapsed / size, "tail_ms": 1000 * tail / min(1000, size),
               "cpu_ms": 1000 * cpu / size, "cpu_tail_ms": 1000 * cpu_tail / min(1000, size),
               "peak_mb": _peak_mb(), "growth_kb": 1024 * (_peak_mb() - baseline) / size,
               "db_bytes": db_bytes / size, "copies": copies,
               "precision": correct / flagged if flagged else 1.0, "recall": correct / copies if copies else 1.0})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--stories", action="store_true", help="measure story grouping on real reports")
    parser.add_argument("--shuffles", type=int, default=3, help="shuffled orders besides date order")
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared",
                        help="the shared folder beside the repo (dev sets in shared/eval)")
    args = parser.parse_args()
    if args.stories:
        root = Path(__file__).resolve().parents[1]
        stories_main(root / "bench" / "data", args.shared / "eval", args.shuffles)
        return
    sizes = args.sizes
    context = multiprocessing.get_context("spawn")
    print(f"{'articles':>9} {'copies':>7} {'ms/article':>10} {'last 1k':>8} {'peak MB':>8} {'KB/article':>10} "
          f"{'DB B/article':>12} {'precision':>9} {'recall':>7}")
    results = []
    for size in sizes:
        queue = context.Queue()
        worker = context.Process(target=measure, args=(size, queue))
        worker.start()
        row = queue.get()
        worker.join()
        results.append(row)
        print(f"{row['size']:>9,} {row['copies']:>7,} {row['ms']:>10.2f} {row['tail_ms']:>8.2f} "
              f"{row['peak_mb']:>8.0f} {row['growth_kb']:>10.2f} {row['db_bytes']:>12,.0f} {row['precision']:>9.3f} {row['recall']:>7.3f}",
              flush=True)
    first, last = results[0], results[-1]
    print(f"time per article, {last['size']:,} vs {first['size']:,} (must stay under 2x):")
    for label, key in (("wall, mean", "ms"), ("wall, last 1,000", "tail_ms"), ("CPU, mean", "cpu_ms"),
                       ("CPU, last 1,000", "cpu_tail_ms")):
        print(f"  {label:<17} {first[key]:6.2f} ms -> {last[key]:6.2f} ms  {last[key] / first[key]:.2f}x")


if __name__ == "__main__":
    main()
