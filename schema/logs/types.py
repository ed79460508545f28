"""GraphQL log types. ``Experiment.logs`` reads through the per-request logs loader."""

from __future__ import annotations

from datetime import datetime

import strawberry

import schema.enums  # noqa: F401  (registers LogLevel as the GraphQL enum)
from app.logs import service as logs
from app.logs.service import LogLineRow
from app.logs.service import LogPage as LogPageData
from app.models.enums import LogLevel
from schema.engine import plain_input


@strawberry.type(description="One log line; seq increases by one per line of the experiment.")
class LogLine:
    seq: int
    timestamp: datetime
    level: LogLevel
    message: str
    source: str | None = strawberry.field(description="stdout, stderr or system")

    @classmethod
    def from_row(cls, row: LogLineRow) -> LogLine:
        return cls(
            seq=row.seq,
            timestamp=row.timestamp,
            level=row.level,
            message=row.message,
            source=row.source,
        )


@strawberry.type
class LogPage:
    lines: list[LogLine]
    next_after: int | None = strawberry.field(
        description="Pass it as `after` for the next page (the seq of the last line)."
    )
    has_more: bool

    @classmethod
    def from_page(cls, page: LogPageData) -> LogPage:
        return cls(
            lines=[LogLine.from_row(row) for row in page.lines],
            next_after=page.next_after,
            has_more=page.has_more,
        )


@plain_input  # built in one call: a batch sends thousands
@strawberry.input
class LogLineInput:
    level: LogLevel | None = LogLevel.INFO
    message: str = strawberry.field(
        description="At most 64 KiB of UTF-8; a longer one is cut and marked, not refused."
    )
    timestamp: datetime | None = strawberry.field(
        default=None, description="Default: the time the batch is received."
    )
    source: str | None = strawberry.field(
        default=None, description="stdout (default), stderr or system"
    )


LOGS_DESCRIPTION = (
    "Lines after `after` (a seq), oldest first; `levels` and `search` (a case-insensitive "
    f"substring of the message) filter them; `first` is at most {logs.MAX_PAGE}. A page also "
    "ends at the line whose message crosses EXPSVC_LOGS_MAX_PAGE_BYTES (4 MiB by default); "
    "`hasMore` then says to go on from `nextAfter`."
)
