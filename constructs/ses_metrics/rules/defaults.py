"""ses-metrics' own choices (not AWS facts): how its alarms evaluate."""

from __future__ import annotations

from typing import Final

from ses_metrics.rules.ses import EventType

##IMPORTS##

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


