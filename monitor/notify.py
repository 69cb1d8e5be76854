"""Delivery of rendered alerts: the console and every apprise URL (the only apprise importer)."""

from __future__ import annotations

import logging
from typing import TextIO

import apprise

from monitor.alerts import Message, Sender
from monitor.channels import mask_secrets
from monitor.models import Channel

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A channel did not accept a message; the text never contains the channel's URL."""


def console_send(stream: TextIO, message: Message) -> None:
    stream.write(f"\nALERT {message.text}\n")
    stream.flush()


def apprise_send(channel: Channel, message: Message) -> None:
    """Send through apprise; raise DeliveryError (secret-free) when the service refused it."""
    assert channel.url is not None
    notifier = apprise.Apprise()
    if not notifier.add(channel.url):
        raise DeliveryError(f"{channel.name}: not a valid apprise URL")
    ok = notifier.notify(title=message.title, body=message.markdown, body_format=apprise.NotifyFormat.MARKDOWN)
    if not ok:
        raise DeliveryError(f"{channel.name}: delivery refused or unreachable")


def make_sender(stream: TextIO) -> Sender:
    """A Sender that prints console alerts to `stream` and hands the rest to apprise."""
    def send(channel: Channel, message: Message) -> None:
        if channel.url is None:
            console_send(stream, message)
            return
        try:
            apprise_send(channel, message)
        except DeliveryError:
            raise
        except Exception as error:
            raise DeliveryError(mask_secrets(f"{channel.name}: {error}", (channel.url,))) from None
    return send
