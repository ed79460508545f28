"""Which webhook URLs a user may give, and whether one may be called now.

A user's URL must be ``http`` or ``https`` with a host (else ``VALIDATION_FAILED``). So
that it cannot point the service at its own network by accident (its database, its
metadata endpoint, another internal service), a user's URL is refused when its host is —
or, at send time, resolves to — a loopback, private, link-local, shared, multicast,
reserved or unspecified address, unless ``EXPSVC_NOTIFICATION_ALLOW_PRIVATE_URLS`` is on.
Redirects are not followed. The installation's own URLs (``EXPSVC_WEBHOOK_URL``,
``EXPSVC_SLACK_WEBHOOK_URL``) are trusted as configured. The check resolves the name before
the request and the HTTP client resolves it again, so a name that changes its answer in
between (DNS rebinding) is not covered: this guards against mistakes, not against an
attacker controlling a DNS server.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000
SCHEMES = ("http", "https")


def url_problem(url: str, *, allow_private: bool) -> str | None:
    """Why ``url`` cannot be a user's webhook, or None (no DNS lookup here)."""
    if len(url) > MAX_URL_LENGTH:
        return f"must be at most {MAX_URL_LENGTH} characters"
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        return "must be a valid URL"
    if parts.scheme.lower() not in SCHEMES:
        return "must be an http or https URL"
    if not host:
        return "must name a host"
    if any(char.isspace() or ord(char) < 32 for char in url):
        return "must not contain spaces or control characters"
    if not allow_private and _blocked_name(host):
        return "must not point at a loopback, private or reserved address"
    return None


def _blocked_name(host: str) -> bool:
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return blocked_address(ipaddress.ip_address(name))
    except ValueError:
        return False  # a DNS name: checked when it is resolved, at send time


def blocked_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return bool(
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv4Address) and address in _SHARED)
    )


_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT


async def unreachable_reason(url: str, *, allow_private: bool) -> str | None:
    """Why a user's ``url`` may not be called now (its name resolves to a blocked
    address, or it fails the rules above), or None."""
    problem = url_problem(url, allow_private=allow_private)
    if problem is not None or allow_private:
        return problem
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return None  # the request itself fails and is retried; nothing is reached
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if blocked_address(address):
            return f"{host} resolves to {address}, a loopback, private or reserved address"
    return None
