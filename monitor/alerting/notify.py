"""Delivery of rendered alerts: the console and every apprise URL (the only apprise importer).

Every apprise call is bounded (connect and read timeouts from `[alerts] timeout` are
added to the URL, apprise's own retries are off: the outbox retries), and apprise's
log records are relayed through `monitor.alerting.notify` with every secret part of the URL
masked, so no token reaches a log, an error message or the database.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import apprise

from monitor.alerting.channels import mask_secrets
from monitor.alerting.delivery import Message, Sender
from monitor.alerting.render.fit import Fitted, fit_message
from monitor.models import Channel
from monitor.stages.clean import terminal_safe

log = logging.getLogger(__name__)

RELAYED_LOGGERS = ("apprise", "urllib3", "requests")  # they log URLs, paths and credentials
FORMATS = {"text": apprise.NotifyFormat.TEXT, "markdown": apprise.NotifyFormat.MARKDOWN,
           "html": apprise.NotifyFormat.HTML}


class DeliveryError(Exception):
    """A channel did not accept a message; the text never contains the channel's URL or its secrets."""


def console_send(stream: TextIO, message: Message) -> None:
    lines = (terminal_safe(line) for line in message.text.splitlines())
    stream.write("\nALERT " + "\n".join(lines) + "\n")
    stream.flush()


def with_timeouts(url: str, timeout: float) -> str:
    """The apprise URL with connect/read timeouts (`cto`, `rto`) and no apprise-side retries, unless set."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    for key, value in (("cto", f"{timeout:g}"), ("rto", f"{timeout:g}"), ("retry", "0")):
        query.setdefault(key, value)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, safe="@:/,"), parts.fragment))


class _Relay(logging.Handler):
    """Collects apprise's records for one send and passes them on, masked, at DEBUG level."""

    def __init__(self, secrets: tuple[str, ...]) -> None:
        super().__init__(level=logging.DEBUG)
        self.secrets = secrets
        self.problems: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = mask_secrets(record.getMessage(), self.secrets)
        if record.levelno >= logging.WARNING and record.name.startswith("apprise"):
            self.problems.append(text)
        log.debug("apprise: %s", text)


@contextmanager
def _relayed(secrets: tuple[str, ...]) -> Iterator[_Relay]:
    """Route apprise's and its HTTP client's log records through a masking relay for the block."""
    relay = _Relay(secrets)
    sources = [logging.getLogger(name) for name in RELAYED_LOGGERS]
    saved = [(source.propagate, source.level) for source in sources]
    for source in sources:
        source.addHandler(relay)
        source.propagate = False
        source.setLevel(logging.DEBUG if log.isEnabledFor(logging.DEBUG) else logging.WARNING)
    try:
        yield relay
    finally:
        for source, (propagate, level) in zip(sources, saved, strict=True):
            source.removeHandler(relay)
            source.propagate, source.level = propagate, level


def wanted_format(channel: Channel, native: object) -> str:
    """The channel's chosen body format, or the service's own preferred one on 'auto'."""
    if channel.format in FORMATS:
        return channel.format
    offered = tuple(native) if isinstance(native, (tuple, list)) else (native,)
    preferred = next((name for name, f in FORMATS.items() if offered and f == offered[0]), "text")
    if preferred == "html" and apprise.NotifyFormat.MARKDOWN in offered:
        return "markdown"  # chat services (Telegram) take a few HTML tags only: an email's layout would break
    return preferred


def pick_body(channel: Channel, message: Message, service: object) -> Fitted:
    """Title and body in the wanted format, fitted into the service's own limits (apprise's
    `title_maxlen` and `body_maxlen`): shortened at paragraph or word boundaries, never mid-word."""
    wanted = wanted_format(channel, getattr(service, "notify_format", None))
    return fit_message(message, wanted, int(getattr(service, "body_maxlen", 32768)),
                       int(getattr(service, "title_maxlen", 250)))


def apprise_send(channel: Channel, message: Message, timeout: float) -> None:
    """Send through apprise; raise DeliveryError (secret-free) when the service refused it."""
    assert channel.url is not None
    secrets = (channel.url,)
    with _relayed(secrets) as relay:
        notifier = apprise.Apprise(asset=apprise.AppriseAsset(storage_mode="memory"))
        if not notifier.add(with_timeouts(channel.url, timeout)):
            raise DeliveryError(f"{channel.name}: not a valid apprise URL")
        fitted = pick_body(channel, message, notifier[0])
        ok = notifier.notify(title=mask_secrets(fitted.title, secrets), body=mask_secrets(fitted.body, secrets),
                             body_format=FORMATS[fitted.format])
    if not ok:
        detail = "; ".join(relay.problems[-2:]) or "delivery refused or unreachable"
        raise DeliveryError(f"{channel.name}: {detail}")


def make_sender(stream: TextIO, timeout: float = 10.0) -> Sender:
    """A Sender that prints console alerts to `stream` and hands the rest to apprise."""
    def send(channel: Channel, message: Message) -> None:
        if channel.url is None:
            console_send(stream, message)
            return
        try:
            apprise_send(channel, message, timeout)
        except DeliveryError:
            raise
        except Exception as error:  # noqa: BLE001 - any failure becomes a masked DeliveryError
            raise DeliveryError(mask_secrets(f"{channel.name}: {type(error).__name__}: {error}",
                                             (channel.url,))) from None
    return send
