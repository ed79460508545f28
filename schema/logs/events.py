"""The live log events of ``logLines`` and ``runMonitor``."""

from __future__ import annotations

import strawberry

from app.live.logs import SharedLines
from app.logs.service import LogLineRow
from schema.engine import shared
from schema.logs.types import LogLine


@strawberry.type
class LogsEvent:
    experiment_id: strawberry.ID
    lines: list[LogLine]


def logs_event(ident: strawberry.ID, lines: list[LogLineRow]) -> LogsEvent:
    def make() -> LogsEvent:
        return LogsEvent(experiment_id=ident, lines=[LogLine.from_row(r) for r in lines])

    return shared(lines, make) if isinstance(lines, SharedLines) else make()
