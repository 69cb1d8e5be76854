"""Story grouping on real reports: alerts per policy event, join recall, false merges (run by bench/dedup.py).

Every labelled report becomes an Article (its title, text, language and the date the outlet
showed) and goes through the real analysis, dedupe and store code with one alert channel,
in date order and in shuffled orders. A report with no date (or only a month) is taken as
fetched 0-2 days after its event date (the dev sets have none: the earliest full date shown for
the event), as a daily crawl would; its `published` stays empty.
Relevance is taken from the label (policy reports are relevant) so that the alert count
measures grouping, not the relevance stage.
"""

from __future__ import annotations

import json
import random
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations
from pathlib import Path

from monitor.config.load import DedupeConfig, RelevanceConfig
from monitor.models import Analysis, Article, Channel, Page
from monitor.stages.analyse import analyse
from monitor.stages.dedupe import decide, fingerprint
from monitor.stages.profile import article_profile, merge_profiles, weighted
from monitor.stages.watchlist import build_watchlist
from monitor.store import open_archive, save_processed
from monitor.store.candidates import find_candidates, term_idf

CHANNEL = Channel(name="bench")
# The two dev files name three events differently (relevance-open's E-numbers): one event each.
DEV_SAME_EVENTS = {"E04_cn_7_ree_controls_2025_04": "cn_re_export_controls_2025_04",
                   "E05_cn_re_controls_expansion_2025_10": "cn_re_export_controls_2025_10",
                   "E07_us_ukraine_deal_signed_2025_04_30": "us_ua_minerals_deal_2025_04"}
PAIR_DAYS = 10  # same-event pairs are also reported within this many days of each other


@dataclass(frozen=True)
class Report:
    """One labelled real report."""

    key: str
    event: str
    story: str
    policy: bool
    language: str
    day: str  # when it is fetched (ISO date)
    article: Article


def load_reports(path: Path, seed: int = 11, same: dict[str, str] | None = None) -> list[Report]:
    """Labelled reports with an event id (renamed by `same`); undated ones fetched 0-2 days after their event
    (its `event_date`, else the earliest full date an outlet showed for it)."""
    rng = random.Random(seed)
    reports = []
    rows = [json.loads(line) for line in filter(None, path.read_text("utf-8").split("\n"))]
    first_dated: dict[str, str] = {}  # the event's earliest full date shown by an outlet (dev sets: no event_date)
    for row in rows:
        if len(row.get("date") or "") == 10 and row.get("event_id"):
            first_dated[row["event_id"]] = min(first_dated.get(row["event_id"], row["date"]), row["date"])
    for index, row in enumerate(rows):
        if not row.get("event_id"):
            continue
        shown = row.get("date") or ""
        published = shown if len(shown) == 10 else None
        day = published or _event_day(row.get("event_date") or first_dated.get(row["event_id"], ""), shown, rng)
        url = row.get("url") or f"https://example.org/{index}"
        text = row["text"]
        article = Article(url=url, canonical_url=url, source="bench", fetched_at=f"{day}T12:00:00+00:00",
                          title=row.get("title") or "", text=text, published=published,
                          date_source="metadata" if published else None, language=_language(row))
        reports.append(Report(key=f"{path.stem}:{row.get('id', index)}", event=(same or {}).get(row["event_id"],
                                                                                                  row["event_id"]), story=row.get("story_id") or "",
                              policy=row.get("label") == "policy", language=_language(row) or "?", day=day,
                              article=article))
    return reports


def _language(row: dict) -> str | None:
    return (row.get("language") or "").split("-")[0] or None


def _event_day(event_date: str, shown: str, rng: random.Random) -> str:
    """The event's date (else the middle of the month or year shown), plus 0-2 days."""
    base = event_date or shown or "2025"
    base = base + "-15" if len(base) == 7 else base[:4] + "-07-01" if len(base) < 10 else base
    return (date.fromisoformat(base[:10]) + timedelta(days=rng.randint(0, 2))).isoformat()


def group(reports: list[Report], order: list[int], settings: DedupeConfig) -> tuple[dict[str, int], list[int]]:
    """Story of each report and the stories that alerted, processing reports in `order`."""
    watchlist = build_watchlist(RelevanceConfig())
    story_of: dict[str, int] = {}
    alerts: list[int] = []
    with tempfile.TemporaryDirectory() as folder:
        archive = open_archive(Path(folder) / "stories.db")
        for index in order:
            report = reports[index]
            article = report.article
            found = analyse(article, watchlist)
            analysis = Analysis(score=1.0 if report.policy else 0.0, relevant=report.policy, reasons=found.reasons,
                                entities=found.entities, figures=found.figures)
            profile = article_profile(article, analysis)
            print_ = fingerprint(article, settings)
            candidates = find_candidates(archive, print_, profile, article.fetched_at, settings.story_window_days)
            idf = term_idf(archive.db, profile)
            profile = weighted(profile, idf)
            decision = decide(profile, print_, candidates, idf, settings)
            joined = next((s.profile for s in candidates.stories if s.story_id == decision.story_id), None)
            story_profile = None if decision.duplicate_of else merge_profiles(joined, profile) if joined else profile
            page = Page(url=article.url, source="bench", fetched_at=article.fetched_at, body=article.text.encode())
            stored = save_processed(archive, page, article, analysis, print_, decision, (CHANNEL,),
                                    article.fetched_at, profile, story_profile)
            story_of[report.key] = stored.story_id or 0
            if stored.alerts_queued:
                alerts.append(stored.story_id or 0)
        archive.close()
    return story_of, alerts


@dataclass
class Tally:
    joined: int = 0
    pairs: int = 0

    def add(self, same: bool) -> None:
        self.joined += same
        self.pairs += 1

    def show(self, digits: int = 1) -> str:
        share = 100 * self.joined / self.pairs if self.pairs else 0.0
        return f"{share:6.{digits}f}% ({self.joined}/{self.pairs})"


def measure(reports: list[Report], story_of: dict[str, int], alerts: list[int],
            near: set[frozenset[str]]) -> dict[str, Tally | float]:
    """Alerts per policy event and pair tallies (rewrites, same event, cross-language, different events)."""
    first_event: dict[int, str] = {}
    for report in sorted(reports, key=lambda r: r.day):
        first_event.setdefault(story_of[report.key], report.event)
    policy_events = {r.event for r in reports if r.policy}
    alerted = sum(1 for story in alerts if first_event.get(story) in policy_events)
    tallies: dict[str, Tally] = defaultdict(Tally)
    for one, two in combinations(reports, 2):
        same = story_of[one.key] == story_of[two.key]
        if one.event != two.event:
            tallies["near" if frozenset((one.event, two.event)) in near else "different"].add(same)
            continue
        if one.story and one.story == two.story:
            tallies["rewrite"].add(same)
        tallies["same-event"].add(same)
        if abs((date.fromisoformat(one.day) - date.fromisoformat(two.day)).days) <= PAIR_DAYS:
            tallies[f"same-event <= {PAIR_DAYS} days"].add(same)
        if one.language == two.language:
            tallies["same-language"].add(same)
        else:
            tallies["cross-language"].add(same)
            tallies["xl " + "-".join(sorted((one.language, two.language)))].add(same)
    return {"alerts_per_event": alerted / len(policy_events) if policy_events else 0.0,
            "alerts": float(alerted), "events": float(len(policy_events)), **tallies}


def near_pairs(path: Path) -> set[frozenset[str]]:
    if not path.exists():
        return set()
    return {frozenset((row["event_a"], row["event_b"])) for row in map(json.loads, filter(None, path.read_text("utf-8").split("\n")))}


def orders(reports: list[Report], shuffles: int) -> list[tuple[str, list[int]]]:
    """Date order, then `shuffles` random orders."""
    dated = sorted(range(len(reports)), key=lambda i: (reports[i].day, i))
    found = [("date order", dated)]
    for seed in range(shuffles):
        shuffled = list(dated)
        random.Random(seed).shuffle(shuffled)
        found.append((f"shuffle {seed}", shuffled))
    return found


def report_set(name: str, reports: list[Report], near: set[frozenset[str]], shuffles: int,
               settings: DedupeConfig, per_language: bool = True) -> None:
    """Print the figures of one labelled set in date order and shuffled orders."""
    print(f"\n== {name}: {len(reports)} reports, {len({r.event for r in reports})} events, "
          f"languages {dict(Counter(r.language for r in reports).most_common())}")
    for label, order in orders(reports, shuffles):
        story_of, alerts = group(reports, order, settings)
        figures = measure(reports, story_of, alerts, near)
        print(f"-- {label}: alerts per policy event {figures['alerts_per_event']:.2f} "
              f"({figures['alerts']:.0f} alerts, {figures['events']:.0f} events; target <= 1.3)")
        main_rows = ["rewrite", "same-event", f"same-event <= {PAIR_DAYS} days", "same-language",
                     "cross-language", "different", "near"]
        for key in main_rows:
            tally = figures.get(key)
            if isinstance(tally, Tally):
                merged = key in ("different", "near")
                print(f"   {('merged ' if merged else 'joined ') + key:<32} {tally.show(3 if merged else 1)}")
        if per_language and label == "date order":
            for key in sorted(k for k in figures if k.startswith("xl ")):
                tally = figures[key]
                if isinstance(tally, Tally):
                    print(f"     {key[3:]:<12} {tally.show()}")


def main(data: Path, shared: Path, shuffles: int) -> None:
    settings = DedupeConfig()
    near = near_pairs(data / "stories-near-pairs.jsonl")
    held_out = data / "stories-heldout.jsonl"
    if held_out.exists():
        report_set("held-out stories (MEASURE)", load_reports(held_out), near, shuffles, settings)
    dev = [shared / name for name in ("relevance-multilingual.jsonl", "relevance-open.jsonl")]
    if all(path.exists() for path in dev):
        reports = [r for path in dev for r in load_reports(path, same=DEV_SAME_EVENTS)]
        report_set("dev sets' events (TUNE)", reports, set(), shuffles, settings)
    else:
        print(f"\n(dev sets not found under {shared}: skipped)")
