"""Settings, read from the environment with the prefix ``EXPSVC_``.

Every setting has a default that works on a laptop with nothing installed: SQLite, the
in-process broker and a local artifact folder, all in the home folder ``EXPSVC_HOME``
(default ``.expsvc`` in the current folder, made absolute when the settings are read).
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    AliasChoices,
    BaseModel,
    Field,
    SecretStr,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from app.smtp_url import parse_smtp_url
from app.webhook_urls import url_problem

# The built web console (make run / make test build web/ into it)
DEFAULT_WEB_DIST = Path(__file__).resolve().parent.parent / "web" / "dist"

GiB = 1024**3
MiB = 1024**2


# What a pool holds besides its GPUs when its settings do not say: per GPU, like a
# DGX-class node (8 GPUs, 128 cores, 1 TB); a pool without GPUs has none unless it says.
CPU_CORES_PER_GPU = 16
MEMORY_GB_PER_GPU = 128


class PoolSetting(BaseModel):
    """One pool as configured in ``EXPSVC_RESOURCE_POOLS``: its GPUs, CPU cores and memory
    (GB), and the hourly rates (per GPU, per CPU core). ``cpu_cores`` / ``memory_gb`` left
    out: ``CPU_CORES_PER_GPU`` / ``MEMORY_GB_PER_GPU`` per GPU. A pool of 0 GPUs with CPU
    cores is a CPU pool (CPU-only runs go to such pools first)."""

    name: str
    gpu_type: str
    capacity: int = Field(ge=0)
    hourly_cost_per_gpu: float = Field(ge=0)
    cpu_cores: int | None = Field(default=None, ge=0)
    memory_gb: int | None = Field(default=None, ge=0)
    # 0 by default: a GPU node's hourly rate usually covers its CPUs (as cloud GPU
    # instances' prices do); set it to bill CPU time (CPU pools, CPU-only runs)
    hourly_cost_per_cpu_core: float = Field(default=0.0, ge=0)

    @model_validator(mode="after")
    def _per_gpu_defaults(self) -> PoolSetting:
        if self.cpu_cores is None:
            self.cpu_cores = self.capacity * CPU_CORES_PER_GPU
        if self.memory_gb is None:
            self.memory_gb = self.capacity * MEMORY_GB_PER_GPU
        return self


DEFAULT_POOLS = [
    PoolSetting(
        name="a100-pool",
        gpu_type="A100",
        capacity=16,
        hourly_cost_per_gpu=2.5,
        cpu_cores=256,
        memory_gb=2048,
    ),
    PoolSetting(
        name="h100-pool",
        gpu_type="H100",
        capacity=8,
        hourly_cost_per_gpu=4.0,
        cpu_cores=128,
        memory_gb=2048,
    ),
    PoolSetting(
        name="t4-pool",
        gpu_type="T4",
        capacity=16,
        hourly_cost_per_gpu=0.35,
        cpu_cores=128,
        memory_gb=512,
    ),
]


class Settings(BaseSettings):
    # populate_by_name: ``Settings(data_dir=…)`` as well as the environment's EXPSVC_HOME
    # hide_input_in_errors: a refused setting may hold a password (URLs with credentials)
    model_config = SettingsConfigDict(
        env_prefix="EXPSVC_", extra="ignore", populate_by_name=True, hide_input_in_errors=True
    )

    # The home folder: the admin token, and (unless their URLs are set) the SQLite database
    # and the artifact folder. Every command (serve, users, db) uses the same one, so run
    # them from the same folder or set EXPSVC_HOME (EXPSVC_DATA_DIR is its older name).
    data_dir: Path = Field(
        default=Path(".expsvc"),
        validation_alias=AliasChoices("EXPSVC_HOME", "EXPSVC_DATA_DIR"),
        description="home folder: admin token, SQLite database, artifacts (./.expsvc)",
    )

    # Backing services; empty database / artifact URLs → in the home folder
    database_url: str = Field(
        default="",
        description="postgresql+asyncpg://user:pass@host:5432/db (default: SQLite in home)",
    )
    redis_url: str = Field(
        default="", description="redis://host:6379/0 (default: in-process broker)"
    )
    artifact_store_url: str = Field(
        default="", description="s3://bucket/prefix (default: a folder in home)"
    )
    s3_endpoint_url: str = Field(default="", description="MinIO or another S3-compatible store")
    # The S3 endpoint as clients outside the service's network reach it: presigned download
    # and upload URLs are signed for it (empty → s3_endpoint_url)
    s3_public_endpoint_url: str = Field(
        default="", description="S3 endpoint as clients reach it (presigned URLs)"
    )
    mlflow_tracking_uri: str = Field(
        default="", description="MLflow server runs are mirrored to (default: none)"
    )
    redis_key_prefix: str = "expsvc:"

    # Where ``expsvc serve`` listens (its --host / --port override them)
    host: str = Field(default="127.0.0.1", description="address `expsvc serve` listens on")
    port: int = Field(default=8000, ge=0, le=65535, description="port `expsvc serve` listens on")

    # The built web console and GraphiQL (app/web_console.py); missing → a page saying how
    # to build it
    web_dist: Path = Field(
        default=DEFAULT_WEB_DIST, description="built web console served at / (web/dist)"
    )

    # Public address used to build absolute links (download URLs); empty → relative links
    public_base_url: str = ""

    # Ingestion limits
    metrics_max_batch_points: int = Field(default=10_000, ge=1)
    max_request_bytes: int = Field(default=5 * MiB, ge=1024)
    logs_max_batch_lines: int = Field(default=10_000, ge=1)

    # Log pages (app/logs/service.py): a page (GraphQL logs, REST GET …/logs, a
    # subscription's replay) stops at the line whose message crosses this many bytes
    # (always at least one line), with hasMore / has_more set and next_after to go on from
    logs_max_page_bytes: int = Field(default=4 * MiB, ge=1)

    # API tokens (app/users/api_tokens.py, app/users/auth_cache.py)
    # Longest lifetime of a new token in days, also given to tokens made without an expiry;
    # 0 = no limit
    token_max_lifetime_days: int = Field(default=0, ge=0, le=100 * 366)
    # Live (unrevoked, unexpired) tokens one user may hold at once
    max_tokens_per_user: int = Field(default=20, ge=1)
    # How long a replica trusts a token lookup: a revocation made on another replica (or with
    # the CLI) stops the token there within this many seconds; on the replica that revoked
    # it, at once
    auth_cache_ttl_seconds: float = Field(default=10.0, ge=0, le=3600)

    # Rate limits per token and route class (app/rate_limits.py); 0 turns one off. Counted
    # in Redis when EXPSVC_REDIS_URL is set (shared by the replicas), else per process.
    # Reads: GETs and GraphQL queries (a subscription's start is one); mutations: the other
    # writes; ingest: the metric points and log lines of batches, a second's worth at once
    rate_limit_reads_per_minute: int = Field(default=6000, ge=0)
    rate_limit_mutations_per_minute: int = Field(default=6000, ge=0)
    rate_limit_ingest_points_per_second: int = Field(default=1_000_000, ge=0)
    # Requests without a valid token, per client address (a token-guessing loop gets 429)
    rate_limit_unauthenticated_per_minute: int = Field(default=600, ge=0)

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
    # The GPU queue: caps on the GPUs one user's / one hypothesis's runs hold at once (0: no
    # cap; starts beyond them wait), and the scheduler's safety poll (it is woken by events)
    max_running_gpus_per_user: int = Field(default=0, ge=0)
    max_running_gpus_per_hypothesis: int = Field(default=0, ge=0)
    queue_poll_seconds: float = Field(default=5.0, gt=0, le=3600)

    # Websockets
    max_subscriptions_per_connection: int = Field(default=20, ge=1)
    subscription_queue_size: int = Field(default=1000, ge=1)
    ws_keep_alive_seconds: float = Field(default=15.0, gt=0)
    # permessage-deflate costs ~0.8 ms of CPU per 100 KiB message per subscriber (each
    # connection compresses on its own): off unless subscribers sit behind slow links
    ws_per_message_deflate: bool = False

    # Websocket connections. Counted per process: behind N replicas a token or an address
    # may hold up to N times these. Over a limit the socket is closed with 1013.
    ws_max_connections_per_token: int = Field(default=50, ge=1)
    ws_max_connections_per_address: int = Field(default=200, ge=1)
    # A socket that sends no connection_init this long is closed (4408)
    ws_connection_init_timeout_seconds: float = Field(default=10.0, gt=0)
    # A socket with no subscription or operation running this long is closed (1000)
    ws_idle_timeout_seconds: float = Field(default=600.0, gt=0)

    # Slow clients: a request's headers must arrive within this many seconds (else 408 and
    # the connection closes); while a body is read, each chunk within this many seconds
    http_header_timeout_seconds: float = Field(default=10.0, gt=0)
    http_body_timeout_seconds: float = Field(default=30.0, gt=0)
    # On SIGTERM: open requests and websockets get this long, then the process exits
    # (short of Docker's 10 s stop timeout, which then kills)
    shutdown_grace_seconds: float = Field(default=5.0, gt=0)

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
    # Introspection (__schema, __type) for callers without a valid token; off in production
    # keeps the schema from strangers (GraphiQL then needs the Authorization header)
    graphql_anonymous_introspection: bool = True
    # The GraphQL engine's speed tricks (schema/engine/: fast lists, shared live events,
    # the validation cache, work in threads). Off, answers are the same, only slower; they
    # are off anyway when graphql-core or strawberry is not the version they were written for
    graphql_engine_tricks: bool = True

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

    # W&B mirror (active when wandb_project is set; see app/integrations/wandb/mirror.py).
    # The project a run goes to: {hypothesis} is the hypothesis title, {hypothesis_id} its
    # id (W&B spells project names without "/", "\\", "#", "?", "%", ":")
    wandb_project: str = Field(
        default="", description="W&B project runs are mirrored to (default: none)"
    )
    # Empty → wandb's own WANDB_ENTITY / WANDB_BASE_URL / WANDB_API_KEY (or its login)
    wandb_entity: str = ""
    wandb_base_url: str = ""
    wandb_api_key: str = ""
    # Where wandb keeps its local files (the run folders, wandb's "dir"); empty → WANDB_DIR
    # or the working directory
    wandb_dir: str = ""
    # "online", "offline" (runs stay in wandb_dir, for `wandb sync`); empty → WANDB_MODE
    wandb_mode: str = ""
    wandb_mirror_artifacts: bool = False
    # How long opening a run may wait for W&B before the round fails (and is retried)
    wandb_init_timeout_seconds: float = Field(default=90.0, gt=0)
    wandb_sync_interval_seconds: float = Field(default=1.0, gt=0)
    # Longest wait between retries while W&B is down or refusing
    wandb_max_backoff_seconds: float = Field(default=60.0, gt=0)

    # Notification delivery beyond the console (app/notifications/delivery): the
    # installation's transports; each user picks channels per kind and may give their own
    # email address, webhook and Slack URLs (which then win over these)
    # smtp://user:pass@host:587?starttls=true, or smtps://… for TLS from the first byte
    smtp_url: SecretStr = Field(default=SecretStr(""), description="SMTP server for email")
    smtp_from: str = Field(default="", description="From: of notification emails")
    webhook_url: str = Field(default="", description="webhook every WEBHOOK delivery goes to")
    webhook_secret: SecretStr = Field(
        default=SecretStr(""), description="signs the installation's webhook (Standard Webhooks)"
    )
    slack_webhook_url: SecretStr = Field(
        default=SecretStr(""), description="Slack/Mattermost incoming webhook"
    )
    # Users with digest on get the noisy kinds as one message per this many minutes
    notification_digest_minutes: float = Field(default=60.0, gt=0)
    # How often the delivery job looks for due deliveries
    notification_delivery_interval_seconds: float = Field(default=1.0, gt=0)
    # Attempts before a delivery is FAILED; the wait doubles from 1 s up to the maximum
    notification_delivery_max_attempts: int = Field(default=10, ge=1)
    notification_delivery_max_backoff_seconds: float = Field(default=600.0, gt=0)
    notification_delivery_timeout_seconds: float = Field(default=10.0, gt=0)
    # Users' webhook and Slack URLs may not reach loopback, private, link-local or reserved
    # addresses (the service's own network) unless this is on
    notification_allow_private_urls: bool = False

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

    @field_validator("smtp_url")
    @classmethod
    def _check_smtp_url(cls, value: SecretStr) -> SecretStr:
        """A malformed SMTP URL stops the start, not the first mail."""
        if url := value.get_secret_value():
            parse_smtp_url(url)
        return value

    @field_validator("webhook_url", "slack_webhook_url")
    @classmethod
    def _check_webhook_url(cls, value: str | SecretStr) -> str | SecretStr:
        url = value.get_secret_value() if isinstance(value, SecretStr) else value
        if url and (problem := url_problem(url, allow_private=True)):
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _place_in_home(self) -> Settings:
        """Make the home folder absolute; put the default database and artifacts in it."""
        self.data_dir = self.data_dir.expanduser().absolute()
        self.web_dist = self.web_dist.expanduser().absolute()
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.data_dir / 'expsvc.db'}"
        if not self.artifact_store_url:
            self.artifact_store_url = f"file://{self.data_dir / 'artifacts'}"
        return self

    @cached_property
    def gpu_types(self) -> frozenset[str]:
        return frozenset(pool.gpu_type for pool in self.resource_pools)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
