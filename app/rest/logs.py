"""Log routes: append a batch, read a filtered page, or download the whole log as text.

The batch body is read and validated here (not by a request model) so that an oversized
batch is refused by its line count before any line is looked at.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator
from starlette.responses import StreamingResponse

from app.errors import Forbidden, InvalidTransition
from app.logs import service as logs
from app.logs.schemas import MAX_MESSAGE_BYTES, SOURCES, parse_batch
from app.logs.service import LogLineRow, LogPage
from app.logs.workflows import ingest_lines
from app.models.base import utcnow
from app.models.enums import LogLevel
from app.offload import sized_by
from app.rate_limits import RouteClass
from app.rest.body import BATCH_ID, QueryModel, read_json_object
from app.rest.endpoints import Call, Endpoint
from app.validation import INT64_MAX

LEVELS = [level.value for level in LogLevel]

LINE_IN: dict[str, Any] = {
    "type": "object",
    "required": ["message"],
    "additionalProperties": False,
    "properties": {
        "level": {"type": "string", "enum": LEVELS, "default": "INFO"},
        "message": {
            "type": "string",
            "description": f"At most {MAX_MESSAGE_BYTES} bytes of UTF-8; "
            "a longer one is cut and ends with '… [truncated N bytes]'",
        },
        "timestamp": {
            "oneOf": [
                {"type": "string", "format": "date-time"},
                {"type": "integer", "description": "epoch milliseconds"},
            ],
            "description": "Default: the time the batch is received",
        },
        "source": {"type": "string", "enum": list(SOURCES), "default": "stdout"},
    },
}
BATCH_IN: dict[str, Any] = {
    "type": "object",
    "required": ["lines"],
    "additionalProperties": False,
    "properties": {
        "lines": {"type": "array", "minItems": 1, "items": LINE_IN},
        "batch_id": BATCH_ID,
    },
}
ACCEPTED: dict[str, Any] = {
    "type": "object",
    "required": ["accepted"],
    "properties": {"accepted": {"type": "integer"}},
}
LINE_OUT: dict[str, Any] = {
    "type": "object",
    "required": ["seq", "timestamp", "level", "message", "source"],
    "properties": {
        "seq": {"type": "integer"},
        "timestamp": {"type": "string", "format": "date-time"},
        "level": {"type": "string", "enum": LEVELS},
        "message": {"type": "string"},
        "source": {"type": "string", "enum": list(SOURCES)},
    },
}
PAGE_OUT: dict[str, Any] = {
    "type": "object",
    "required": ["lines", "next_after", "has_more"],
    "properties": {
        "lines": {"type": "array", "items": LINE_OUT},
        "next_after": {
            "type": ["integer", "null"],
            "description": "Pass it as `after` for the next page",
        },
        "has_more": {"type": "boolean"},
    },
}


class LogQuery(QueryModel):
    comma_separated: ClassVar[frozenset[str]] = frozenset({"levels"})

    after: int | None = Field(default=None, ge=0, le=INT64_MAX, description="Lines after this seq")
    levels: list[LogLevel] | None = Field(
        default=None, description="Repeat it or separate values with commas; default: all"
    )
    search: str | None = Field(
        default=None, description="A case-insensitive substring of the message"
    )
    limit: int = Field(
        default=logs.DEFAULT_PAGE,
        ge=0,
        le=logs.MAX_PAGE,
        description="Lines at most; a page also ends at the line whose message crosses "
        "EXPSVC_LOGS_MAX_PAGE_BYTES (then has_more: go on from next_after)",
    )
    format: Literal["json", "text"] = Field(
        default="json",
        description="`text`: every matching line as a plain-text download (`limit` ignored)",
    )

    @field_validator("levels", mode="before")
    @classmethod
    def _upper_all(cls, value: Any) -> Any:
        return [v.upper() if isinstance(v, str) else v for v in value]

    @field_validator("format", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value


def _line_json(row: LogLineRow) -> dict[str, Any]:
    return {
        "seq": row.seq,
        "timestamp": row.timestamp,
        "level": row.level.value,
        "message": row.message,
        "source": row.source,
    }


def _page_json(page: LogPage) -> dict[str, Any]:
    return {
        "lines": [_line_json(row) for row in page.lines],
        "next_after": page.next_after,
        "has_more": page.has_more,
    }


async def post_logs(call: Call) -> Any:
    experiment_id = call.path_id()
    body = await read_json_object(call.request, call.settings.max_request_bytes, required=True)
    lines, batch_id = await sized_by(
        body, parse_batch, body, now=utcnow(), limit=call.settings.logs_max_batch_lines
    )
    await call.charge_ingest(len(lines))
    result = await ingest_lines(
        call.services, actor=call.actor, experiment_id=experiment_id, lines=lines, batch_id=batch_id
    )
    return {"accepted": result.accepted}


async def get_logs(call: Call) -> Any:
    query = call.query_as(LogQuery)
    experiment_id = call.path_id()
    if query.format == "text":
        return await _download(call, query)
    async with call.services.db.reader() as session:
        page = await logs.read_lines(
            session,
            actor=call.actor,
            experiment_id=experiment_id,
            after=query.after,
            levels=query.levels,
            search=query.search,
            first=query.limit,
            max_bytes=call.settings.logs_max_page_bytes,
        )
    return _page_json(page)


async def _download(call: Call, query: LogQuery) -> StreamingResponse:
    """The log (the whole of it unless filtered), streamed as ``experiment-<id>.log``."""
    experiment_id = call.path_id()
    chunks = await logs.open_text_export(
        call.services.db,
        actor=call.actor,
        experiment_id=experiment_id,
        after=query.after,
        levels=query.levels,
        search=query.search,
    )
    return StreamingResponse(
        chunks,
        media_type="text/plain; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="experiment-{experiment_id}.log"',
            "Cache-Control": "no-store",
        },
    )


_LOGS = "/experiments/{id}/logs"

ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "POST",
        _LOGS,
        post_logs,
        "Append log lines (RUNNING only): all or nothing; a repeated batch_id is a no-op",
        rate=RouteClass.INGEST,
        request_schema=BATCH_IN,
        response_schema=ACCEPTED,
        status_code=202,
        errors=(Forbidden, InvalidTransition),
        tags=("logs",),
        response_description="Accepted",
        description="Each accepted line gets the next sequence number of the experiment. "
        "A batch holds at most EXPSVC_LOGS_MAX_BATCH_LINES lines; a message over "
        f"{MAX_MESSAGE_BYTES} bytes is cut and marked, never refused. A batch sent again "
        "with the batch_id of an accepted one stores nothing and answers the first count.",
    ),
    Endpoint(
        "GET",
        _LOGS,
        get_logs,
        "A page of log lines, oldest first; or the whole log as a text download",
        query_model=LogQuery,
        response_content={
            "application/json": {"schema": PAGE_OUT},
            "text/plain": {"schema": {"type": "string"}},
        },
        tags=("logs",),
        description="With `format=text` the answer is `text/plain; charset=utf-8` with "
        '`Content-Disposition: attachment; filename="experiment-<id>.log"`: every line '
        "(or those matching `after`, `levels`, `search`), one per text line as "
        "`<ISO-8601 time> <LEVEL> [<source>] <message>`, streamed from the database.",
    ),
]
