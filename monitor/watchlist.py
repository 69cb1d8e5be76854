"""The watchlist (placeholder until the relevance stage lands): the relevance threshold."""

from __future__ import annotations

from dataclasses import dataclass

from monitor.config import RelevanceConfig


@dataclass(frozen=True)
class Watchlist:
    threshold: float


def build_watchlist(relevance: RelevanceConfig) -> Watchlist:
    """The watchlist from the config's [relevance] section."""
    return Watchlist(threshold=relevance.threshold)
