"""ses-metrics' own choices, apart from AWS's facts: alarm thresholds and how alarms evaluate,
what the delivery streams use when not told (prefixes, buffering, retries, table), and the
span of time simulations and replays may cover."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from ses_metrics.rules import firehose
from ses_metrics.rules.reputation import ReputationMetric
from ses_metrics.rules.ses import EventType

# --- alarms -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReputationAlarmDefault:
    """The default threshold of a reputation alarm, in percent, and why (written into each
    alarm's description)."""

    percent: float
    rationale: str


REPUTATION_ALARMS: Final = {
    ReputationMetric.BOUNCE_RATE: ReputationAlarmDefault(
        2.5,
        "half the 5% at which AWS places the account under review (it may pause sending at 10%). "
        "SES computes the rate over a representative volume of recent sending, so it moves slowly: "
        "alarming at half the review level leaves time to stop the list or campaign that bounces "
        "before AWS acts.",
    ),
    ReputationMetric.COMPLAINT_RATE: ReputationAlarmDefault(
        0.05,
        "half the 0.1% at which AWS places the account under review (it may pause sending at 0.5%). "
        "Complaints arrive hours or days after delivery and not every mailbox provider reports "
        "them, so the measured rate trails the real one: alarming at half the review level "
        "leaves time to act before AWS does.",
    ),
}

# How the alarms evaluate (the replay of alarms reads the same values from the template).
# Every alarm fires at or above its threshold (GreaterThanOrEqualToThreshold, as AWS's
# guide sets it) on one datapoint out of one: the rates are hourly, so one bad hour is
# already a trend worth a look.
ALARM_EVALUATION_PERIODS: Final = 1
# Reputation alarms: one hourly datapoint at or above the threshold is enough, because SES
# already smooths the rate over a representative volume; missing data keeps the alarm's
# state ("ignore"), as DG reputationdashboard-cloudwatch-alarm.md recommends: SES does not
# publish the rate while nothing is sent, and silence is neither good nor bad news.
REPUTATION_ALARM_STATISTIC: Final = "Average"
REPUTATION_ALARM_PERIOD_SECONDS: Final = 3600
REPUTATION_ALARM_TREAT_MISSING_DATA: Final = "ignore"
# Per-dimension alarms compute the rate from event metrics (bounces / sends per hour).
# Below ``minimum_sends`` sends in the hour the rate is reported as 0: one bounce in 20
# sends is 5% and says nothing. A period without sends has no datapoint and is not
# breaching: nothing sent, nothing at risk. Bounces and complaints arrive after their
# sends, so an hourly rate approximates the real one; SES's own reputation rate is the
# authoritative figure.
DIMENSION_ALARM_PERIOD_SECONDS: Final = 3600
DIMENSION_ALARM_MINIMUM_SENDS: Final = 100
DIMENSION_ALARM_TREAT_MISSING_DATA: Final = "notBreaching"
# The events a per-dimension alarm reads: the destination must publish all of them.
DIMENSION_ALARM_EVENTS: Final = (EventType.SEND, EventType.BOUNCE, EventType.COMPLAINT)

# --- delivery streams ---------------------------------------------------------------

S3_PREFIX: Final = "ses-events/"
S3_ERROR_OUTPUT_PREFIX: Final = "ses-events-errors/"
REDSHIFT_STAGING_PREFIX: Final = "ses-redshift-staging/"
REDSHIFT_BACKUP_PREFIX: Final = "ses-redshift-backup/"
REDSHIFT_TABLE: Final = "ses"
OPENSEARCH_BACKUP_PREFIX: Final = "ses-opensearch-backup/"
# Firehose's own buffering defaults; with dynamic partitioning the smallest buffer it allows.
BUFFERING_SECONDS: Final = firehose.DEFAULT_BUFFERING_SECONDS
BUFFERING_MIB: Final = firehose.DEFAULT_BUFFERING_MIB
PARTITIONED_BUFFERING_MIB: Final = firehose.DYNAMIC_PARTITIONING_BUFFERING.min_mib
# Firehose's own retry defaults: 300 s (S3 dynamic partitioning, OpenSearch), 3600 s (Redshift).
RETRY_SECONDS: Final = firehose.DEFAULT_RETRY_SECONDS
REDSHIFT_RETRY_SECONDS: Final = firehose.DEFAULT_REDSHIFT_RETRY_SECONDS

# --- the archive catalogue (Athena) ---------------------------------------------------

ATHENA_DATABASE: Final = "ses_events"
ATHENA_TABLE: Final = "events"
ATHENA_CAMPAIGN_TAG: Final = "campaign"
ATHENA_LINK_TAG: Final = "link"
ATHENA_RESULTS_RETENTION_DAYS: Final = 30
ATHENA_BYTES_SCANNED_CUTOFF: Final = 10_000_000_000  # 10 GB per query (Athena's minimum is 10 MB)

# --- time ---------------------------------------------------------------------------

# The span of time a simulation or a replay may start and end in (ses-metrics' choice): SES
# and CloudWatch timestamps count from 1970, and Python's dates end with year 9999, so the
# window leaves a year for the events that follow the last send.
EARLIEST_TIME: Final = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_TIME: Final = datetime(9999, 1, 1, tzinfo=UTC)


def check_time(moment: datetime, what: str = "the time") -> str | None:
    """Why ``moment`` is outside the window the simulator and the replay accept, or ``None``.
    A time without a zone is read as UTC."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    try:
        inside = EARLIEST_TIME <= aware < LATEST_TIME
    except OverflowError:  # an offset that moves it past year 1 or 9999
        inside = False
    if inside:
        return None
    return f"{what} {moment.isoformat()} is outside 1970-01-01T00:00:00Z .. 9998-12-31T23:59:59Z, the span ses-metrics simulates"
