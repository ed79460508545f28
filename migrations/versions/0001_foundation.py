"""foundation: users, API tokens, hypotheses, experiments and the outbox

Revision ID: 0001
Revises:
Create Date: 2026-11-26 03:20:53
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.models.base import JSONDocument, UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the foundation tables with their indexes and constraints."""
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "DS", "MLE", "TL", "CURATOR", "ADMIN", name="role", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_api_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_user_id"), "api_tokens", ["user_id"])

    op.create_table(
        "hypotheses",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("team_lead_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_hypotheses_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["team_lead_id"], ["users.id"], name=op.f("fk_hypotheses_team_lead_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hypotheses")),
    )
    op.create_index(op.f("ix_hypotheses_owner_id"), "hypotheses", ["owner_id"])
    op.create_index(op.f("ix_hypotheses_team_lead_id"), "hypotheses", ["team_lead_id"])

    op.create_table(
        "hypothesis_observers",
        sa.Column("hypothesis_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hypothesis_id"],
            ["hypotheses.id"],
            name=op.f("fk_hypothesis_observers_hypothesis_id_hypotheses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_hypothesis_observers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("hypothesis_id", "user_id", name=op.f("pk_hypothesis_observers")),
    )
    op.create_index(op.f("ix_hypothesis_observers_user_id"), "hypothesis_observers", ["user_id"])

    op.create_table(
        "experiments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("hypothesis_id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "QUEUED",
                "RUNNING",
                "COMPLETED",
                "FAILED",
                "STOPPED",
                name="experiment_status",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "type",
            sa.Enum("LLM", "ML", "CV", name="experiment_type", native_enum=False, length=8),
            nullable=False,
        ),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("approach", sa.String(length=200), nullable=True),
        sa.Column("framework", sa.String(length=100), nullable=False),
        sa.Column("hyperparams", JSONDocument, nullable=False),
        sa.Column("config", JSONDocument, nullable=False),
        sa.Column("tags", JSONDocument, nullable=False),
        # Resource request
        sa.Column("gpu_type", sa.String(length=64), nullable=True),
        sa.Column("gpu_count", sa.Integer(), nullable=False),
        sa.Column("cpu_cores", sa.Integer(), nullable=False),
        sa.Column("memory_gb", sa.Integer(), nullable=False),
        sa.Column("max_duration_minutes", sa.Integer(), nullable=False),
        # Code
        sa.Column("git_repo_url", sa.String(length=1000), nullable=True),
        sa.Column("git_commit", sa.String(length=64), nullable=True),
        sa.Column("git_branch", sa.String(length=255), nullable=True),
        # Progress
        sa.Column("progress_step", sa.BigInteger(), nullable=True),
        sa.Column("progress_total_steps", sa.BigInteger(), nullable=True),
        sa.Column("progress_epoch", sa.Integer(), nullable=True),
        sa.Column("progress_total_epochs", sa.Integer(), nullable=True),
        sa.Column("progress_rate", sa.Float(), nullable=True),
        sa.Column("progress_reported_at", UTCDateTime(), nullable=True),
        # Failure
        sa.Column(
            "failure_reason",
            sa.Enum(
                "OOM",
                "RESOURCES_UNAVAILABLE",
                "LOGGING_TIMEOUT",
                "STORAGE_LIMIT_EXCEEDED",
                "RESERVATION_EXPIRED",
                "USER_ERROR",
                "INTERNAL",
                name="failure_reason",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("failure_message", sa.Text(), nullable=True),
        # Timestamps
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("last_activity_at", UTCDateTime(), nullable=True),
        sa.Column("duration_seconds", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["hypothesis_id"],
            ["hypotheses.id"],
            name=op.f("fk_experiments_hypothesis_id_hypotheses"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_experiments_owner_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_experiments")),
    )
    op.create_index(op.f("ix_experiments_hypothesis_id"), "experiments", ["hypothesis_id"])
    op.create_index(op.f("ix_experiments_owner_id"), "experiments", ["owner_id"])
    op.create_index(op.f("ix_experiments_model"), "experiments", ["model"])
    op.create_index("ix_experiments_status_created", "experiments", ["status", "created_at"])
    op.create_index("ix_experiments_created_at_id", "experiments", ["created_at", "id"])

    op.create_table(
        "outbox",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("aggregate_id", sa.Uuid(), nullable=False),
        sa.Column("payload", JSONDocument, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_event_id")),
    )
    op.create_index(op.f("ix_outbox_aggregate_id"), "outbox", ["aggregate_id"])
    # Partial index: the relay scans only events not yet published.
    op.create_index(
        "ix_outbox_unpublished",
        "outbox",
        ["id"],
        postgresql_where=sa.text("published_at IS NULL"),
        sqlite_where=sa.text("published_at IS NULL"),
    )


def downgrade() -> None:
    """Drop every foundation table (their indexes and constraints go with them)."""
    op.drop_table("outbox")
    op.drop_table("experiments")
    op.drop_table("hypothesis_observers")
    op.drop_table("hypotheses")
    op.drop_table("api_tokens")
    op.drop_table("users")
