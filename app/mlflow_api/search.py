"""MLflow's search grammar: ``filter`` strings and ``order_by`` items, parsed into
``Comparison`` and ``OrderKey`` (``search_sql.py`` turns them into SQL).

A filter is comparisons joined by ``AND`` (any case)::

    metrics.acc > 0.9 AND params.lr = '0.1' AND tags.`team name` LIKE 'vis%'

A key is ``<entity>.<name>`` or a bare attribute (``status``, ``run_name``). Entities, as
MLflow spells them (case-sensitive): ``metric(s)``, ``param(s)``/``parameter(s)``,
``tag(s)``, ``attribute(s)``/``attr``/``run`` and ``dataset(s)``; a name with characters
other than letters, digits, ``_`` and ``.`` is quoted with backticks, double or single
quotes (``metrics.`val loss```). Values are numbers (``-1``, ``0.5``, ``1e-3``) or strings
in single or double quotes, taken as written (MLflow unescapes nothing). Operators are
``=``, ``!=``, ``>``, ``>=``, ``<``, ``<=``, ``LIKE``, ``ILIKE``, ``IN (…)``,
``NOT IN (…)``, ``IS NULL`` and ``IS NOT NULL``, each allowed where MLflow allows it
(``RUNS`` and ``EXPERIMENTS`` below). Beyond MLflow: every string attribute of a run takes
``IN`` (MLflow only ``run_id``). Anything else is refused with ``INVALID_PARAMETER_VALUE``
naming the place. The page token is MLflow's: base64 of ``{"offset": n}``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from typing import Any

from app.mlflow_api.errors import MlflowError

MAX_RESULTS_DEFAULT = 1000
MAX_RESULTS_LIMIT = 50000

METRIC = "metric"
PARAM = "param"
TAG = "tag"
ATTRIBUTE = "attribute"
DATASET = "dataset"

NUMERIC_OPS = frozenset({"=", "!=", ">", ">=", "<", "<="})
TEXT_OPS = frozenset({"=", "!=", "LIKE", "ILIKE"})
NULL_OPS = frozenset({"IS NULL", "IS NOT NULL"})
LIST_OPS = frozenset({"IN", "NOT IN"})

Value = str | float | int | tuple[str, ...] | None


def invalid(message: str) -> MlflowError:
    return MlflowError("INVALID_PARAMETER_VALUE", message)


@dataclass(frozen=True)
class Comparison:
    entity: str  # METRIC, PARAM, TAG, ATTRIBUTE or DATASET
    key: str  # an attribute's canonical name (``created`` → ``start_time``)
    op: str  # upper case: "=", "LIKE", "NOT IN", "IS NULL", …
    value: Value  # float for metrics, int/float for numeric attributes, tuple for IN


@dataclass(frozen=True)
class OrderKey:
    entity: str
    key: str
    ascending: bool


@dataclass(frozen=True)
class Vocabulary:
    """What one search accepts: entity spellings, attribute names and operators."""

    what: str  # "runs" or "experiments", for messages
    entities: dict[str, str]
    string_attributes: dict[str, str]  # spelling → canonical name
    numeric_attributes: dict[str, str]
    ops: dict[str, frozenset[str]]  # entity → operators (attributes: "text"/"numeric")
    list_attributes: frozenset[str] = frozenset()
    int_only: bool = False  # numeric attributes take integers only
    attribute_ops: dict[str, frozenset[str]] = field(default_factory=dict)
    orderable: frozenset[str] = frozenset()  # entities order_by takes

    def attribute(self, name: str) -> tuple[str, bool] | None:
        """The canonical attribute and whether it is numeric."""
        if name in self.string_attributes:
            return self.string_attributes[name], False
        if name in self.numeric_attributes:
            return self.numeric_attributes[name], True
        return None

    def attribute_names(self) -> str:
        return ", ".join(sorted({*self.string_attributes, *self.numeric_attributes}))


RUNS = Vocabulary(
    what="runs",
    entities={
        **dict.fromkeys(("metric", "metrics"), METRIC),
        **dict.fromkeys(("param", "params", "parameter", "parameters"), PARAM),
        **dict.fromkeys(("tag", "tags"), TAG),
        **dict.fromkeys(("attribute", "attributes", "attr", "run"), ATTRIBUTE),
        **dict.fromkeys(("dataset", "datasets"), DATASET),
    },
    string_attributes={
        "run_id": "run_id",
        "run_name": "run_name",
        "run name": "run_name",
        "Run name": "run_name",
        "Run Name": "run_name",
        "user_id": "user_id",
        "status": "status",
        "artifact_uri": "artifact_uri",
    },
    numeric_attributes={
        "start_time": "start_time",
        "created": "start_time",
        "Created": "start_time",
        "end_time": "end_time",
    },
    ops={
        METRIC: NUMERIC_OPS,
        PARAM: TEXT_OPS | NULL_OPS,
        TAG: TEXT_OPS | NULL_OPS,
        DATASET: TEXT_OPS | LIST_OPS,
        "text": TEXT_OPS | LIST_OPS,
        "numeric": NUMERIC_OPS,
    },
    list_attributes=frozenset({"run_id", "run_name", "user_id", "status", "artifact_uri"}),
    orderable=frozenset({METRIC, PARAM, TAG, ATTRIBUTE}),
)

DATASET_KEYS = frozenset({"name", "digest", "context"})

EXPERIMENTS = Vocabulary(
    what="experiments",
    entities={
        **dict.fromkeys(("attribute", "attributes"), ATTRIBUTE),
        **dict.fromkeys(("tag", "tags"), TAG),
    },
    string_attributes={"name": "name", "experiment_id": "experiment_id"},
    numeric_attributes={"creation_time": "creation_time", "last_update_time": "last_update_time"},
    ops={TAG: TEXT_OPS | NULL_OPS, "text": TEXT_OPS, "numeric": NUMERIC_OPS},
    list_attributes=frozenset({"experiment_id"}),
    int_only=True,
    attribute_ops={"experiment_id": frozenset({"=", "!=", "IN", "NOT IN"})},
    orderable=frozenset({ATTRIBUTE}),
)


# --- the scanner ---

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[A-Za-z_][\w$]*")
_NAME = re.compile(r"[\w$]+(?:\.[\w$]+)*")
_QUOTED = {
    "`": re.compile(r"`([^`]*)`"),
    '"': re.compile(r'"((?:""|\\"|[^"])*)"'),
    "'": re.compile(r"'((?:''|\\'|[^'])*)'"),
}
_NUMBER = re.compile(r"-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w.])")
_OPERATOR = re.compile(r"!=|>=|<=|==|<>|=|>|<")
_KEYWORD = re.compile(r"[A-Za-z]+\b")


@dataclass(frozen=True)
class _Literal:
    kind: str  # "string" or "number"
    text: str


class _Scanner:
    def __init__(self, text: str, what: str) -> None:
        self.text = text
        self.pos = 0
        self.what = what

    def error(self, expected: str) -> MlflowError:
        self.skip_space()
        if self.pos >= len(self.text):
            found = "the end"
        else:
            found = f"{self.text[self.pos : self.pos + 20]!r} at position {self.pos}"
        return invalid(f"Invalid {self.what} {self.text!r}: expected {expected}, found {found}")

    def skip_space(self) -> None:
        if match := _SPACE.match(self.text, self.pos):
            self.pos = match.end()

    def at_end(self) -> bool:
        self.skip_space()
        return self.pos >= len(self.text)

    def take(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        self.skip_space()
        match = pattern.match(self.text, self.pos)
        if match:
            self.pos = match.end()
        return match

    def peek_char(self) -> str:
        self.skip_space()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def keyword(self, *words: str) -> bool:
        """Take ``words`` (any case, separated by spaces) if they come next."""
        start = self.pos
        for word in words:
            match = self.take(_KEYWORD)
            if match is None or match.group().upper() != word:
                self.pos = start
                return False
        return True

    def quoted(self) -> str | None:
        pattern = _QUOTED.get(self.peek_char())
        match = self.take(pattern) if pattern else None
        return None if match is None else match.group(1)

    def key(self, vocabulary: Vocabulary) -> tuple[str, str]:
        """``<entity>.<name>`` or a bare attribute, as (entity, name)."""
        start = self.pos
        if self.peek_char() == "`":
            entity = self.quoted()
        else:
            word = self.take(_WORD)
            entity = word.group() if word else None
        if entity is not None and self.text.startswith(".", self.pos):
            self.pos += 1
            if entity not in vocabulary.entities:
                entities = ", ".join(sorted(vocabulary.entities))
                raise invalid(
                    f"Invalid entity type {entity!r} in {self.text!r}. "
                    f"Valid entity types are {entities}"
                )
            name = self.quoted()
            if name is None:
                match = _NAME.match(self.text, self.pos)
                if match is None:
                    raise self.error(f"a key after {entity!r}.")
                self.pos = match.end()
                name = match.group()
            return vocabulary.entities[entity], name
        self.pos = start
        name = self.quoted() if self.peek_char() in ('"', "`") else None
        if name is None:
            word = self.take(_WORD)
            if word is None:
                raise self.error("a key such as metrics.<name>")
            name = word.group()
        return ATTRIBUTE, name

    def operator(self) -> str:
        if match := self.take(_OPERATOR):
            op = match.group()
            if op in ("==", "<>"):
                raise invalid(f"Invalid comparator {op!r} in {self.text!r}: use '=' or '!='")
            return op
        for words in (("LIKE",), ("ILIKE",), ("IN",), ("NOT", "IN"), ("IS", "NOT", "NULL")):
            if self.keyword(*words):
                return " ".join(words)
        if self.keyword("IS", "NULL"):
            return "IS NULL"
        raise self.error("a comparison operator (=, !=, >, >=, <, <=, LIKE, ILIKE, IN, IS NULL)")

    def value(self) -> _Literal:
        if self.peek_char() in ('"', "'"):
            text = self.quoted()
            if text is None:
                raise self.error("a closing quote")
            return _Literal("string", text)
        if match := self.take(_NUMBER):
            return _Literal("number", match.group())
        raise self.error("a number or a quoted string")

    def string_list(self) -> tuple[str, ...]:
        if self.peek_char() != "(":
            raise self.error("a parenthesised list of quoted strings")
        self.pos += 1
        items: list[str] = []
        while True:
            item = self.value()
            if item.kind != "string":
                raise invalid(
                    f"Invalid {self.what} {self.text!r}: a list holds quoted strings only"
                )
            items.append(item.text)
            char = self.peek_char()
            self.pos += 1
            if char == ")":
                return tuple(items)
            if char != ",":
                self.pos -= 1
                raise self.error("',' or ')'")
            if self.peek_char() == ")":
                self.pos += 1
                return tuple(items)


# --- filters ---


def parse_filter(text: str | None, vocabulary: Vocabulary) -> list[Comparison]:
    """The comparisons of a filter string (none for an empty one)."""
    if text is None or not text.strip():
        return []
    scanner = _Scanner(text, "filter")
    comparisons = []
    while True:
        comparisons.append(_comparison(scanner, vocabulary))
        if scanner.at_end():
            return comparisons
        if not scanner.keyword("AND"):
            raise scanner.error(
                "AND between comparisons (OR, NOT and parentheses are not supported)"
            )


def _comparison(scanner: _Scanner, vocabulary: Vocabulary) -> Comparison:
    entity, name = scanner.key(vocabulary)
    op = scanner.operator()
    if op in NULL_OPS:
        value: Any = None
    elif op in LIST_OPS:
        value = scanner.string_list()
    else:
        value = scanner.value()
    return _checked(vocabulary, entity, name, op, value, scanner.text)


def _checked(
    vocabulary: Vocabulary, entity: str, name: str, op: str, value: Any, text: str
) -> Comparison:
    """The comparison, if ``op`` and the value's type suit the key."""
    where = f"in filter {text!r}"
    key = name
    if entity == ATTRIBUTE:
        found = vocabulary.attribute(name)
        if found is None:
            raise invalid(
                f"Invalid attribute key {name!r} {where}. Valid keys are "
                f"{vocabulary.attribute_names()}"
            )
        key, numeric = found
        allowed = (
            vocabulary.attribute_ops.get(key) or vocabulary.ops["numeric" if numeric else "text"]
        )
    elif entity == DATASET:
        if name not in DATASET_KEYS:
            raise invalid(
                f"Invalid dataset key {name!r} {where}. Valid keys are "
                f"{', '.join(sorted(DATASET_KEYS))}"
            )
        numeric, allowed = False, vocabulary.ops[DATASET]
    else:
        numeric, allowed = entity == METRIC, vocabulary.ops[entity]
    if op not in allowed:
        if op in NULL_OPS:
            raise invalid(f"IS NULL / IS NOT NULL is only supported for tags and params {where}")
        raise invalid(
            f"Invalid comparator {op!r} for {entity} {name!r} {where}. Valid comparators "
            f"are {', '.join(sorted(allowed))}"
        )
    if op in LIST_OPS and entity == ATTRIBUTE and key not in vocabulary.list_attributes:
        raise invalid(f"{op} is not supported for attribute {name!r} {where}")
    if not isinstance(value, _Literal):  # IS NULL, IN
        return Comparison(entity, key, op, value)
    kind, raw = value.kind, value.text
    if numeric:
        if kind != "number":
            raise invalid(f"Expected a numeric value for {entity} {name!r} {where}, found {raw!r}")
        number: float | int = float(raw) if entity == METRIC else _number(raw)
        if vocabulary.int_only and not isinstance(number, int):
            raise invalid(f"Expected an integer for attribute {name!r} {where}, found {raw}")
        return Comparison(entity, key, op, number)
    if kind != "string":
        raise invalid(
            f"Expected a quoted string value for {entity} {name!r} {where} "
            f"(e.g. 'my-value'), found {raw}"
        )
    return Comparison(entity, key, op, raw)


def _number(raw: str) -> int | float:
    try:
        return int(raw)
    except ValueError:
        return float(raw)


# --- order_by ---


def parse_order_by(items: list[str], vocabulary: Vocabulary) -> list[OrderKey]:
    """``metrics.acc DESC``, ``params.lr``, ``start_time ASC``, …; a key twice is refused."""
    keys: list[OrderKey] = []
    for item in items:
        scanner = _Scanner(item, "order_by clause")
        if scanner.at_end():
            raise invalid(f"Invalid order_by clause {item!r}: empty")
        entity, name = scanner.key(vocabulary)
        ascending = True
        if not scanner.at_end():
            if scanner.keyword("DESC"):
                ascending = False
            elif not scanner.keyword("ASC"):
                raise scanner.error("ASC or DESC")
        if not scanner.at_end():
            raise scanner.error("the end of the clause")
        if entity not in vocabulary.orderable:
            raise invalid(
                f"Invalid order_by clause {item!r}: cannot order {vocabulary.what} by {entity}"
            )
        if entity == ATTRIBUTE:
            found = vocabulary.attribute(name)
            if found is None:
                raise invalid(
                    f"Invalid order_by clause {item!r}: unknown attribute {name!r}. Valid "
                    f"keys are {vocabulary.attribute_names()}"
                )
            name = found[0]
        if any(k.entity == entity and k.key == name for k in keys):
            raise invalid(f"order_by names {entity} {name!r} twice")
        keys.append(OrderKey(entity, name, ascending))
    return keys


# --- paging ---


def page_offset(token: str | None) -> int:
    """The offset a page token (MLflow's: base64 of ``{"offset": n}``) stands for."""
    if not token:
        return 0
    try:
        document = json.loads(base64.b64decode(token, validate=True))
        offset = document["offset"]
    except (binascii.Error, ValueError, TypeError, KeyError):
        raise invalid(f"Invalid page token {token!r}") from None
    if isinstance(offset, str) and offset.isdigit():
        offset = int(offset)
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise invalid(f"Invalid page token {token!r}")
    return offset


def page_token(offset: int) -> str:
    return base64.b64encode(json.dumps({"offset": offset}).encode()).decode()


def max_results(value: int | None) -> int:
    if value is None:
        return MAX_RESULTS_DEFAULT
    if not 1 <= value <= MAX_RESULTS_LIMIT:
        raise invalid(
            f"Invalid value {value} for parameter 'max_results': it must be a positive "
            f"integer of at most {MAX_RESULTS_LIMIT}"
        )
    return value


VIEW_TYPES = {
    "ACTIVE_ONLY": "ACTIVE_ONLY",
    "DELETED_ONLY": "DELETED_ONLY",
    "ALL": "ALL",
    "1": "ACTIVE_ONLY",
    "2": "DELETED_ONLY",
    "3": "ALL",
}


def view_type(value: Any, name: str) -> str:
    """``ACTIVE_ONLY`` (the default), ``DELETED_ONLY`` or ``ALL``; MLflow's JSON sends the
    name, its protobuf number (1, 2, 3) is accepted too."""
    if value is None or value == "":
        return "ACTIVE_ONLY"
    found = VIEW_TYPES.get(str(value).upper()) if not isinstance(value, bool) else None
    if found is None:
        raise invalid(
            f"Invalid value {value!r} for parameter '{name}': one of ACTIVE_ONLY, DELETED_ONLY, ALL"
        )
    return found
