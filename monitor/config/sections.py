"""The sections of the configuration file, as frozen pydantic models with unknown keys forbidden.

`monitor.config.load` loads the file into these; each model is one TOML table, so a typo is an
error naming the key, never a silently ignored setting.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StorageConfig(_Section):
    path: str = "data/remon.db"


class CrawlSettings(_Section):
    """Politeness and limits; global in [crawl], overridable per source."""

    delay: float | None = Field(default=None, ge=0)
    autothrottle: bool | None = None
    concurrency_per_domain: int | None = Field(default=None, ge=1, le=64)
    user_agent: str | None = None
    timeout: float | None = Field(default=None, gt=0)


class CrawlConfig(CrawlSettings):
    delay: float | None = Field(default=1.0, ge=0)
    autothrottle: bool | None = True
    concurrency_per_domain: int | None = Field(default=2, ge=1, le=64)
    user_agent: str | None = "remon/0.1 (rare-earth policy news monitor; +https://github.com/remon-monitor/remon)"
    timeout: float | None = Field(default=30.0, gt=0)
    obey_robots: bool = True
    max_page_bytes: int = Field(default=10_000_000, ge=10_000)
    max_pdf_bytes: int = Field(default=20_000_000, ge=10_000)
    retries: int = Field(default=2, ge=0, le=10)
    max_redirects: int = Field(default=5, ge=0, le=20)
    max_pages_per_source: int = Field(default=500, ge=1)
    parallel_sources: int = Field(default=4, ge=1, le=32)  # web sources crawled at once by `remon run`


SourceKind = Literal["seeds", "feed", "sitemap", "site"]
_INTERVAL = re.compile(r"^\d+\s*[smhd]$")


class SourceConfig(CrawlSettings):
    """One source to monitor; `kind` decides which spider (or loader) reads it."""

    name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")]
    kind: SourceKind
    path: str | None = None
    url: str | None = None
    urls: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    depth: int = Field(default=2, ge=0, le=10)
    since: int | None = Field(default=None, ge=1, description="days")
    changes: bool = False  # re-fetch known URLs (pages that are updated in place)
    schedule: str | None = None  # '30m', '6h', '1d' or a 5-field cron expression
    enabled: bool = True
    language: str | None = None

    @model_validator(mode="after")
    def _needs_location(self) -> SourceConfig:
        if self.kind == "seeds" and not self.path:
            raise ValueError(f"source '{self.name}' of kind 'seeds' needs 'path'")
        if self.kind in ("feed", "sitemap") and not self.url:
            raise ValueError(f"source '{self.name}' of kind '{self.kind}' needs 'url'")
        if self.kind == "site" and not (self.url or self.urls):
            raise ValueError(f"source '{self.name}' of kind 'site' needs 'url' or 'urls'")
        return self

    @field_validator("schedule")
    @classmethod
    def _schedule_shape(cls, value: str | None) -> str | None:
        if value is None or _INTERVAL.match(value.strip()) or len(value.split()) == 5:
            return value
        raise ValueError("schedule must be an interval like '30m', '6h', '1d' or a 5-field cron expression")

    @property
    def start_urls(self) -> tuple[str, ...]:
        return self.urls or ((self.url,) if self.url else ())


class WatchTerm(_Section):
    """A user's own watchlist entry: a term (and aliases) with a weight."""

    term: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    kind: Literal["ree", "policy", "actor", "penalty"] = "policy"
    weight: float = Field(default=1.0, ge=-5, le=5)
    language: str | None = None


class RelevanceConfig(_Section):
    threshold: float = Field(default=0.5, ge=0, le=1)
    terms: tuple[WatchTerm, ...] = ()
    exclude: tuple[str, ...] = ()  # phrases that make an article irrelevant


class DedupeConfig(_Section):
    """Duplicate detection and story clustering (see monitor/dedupe.py)."""

    near_duplicate: float = Field(default=0.6, ge=0.3, le=1, description="shingle Jaccard for a near copy")
    story_window_days: int = Field(default=10, ge=1, le=365)
    story_threshold: float = Field(default=0.32, gt=0, le=1, description="score to join a story")
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
    num_perm: int = Field(default=128, ge=16, le=512)  # MinHash signature length
    shingle_words: int = Field(default=3, ge=1, le=10)


class StoriesConfig(_Section):
    """How stories are shown (see docs/stories.md)."""

    language: str = Field(default="en", pattern=r"^[a-z]{2,3}$", description=(
        "the language the user reads: a story's title is the best title of an article in it, else the best one"))


Digest = Literal["off", "hourly", "daily"]


class ChannelConfig(_Section):
    """One alert channel with its own options: an `[[alerts.channels]]` table."""

    name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")]
    url: str | None = None  # an apprise URL; prefer url_env for URLs that hold tokens
    url_env: str | None = None  # name of an environment variable holding the apprise URL
    min_score: float | None = Field(default=None, ge=0, le=1)  # default: [alerts] min_score
    digest: Digest | None = None  # default: [alerts] digest
    format: Literal["auto", "text", "markdown", "html"] = "auto"  # auto: what the service renders best

    @model_validator(mode="after")
    def _one_url(self) -> ChannelConfig:
        if (self.url is None) == (self.url_env is None):
            raise ValueError(f"channel '{self.name}' needs exactly one of 'url' or 'url_env'")
        return self


class AlertsConfig(_Section):
    urls: tuple[str, ...] = ()
    operator_urls: tuple[str, ...] = ()
    channels: tuple[ChannelConfig, ...] = ()
    console: bool = True
    min_score: float = Field(default=0.0, ge=0, le=1)
    digest: Digest = "off"
    max_attempts: int = Field(default=5, ge=1, le=100)
    timeout: float = Field(default=10.0, gt=0)
    backoff: float = Field(default=60.0, ge=0, description="seconds before the first retry; doubles")
    max_backoff: float = Field(default=21600.0, ge=0)
    atom_path: str = "data/stories.atom"
    atom_entries: int = Field(default=50, ge=1, le=1000)
    atom_title: str = "remon: rare-earth policy stories"
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
    every: str = "1h"
    jitter: int = Field(default=60, ge=0)
    lock_wait: float = Field(default=0.0, ge=0, description="seconds a run waits for a busy source")
    deliver_every: str = "1m"  # how often the daemon retries pending alerts and sends due digests
    stop_timeout: float = Field(default=20.0, gt=0, description="seconds a crawl gets to stop on SIGTERM")

    @field_validator("deliver_every")
    @classmethod
    def _deliver_shape(cls, value: str) -> str:
        if _INTERVAL.match(value.strip()):
            return value
        raise ValueError("deliver_every must be an interval like '30s', '1m', '1h'")

    @field_validator("every")
    @classmethod
    def _every_shape(cls, value: str) -> str:
        if _INTERVAL.match(value.strip()) or len(value.split()) == 5:
            return value
        raise ValueError("every must be an interval like '30m', '6h', '1d' or a 5-field cron expression")


class ServeConfig(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8001, ge=1, le=65535)


class RedisConfig(_Section):
    url: str = "redis://127.0.0.1:6379/0"
