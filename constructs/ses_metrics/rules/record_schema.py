"""The SES event record, described once: every field SES publishes to Firehose (and SNS,
and EventBridge's ``detail``), its type, the event types that carry it and what it means.

Three stores read the record, each in its own type system, and all three are rendered
from :data:`RECORD`:

- the Glue table Athena queries (:func:`hive_type`, :func:`glue_columns`): Hive types,
  field names lowercase (Glue folds them; the OpenX SerDe matches JSON keys
  case-insensitively), reserved words back-quoted;
- the DuckDB view the local query engine reads the same objects with
  (:func:`duckdb_columns`): the exact camelCase keys, since DuckDB's ``read_json`` matches
  keys case-sensitively and would load NULLs silently otherwise;
- the Redshift columns (``redshift_columns.CATALOGUE`` takes each column's type and the
  events carrying it from here) and the OpenSearch mapping (:func:`opensearch_mapping`),
  which ``OpenSearchDeliveryStream`` publishes as an index template
  (:func:`opensearch_index_template`) and the simulator's OpenSearch sink indexes against.

``mail.tags`` and ``click.linkTags`` are maps of string to array of strings: tag names are
data (``ses:configuration-set``, ``campaign``, any user tag), not columns, so no
``mapping.*`` SerDe property is needed and a new tag is never invisible.

Source: SES DG event-publishing-retrieving-firehose-contents (the schema) and
-examples (one record per type); ``remoteMtaIp`` appears in real Delivery and Bounce
records though the examples omit it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final, Literal, Union

from ses_metrics.rules.ses import EventType

E = EventType
ALL: Final = frozenset(EventType)
# AWS's documented Rendering Failure and DeliveryDelay records carry no headers and only
# the ses:configuration-set tag; the Open and Click records carry no sourceArn.
WITH_HEADERS: Final = ALL - {E.RENDERING_FAILURE, E.DELIVERY_DELAY}
WITH_SOURCE_ARN: Final = ALL - {E.OPEN, E.CLICK}

# Redshift's longest VARCHAR, in bytes: for text SES does not bound (URLs, user agents,
# SMTP responses, JSON arrays of up to 50 recipients). Redshift's TEXT is VARCHAR(256).
LONG_TEXT: Final = "VARCHAR(65535)"

ScalarKind = Literal["string", "timestamp", "boolean", "bigint", "json"]


@dataclass(frozen=True)
class Scalar:
    """A JSON value: ``string``; ``timestamp`` (an ISO 8601 string, kept a string in Glue
    and DuckDB, a date in OpenSearch); ``boolean``; ``bigint``; ``json`` (any value, kept
    as its JSON text: the always-empty ``send`` object)."""

    kind: ScalarKind


@dataclass(frozen=True)
class Array:
    item: Type


@dataclass(frozen=True)
class MapOf:
    """A JSON object whose keys are data (tag names); keys are strings."""

    value: Type


@dataclass(frozen=True)
class Struct:
    fields: tuple[Field, ...]

    def field(self, key: str) -> Field | None:
        return next((f for f in self.fields if f.key == key), None)


Type = Union[Scalar, Array, MapOf, Struct]  # noqa: UP007 - forward references


@dataclass(frozen=True)
class Field:
    """A key of a JSON object: its exact spelling, type, the event types whose record
    carries it, and the Redshift type of a column loading it (default by type)."""

    key: str
    type: Type
    events: frozenset[EventType] = ALL
    description: str = ""
    redshift: str | None = None


STRING, TIMESTAMP, BOOLEAN, BIGINT = Scalar("string"), Scalar("timestamp"), Scalar("boolean"), Scalar("bigint")
STRINGS = Array(STRING)
TAGS = MapOf(STRINGS)


def _f(key: str, type_: Type, description: str = "", events: Iterable[EventType] = ALL, redshift: str | None = None) -> Field:
    return Field(key, type_, frozenset(events), description, redshift)


def _s(*fields: Field) -> Struct:
    return Struct(tuple(fields))


_TOPIC_PREFERENCES = _s(
    _f("unsubscribeAll", BOOLEAN),
    _f("topicSubscriptionStatus", Array(_s(_f("topicName", STRING), _f("subscriptionStatus", STRING, "OptIn or OptOut")))),
)

MAIL: Final = _s(
    _f("timestamp", TIMESTAMP, "when the message was sent, ISO 8601 (2017-08-05T00:40:02.012Z)"),
    _f("source", STRING, "envelope MAIL FROM, with display name"),
    _f("sourceArn", STRING, "ARN of the sending identity", WITH_SOURCE_ARN, "VARCHAR(2048)"),
    _f("sendingAccountId", STRING, "account that sent (the delegate under sending authorization)", redshift="CHAR(12)"),
    _f("messageId", STRING, "SES message ID", redshift="VARCHAR(200)"),
    _f("destination", STRINGS, "recipient addresses (up to 50)"),
    _f("headersTruncated", BOOLEAN, "true when headers exceeded 10 KB"),
    _f("headers", Array(_s(_f("name", STRING), _f("value", STRING))), "every header, in order", WITH_HEADERS),
    _f(
        "commonHeaders",
        _s(
            _f("from", STRINGS), _f("to", STRINGS), _f("cc", STRINGS), _f("bcc", STRINGS), _f("sender", STRINGS),
            _f("replyTo", STRINGS), _f("returnPath", STRING), _f("messageId", STRING), _f("date", STRING),
            _f("subject", STRING, "Subject header", WITH_HEADERS),
        ),
        "From, To, Subject, ... parsed",
        WITH_HEADERS,
    ),
    _f("tags", TAGS, "message tags and SES auto-tags (ses:configuration-set, ...), each a list of values"),
)

RECORD: Final = _s(
    _f("eventType", STRING, "Bounce, Complaint, ..., Rendering Failure, DeliveryDelay, Subscription", redshift="VARCHAR(32)"),
    _f("mail", MAIL, "the message the event is about"),
    _f("send", Scalar("json"), "always {}", {E.SEND}),
    _f(
        "bounce",
        _s(
            _f("bounceType", STRING, "Undetermined, Permanent or Transient", redshift="VARCHAR(32)"),
            _f("bounceSubType", STRING, "General, NoEmail, Suppressed, MailboxFull, ...", redshift="VARCHAR(64)"),
            _f(
                "bouncedRecipients",
                Array(_s(_f("emailAddress", STRING), _f("action", STRING), _f("status", STRING), _f("diagnosticCode", STRING))),
                "JSON array of {emailAddress, action, status, diagnosticCode}",
            ),
            _f("timestamp", TIMESTAMP),
            _f("feedbackId", STRING, redshift="VARCHAR(256)"),
            _f("reportingMTA", STRING, redshift="VARCHAR(1024)"),
            _f("remoteMtaIp", STRING, redshift="VARCHAR(45)"),
        ),
        events={E.BOUNCE},
    ),
    _f(
        "complaint",
        _s(
            _f("complainedRecipients", Array(_s(_f("emailAddress", STRING)))),
            _f("timestamp", TIMESTAMP),
            _f("feedbackId", STRING, redshift="VARCHAR(256)"),
            _f("complaintSubType", STRING, redshift="VARCHAR(64)"),
            _f("userAgent", STRING),
            _f("complaintFeedbackType", STRING, "abuse, auth-failure, fraud, not-spam, other, virus (only with a feedback report)",
               redshift="VARCHAR(64)"),
            _f("arrivalDate", TIMESTAMP),
        ),
        events={E.COMPLAINT},
    ),
    _f(
        "delivery",
        _s(
            _f("timestamp", TIMESTAMP),
            _f("processingTimeMillis", BIGINT),
            _f("recipients", STRINGS),
            _f("smtpResponse", STRING),
            _f("reportingMTA", STRING, redshift="VARCHAR(1024)"),
            _f("remoteMtaIp", STRING, redshift="VARCHAR(45)"),
        ),
        events={E.DELIVERY},
    ),
    _f("reject", _s(_f("reason", STRING, "'Bad content'", redshift="VARCHAR(256)")), events={E.REJECT}),
    _f(
        "open",
        _s(_f("ipAddress", STRING, redshift="VARCHAR(45)"), _f("timestamp", TIMESTAMP), _f("userAgent", STRING)),
        events={E.OPEN},
    ),
    _f(
        "click",
        _s(
            _f("ipAddress", STRING, redshift="VARCHAR(45)"),
            _f("timestamp", TIMESTAMP),
            _f("userAgent", STRING),
            _f("link", STRING, "the clicked URL"),
            _f("linkTags", TAGS, "JSON object of the link's ses:tags"),
        ),
        events={E.CLICK},
    ),
    _f(
        "failure",
        _s(_f("templateName", STRING, redshift="VARCHAR(256)"), _f("errorMessage", STRING)),
        events={E.RENDERING_FAILURE},
    ),
    _f(
        "deliveryDelay",
        _s(
            _f("timestamp", TIMESTAMP),
            _f("delayType", STRING, "InternalFailure, MailboxFull, SpamDetected, ...", redshift="VARCHAR(64)"),
            _f("expirationTime", TIMESTAMP),
            _f("reportingMTA", STRING, redshift="VARCHAR(1024)"),
            _f("delayedRecipients", Array(_s(_f("emailAddress", STRING), _f("status", STRING), _f("diagnosticCode", STRING)))),
        ),
        events={E.DELIVERY_DELAY},
    ),
    _f(
        "subscription",
        _s(
            _f("contactList", STRING, redshift="VARCHAR(256)"),
            _f("timestamp", TIMESTAMP),
            _f("source", STRING),
            _f("newTopicPreferences", _TOPIC_PREFERENCES),
            _f("oldTopicPreferences", _TOPIC_PREFERENCES),
        ),
        events={E.SUBSCRIPTION},
    ),
)


# --- paths ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Resolved:
    """Where a path leads: the leaf type, the innermost field named on the way, and the
    event types whose record carries every field on the way."""

    type: Type
    field: Field
    events: frozenset[EventType]


def resolve_path(path: Sequence[str | int], root: Struct = RECORD) -> Resolved:
    """Follow ``path`` (keys, map keys and array indexes) through the record's type;
    ``KeyError`` naming the first step the record does not have."""
    current: Type = root
    field: Field | None = None
    events = ALL
    for step in path:
        if isinstance(current, Struct) and isinstance(step, str):
            found = current.field(step)
            if found is None:
                raise KeyError(f"the SES record has no {step!r} at {'/'.join(map(str, path))}")
            field, events, current = found, events & found.events, found.type
        elif isinstance(current, MapOf) and isinstance(step, str):
            current = current.value
        elif isinstance(current, Array) and isinstance(step, int):
            current = current.item
        else:
            raise KeyError(f"step {step!r} of {'/'.join(map(str, path))} does not fit the SES record's type there")
    if field is None:
        raise KeyError("an empty path names the whole record")
    return Resolved(current, field, events)


def redshift_type(resolved: Resolved) -> str:
    """The Redshift type holding every value SES puts at a path: the field's own when the
    path ends at it, else by type (objects and arrays load as their JSON text)."""
    leaf = resolved.type
    if resolved.field.type == leaf and resolved.field.redshift:
        return resolved.field.redshift
    if isinstance(leaf, Scalar):
        return {"boolean": "BOOLEAN", "bigint": "BIGINT", "timestamp": "VARCHAR(32)"}.get(leaf.kind, LONG_TEXT)
    return LONG_TEXT


# --- Glue (Hive types) ---------------------------------------------------------------

# Hive DDL keywords among the record's keys: back-quoted inside struct types.
HIVE_RESERVED: Final = frozenset({"timestamp", "from", "to", "date"})


def _hive_name(key: str) -> str:
    name = key.lower()
    return f"`{name}`" if name in HIVE_RESERVED else name


def hive_type(type_: Type) -> str:
    """A Glue/Hive column type: ``struct<bouncetype:string,...>``, ``map<string,array<string>>``."""
    if isinstance(type_, Scalar):
        return {"boolean": "boolean", "bigint": "bigint"}.get(type_.kind, "string")
    if isinstance(type_, Array):
        return f"array<{hive_type(type_.item)}>"
    if isinstance(type_, MapOf):
        return f"map<string,{hive_type(type_.value)}>"
    return "struct<" + ",".join(f"{_hive_name(f.key)}:{hive_type(f.type)}" for f in type_.fields) + ">"


def glue_columns(record: Struct = RECORD) -> list[tuple[str, str, str]]:
    """The Glue table's columns: ``(name, Hive type, comment)``, one per top-level key,
    names lowercase as Glue stores them (``eventtype``, ``mail``, ``bounce``, ...)."""
    return [(f.key.lower(), hive_type(f.type), f.description[:255]) for f in record.fields]


# --- DuckDB --------------------------------------------------------------------------


def duckdb_type(type_: Type) -> str:
    """The DuckDB type reading the same JSON: exact keys, double-quoted."""
    if isinstance(type_, Scalar):
        return {"boolean": "BOOLEAN", "bigint": "BIGINT", "json": "JSON"}.get(type_.kind, "VARCHAR")
    if isinstance(type_, Array):
        return f"{duckdb_type(type_.item)}[]"
    if isinstance(type_, MapOf):
        return f"MAP(VARCHAR, {duckdb_type(type_.value)})"
    return "STRUCT(" + ", ".join(f'"{f.key}" {duckdb_type(f.type)}' for f in type_.fields) + ")"


def duckdb_structure(type_: Type = RECORD) -> object:
    """The same types as a ``json_transform`` structure (``{"eventType": "VARCHAR", ...}``,
    arrays as ``[item]``): DuckDB applies it per record, where ``read_json(columns=...)``
    pays for the whole type again on every file."""
    if isinstance(type_, Struct):
        return {f.key: duckdb_structure(f.type) for f in type_.fields}
    if isinstance(type_, Array):
        return [duckdb_structure(type_.item)]
    return duckdb_type(type_)


def duckdb_columns(record: Struct = RECORD) -> dict[str, str]:
    """``read_json(columns=...)``: each top-level key with its DuckDB type."""
    return {f.key: duckdb_type(f.type) for f in record.fields}


# --- OpenSearch ----------------------------------------------------------------------


def opensearch_type(type_: Type) -> dict[str, object]:
    """An OpenSearch mapping for a type: strings are ``keyword``, timestamps ``date``,
    arrays map as their items (OpenSearch has no array type), tag maps objects whose keys
    are mapped as they come (keys are data; :func:`opensearch_mapping` maps them
    ``keyword``), ``json`` an object whose content is not indexed."""
    if isinstance(type_, Scalar):
        if type_.kind == "json":
            return {"type": "object", "enabled": False}
        return {"type": {"string": "keyword", "timestamp": "date", "boolean": "boolean", "bigint": "long"}[type_.kind]}
    if isinstance(type_, Array):
        return opensearch_type(type_.item)
    if isinstance(type_, MapOf):
        return {"type": "object", "dynamic": True}
    return {"properties": {f.key: opensearch_type(f.type) for f in type_.fields}}


def tag_map_paths(record: Struct = RECORD) -> list[str]:
    """The dotted paths of the record's tag maps (``mail.tags``, ``click.linkTags``)."""
    return [".".join(path) for path, type_ in walk(record) if isinstance(type_, MapOf)]


def opensearch_mapping(record: Struct = RECORD) -> dict[str, object]:
    """The index mapping of SES event documents (``{"properties": {...}}``). Keys SES adds
    later are mapped dynamically; every key of a tag map (``mail.tags.campaign``,
    ``mail.tags.ses:configuration-set``, any tag a message carries) by a dynamic template
    as ``keyword``, so tags can be searched and aggregated without being listed (a
    ``flat_object`` would hold them in one field, but OpenSearch does not aggregate its
    subfields, and it needs OpenSearch 2.7)."""
    templates = [
        {f"{path.lower().replace('.', '_')}_as_keywords": {"path_match": f"{path}.*", "mapping": {"type": "keyword"}}}
        for path in tag_map_paths(record)
    ]
    return {"dynamic": True, "dynamic_templates": templates, **opensearch_type(record)}


def opensearch_index_template_name(index_name: str) -> str:
    """The name the index template of a stream's index is stored under (``_index_template/<name>``)."""
    return f"ses-metrics-{index_name}"


def opensearch_index_template(index_name: str, record: Struct = RECORD) -> dict[str, object]:
    """The composable index template (``PUT _index_template/<name>``) giving every index
    a Firehose stream writes, ``index_name`` itself (``NoRotation``) or rotated
    (``index_name-2026-03-02``), the mapping of :func:`opensearch_mapping`."""
    return {"index_patterns": [index_name, f"{index_name}-*"], "template": {"mappings": opensearch_mapping(record)}}


def walk(type_: Type, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Type]]:
    """Every (path of keys, type) in a type, depth first; arrays are walked through."""
    yield path, type_
    if isinstance(type_, Array):
        yield from walk(type_.item, path)
    elif isinstance(type_, Struct):
        for f in type_.fields:
            yield from walk(f.type, (*path, f.key))
