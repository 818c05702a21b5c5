"""The Redshift columns an SES event stream can load: pure Python, no CDK import.

Each :class:`Column` names a JSONPath over the SES event record (as SES publishes it to
Firehose), the Redshift type that holds every value SES can put there, and the event
types whose documented record carries it. :func:`table_contract` turns a choice of
columns into what the Redshift stream deploys: the JSONPaths document COPY reads, the
column list of the COPY command and the ``CREATE TABLE`` DDL. The simulator loads records
with the same contract, so the DDL is plain ``CREATE TABLE name (column type, ...)``.

JSONPaths use bracket notation only (``$['mail']['tags']['ses:configuration-set'][0]``):
Redshift reads bracket or dot notation but "you cannot mix bracket notation and dot
notation in the jsonpaths array" (Redshift DG, COPY from JSON format), and keys such as
``ses:configuration-set`` need brackets. A path that resolves to an object or array
loads as its JSON text. A path missing from a record loads NULL, so only columns every
event carries are ``NOT NULL``.

Sources: SES DG event-publishing-retrieving-firehose-contents and -examples (the record),
event-publishing-redshift-table (the tutorial's seven columns), Redshift DG
copy-usage_notes-copy-from-json (JSONPaths).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from ses_metrics.rules import record_schema
from ses_metrics.rules.problems import UNRESOLVED, Problem
from ses_metrics.rules.ses import MAX_TAG_LENGTH, TAG_RE, EventType

ALL: Final = record_schema.ALL
E = EventType
LONG_TEXT: Final = record_schema.LONG_TEXT


@dataclass(frozen=True)
class Column:
    """A table column: ``name``, Redshift ``type``, the JSONPath ``path`` as a tuple of
    keys and indexes, and the event types whose record carries it."""

    name: str
    type: str
    path: tuple[str | int, ...]
    events: frozenset[EventType] = ALL
    description: str = ""
    not_null: bool = False
    message_tag: str | None = field(default=None)

    @property
    def jsonpath(self) -> str:
        """Bracket notation: ``$['mail']['messageId']``."""
        return "$" + "".join(f"[{p}]" if isinstance(p, int) else f"['{p}']" for p in self.path)

    @property
    def definition(self) -> str:
        return f"{self.name} {self.type}{' NOT NULL' if self.not_null else ''}"


def _c(name: str, path: str, description: str | None = None, *, type_: str | None = None,
       events: Iterable[EventType] | None = None, not_null: bool = False) -> Column:
    """A column over ``path`` of the SES record (:mod:`record_schema`): its type, the events
    carrying it and its description come from the record's description unless given
    (``KeyError`` at import for a path the record does not have)."""
    parts: tuple[str | int, ...] = tuple(int(p) if p.isdigit() else p for p in path.split("/"))
    found = record_schema.resolve_path(parts)
    return Column(
        name,
        type_ or record_schema.redshift_type(found),
        parts,
        frozenset(events) if events is not None else found.events,
        found.field.description if description is None else description,
        not_null,
    )


# The AWS tutorial's columns (its `campaign` is a message tag column, see tag_column).
TUTORIAL_COLUMNS: Final = ("message_id", "event_type", "sending_account_id", "timestamp", "destination", "configuration_set")
_WITH_HEADERS: Final = record_schema.WITH_HEADERS

CATALOGUE: Final[dict[str, Column]] = {
    c.name: c
    for c in (
        # every event (mail object and eventType)
        _c("message_id", "mail/messageId", not_null=True),
        _c("event_type", "eventType", not_null=True),
        _c("sending_account_id", "mail/sendingAccountId"),
        _c("timestamp", "mail/timestamp"),
        _c("destination", "mail/destination", "JSON array of recipient addresses (up to 50)"),
        _c("configuration_set", "mail/tags/ses:configuration-set/0", "the ses:configuration-set auto-tag", type_="VARCHAR(64)"),
        _c("source", "mail/source"),
        _c("source_arn", "mail/sourceArn"),
        _c("headers_truncated", "mail/headersTruncated"),
        _c("subject", "mail/commonHeaders/subject"),
        # AWS's examples carry these auto-tags only in records with headers
        _c("from_domain", "mail/tags/ses:from-domain/0", "the ses:from-domain auto-tag", type_="VARCHAR(256)", events=_WITH_HEADERS),
        _c("caller_identity", "mail/tags/ses:caller-identity/0", "the ses:caller-identity auto-tag", type_="VARCHAR(256)", events=_WITH_HEADERS),
        _c("source_ip", "mail/tags/ses:source-ip/0", "the ses:source-ip auto-tag", type_="VARCHAR(45)", events=_WITH_HEADERS),
        # Bounce
        _c("bounce_type", "bounce/bounceType"),
        _c("bounce_sub_type", "bounce/bounceSubType"),
        _c("bounced_recipients", "bounce/bouncedRecipients"),
        _c("bounce_feedback_id", "bounce/feedbackId", ""),
        _c("bounce_reporting_mta", "bounce/reportingMTA", ""),
        # Complaint
        _c("complaint_feedback_type", "complaint/complaintFeedbackType"),
        _c("complained_recipients", "complaint/complainedRecipients"),
        _c("complaint_user_agent", "complaint/userAgent"),
        _c("complaint_feedback_id", "complaint/feedbackId"),
        # Delivery
        _c("delivery_processing_time_millis", "delivery/processingTimeMillis"),
        _c("delivery_smtp_response", "delivery/smtpResponse"),
        _c("delivery_reporting_mta", "delivery/reportingMTA"),
        _c("delivery_recipients", "delivery/recipients"),
        # Reject
        _c("reject_reason", "reject/reason"),
        # Open
        _c("open_ip_address", "open/ipAddress"),
        _c("open_user_agent", "open/userAgent"),
        _c("open_timestamp", "open/timestamp"),
        # Click
        _c("click_link", "click/link"),
        _c("click_link_tags", "click/linkTags"),
        _c("click_ip_address", "click/ipAddress"),
        _c("click_user_agent", "click/userAgent"),
        _c("click_timestamp", "click/timestamp"),
        # Rendering Failure
        _c("failure_template_name", "failure/templateName"),
        _c("failure_error_message", "failure/errorMessage"),
        # DeliveryDelay
        _c("delay_type", "deliveryDelay/delayType"),
        _c("delay_expiration_time", "deliveryDelay/expirationTime"),
        _c("delayed_recipients", "deliveryDelay/delayedRecipients"),
        # Subscription
        _c("subscription_contact_list", "subscription/contactList"),
        _c("subscription_new_topic_preferences", "subscription/newTopicPreferences"),
        _c("subscription_old_topic_preferences", "subscription/oldTopicPreferences"),
    )
}

def tag_column_name(tag: str) -> str:
    """The column for a message tag: lowercase, '-' as '_' (``campaign-id`` -> ``campaign_id``)."""
    name = tag.lower().replace("-", "_")
    return name if not name[:1].isdigit() else f"tag_{name}"


def tag_column(tag: str) -> Column:
    """A column holding the (first) value of message tag ``tag``: ``$['mail']['tags']['campaign'][0]``.

    SES publishes tags as ``{"campaign": ["value"]}``; the AWS tutorial's
    ``$.mail.tags.campaign`` loads the whole array (``["value"]``), this loads the value.
    Any event can carry the send's tags; an event of a send without the tag loads NULL.
    """
    return Column(
        tag_column_name(tag), f"VARCHAR({MAX_TAG_LENGTH})", ("mail", "tags", tag, 0), ALL, f"message tag {tag}", message_tag=tag
    )


def check_columns(columns: Any, message_tags: Any, events: Iterable[EventType] = ALL) -> list[Problem]:
    """Chosen ``columns`` (catalogue names) and ``message_tags``: known, unique, and each
    carried by at least one event type the stream receives (``events``); a column no
    received event carries would only ever load NULL. Problems at ``columns[i]`` and
    ``message_tags[i]``."""
    problems: list[Problem] = []
    received = frozenset(events)
    names: list[str] = []
    for index, name in enumerate(columns if isinstance(columns, list | tuple) else []):
        if name is UNRESOLVED:
            continue
        column = CATALOGUE.get(name) if isinstance(name, str) else None
        if column is None:
            problems.append(Problem(("columns", index), f"unknown column {name!r}; choose from {', '.join(CATALOGUE)}"))
            continue
        if name in names:
            problems.append(Problem(("columns", index), f"column {name!r} is listed twice"))
        names.append(name)
        if received and not column.events & received:
            carried = ", ".join(e.cfn for e in EventType if e in column.events)
            problems.append(
                Problem(("columns", index), f"column {name!r} ({column.jsonpath}) is carried only by {carried} events, "
                        f"which this stream does not receive: it would only ever load NULL")
            )
    for index, tag in enumerate(message_tags if isinstance(message_tags, list | tuple) else []):
        if tag is UNRESOLVED:
            continue
        if not isinstance(tag, str) or not TAG_RE.fullmatch(tag):
            problems.append(Problem(("message_tags", index), f"message tag name {tag!r} is not 1-256 characters of A-Z, a-z, 0-9, '_' and '-'"))
            continue
        name = tag_column_name(tag)
        if name in names:
            problems.append(Problem(("message_tags", index), f"message tag {tag!r} makes column {name!r}, which is already a column"))
        names.append(name)
    if not names and not problems:
        problems.append(Problem(("columns",), "choose at least one column"))
    return problems


@dataclass(frozen=True)
class TableContract:
    """What a Redshift stream deploys for its table: the same data the template's
    ``ses-metrics`` metadata carries for the simulator."""

    table: str
    columns: tuple[Column, ...]

    @property
    def jsonpaths(self) -> dict[str, list[str]]:
        """The JSONPaths document COPY reads: ``{"jsonpaths": ["$['mail']['messageId']", ...]}``."""
        return {"jsonpaths": [c.jsonpath for c in self.columns]}

    @property
    def column_list(self) -> str:
        """The COPY command's column list, in JSONPaths order."""
        return ",".join(c.name for c in self.columns)

    @property
    def ddl(self) -> str:
        """``CREATE TABLE table (column type, ...);``: Redshift, and portable to DuckDB/PostgreSQL."""
        body = ",\n  ".join(c.definition for c in self.columns)
        return f"CREATE TABLE {self.table} (\n  {body}\n);"

    def metadata(self) -> dict[str, Any]:
        """The ``ses-metrics`` CloudFormation resource metadata of the stream."""
        return {
            "table": self.table,
            "columns": [{"name": c.name, "type": c.type, "jsonpath": c.jsonpath} for c in self.columns],
            "jsonpaths": self.jsonpaths,
            "ddl": self.ddl,
        }


def table_contract(table: str, columns: Sequence[str] = TUTORIAL_COLUMNS, message_tags: Sequence[str] = ()) -> TableContract:
    """The contract for catalogue ``columns`` followed by one column per message tag
    (call :func:`check_columns` first: unknown names raise ``KeyError``)."""
    return TableContract(table, tuple(CATALOGUE[c] for c in columns) + tuple(tag_column(t) for t in message_tags))


def resolve(record: Any, path: Sequence[str | int]) -> tuple[bool, Any]:
    """Follow a column path through a record: ``(found, value)``."""
    value = record
    for part in path:
        if isinstance(part, int):
            if not isinstance(value, list) or part >= len(value):
                return False, None
        elif not isinstance(value, dict) or part not in value:
            return False, None
        value = value[part]
    return True, value


_BRACKET_PART: Final = re.compile(r"\['([^']*)'\]|\[(\d+)\]")


def parse_jsonpath(jsonpath: str) -> tuple[str | int, ...]:
    """A bracket-notation JSONPath back to its parts; ``ValueError`` for anything else
    (dot notation included: ses-metrics never writes it)."""
    if not jsonpath.startswith("$"):
        raise ValueError(f"{jsonpath!r} does not start at the root '$'")
    parts: list[str | int] = []
    position = 1
    while position < len(jsonpath):
        match = _BRACKET_PART.match(jsonpath, position)
        if match is None:
            raise ValueError(f"{jsonpath!r} is not in bracket notation at character {position}")
        parts.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        position = match.end()
    return tuple(parts)
