"""Relevance benchmark: precision/recall/F1 against a naive keyword baseline, and analysis time per article.

Run: .venv/bin/python bench/relevance.py
Sets: tests/data/relevance/eval.jsonl (ours) and ../shared/eval/relevance-open.jsonl (open dev set,
read in place, never copied). On the open set 'policy' is scored twice: every policy item, and only
those in this product's scope (rare earths, or critical minerals including them).
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.config.load import RelevanceConfig
from monitor.models import Article
from monitor.stages.analyse import analyse
from monitor.stages.watchlist import build_watchlist

OURS = ROOT / "tests" / "data" / "relevance" / "eval.jsonl"
OPEN = ROOT / ".." / "shared" / "eval" / "relevance-open.jsonl"
IN_SCOPE = {"rare-earths", "critical-minerals-incl-rare-earths"}
ELEMENTS = ["scandium", "yttrium", "lanthanum", "cerium", "praseodymium", "neodymium", "promethium", "samarium", "europium", "gadolinium", "terbium", "dysprosium", "holmium", "erbium", "thulium", "ytterbium", "lutetium"]
BASELINE = re.compile(r"rare[- ]earths?|" + "|".join(ELEMENTS) + r"|稀土|редкоземельн|レアアース", re.IGNORECASE)


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def to_article(row: dict) -> Article:
    return Article(url=row["id"], canonical_url=row["id"], source="bench", fetched_at="2025-01-01T00:00:00Z",
                   title=row.get("title") or "", text=row["text"])


def prf(rows: list[dict], predict: Callable[[dict], bool], gold: Callable[[dict], bool],
        skip: Callable[[dict], bool] = lambda r: False) -> tuple[float, float, float]:
    tp = fp = fn = 0
    for row in rows:
        if skip(row):
            continue
        p, g = predict(row), gold(row)
        tp, fp, fn = tp + (p and g), fp + (p and not g), fn + (g and not p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def report(name: str, rows: list[dict], skip: Callable[[dict], bool] = lambda r: False) -> None:
    watchlist = build_watchlist(RelevanceConfig())
    ours = {r["id"]: analyse(to_article(r), watchlist).relevant for r in rows}
    gold = lambda r: r["label"] == "policy"
    for label, predict in (("remon", lambda r: ours[r["id"]]),
                           ("baseline", lambda r: bool(BASELINE.search(f"{r.get('title') or ''}\n{r['text']}")))):
        p, r, f = prf(rows, predict, gold, skip)
        print(f"  {name:<44} {label:<9} P={p:.3f} R={r:.3f} F1={f:.3f}")


def timing() -> None:
    watchlist = build_watchlist(RelevanceConfig())
    words = " ".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))).split(" ")
    analyse(to_article({"id": "warm", "title": "warm", "text": "rare earths"}), watchlist)
    print("\nanalysis time per article (best of 25 runs, robust to other load; seeds text repeated to length):")
    base = None
    for n in (1000, 2500, 5000, 10000, 20000):
        text = " ".join(words[i % len(words)] for i in range(n))
        article = to_article({"id": "t", "title": "Putin orders rare-earth roadmap", "text": text})
        runs = []
        for _ in range(25):
            start = time.perf_counter()
            analyse(article, watchlist)
            runs.append(time.perf_counter() - start)
        ms = min(runs) * 1000
        base = base or ms / n
        print(f"  {n:>6} words: {ms:7.2f} ms  ({ms / n * 1000:.2f} µs/word, {ms / n / base:.2f}× the 1k-word rate)")


def main() -> None:
    print("policy precision / recall / F1 (threshold 0.5)")
    report(f"own set ({OURS.relative_to(ROOT)})", load(OURS))
    if OPEN.exists():
        rows = load(OPEN)
        report("open dev set, every policy item", rows)
        out_of_scope = lambda r: r["label"] == "policy" and r.get("policy_scope") not in IN_SCOPE
        report("open dev set, policy in scope only", rows, skip=out_of_scope)
    else:
        print(f"  open dev set not found at {OPEN}")
    timing()


if __name__ == "__main__":
    main()
