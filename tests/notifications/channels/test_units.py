"""The parts without a database: the SMTP URL's options, the URL rules, the name
resolution check, the Standard Webhooks signature and the messages' shapes."""

from __future__ import annotations

import asyncio
import socket
import uuid
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from app import webhook_urls as urls
from app.config import Settings
from app.notifications.delivery.email import build_message
from app.notifications.delivery.message import Item, Outgoing
from app.notifications.delivery.slack import slack_text
from app.notifications.delivery.webhook import new_secret, signature
from app.smtp_url import parse_smtp_url


def test_smtp_url_options():
    plain = parse_smtp_url("smtp://user:p%40ss@mail.example.com:587?starttls=true")
    assert (plain.host, plain.port, plain.username, plain.password) == (
        "mail.example.com",
        587,
        "user",
        "p@ss",
    )
    assert (plain.use_tls, plain.start_tls) == (False, True)
    implicit = parse_smtp_url("smtps://user:pass@mail.example.com")
    assert (implicit.port, implicit.use_tls, implicit.start_tls) == (465, True, False)
    never = parse_smtp_url("smtp://relay.internal?starttls=false")
    assert (never.port, never.start_tls, never.username) == (25, False, None)
    assert parse_smtp_url("smtp://relay.internal").start_tls is None  # when offered
    for bad in ("http://mail.example.com", "smtp://", "smtp://h?starttls=maybe"):
        with pytest.raises(ValueError):
            parse_smtp_url(bad)


def test_url_rules():
    assert urls.url_problem("https://hooks.example.com/x", allow_private=False) is None
    assert urls.url_problem("http://127.0.0.1:9/x", allow_private=True) is None
    assert urls.url_problem("http://100.64.1.1/", allow_private=False) is not None
    assert urls.url_problem("http://[::ffff:127.0.0.1]/", allow_private=False) is not None
    assert urls.url_problem("http://0.0.0.0/", allow_private=False) is not None
    assert urls.url_problem("https://8.8.8.8/", allow_private=False) is None
    assert urls.url_problem("http://h:99999/", allow_private=False) == "must be a valid URL"
    assert urls.url_problem("https://example.com/" + "x" * 2000, allow_private=False)


async def test_a_name_resolving_to_a_private_address_is_refused_when_sent(monkeypatch):
    loop = asyncio.get_running_loop()

    async def resolves_privately(host, port, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port))]

    monkeypatch.setattr(loop, "getaddrinfo", resolves_privately)
    reason = await urls.unreachable_reason("https://internal.example.com/", allow_private=False)
    assert (
        reason
        == "internal.example.com resolves to 10.1.2.3, a loopback, private or reserved address"
    )
    assert (
        await urls.unreachable_reason("https://internal.example.com/", allow_private=True) is None
    )


def test_signature_matches_the_standard_webhooks_example():
    """The example of the Standard Webhooks reference libraries."""
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    assert (
        signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )
    assert new_secret().startswith("whsec_") and new_secret() != new_secret()


def test_message_shapes():
    at = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)
    one = Item(uuid.uuid4(), "EXPERIMENT_FAILED", "bert failed: OOM", at, None)
    two = Item(uuid.uuid4(), "EXPERIMENT_STARTED", "bert started", at, uuid.uuid4())
    single = Outgoing(uuid.uuid4(), uuid.uuid4(), (one,))
    digest = Outgoing(uuid.uuid4(), uuid.uuid4(), (one, two))
    assert single.subject == "[expsvc] bert failed: OOM"
    assert digest.subject == "[expsvc] 2 notifications"
    assert slack_text(single) == "bert failed: OOM"
    assert slack_text(digest) == "*2 notifications*\n• bert failed: OOM\n• bert started"
    mail = build_message(digest, sender="a@example.test", recipient="b@example.test")
    assert mail["Message-ID"] == f"<{digest.delivery_id}@expsvc>"
    assert "bert started" in mail.get_content()
    assert digest.document(at)["type"] == "notification.digest"


def test_malformed_installation_urls_stop_the_start(tmp_path):
    for setting, value in (
        ("smtp_url", "http://u:secret@mail.example.com"),
        ("smtp_url", "smtp://u:secret@mail.example.com?starttls=sometimes"),
        ("webhook_url", "ftp://hooks.example.com"),
        ("slack_webhook_url", "hooks.slack.com/services/x"),
    ):
        with pytest.raises(ValidationError) as raised:
            Settings(data_dir=tmp_path, **{setting: value})
        assert "secret" not in str(raised.value)
    good = Settings(
        data_dir=tmp_path,
        smtp_url="smtps://u:secret@mail.example.com",
        webhook_url="http://10.0.0.5/hooks",  # the installation's own: any address
    )
    assert good.smtp_url.get_secret_value().startswith("smtps://")
    assert "secret" not in repr(good.smtp_url)
