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

from ses_metrics.rules.problems import UNRESOLVED, Problem
from ses_metrics.rules.ses import MAX_TAG_LENGTH, TAG_RE, EventType

ALL: Final = frozenset(EventType)
E = EventType
# AWS's documented Rendering Failure and DeliveryDelay records carry no headers and only
# the ses:configuration-set tag; the Open and Click records carry no sourceArn.
_WITH_HEADERS: Final = ALL - {E.RENDERING_FAILURE, E.DELIVERY_DELAY}
_WITH_SOURCE_ARN: Final = ALL - {E.OPEN, E.CLICK}

# Redshift's longest VARCHAR, in bytes: for text SES does not bound (URLs, user agents,
# SMTP responses, JSON arrays of up to 50 recipients). Redshift's TEXT is VARCHAR(256).
LONG_TEXT: Final = "VARCHAR(65535)"


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


def _c(name: str, type_: str, path: str, events: Iterable[EventType] = ALL, description: str = "", **kw: Any) -> Column:
    parts: list[str | int] = [int(p) if p.isdigit() else p for p in path.split("/")]
    return Column(name, type_, tuple(parts), frozenset(events), description, **kw)


# The AWS tutorial's columns (its `campaign` is a message tag column, see tag_column).
TUTORIAL_COLUMNS: Final = ("message_id", "event_type", "sending_account_id", "timestamp", "destination", "configuration_set")

CATALOGUE: Final[dict[str, Column]] = {
    c.name: c
    for c in (
        # every event (mail object and eventType)
        _c("message_id", "VARCHAR(200)", "mail/messageId", description="SES message ID", not_null=True),
        _c("event_type", "VARCHAR(32)", "eventType", description="Bounce, Complaint, ..., Rendering Failure, DeliveryDelay, Subscription", not_null=True),
        _c("sending_account_id", "CHAR(12)", "mail/sendingAccountId", description="account that sent (the delegate under sending authorization)"),
        _c("timestamp", "VARCHAR(32)", "mail/timestamp", description="when the message was sent, ISO 8601 (2017-08-05T00:40:02.012Z)"),
        _c("destination", LONG_TEXT, "mail/destination", description="JSON array of recipient addresses (up to 50)"),
        _c("configuration_set", "VARCHAR(64)", "mail/tags/ses:configuration-set/0", description="the ses:configuration-set auto-tag"),
        _c("source", LONG_TEXT, "mail/source", description="envelope MAIL FROM, with display name"),
        _c("source_arn", "VARCHAR(2048)", "mail/sourceArn", _WITH_SOURCE_ARN, "ARN of the sending identity"),
        _c("headers_truncated", "BOOLEAN", "mail/headersTruncated", description="true when headers exceeded 10 KB"),
        _c("subject", LONG_TEXT, "mail/commonHeaders/subject", _WITH_HEADERS, "Subject header"),
        _c("from_domain", "VARCHAR(256)", "mail/tags/ses:from-domain/0", _WITH_HEADERS, "the ses:from-domain auto-tag"),
        _c("caller_identity", "VARCHAR(256)", "mail/tags/ses:caller-identity/0", _WITH_HEADERS, "the ses:caller-identity auto-tag"),
        _c("source_ip", "VARCHAR(45)", "mail/tags/ses:source-ip/0", _WITH_HEADERS, "the ses:source-ip auto-tag"),
        # Bounce
        _c("bounce_type", "VARCHAR(32)", "bounce/bounceType", {E.BOUNCE}, "Undetermined, Permanent or Transient"),
        _c("bounce_sub_type", "VARCHAR(64)", "bounce/bounceSubType", {E.BOUNCE}, "General, NoEmail, Suppressed, MailboxFull, ..."),
        _c("bounced_recipients", LONG_TEXT, "bounce/bouncedRecipients", {E.BOUNCE}, "JSON array of {emailAddress, action, status, diagnosticCode}"),
        _c("bounce_feedback_id", "VARCHAR(256)", "bounce/feedbackId", {E.BOUNCE}),
        _c("bounce_reporting_mta", "VARCHAR(1024)", "bounce/reportingMTA", {E.BOUNCE}),
        # Complaint
        _c("complaint_feedback_type", "VARCHAR(64)", "complaint/complaintFeedbackType", {E.COMPLAINT},
           "abuse, auth-failure, fraud, not-spam, other, virus (only with a feedback report)"),
        _c("complained_recipients", LONG_TEXT, "complaint/complainedRecipients", {E.COMPLAINT}),
        _c("complaint_user_agent", LONG_TEXT, "complaint/userAgent", {E.COMPLAINT}),
        _c("complaint_feedback_id", "VARCHAR(256)", "complaint/feedbackId", {E.COMPLAINT}),
        # Delivery
        _c("delivery_processing_time_millis", "BIGINT", "delivery/processingTimeMillis", {E.DELIVERY}),
        _c("delivery_smtp_response", LONG_TEXT, "delivery/smtpResponse", {E.DELIVERY}),
        _c("delivery_reporting_mta", "VARCHAR(1024)", "delivery/reportingMTA", {E.DELIVERY}),
        _c("delivery_recipients", LONG_TEXT, "delivery/recipients", {E.DELIVERY}),
        # Reject
        _c("reject_reason", "VARCHAR(256)", "reject/reason", {E.REJECT}, "'Bad content'"),
        # Open
        _c("open_ip_address", "VARCHAR(45)", "open/ipAddress", {E.OPEN}),
        _c("open_user_agent", LONG_TEXT, "open/userAgent", {E.OPEN}),
        _c("open_timestamp", "VARCHAR(32)", "open/timestamp", {E.OPEN}),
        # Click
        _c("click_link", LONG_TEXT, "click/link", {E.CLICK}, "the clicked URL"),
        _c("click_link_tags", LONG_TEXT, "click/linkTags", {E.CLICK}, "JSON object of the link's ses:tags"),
        _c("click_ip_address", "VARCHAR(45)", "click/ipAddress", {E.CLICK}),
        _c("click_user_agent", LONG_TEXT, "click/userAgent", {E.CLICK}),
        _c("click_timestamp", "VARCHAR(32)", "click/timestamp", {E.CLICK}),
        # Rendering Failure
        _c("failure_template_name", "VARCHAR(256)", "failure/templateName", {E.RENDERING_FAILURE}),
        _c("failure_error_message", LONG_TEXT, "failure/errorMessage", {E.RENDERING_FAILURE}),
        # DeliveryDelay
        _c("delay_type", "VARCHAR(64)", "deliveryDelay/delayType", {E.DELIVERY_DELAY}, "InternalFailure, MailboxFull, SpamDetected, ..."),
        _c("delay_expiration_time", "VARCHAR(32)", "deliveryDelay/expirationTime", {E.DELIVERY_DELAY}),
        _c("delayed_recipients", LONG_TEXT, "deliveryDelay/delayedRecipients", {E.DELIVERY_DELAY}),
        # Subscription
        _c("subscription_contact_list", "VARCHAR(256)", "subscription/contactList", {E.SUBSCRIPTION}),
        _c("subscription_new_topic_preferences", LONG_TEXT, "subscription/newTopicPreferences", {E.SUBSCRIPTION}),
        _c("subscription_old_topic_preferences", LONG_TEXT, "subscription/oldTopicPreferences", {E.SUBSCRIPTION}),
    )
}

COLUMN_NAME_RE: Final = re.compile(r"[a-z_][a-z0-9_]{0,126}")


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
