"""Runs brought in from Weights & Biases: one ``wandb_imports`` row per imported run, so
importing the same run again (by its W&B project and run id, per caller) finds the
experiment it became instead of making another."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class WandbImport(Base):
    __tablename__ = "wandb_imports"
    __table_args__ = (UniqueConstraint("owner_id", "project", "run_id"),)

    experiment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("experiments.id", ondelete="CASCADE"), primary_key=True
    )
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    entity: Mapped[str] = mapped_column(String(200), default="")
    project: Mapped[str] = mapped_column(String(200))
    run_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
