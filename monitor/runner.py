"""`remon run`: one cycle over the configured sources, then alert delivery, with an exit code."""

from __future__ import annotations

from dataclasses import dataclass

from monitor.alerts import DeliveryReport, deliver_pending
from monitor.config import Config, ConfigError
from monitor.console import Console
from monitor.cycle import SourceResult, run_source, utc_now
from monitor.flow import close_context, open_context
from monitor.notify import make_sender


@dataclass
class CycleReport:
    results: list[SourceResult]
    delivery: DeliveryReport | None
    exit_code: int


def select_sources(config: Config, only: list[str] | None) -> tuple:
    """The active sources, or just the named ones (an unknown name is a usage error)."""
    if not only:
        return config.active_sources
    return tuple(config.source(name) for name in only)


def run_once(config: Config, console: Console, only: list[str] | None = None,
             deliver: bool = True) -> CycleReport:
    """Run each selected source in its own fault boundary, then deliver due alerts."""
    sources = select_sources(config, only)
    context = open_context(config)
    try:
        results = []
        for source in sources:
            result = run_source(source, config, context, console.progress)
            console.end_progress(source.name, result.counts)
            results.append(result)
        delivery = None
        if deliver:
            delivery = deliver_pending(context.archive, context.channels, make_sender(console.stdout),
                                       utc_now(), config.alerts.max_attempts)
    finally:
        close_context(context)
    return CycleReport(results=results, delivery=delivery, exit_code=0)


__all__ = ["CycleReport", "run_once", "select_sources", "ConfigError"]
