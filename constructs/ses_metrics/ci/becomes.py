"""``becomes``: what a Firehose record turns into downstream (a Redshift row, an OpenSearch
document), checked for the ``reaches`` expectation (expectations.py)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from ses_metrics.simulator.outcomes import FirehoseDelivery

# -- becomes: what a record turns into downstream ------------------------------------------

# Checkers for ``becomes``, by key: (delivery, expected) -> a mismatch, or None when it
# matches. They read what the Redshift and OpenSearch sinks wrote on the delivery's landing
# (``landing.redshift``, ``landing.opensearch``). NotSimulated: the record was not followed
# that far (a stream outside the templates, or no payloads kept).
BecomesChecker = Callable[[FirehoseDelivery, Mapping[str, Any]], str | None]


class NotSimulated(Exception):
    """An expectation needs what the simulation did not follow (reported as could not be checked)."""


_SINK_NAMES = {"redshift": "Redshift", "opensearch": "OpenSearch", "s3": "Amazon S3"}


def _downstream(delivery: FirehoseDelivery, kind: str, what: str) -> Mapping[str, Any] | str:
    """The ``kind`` sink's entry for this record (``delivery.landing.<kind>``), or a
    mismatch; raises NotSimulated when the record was not followed that far."""
    destination = delivery.target
    if destination is None:
        raise NotSimulated(f"{what} cannot be checked: delivery stream {delivery.delivery_stream} is not in the templates, so its records are not followed")
    if destination != kind:
        return f"delivery stream {delivery.delivery_stream} delivers to {_SINK_NAMES.get(destination, destination)}, not to {_SINK_NAMES[kind]}"
    entry = getattr(delivery.landing, kind, None)
    if entry is None:
        raise NotSimulated(f"{what} cannot be checked: the record was not delivered past S3 (no flush, or a simulation that keeps no payloads)")
    return entry


def _same(actual: Any, expected: Any) -> bool:
    """Equal, or a JSON value equal to the JSON text a column holds (objects and arrays load as text)."""
    if actual == expected:
        return True
    if isinstance(actual, str) and not isinstance(expected, str):
        return actual == json.dumps(expected, separators=(",", ":"), ensure_ascii=False)
    return False


def _compact(value: Any, limit: int = 300) -> str:
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _differences(expected: Mapping[str, Any], lookup: Callable[[str], tuple[bool, Any]], missing: Callable[[str], str]) -> str:
    """What differs between the expected values and those ``lookup`` finds ("" if nothing)."""
    problems = []
    for name, value in expected.items():
        found, actual = lookup(name)
        if not found:
            problems.append(missing(name))
        elif not _same(actual, value):
            problems.append(f"{name}={actual!r}, not {value!r}")
    return "; ".join(problems)


def _redshift_row(delivery: FirehoseDelivery, expected: Mapping[str, Any]) -> str | None:
    entry = _downstream(delivery, "redshift", "becomes.redshift_row")
    if isinstance(entry, str):
        return entry
    if "loadError" in entry:
        return f"no row was loaded into table {entry['table']}: {entry['loadError']}"
    row = entry["row"]
    problems = _differences(expected, lambda column: (column in row, row.get(column)),
                            lambda column: f"table {entry['table']} has no column {column} (columns: {', '.join(row)})")
    return f"the row loaded into {entry['table']} has {problems}: row {_compact(row)}" if problems else None


def _document_field(document: Any, path: str) -> tuple[bool, Any]:
    """A field of a document by name, or by dotted path into its objects."""
    if isinstance(document, dict) and path in document:
        return True, document[path]
    value = document
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return False, None
        value = value[part]
    return True, value


def _opensearch_document(delivery: FirehoseDelivery, expected: Mapping[str, Any]) -> str | None:
    entry = _downstream(delivery, "opensearch", "becomes.opensearch_document")
    if isinstance(entry, str):
        return entry
    if "error" in entry:
        return f"OpenSearch rejected document {entry['id']} in index {entry['index']} ({entry['error']}) and Firehose backed it up to S3"
    document = entry["document"]
    problems = _differences(expected, lambda field: _document_field(document, field), lambda field: f"no field {field}")
    return f"document {entry['id']} in index {entry['index']} has {problems}: {_compact(document)}" if problems else None


BECOMES: dict[str, BecomesChecker] = {
    "redshift_row": _redshift_row,
    "opensearch_document": _opensearch_document,
}


class Becomes(BaseModel):
    """What a Firehose record turns into downstream: exactly one key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    redshift_row: dict[str, Any] | None = None
    opensearch_document: dict[str, Any] | None = None

    def given(self) -> tuple[str, dict[str, Any]]:
        [(key, value)] = [(k, v) for k, v in self.model_dump().items() if v is not None]
        return key, value

    @model_validator(mode="after")
    def _exactly_one(self) -> Becomes:
        if sum(v is not None for v in self.model_dump().values()) != 1:
            raise ValueError(f"give exactly one of {', '.join(type(self).model_fields)}")
        return self
