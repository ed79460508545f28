"""MLflow's REST API (``/api/2.0/mlflow``) over one pooled ``httpx.AsyncClient``.

Chosen over ``mlflow-skinny``'s ``MlflowClient``: that client is synchronous (requests),
so from our event loop every call would need a worker thread, and it adds a second of
imports; the REST calls are the same ones it makes. ``bench/mlflow_client.py`` compares
the two on 1,000-metric batches (figures in docs/performance.md).
"""

from __future__ import annotations

from typing import Any

import httpx

from app.config import Settings
from app.integrations.mirror.sender import MirrorError

API = "/api/2.0/mlflow"


class MlflowError(MirrorError):
    """A call MLflow did not accept (``retryable``: worth trying again later)."""


def _auth(settings: Settings) -> tuple[dict[str, str], httpx.BasicAuth | None]:
    if settings.mlflow_tracking_token:
        return {"Authorization": f"Bearer {settings.mlflow_tracking_token}"}, None
    if settings.mlflow_tracking_username:
        return {}, httpx.BasicAuth(
            settings.mlflow_tracking_username, settings.mlflow_tracking_password
        )
    return {}, None


class MlflowClient:
    def __init__(self, settings: Settings, transport: httpx.AsyncBaseTransport | None = None):
        headers, auth = _auth(settings)
        self.base_url = settings.mlflow_tracking_uri.rstrip("/")
        self.http = httpx.AsyncClient(
            base_url=self.base_url,
            headers=headers,
            auth=auth,
            timeout=settings.mlflow_request_timeout_seconds,
            transport=transport,
        )

    async def close(self) -> None:
        await self.http.aclose()

    async def _call(
        self, method: str, path: str, *, replayable: bool = True, **kwargs: Any
    ) -> dict[str, Any]:
        try:
            try:
                response = await self.http.request(method, path, **kwargs)
            except httpx.RemoteProtocolError:
                # Most often a kept-alive connection the server had closed: once more, on
                # a fresh one (every call here may be repeated, but a consumed stream)
                if not replayable:
                    raise
                response = await self.http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise MlflowError(f"{type(exc).__name__}: {exc}", retryable=True) from exc
        if response.is_success:
            body: dict[str, Any] = response.json() if response.content else {}
            return body
        try:
            error = response.json()
            code, message = str(error.get("error_code", "")), str(error.get("message", ""))
        except ValueError:
            code, message = "", response.text[:500]
        retryable = response.status_code == 429 or response.status_code >= 500
        raise MlflowError(
            f"{method} {path}: HTTP {response.status_code} {code} {message}".strip(),
            retryable=retryable,
            code=code,
        )

    # --- experiments ------------------------------------------------------------------

    async def experiment_id(self, name: str) -> str:
        """The id of the experiment called ``name``, created (or restored) if need be."""
        for _attempt in range(2):
            try:
                found = await self._call(
                    "GET", f"{API}/experiments/get-by-name", params={"experiment_name": name}
                )
            except MlflowError as exc:
                if exc.code != "RESOURCE_DOES_NOT_EXIST":
                    raise
            else:
                experiment = found["experiment"]
                if experiment.get("lifecycle_stage") == "deleted":
                    await self._call(
                        "POST",
                        f"{API}/experiments/restore",
                        json={"experiment_id": experiment["experiment_id"]},
                    )
                return str(experiment["experiment_id"])
            try:
                created = await self._call("POST", f"{API}/experiments/create", json={"name": name})
            except MlflowError as exc:
                if exc.code == "RESOURCE_ALREADY_EXISTS":  # created meanwhile: look again
                    continue
                raise
            return str(created["experiment_id"])
        raise MlflowError(f"experiment {name!r} neither found nor created", retryable=True)

    # --- runs -------------------------------------------------------------------------

    async def find_run(self, experiment_id: str, tag: str, value: str) -> dict[str, Any] | None:
        """The run of ``experiment_id`` whose tag ``tag`` is ``value``, if any."""
        escaped = value.replace("'", "\\'")
        found = await self._call(
            "POST",
            f"{API}/runs/search",
            json={
                "experiment_ids": [experiment_id],
                "filter": f"tags.`{tag}` = '{escaped}'",
                "max_results": 1,
                "run_view_type": "ALL",
            },
        )
        runs = found.get("runs") or []
        return runs[0]["info"] if runs else None

    async def create_run(
        self, experiment_id: str, *, run_name: str, start_time: int, tags: list[dict[str, str]]
    ) -> dict[str, Any]:
        created = await self._call(
            "POST",
            f"{API}/runs/create",
            json={
                "experiment_id": experiment_id,
                "run_name": run_name,
                "start_time": start_time,
                "tags": tags,
            },
        )
        info: dict[str, Any] = created["run"]["info"]
        return info

    async def log_batch(
        self,
        run_id: str,
        *,
        metrics: list[dict[str, Any]] | None = None,
        params: list[dict[str, str]] | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> None:
        await self._call(
            "POST",
            f"{API}/runs/log-batch",
            json={
                "run_id": run_id,
                "metrics": metrics or [],
                "params": params or [],
                "tags": tags or [],
            },
        )

    async def end_run(self, run_id: str, *, status: str, end_time: int) -> None:
        await self._call(
            "POST",
            f"{API}/runs/update",
            json={"run_id": run_id, "status": status, "end_time": end_time},
        )

    async def upload_artifact(self, artifact_uri: str, path: str, body: Any, size: int) -> None:
        """Send a file through the tracking server's artifact proxy
        (``mlflow server --serve-artifacts``, the default since MLflow 2)."""
        prefix = "mlflow-artifacts:"
        if not artifact_uri.startswith(prefix):
            raise MlflowError(
                f"the run's artifact store {artifact_uri!r} is not served by the tracking"
                " server (start it with --serve-artifacts)",
                retryable=False,
            )
        location = artifact_uri.removeprefix(prefix).lstrip("/")
        await self._call(
            "PUT",
            f"/api/2.0/mlflow-artifacts/artifacts/{location}/{path}",
            replayable=False,
            content=body,
            headers={"Content-Length": str(size)},
        )
