"""Pools (GPUs, CPU cores, memory), the reservations experiments hold on them, and API
costs.

``resource_pools.reserved`` / ``cpu_reserved`` / ``memory_reserved`` are the sums of the
GPUs / cores / GB of the pool's unreleased reservations; they only move together, by one
conditional UPDATE (``reserved + n <= capacity AND cpu_reserved + c <= cpu_cores AND
memory_reserved + m <= memory_gb``), so no pool is ever oversubscribed on any of them
whatever the concurrency.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, Enum, Float, ForeignKey, Integer, String
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column

from app.config import CPU_CORES_PER_GPU, MEMORY_GB_PER_GPU
from app.models.base import Base, UUIDPrimaryKey, utcnow
from app.models.enums import QueueOrder


def _per_gpu(amount: int) -> object:
    """A column default of ``amount`` per GPU of the row's ``capacity`` (a pool inserted
    without its CPU cores or memory)."""

    def default(context: DefaultExecutionContext) -> int:
        parameters = context.get_current_parameters()  # type: ignore[no-untyped-call]
        return int(parameters.get("capacity") or 0) * amount

    return default


class ResourcePool(Base):
    __tablename__ = "resource_pools"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    gpu_type: Mapped[str] = mapped_column(String(64), index=True)
    capacity: Mapped[int] = mapped_column(Integer)
    reserved: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    hourly_cost_per_gpu: Mapped[float] = mapped_column(Float)
    cpu_cores: Mapped[int] = mapped_column(
        Integer, default=_per_gpu(CPU_CORES_PER_GPU), server_default="0"
    )
    cpu_reserved: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    memory_gb: Mapped[int] = mapped_column(
        Integer, default=_per_gpu(MEMORY_GB_PER_GPU), server_default="0"
    )
    memory_reserved: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    hourly_cost_per_cpu_core: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    # how its waiting entries are ordered within a priority (``app/resources/plan.py``)
    queue_order: Mapped[QueueOrder] = mapped_column(
        Enum(QueueOrder, name="queue_order", native_enum=False, length=16),
        default=QueueOrder.FIFO,
        server_default=QueueOrder.FIFO.value,
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        CheckConstraint("cpu_reserved >= 0", name="cpu_reserved_not_negative"),
        CheckConstraint("memory_reserved >= 0", name="memory_reserved_not_negative"),
    )


class Reservation(UUIDPrimaryKey, Base):
    __tablename__ = "reservations"

    experiment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("experiments.id", ondelete="CASCADE"), unique=True
    )
    pool_name: Mapped[str] = mapped_column(ForeignKey("resource_pools.name"), index=True)
    gpu_count: Mapped[int] = mapped_column(Integer)
    hourly_cost_per_gpu: Mapped[float] = mapped_column(Float)  # the rate when reserved
    cpu_cores: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    memory_gb: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    hourly_cost_per_cpu_core: Mapped[float] = mapped_column(  # the rate when reserved
        Float, default=0.0, server_default="0"
    )
    reserved_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column(index=True)
    released_at: Mapped[datetime | None] = mapped_column(default=None)
    warned_at: Mapped[datetime | None] = mapped_column(default=None)


class ApiCost(UUIDPrimaryKey, Base):
    __tablename__ = "api_costs"

    experiment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("experiments.id", ondelete="CASCADE"), index=True
    )
    amount: Mapped[float] = mapped_column(Float)
    description: Mapped[str] = mapped_column(String(500))
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
