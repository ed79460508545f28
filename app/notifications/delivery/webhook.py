"""Signed JSON webhooks, as the Standard Webhooks spec says (standardwebhooks.com).

Headers: ``webhook-id`` (the delivery id, the same on every retry), ``webhook-timestamp``
(unix seconds) and ``webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">``.
A secret written ``whsec_<base64>`` (the spec's form, and what the service generates for a
user's own webhook) signs with its decoded bytes; any other secret with its UTF-8 bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from datetime import datetime

import httpx
import orjson

from app.notifications.delivery.message import DeliveryError, Outgoing

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    """A fresh secret for a user's webhook: ``whsec_`` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_bytes(secret: str) -> bytes:
    if secret.startswith(SECRET_PREFIX):
        try:
            return base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
        except binascii.Error:
            pass
    return secret.encode()


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header's value."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_bytes(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def check_answer(response: httpx.Response) -> None:
    """A 2xx answer delivers; anything else (redirects included) is retried."""
    if not response.is_success:
        raise DeliveryError(f"HTTP {response.status_code} from {response.url.host}")


async def send_webhook(
    client: httpx.AsyncClient, url: str, secret: str, outgoing: Outgoing, now: datetime
) -> None:
    timestamp = int(now.timestamp())
    body = orjson.dumps(outgoing.document(now))
    message_id = str(outgoing.delivery_id)
    headers = {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }
    try:
        response = await client.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
    check_answer(response)
