"""The one processing path: extract -> clean -> analyse -> dedupe -> store -> queue alert.

Every entry point (seed loader, Scrapy item pipeline, reprocess, distributed workers)
calls `process_page`; no other module strings the stages together.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

from monitor.alerting.channels import configured_channels
from monitor.config.load import Config, DedupeConfig
from monitor.models import Analysis, Article, Channel, Outcome, Page, Rejected, Stored
from monitor.stages.analyse import analyse
from monitor.stages.clean import clean
from monitor.stages.dedupe import band_keys, decide, fingerprint, index_settings, text_fingerprint
from monitor.stages.extract import extract
from monitor.stages.profile import article_profile, merge_profiles, weighted
from monitor.stages.urls import canonical_url
from monitor.stages.watchlist import Watchlist, build_watchlist
from monitor.store import Archive, find_stored, open_archive, save_processed
from monitor.store.archive import iter_raw_pages, raw_page_changed, update_analysis
from monitor.store.candidates import find_candidates, term_idf
from monitor.store.lsh import ensure_index

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FlowContext:
    """Everything the stages need besides the page and the clock."""

    archive: Archive
    watchlist: Watchlist
    channels: tuple[Channel, ...]
    dedupe: DedupeConfig = field(default_factory=DedupeConfig)


def open_context(config: Config) -> FlowContext:
    """Open the archive (LSH index in line with the dedupe settings), build the watchlist and channels."""
    archive = replace(open_archive(config.db_path), title_language=config.stories.language)
    prepare_dedupe(archive, config.dedupe)
    return FlowContext(archive=archive, watchlist=build_watchlist(config.relevance),
                       channels=configured_channels(config), dedupe=config.dedupe)


def prepare_dedupe(archive: Archive, settings: DedupeConfig) -> int:
    """Re-index stored articles when the dedupe settings changed since the index was built."""
    shape = index_settings(settings)
    return ensure_index(archive.db, shape,
                        lambda signature: band_keys(signature, int(shape["bands"]), int(shape["rows"])),
                        lambda text: text_fingerprint(text, settings))


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


def process_page(page: Page, context: FlowContext, now: str, refresh: bool = False) -> Outcome:
    """Run every stage on one page and store it; a page already in the archive is not redone.

    With `refresh` (a source whose pages change in place), a known page whose bytes changed
    is extracted and analysed again and its article updated in place (same story).
    """
    page_key = canonical_url(page.url)
    known = find_stored(context.archive, page_key)
    if known is not None:
        return refresh_known(page, known, context, now) if refresh else known
    analysed = analyse_page(page, context)
    if isinstance(analysed, Rejected):
        log.debug("rejected %s at %s: %s %s", page.url, analysed.stage, analysed.reason, analysed.detail)
        return analysed
    article, analysis = analysed
    if article.canonical_url != page_key:  # <link rel=canonical> named another URL: is that one stored?
        known = find_stored(context.archive, article.canonical_url)
        if known is not None:
            return known
    profile = article_profile(article, analysis)
    print_ = fingerprint(article, context.dedupe)
    candidates = find_candidates(context.archive, print_, profile, article.fetched_at,
                                 context.dedupe.story_window_days)
    idf = term_idf(context.archive.db, profile)
    profile = weighted(profile, idf)
    decision = decide(profile, print_, candidates, idf, context.dedupe)
    joined = next((s.profile for s in candidates.stories if s.story_id == decision.story_id), None)
    story_profile = None if decision.duplicate_of else merge_profiles(joined, profile) if joined else profile
    return save_processed(context.archive, page, article, analysis, print_, decision, context.channels, now,
                          profile, story_profile)


def refresh_known(page: Page, known: Stored, context: FlowContext, now: str) -> Outcome:
    """Update a stored article from a changed page; the stored outcome when nothing changed."""
    if not raw_page_changed(context.archive, known.article_id, page.body):
        return known
    analysed = analyse_page(page, context)
    if isinstance(analysed, Rejected):
        return known  # the new version is not an article (an error page): keep the stored one
    article, analysis = analysed
    update_analysis(context.archive, known.article_id, article, analysis, context.channels, now, page=page)
    log.info("updated %s: the page changed since it was stored", page.url)
    return replace(known, relevant=analysis.relevant, score=analysis.score)


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
