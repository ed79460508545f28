"""What an MLflow route's handler gets: the caller and the request's arguments.

MLflow's client sends a GET's arguments in the query string and every other method's as a
JSON body; ``MlflowCall.args`` holds either. The typed readers refuse a bad argument with
``INVALID_PARAMETER_VALUE``, as MLflow's server does.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.requests import Request

from app.errors import NotFound
from app.mlflow_api.errors import MlflowError
from app.models import User
from app.rate_limits import RouteClass, ingest_cost
from app.request_body import read_body
from app.services import Services
from app.validation import text_problem


def invalid(message: str) -> MlflowError:
    return MlflowError("INVALID_PARAMETER_VALUE", message)


@dataclass(frozen=True)
class MlflowCall:
    request: Request
    services: Services
    actor: User
    args: dict[str, Any]
    rate_key: str = ""  # the caller's rate-limit buckets (app/rate_limits.py)

    async def charge_ingest(self, points: int) -> None:
        """Count a batch's metric points before it is written (``REQUEST_LIMIT_EXCEEDED``
        refuses all of it)."""
        await self.services.limits.charge(self.rate_key, RouteClass.INGEST, ingest_cost(points))

    def text(self, name: str, *, required: bool = True, default: str | None = None) -> str | None:
        value = self.args.get(name)
        if value is None or value == "":
            if required:
                raise invalid(f"Missing value for required parameter '{name}'.")
            return default
        if not isinstance(value, str):
            raise invalid(f"Invalid value {value!r} for parameter '{name}': must be a string")
        if problem := text_problem(value):
            raise invalid(f"Invalid value for parameter '{name}': {problem}")
        return value

    def required_text(self, name: str) -> str:
        value = self.text(name)
        assert value is not None
        return value

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.args.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise invalid(
                f"Invalid value {value!r} for parameter '{name}': not an integer"
            ) from None

    def items(self, name: str) -> list[dict[str, Any]]:
        value = self.args.get(name) or []
        if not isinstance(value, list) or not all(isinstance(i, dict) for i in value):
            raise invalid(f"Invalid value for parameter '{name}': must be a list of objects")
        return value

    def strings(self, name: str) -> list[str]:
        value = self.args.get(name) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(i, str) for i in value):
            raise invalid(f"Invalid value for parameter '{name}': must be a list of strings")
        return value

    def run_id(self) -> uuid.UUID:
        """``run_id`` (or the older ``run_uuid``): one of our experiment ids."""
        raw = self.args.get("run_id") or self.args.get("run_uuid")
        if not raw:
            raise invalid("Missing value for required parameter 'run_id'.")
        return parse_id(str(raw), "run")


def parse_id(raw: str, what: str) -> uuid.UUID:
    """Our ids are UUIDs; anything else names nothing (``RESOURCE_DOES_NOT_EXIST``)."""
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise NotFound(what, raw) from None


def query_args(request: Request) -> dict[str, Any]:
    """A GET's arguments; a repeated one (``experiment_ids=1&experiment_ids=2``) as a list."""
    args: dict[str, Any] = {}
    for name in dict.fromkeys(request.query_params.keys()):
        values = request.query_params.getlist(name)
        args[name] = values[0] if len(values) == 1 else values
    return args


async def body_args(request: Request, limit: int) -> dict[str, Any]:
    raw = await read_body(request, limit)
    if not raw.strip():
        return {}
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise MlflowError("MALFORMED_REQUEST", f"malformed JSON: {exc}") from None
    if not isinstance(document, dict):
        raise MlflowError("MALFORMED_REQUEST", "the body must be a JSON object")
    return document
