"""``EXPSVC_SMTP_URL`` read into its parts (the settings check it when read; the email
channel, ``app/notifications/delivery/email.py``, connects with them)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

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
