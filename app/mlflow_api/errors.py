"""MLflow's error shape, ``{"error_code": …, "message": …}``, for every failure on the
MLflow-compatible routes: our domain errors keep their meaning under MLflow's codes and
the HTTP statuses MLflow's own server answers them with."""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from app.errors import (
    ArtifactTooLarge,
    BadRequest,
    DomainError,
    Forbidden,
    InvalidTransition,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    RequestTimeout,
    ResourcesUnavailable,
    StorageLimitExceeded,
    Unauthenticated,
    ValidationFailed,
)
from app.rate_limits import retry_after_headers
from app.rest.responses import ORJSONResponse

log = logging.getLogger("expsvc.mlflow_api")

# MLflow's codes with the statuses its server gives them (mlflow/protos/databricks.proto,
# mlflow.exceptions.get_http_status_code)
STATUS = {
    "INVALID_PARAMETER_VALUE": 400,
    "BAD_REQUEST": 400,
    "MALFORMED_REQUEST": 400,
    "INVALID_STATE": 400,
    "RESOURCE_ALREADY_EXISTS": 400,
    "RESOURCE_LIMIT_EXCEEDED": 400,
    "UNAUTHENTICATED": 401,
    "PERMISSION_DENIED": 403,
    "RESOURCE_DOES_NOT_EXIST": 404,
    "ENDPOINT_NOT_FOUND": 404,
    "REQUEST_LIMIT_EXCEEDED": 429,
    "INTERNAL_ERROR": 500,
    "TEMPORARILY_UNAVAILABLE": 503,
}

# Our code → MLflow's
_CODES: dict[type[DomainError], str] = {
    Unauthenticated: "UNAUTHENTICATED",
    Forbidden: "PERMISSION_DENIED",
    NotFound: "RESOURCE_DOES_NOT_EXIST",
    ValidationFailed: "INVALID_PARAMETER_VALUE",
    BadRequest: "BAD_REQUEST",
    InvalidTransition: "INVALID_STATE",
    ResourcesUnavailable: "RESOURCE_LIMIT_EXCEEDED",
    PayloadTooLarge: "RESOURCE_LIMIT_EXCEEDED",
    ArtifactTooLarge: "RESOURCE_LIMIT_EXCEEDED",
    StorageLimitExceeded: "RESOURCE_LIMIT_EXCEEDED",
    RateLimited: "REQUEST_LIMIT_EXCEEDED",
    RequestTimeout: "BAD_REQUEST",
}


class MlflowError(DomainError):
    """A refusal that only MLflow's terms can say (``RESOURCE_ALREADY_EXISTS``, …)."""

    def __init__(self, error_code: str, message: str) -> None:
        super().__init__(message)
        self.error_code = error_code


def mlflow_code(exc: DomainError) -> str:
    if isinstance(exc, MlflowError):
        return exc.error_code
    for kind in type(exc).__mro__:
        if kind in _CODES:
            return _CODES[kind]
    return "INTERNAL_ERROR"


def _message(exc: DomainError) -> str:
    """The message, with a validation's field errors written out (MLflow has no details)."""
    fields = exc.details.get("fields") if exc.details else None
    if isinstance(fields, dict) and fields:
        listed = "; ".join(f"{field}: {problem}" for field, problem in fields.items())
        return f"{exc.message}: {listed}"
    return exc.message


def error_response(
    error_code: str,
    message: str,
    status: int | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {"error_code": error_code, "message": message}
    if error_code == "UNAUTHENTICATED":
        headers = {"WWW-Authenticate": "Bearer"}
    return ORJSONResponse(body, status_code=status or STATUS.get(error_code, 500), headers=headers)


def domain_error_response(exc: DomainError) -> Response:
    return error_response(mlflow_code(exc), _message(exc), headers=retry_after_headers(exc))


def endpoint_not_found(request: Request) -> Response:
    return error_response(
        "ENDPOINT_NOT_FOUND",
        f"{request.method} {request.url.path} is not part of this service's MLflow API "
        "(see /api/v1/docs and docs/mlflow-api.md for what is)",
    )


def internal_error_response() -> Response:
    return error_response("INTERNAL_ERROR", "Internal server error")
