"""The search grammar (``app/mlflow_api/search.py``), held to MLflow's own parser
(``mlflow.utils.search_utils``) where both accept or both refuse."""

from __future__ import annotations

from typing import Any

import pytest
from mlflow.exceptions import MlflowException
from mlflow.utils.search_utils import SearchExperimentsUtils, SearchUtils

from app.mlflow_api.errors import MlflowError
from app.mlflow_api.search import (
    EXPERIMENTS,
    RUNS,
    Comparison,
    OrderKey,
    max_results,
    page_offset,
    page_token,
    parse_filter,
    parse_order_by,
    view_type,
)
from app.mlflow_api.search_sql import _paths, like_glob, text_matches

_ENTITY = {"parameter": "param"}

VALID_RUN_FILTERS = [
    "metrics.acc > 0.9",
    "metrics.acc >= -1",
    "metrics.acc < 1e-3",
    "metrics.acc <= .5",
    "metrics.acc = 5.",
    "metrics.acc != 2",
    "metric.acc>1",
    "metrics.`val loss` < 1",
    'metrics."val loss" < 1',
    "metrics.1x > 0",
    "params.lr = '0.1'",
    'param.lr = "0.1"',
    "parameters.lr != ''",
    "params.note LIKE 'a%'",
    "params.note like 'a%'",
    "params.note ILIKE '%A'",
    "params.x IS NULL",
    "params.x is not null",
    "tags.team = 'vision'",
    "tag.mlflow.runName = 'x'",
    "tags.`my tag` = 'x y'",
    "tags.'my tag' = 'x y'",
    "`tags`.x = 'a'",
    "tags.x = 'it''s'",
    'tags.x = "a\'b"',
    "tags.x = 'é'",
    "attributes.status = 'FINISHED'",
    "attribute.status != 'FAILED'",
    "attr.run_name LIKE 'a%'",
    "run.user_id ILIKE '%@example.test'",
    "status='RUNNING'",
    "run_name = 'x'",
    "`run name` = 'x'",
    "\"Run Name\" = 'x'",
    "run_id IN ('a', 'b')",
    "attributes.run_id NOT IN ('a')",
    "run_id IN ('a', 'b',)",
    "start_time > 0",
    "attributes.start_time >= 1700000000000",
    "created < 5",
    "Created <= 5.5",
    "end_time != 3",
    "artifact_uri = 'x'",
    "datasets.name = 'train'",
    "dataset.digest IN ('a')",
    "metrics.acc > 0.9 AND params.lr = '0.1'",
    "metrics.acc > 0.9 and tags.t != 'x' AND status = 'FINISHED'",
    "  metrics.acc   >   1   AND   metrics.loss < 2  ",
    "params.x IS NULL AND tags.y IS NOT NULL",
]


def _ours(comparison: Comparison) -> tuple[str, str, str, Any]:
    return comparison.entity, comparison.key, comparison.op, comparison.value


def _theirs(parsed: dict[str, Any]) -> tuple[str, str, str, Any]:
    entity = _ENTITY.get(parsed["type"], parsed["type"])
    key = SearchUtils.translate_key_alias(parsed["key"])
    value = parsed["value"]
    if entity == "metric":
        value = float(value)
    return entity, key, parsed["comparator"].upper(), value


@pytest.mark.parametrize("text", VALID_RUN_FILTERS)
def test_run_filters_parse_as_mlflow_parses_them(text: str) -> None:
    ours = [_ours(c) for c in parse_filter(text, RUNS)]
    theirs = [_theirs(c) for c in SearchUtils.parse_search_filter(text)]
    assert ours == theirs


def test_comparisons_in_our_terms() -> None:
    assert parse_filter("created > 5 AND `Run name` = 'x'", RUNS) == [
        Comparison("attribute", "start_time", ">", 5),
        Comparison("attribute", "run_name", "=", "x"),
    ]
    assert parse_filter("metrics.acc > 1", RUNS) == [Comparison("metric", "acc", ">", 1.0)]
    assert parse_filter("tags.t ilike 'A%'", RUNS)[0].op == "ILIKE"
    assert parse_filter("", RUNS) == [] and parse_filter(None, RUNS) == []
    # beyond MLflow (which lists only run ids): every string attribute takes IN
    assert parse_filter("status IN ('FAILED', 'KILLED')", RUNS) == [
        Comparison("attribute", "status", "IN", ("FAILED", "KILLED"))
    ]


# Refused by MLflow's parser (or its SQL store, for a comparator it parses) and by ours
INVALID_RUN_FILTERS = [
    "metrics.acc > 'high'",
    "metrics.acc = NaN",
    "metrics.acc > +1",
    "metrics.acc > 0x10",
    "metrics.acc LIKE '1'",
    "metrics.acc IS NULL",
    "metrics.acc IN ('1')",
    "metrics.acc <> 1",
    "metrics.acc == 1",
    "metrics.acc",
    "metrics.acc >",
    "metrics.acc > 1;",
    "metrics.acc > 1 OR metrics.acc < 0",
    "metrics.acc > 1 AND NOT metrics.loss > 1",
    "(metrics.acc > 1)",
    "metrics.val-loss > 1",
    "metrics.a:b > 1",
    "METRICS.acc > 1",
    "foo.x = 'a'",
    "params.lr = 0.1",
    "params.lr RLIKE 'a'",
    "tags.t IN ('a')",
    "attributes.colour = 'red'",
    "attributes.start_time = 'x'",
    "attributes.start_time LIKE '1'",
    "run_id IN ()",
    "run_id IN (1)",
    "run_id IN 'a'",
    "run_name IS NULL",
    "datasets.size = 'x'",
    "params.x = 'unclosed",
    "metrics.acc>=1and params.y='a'",
]


@pytest.mark.parametrize("text", INVALID_RUN_FILTERS)
def test_bad_run_filters_are_refused(text: str) -> None:
    with pytest.raises(MlflowError) as refused:
        parse_filter(text, RUNS)
    assert refused.value.error_code == "INVALID_PARAMETER_VALUE"
    assert text in refused.value.message
    with pytest.raises(MlflowException):
        for parsed in SearchUtils.parse_search_filter(text):
            # what MLflow's store checks after parsing
            key_type, key, op = parsed["type"], parsed["key"], parsed["comparator"].upper()
            if not (
                SearchUtils.is_metric(key_type, op)
                or SearchUtils.is_param(key_type, op)
                or SearchUtils.is_tag(key_type, op)
                or SearchUtils.is_attribute(key_type, key, op)
                or SearchUtils.is_dataset(key_type, op)
            ):
                raise MlflowException("refused")


def test_stricter_than_mlflow_about_stray_ands() -> None:
    for text in ("metrics.acc > 1 AND", "AND metrics.acc > 1"):
        SearchUtils.parse_search_filter(text)  # MLflow ignores them
        with pytest.raises(MlflowError, match="expected"):
            parse_filter(text, RUNS)


def test_error_says_where() -> None:
    with pytest.raises(MlflowError) as refused:
        parse_filter("metrics.acc > 1 AND params.x ~ 'a'", RUNS)
    assert "position 29" in refused.value.message
    assert "comparison operator" in refused.value.message


@pytest.mark.parametrize(
    "text",
    [
        "name = 'a'",
        "attribute.name LIKE 'a%'",
        "attributes.name ILIKE 'A%'",
        "name != 'b'",
        "experiment_id IN ('1', '2')",
        "experiment_id = '1'",
        "creation_time > 5",
        "last_update_time <= 5",
        "tags.x = 'a'",
        "tag.x IS NULL",
        "name = 'a' AND creation_time >= 1",
    ],
)
def test_experiment_filters_parse_as_mlflow_parses_them(text: str) -> None:
    ours = [_ours(c) for c in parse_filter(text, EXPERIMENTS)]
    theirs = [_theirs(c) for c in SearchExperimentsUtils.parse_search_filter(text)]
    assert ours == theirs


@pytest.mark.parametrize(
    "text",
    [
        "attr.name = 'a'",
        "metrics.x > 1",
        "name IN ('a')",
        "name IS NULL",
        "creation_time > 5.5",
        "creation_time > 'x'",
        "experiment_id LIKE '1%'",
        "experiment_id > '1'",
        "name > 'a'",
        "owner = 'a'",
    ],
)
def test_bad_experiment_filters_are_refused(text: str) -> None:
    with pytest.raises(MlflowError) as refused:
        parse_filter(text, EXPERIMENTS)
    assert refused.value.error_code == "INVALID_PARAMETER_VALUE"


@pytest.mark.parametrize(
    "item",
    [
        "metrics.acc",
        "metrics.acc DESC",
        "metrics.acc desc",
        "metrics.`val loss` ASC",
        'metrics."val loss" desc',
        "params.lr",
        "tags.mlflow.runName",
        "attributes.start_time",
        "start_time",
        "end_time ASC",
        "run_name",
        "status",
        "run_id",
        "user_id",
        "artifact_uri",
        "created DESC",
        "metrics.acc   DESC",
    ],
)
def test_order_by_parses_as_mlflow_parses_it(item: str) -> None:
    (ours,) = parse_order_by([item], RUNS)
    entity, key, ascending = SearchUtils.parse_order_by_for_search_runs(item)
    key = SearchUtils.translate_key_alias(key)
    assert ours == OrderKey(_ENTITY.get(entity, entity), key, ascending)


@pytest.mark.parametrize(
    "item",
    [
        "metrics.acc DESC ASC",
        "metrics.acc up",
        "foo.x",
        "attributes.colour",
        "metrics.acc,metrics.loss",
        "",
        "experiment_id",
        "datasets.name",
    ],
)
def test_bad_order_by_is_refused(item: str) -> None:
    with pytest.raises(MlflowError) as refused:
        parse_order_by([item], RUNS)
    assert refused.value.error_code == "INVALID_PARAMETER_VALUE"


def test_order_by_refuses_a_key_twice_and_experiment_keys() -> None:
    with pytest.raises(MlflowError, match="twice"):
        parse_order_by(["metrics.acc", "metrics.acc DESC"], RUNS)
    with pytest.raises(MlflowError, match="twice"):
        parse_order_by(["start_time", "created DESC"], RUNS)
    assert parse_order_by(["name DESC", "experiment_id"], EXPERIMENTS) == [
        OrderKey("attribute", "name", False),
        OrderKey("attribute", "experiment_id", True),
    ]
    with pytest.raises(MlflowError, match="cannot order"):
        parse_order_by(["tags.x"], EXPERIMENTS)


def test_page_tokens_are_mlflows() -> None:
    assert page_offset(page_token(40)) == 40
    assert SearchUtils.parse_start_offset_from_page_token(page_token(40)) == 40
    assert page_offset(SearchUtils.create_page_token(7).decode()) == 7
    assert page_offset(None) == 0 and page_offset("") == 0
    for bad in ("%%%", "bm90IGpzb24=", page_token(-1), "eyJvZmZzZXQiOiAiYSJ9"):
        with pytest.raises(MlflowError, match="page token"):
            page_offset(bad)


def test_max_results_and_view_types() -> None:
    assert max_results(None) == 1000
    assert max_results(50000) == 50000
    for bad in (0, -1, 50001):
        with pytest.raises(MlflowError, match="max_results"):
            max_results(bad)
    assert view_type(None, "v") == "ACTIVE_ONLY"
    assert view_type("deleted_only", "v") == "DELETED_ONLY"
    assert view_type(3, "v") == "ALL"
    with pytest.raises(MlflowError, match="'v'"):
        view_type("SOME", "v")


def test_like_patterns() -> None:
    assert like_glob("a%b_c*d?[e]") == "a*b?c[*]d[?][[]e]"
    assert text_matches("FINISHED", "LIKE", "FIN%")
    assert not text_matches("FINISHED", "LIKE", "fin%")
    assert text_matches("FINISHED", "ILIKE", "fin%")
    assert text_matches("a.b", "LIKE", "a_b") and not text_matches("ab", "LIKE", "a_b")
    assert text_matches("a\nb", "LIKE", "a%")
    assert text_matches("x", "IN", ("x", "y")) and text_matches("x", "NOT IN", ("y",))


def test_a_dotted_param_key_is_looked_up_at_each_path() -> None:
    assert _paths("lr") == [["lr"]]
    assert _paths("a.b.c") == [["a.b.c"], ["a", "b.c"], ["a.b", "c"], ["a", "b", "c"]]
    assert len(_paths("a.b.c.d.e")) == 16
    assert _paths("a.b.c.d.e.f") == [["a.b.c.d.e.f"], ["a", "b", "c", "d", "e", "f"]]
