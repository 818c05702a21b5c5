"""The columns an SES event table in Redshift can have, and the JSONPaths file, COPY options
and ``CREATE TABLE`` statement that load SES records into them: pure Python, no CDK import.

The default columns are the SES developer guide's tutorial (event-publishing-redshift-table.md):
``message_id``, ``event_type``, ``sending_account_id``, ``timestamp``, ``destination``,
``configuration_set``, plus one per message tag asked for (``campaign``). Event-specific
columns (bounce type, click link, ...) can be added; each knows which event types carry it.

Types are chosen so that every value SES can publish fits, with no truncation: Redshift's
``text`` is ``varchar(256)``, too short for a destination list of 50 addresses, so free text
is ``varchar(65535)`` (Redshift's maximum); ``event_type`` is ``varchar(20)`` ("Rendering
Failure" has 17 characters). An array or object (``destination``, ``bouncedRecipients``) is
loaded as its JSON text, as Redshift's COPY does. JSONPaths use bracket notation throughout
(Redshift does not mix notations in one file, and auto-tag names hold ':' and '-').
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from ses_metrics.rules import EventType, Problem

ALL: Final = frozenset(EventType)
WITH_HEADERS: Final = ALL - {EventType.RENDERING_FAILURE, EventType.DELIVERY_DELAY}
MAX_VARCHAR: Final = "varchar(65535)"


@dataclass(frozen=True)
class Column:
    """A table column: its name, the path in the SES record, its Redshift type, and the
    event types whose records carry it."""

    name: str
    path: tuple[str | int, ...]
    type: str
    events: frozenset[EventType] = ALL
    not_null: bool = False
    tag: bool = False

    @property
    def jsonpath(self) -> str:
        """``$['mail']['tags']['ses:configuration-set'][0]``."""
        return "$" + "".join(f"[{p}]" if isinstance(p, int) else f"['{p}']" for p in self.path)

    @property
    def definition(self) -> str:
        return f"{self.name} {self.type}{' NOT NULL' if self.not_null else ''}"

    def value(self, record: dict[str, Any]) -> Any:
        """The value COPY would read from ``record`` (None when the path is absent)."""
        value: Any = record
        for part in self.path:
            if isinstance(part, int):
                if not isinstance(value, list) or part >= len(value):
                    return None
                value = value[part]
            else:
                if not isinstance(value, dict) or part not in value:
                    return None
                value = value[part]
        return value


def _c(name: str, path: tuple[str | int, ...], type_: str, *events: EventType, not_null: bool = False) -> Column:
    return Column(name, path, type_, frozenset(events) if events else ALL, not_null)


E = EventType
CATALOG: Final = {
    c.name: c
    for c in (
        # The tutorial's columns (tags other than the configuration set are added per name).
        _c("message_id", ("mail", "messageId"), "varchar(200)", not_null=True),
        _c("event_type", ("eventType",), "varchar(20)", not_null=True),
        _c("sending_account_id", ("mail", "sendingAccountId"), "char(12)"),
        _c("timestamp", ("mail", "timestamp"), "varchar(50)"),
        _c("destination", ("mail", "destination"), MAX_VARCHAR),
        _c("configuration_set", ("mail", "tags", "ses:configuration-set", 0), "varchar(64)"),
        # The rest of the mail object.
        _c("source", ("mail", "source"), MAX_VARCHAR),
        _c("source_arn", ("mail", "sourceArn"), "varchar(2048)", *(ALL - {E.OPEN, E.CLICK})),
        _c("subject", ("mail", "commonHeaders", "subject"), MAX_VARCHAR, *WITH_HEADERS),
        _c("headers_truncated", ("mail", "headersTruncated"), "boolean"),
        # One object per event type.
        _c("bounce_type", ("bounce", "bounceType"), "varchar(20)", E.BOUNCE),
        _c("bounce_sub_type", ("bounce", "bounceSubType"), "varchar(32)", E.BOUNCE),
        _c("bounced_recipients", ("bounce", "bouncedRecipients"), MAX_VARCHAR, E.BOUNCE),
        _c("bounce_reporting_mta", ("bounce", "reportingMTA"), MAX_VARCHAR, E.BOUNCE),
        _c("complained_recipients", ("complaint", "complainedRecipients"), MAX_VARCHAR, E.COMPLAINT),
        _c("complaint_feedback_type", ("complaint", "complaintFeedbackType"), "varchar(32)", E.COMPLAINT),
        _c("complaint_user_agent", ("complaint", "userAgent"), MAX_VARCHAR, E.COMPLAINT),
        _c("delivery_timestamp", ("delivery", "timestamp"), "varchar(50)", E.DELIVERY),
        _c("delivery_processing_time_ms", ("delivery", "processingTimeMillis"), "bigint", E.DELIVERY),
        _c("delivery_recipients", ("delivery", "recipients"), MAX_VARCHAR, E.DELIVERY),
        _c("delivery_smtp_response", ("delivery", "smtpResponse"), MAX_VARCHAR, E.DELIVERY),
        _c("reject_reason", ("reject", "reason"), "varchar(64)", E.REJECT),
        _c("open_ip_address", ("open", "ipAddress"), "varchar(64)", E.OPEN),
        _c("open_user_agent", ("open", "userAgent"), MAX_VARCHAR, E.OPEN),
        _c("click_link", ("click", "link"), MAX_VARCHAR, E.CLICK),
        _c("click_link_tags", ("click", "linkTags"), MAX_VARCHAR, E.CLICK),
        _c("click_ip_address", ("click", "ipAddress"), "varchar(64)", E.CLICK),
        _c("click_user_agent", ("click", "userAgent"), MAX_VARCHAR, E.CLICK),
        _c("failure_template_name", ("failure", "templateName"), "varchar(256)", E.RENDERING_FAILURE),
        _c("failure_error_message", ("failure", "errorMessage"), MAX_VARCHAR, E.RENDERING_FAILURE),
        _c("delay_type", ("deliveryDelay", "delayType"), "varchar(64)", E.DELIVERY_DELAY),
        _c("delay_expiration_time", ("deliveryDelay", "expirationTime"), "varchar(50)", E.DELIVERY_DELAY),
        _c("delayed_recipients", ("deliveryDelay", "delayedRecipients"), MAX_VARCHAR, E.DELIVERY_DELAY),
        _c("subscription_contact_list", ("subscription", "contactList"), "varchar(256)", E.SUBSCRIPTION),
        _c("subscription_source", ("subscription", "source"), "varchar(64)", E.SUBSCRIPTION),
    )
}
DEFAULT_COLUMNS: Final = ("message_id", "event_type", "sending_account_id", "timestamp", "destination", "configuration_set")
DEFAULT_TAGS: Final = ("campaign",)


def tag_column(tag: str) -> Column:
    """The column holding message tag ``tag``'s first value (NULL when the message has none):
    ``campaign`` -> ``campaign``, ``ses:from-domain`` -> ``ses_from_domain``."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", tag).lower()
    if not name[:1].isalpha() and name[:1] != "_":
        name = f"tag_{name}"
    return Column(name, ("mail", "tags", tag, 0), "varchar(256)", ALL, tag=True)


def columns_for(names: Iterable[str] = DEFAULT_COLUMNS, tags: Iterable[str] = DEFAULT_TAGS) -> list[Column]:
    """Catalog columns by name, then one column per message tag (unknown names: ``KeyError``)."""
    return [CATALOG[name] for name in names] + [tag_column(tag) for tag in tags]


def check_columns(names: Any, tags: Any) -> list[Problem]:
    """Column and tag choices (paths ``columns``, ``tags``): known column names, tag names
    SES accepts, and no two columns with the same name."""
    from ses_metrics import rules

    problems: list[Problem] = []
    names = list(names or [])
    tags = list(tags or [])
    for index, name in enumerate(names):
        if name not in CATALOG:
            problems.append(Problem(("columns", index), f"unknown column {name!r}; use one of {', '.join(CATALOG)} (tags go under tags:)"))
    for index, tag in enumerate(tags):
        if tag not in rules.AutoTag.ALL:  # auto-tags hold ':' yet are in every record's tags
            problems += [Problem(("tags", index), p.message) for p in rules.check_message_tag(tag, "x") if p.path == ("Name",)]
    if not names:
        problems.append(Problem(("columns",), "a Redshift table needs at least one column"))
    seen: dict[str, str] = {}
    for label, column_name in [(f"columns {n}", n) for n in names] + [(f"tag {t}", tag_column(t).name) for t in tags if isinstance(t, str)]:
        if column_name in seen:
            problems.append(Problem(("tags" if label.startswith("tag") else "columns",), f"{label} makes column {column_name!r}, which {seen[column_name]} already makes"))
        seen.setdefault(column_name, label)
    return problems


def check_received(columns: Sequence[Column], events: Iterable[EventType]) -> list[Problem]:
    """Columns that no event the stream receives ever carries (always NULL: a mistake), and
    NOT NULL columns some received event lacks (a COPY error waiting to happen)."""
    received = set(events)
    problems = []
    for column in columns:
        if not column.events & received:
            carriers = ", ".join(sorted(e.record for e in column.events))
            problems.append(Problem(("columns",), f"column {column.name} is carried only by {carriers} events, which this stream never receives"))
        elif column.not_null and received - column.events:
            problems.append(Problem(("columns",), f"column {column.name} is NOT NULL but {', '.join(sorted(e.record for e in received - column.events))} events lack it"))
    return problems


def jsonpaths(columns: Sequence[Column]) -> dict[str, list[str]]:
    """The JSONPaths document COPY uses: one expression per column, in column order."""
    return {"jsonpaths": [c.jsonpath for c in columns]}


def ddl(table: str, columns: Sequence[Column]) -> str:
    """``CREATE TABLE`` for the table COPY loads (run it once in the database)."""
    body = ",\n".join(f"    {c.definition}" for c in columns)
    return f"CREATE TABLE IF NOT EXISTS {table} (\n{body}\n);"


def copy_options(jsonpaths_uri: str, *, gzip: bool) -> str:
    """COPY options: the JSONPaths file, and GZIP when Firehose compresses the staging objects.
    No TRUNCATECOLUMNS or MAXERROR: a value that does not fit is a load error, not silently cut."""
    return f"json '{jsonpaths_uri}'" + (" gzip" if gzip else "")


def metadata(table: str, columns: Sequence[Column], jsonpaths_uri: str) -> dict[str, Any]:
    """What the stream's CloudFormation ``Metadata`` carries under ``ses-metrics`` so tools
    reading the template (the simulator) load rows as the deployed COPY would."""
    return {
        "table": table,
        "columns": [{"name": c.name, "type": c.type, "jsonpath": c.jsonpath, "notNull": c.not_null} for c in columns],
        "jsonpaths": jsonpaths(columns),
        "jsonpathsUri": jsonpaths_uri,
        "ddl": ddl(table, columns),
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2)
