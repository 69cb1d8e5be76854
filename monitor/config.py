"""Load and validate the one configuration file; the only module that reads the environment.

Every section is a frozen pydantic model with unknown keys forbidden, so a typo is an
error naming the key, never a silently ignored setting. `load_config` raises
`ConfigError` with a one-line message; the CLI turns it into exit status 2.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DEFAULT_CONFIG_NAMES = ("remon.toml",)
SECRET_URL_ENV = "REMON_ALERT_URLS"  # extra alert URLs, whitespace- or comma-separated
SECRET_OPERATOR_URL_ENV = "REMON_OPERATOR_URLS"


class ConfigError(Exception):
    """A configuration problem, with a message fit for a single line on stderr."""


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
    num_perm: int = Field(default=128, ge=16, le=512)  # MinHash signature length
    shingle_words: int = Field(default=3, ge=1, le=10)


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


class Config(_Section):
    """The whole configuration; `base_dir` anchors relative paths (the config file's folder)."""

    storage: StorageConfig = StorageConfig()
    crawl: CrawlConfig = CrawlConfig()
    sources: tuple[SourceConfig, ...] = ()
    relevance: RelevanceConfig = RelevanceConfig()
    dedupe: DedupeConfig = DedupeConfig()
    alerts: AlertsConfig = AlertsConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    serve: ServeConfig = ServeConfig()
    redis: RedisConfig = RedisConfig()
    base_dir: str = "."
    config_path: str | None = None

    @model_validator(mode="after")
    def _unique_source_names(self) -> Config:
        names = [s.name for s in self.sources]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"source names must be unique: {', '.join(duplicates)}")
        return self

    def resolve(self, path: str) -> Path:
        """A config path made absolute against the config file's folder."""
        candidate = Path(path).expanduser()
        return candidate if candidate.is_absolute() else Path(self.base_dir) / candidate

    @property
    def db_path(self) -> Path:
        return self.resolve(self.storage.path)

    @property
    def active_sources(self) -> tuple[SourceConfig, ...]:
        """The listed enabled sources, or the default seeds source when none are listed."""
        if not self.sources:
            return (SourceConfig(name="seeds", kind="seeds", path="seeds"),)
        return tuple(s for s in self.sources if s.enabled)

    def source(self, name: str) -> SourceConfig:
        for candidate in self.active_sources:
            if candidate.name == name:
                return candidate
        known = ", ".join(s.name for s in self.active_sources)
        raise ConfigError(f"no source named {name!r} (known: {known})")

    def crawl_for(self, source: SourceConfig) -> CrawlSettings:
        """Per-source crawl settings, falling back to the global [crawl] values."""
        merged = {k: getattr(source, k) if getattr(source, k) is not None else getattr(self.crawl, k)
                  for k in CrawlSettings.model_fields}
        return CrawlSettings(**merged)


def _format_error(path: str, error: ValidationError) -> str:
    first = error.errors()[0]
    key = ".".join(str(part) for part in first["loc"]) or "(top level)"
    if first["type"] == "extra_forbidden":
        return f"{path}: unknown key '{key}'"
    message = first["msg"].removeprefix("Value error, ")
    return f"{path}: {key}: {message}"


def parse_config(data: dict[str, Any], *, base_dir: str = ".", origin: str = "<config>") -> Config:
    """Validate a parsed TOML document into a Config (raises ConfigError)."""
    for reserved in ("base_dir", "config_path"):
        if reserved in data:
            raise ConfigError(f"{origin}: unknown key '{reserved}'")
    try:
        return Config(**data, base_dir=base_dir, config_path=None if origin == "<config>" else origin)
    except ValidationError as error:
        raise ConfigError(_format_error(origin, error)) from None


def find_config(explicit: str | None, cwd: Path | None = None) -> Path | None:
    """The config to use: --config, then $REMON_CONFIG, then ./remon.toml; None means defaults."""
    chosen = explicit or os.environ.get("REMON_CONFIG")
    if chosen:
        return Path(chosen)
    for name in DEFAULT_CONFIG_NAMES:
        candidate = (cwd or Path.cwd()) / name
        if candidate.is_file():
            return candidate
    return None


def load_config(explicit: str | None = None, cwd: Path | None = None) -> Config:
    """Read, parse and validate the configuration; defaults when there is no file."""
    path = find_config(explicit, cwd)
    if path is None:
        return parse_config({}, base_dir=str(cwd or Path.cwd()))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    return parse_config(data, base_dir=str(path.resolve().parent), origin=str(path))


def _split_urls(value: str | None) -> tuple[str, ...]:
    return tuple(part for part in re.split(r"[\s,]+", value or "") if part)


def _read_url_file(path: str | None) -> tuple[str, ...]:
    if not path:
        return ()
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise ConfigError(f"alert URL file {path}: {error.strerror}") from None
    return tuple(line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#"))


def alert_urls(config: Config) -> tuple[str, ...]:
    """Alert URLs from the config plus secrets from $REMON_ALERT_URLS and $REMON_ALERT_URLS_FILE."""
    return (config.alerts.urls + _split_urls(os.environ.get(SECRET_URL_ENV))
            + _read_url_file(os.environ.get(SECRET_URL_ENV + "_FILE")))


def channel_url(channel: ChannelConfig) -> str:
    """The apprise URL of an `[[alerts.channels]]` entry, read from its environment variable if so set."""
    if channel.url is not None:
        return channel.url
    assert channel.url_env is not None
    value = os.environ.get(channel.url_env, "").strip()
    if not value:
        raise ConfigError(f"alerts.channels '{channel.name}': environment variable {channel.url_env} is not set")
    return value


def operator_urls(config: Config) -> tuple[str, ...]:
    """Operator (source health) URLs, from the config and $REMON_OPERATOR_URLS(_FILE)."""
    return (config.alerts.operator_urls + _split_urls(os.environ.get(SECRET_OPERATOR_URL_ENV))
            + _read_url_file(os.environ.get(SECRET_OPERATOR_URL_ENV + "_FILE")))
