"""Property-based fuzzing of every GraphQL query and mutation field (schemathesis over the
introspected schema): with an ADMIN's token, no answer may be a 5xx nor carry an
``INTERNAL_SERVER_ERROR``. Bounded and derandomized like the REST fuzz."""

from __future__ import annotations

import asyncio
from datetime import UTC, timedelta, timezone
from typing import Any

import graphql
import hypothesis
import requests
import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes

from tests.fuzz.conftest import Seeded

EXAMPLES = 3  # per root field

_offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
_times = st.one_of(
    st.datetimes(timezones=st.one_of(st.just(UTC), _offsets)).map(lambda t: t.isoformat()),
    st.sampled_from(["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"]),
    st.text(max_size=30),
)
_names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True)
_leaves = st.one_of(
    st.text(max_size=20).map(nodes.String), st.integers(-(2**70), 2**70).map(nodes.Int)
)


def _object(fields: dict[str, graphql.ValueNode]) -> graphql.ObjectValueNode:
    return graphql.ObjectValueNode(
        fields=tuple(
            graphql.ObjectFieldNode(name=graphql.NameNode(value=k), value=v)
            for k, v in fields.items()
        )
    )


# The schema's own scalars (schemathesis knows only the built-in ones)
schemathesis.graphql.scalar("DateTime", _times.map(nodes.String))
schemathesis.graphql.scalar("BigInt", st.integers(-(2**64), 2**64).map(nodes.Int))
schemathesis.graphql.scalar(
    "JSON", st.one_of(_leaves, st.dictionaries(_names, _leaves, max_size=4).map(_object))
)
schemathesis.graphql.scalar("Upload", st.just(nodes.Null))


def _fuzz(seeded: Seeded, base_url: str) -> list[str]:
    schema = schemathesis.graphql.from_url(f"{base_url}/graphql", headers=seeded.headers)
    session = requests.Session()
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations

    for operation in operations:

        @hypothesis.settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(hypothesis.HealthCheck),
            phases=[hypothesis.Phase.generate],
        )
        @hypothesis.given(case=operation.as_strategy())
        def run(case: Any) -> None:
            response = case.call(
                base_url=base_url, session=session, headers=seeded.headers, timeout=60
            )
            assert response.status_code < 500, (response.status_code, response.text[:500])
            body = response.json()
            codes = [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
            assert "INTERNAL_SERVER_ERROR" not in codes, (case.body, response.text[:500])

        try:
            run()
        except AssertionError as error:
            failures.append(f"{operation.label}: {error}")
    return failures


async def test_graphql_fields_answer_no_internal_error(seeded: Seeded, fuzz_server: str) -> None:
    failures = await asyncio.to_thread(_fuzz, seeded, fuzz_server)
    assert not failures, "\n".join(failures)
