"""The sections of the configuration file, as frozen pydantic models with unknown keys forbidden.

`monitor.config.load` loads the file into these; each model is one TOML table, so a typo is an
error naming the key, never a silently ignored setting.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from monitor.config.schedules import parse_interval, parse_schedule
from monitor.sources.kinds import missing_location, source_kind


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StorageConfig(_Section):
    """Where the archive lives."""

    path: str = Field(default="data/remon.db", description="the SQLite archive (relative to the config file's folder)")


class CrawlSettings(_Section):
    """Politeness and limits; global in [crawl], overridable per source."""

    delay: float | None = Field(default=None, ge=0, description="seconds between requests to one domain")
    autothrottle: bool | None = Field(default=None, description="adapt the delay to the server's latency")
    concurrency_per_domain: int | None = Field(default=None, ge=1, le=64, description="requests at once to one domain")
    user_agent: str | None = Field(default=None, description="the User-Agent header remon sends")
    timeout: float | None = Field(default=None, gt=0, description="seconds one request may take")


class CrawlConfig(CrawlSettings):
    """The [crawl] table: defaults for every web source; a source may override the politeness keys."""

    delay: float | None = Field(default=1.0, ge=0, description="seconds between requests to one domain")
    autothrottle: bool | None = Field(default=True, description="adapt the delay to the server's latency")
    concurrency_per_domain: int | None = Field(default=2, ge=1, le=64, description="requests at once to one domain")
    user_agent: str | None = Field(
        default="remon/0.1 (rare-earth policy news monitor; +https://github.com/remon-monitor/remon)",
        description="the User-Agent header remon sends")
    timeout: float | None = Field(default=30.0, gt=0, description="seconds one request may take")
    obey_robots: bool = Field(default=True, description="respect robots.txt")
    max_page_bytes: int = Field(default=10_000_000, ge=10_000, description="a larger page is cut off and rejected")
    max_pdf_bytes: int = Field(default=20_000_000, ge=10_000, description="a larger PDF is rejected")
    retries: int = Field(default=2, ge=0, le=10, description="retries of a failed request, with back-off")
    max_redirects: int = Field(default=5, ge=0, le=20, description="redirects followed per request")
    max_pages_per_source: int = Field(default=500, ge=1, description="article pages fetched per source per cycle")
    parallel_sources: int = Field(default=4, ge=1, le=32, description="web sources crawled at once by `remon run`")
    workers: int = Field(default=0, ge=0, le=64, description=(
        "processes that extract and analyse pages during a crawl (0 = one per core, 1 = in the crawl process)"))
    max_seconds: float = Field(default=1800.0, gt=0, description="wall-clock limit of one source's crawl")
    max_listing_requests: int = Field(default=50, ge=1, description="feeds/sitemaps fetched per source per run")
    max_listing_depth: int = Field(default=3, ge=0, le=10, description="sitemap index nesting followed")




class SourceConfig(CrawlSettings):
    """One source to monitor; `kind` decides which spider (or loader) reads it."""

    name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$",
                               description="unique name (letters, digits, . _ -), used in runs, alerts, --source")]
    kind: str = Field(description="seeds | feed | sitemap | site (see monitor/sources/kinds.py)")
    path: str | None = Field(default=None, description="kind seeds: the folder of local documents")
    url: str | None = Field(default=None, description="kind feed/sitemap: the listing URL; site: a start URL")
    urls: tuple[str, ...] = Field(default=(), description="kind site: start URLs")
    allow: tuple[str, ...] = Field(default=(), description="regular expressions a page URL must match")
    deny: tuple[str, ...] = Field(default=(), description="regular expressions that exclude a page URL")
    depth: int = Field(default=2, ge=0, le=10, description="kind site: link depth followed")
    since: int | None = Field(default=None, ge=1, description="sitemap: only entries of the last N days")
    changes: bool = Field(default=False, description="re-read known URLs: pages updated in place")
    schedule: str | None = Field(default=None,
                                 description="'30m', '6h', '1d' or a 5-field cron; default: [schedule] every")
    enabled: bool = Field(default=True, description="false keeps the source in the file but skips it")
    language: str | None = Field(default=None,
                                 description="the source's language, a hint for pages that declare none")
    news_base_url: str | None = Field(
        default=None, pattern=r"^https?://",
        description="where this source's aggregator lives for link decoding (default https://news.google.com); "
                    "links on its host are decoded like Google News / Bing links")
    max_decodes: int = Field(default=60, ge=0, le=1000,
                             description="aggregator links decoded online per cycle (two requests each)")
    allow_private: bool = Field(default=False, description="may reach loopback/private/link-local hosts "
                                "other than its own (an intranet source)")

    @model_validator(mode="after")
    def _needs_location(self) -> SourceConfig:
        missing = missing_location(source_kind(self.kind), self.path, self.url, self.urls)
        if missing:
            raise ValueError(f"source '{self.name}' of kind '{self.kind}' needs {missing}")
        return self

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        return source_kind(value).name

    @field_validator("schedule")
    @classmethod
    def _schedule_shape(cls, value: str | None) -> str | None:
        if value is not None:
            parse_schedule(value)
        return value

    @property
    def start_urls(self) -> tuple[str, ...]:
        return self.urls or ((self.url,) if self.url else ())


class WatchTerm(_Section):
    """A user's own watchlist entry: a term (and aliases) with a weight."""

    term: str = Field(min_length=1, description="the word or phrase matched")
    aliases: tuple[str, ...] = Field(default=(), description="other spellings, other languages")
    kind: Literal["ree", "policy", "actor", "penalty"] = Field(default="policy", description="which signal it adds to")
    weight: float = Field(default=1.0, ge=-5, le=5, description="how much one match counts")
    language: str | None = Field(default=None, description="ISO 639-1 code, when the term is language-specific")


class RelevanceConfig(_Section):
    """The [relevance] table: the threshold and the user's own watchlist terms."""

    threshold: float = Field(default=0.5, ge=0, le=1, description="articles.relevant is score >= threshold")
    terms: tuple[WatchTerm, ...] = Field(default=(), description="[[relevance.terms]]: extra watchlist terms")
    exclude: tuple[str, ...] = Field(default=(), description="phrases that make an article irrelevant")


class DedupeConfig(_Section):
    """Duplicate detection and story clustering (see monitor/stages/dedupe.py)."""

    near_duplicate: float = Field(default=0.6, ge=0.3, le=1, description="shingle Jaccard for a near copy")
    story_window_days: int = Field(default=10, ge=1, le=365,
                                   description="how far apart two reports of one event can be (days)")
    story_threshold: float = Field(default=0.32, gt=0, le=1, description="score to join a story")
    num_perm: int = Field(default=128, ge=16, le=512, description="MinHash signature length")
    shingle_words: int = Field(default=3, ge=1, le=10, description="words per shingle for near copies")
    anchor_threshold: float = Field(default=0.4, gt=0, le=1, description=(
        "share of an article's language-independent anchors (entities, action kinds, dates, figures; "
        "idf-weighted) a story must have for the article to join it without shared words"))
    min_shared_anchors: int = Field(default=3, ge=1, le=20, description=(
        "language-independent anchors an article must share with a story to join it without shared words "
        "(one more when none of them names goods, a company, a deposit, a date or a figure)"))
    anchor_window_days: int = Field(default=3, ge=0, le=365, description=(
        "an article joins a story by anchors alone (no shared words) only when its date is at most this many "
        "days from the story's first date (unless both state the same event date; undated articles need a "
        "shared specific anchor instead); word-based joins keep story_window_days"))
    require_specific_anchor: bool = Field(default=False, description=(
        "an anchor-only join needs at least one shared specific anchor (goods, a company, a deposit, a stated "
        "date or a figure); China, rare earths and export control alone fit every MOFCOM measure"))
    anchor_conflict_veto: bool = Field(default=True, description=(
        "two texts that state different event dates, different quota years or different goods are different "
        "events: no join between them unless their words alone reach story_threshold"))


class StoriesConfig(_Section):
    """How stories are shown (see docs/stories.md)."""

    language: str = Field(default="en", pattern=r"^[a-z]{2,3}$", description=(
        "the language the user reads: a story's title is the best title of an article in it, else the best one"))


Digest = Literal["off", "hourly", "daily"]
Updates = Literal["off", "daily", "each"]


class ChannelConfig(_Section):
    """One alert channel with its own options: an `[[alerts.channels]]` table."""

    name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$", description="unique channel name")]
    url: str | None = Field(default=None, description="an apprise URL; prefer url_env for URLs that hold tokens")
    url_env: str | None = Field(default=None, description="name of an environment variable holding the apprise URL")
    min_score: float | None = Field(default=None, ge=0, le=1, description="default: [alerts] min_score")
    digest: Digest | None = Field(default=None, description="off | hourly | daily; default: [alerts] digest")
    format: Literal["auto", "text", "markdown", "html"] = Field(
        default="auto", description="auto: what the service renders best")
    updates: Updates | None = Field(default=None,
                                    description="story updates on this channel; default: [alerts] updates")

    @model_validator(mode="after")
    def _one_url(self) -> ChannelConfig:
        if (self.url is None) == (self.url_env is None):
            raise ValueError(f"channel '{self.name}' needs exactly one of 'url' or 'url_env'")
        return self


class AlertsConfig(_Section):
    """The [alerts] table: where alerts go, how often, and how delivery retries."""

    urls: tuple[str, ...] = Field(default=(), description="apprise URLs; secrets belong in REMON_ALERT_URLS")
    operator_urls: tuple[str, ...] = Field(default=(), description="apprise URLs for source-health alerts")
    channels: tuple[ChannelConfig, ...] = Field(default=(), description="[[alerts.channels]] with their own options")
    console: bool = Field(default=True, description="print alerts on stdout")
    min_score: float = Field(default=0.0, ge=0, le=1, description="alert only stories scoring at least this")
    digest: Digest = Field(default="off", description="off | hourly | daily")
    max_attempts: int = Field(default=5, ge=1, le=100, description="deliveries tried before an alert is failed")
    timeout: float = Field(default=10.0, gt=0, description="seconds one delivery may take")
    updates: Updates = Field(default="daily", description=(
        "tell alerted readers when a story gains a report in a new language, a new figure or an official "
        "source: 'off', 'daily' (at most one update per story a day) or 'each' (one per article that changes it)"))
    backoff: float = Field(default=60.0, ge=0, description="seconds before the first retry; doubles")
    max_backoff: float = Field(default=21600.0, ge=0, description="longest wait between retries (seconds)")
    atom_path: str = Field(default="data/stories.atom", description="the Atom feed of relevant stories")
    atom_entries: int = Field(default=50, ge=1, le=1000, description="entries in the Atom feed")
    atom_title: str = Field(default="remon: rare-earth policy stories", description="the Atom feed's title")
    health_failures: int = Field(default=3, ge=1, le=100, description="failed cycles in a row")
    health_min_pages: int = Field(default=5, ge=1, description="'used to return many' means at least this")
    health_yield_drop: float = Field(default=0.5, gt=0, lt=1, description="yield below this share of usual")
    health_window: int = Field(default=5, ge=2, le=50, description="past runs that define 'usual'")

    @model_validator(mode="after")
    def _unique_channels(self) -> AlertsConfig:
        names = [c.name for c in self.channels]
        duplicates = sorted({n for n in names if names.count(n) > 1 or n == "console"})
        if duplicates:
            raise ValueError(f"channel names must be unique and not 'console': {', '.join(duplicates)}")
        return self


class ScheduleConfig(_Section):
    """The [schedule] table: how `remon schedule` paces crawls and deliveries."""

    every: str = Field(default="1h", description="default crawl interval ('30m', '6h', '1d') or 5-field cron")
    jitter: int = Field(default=60, ge=0, description="seconds of random delay added to each start")
    lock_wait: float = Field(default=0.0, ge=0, description="seconds a run waits for a busy source")
    deliver_every: str = Field(default="1m", description="how often the daemon retries alerts and sends digests")
    stop_timeout: float = Field(default=20.0, gt=0, description="seconds a crawl gets to stop on SIGTERM")

    @field_validator("deliver_every")
    @classmethod
    def _deliver_shape(cls, value: str) -> str:
        parse_interval(value)
        return value

    @field_validator("every")
    @classmethod
    def _every_shape(cls, value: str) -> str:
        parse_schedule(value)
        return value


class SeedsConfig(_Section):
    """Limits on local seed documents."""

    max_bytes: int = Field(default=5_000_000, ge=1_000, description="larger seed files are reported and skipped")


class ServeConfig(_Section):
    """The [serve] table: where `remon serve` listens."""

    host: str = Field(default="127.0.0.1", description="address Datasette binds to")
    port: int = Field(default=8001, ge=1, le=65535, description="port Datasette listens on")
    public_url: str | None = Field(default=None, description=(
        "where readers reach the served archive, e.g. 'https://remon.example.org'; when set, every alert "
        "links to its story page there"))


class RedisConfig(_Section):
    """The [redis] table: scale-out mode only."""

    url: str = Field(default="redis://127.0.0.1:6379/0", description="the Redis server of scale-out workers")
