"""The OpenAPI 3.1 document, built from the same endpoint table as the routes."""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any, Literal

from pydantic import BaseModel

from app.errors import DomainError
from app.rest.endpoints import Endpoint
from app.rest.schemas import ErrorResponse

REF = "#/components/schemas/{model}"
SECURITY_SCHEME = "bearerAuth"
JSON_MEDIA = "application/json"


class Components:
    """The shared schemas; a name used twice must mean the same schema."""

    def __init__(self) -> None:
        self.schemas: dict[str, Any] = {}

    def _add(self, name: str, schema: dict[str, Any]) -> None:
        if self.schemas.setdefault(name, schema) != schema:
            raise ValueError(f"two different schemas are named {name}")

    def definitions(self, schema: dict[str, Any]) -> dict[str, Any]:
        """``schema`` with its ``$defs`` moved here."""
        schema = dict(schema)
        for name, definition in schema.pop("$defs", {}).items():
            self._add(name, definition)
        return schema

    def ref(self, model: type[BaseModel], mode: Literal["validation", "serialization"]) -> Any:
        schema = self.definitions(model.model_json_schema(ref_template=REF, mode=mode))
        self._add(model.__name__, schema)
        return {"$ref": REF.format(model=model.__name__)}


def _json_content(schema: Any) -> dict[str, Any]:
    return {JSON_MEDIA: {"schema": schema}}


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is absent rather than null: drop ``null`` from an optional one."""
    options = [s for s in schema.get("anyOf", []) if s != {"type": "null"}]
    if len(options) != 1:
        return schema
    rest = {k: v for k, v in schema.items() if k != "anyOf" and k != "default"}
    default = {"default": schema["default"]} if schema.get("default") is not None else {}
    return {**options[0], **rest, **default}


def _parameters(endpoint: Endpoint, components: Components) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string", "format": "uuid"},
        }
        for name in endpoint.path_params
    ]
    model = endpoint.query_model
    if model is None:
        return parameters
    properties = components.definitions(model.model_json_schema(ref_template=REF))["properties"]
    for name, info in model.model_fields.items():
        schema = _without_null(properties[name])
        parameter = {"name": name, "in": "query", "required": info.is_required(), "schema": schema}
        if info.description:
            parameter["description"] = info.description
        if schema.get("type") == "array":
            parameter |= {"style": "form", "explode": True}
        parameters.append(parameter)
    return parameters


RETRY_AFTER: dict[str, Any] = {
    "description": "Seconds until the request would be accepted (RATE_LIMITED)",
    "schema": {"type": "integer", "minimum": 1},
}


def _error_responses(errors: Sequence[type[DomainError]], error_ref: Any) -> dict[str, Any]:
    by_status: dict[int, list[str]] = {}
    for error in errors:
        by_status.setdefault(error.http_status, []).append(error.code)
    by_status.setdefault(500, []).append("INTERNAL_SERVER_ERROR")
    responses: dict[str, Any] = {
        str(status): {
            "description": f"{HTTPStatus(status).phrase}: " + " or ".join(codes),
            "content": _json_content(error_ref),
        }
        for status, codes in sorted(by_status.items())
    }
    if "429" in responses:
        responses["429"]["headers"] = {"Retry-After": RETRY_AFTER}
    return responses


def _success(endpoint: Endpoint, components: Components) -> dict[str, Any]:
    response: dict[str, Any] = {"description": endpoint.response_description}
    if endpoint.response_model is not None:
        schema = components.ref(endpoint.response_model, "serialization")
        response["content"] = _json_content(schema)
    elif endpoint.response_schema is not None:
        response["content"] = _json_content(endpoint.response_schema)
    elif endpoint.response_content is not None:
        response["content"] = endpoint.response_content
    return response


def operation(endpoint: Endpoint, components: Components, error_ref: Any) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": endpoint.operation_id,
        "summary": endpoint.summary,
        "tags": list(endpoint.tags),
    }
    if endpoint.description:
        op["description"] = endpoint.description
    parameters = _parameters(endpoint, components)
    if parameters:
        op["parameters"] = parameters
    if endpoint.request_model is not None:
        op["requestBody"] = {
            "required": endpoint.body_required,
            "content": _json_content(components.ref(endpoint.request_model, "validation")),
        }
    elif endpoint.request_schema is not None:
        op["requestBody"] = {
            "required": endpoint.body_required,
            "content": _json_content(endpoint.request_schema),
        }
    elif endpoint.request_content is not None:
        op["requestBody"] = {
            "required": endpoint.body_required,
            "content": endpoint.request_content,
        }
    op["responses"] = {
        str(endpoint.status_code): _success(endpoint, components),
        **{str(status): answer for status, answer in endpoint.other_responses.items()},
        **_error_responses(endpoint.error_types(), error_ref),
    }
    if not endpoint.auth:
        op["security"] = []
    return op


def openapi_document(endpoints: Sequence[Endpoint], *, title: str, version: str) -> dict[str, Any]:
    components = Components()
    error_ref = components.ref(ErrorResponse, "serialization")
    paths: dict[str, dict[str, Any]] = {}
    operation_ids = [endpoint.operation_id for endpoint in endpoints]
    if len(set(operation_ids)) != len(operation_ids):
        raise ValueError("two endpoints share an operationId (their handlers' names)")
    for endpoint in endpoints:
        path = paths.setdefault(endpoint.path, {})
        path[endpoint.method.lower()] = operation(endpoint, components, error_ref)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": version,
            "description": 'Errors are `{"error": {"code", "message", "details"}}`.',
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{SECURITY_SCHEME: []}],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(components.schemas.items())),
            "securitySchemes": {SECURITY_SCHEME: {"type": "http", "scheme": "bearer"}},
        },
    }
