"""Reading a request's input: a size-limited JSON object body, and typed query parameters."""

from __future__ import annotations

import types
import typing
from typing import Any, ClassVar

import orjson
from pydantic import BaseModel, ConfigDict
from starlette.requests import Request

from app.errors import ValidationFailed
from app.request_body import read_body
from app.validation import MAX_BATCH_ID

# The OpenAPI schema of a batch's optional idempotency key (the rule: ``check_batch_id``)
BATCH_ID: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": MAX_BATCH_ID,
    "description": "Optional: a retry with the same batch_id writes nothing again and "
    "answers the first answer",
}


class QueryModel(BaseModel):
    """Query parameters of one endpoint; list fields may repeat (``?tag=a&tag=b``)."""

    model_config = ConfigDict(extra="forbid")

    # List fields that also accept one comma-separated value (``?status=QUEUED,RUNNING``)
    comma_separated: ClassVar[frozenset[str]] = frozenset()


async def read_json_object(request: Request, limit: int, *, required: bool) -> dict[str, Any]:
    """The body as a JSON object; an empty body is ``{}`` unless ``required``."""
    raw = await read_body(request, limit)
    if not raw.strip():
        if required:
            raise ValidationFailed({"body": "a JSON object is required"})
        return {}
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ValidationFailed({"body": f"malformed JSON: {exc}"}) from None
    if not isinstance(document, dict):
        raise ValidationFailed({"body": "must be a JSON object"})
    return document


def _is_list(annotation: Any) -> bool:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_is_list(arg) for arg in typing.get_args(annotation))
    return typing.get_origin(annotation) is list


def query_data(request: Request, model: type[QueryModel]) -> dict[str, Any]:
    """Query parameters as plain data for ``model``; empty values count as absent."""
    data: dict[str, Any] = {}
    for name in dict.fromkeys(request.query_params.keys()):
        values = [v for v in request.query_params.getlist(name) if v != ""]
        field = model.model_fields.get(name)
        if field is None:
            data[name] = values  # refused by the model: an unknown parameter
        elif not _is_list(field.annotation):
            if len(values) > 1:
                raise ValidationFailed({name: "may be given only once"})
            if values:
                data[name] = values[0]
        else:
            if name in model.comma_separated:
                values = [part.strip() for v in values for part in v.split(",") if part.strip()]
            if values:
                data[name] = values
    return data
