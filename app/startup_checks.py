"""What ``expsvc serve`` tells a newcomer before its banner: one line for each backing
service (Redis, the S3 bucket, MLflow, the SMTP server) that does not answer, and a
``wandb`` the W&B mirror cannot use. The service starts anyway — each of them is waited
for at run time — but a missing bucket or a stopped Redis should not first show as a
failed upload or a silent live view."""

from __future__ import annotations

from urllib.parse import urlsplit

from app.config import Settings
from app.observability import check_broker, run_check

TIMEOUT = 5.0


def _address(url: str) -> str:
    """``scheme://host:port`` without credentials or path."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname or ''}{port}"


async def _redis(settings: Settings) -> str | None:
    if not settings.redis_url:
        return None
    result = await check_broker(settings.redis_url)
    if result == "ok":
        return None
    return (
        f"Redis at {_address(settings.redis_url)} does not answer ({result}); live events "
        "wait for it and /readyz says not ready (EXPSVC_REDIS_URL)"
    )


async def _s3(settings: Settings) -> str | None:
    if not settings.artifact_store_url.startswith("s3://"):
        return None
    from botocore.exceptions import ClientError

    from app.storage.s3 import S3Store, error_code

    store = S3Store(settings.artifact_store_url, endpoint_url=settings.s3_endpoint_url)
    where = settings.s3_endpoint_url or "AWS"
    missing = False

    async def head() -> None:
        nonlocal missing
        client = await store.client()
        try:
            await client.head_bucket(Bucket=store.bucket)
        except ClientError as error:
            if error_code(error) not in ("404", "NoSuchBucket", "NotFound"):
                raise
            missing = True

    try:
        result = await run_check(head, TIMEOUT)
    finally:
        await store.close()
    if missing:
        return (
            f'the S3 bucket "{store.bucket}" does not exist at {where}; create it '
            "(artifact uploads fail until then)"
        )
    if result == "ok":
        return None
    return (
        f"S3 at {where} does not answer ({result}); artifact uploads and downloads fail "
        "until it does (EXPSVC_ARTIFACT_STORE_URL, EXPSVC_S3_ENDPOINT_URL, AWS credentials)"
    )


async def _mlflow(settings: Settings) -> str | None:
    uri = settings.mlflow_tracking_uri
    if not uri.startswith(("http://", "https://")):
        return None
    import httpx

    async def reach() -> None:
        async with httpx.AsyncClient(timeout=TIMEOUT) as client:
            await client.get(uri.rstrip("/") + "/health")  # any answer will do

    result = await run_check(reach, TIMEOUT)
    if result == "ok":
        return None
    return (
        f"MLflow at {_address(uri)} does not answer ({result}); runs are mirrored once it "
        "does (EXPSVC_MLFLOW_TRACKING_URI)"
    )


async def _smtp(settings: Settings) -> str | None:
    url = settings.smtp_url.get_secret_value()
    if not url:
        return None
    import aiosmtplib

    from app.smtp_url import parse_smtp_url

    config = parse_smtp_url(url)

    async def greet() -> None:
        # the greeting is enough: TLS and login are the sends' (and their lastError's)
        client = aiosmtplib.SMTP(
            hostname=config.host,
            port=config.port,
            use_tls=config.use_tls,
            start_tls=False,
            timeout=TIMEOUT,
        )
        await client.connect()
        await client.quit()

    result = await run_check(greet, TIMEOUT)
    if result == "ok":
        return None
    return (
        f"the SMTP server at {_address(url)} does not answer ({result}); notification "
        "emails are retried until it does (EXPSVC_SMTP_URL)"
    )


async def _wandb(settings: Settings) -> str | None:
    if not settings.wandb_project:
        return None
    from app.integrations.wandb.console import problem

    found = problem()
    if found is None:
        return None
    return f"{found}; the W&B mirror's runs fail until it is fixed (EXPSVC_WANDB_PROJECT)"


async def _sqlite_driver(settings: Settings) -> str | None:
    if not settings.database_url.startswith("sqlite"):
        return None
    from app.sqlite_thread import problem

    found = problem()
    if found is None:
        return None
    return f"{found}; metric batches are written through a session instead (slower)"


async def backing_service_warnings(settings: Settings) -> list[str]:
    """One line per configured backing service that does not answer. One after the other:
    opening the S3 client keeps the loop busy long enough to fail a concurrent Redis ping."""
    checks = (_redis, _s3, _mlflow, _smtp, _wandb, _sqlite_driver)
    found = [await check(settings) for check in checks]
    return [line for line in found if line is not None]
