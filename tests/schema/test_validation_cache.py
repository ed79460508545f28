"""A document that passed validation is not validated against the static rules again;
the rules of each request (the cost with its variables, the shape limits) still run."""

from __future__ import annotations

import threading
from typing import Any

from app.config import Settings
from app.models.enums import Role
from schema import threaded_parsing
from schema.build import build_schema
from schema.engine import validation_cache
from schema.engine.validation_cache import ValidDocuments
from tests.graphql import error_codes, gql

PAGE = """
query($first: Int, $max: Int) {
  experiments(first: $first) {
    edges { node { id metric(key: "loss", maxPoints: $max) { points { step value } } } }
  }
}
"""


async def test_a_known_document_is_costed_with_each_requests_variables(client, make_user):
    _, token = await make_user(Role.DS)
    small = {"first": 50, "max": 10}
    assert (await gql(client, PAGE, small, token=token))["data"]["experiments"]["edges"] == []
    over = await gql(client, PAGE, {"first": 500, "max": 10_000}, token=token)
    assert error_codes(over) == ["QUERY_TOO_COMPLEX"]
    assert over["errors"][0]["extensions"]["details"]["cost"] > Settings().query_max_cost
    assert "errors" not in await gql(client, PAGE, small, token=token)


async def test_the_static_rules_run_once_per_valid_text_and_every_time_for_an_invalid_one(
    monkeypatch,
):
    schema = build_schema(Settings(query_max_cost=10, graphql_engine_tricks=True))
    calls: list[str] = []
    real = validation_cache.validate_document

    def counting(schema_: Any, document: Any, rules: Any) -> Any:
        calls.append(document.loc.source.body)
        return real(schema_, document, rules)

    monkeypatch.setattr(validation_cache, "validate_document", counting)
    valid = "{ __typename }"
    invalid = "{ nope }"
    costly = "{ experiments(first: 20) { edges { node { id } } } }"
    for _ in range(3):
        assert (await schema.execute(valid)).data == {"__typename": "Query"}
    assert calls == [valid]
    errors = [(await schema.execute(invalid)).errors for _ in range(2)]
    assert errors[0] and [e.message for e in errors[0]] == [e.message for e in errors[1]]
    assert calls == [valid, invalid, invalid]
    # over the cost limit: refused every time, however often the text is seen, though its
    # static rules ran once (the cost is worked out per request)
    for _ in range(2):
        result = await schema.execute(costly)
        assert result.errors and result.errors[0].extensions == {
            "code": "QUERY_TOO_COMPLEX",
            "details": {"cost": 41, "limit": 10},
        }
    assert calls == [valid, invalid, invalid, costly]


def test_known_documents_are_bounded_least_recently_used_first():
    known = ValidDocuments(max_documents=2)
    known.add("a")
    known.add("b")
    assert "a" in known  # now b is the least recently used
    known.add("c")
    assert len(known) == 2 and "b" not in known and "a" in known and "c" in known


async def test_a_long_text_is_validated_off_the_event_loop(monkeypatch):
    """Validation of a long document can take a second (graphql-core's overlapping-fields
    rule is quadratic in a field's repeats): it runs in a worker thread, short ones inline."""
    schema = build_schema(Settings(graphql_engine_tricks=True))
    threads: list[int] = []
    real = validation_cache.validate_document

    def recording(schema_: Any, document: Any, rules: Any) -> Any:
        threads.append(threading.get_ident())
        return real(schema_, document, rules)

    monkeypatch.setattr(validation_cache, "validate_document", recording)
    short = "{ __typename }"
    long = "{ " + " ".join(["__typename"] * 500) + " }"
    assert len(long) > validation_cache.INLINE_TEXT_CHARS
    assert (await schema.execute(short)).data == {"__typename": "Query"}
    assert (await schema.execute(long)).data == {"__typename": "Query"}
    assert threads[0] == threading.get_ident() != threads[1]


async def test_a_text_is_parsed_once_a_long_one_off_the_event_loop_and_a_bad_one_reported(
    monkeypatch,
):
    schema = build_schema(Settings())
    threaded_parsing.DOCUMENTS.clear()
    threads: list[int] = []
    real = threaded_parsing.parse

    def recording(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(threaded_parsing, "parse", recording)
    here = threading.get_ident()
    for _ in range(3):
        assert (await schema.execute("{ __typename }")).data == {"__typename": "Query"}
    assert threads == [here]  # a short text: parsed on the loop, once
    long = "{ " + " ".join(["__typename"] * 500) + " }"
    for _ in range(2):
        assert (await schema.execute(long)).data == {"__typename": "Query"}
    assert len(threads) == 3 and here not in threads[1:]  # in a thread, every time
    broken = await schema.execute(long[:-1])
    assert broken.errors and "Syntax Error" in broken.errors[0].message
    for _ in range(2):  # a failure is not kept: reported again
        bad = await schema.execute("{ __typename ")
        assert bad.errors and "Syntax Error" in bad.errors[0].message
    too_long = await schema.execute("{ " + " ".join(["__typename"] * 6000) + " }")
    assert too_long.errors and too_long.errors[0].extensions == {"code": "QUERY_TOO_COMPLEX"}


async def test_a_kept_document_is_kept_per_token_limit():
    threaded_parsing.DOCUMENTS.clear()
    text = "{ " + " ".join(["__typename"] * 40) + " }"  # 43 tokens
    roomy = build_schema(Settings(query_max_tokens=1000))
    tight = build_schema(Settings(query_max_tokens=20))
    assert (await roomy.execute(text)).data == {"__typename": "Query"}
    refused = await tight.execute(text)
    assert refused.errors and refused.errors[0].extensions == {"code": "QUERY_TOO_COMPLEX"}
    assert (await roomy.execute(text)).data == {"__typename": "Query"}


def test_kept_documents_are_bounded_by_the_length_of_their_texts():
    kept = threaded_parsing.KeptDocuments(max_chars=100)
    texts = [f"{{ a{n}: __typename {' ' * 20}}}" for n in range(3)]  # ~40 characters each
    documents = [kept.parsed(text, {}) for text in texts]
    assert len(kept) == 2  # the first text was dropped to keep 100 characters at most
    assert kept.parsed(texts[2], {}) is documents[2]
    assert kept.parsed(texts[0], {}) is not documents[0]  # parsed again
    assert kept.parsed(texts[0], {"max_tokens": 50}) is not kept.parsed(texts[0], {})
