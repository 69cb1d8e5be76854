"""Whether an article comes from an official source: a government's own host or a PDF document."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit


@dataclass(frozen=True)
class OfficialRules:
    """Host suffixes and exact hosts that are a government's own, and whether a PDF counts."""

    suffixes: tuple[str, ...]
    hosts: frozenset[str]
    pdf_is_official: bool = True


@lru_cache(maxsize=1)
def default_rules() -> OfficialRules:
    raw = tomllib.loads(resources.files("monitor.data").joinpath("official_domains.toml").read_text("utf-8"))
    return OfficialRules(suffixes=tuple(raw["suffixes"]), hosts=frozenset(raw["hosts"]),
                         pdf_is_official=bool(raw.get("pdf_is_official", True)))


def is_pdf(url: str, content_type: str | None = None) -> bool:
    """A PDF by its content type or, failing that, by its path."""
    if content_type:
        return "pdf" in content_type.lower()
    return urlsplit(url).path.lower().endswith(".pdf")


def official_host(url: str, rules: OfficialRules | None = None) -> bool:
    """True for a government host: one of the listed hosts or under one of the listed suffixes."""
    rules = rules or default_rules()
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if not host:
        return False
    return host in rules.hosts or any(host == s or host.endswith("." + s) for s in rules.suffixes)


def is_official(url: str, content_type: str | None = None, rules: OfficialRules | None = None) -> bool:
    """A government's own page, or a PDF document (a decree or report) when the rules count PDFs."""
    rules = rules or default_rules()
    return official_host(url, rules) or (rules.pdf_is_official and is_pdf(url, content_type))
