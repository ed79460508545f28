"""Slack-compatible incoming webhooks (Slack, Mattermost, Rocket.Chat): a JSON POST of
``{"text": …}`` in their markdown. Such a webhook cannot de-duplicate, so a retry after a
lost answer may post twice."""

from __future__ import annotations

import httpx
import orjson

from app.notifications.delivery.message import DeliveryError, Outgoing
from app.notifications.delivery.webhook import check_answer


def slack_text(outgoing: Outgoing) -> str:
    if not outgoing.is_digest:
        return outgoing.items[0].message
    lines = "\n".join(f"• {item.message}" for item in outgoing.items)
    return f"*{len(outgoing.items)} notifications*\n{lines}"


async def send_slack(client: httpx.AsyncClient, url: str, outgoing: Outgoing) -> None:
    body = orjson.dumps({"text": slack_text(outgoing)})
    try:
        response = await client.post(
            url, content=body, headers={"content-type": "application/json"}
        )
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
    check_answer(response)
