"""Alert channels from the configuration, named so that no secret ever reaches logs or the database."""

from __future__ import annotations

import hashlib
import re

from monitor.config import Config, alert_urls
from monitor.models import Channel

_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*)://", re.IGNORECASE)
_SECRETISH = re.compile(r"(://)([^/@\s]*@)?([^/?#\s]*)([^\s]*)")


def channel_name(url: str) -> str:
    """A stable, secret-free name for an apprise URL: its scheme plus a short hash of the whole URL."""
    match = _SCHEME.match(url)
    scheme = match.group(1).lower() if match else "url"
    return f"{scheme}:{hashlib.sha256(url.encode('utf-8')).hexdigest()[:8]}"


def mask_url(url: str) -> str:
    """An apprise URL with credentials, tokens and paths hidden: 'json://***' style, safe to print."""
    match = _SCHEME.match(url)
    return f"{match.group(1).lower()}://***" if match else "***"


def mask_secrets(text: str, urls: tuple[str, ...]) -> str:
    """Text with every configured URL (and its user/password parts) replaced by its masked form."""
    for url in sorted(urls, key=len, reverse=True):
        text = text.replace(url, mask_url(url))
    return _SECRETISH.sub(lambda m: m.group(1) + "***" if m.group(2) else m.group(0), text)


def configured_channels(config: Config) -> tuple[Channel, ...]:
    """The console (unless switched off) plus one channel per alert URL."""
    channels = [Channel(name="console", min_score=config.alerts.min_score, digest=config.alerts.digest)] \
        if config.alerts.console else []
    for url in alert_urls(config):
        channels.append(Channel(name=channel_name(url), url=url, min_score=config.alerts.min_score,
                                digest=config.alerts.digest))
    return tuple(channels)
