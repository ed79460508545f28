"""The service's REST API (``/api/v1``), one method per call the client makes.

Each method makes one attempt: a refusal raises ``ApiError`` with the contract's code, a
transport failure (or a 5xx, or 429) raises ``Unreachable``. Retrying is the caller's
business (``retrying`` below, and the sender's own loop).
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any, Callable, TypeVar

import httpx

from expsvc_client.errors import ApiError, Unreachable

T = TypeVar("T")

try:  # the `fast` extra: the batches' bodies in a tenth of the time, the lock held as long
    import orjson

    def batch_body(body: Any) -> bytes:
        """A metric or log batch as JSON (its floats are finite: NaN and infinities travel
        as strings)."""
        return orjson.dumps(body)

except ImportError:

    def batch_body(body: Any) -> bytes:
        """A metric or log batch as JSON (its floats are finite: NaN and infinities travel
        as strings)."""
        return json.dumps(body, separators=(",", ":"), allow_nan=False, ensure_ascii=False).encode()


USER_AGENT = "expsvc-client/0.1"
JSON = {"Content-Type": "application/json"}
FINAL = frozenset({"COMPLETED", "FAILED", "STOPPED"})


class Api:
    def __init__(self, url: str, token: str | None, *, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        headers = {"User-Agent": USER_AGENT}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.http = httpx.Client(
            base_url=f"{self.url}/api/v1",
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
        )

    def close(self) -> None:
        self.http.close()

    # -- calls ----------------------------------------------------------------------------

    def create_experiment(self, fields: dict[str, Any]) -> dict[str, Any]:
        return self._object("POST", "/experiments", body=fields)

    def get_experiment(self, experiment_id: str) -> dict[str, Any]:
        return self._object("GET", f"/experiments/{experiment_id}")

    def start(self, experiment_id: str) -> dict[str, Any]:
        """RUNNING now, or ``RESOURCES_UNAVAILABLE`` (``wait: false``: the process that
        called ``init`` is about to train, so it does not wait in the server's queue)."""
        return self._object("POST", f"/experiments/{experiment_id}/start", body={"wait": False})

    def complete(self, experiment_id: str) -> dict[str, Any]:
        return self._object("POST", f"/experiments/{experiment_id}/complete")

    def fail(self, experiment_id: str, reason: str, message: str) -> dict[str, Any]:
        body = {"reason": reason, "message": message}
        return self._object("POST", f"/experiments/{experiment_id}/fail", body=body)

    def stop(self, experiment_id: str) -> dict[str, Any]:
        return self._object("POST", f"/experiments/{experiment_id}/stop")

    def end(self, experiment_id: str, action: str, fields: dict[str, str], within: float) -> str:
        """Make the run's last move (``complete``, ``fail`` with ``reason`` and ``message``,
        or ``stop``), retrying while unreachable for ``within`` seconds; the status it ends
        in. A run that ended already (INVALID_TRANSITION to a final status) answers that."""

        def call() -> dict[str, Any]:
            if action == "complete":
                return self.complete(experiment_id)
            if action == "fail":
                reason = fields.get("reason", "USER_ERROR")
                return self.fail(experiment_id, reason, fields.get("message", ""))
            return self.stop(experiment_id)

        try:
            return str(retrying(call, within=within)["status"])
        except ApiError as error:
            status = error.details.get("status")
            if error.code == "INVALID_TRANSITION" and status in FINAL:
                return str(status)
            raise

    def progress(self, experiment_id: str, report: dict[str, int]) -> dict[str, Any]:
        """A progress report; with an empty ``report``, a heartbeat."""
        return self._object("POST", f"/experiments/{experiment_id}/progress", body=report)

    def metrics(self, experiment_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._object(
            "POST",
            f"/experiments/{experiment_id}/metrics/batch",
            content=batch_body(body),
            headers=JSON,
        )

    def logs(self, experiment_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._object(
            "POST", f"/experiments/{experiment_id}/logs", content=batch_body(body), headers=JSON
        )

    def hypotheses(self, search: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        after: str | None = None
        while True:
            params: dict[str, Any] = {"search": search, "first": 500}
            if after:
                params["after"] = after
            page = self._json("GET", "/hypotheses", params=params)
            found.extend(page.get("items", []))
            info = page.get("page_info") or {}
            if not info.get("has_next_page"):
                return found
            after = info.get("end_cursor")

    def upload_artifact(self, experiment_id: str, path: Path, kind: str, name: str) -> Any:
        """Stream the file as the request body (never read whole into memory)."""
        with path.open("rb") as stream:
            return self._json(
                "POST",
                f"/experiments/{experiment_id}/artifacts",
                params={"kind": kind, "name": name},
                content=stream,
                headers={"Content-Type": "application/octet-stream"},
                timeout=None,
            )

    # -- one attempt ----------------------------------------------------------------------

    def _object(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        answer = self._json(method, path, **kwargs)
        if not isinstance(answer, dict):
            raise Unreachable(f"{method} {path}: the answer is not a JSON object")
        return answer

    def _json(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: dict[str, Any] | None = None,
        content: Any = None,
        headers: dict[str, str] | None = None,
        timeout: Any = httpx.USE_CLIENT_DEFAULT,
    ) -> Any:
        if body is not None:
            text = json.dumps(body, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
            content = text.encode()
            headers = JSON
        try:
            answer = self.http.request(
                method, path, content=content, params=params, headers=headers, timeout=timeout
            )
        except httpx.TransportError as exc:
            raise Unreachable(f"{method} {path}: {type(exc).__name__}: {exc}") from exc
        if answer.status_code >= 500 or answer.status_code == 429:
            raise Unreachable(f"{method} {path}: HTTP {answer.status_code}: {answer.text[:500]}")
        if answer.status_code >= 400:
            raise refusal(answer)
        return answer.json() if answer.content else None


def refusal(answer: httpx.Response) -> ApiError:
    try:
        error = answer.json()["error"]
        return ApiError(
            str(error.get("code")),
            str(error.get("message")),
            answer.status_code,
            error.get("details") or {},
        )
    except (ValueError, KeyError, TypeError):
        return ApiError(f"HTTP_{answer.status_code}", answer.text[:500], answer.status_code)


def backoff(attempt: int, *, base: float = 0.2, cap: float = 5.0) -> float:
    """Seconds to wait before retry ``attempt`` (1, 2, …): exponential with full jitter."""
    return random.uniform(base / 2, min(cap, base * 2 ** (attempt - 1)))


def retrying(
    call: Callable[[], T], *, within: float, sleep: Callable[[float], Any] = time.sleep
) -> T:
    """``call()`` until it does not raise ``Unreachable`` or ``within`` seconds pass (then
    the last ``Unreachable`` is raised). Refusals (``ApiError``) are not retried."""
    deadline = time.monotonic() + within
    attempt = 0
    while True:
        try:
            return call()
        except Unreachable:
            attempt += 1
            pause = backoff(attempt)
            if time.monotonic() + pause > deadline:
                raise
            sleep(pause)
