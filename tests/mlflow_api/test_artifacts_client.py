"""The real ``mlflow`` client's artifact repository (``MlflowArtifactsRepository``, what
``mlflow.log_artifact`` uses against a server with ``--serve-artifacts``) against a real
``expsvc serve``, one per backend. Users, hypotheses and runs are made through our own
APIs; the client is given the run's artifact URI as our MLflow API states it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
from mlflow.store.artifact.mlflow_artifacts_repo import MlflowArtifactsRepository

from app.mlflow_api.shapes import artifact_uri
from tests.conftest import BACKENDS
from tests.pg import TEST_DATABASE_ENV
from tests.service_process import ServiceProcess, service_process

# The server's per-file limit: small, so a test can cross it
MAX_FILE_BYTES = 4096

CREATE_USER = """
mutation ($input: CreateUserInput!) { createUser(input: $input) { user { id } token } }
"""


@pytest.fixture(scope="module", params=BACKENDS)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServiceProcess]:
    workdir = tmp_path_factory.mktemp(f"mlflow-artifacts-{request.param}")
    database = os.environ.get(TEST_DATABASE_ENV)
    with service_process(
        workdir, request.param, database, artifact_max_bytes=str(MAX_FILE_BYTES)
    ) as running:
        yield running


@dataclass
class Account:
    server: ServiceProcess
    id: str
    token: str

    def rest(self, method: str, path: str, **kwargs: Any) -> Any:
        with httpx.Client(base_url=f"{self.server.base}/api/v1", timeout=30) as http:
            answer = http.request(
                method, path, headers={"Authorization": f"Bearer {self.token}"}, **kwargs
            )
        assert answer.is_success, answer.text
        return answer.json()

    def started_run(self, observers: tuple[Account, ...] = ()) -> str:
        """A RUNNING experiment in a new hypothesis of this user's; its MLflow artifact URI."""
        hypothesis = self.rest(
            "POST",
            "/hypotheses",
            json={"title": f"h {uuid.uuid4().hex[:8]}", "observer_ids": [o.id for o in observers]},
        )
        experiment = self.rest(
            "POST",
            "/experiments",
            json={
                "hypothesis_id": hypothesis["id"],
                "name": "artifacts",
                "type": "ML",
                "model": "tiny",
                "framework": "python",
            },
        )
        self.rest("POST", f"/experiments/{experiment['id']}/start")
        return artifact_uri(hypothesis["id"], experiment["id"])

    def artifacts(self, uri: str) -> list[dict[str, Any]]:
        """The run's artifacts as our REST API lists them."""
        experiment_id = uri.split("/")[-2]
        found: list[dict[str, Any]] = self.rest("GET", f"/experiments/{experiment_id}/artifacts")[
            "artifacts"
        ]
        return found


def new_account(server: ServiceProcess) -> Account:
    email = f"{uuid.uuid4().hex[:12]}@example.test"
    with httpx.Client(timeout=30) as http:
        answer = http.post(
            f"{server.base}/graphql",
            json={
                "query": CREATE_USER,
                "variables": {"input": {"name": "trainer", "email": email, "role": "DS"}},
            },
            headers={"Authorization": f"Bearer {server.admin_token}"},
        )
    created = answer.json()["data"]["createUser"]
    return Account(server, created["user"]["id"], created["token"])


@pytest.fixture
def as_user(server: ServiceProcess, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``as_user(account)``: the ``mlflow`` client's environment for that account."""

    def use(account: Account) -> None:
        monkeypatch.setenv("MLFLOW_TRACKING_URI", server.base)
        monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", account.token)

    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    yield use


def listed(repository: MlflowArtifactsRepository, path: str | None = None) -> list[tuple]:
    return [(f.path, f.is_dir, f.file_size) for f in repository.list_artifacts(path)]


def tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def folder(path: Path) -> str:
    """A download's destination: it must exist."""
    path.mkdir()
    return str(path)


def error_code(error: pytest.ExceptionInfo[requests.HTTPError]) -> str:
    response = error.value.response
    assert response is not None
    code: str = response.json()["error_code"]
    return code


def test_log_list_download_replace_and_delete(server, as_user, tmp_path):
    owner = new_account(server)
    uri = owner.started_run()
    as_user(owner)
    repository = MlflowArtifactsRepository(uri)

    metrics = tmp_path / "metrics.json"
    metrics.write_bytes(b'{"auc": 0.91}')
    checkpoint = tmp_path / "epoch-1.ckpt"
    checkpoint.write_bytes(os.urandom(1000))
    bundle = tmp_path / "bundle"
    (bundle / "nested" / "deeper").mkdir(parents=True)
    (bundle / "readme.md").write_bytes(b"# a bundle\n")
    (bundle / "nested" / "weights.bin").write_bytes(os.urandom(3000))
    (bundle / "nested" / "deeper" / "rows.csv").write_bytes(b"a,b\n1,2\n")

    repository.log_artifact(str(metrics))
    repository.log_artifact(str(checkpoint), "checkpoints")
    repository.log_artifacts(str(bundle), "bundle")

    assert listed(repository) == [
        ("bundle", True, None),
        ("checkpoints", True, None),
        ("metrics.json", False, 13),
    ]
    assert listed(repository, "bundle") == [
        ("bundle/nested", True, None),
        ("bundle/readme.md", False, 11),
    ]
    assert listed(repository, "bundle/nested") == [
        ("bundle/nested/deeper", True, None),
        ("bundle/nested/weights.bin", False, 3000),
    ]
    assert listed(repository, "metrics.json") == []

    everything = Path(repository.download_artifacts("", folder(tmp_path / "all")))
    assert tree(everything) == {
        "metrics.json": metrics.read_bytes(),
        "checkpoints/epoch-1.ckpt": checkpoint.read_bytes(),
        **{f"bundle/{name}": data for name, data in tree(bundle).items()},
    }
    one = repository.download_artifacts("bundle/nested/weights.bin", folder(tmp_path / "one"))
    assert Path(one).read_bytes() == (bundle / "nested" / "weights.bin").read_bytes()

    metrics.write_bytes(b'{"auc": 0.95, "f1": 0.7}')
    repository.log_artifact(str(metrics))
    assert ("metrics.json", False, 24) in listed(repository)
    again = repository.download_artifacts("metrics.json", folder(tmp_path / "again"))
    assert Path(again).read_bytes() == metrics.read_bytes()

    kinds = {row["name"]: row["kind"] for row in owner.artifacts(uri)}
    assert kinds == {
        "metrics.json": "OTHER",
        "checkpoints/epoch-1.ckpt": "CHECKPOINT",
        "bundle/readme.md": "OTHER",
        "bundle/nested/weights.bin": "OTHER",
        "bundle/nested/deeper/rows.csv": "OTHER",
    }

    repository.delete_artifacts("bundle/nested")
    assert listed(repository, "bundle") == [("bundle/readme.md", False, 11)]
    assert len(owner.artifacts(uri)) == 3


def test_refusals_reach_the_client(server, as_user, tmp_path):
    observer = new_account(server)
    owner = new_account(server)
    uri = owner.started_run(observers=(observer,))
    as_user(owner)
    repository = MlflowArtifactsRepository(uri)
    report = tmp_path / "report.txt"
    report.write_bytes(b"for the observer")
    repository.log_artifact(str(report))

    too_large = tmp_path / "too-large.bin"
    too_large.write_bytes(os.urandom(MAX_FILE_BYTES + 1))
    with pytest.raises(requests.HTTPError) as refused:
        repository.log_artifact(str(too_large))
    assert error_code(refused) == "RESOURCE_LIMIT_EXCEEDED"
    assert listed(repository) == [("report.txt", False, 16)]

    as_user(observer)
    watching = MlflowArtifactsRepository(uri)
    assert listed(watching) == [("report.txt", False, 16)]
    fetched = watching.download_artifacts("report.txt", folder(tmp_path / "observer"))
    assert Path(fetched).read_bytes() == b"for the observer"
    with pytest.raises(requests.HTTPError) as refused:
        watching.log_artifact(str(report))
    assert error_code(refused) == "PERMISSION_DENIED"

    as_user(new_account(server))
    stranger = MlflowArtifactsRepository(uri)
    with pytest.raises(requests.HTTPError) as refused:
        stranger.list_artifacts()
    assert error_code(refused) == "RESOURCE_DOES_NOT_EXIST"
    with pytest.raises(requests.HTTPError) as refused:
        stranger.log_artifact(str(report), "intruder")
    assert error_code(refused) == "RESOURCE_DOES_NOT_EXIST"

    assert [(row["name"], row["size_bytes"]) for row in owner.artifacts(uri)] == [
        ("report.txt", 16)
    ]
