"""Structured logging: structlog in front, the standard library's handlers behind.

Every record — from our structlog loggers, or from uvicorn, SQLAlchemy and any other
library using ``logging`` — goes through one handler on the root logger whose
``ProcessorFormatter`` renders it the same way: JSON lines when ``log_json`` is set, a
readable console line otherwise. Timestamps are ISO 8601 in UTC, and whatever is bound in
structlog's contextvars (the request id) is merged into each line.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog
from structlog.typing import Processor

from app.config import Settings

# uvicorn's own access log would duplicate the one our middleware writes.
QUIETED_LOGGERS = {"uvicorn.access": logging.WARNING}
ROUTED_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def shared_processors() -> list[Processor]:
    """The steps both structlog events and foreign ``logging`` records go through."""
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def renderer(as_json: bool) -> list[Processor]:
    if as_json:
        return [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
    return [structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())]


def make_formatter(as_json: bool) -> structlog.stdlib.ProcessorFormatter:
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared_processors(),
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *renderer(as_json)],
    )


def configure_structlog() -> None:
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared_processors(),
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        # Not cached, so a later configure_logging (or structlog.testing) takes effect.
        cache_logger_on_first_use=False,
    )


def install_handler(root: logging.Logger, handler: logging.Handler) -> None:
    """Replace the handler a previous call installed; leave anyone else's alone."""
    for existing in list(root.handlers):
        if isinstance(existing, _StderrHandler):
            root.removeHandler(existing)
    root.addHandler(handler)


def route_library_loggers() -> None:
    """Send uvicorn's loggers to the root handler instead of their own."""
    for name in ROUTED_LOGGERS:
        library_logger = logging.getLogger(name)
        library_logger.handlers.clear()
        library_logger.propagate = True
    for name, level in QUIETED_LOGGERS.items():
        logging.getLogger(name).setLevel(level)


def parse_level(name: str) -> int:
    levels = logging.getLevelNamesMapping()
    try:
        return levels[name.upper()]
    except KeyError:
        raise ValueError(f"unknown log level {name!r}; use one of {sorted(levels)}") from None


def configure_logging(settings: Settings) -> None:
    """Set up structlog and the standard library; safe to call more than once."""
    level = parse_level(settings.log_level)
    configure_structlog()
    handler = _StderrHandler()
    handler.setFormatter(make_formatter(settings.log_json))
    root = logging.getLogger()
    install_handler(root, handler)
    root.setLevel(level)
    route_library_loggers()


def get_logger(name: str, **initial_values: Any) -> structlog.stdlib.BoundLogger:
    """A structlog logger backed by the standard library logger ``name``."""
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(name, **initial_values)
    return logger
