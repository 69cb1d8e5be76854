"""Pages as queue messages: a Page <-> JSON text, so crawl workers on other machines can hand pages over.

Pure and versioned: a message carries `v`, the body travels base64-encoded, and a message
that is not a remon page raises `BadMessage` (the consumer logs and skips it).
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict
from typing import Any

from monitor.models import Page, PageHints

VERSION = 1


class BadMessage(ValueError):
    """A queue message that is not a version-1 remon page."""


def encode_page(page: Page) -> str:
    """A JSON message for one page (the scrapy-redis item serializer)."""
    if not isinstance(page, Page):
        raise TypeError(f"only Page items go to the page queue, not {type(page).__name__}")
    fields = asdict(page)
    fields["body"] = base64.b64encode(page.body).decode("ascii")
    fields["headers"] = [list(pair) for pair in page.headers]
    return json.dumps({"v": VERSION, "page": fields}, ensure_ascii=False, separators=(",", ":"))


def decode_page(message: bytes | str) -> Page:
    """The Page in a message; BadMessage when it is not one."""
    try:
        data: Any = json.loads(message)
        if not isinstance(data, dict) or data.get("v") != VERSION:
            raise BadMessage(f"unknown message version: {data.get('v') if isinstance(data, dict) else data!r}")
        fields = dict(data["page"])
        fields["body"] = base64.b64decode(fields["body"], validate=True)
        fields["headers"] = tuple((str(k), str(v)) for k, v in fields["headers"])
        fields["hints"] = PageHints(**fields["hints"])
        return Page(**fields)
    except BadMessage:
        raise
    except (ValueError, KeyError, TypeError) as error:
        raise BadMessage(f"not a remon page message: {type(error).__name__}: {error}") from None
