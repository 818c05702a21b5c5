"""``ReputationAlarms``: CloudWatch alarms on SES bounce and complaint rates, set below
the levels at which AWS reviews or pauses an account, notifying an SNS topic.

The alarms are plain ``AWS::CloudWatch::Alarm`` resources so that tools can replay them
from the template: reputation alarms read one metric (``MetricName``, ``Dimensions``,
``Statistic``, ``Period``); per-dimension alarms use ``Metrics`` with metric math, whose
only functions are ``IF`` and ``FILL`` (``monitoring.rate_expression``). Each alarm's
``AlarmDescription`` says what it watches and why its threshold is where it is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions

from constructs import Construct
from ses_metrics import rules
from ses_metrics.cdk._tokens import known
from ses_metrics.cdk.configuration_set import SendingConfigurationSet
from ses_metrics.cdk.metrics import metric_account_reputation
from ses_metrics.rules import Problem, ReputationMetric

MAX_ALARM_NAME_LENGTH = 255
_TREAT_MISSING_DATA = {
    "ignore": cloudwatch.TreatMissingData.IGNORE,
    "notBreaching": cloudwatch.TreatMissingData.NOT_BREACHING,
}


class AlarmTopic(sns.Topic):
    """An SNS topic for alarm notifications, encrypted and TLS-only like every
    ses-metrics topic, with an email subscription for each of ``emails``.

    By default it creates its KMS key (rotation on); pass ``master_key`` to share one.
    Each address receives a confirmation message and gets notifications only once it
    confirms. ``ReputationAlarms`` lets CloudWatch publish to it (topic and key policy).
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, master_key: kms.IKey | None = None, emails: Sequence[str] = ()
    ) -> None:
        problems = [p.under("emails", i) for i, email in enumerate(emails) for p in rules.check_email_address(known(email))]
        rules.raise_for(problems, lambda: f"AlarmTopic {scope.node.path}/{construct_id}")
        if master_key is None:
            master_key = kms.Key(
                scope,
                f"{construct_id}Key",
                description="Encrypts the ses-metrics alarm topic; CloudWatch alarms may use it to publish",
                enable_key_rotation=True,
            )
        super().__init__(scope, construct_id, master_key=master_key, enforce_ssl=True)
        for email in emails:
            self.add_subscription(subscriptions.EmailSubscription(email))


def allow_alarms_to_publish(topic: sns.ITopic, alarm_name_prefix: str) -> None:
    """Let CloudWatch alarms of this account and Region whose names start with
    ``alarm_name_prefix`` publish to ``topic``.

    Adds a topic policy statement (``sns:Publish``) and, for a topic encrypted with a KMS
    key, a key policy statement (``kms:Decrypt``, ``kms:GenerateDataKey*``), both for
    ``cloudwatch.amazonaws.com`` with ``aws:SourceAccount`` and ``aws:SourceArn`` (the
    alarms) conditions. Added once per topic and prefix. For a topic or key imported from
    elsewhere the policies are not managed here: a warning says what they must allow.
    """
    marker = f"AlarmsMayPublish{hashlib.sha256(alarm_name_prefix.encode()).hexdigest()[:8]}"
    if topic.node.try_find_child(marker) is not None:
        return
    Construct(topic, marker)  # remembers the grant in the construct tree
    stack = cdk.Stack.of(topic)
    alarms = stack.format_arn(
        service="cloudwatch", resource="alarm", resource_name=f"{alarm_name_prefix}*", arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME
    )
    conditions = {"StringEquals": {"aws:SourceAccount": stack.account}, "ArnLike": {"aws:SourceArn": alarms}}
    principal = iam.ServicePrincipal("cloudwatch.amazonaws.com")
    publish = topic.add_to_resource_policy(
        iam.PolicyStatement(sid=marker, principals=[principal], actions=["sns:Publish"], resources=[topic.topic_arn], conditions=conditions)
    )
    key_added = True
    if topic.master_key is not None:
        key_added = topic.master_key.add_to_resource_policy(
            iam.PolicyStatement(
                sid=marker,
                principals=[principal],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],  # in a key policy, "*" is this key
                conditions=conditions,
            )
        ).statement_added
    if not (publish.statement_added and key_added):
        cdk.Annotations.of(topic).add_warning_v2(
            "ses-metrics:alarm-topic-policy",
            f"the policies of {topic.node.path} are not managed here: they must let cloudwatch.amazonaws.com "
            "sns:Publish (and, if encrypted, kms:Decrypt and kms:GenerateDataKey* on its key), or alarms notify no one",
        )


class ReputationAlarms(Construct):
    """Alarms on SES bounce and complaint rates for a configuration set or the account.

    For each of bounce and complaint rate:

    - one alarm on SES's own reputation metric (``Reputation.BounceRate`` /
      ``Reputation.ComplaintRate``): of ``configuration_set`` (which needs reputation
      metrics on), or of the whole account when ``configuration_set`` is omitted; hourly
      average, 1 of 1 datapoints, missing data keeps the state (``ignore``, as AWS's
      guide recommends);
    - one alarm per entry of ``dimension_alarms`` (a value for each dimension of one of
      the set's CloudWatch destinations, e.g. one campaign): events per send from that
      destination's metrics, hourly, 0 below ``minimum_sends`` sends (default 100),
      missing data not breaching (nothing sent). Every combination must be named:
      CloudWatch alarms cannot evaluate SEARCH.

    Thresholds are in percent: ``bounce_rate_percent`` (default 2.5) and
    ``complaint_rate_percent`` (default 0.05), half the 5% / 0.1% at which AWS reviews an
    account (see ``rules.REPUTATION_ALARMS`` for the rationale, repeated in each alarm's
    description). A threshold at or above AWS's pause level is an error, at or above its
    review level a warning. Alarms fire at or above the threshold and notify ``topic``
    on entering ALARM and on returning to OK; by default an ``AlarmTopic`` is created
    (encrypted, no subscription: subscribe to ``topic``). Alarm names start with
    ``alarm_name_prefix`` (default ``<stack name>-``), which scopes the topic and key
    policies to these alarms.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        configuration_set: SendingConfigurationSet | None = None,
        bounce_rate_percent: float = rules.REPUTATION_ALARMS[ReputationMetric.BOUNCE_RATE].percent,
        complaint_rate_percent: float = rules.REPUTATION_ALARMS[ReputationMetric.COMPLAINT_RATE].percent,
        dimension_alarms: Sequence[Mapping[str, str]] = (),
        minimum_sends: int = rules.DIMENSION_ALARM_MINIMUM_SENDS,
        topic: sns.ITopic | None = None,
        alarm_name_prefix: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        thresholds = {ReputationMetric.BOUNCE_RATE: bounce_rate_percent, ReputationMetric.COMPLAINT_RATE: complaint_rate_percent}
        prefix = alarm_name_prefix if alarm_name_prefix is not None else f"{cdk.Stack.of(self).stack_name}-"
        subject = configuration_set.name_in_metrics if configuration_set is not None else "account"
        names = {
            (metric, index): f"{prefix}{subject}-{_slug(metric)}" + ("" if index is None else f"-{'-'.join(dimension_alarms[index].values())}")
            for metric in thresholds
            for index in (None, *range(len(dimension_alarms)))
        }
        problems = self._check(configuration_set, thresholds, dimension_alarms, minimum_sends, names.values())
        rules.raise_for(problems, lambda: f"ReputationAlarms {self.node.path}")
        for warning in problems:
            cdk.Annotations.of(self).add_warning_v2(f"ses-metrics:alarms:{warning.location}", str(warning))

        self.configuration_set = configuration_set
        self.thresholds = thresholds
        self.topic: sns.ITopic = topic if topic is not None else AlarmTopic(self, "Topic")
        self.alarms: list[cloudwatch.Alarm] = []
        for metric, percent in thresholds.items():
            if configuration_set is not None:
                watched = configuration_set.metric_reputation(metric)
                scope_text = f"configuration set {subject}"
            else:
                watched = metric_account_reputation(metric)
                scope_text = "the account"
            self._alarm(
                metric.metric_name.removeprefix("Reputation."),
                names[metric, None],
                watched,
                percent,
                rules.REPUTATION_ALARM_TREAT_MISSING_DATA,
                f"SES {metric.metric_name} of {scope_text} (hourly average) at or above {percent:g}%. "
                + _why(metric, percent)
                + " Missing data keeps the alarm state: SES publishes no rate while nothing is sent.",
            )
        for index, dimensions in enumerate(dimension_alarms):
            assert configuration_set is not None  # checked above
            values = ",".join(f"{name}={value}" for name, value in dimensions.items())
            for metric, percent in thresholds.items():
                self._alarm(
                    f"{metric.metric_name.removeprefix('Reputation.')}[{values.replace('/', '_')}]",
                    names[metric, index],
                    configuration_set.metric_rate(metric.event, dimensions=dimensions, minimum_sends=minimum_sends),
                    percent,
                    rules.DIMENSION_ALARM_TREAT_MISSING_DATA,
                    f"SES {metric.label} of configuration set {subject} for {values}: {metric.event.metric_name} per "
                    f"{rules.EventType.SEND.metric_name} per hour from event metrics (0 below {minimum_sends} sends), at or "
                    f"above {percent:g}%. " + _why(metric, percent) + " Missing data is not breaching: nothing was sent.",
                )
        allow_alarms_to_publish(self.topic, prefix)

    def _alarm(
        self, construct_id: str, name: str, metric: cloudwatch.IMetric, percent: float, missing: str, description: str
    ) -> None:
        alarm = cloudwatch.Alarm(
            self,
            construct_id,
            alarm_name=name,
            alarm_description=description,
            metric=metric,
            threshold=rules.percent_to_fraction(percent),
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=rules.ALARM_EVALUATION_PERIODS,
            datapoints_to_alarm=rules.ALARM_EVALUATION_PERIODS,
            treat_missing_data=_TREAT_MISSING_DATA[missing],
        )
        action = cloudwatch_actions.SnsAction(self.topic)
        alarm.add_alarm_action(action)
        alarm.add_ok_action(action)
        self.alarms.append(alarm)

    @staticmethod
    def _check(
        configuration_set: SendingConfigurationSet | None,
        thresholds: Mapping[ReputationMetric, float],
        dimension_alarms: Sequence[Mapping[str, str]],
        minimum_sends: int,
        alarm_names: Iterable[str],
    ) -> list[Problem]:
        problems: list[Problem] = [
            Problem(("alarm_name_prefix",), f"alarm name {name!r} is {len(name)} characters long; CloudWatch allows {MAX_ALARM_NAME_LENGTH}")
            for name in alarm_names
            if known(name) is not rules.UNRESOLVED and len(name) > MAX_ALARM_NAME_LENGTH
        ][:1]
        for metric, percent in thresholds.items():
            problems += rules.under(rules.check_alarm_threshold(metric, known(percent), rules.REPUTATION_ALARMS[metric].percent), f"{metric.name.lower()}_percent")
        problems += rules.under(rules.check_minimum_sends(minimum_sends), "minimum_sends")
        if configuration_set is None:
            if dimension_alarms:
                problems.append(Problem(("dimension_alarms",), "per-dimension alarms need the configuration_set whose metrics they watch"))
            return problems
        if not configuration_set.reputation_metrics_enabled:
            problems.append(
                Problem(
                    ("configuration_set",),
                    f"reputation metrics are off for {configuration_set.node.path}, so SES never publishes its "
                    "Reputation.BounceRate or Reputation.ComplaintRate and the alarms could never fire; "
                    "create the set with reputation_metrics=True",
                )
            )
        destinations = list(configuration_set.cloudwatch_destinations.values())
        for index, dimensions in enumerate(dimension_alarms):
            _, found = rules.check_metric_dimensions(
                destinations,
                rules.DIMENSION_ALARM_EVENTS,
                {known(k): known(v) for k, v in dimensions.items()},
                configuration_set_name=configuration_set.name_in_metrics,
            )
            problems += rules.under(found, "dimension_alarms", index)
        return problems


def _slug(metric: ReputationMetric) -> str:
    return metric.label.replace(" ", "-")


def _why(metric: ReputationMetric, percent: float) -> str:
    chosen = rules.REPUTATION_ALARMS[metric]
    default = "the ses-metrics default" if percent == chosen.percent else f"ses-metrics' default is {chosen.percent:g}%"
    return f"Threshold {percent:g}% ({default}: {chosen.rationale})"
