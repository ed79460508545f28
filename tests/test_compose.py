"""docker-compose.yml is a valid Compose file and wires the app to its backing services."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml
from jsonschema.validators import validator_for

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
SCHEMA_FILE = Path(__file__).resolve().parent / "data" / "compose-spec.json"

REQUIRED_APP_ENV = (
    "EXPSVC_DATABASE_URL",
    "EXPSVC_REDIS_URL",
    "EXPSVC_ARTIFACT_STORE_URL",
    "EXPSVC_S3_ENDPOINT_URL",
    "EXPSVC_MLFLOW_TRACKING_URI",
)


def load_compose() -> dict[str, Any]:
    with COMPOSE_FILE.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, dict), "docker-compose.yml must be a mapping"
    return data


def load_schema() -> dict[str, Any]:
    with SCHEMA_FILE.open(encoding="utf-8") as fh:
        schema = json.load(fh)
    assert isinstance(schema, dict)
    return schema


def validator_class(schema: dict[str, Any]) -> type[jsonschema.protocols.Validator]:
    # Upstream writes "https://json-schema.org/draft-07/schema"; jsonschema registers the
    # draft meta-schemas under their canonical http:// URIs. An unknown dialect would warn
    # (an error under this suite's filterwarnings), so a future schema bump fails loudly.
    dialect = str(schema.get("$schema", "")).replace("https://", "http://", 1)
    cls: type[jsonschema.protocols.Validator] = validator_for({"$schema": dialect})
    return cls


def compose_errors(document: dict[str, Any]) -> list[str]:
    schema = load_schema()
    validator = validator_class(schema)(schema)
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '<root>'}: {error.message}"
        for error in validator.iter_errors(document)
    ]


def app_environment(compose: dict[str, Any]) -> dict[str, str]:
    env = compose["services"]["app"].get("environment", {})
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def depends_on_targets(service: dict[str, Any]) -> list[str]:
    deps = service.get("depends_on", [])
    return list(deps) if isinstance(deps, list | dict) else []


def test_vendored_schema_is_a_valid_draft7_schema() -> None:
    schema = load_schema()
    cls = validator_class(schema)
    assert cls is jsonschema.Draft7Validator
    cls.check_schema(schema)


def test_compose_file_conforms_to_compose_spec() -> None:
    assert compose_errors(load_compose()) == []


def test_app_environment_names_every_backing_service() -> None:
    env = app_environment(load_compose())
    missing = [name for name in REQUIRED_APP_ENV if not env.get(name)]
    assert missing == []


def test_every_depends_on_target_is_a_service() -> None:
    services = load_compose()["services"]
    dangling = {
        name: target
        for name, service in services.items()
        for target in depends_on_targets(service)
        if target not in services
    }
    assert dangling == {}


def test_app_waits_for_backing_services() -> None:
    deps = load_compose()["services"]["app"]["depends_on"]
    assert isinstance(deps, dict)
    for name in ("postgres", "redis", "mlflow"):
        assert deps[name]["condition"] == "service_healthy"


def test_the_admin_token_lives_on_a_named_volume() -> None:
    """The service writes the token into EXPSVC_HOME; that folder is a declared volume."""
    compose = load_compose()
    home = app_environment(compose)["EXPSVC_HOME"]
    mounts = [str(m).split(":") for m in compose["services"]["app"].get("volumes", [])]
    volume = next((m[0] for m in mounts if len(m) >= 2 and m[1] == home), None)
    assert volume is not None, f"nothing is mounted at EXPSVC_HOME={home}"
    assert volume in (compose.get("volumes") or {}), f"{volume} is not a named volume"


def test_presigned_urls_point_where_the_host_reaches_minio() -> None:
    """The service talks to minio:9000 inside the network, but signs URLs for the address
    the host reaches (a port minio publishes), so downloads redirect somewhere reachable."""
    compose = load_compose()
    env = app_environment(compose)
    inside = urlsplit(env["EXPSVC_S3_ENDPOINT_URL"])
    public = urlsplit(env["EXPSVC_S3_PUBLIC_ENDPOINT_URL"])
    assert inside.hostname == "minio" and inside.port == 9000
    assert public.hostname == "localhost"
    published = {str(p) for p in compose["services"]["minio"].get("ports", [])}
    assert f"{public.port}:{inside.port}" in published


def _ports_as_mapping(doc: dict[str, Any]) -> None:
    doc["services"]["app"]["ports"] = {"8000": 8000}


def _unknown_top_level_key(doc: dict[str, Any]) -> None:
    doc["servies"] = {}


def _depends_on_without_condition(doc: dict[str, Any]) -> None:
    del doc["services"]["app"]["depends_on"]["postgres"]["condition"]


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (_ports_as_mapping, "services/app/ports"),
        (_unknown_top_level_key, "'servies'"),
        (_depends_on_without_condition, "services/app/depends_on"),
    ],
    ids=["ports-as-mapping", "unknown-top-level-key", "depends-on-without-condition"],
)
def test_broken_compose_file_is_rejected(
    mutate: Callable[[dict[str, Any]], None], where: str
) -> None:
    broken = copy.deepcopy(load_compose())
    mutate(broken)
    errors = compose_errors(broken)
    assert errors, "the validator accepted a broken compose file"
    assert any(where in error for error in errors), errors
