"""The one processing path: extract -> clean -> analyse -> dedupe -> store -> queue alert.

Every entry point (seed loader, Scrapy item pipeline, reprocess, distributed workers)
calls `process_page`; no other module strings the stages together.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from importlib.metadata import PackageNotFoundError, version

from monitor.alerting.channels import configured_channels
from monitor.config.load import Config, DedupeConfig
from monitor.models import Analysis, Article, Channel, Fingerprint, Outcome, Page, Rejected, Stored, StoryProfile
from monitor.stages.analyse import analyse
from monitor.stages.clean import clean
from monitor.stages.dedupe import band_keys, decide, fingerprint, index_settings, text_fingerprint
from monitor.stages.extract import extract
from monitor.stages.headline import headline_article, refusal
from monitor.stages.profile import article_profile, merge_profiles, weighted
from monitor.stages.urls import canonical_url
from monitor.stages.watchlist import Watchlist, build_watchlist
from monitor.store import Archive, find_stored, open_archive, save_processed
from monitor.store.archive import iter_raw_pages, pack_body, raw_page_changed, update_analysis
from monitor.store.candidates import find_candidates, term_idf
from monitor.store.headlines import is_headline_only, record_headline_attempt, upgrade_headline
from monitor.store.lsh import ensure_index
from monitor.store.rejections import forget_rejection, iter_rejected_pages, known_rejection, record_rejection

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FlowContext:
    """Everything the stages need besides the page and the clock."""

    archive: Archive
    watchlist: Watchlist
    channels: tuple[Channel, ...]
    dedupe: DedupeConfig = field(default_factory=DedupeConfig)
    version: str = ""  # remon's version, remembered with each rejection


def remon_version() -> str:
    try:
        return version("remon")
    except PackageNotFoundError:
        return "unknown"


_WATCHLISTS: dict[str, Watchlist] = {}


def watchlist_for(config: Config) -> Watchlist:
    """The watchlist of these relevance settings, built once per process (forked children inherit it)."""
    key = config.relevance.model_dump_json()
    if key not in _WATCHLISTS:
        _WATCHLISTS[key] = build_watchlist(config.relevance)
    return _WATCHLISTS[key]


def open_context(config: Config) -> FlowContext:
    """Open the archive (LSH index in line with the dedupe settings), build the watchlist and channels."""
    return context_on(open_archive(config.db_path), config)


def context_on(archive: Archive, config: Config) -> FlowContext:
    """The flow context on an archive already open (the LSH index brought in line with the settings)."""
    archive = replace(archive, title_language=config.stories.language)
    prepare_dedupe(archive, config.dedupe)
    return FlowContext(archive=archive, watchlist=watchlist_for(config),
                       channels=configured_channels(config), dedupe=config.dedupe, version=remon_version())


def prepare_dedupe(archive: Archive, settings: DedupeConfig) -> int:
    """Re-index stored articles when the dedupe settings changed since the index was built."""
    shape = index_settings(settings)
    return ensure_index(archive.db, shape,
                        lambda signature: band_keys(signature, int(shape["bands"]), int(shape["rows"])),
                        lambda text: text_fingerprint(text, settings))


def close_context(context: FlowContext) -> None:
    context.archive.close()


def read_article(page: Page) -> Article | Rejected:
    """Extract and clean a page. A page that cannot be read (refused, consent wall, no article in it)
    falls back to its listing entry, headline only."""
    article = refusal(page) or extract(page)
    if not isinstance(article, Rejected):
        article = clean(article)
    if isinstance(article, Rejected):
        headline = headline_article(page, article)
        if headline is None:
            return article
        log.debug("headline only %s: %s", headline.url, article.reason)
        return headline
    return article


def analyse_page(page: Page, context: FlowContext) -> tuple[Article, Analysis] | Rejected:
    """Read and analyse a page: the stages that need no archive."""
    article = read_article(page)
    if isinstance(article, Rejected):
        return article
    return article, analyse(article, context.watchlist)


@dataclass(frozen=True)
class Prepared:
    """What the archive-free stages made of a page: picklable, so a worker process can compute it."""

    article: Article
    analysis: Analysis
    profile: StoryProfile  # unweighted: the idf weights come from the archive
    fingerprint: Fingerprint
    packed: bytes | None = None  # the raw body as stored (compressed), made on the worker's core


def prepare_page(page: Page, watchlist: Watchlist, dedupe: DedupeConfig) -> Prepared | Rejected:
    """Read, analyse, profile and fingerprint a page: everything before the archive is asked."""
    article = read_article(page)
    if isinstance(article, Rejected):
        return article
    analysis = analyse(article, watchlist)
    return Prepared(article, analysis, article_profile(article, analysis), fingerprint(article, dedupe),
                    pack_body(page.body))


def process_page(page: Page, context: FlowContext, now: str, refresh: bool = False,
                 rejudge: bool = False) -> Outcome:
    """Run every stage on one page and store it; a page already in the archive is not redone.

    With `refresh` (a source whose pages change in place), a known page whose bytes changed
    is extracted and analysed again and its article updated in place (same story). A rejected
    page is remembered with its bytes; the same bytes are not judged again by the same
    version unless `rejudge` (reprocess).
    """
    known = stored_outcome(page, context)
    if known is not None and is_headline_only(context.archive, known.article_id):
        return upgrade_known(page, known, context, now)
    if known is not None:
        return refresh_known(page, known, context, now) if refresh else known
    remembered = None if rejudge else known_rejection(context.archive, canonical_url(page.url), page.body,
                                                      context.version)
    return store_prepared(page, remembered or prepare_page(page, context.watchlist, context.dedupe), context, now)


def stored_outcome(page: Page, context: FlowContext) -> Stored | None:
    """The stored outcome for the page's URL (or the headline-only article of the link its listing gave),
    checked before anything is prepared."""
    return find_stored(context.archive, canonical_url(page.url)) or stored_headline(page, context)


def store_prepared(page: Page, prepared: Prepared | Rejected, context: FlowContext, now: str) -> Outcome:
    """The archive half of the flow: rejection memory, known check, story candidates, decision and the
    one-transaction save."""
    page_key = canonical_url(page.url)
    if isinstance(prepared, Rejected):
        log.debug("rejected %s at %s: %s %s", page.url, prepared.stage, prepared.reason, prepared.detail)
        record_rejection(context.archive, page, page_key, prepared, now, context.version)  # new listing date
        return prepared
    article, analysis, print_ = prepared.article, prepared.analysis, prepared.fingerprint
    for key in dict.fromkeys((page_key, article.canonical_url)):  # rel=canonical may differ
        known = find_stored(context.archive, key)
        if known is not None:
            return known
    candidates = find_candidates(context.archive, print_, prepared.profile, article.fetched_at,
                                 context.dedupe.story_window_days)
    idf = term_idf(context.archive.db, prepared.profile)
    profile = weighted(prepared.profile, idf)
    decision = decide(profile, print_, candidates, idf, context.dedupe)
    joined = next((s.profile for s in candidates.stories if s.story_id == decision.story_id), None)
    story_profile = None if decision.duplicate_of else merge_profiles(joined, profile) if joined else profile
    stored = save_processed(context.archive, page, article, analysis, print_, decision, context.channels, now,
                            profile, story_profile, prepared.packed)
    forget_rejection(context.archive, page_key)  # rejected before, an article now (changed or re-judged)
    return stored


def refresh_known(page: Page, known: Stored, context: FlowContext, now: str) -> Outcome:
    """Update a stored article from a changed page; the stored outcome when nothing changed."""
    if not raw_page_changed(context.archive, known.article_id, page.body):
        return known
    analysed = analyse_page(page, context)
    if isinstance(analysed, Rejected) or analysed[0].text_source == "feed":
        return known  # the new version is not an article (an error page): keep the stored one
    article, analysis = analysed
    update_analysis(context.archive, known.article_id, article, analysis, context.channels, now, page=page)
    log.info("updated %s: the page changed since it was stored", page.url)
    return replace(known, relevant=analysis.relevant, score=analysis.score)


def stored_headline(page: Page, context: FlowContext) -> Stored | None:
    """The headline-only article stored under the link the listing gave, when the page came from
    elsewhere (a redirect): the page may be its full text."""
    if not page.hints.link:
        return None
    known = find_stored(context.archive, canonical_url(page.hints.link))
    return known if known is not None and is_headline_only(context.archive, known.article_id) else None


def upgrade_known(page: Page, known: Stored, context: FlowContext, now: str) -> Outcome:
    """A headline-only article's page fetched again: upgraded in place when it now has the text."""
    analysed = analyse_page(page, context)
    if isinstance(analysed, Rejected) or analysed[0].text_source == "feed":
        record_headline_attempt(context.archive, known.article_id, now)
        return known
    article, analysis = analysed
    upgrade_headline(context.archive, known.article_id, page, article, analysis,
                     fingerprint(article, context.dedupe), context.channels, now)
    log.info("upgraded %s: the full page replaced its headline", page.url)
    return replace(known, relevant=analysis.relevant, score=analysis.score)


@dataclass(frozen=True)
class ReprocessReport:
    articles: int
    changed_relevance: int
    rejected: int
    recovered: int = 0  # remembered rejections that are articles now
    still_rejected: int = 0


def reprocess(context: FlowContext, now: str) -> ReprocessReport:
    """Re-run extraction and analysis over every stored raw page (no network); count relevance flips."""
    articles = changed = rejected = 0
    for article_id, page in iter_raw_pages(context.archive):
        analysed = analyse_page(page, context)
        if isinstance(analysed, Rejected):
            rejected += 1
            continue
        article, analysis = analysed
        if article.text_source == "feed" and not is_headline_only(context.archive, article_id):
            rejected += 1  # never replace stored text by a headline
            continue
        articles += 1
        changed += int(update_analysis(context.archive, article_id, article, analysis, context.channels, now))
    recovered, still = rejudge_rejections(context, now)
    return ReprocessReport(articles=articles, changed_relevance=changed, rejected=rejected,
                           recovered=recovered, still_rejected=still)


def rejudge_rejections(context: FlowContext, now: str) -> tuple[int, int]:
    """Judge every remembered rejected page again from its stored bytes; (now articles, still rejected)."""
    recovered = still = 0
    for page in iter_rejected_pages(context.archive):
        outcome = process_page(page, context, now, rejudge=True)
        if isinstance(outcome, Rejected):
            still += 1
        else:
            recovered += 1
    return recovered, still
