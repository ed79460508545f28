"""GPU pools, the reservations experiments hold on them, and API costs.

``resource_pools.reserved`` is the sum of the GPUs of unreleased reservations of the pool;
it only moves by conditional UPDATEs (``reserved + n <= capacity``), so no pool is ever
oversubscribed whatever the concurrency.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UUIDPrimaryKey, utcnow


class ResourcePool(Base):
    __tablename__ = "resource_pools"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    gpu_type: Mapped[str] = mapped_column(String(64), index=True)
    capacity: Mapped[int] = mapped_column(Integer)
    reserved: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    hourly_cost_per_gpu: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        CheckConstraint("capacity >= 0", name="capacity_not_negative"),
    )


class Reservation(UUIDPrimaryKey, Base):
    __tablename__ = "reservations"

    experiment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("experiments.id", ondelete="CASCADE"), unique=True
    )
    pool_name: Mapped[str] = mapped_column(ForeignKey("resource_pools.name"), index=True)
    gpu_count: Mapped[int] = mapped_column(Integer)
    hourly_cost_per_gpu: Mapped[float] = mapped_column(Float)  # the rate when reserved
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
