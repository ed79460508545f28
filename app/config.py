"""Settings, read from the environment with the prefix ``EXPSVC_``.

Every setting has a default that works on a laptop with nothing installed: SQLite, the
in-process broker and a local artifact folder under ``./.expsvc/``.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

GiB = 1024**3
MiB = 1024**2


class PoolSetting(BaseModel):
    """One GPU pool as configured in ``EXPSVC_RESOURCE_POOLS``."""

    name: str
    gpu_type: str
    capacity: int = Field(ge=0)
    hourly_cost_per_gpu: float = Field(ge=0)


DEFAULT_POOLS = [
    PoolSetting(name="a100-pool", gpu_type="A100", capacity=16, hourly_cost_per_gpu=2.5),
    PoolSetting(name="h100-pool", gpu_type="H100", capacity=8, hourly_cost_per_gpu=4.0),
    PoolSetting(name="t4-pool", gpu_type="T4", capacity=16, hourly_cost_per_gpu=0.35),
]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EXPSVC_", extra="ignore")

    # Backing services
    database_url: str = "sqlite+aiosqlite:///./.expsvc/expsvc.db"
    redis_url: str = ""
    artifact_store_url: str = "file://./.expsvc/artifacts"
    s3_endpoint_url: str = ""
    mlflow_tracking_uri: str = ""
    data_dir: Path = Path("./.expsvc")
    redis_key_prefix: str = "expsvc:"

    # Public address used to build absolute links (download URLs); empty → relative links
    public_base_url: str = ""

    # Ingestion limits
    metrics_max_batch_points: int = Field(default=10_000, ge=1)
    max_request_bytes: int = Field(default=5 * MiB, ge=1024)
    logs_max_batch_lines: int = Field(default=10_000, ge=1)

    # Lifecycle
    activity_timeout_seconds: int = Field(default=900, ge=1)

    # Artifacts
    artifact_max_bytes: int = Field(default=10 * GiB, ge=1)
    artifact_quota_per_experiment_bytes: int = Field(default=50 * GiB, ge=1)
    storage_quota_bytes: int = Field(default=1024 * GiB, ge=1)
    # Direct (presigned) uploads: how long the URLs live and the upload may stay incomplete
    artifact_upload_expiry_seconds: int = Field(default=24 * 3600, ge=60, le=7 * 24 * 3600)
    # Lifetime of the presigned GET a download redirects to (S3)
    artifact_download_url_seconds: int = Field(default=300, ge=1, le=7 * 24 * 3600)
    # S3: part size of multipart uploads (S3's minimum is 5 MiB), and the region to sign for
    s3_part_size_bytes: int = Field(default=8 * MiB, ge=5 * MiB, le=5 * GiB)
    s3_region: str = ""

    # Resources
    resource_pools: Annotated[list[PoolSetting], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_POOLS)
    )
    max_gpus_per_experiment: int = Field(default=8, ge=0)
    max_duration_minutes: int = Field(default=7 * 24 * 60, ge=1)
    max_cpu_cores: int = Field(default=128, ge=1)
    max_memory_gb: int = Field(default=2048, ge=1)
    reservation_warning_minutes: int = Field(default=10, ge=0)

    # Websockets
    max_subscriptions_per_connection: int = Field(default=20, ge=1)
    subscription_queue_size: int = Field(default=1000, ge=1)
    ws_keep_alive_seconds: float = Field(default=15.0, gt=0)
    # permessage-deflate costs ~0.8 ms of CPU per 100 KiB message per subscriber (each
    # connection compresses on its own): off unless subscribers sit behind slow links
    ws_per_message_deflate: bool = False

    # GraphQL query limits
    query_max_depth: int = Field(default=12, ge=1)
    query_max_tokens: int = Field(default=5000, ge=10)
    query_max_aliases: int = Field(default=50, ge=1)
    # Field selections once every fragment spread is written out (a fragment spread twice
    # counts twice): the size a written-out document of query_max_tokens could have, so
    # fragments cannot multiply a small document into a huge one
    query_max_fields: int = Field(default=5000, ge=1)
    query_max_cost: int = Field(default=50_000, ge=1)
    # An answer larger than this stops being built and is refused (QUERY_TOO_COMPLEX):
    # the backstop for data larger than the cost estimate planned for (the compare view of
    # 100 experiments x 3 series x 500 points is ~12 MB)
    max_response_bytes: int = Field(default=32 * MiB, ge=1024)

    # MLflow mirror (active when mlflow_tracking_uri is set; see app/integrations/mlflow)
    # The MLflow experiment a run goes to: {hypothesis} is the hypothesis title,
    # {hypothesis_id} its id
    mlflow_experiment_name: str = "{hypothesis}"
    # Base of the run links shown to users; empty → the tracking URI
    mlflow_ui_url: str = ""
    mlflow_tracking_token: str = ""
    mlflow_tracking_username: str = ""
    mlflow_tracking_password: str = ""
    mlflow_mirror_artifacts: bool = False
    mlflow_sync_interval_seconds: float = Field(default=0.5, gt=0)
    mlflow_request_timeout_seconds: float = Field(default=30.0, gt=0)
    # Longest wait between retries while MLflow is down or refusing
    mlflow_max_backoff_seconds: float = Field(default=60.0, gt=0)

    # Documents
    max_json_document_bytes: int = Field(default=256 * 1024, ge=1)

    log_level: str = "INFO"
    log_json: bool = False

    @field_validator("resource_pools", mode="before")
    @classmethod
    def _load_pools(cls, value: Any) -> Any:
        """Accept a JSON list, or a path to a JSON or YAML file holding one."""
        if isinstance(value, str):
            text = value.strip()
            if not text.startswith("["):
                text = Path(text).read_text(encoding="utf-8")
                return yaml.safe_load(text)
            return json.loads(text)
        return value

    @cached_property
    def gpu_types(self) -> frozenset[str]:
        return frozenset(pool.gpu_type for pool in self.resource_pools)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
