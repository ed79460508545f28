"""Email over SMTP (aiosmtplib), configured by ``EXPSVC_SMTP_URL``:

- ``smtp://user:pass@host:587?starttls=true``: plain connection, then STARTTLS (required
  with ``starttls=true``, never with ``starttls=false``, used when offered without it);
- ``smtps://user:pass@host:465``: TLS from the first byte.

User and password (percent-encoded in the URL) log in with SMTP AUTH. Certificates are
checked against the system's trust store. The ``Message-ID`` is the delivery id, so a
mail sent again after a lost answer can be recognised as the same one.
"""

from __future__ import annotations

import ssl
from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib

from app.notifications.delivery.message import DeliveryError, Outgoing
from app.smtp_url import SmtpConfig


def build_message(outgoing: Outgoing, *, sender: str, recipient: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = outgoing.subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = f"<{outgoing.delivery_id}@expsvc>"
    message.set_content(outgoing.text + "\n")
    return message


async def send_email(
    config: SmtpConfig,
    outgoing: Outgoing,
    *,
    sender: str,
    recipient: str,
    seconds: float,
    tls_context: ssl.SSLContext | None = None,
) -> None:
    message = build_message(outgoing, sender=sender, recipient=recipient)
    try:
        await aiosmtplib.send(
            message,
            hostname=config.host,
            port=config.port,
            username=config.username,
            password=config.password,
            use_tls=config.use_tls,
            start_tls=config.start_tls,
            tls_context=tls_context,
            timeout=seconds,
        )
    except aiosmtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(f"recipient refused: {exc}", retryable=False) from exc
    except aiosmtplib.SMTPResponseException as exc:
        # 5xx is a permanent refusal (except a failed login, which an operator may fix)
        permanent = exc.code >= 500 and exc.code != 535
        raise DeliveryError(f"SMTP {exc.code}: {exc.message}", retryable=not permanent) from exc
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
