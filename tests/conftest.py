"""Fixtures shared across the suite: real servers on 127.0.0.1 (news site, SMTP, webhook, Redis).

The server classes live in the fixture modules beside this file (`fixture_site`, `alert_fixtures`,
`redis_fixtures`, `browser_fixtures`); these fixtures start one per test and always stop it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alert_fixtures import Mailbox, Webhook
from fixture_site import FixtureSite
from redis_fixtures import redis_url

__all__ = ["fixture_site", "mailbox", "redis_url", "webhook"]


@pytest.fixture
def fixture_site() -> Iterator[FixtureSite]:
    """The fixture news site (feeds, sitemaps, articles, a PDF) on a free loopback port."""
    with FixtureSite() as site:
        yield site


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A real SMTP server (aiosmtpd) with authentication, collecting the messages it accepts."""
    with Mailbox() as box:
        yield box


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    """A JSON webhook server recording every request it answers."""
    hook = Webhook().start()
    try:
        yield hook
    finally:
        hook.stop()
