"""The named queries the archive catalogue declares: deliverability SQL over the SES event
table, in Athena's dialect (Trino), written once for Athena and for the local engine.

ses-metrics' own queries (AWS publishes no library of SES deliverability SQL). Rates count
**recipients**, as SES's reputation metrics do: a Send event's ``mail.destination``, a
Bounce event's ``bouncedRecipients``, a Complaint event's ``complainedRecipients``. The
bounce rate counts Permanent (hard) bounces, the ones SES's bounce rate counts. Days and
campaigns are those of the send (``mail.timestamp``, ``mail.tags``), so a bounce arriving
the next day counts against the day it was sent. Divisions are ``CAST(... AS DOUBLE)``
over ``nullif(..., 0)``: Trino divides integers as integers, DuckDB does not. The queries
do not filter on partitions: they read the whole archive, within the workgroup's
bytes-scanned cutoff; add ``WHERE datehour >= '...'`` for a window.

Placeholders: ``{table}``, ``{campaign_tag}`` and ``{link_tag}`` (tag names, which SES
limits to letters, digits, '_' and '-', so they are safe inside SQL literals).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from ses_metrics.rules.redshift_columns import tag_column_name

_RECIPIENTS: Final = """
  sum(CASE WHEN eventtype = 'Send' THEN cardinality(mail.destination) ELSE 0 END) AS sent,
  sum(CASE WHEN eventtype = 'Bounce' AND bounce.bouncetype = 'Permanent' THEN cardinality(bounce.bouncedrecipients) ELSE 0 END) AS hard_bounces,
  sum(CASE WHEN eventtype = 'Complaint' THEN cardinality(complaint.complainedrecipients) ELSE 0 END) AS complaints"""

_RATES: Final = """
  round(100 * CAST(hard_bounces AS DOUBLE) / nullif(sent, 0), 4) AS bounce_rate_percent,
  round(100 * CAST(complaints AS DOUBLE) / nullif(sent, 0), 4) AS complaint_rate_percent"""


_LATEST_STATUS: Final = """
SELECT message_id, configuration_set, event_type AS latest_event, event_time
FROM (
  SELECT mail.messageid AS message_id,
         element_at(mail.tags, 'ses:configuration-set')[1] AS configuration_set,
         eventtype AS event_type,
         from_iso8601_timestamp(coalesce(bounce.timestamp, complaint.timestamp, delivery.timestamp, open.timestamp,
                                         click.timestamp, deliverydelay.timestamp, subscription.timestamp, mail.timestamp)) AS event_time,
         row_number() OVER (
           PARTITION BY mail.messageid
           ORDER BY from_iso8601_timestamp(coalesce(bounce.timestamp, complaint.timestamp, delivery.timestamp, open.timestamp,
                                                    click.timestamp, deliverydelay.timestamp, subscription.timestamp,
                                                    mail.timestamp)) DESC,
                    eventtype DESC
         ) AS position
  FROM {table}
) AS ranked
WHERE position = 1
"""


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    sql: str

    def render(self, table: str, *, campaign_tag: str = "campaign", link_tag: str = "link") -> str:
        return self.sql.format(table=table, campaign_tag=campaign_tag, link_tag=link_tag).strip() + "\n"


NAMED_QUERIES: Final = (
    NamedQuery(
        "bounce-complaint-rate-by-configuration-set-and-day",
        "Recipients sent, hard-bounced and complaining, and the bounce and complaint rates (%), per configuration set and day of sending",
        f"""
SELECT day, configuration_set, sent, hard_bounces, complaints,{_RATES}
FROM (
  SELECT CAST(from_iso8601_timestamp(mail.timestamp) AS date) AS day,
         element_at(mail.tags, 'ses:configuration-set')[1] AS configuration_set,{_RECIPIENTS}
  FROM {{table}}
  GROUP BY 1, 2
) AS totals
ORDER BY day, configuration_set
""",
    ),
    NamedQuery(
        "bounce-complaint-rate-by-campaign",
        "Recipients sent, hard-bounced and complaining, and the rates (%), per value of the campaign message tag",
        f"""
SELECT campaign, sent, hard_bounces, complaints,{_RATES}
FROM (
  SELECT element_at(mail.tags, '{{campaign_tag}}')[1] AS campaign,{_RECIPIENTS}
  FROM {{table}}
  GROUP BY 1
) AS totals
ORDER BY campaign
""",
    ),
    NamedQuery(
        "latest-status-per-message",
        "Each message's latest event (by the event's own time, else the send's) and when it happened",
        _LATEST_STATUS + "ORDER BY message_id\n",
    ),
    NamedQuery(
        "top-bouncing-recipient-domains",
        "Recipient domains by hard and soft bounced recipients, most first (top 20)",
        """
SELECT lower(split_part(recipient.emailaddress, '@', 2)) AS domain,
       count(*) AS bounced_recipients,
       count_if(bounce.bouncetype = 'Permanent') AS hard_bounced_recipients,
       count(DISTINCT mail.messageid) AS messages
FROM {table}
CROSS JOIN UNNEST(bounce.bouncedrecipients) AS t(recipient)
WHERE eventtype = 'Bounce'
GROUP BY 1
ORDER BY bounced_recipients DESC, domain
LIMIT 20
""",
    ),
    NamedQuery(
        "open-click-rate-by-campaign",
        "Messages delivered, opened and clicked (unique), and the open and click rates (%), per value of the campaign message tag",
        """
SELECT campaign, delivered, opened, clicked,
       round(100 * CAST(opened AS DOUBLE) / nullif(delivered, 0), 4) AS open_rate_percent,
       round(100 * CAST(clicked AS DOUBLE) / nullif(delivered, 0), 4) AS click_rate_percent
FROM (
  SELECT element_at(mail.tags, '{campaign_tag}')[1] AS campaign,
         count(DISTINCT CASE WHEN eventtype = 'Delivery' THEN mail.messageid END) AS delivered,
         count(DISTINCT CASE WHEN eventtype = 'Open' THEN mail.messageid END) AS opened,
         count(DISTINCT CASE WHEN eventtype = 'Click' THEN mail.messageid END) AS clicked
  FROM {table}
  GROUP BY 1
) AS totals
ORDER BY campaign
""",
    ),
    NamedQuery(
        "click-rate-by-link-tag",
        "Clicks and clicking messages per campaign and value of the link tag, and the click rate (%) over the campaign's delivered messages",
        """
WITH delivered AS (
  SELECT element_at(mail.tags, '{campaign_tag}')[1] AS campaign, count(DISTINCT mail.messageid) AS messages
  FROM {table}
  WHERE eventtype = 'Delivery'
  GROUP BY 1
),
clicks AS (
  SELECT element_at(mail.tags, '{campaign_tag}')[1] AS campaign,
         element_at(click.linktags, '{link_tag}')[1] AS link_tag,
         count(*) AS clicks,
         count(DISTINCT mail.messageid) AS clicking_messages
  FROM {table}
  WHERE eventtype = 'Click'
  GROUP BY 1, 2
)
SELECT clicks.campaign, clicks.link_tag, clicks.clicks, clicks.clicking_messages, delivered.messages AS delivered,
       round(100 * CAST(clicks.clicking_messages AS DOUBLE) / nullif(delivered.messages, 0), 4) AS click_rate_percent
FROM clicks
LEFT JOIN delivered ON delivered.campaign IS NOT DISTINCT FROM clicks.campaign
ORDER BY clicks.campaign, clicks.link_tag
""",
    ),
)


# --- views ---------------------------------------------------------------------------
#
# Athena creates a view with CREATE VIEW and stores it in the Glue catalogue itself; views
# "created in other ways" (a Glue table of type VIRTUAL_VIEW) Athena does not support
# (Athena UG views.md, "Considerations for views"), so the catalogue declares each view as
# a named query to run once after deploying, and again after the table's columns change
# (Athena reports a view over a changed table as stale).

CREATE_VIEW_RE: Final = re.compile(r"\s*CREATE\s+(?:OR\s+REPLACE\s+)?VIEW\s+", re.I)


def tagged_view_name(table: str) -> str:
    return f"{table}_tagged"


def latest_status_view_name(table: str) -> str:
    return f"{table}_latest_status"


def view_queries(table: str, tag_columns: Sequence[str] = ()) -> tuple[NamedQuery, ...]:
    """The named queries creating the catalogue's views over ``table``:
    ``<table>_latest_status`` (the latest-status query as a view) and, with
    ``tag_columns``, ``<table>_tagged``: every column of the table plus one per tag, its
    (first) value, so queries group by ``campaign`` without map access. Tag names are
    SES's (letters, digits, '_', '-'), safe inside SQL literals."""
    latest = latest_status_view_name(table)
    queries = [NamedQuery(
        f"create-view-{latest}",
        f"Creates the view {latest}: each message's latest event. Run once after deploying, and after the table changes",
        f"CREATE OR REPLACE VIEW {latest} AS" + _LATEST_STATUS.replace("{table}", table),
    )]
    if tag_columns:
        tagged = tagged_view_name(table)
        columns = ",\n".join(f"       element_at(mail.tags, '{tag}')[1] AS \"{tag_column_name(tag)}\"" for tag in tag_columns)
        queries.append(NamedQuery(
            f"create-view-{tagged}",
            f"Creates the view {tagged}: the table plus the columns {', '.join(map(tag_column_name, tag_columns))} (each tag's value). "
            "Run once after deploying, and after the table changes",
            f"\nCREATE OR REPLACE VIEW {tagged} AS\nSELECT *,\n{columns}\nFROM {table}\n",
        ))
    return tuple(queries)
