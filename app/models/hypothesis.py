"""Hypotheses: each experiment tests one. Owner, optional team lead, observers."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UUIDPrimaryKey, utcnow
from app.models.user import User

hypothesis_observers = Table(
    "hypothesis_observers",
    Base.metadata,
    Column(
        "hypothesis_id",
        ForeignKey("hypotheses.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Hypothesis(UUIDPrimaryKey, Base):
    __tablename__ = "hypotheses"

    title: Mapped[str] = mapped_column(String(500))
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    team_lead_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner: Mapped[User] = relationship(foreign_keys=[owner_id], lazy="raise")
    team_lead: Mapped[User | None] = relationship(foreign_keys=[team_lead_id], lazy="raise")
    observers: Mapped[list[User]] = relationship(secondary=hypothesis_observers, lazy="raise")
