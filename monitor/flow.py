"""The one processing path: extract -> clean -> analyse -> dedupe -> store -> queue alert.

Every entry point (seed loader, Scrapy item pipeline, reprocess, distributed workers)
calls `process_page`; no other module strings the stages together.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from monitor.analyse import analyse
from monitor.channels import configured_channels
from monitor.clean import clean
from monitor.config import Config
from monitor.dedupe import decide, fingerprint
from monitor.extract import extract
from monitor.models import Analysis, Article, Channel, Outcome, Page, Rejected
from monitor.store import Archive, find_stored, open_archive, save_processed
from monitor.store.archive import iter_raw_pages, update_analysis
from monitor.store.candidates import find_candidates
from monitor.urls import canonical_url
from monitor.watchlist import Watchlist, build_watchlist

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FlowContext:
    """Everything the stages need besides the page and the clock."""

    archive: Archive
    watchlist: Watchlist
    channels: tuple[Channel, ...]
    story_window_days: int = 10


def open_context(config: Config) -> FlowContext:
    """Open the archive and build the watchlist and channels from the config."""
    return FlowContext(archive=open_archive(config.db_path), watchlist=build_watchlist(config.relevance),
                       channels=configured_channels(config),
                       story_window_days=config.dedupe.story_window_days)


def close_context(context: FlowContext) -> None:
    context.archive.close()


def analyse_page(page: Page, context: FlowContext) -> tuple[Article, Analysis] | Rejected:
    """Extract, clean and analyse a page: the stages that need no archive."""
    extracted = extract(page)
    if isinstance(extracted, Rejected):
        return extracted
    article = clean(extracted)
    if isinstance(article, Rejected):
        return article
    return article, analyse(article, context.watchlist)


def process_page(page: Page, context: FlowContext, now: str) -> Outcome:
    """Run every stage on one page and store it; a page already in the archive is not redone."""
    known = find_stored(context.archive, canonical_url(page.url))
    if known is not None:
        return known
    analysed = analyse_page(page, context)
    if isinstance(analysed, Rejected):
        log.debug("rejected %s at %s: %s %s", page.url, analysed.stage, analysed.reason, analysed.detail)
        return analysed
    article, analysis = analysed
    known = find_stored(context.archive, article.canonical_url)
    if known is not None:
        return known
    print_ = fingerprint(article)
    candidates = find_candidates(context.archive, article, print_, context.story_window_days)
    decision = decide(article, print_, candidates)
    return save_processed(context.archive, page, article, analysis, print_, decision, context.channels, now)


@dataclass(frozen=True)
class ReprocessReport:
    articles: int
    changed_relevance: int
    rejected: int


def reprocess(context: FlowContext, now: str) -> ReprocessReport:
    """Re-run extraction and analysis over every stored raw page (no network); count relevance flips."""
    articles = changed = rejected = 0
    for article_id, page in iter_raw_pages(context.archive):
        analysed = analyse_page(page, context)
        if isinstance(analysed, Rejected):
            rejected += 1
            continue
        article, analysis = analysed
        articles += 1
        changed += int(update_analysis(context.archive, article_id, article, analysis, context.channels, now))
    return ReprocessReport(articles=articles, changed_relevance=changed, rejected=rejected)
