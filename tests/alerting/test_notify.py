"""Delivery through apprise to real local servers: timeouts in the URL, body format per service, masked secrets."""

from __future__ import annotations

import io
import logging

import pytest
from alert_fixtures import SMTP_PASSWORD, TOKEN, Mailbox, Webhook

from monitor.alerting.channels import channel_name, mask_secrets, mask_url, secret_parts
from monitor.alerting.delivery import Message
from monitor.alerting.notify import DeliveryError, apprise_send, make_sender, pick_body, with_timeouts
from monitor.alerting.render.fit import Fitted
from monitor.models import Channel

MESSAGE = Message(title="[remon] T", text="plain", markdown="**md**", html="<b>html</b>")


def test_with_timeouts_adds_bounds_and_keeps_user_values() -> None:
    assert with_timeouts("json://127.0.0.1:8080/hook", 2.5) == "json://127.0.0.1:8080/hook?cto=2.5&rto=2.5&retry=0"
    assert with_timeouts("mailto://u:p@h?to=a%40b.org&cto=9", 10) == "mailto://u:p@h?to=a@b.org&cto=9&rto=10&retry=0"


def test_pick_body_follows_the_channel_then_the_service() -> None:
    import apprise

    auto = Channel(name="x", url="json://h")
    telegram = apprise.Apprise.instantiate("tgram://123456789:abcdefg_hijklmnopqrstuvwxyz123456/12345")
    discord = apprise.Apprise.instantiate("discord://1234/abcdefabcdef")
    webhook = apprise.Apprise.instantiate("json://127.0.0.1/hook")
    assert pick_body(auto, MESSAGE, telegram) == Fitted("", "**md**", "markdown")  # chat: Markdown, no title
    assert pick_body(auto, MESSAGE, webhook) == Fitted("[remon] T", "plain", "text")
    forced = Channel(name="x", url="json://h", format="markdown")
    assert pick_body(forced, MESSAGE, discord) == Fitted("[remon] T", "**md**", "markdown")


def test_masking_hides_every_secret_part() -> None:
    url = f"slack://{TOKEN}/B0000/XYZW9999?footer=no"
    assert mask_url(url) == "slack://***"
    assert secret_parts(url) == (TOKEN, "XYZW9999", "B0000")  # longest first; 'no' is too short to matter
    assert mask_secrets(f"posting to https://hooks.example/{TOKEN}/B0000 failed", (url,)) == \
        "posting to https://hooks.example/***/*** failed"
    assert mask_secrets(f"login {SMTP_PASSWORD} refused", (f"mailto://bot:{SMTP_PASSWORD}@smtp.example",)) == \
        "login *** refused"
    assert channel_name(url) == channel_name(url) and channel_name(url).startswith("slack:") and TOKEN not in \
        channel_name(url)


@pytest.mark.e2e
def test_email_arrives_as_html_and_text_through_a_real_smtp_server(mailbox: Mailbox) -> None:
    apprise_send(Channel(name="mail", url=mailbox.url()), MESSAGE, timeout=5)
    assert [m["Subject"] for m in mailbox.messages] == ["[remon] T"]
    parts = {p.get_content_type(): p.get_payload(decode=True).decode().strip() for p in mailbox.messages[0].walk()
             if not p.is_multipart()}
    assert parts["text/html"] == "<b>html</b>"


@pytest.mark.e2e
def test_refused_and_failing_webhooks_raise_secret_free_errors(caplog: pytest.LogCaptureFixture) -> None:
    hook = Webhook()
    channel = Channel(name="hook", url=hook.url())
    caplog.set_level(logging.DEBUG)
    with pytest.raises(DeliveryError) as refused:
        apprise_send(channel, MESSAGE, timeout=1)
    hook.mode = "error"
    hook.start()
    try:
        with pytest.raises(DeliveryError) as failed:
            apprise_send(channel, MESSAGE, timeout=1)
    finally:
        hook.stop()
    assert str(refused.value) == "hook: A Connection error occurred sending JSON notification to ***."
    assert str(failed.value) == "hook: Failed to send JSON POST notification: Internal server error., error=500."
    assert TOKEN not in caplog.text and "apprise: " in caplog.text


@pytest.mark.e2e
def test_console_and_webhook_through_one_sender(webhook: Webhook) -> None:
    stream = io.StringIO()
    send = make_sender(stream, timeout=2)
    send(Channel(name="console"), MESSAGE)
    send(Channel(name="hook", url=webhook.url()), MESSAGE)
    assert stream.getvalue() == "\nALERT plain\n"
    assert [(m["title"], m["message"], m["type"]) for m in webhook.received] == [("[remon] T", "plain", "info")]
