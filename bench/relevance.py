"""Relevance benchmark: policy precision/recall/F1 per language and per action kind, beside a naive baseline.

Run: .venv/bin/python bench/relevance.py [--no-curve]; refit the calibration: ... bench/relevance.py --fit
Sets: bench/data/relevance-heldout.jsonl (held out: measured, never fitted), tests/data/relevance/eval.jsonl,
../shared/eval/relevance-open.jsonl and ../shared/eval/relevance-multilingual.jsonl (development sets, read in
place, never copied; skipped with a note when absent). Gold = label 'policy' with scope rare earths or critical
minerals including them; policy on other critical minerals is left out of the count (neither hit nor miss).
The article language is detected from the text (as for a page that declares none).
Baseline: any mention of rare earths or a rare-earth element, in any of the watchlist's languages.
Also prints the precision/recall curve over thresholds (with the configured one marked) and the analysis
time per article at 1,000 words against the 1.5 ms of the previous lexicon.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.config.load import RelevanceConfig
from monitor.models import Article
from monitor.stages.analyse import analyse
from monitor.stages.model import FEATURES, features
from monitor.stages.watchlist import build_watchlist

HELDOUT = ROOT / "bench" / "data" / "relevance-heldout.jsonl"
OURS = ROOT / "tests" / "data" / "relevance" / "eval.jsonl"
SHARED = next((p for p in (ROOT.parent / "shared" / "eval", ROOT.parent.parent / "shared" / "eval") if p.exists()),
              ROOT.parent / "shared" / "eval")  # beside the clone (CI), or beside the worktrees folder
DEV_SETS = (SHARED / "relevance-open.jsonl", SHARED / "relevance-multilingual.jsonl", OURS)
IN_SCOPE = {"rare-earths", "critical-minerals-incl-rare-earths"}
BETA = 1.0  # threshold choice: F1 on the development sets
PREVIOUS_MS = 1.5  # analysis per 1,000-word article before issue 13
BASELINE = re.compile("|".join([
    r"rare[- ]?earth", r"scandium|yttrium|lanthanum|cerium|praseodymium|neodymium|promethium|samarium|europium",
    r"gadolinium|terbium|dysprosium|holmium|erbium|thulium|ytterbium|lutetium", "稀土", "希土類", "レアアース",
    "희토류", "редкоземельн", "рідкісноземельн", "сирек жер", r"tierras? raras?", r"terras? raras?",
    r"terres? rares?", r"seltene[nr]? erd", "seltenerd", r"terre rare", r"sjældne jord", r"zeldzame aard",
    r"metale ziem rzadkich", r"sällsynta jord", "sjeldne jord", r"nadir toprak", "đất hiếm", "logam tanah jarang",
    "unsur tanah jarang", "الأرضية النادرة", "العناصر النادرة", "خاکی کمیاب", "دورلبھ", "दुर्लभ", "रेयर अर्थ"]),
    re.IGNORECASE)


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def to_article(row: dict) -> Article:
    return Article(url=row["id"], canonical_url=row["id"], source="bench", fetched_at="2025-01-01T00:00:00Z",
                   title=row.get("title") or "", text=row["text"])


def gold(row: dict) -> bool:
    return row["label"] == "policy"


def skipped(row: dict) -> bool:
    """Policy on other critical minerals: out of this product's scope either way."""
    return gold(row) and bool(row.get("policy_scope")) and row["policy_scope"] not in IN_SCOPE


def prf(rows: Iterable[dict], predict: Callable[[dict], bool]) -> tuple[float, float, float, int]:
    tp = fp = fn = n = 0
    for row in rows:
        if skipped(row):
            continue
        p, g = predict(row), gold(row)
        tp, fp, fn, n = tp + (p and g), fp + (p and not g), fn + (g and not p), n + 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, n


def baseline(row: dict) -> bool:
    return bool(BASELINE.search(f"{row.get('title') or ''}\n{row['text']}"))


def line(name: str, rows: list[dict], ours: Callable[[dict], bool]) -> None:
    p, r, f, n = prf(rows, ours)
    bp, br, bf, _ = prf(rows, baseline)
    print(f"  {name:<28} n={n:<4} remon P={p:.3f} R={r:.3f} F1={f:.3f}   baseline P={bp:.3f} R={br:.3f} F1={bf:.3f}")


def grouped(rows: list[dict], key: Callable[[dict], str | None]) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        value = key(row)
        if value:
            groups[value].append(row)
    return dict(sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])))


def recall_by_kind(rows: list[dict], ours: Callable[[dict], bool]) -> None:
    print("  recall per action kind (policy_topic; precision is per set, kinds exist only for policy items)")
    for kind, group in grouped([r for r in rows if gold(r) and not skipped(r)], lambda r: r.get("policy_topic")).items():
        hit, base = sum(map(ours, group)), sum(map(baseline, group))
        print(f"    {kind:<40} n={len(group):<3} remon R={hit / len(group):.3f}   baseline R={base / len(group):.3f}")


def curve(rows: list[dict], scores: dict[str, float], threshold: float) -> None:
    print(f"  precision/recall curve (configured threshold {threshold:.2f} marked *)")
    for step in range(5, 100, 5):
        t = step / 100
        p, r, f, _ = prf(rows, lambda row, t=t: scores[row["id"]] >= t)
        mark = "*" if abs(t - threshold) < 0.025 else " "
        print(f"   {mark}t={t:.2f}  P={p:.3f} R={r:.3f} F1={f:.3f}")


def evaluate(name: str, rows: list[dict], show_curve: bool, by_language: bool = True) -> None:
    watchlist = build_watchlist(RelevanceConfig())
    scores = {r["id"]: analyse(to_article(r), watchlist).score for r in rows}
    ours = lambda row: scores[row["id"]] >= watchlist.threshold
    print(f"\n== {name} ({len(rows)} texts)")
    line("all languages", rows, ours)
    if by_language:
        for lang, group in grouped(rows, lambda r: r.get("language")).items():
            line(lang, group, ours)
    recall_by_kind(rows, ours)
    if show_curve:
        curve(rows, scores, watchlist.threshold)


def timing() -> None:
    watchlist = build_watchlist(RelevanceConfig())
    words = " ".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))).split(" ")
    analyse(to_article({"id": "warm", "title": "warm", "text": "rare earths"}), watchlist)
    print("\nanalysis time per article (best of 25 runs, robust to other load; seeds text repeated to length):")
    for n in (1000, 5000, 20000):
        text = " ".join(words[i % len(words)] for i in range(n))
        article = to_article({"id": "t", "title": "Putin orders rare-earth roadmap", "text": text})
        runs = []
        for _ in range(25):
            start = time.perf_counter()
            analyse(article, watchlist)
            runs.append(time.perf_counter() - start)
        ms = min(runs) * 1000
        ratio = f"  ({ms / PREVIOUS_MS:.2f}× the previous {PREVIOUS_MS} ms)" if n == 1000 else ""
        print(f"  {n:>6} words: {ms:7.2f} ms  ({ms / n * 1000:.2f} µs/word){ratio}")


def fit(rows: list[dict]) -> None:
    """Fit the logistic weights on the development rows (L2, plain gradient descent) and write them as data."""
    import numpy as np

    watchlist = build_watchlist(RelevanceConfig())
    rows = [r for r in rows if not skipped(r)]
    x = np.array([features(analyse(to_article(r), watchlist).reasons, watchlist.model,
                           len(r.get("title") or "") + len(r["text"])) for r in rows])
    y = np.array([1.0 if gold(r) else 0.0 for r in rows])
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(20000):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        w -= 0.5 * (x.T @ (p - y) / len(y) + 0.002 * w)
        b -= 0.5 * float(np.mean(p - y))
    z = x @ w + b
    best = max(np.unique(z), key=lambda t: _f(z >= t, y == 1, beta=BETA))
    threshold = float(best) - 1e-6
    print(f"fitted on {len(rows)} development rows; threshold in z = {threshold:.3f} (F-beta optimal, beta {BETA}), moved to 0.5")
    lines = ["# Fitted by bench/relevance.py --fit on the development sets (see docs/relevance.md); do not edit by hand.",
             "[model]", f"intercept = {b - threshold:.4f}", "", "[model.weights]"]
    lines += [f"{name} = {value:.4f}" for name, value in zip(FEATURES, w, strict=True)]
    (ROOT / "monitor" / "data" / "relevance-model.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for name, value in zip(FEATURES, w, strict=True):
        print(f"  {name:<14} {value:+.3f}")


def _f(predicted, actual, beta: float) -> float:  # type: ignore[no-untyped-def]
    tp = float((predicted & actual).sum())
    fp, fn = float((predicted & ~actual).sum()), float((~predicted & actual).sum())
    return (1 + beta**2) * tp / ((1 + beta**2) * tp + beta**2 * fn + fp) if tp else 0.0


def main() -> None:
    if "--fit" in sys.argv:
        fit([row for path in DEV_SETS if path.exists() for row in load(path)])
        return
    show_curve = "--no-curve" not in sys.argv
    print("policy precision / recall / F1, in scope (rare earths, or critical minerals including them)")
    evaluate(f"HELD OUT {HELDOUT.relative_to(ROOT)}", load(HELDOUT), show_curve)
    dev = []
    for path in DEV_SETS:
        if path.exists():
            rows = load(path)
            dev += rows
            evaluate(f"development {path.name}", rows, False, by_language=path.name != "relevance-open.jsonl")
        else:
            print(f"\n== {path} not found: skipped")
    if dev:
        evaluate("development sets together (the calibration's fitting data)", dev, show_curve, by_language=False)
    timing()


if __name__ == "__main__":
    main()
