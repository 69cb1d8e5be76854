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
from typing import Any

from pydantic import ValidationError, model_validator

from monitor.config.sections import (  # noqa: F401 - re-exported: the config's public vocabulary
    AlertsConfig,
    ChannelConfig,
    CrawlConfig,
    CrawlSettings,
    DedupeConfig,
    RedisConfig,
    RelevanceConfig,
    ScheduleConfig,
    SeedsConfig,
    ServeConfig,
    SourceConfig,
    StorageConfig,
    StoriesConfig,
    WatchTerm,
    _Section,
)

DEFAULT_CONFIG_NAMES = ("remon.toml",)
SECRET_URL_ENV = "REMON_ALERT_URLS"  # extra alert URLs, whitespace- or comma-separated
SECRET_OPERATOR_URL_ENV = "REMON_OPERATOR_URLS"


class ConfigError(Exception):
    """A configuration problem, with a message fit for a single line on stderr."""



class Config(_Section):
    """The whole configuration; `base_dir` anchors relative paths (the config file's folder)."""

    storage: StorageConfig = StorageConfig()
    crawl: CrawlConfig = CrawlConfig()
    sources: tuple[SourceConfig, ...] = ()
    relevance: RelevanceConfig = RelevanceConfig()
    dedupe: DedupeConfig = DedupeConfig()
    stories: StoriesConfig = StoriesConfig()
    alerts: AlertsConfig = AlertsConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    serve: ServeConfig = ServeConfig()
    redis: RedisConfig = RedisConfig()
    seeds: SeedsConfig = SeedsConfig()
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
