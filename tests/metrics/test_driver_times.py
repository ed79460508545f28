"""SQLite's metric write hands the driver timestamps as text it formats itself
(``store.driver_times``); that text must be exactly what SQLAlchemy's ``DateTime`` would
have stored, or reads, ordering and time filters would see two kinds of value."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects.sqlite import aiosqlite

from app.metrics import store
from app.metrics.batch import FAST_MAX_EPOCH_MS, MetricBatch
from app.models.base import UTCDateTime

DIALECT = aiosqlite.dialect()  # the driver the service uses
EPOCH_MS_MAX = FAST_MAX_EPOCH_MS - 1  # a batch holds epoch ms only up to there


class FakeBind:
    """What ``driver_times`` asks a session: the dialect's name."""

    def __init__(self, name: str) -> None:
        self.dialect = type("Dialect", (), {"name": name})()


class FakeSession:
    def __init__(self, name: str = "sqlite") -> None:
        self.bind = FakeBind(name)

    def get_bind(self) -> Any:
        return self.bind


def sqlalchemy_text(stamp: datetime) -> str:
    """What SQLAlchemy binds for ``stamp`` in a ``UTCDateTime`` column on SQLite."""
    processor = UTCDateTime().dialect_impl(DIALECT).bind_processor(DIALECT)
    assert processor is not None
    return str(processor(stamp))


def batch_of(
    stamps: list[datetime] | None = None, epoch_ms: list[int] | None = None
) -> MetricBatch:
    count = len(stamps if stamps is not None else epoch_ms or [])
    return MetricBatch(
        keys=["k"] * count,
        steps=list(range(count)),
        values=[0.0] * count,
        timestamps=stamps,
        epoch_ms=epoch_ms,
    )


@settings(max_examples=300)
@given(st.lists(st.integers(min_value=0, max_value=EPOCH_MS_MAX), min_size=1, max_size=50))
def test_epoch_milliseconds_become_sqlalchemys_text(epoch_ms):
    batch = batch_of(epoch_ms=epoch_ms)
    texts = store.driver_times(FakeSession(), batch)  # type: ignore[arg-type]
    assert texts == [sqlalchemy_text(stamp) for stamp in batch.timestamps]


@settings(max_examples=300)
@given(
    st.lists(
        st.datetimes(
            min_value=datetime(1970, 1, 2),
            max_value=datetime(9999, 12, 30),
            timezones=st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30))]),
        ),
        min_size=1,
        max_size=50,
    )
)
def test_datetimes_in_any_zone_become_sqlalchemys_text(stamps):
    texts = store.driver_times(FakeSession(), batch_of(stamps))  # type: ignore[arg-type]
    assert texts == [sqlalchemy_text(stamp) for stamp in stamps]


def test_other_databases_get_the_datetimes_themselves():
    stamps = [datetime(2026, 1, 1, tzinfo=UTC)]
    assert store.driver_times(FakeSession("postgresql"), batch_of(stamps)) == stamps  # type: ignore[arg-type]
