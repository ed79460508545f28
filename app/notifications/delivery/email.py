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
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from app.notifications.delivery.message import DeliveryError, Outgoing

TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool  # TLS from the first byte (smtps)
    start_tls: bool | None  # True: required, False: never, None: when the server offers it


def parse_smtp_url(url: str) -> SmtpConfig:
    """``EXPSVC_SMTP_URL`` → its parts; ``ValueError`` says what is wrong."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("smtp", "smtps"):
        raise ValueError("EXPSVC_SMTP_URL must start with smtp:// or smtps://")
    if not parts.hostname:
        raise ValueError("EXPSVC_SMTP_URL must name a host")
    query = {key.lower(): values[-1].lower() for key, values in parse_qs(parts.query).items()}
    start_tls: bool | None = None
    if "starttls" in query:
        if query["starttls"] not in TRUE + FALSE:
            raise ValueError("starttls must be true or false")
        start_tls = query["starttls"] in TRUE
    use_tls = scheme == "smtps"
    if use_tls:
        start_tls = False
    return SmtpConfig(
        host=parts.hostname,
        port=parts.port or (465 if use_tls else 587 if start_tls else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        use_tls=use_tls,
        start_tls=start_tls,
    )


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
