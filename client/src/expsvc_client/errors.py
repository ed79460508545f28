"""What the client raises."""

from __future__ import annotations

from typing import Any


class ExpsvcError(Exception):
    """Base of the client's errors."""


class ApiError(ExpsvcError):
    """The server refused a request: its error ``code`` (``VALIDATION_ERROR``, ``NOT_FOUND``,
    ``INVALID_TRANSITION``…), the HTTP status, the message and the details."""

    def __init__(
        self, code: str, message: str, status: int, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.details: dict[str, Any] = details or {}


class Unreachable(ExpsvcError):
    """The server did not answer (connection refused or dropped, timeout, 5xx, 429)."""


class ConfigError(ExpsvcError):
    """The client was not told where the server is, who it is, or what to log into."""
