"""The domain error hierarchy. Each error carries the contract's code and HTTP status.

GraphQL (``schema/errors.py``) and REST (``app/rest/errors.py``) both render these from the
attributes here, so a code and its status are written down once.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    code: ClassVar[str] = "INTERNAL"
    http_status: ClassVar[int] = 500

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class Unauthenticated(DomainError):
    code = "UNAUTHENTICATED"
    http_status = 401

    def __init__(self, message: str = "missing or invalid token") -> None:
        super().__init__(message)


class Forbidden(DomainError):
    code = "FORBIDDEN"
    http_status = 403


class NotFound(DomainError):
    code = "NOT_FOUND"
    http_status = 404

    def __init__(self, what: str, ident: object) -> None:
        super().__init__(f"{what} {ident} not found", details={"id": str(ident)})


class ValidationFailed(DomainError):
    code = "VALIDATION_FAILED"
    http_status = 422

    def __init__(self, fields: dict[str, str], message: str = "invalid input") -> None:
        super().__init__(message, details={"fields": fields})
        self.fields = fields


class InvalidTransition(DomainError):
    code = "INVALID_TRANSITION"
    http_status = 409


class ResourcesUnavailable(DomainError):
    code = "RESOURCES_UNAVAILABLE"
    http_status = 409


class ArtifactTooLarge(DomainError):
    code = "ARTIFACT_TOO_LARGE"
    http_status = 413


class StorageLimitExceeded(DomainError):
    code = "STORAGE_LIMIT_EXCEEDED"
    http_status = 507


class PayloadTooLarge(DomainError):
    code = "PAYLOAD_TOO_LARGE"
    http_status = 413


class RateLimited(DomainError):
    """Too many requests; ``retry_after`` (whole seconds) when waiting is what helps: REST and
    the MLflow API send it as ``Retry-After`` (``app/rate_limits.py``)."""

    code = "RATE_LIMITED"
    http_status = 429

    def __init__(
        self,
        message: str,
        *,
        details: dict[str, Any] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message, details=details)
        self.retry_after = retry_after


class QueryTooComplex(DomainError):
    code = "QUERY_TOO_COMPLEX"
    http_status = 400


class RequestTimeout(DomainError):
    """A slow client: the request body stopped arriving (``app/read_timeouts.py``)."""

    code = "REQUEST_TIMEOUT"
    http_status = 408


class BadRequest(DomainError):
    """Malformed input that is not about a field: unreadable JSON, a bad GraphQL document."""

    code = "BAD_REQUEST"
    http_status = 400


INTERNAL_ERROR_CODE = "INTERNAL_SERVER_ERROR"


class SubscriptionLagged(DomainError):
    """A live subscriber fell behind its bounded queue; ``details`` say where to resume."""

    code = "SUBSCRIPTION_LAGGED"
    http_status = 409
