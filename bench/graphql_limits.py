"""GraphQL static checks: how long a fragment bomb and other large documents take to be
refused (or validated), in-process, without a database.

Prints, for the 40-level fragment bomb of issue #19 (``{me{...F40}}``, 1.4 KB, 2^41 fields
written out): the shape measure alone, the whole ``schema.execute`` up to its refusal, and
for comparison graphql-core's specified rules run on it directly (the service never runs
them on a refused document); then a document of 20 aliased pages of 5,000 log lines (its
cost refusal) and the parse and validation of documents near the token limit. Run from
the repository root:

    .tools/bin/uv run python bench/graphql_limits.py
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from graphql import parse, validate

from app.config import Settings
from schema.build import build_schema
from schema.limits import DocumentShapes


def bomb(levels: int) -> str:
    fragments = ["fragment F0 on User{id name}"] + [
        f"fragment F{i} on User{{...F{i - 1} ...F{i - 1}}}" for i in range(1, levels + 1)
    ]
    return f"{{me{{...F{levels}}}}} " + " ".join(fragments)


def best_ms(run: Callable[[], Any], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> None:
    schema = build_schema(Settings())
    core = schema._schema
    text = bomb(40)
    document = parse(text)
    print(f"fragment bomb, 40 levels ({len(text)} bytes)")
    print(f"  shape measure:               {best_ms(lambda: DocumentShapes(document)):8.2f} ms")
    result = asyncio.run(schema.execute(text))
    code = result.errors[0].extensions["code"] if result.errors else None
    took = best_ms(lambda: asyncio.run(schema.execute(text)))
    print(f"  schema.execute (refused, {code}): {took:8.2f} ms")
    print(f"  graphql-core rules, directly: {best_ms(lambda: validate(core, document), 3):8.2f} ms")

    pages = " ".join(f"p{i}: logs(first: 5000) {{ lines {{ seq message }} }}" for i in range(20))
    aliased = f'{{ experiment(id: "00000000-0000-0000-0000-000000000000") {{ {pages} }} }}'
    result = asyncio.run(schema.execute(aliased))
    details = result.errors[0].extensions if result.errors else None
    took = best_ms(lambda: asyncio.run(schema.execute(aliased)))
    print(f"20 aliases x logs(first: 5000): {took:.2f} ms, {details}")

    for name, wide in [
        ("4,990 x __typename", "{" + " __typename" * 4990 + "}"),
        ("2,490 x id", "{me{" + " id" * 2490 + "}}"),
    ]:
        parsed = parse(wide)
        parse_ms = best_ms(lambda text=wide: parse(text), 3)  # type: ignore[misc]
        rules_ms = best_ms(lambda doc=parsed: validate(core, doc), 1)  # type: ignore[misc]
        print(f"{name} ({len(wide)} bytes): parse {parse_ms:.1f} ms, ", end="")
        print(f"graphql-core rules {rules_ms:.0f} ms (run in a worker thread)")


if __name__ == "__main__":
    main()
