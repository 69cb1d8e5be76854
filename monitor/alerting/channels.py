"""Alert channels from the configuration, named so that no secret ever reaches logs or the database."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, unquote, urlsplit

from monitor.alerting.render.options import RenderOptions
from monitor.config.load import Config, alert_urls, channel_url, operator_urls
from monitor.models import Channel

_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*)://", re.IGNORECASE)
_SECRETISH = re.compile(r"(://)([^/@\s]*@)?([^/?#\s]*)([^\s]*)")
MIN_SECRET_PART = 4  # shorter URL parts ('to', 'no', port numbers) are not worth masking


def channel_name(url: str, prefix: str = "") -> str:
    """A stable, secret-free name for an apprise URL: its scheme plus a short hash of the whole URL."""
    match = _SCHEME.match(url)
    scheme = match.group(1).lower() if match else "url"
    return f"{prefix}{scheme}:{hashlib.sha256(url.encode('utf-8')).hexdigest()[:8]}"


def mask_url(url: str) -> str:
    """An apprise URL with credentials, tokens and paths hidden: 'json://***' style, safe to print."""
    match = _SCHEME.match(url)
    return f"{match.group(1).lower()}://***" if match else "***"


def secret_parts(url: str) -> tuple[str, ...]:
    """Every part of an apprise URL that could be a secret: user, password, host, path segments, query values.

    Services such as Slack or Telegram put tokens in the host or path, so all of them count.
    """
    try:
        parts = urlsplit(url)
        userinfo, _, host = parts.netloc.rpartition("@")
        pieces = [*userinfo.split(":", 1), host.rsplit(":", 1)[0] if host.count(":") == 1 else host,
                  *parts.path.split("/"), *(value for _, value in parse_qsl(parts.query))]
    except ValueError:
        return (url,)
    found = {piece for raw in pieces for piece in (raw, unquote(raw)) if len(piece) >= MIN_SECRET_PART}
    return tuple(sorted(found, key=len, reverse=True))


def mask_secrets(text: str, urls: tuple[str, ...]) -> str:
    """Text with every configured URL, and every part of one that could be a secret, replaced by '***'."""
    for url in sorted(urls, key=len, reverse=True):
        text = text.replace(url, mask_url(url))
    for url in urls:
        for part in secret_parts(url):
            text = text.replace(part, "***")
    return _SECRETISH.sub(lambda m: m.group(1) + "***" if m.group(2) else m.group(0), text)


def story_channels(config: Config) -> tuple[Channel, ...]:
    """The console (unless switched off), one channel per `[alerts] urls` entry, then `[[alerts.channels]]`."""
    alerts = config.alerts
    channels = [Channel(name="console", min_score=alerts.min_score, digest=alerts.digest, format="text",
                        updates=alerts.updates)] if alerts.console else []
    for url in alert_urls(config):
        channels.append(Channel(name=channel_name(url), url=url, min_score=alerts.min_score,
                                digest=alerts.digest, updates=alerts.updates))
    for entry in alerts.channels:
        channels.append(Channel(
            name=entry.name, url=channel_url(entry), format=entry.format,
            min_score=alerts.min_score if entry.min_score is None else entry.min_score,
            digest=entry.digest or alerts.digest, updates=entry.updates or alerts.updates))
    return tuple(channels)


def configured_channels(config: Config) -> tuple[Channel, ...]:
    """The channels new stories are announced on (what the processing path queues alerts for)."""
    return story_channels(config)


def operator_channels(config: Config) -> tuple[Channel, ...]:
    """Channels for source-health messages: `[alerts] operator_urls` and $REMON_OPERATOR_URLS."""
    return tuple(Channel(name=channel_name(url, prefix="operator-"), url=url, role="operator")
                 for url in operator_urls(config))


def all_channels(config: Config) -> tuple[Channel, ...]:
    """Story and operator channels together: what delivery and `remon alerts test` walk through."""
    return story_channels(config) + operator_channels(config)


def all_secret_urls(config: Config) -> tuple[str, ...]:
    """Every configured URL that may hold a secret (for masking text before it is shown or stored)."""
    return tuple(channel.url for channel in all_channels(config) if channel.url)


def render_options(config: Config) -> RenderOptions:
    """The reader's language (`[stories] language`) and the archive's public address (`[serve] public_url`)
    for links to story pages."""
    return RenderOptions(language=config.stories.language, public_url=config.serve.public_url)
