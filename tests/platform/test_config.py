"""The ses-metrics.yaml loader: every error named by its YAML path, all at once."""

import json
import textwrap

import pytest
from conftest import EXAMPLE_CONFIG, FIXTURES

from ses_metrics.platform.config import ConfigError, PlatformConfig, check_config, json_schema, load_config
from ses_metrics.rules import DestinationKind, DimensionSource, EventType

BASE = """
configuration_sets:
  - name: marketing
    destinations:
{destinations}
streams:
  - name: events-archive
topics:
  - name: alerts
"""


def write(tmp_path, text, name="ses-metrics.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def with_destinations(tmp_path, destinations):
    """A config whose only set has these destinations (YAML, indented 6 spaces)."""
    body = textwrap.indent(textwrap.dedent(destinations).strip("\n"), "      ")
    return write(tmp_path, BASE.format(destinations=body))


def load(tmp_path, destinations):
    return load_config(with_destinations(tmp_path, destinations))


# --- the example and accepted edges -------------------------------------------------


def test_example_config_loads():
    config = load_config(EXAMPLE_CONFIG)
    assert [cs.name for cs in config.configuration_sets] == ["marketing", "transactional"]
    metrics = config.configuration_sets[0].destinations[0]
    assert metrics.kind is DestinationKind.CLOUDWATCH
    assert metrics.cloudwatch.dimensions[1].name == "ses:from-domain"
    assert metrics.events == [EventType.SEND, EventType.DELIVERY, EventType.BOUNCE, EventType.COMPLAINT, EventType.OPEN, EventType.CLICK]


def test_defaults_apply(tmp_path):
    config = load(tmp_path, "- {name: bus, eventbridge: {}}")
    cs = config.configuration_sets[0]
    assert (cs.sending_enabled, cs.reputation_metrics) == (True, True)
    assert cs.destinations[0].events == list(EventType)
    assert cs.destinations[0].enabled is True
    assert config.stack_name == "SesMetrics"


def test_accepts_ten_destinations_and_ten_dimensions(tmp_path):
    dims = ", ".join(f"{{name: t{i}, source: message_tag, default: none}}" for i in range(10))
    destinations = "\n".join(f"- {{name: d{i}, cloudwatch: {{dimensions: [{dims}]}}}}" for i in range(10))
    config = load(tmp_path, destinations)
    assert len(config.configuration_sets[0].destinations) == 10
    assert len(config.configuration_sets[0].destinations[0].cloudwatch.dimensions) == 10


def test_accepts_auto_tag_dimension_and_events_all_and_sesv2_names(tmp_path):
    config = load(
        tmp_path,
        """
        - name: metrics
          events: all
          cloudwatch: {dimensions: [{name: "ses:configuration-set", source: MESSAGE_TAG, default: none}]}
        - name: bus
          events: [RENDERING_FAILURE, deliveryDelay]
          eventbridge: {}
        """,
    )
    metrics, bus = config.configuration_sets[0].destinations
    assert metrics.events == list(EventType)
    assert metrics.cloudwatch.dimensions[0].source is DimensionSource.MESSAGE_TAG
    assert bus.events == [EventType.RENDERING_FAILURE, EventType.DELIVERY_DELAY]


def test_accepts_json(tmp_path):
    document = {"configuration_sets": [{"name": "a", "destinations": [{"name": "bus", "eventbridge": {}}]}]}
    config = load_config(write(tmp_path, json.dumps(document), "config.json"))
    assert config.configuration_sets[0].destinations[0].kind is DestinationKind.EVENTBRIDGE


# --- one test per rule, each naming the YAML path -----------------------------------


def test_rejects_bad_configuration_set_name(tmp_path):
    path = write(tmp_path, "configuration_sets:\n  - name: market ing\n")
    with pytest.raises(ConfigError, match=r"configuration_sets\[0\]\.name \(line 2\): configuration set name 'market ing' contains ' '"):
        load_config(path)


def test_rejects_duplicate_configuration_set_names(tmp_path):
    path = write(tmp_path, "configuration_sets:\n  - name: a\n  - name: a\n")
    with pytest.raises(ConfigError, match=r"configuration_sets\[1\]\.name \(line 3\): configuration set name 'a' is already used at \[0\]"):
        load_config(path)


def test_rejects_bad_event_destination_name(tmp_path):
    with pytest.raises(ConfigError, match=r"destinations\[0\]\.name \(line 5\): event destination name 'a/b' contains '/'"):
        load(tmp_path, "- {name: a/b, eventbridge: {}}")


def test_rejects_duplicate_event_destination_names(tmp_path):
    with pytest.raises(ConfigError, match=r"destinations\[1\]\.name \(line 6\): event destination name 'bus' is already used at \[0\]"):
        load(tmp_path, "- {name: bus, eventbridge: {}}\n- {name: bus, eventbridge: {}}")


def test_rejects_eleven_event_destinations(tmp_path):
    destinations = "\n".join(f"- {{name: d{i}, eventbridge: {{}}}}" for i in range(11))
    with pytest.raises(ConfigError, match=r"configuration_sets\[0\]\.destinations \(line 5\): 11 event destinations; SES allows at most 10"):
        load(tmp_path, destinations)


def test_rejects_two_targets_in_one_destination(tmp_path):
    with pytest.raises(ConfigError, match=r"destinations\[0\] \(line 5\): an event destination takes exactly one target, got 2 \(firehose, sns\)"):
        load(tmp_path, "- {name: both, firehose: {stream: events-archive}, sns: {topic: alerts}}")


def test_rejects_destination_without_target(tmp_path):
    with pytest.raises(ConfigError, match=r"destinations\[0\] \(line 5\): an event destination needs one target: one of cloudwatch, firehose, sns, eventbridge"):
        load(tmp_path, "- {name: nothing}")


def test_rejects_unknown_event_type(tmp_path):
    with pytest.raises(ConfigError, match=r"destinations\[0\]\.events\[1\] \(line 5\): unknown event type 'opened'"):
        load(tmp_path, "- {name: bus, events: [send, opened], eventbridge: {}}")


def test_rejects_events_that_are_neither_all_nor_a_list(tmp_path):
    with pytest.raises(ConfigError, match=r"destinations\[0\]\.events \(line 5\): events must be 'all' or a list of event types; got 'send'"):
        load(tmp_path, "- {name: bus, events: send, eventbridge: {}}")


def test_rejects_more_than_ten_dimensions(tmp_path):
    dims = ", ".join(f"{{name: t{i}, source: message_tag, default: none}}" for i in range(11))
    with pytest.raises(ConfigError, match=r"cloudwatch\.dimensions \(line 5\): 11 dimensions; SES allows at most 10"):
        load(tmp_path, f"- {{name: m, cloudwatch: {{dimensions: [{dims}]}}}}")


def test_rejects_bad_dimension_name(tmp_path):
    with pytest.raises(ConfigError, match=r"dimensions\[0\]\.name \(line 7\): dimension name 'camp aign' contains ' '"):
        load(tmp_path, "- name: m\n  cloudwatch:\n    dimensions: [{name: camp aign, source: message_tag, default: none}]")


def test_rejects_unknown_dimension_source(tmp_path):
    with pytest.raises(ConfigError, match=r"dimensions\[0\]\.source \(line 7\): unknown dimension source 'tag'; use one of message_tag, email_header, link_tag"):
        load(tmp_path, "- name: m\n  cloudwatch:\n    dimensions: [{name: campaign, source: tag, default: none}]")


def test_rejects_default_value_cloudformation_refuses_and_says_why(tmp_path):
    path = with_destinations(
        tmp_path,
        """
        - name: m
          cloudwatch:
            dimensions:
              - {name: campaign, source: message_tag, default: none}
              - {name: X-Team, source: email_header, default: ops@example.com}
        """,
    )
    with pytest.raises(
        ConfigError,
        match=r"configuration_sets\[0\]\.destinations\[0\]\.cloudwatch\.dimensions\[1\]\.default \(line 9\): "
        r"default value 'ops@example\.com' contains '@' or '\.': the SES guide allows them, but CloudFormation",
    ):
        load_config(path)


def test_rejects_header_ses_refuses_as_dimension(tmp_path):
    with pytest.raises(ConfigError, match=r"dimensions\[0\]\.name \(line 7\): SES cannot use the 'Return-Path' header as a dimension"):
        load(tmp_path, "- name: m\n  cloudwatch:\n    dimensions: [{name: Return-Path, source: email_header, default: none}]")


def test_rejects_duplicate_dimension_names(tmp_path):
    dims = "[{name: a, source: message_tag, default: x}, {name: a, source: email_header, default: x}]"
    with pytest.raises(ConfigError, match=r"dimensions\[1\]\.name \(line 5\): dimension name 'a' is already used at \[0\]"):
        load(tmp_path, f"- {{name: m, cloudwatch: {{dimensions: {dims}}}}}")


def test_warns_about_link_tag_dimension_without_click(tmp_path):
    checked = check_config(
        with_destinations(tmp_path, "- {name: m, events: [send], cloudwatch: {dimensions: [{name: cta, source: link_tag, default: none}]}}")
    )
    assert checked.config is not None
    assert [(w.location, "only Click events carry link tags" in w.message) for w in checked.warnings][:1] == [
        ("configuration_sets[0].destinations[0].cloudwatch.dimensions[0].source", True)
    ]


def test_rejects_fifo_topic_by_name(tmp_path):
    path = write(tmp_path, "configuration_sets:\n  - name: a\ntopics:\n  - name: alerts.fifo\n")
    with pytest.raises(ConfigError, match=r"topics\[0\]\.name \(line 4\): SNS topic 'alerts\.fifo' is a FIFO topic"):
        load_config(path)


def test_rejects_fifo_topic_by_flag(tmp_path):
    path = write(tmp_path, "configuration_sets:\n  - name: a\ntopics:\n  - {name: alerts, fifo: true}\n")
    with pytest.raises(ConfigError, match=r"topics\[0\]\.fifo \(line 4\): SNS topic 'alerts' is a FIFO topic"):
        load_config(path)


def test_rejects_fifo_topic_arn(tmp_path):
    with pytest.raises(ConfigError, match=r"sns\.topic_arn \(line 5\): SNS topic .*alerts\.fifo' is a FIFO topic"):
        load(tmp_path, "- {name: a, sns: {topic_arn: 'arn:aws:sns:eu-west-1:111122223333:alerts.fifo'}}")


def test_rejects_a_bus_other_than_the_default(tmp_path):
    with pytest.raises(ConfigError, match=r"eventbridge\.event_bus \(line 5\): event bus 'orders' is not the default bus"):
        load(tmp_path, "- {name: bus, eventbridge: {event_bus: orders}}")


def test_rejects_reference_to_undeclared_stream(tmp_path):
    with pytest.raises(ConfigError, match=r"firehose\.stream \(line 5\): 'archive' is not declared under streams: \(declared: events-archive\)"):
        load(tmp_path, "- {name: a, firehose: {stream: archive}}")


def test_rejects_reference_to_undeclared_topic(tmp_path):
    with pytest.raises(ConfigError, match=r"sns\.topic \(line 5\): 'alert' is not declared under topics: \(declared: alerts\)"):
        load(tmp_path, "- {name: a, sns: {topic: alert}}")


def test_rejects_firehose_with_both_stream_and_arn(tmp_path):
    with pytest.raises(ConfigError, match=r"destinations\[0\]\.firehose \(line 5\): give exactly one of stream .* or stream_arn"):
        load(tmp_path, "- {name: a, firehose: {stream: events-archive, stream_arn: 'arn:aws:firehose:eu-west-1:1:deliverystream/x'}}")


def test_rejects_bad_stream_name(tmp_path):
    path = write(tmp_path, "configuration_sets:\n  - name: a\nstreams:\n  - name: events archive\n")
    with pytest.raises(ConfigError, match=r"streams\[0\]\.name \(line 4\): delivery stream name 'events archive' contains ' '"):
        load_config(path)


def test_rejects_max_delivery_seconds_out_of_range(tmp_path):
    path = write(tmp_path, "configuration_sets:\n  - name: a\n    max_delivery_seconds: 60\n")
    with pytest.raises(ConfigError, match=r"max_delivery_seconds \(line 3\): maximum delivery duration 60 s is out of range"):
        load_config(path)


# --- the file itself ----------------------------------------------------------------


def test_rejects_unknown_keys_listing_the_allowed_ones(tmp_path):
    with pytest.raises(ConfigError, match=r"destinations\[0\]\.cloudwach \(line 5\): unknown key 'cloudwach'; allowed keys here: name, events, enabled, cloudwatch, firehose, sns, eventbridge"):
        load(tmp_path, "- {name: a, cloudwach: {}}")


def test_rejects_missing_required_keys(tmp_path):
    with pytest.raises(ConfigError, match=r"dimensions\[0\]\.default \(line 5\): required key 'default' is missing"):
        load(tmp_path, "- {name: m, cloudwatch: {dimensions: [{name: campaign, source: message_tag}]}}")


def test_rejects_wrong_types_showing_the_value(tmp_path):
    path = write(tmp_path, "configuration_sets:\n  - name: a\n    sending_enabled: maybe\n")
    with pytest.raises(ConfigError, match=r"sending_enabled \(line 3\): Input should be a valid boolean; got 'maybe'"):
        load_config(path)


def test_rejects_keys_given_twice(tmp_path):
    path = write(tmp_path, "configuration_sets:\n  - name: a\n    name: b\n")
    with pytest.raises(ConfigError, match=r"configuration_sets\[0\]\.name \(line 3\): key 'name' is given twice \(lines 2 and 3\)"):
        load_config(path)


def test_reports_yaml_syntax_errors_with_line_and_column(tmp_path):
    path = write(tmp_path, "configuration_sets:\n  - name: [a\n")
    with pytest.raises(ConfigError, match=r"not valid YAML \(line 3, column 1\)"):
        load_config(path)


def test_reports_missing_file(tmp_path):
    with pytest.raises(ConfigError, match=r"nope\.yaml: 1 problem:\n  - \(top level\): file not found"):
        load_config(tmp_path / "nope.yaml")


def test_rejects_a_document_that_is_not_a_mapping(tmp_path):
    with pytest.raises(ConfigError, match=r"the file must hold a mapping with configuration_sets:, not list"):
        load_config(write(tmp_path, "- a\n- b\n"))


def test_requires_at_least_one_configuration_set(tmp_path):
    with pytest.raises(ConfigError, match=r"configuration_sets \(line 1\): List should have at least 1 item"):
        load_config(write(tmp_path, "configuration_sets: []\n"))


def test_reports_every_error_at_once_in_document_order(tmp_path):
    path = with_destinations(
        tmp_path,
        """
        - name: metrics
          events: [send, bogus]
          cloudwatch:
            dimensions:
              - {name: campaign, source: message_tag, default: "n/a"}
        - name: metrics
          firehose: {stream: nowhere}
        """,
    )
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert [p.location for p in raised.value.problems] == [
        "configuration_sets[0].destinations[0].events[1]",
        "configuration_sets[0].destinations[0].cloudwatch.dimensions[0].default",
        "configuration_sets[0].destinations[1].name",
        "configuration_sets[0].destinations[1].firehose.stream",
    ]


def test_warns_about_unused_streams_and_topics(tmp_path):
    checked = check_config(with_destinations(tmp_path, "- {name: bus, eventbridge: {}}"))
    assert [w.message for w in checked.warnings] == [
        "'events-archive' is not used by any event destination",
        "'alerts' is not used by any event destination",
    ]


# --- JSON Schema --------------------------------------------------------------------


def test_json_schema_describes_the_file_for_editors():
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(schema["properties"]) == set(PlatformConfig.model_fields)
    destination = schema["$defs"]["DestinationConfig"]
    assert destination["additionalProperties"] is False
    assert {"const": "all"} in destination["properties"]["events"]["anyOf"]
    dimension = schema["$defs"]["DimensionConfig"]["properties"]
    assert dimension["default"]["pattern"] == "^[A-Za-z0-9_-]{1,256}$"
    assert dimension["source"]["enum"] == ["message_tag", "email_header", "link_tag"]


# --- monitoring ---------------------------------------------------------------------

CAMPAIGNS = """
configuration_sets:
  - name: marketing
{own}    destinations:
      - name: metrics
        events: [send, bounce{complaint}]
        cloudwatch:
          dimensions:
            - {{name: campaign, source: message_tag, default: none}}
            - {{name: "ses:from-domain", source: message_tag, default: none}}
topics:
  - name: alerts
"""


def monitored(tmp_path, top="", own="", complaint=True):
    """A set with a CloudWatch destination (campaign, ses:from-domain); ``top`` and ``own``
    are YAML lines for the top-level and the set's monitoring: blocks."""
    text = CAMPAIGNS.format(own=textwrap.indent(textwrap.dedent(own), "    "), complaint=", complaint" if complaint else "")
    return write(tmp_path, textwrap.dedent(top) + text)


def test_example_config_monitors_every_set():
    config = load_config(EXAMPLE_CONFIG)
    marketing, transactional = (config.monitoring_for(cs) for cs in config.configuration_sets)
    assert (marketing.alarms, marketing.bounce_rate_percent, marketing.complaint_rate_percent, marketing.dashboard) == (True, 2.5, 0.05, True)
    assert marketing.notification.email == "ops@example.com"
    assert marketing.dimension_alarms == ({"campaign": "spring-sale", "ses:from-domain": "example.com"},)
    assert (transactional.notification.topic, transactional.dimension_alarms) == ("deliverability-alerts", ())
    assert config.monitoring.account_alarms is True


def test_no_monitoring_unless_given():
    config = load_config(FIXTURES / "minimal.yaml")
    assert config.monitoring_for(config.configuration_sets[0]) is None


def test_monitoring_defaults_to_alarms_at_half_the_review_levels_and_a_dashboard(tmp_path):
    config = load_config(monitored(tmp_path, top="monitoring: {}\n"))
    resolved = config.monitoring_for(config.configuration_sets[0])
    assert (resolved.alarms, resolved.bounce_rate_percent, resolved.complaint_rate_percent, resolved.minimum_sends) == (True, 2.5, 0.05, 100)
    assert (resolved.notification, resolved.dashboard, resolved.dimension_alarms) == (None, True, ())


def test_a_sets_monitoring_keys_override_the_top_level_ones_one_by_one(tmp_path):
    config = load_config(
        monitored(
            tmp_path,
            top="monitoring: {alarms: {bounce_rate_percent: 2, minimum_sends: 500}, notification: {topic: alerts}}\n",
            own="monitoring: {alarms: {complaint_rate_percent: 0.02}, dashboard: false}\n",
        )
    )
    resolved = config.monitoring_for(config.configuration_sets[0])
    assert (resolved.bounce_rate_percent, resolved.complaint_rate_percent, resolved.minimum_sends) == (2, 0.02, 500)
    assert (resolved.notification.topic, resolved.dashboard) == ("alerts", False)


def test_a_topic_used_only_for_notifications_is_not_unused(tmp_path):
    checked = check_config(monitored(tmp_path, top="monitoring: {notification: {topic: alerts}}\n"))
    assert checked.warnings == []


def test_warns_when_alarms_notify_no_one(tmp_path):
    checked = check_config(monitored(tmp_path, top="monitoring: {dashboard: true}\n"))
    assert checked.config is not None
    assert [(w.location, w.message) for w in checked.warnings if "notify" in w.message] == [
        ("monitoring", "alarms notify no one: add notification: {email: ...} or {topic: ...}")
    ]


def test_warns_about_a_threshold_at_or_above_the_review_level(tmp_path):
    checked = check_config(monitored(tmp_path, top="monitoring: {alarms: {bounce_rate_percent: 5}, notification: {topic: alerts}}\n"))
    assert checked.config is not None
    [warning] = checked.warnings
    assert warning.location == "monitoring.alarms.bounce_rate_percent"
    assert "at or above the 5% at which AWS places the account under review" in warning.message


def test_rejects_a_threshold_at_or_above_the_pause_level(tmp_path):
    with pytest.raises(ConfigError, match=r"monitoring\.alarms\.bounce_rate_percent \(line 1\): bounce rate alarm threshold 12% is at or above the 10% at which AWS may pause"):
        load_config(monitored(tmp_path, top="monitoring: {alarms: {bounce_rate_percent: 12}}\n"))


def test_rejects_a_threshold_of_zero(tmp_path):
    with pytest.raises(ConfigError, match=r"monitoring\.alarms\.complaint_rate_percent \(line 5\): complaint rate alarm threshold 0% must be above 0%"):
        load_config(monitored(tmp_path, own="monitoring:\n  alarms: {complaint_rate_percent: 0}\n"))


def test_rejects_a_threshold_that_is_not_a_number(tmp_path):
    with pytest.raises(ConfigError, match=r"monitoring\.alarms\.bounce_rate_percent \(line 1\): Input should be a valid number; got '2%'"):
        load_config(monitored(tmp_path, top="monitoring: {alarms: {bounce_rate_percent: 2%}}\n"))


def test_rejects_minimum_sends_below_one(tmp_path):
    with pytest.raises(ConfigError, match=r"monitoring\.alarms\.minimum_sends \(line 1\): minimum sends must be a whole number of at least 1; got 0"):
        load_config(monitored(tmp_path, top="monitoring: {alarms: {minimum_sends: 0}}\n"))


def test_rejects_a_notification_with_both_topic_and_email(tmp_path):
    with pytest.raises(ConfigError, match=r"monitoring\.notification \(line 1\): give exactly one of topic \(a name under topics:\) or email"):
        load_config(monitored(tmp_path, top="monitoring: {notification: {topic: alerts, email: ops@example.com}}\n"))


def test_rejects_a_notification_topic_not_declared(tmp_path):
    with pytest.raises(ConfigError, match=r"monitoring\.notification\.topic \(line 1\): 'alert' is not declared under topics: \(declared: alerts\)"):
        load_config(monitored(tmp_path, top="monitoring: {notification: {topic: alert}}\n"))


def test_rejects_a_notification_email_that_is_not_an_address(tmp_path):
    with pytest.raises(ConfigError, match=r"configuration_sets\[0\]\.monitoring\.notification\.email \(line 5\): 'ops' is not an email address"):
        load_config(monitored(tmp_path, own="monitoring:\n  notification: {email: ops}\n"))


def test_rejects_alarms_on_a_set_without_reputation_metrics(tmp_path):
    with pytest.raises(ConfigError, match=r"configuration_sets\[0\]\.reputation_metrics \(line 5\): reputation metrics are off, but monitoring alarms are on"):
        load_config(monitored(tmp_path, top="monitoring: {}\n", own="reputation_metrics: false\n"))


def test_accepts_a_set_without_reputation_metrics_when_its_alarms_are_off(tmp_path):
    config = load_config(monitored(tmp_path, top="monitoring: {}\n", own="reputation_metrics: false\nmonitoring: {alarms: {enabled: false}}\n"))
    assert config.monitoring_for(config.configuration_sets[0]).alarms is False


def test_rejects_a_dimension_alarm_on_a_dimension_the_set_does_not_publish(tmp_path):
    with pytest.raises(ConfigError, match=r"alarms\.dimensions\[0\]\.campain \(line 7\): unknown dimension 'campain'"):
        load_config(monitored(tmp_path, own="monitoring:\n  alarms:\n    dimensions:\n      - {campain: spring}\n"))


def test_rejects_a_dimension_alarm_missing_a_dimension(tmp_path):
    with pytest.raises(ConfigError, match=r"alarms\.dimensions\[0\] \(line 7\): missing dimension\(s\) ses:from-domain: destination metrics"):
        load_config(monitored(tmp_path, own="monitoring:\n  alarms:\n    dimensions:\n      - {campaign: spring}\n"))


def test_rejects_a_dimension_alarm_on_a_destination_without_complaint_events(tmp_path):
    path = monitored(tmp_path, own='monitoring:\n  alarms:\n    dimensions:\n      - {campaign: spring, "ses:from-domain": x}\n', complaint=False)
    with pytest.raises(ConfigError, match=r"alarms\.dimensions\[0\] \(line 7\): destination metrics does not match complaint events"):
        load_config(path)


def test_rejects_dimension_alarms_at_the_top_level(tmp_path):
    with pytest.raises(ConfigError, match=r"monitoring\.alarms\.dimensions \(line 1\): unknown key 'dimensions'; allowed keys here: enabled, bounce_rate_percent, complaint_rate_percent, minimum_sends"):
        load_config(monitored(tmp_path, top="monitoring: {alarms: {dimensions: []}}\n"))


def test_rejects_account_alarms_on_a_set(tmp_path):
    with pytest.raises(ConfigError, match=r"monitoring\.account_alarms \(line 5\): unknown key 'account_alarms'; allowed keys here: alarms, notification, dashboard"):
        load_config(monitored(tmp_path, own="monitoring:\n  account_alarms: false\n"))


def test_json_schema_describes_monitoring():
    schema = json_schema()
    alarms = schema["$defs"]["AlarmsConfig"]["properties"]
    assert alarms["bounce_rate_percent"]["default"] == 2.5
    assert (alarms["bounce_rate_percent"]["exclusiveMinimum"], alarms["bounce_rate_percent"]["exclusiveMaximum"]) == (0, 10)
    assert alarms["complaint_rate_percent"]["exclusiveMaximum"] == 0.5
    assert schema["$defs"]["SetMonitoringConfig"]["additionalProperties"] is False
    assert "dimensions" in schema["$defs"]["SetAlarmsConfig"]["properties"]


# --- streams: s3, redshift, opensearch ----------------------------------------------

SECRET = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:loader-AbCdEf"
JDBC = "jdbc:redshift://c.abc.eu-west-1.redshift.amazonaws.com:5439/dev"


def with_stream(tmp_path, stream, events="all"):
    """A config whose one destination publishes `events` to the stream `s` given as YAML."""
    text = (
        "configuration_sets:\n  - name: a\n    destinations:\n"
        f"      - {{name: d, events: {events}, firehose: {{stream: s}}}}\n"
        "streams:\n  - name: s\n" + textwrap.indent(textwrap.dedent(stream).strip("\n"), "    ") + "\n"
    )
    return write(tmp_path, text)


def test_example_config_has_one_stream_of_each_kind():
    from ses_metrics.platform.config import StreamKind

    config = load_config(EXAMPLE_CONFIG)
    assert [s.kind for s in config.streams] == [StreamKind.S3, StreamKind.REDSHIFT, StreamKind.OPENSEARCH]
    assert config.stream("events-warehouse").redshift.message_tags == ["campaign"]


def test_a_stream_without_a_kind_is_an_s3_archive_with_defaults(tmp_path):
    config = load_config(with_stream(tmp_path, ""))
    assert config.streams[0].archive.prefix == "ses-events/"


def test_rejects_a_stream_with_two_kinds(tmp_path):
    with pytest.raises(ConfigError, match=r"streams\[0\] \(line 6\): a stream takes exactly one of s3, redshift or opensearch, got 2 \(s3, opensearch\)"):
        load_config(with_stream(tmp_path, "s3: {}\nopensearch: {domain_arn: 'arn:aws:es:eu-west-1:1:domain/x', index: x}"))


def test_rejects_an_upper_case_opensearch_index(tmp_path):
    with pytest.raises(ConfigError, match=r"streams\[0\]\.opensearch\.index \(line 9\): index name 'SES' has upper-case letters"):
        load_config(with_stream(tmp_path, "opensearch:\n  domain_arn: arn:aws:es:eu-west-1:1:domain/x\n  index: SES"))


def test_rejects_an_unknown_index_rotation(tmp_path):
    with pytest.raises(ConfigError, match=r"streams\[0\]\.opensearch\.index_rotation \(line 7\): Input should be 'NoRotation', 'OneHour'"):
        load_config(with_stream(tmp_path, "opensearch: {domain_arn: 'arn:aws:es:eu-west-1:1:domain/x', index: ses, index_rotation: Daily}"))


def test_rejects_opensearch_without_a_domain(tmp_path):
    with pytest.raises(ConfigError, match=r"streams\[0\]\.opensearch \(line 7\): give either domain_arn \(an existing domain\) or new_domain"):
        load_config(with_stream(tmp_path, "opensearch: {index: ses}"))


def test_rejects_redshift_without_a_secret(tmp_path):
    with pytest.raises(ConfigError, match=r"streams\[0\]\.redshift\.secret_arn \(line 7\): required key 'secret_arn' is missing"):
        load_config(with_stream(tmp_path, f"redshift: {{jdbc_url: '{JDBC}'}}"))


def test_rejects_redshift_with_a_plaintext_password(tmp_path):
    with pytest.raises(ConfigError, match=r"streams\[0\]\.redshift\.password \(line 7\): unknown key 'password'"):
        load_config(with_stream(tmp_path, f"redshift: {{jdbc_url: '{JDBC}', secret_arn: '{SECRET}', password: hunter2}}"))


def test_rejects_redshift_without_jdbc_url_or_endpoint(tmp_path):
    with pytest.raises(ConfigError, match=r"streams\[0\]\.redshift \(line 7\): give either jdbc_url or endpoint"):
        load_config(with_stream(tmp_path, f"redshift: {{secret_arn: '{SECRET}'}}"))


def test_rejects_a_redshift_column_no_received_event_carries(tmp_path):
    with pytest.raises(ConfigError, match=r"streams\[0\]\.redshift\.columns\[1\] \(line 7\): column 'click_link' .* which this stream does not receive"):
        load_config(
            with_stream(tmp_path, f"redshift: {{jdbc_url: '{JDBC}', secret_arn: '{SECRET}', columns: [message_id, click_link]}}", "[send, bounce]")
        )


def test_rejects_an_unknown_redshift_column(tmp_path):
    with pytest.raises(ConfigError, match=r"streams\[0\]\.redshift\.columns\[0\] \(line 7\): Input should be 'message_id'"):
        load_config(with_stream(tmp_path, f"redshift: {{jdbc_url: '{JDBC}', secret_arn: '{SECRET}', columns: [msg_id]}}"))


def test_rejects_partitioning_with_small_buffers(tmp_path):
    with pytest.raises(ConfigError, match=r"streams\[0\]\.s3\.buffering_mib \(line 7\): 5 MiB is out of range; Firehose allows 64-128 MiB with dynamic partitioning"):
        load_config(with_stream(tmp_path, "s3: {partition_by: [event_type], buffering_mib: 5}"))


def test_rejects_an_unknown_partition_key(tmp_path):
    with pytest.raises(ConfigError, match=r"streams\[0\]\.s3\.partition_by\[0\] \(line 7\): Input should be 'event_type' or 'configuration_set'"):
        load_config(with_stream(tmp_path, "s3: {partition_by: [campaign]}"))


def test_rejects_athena_tag_columns_that_repeat_a_column_of_the_table(tmp_path):
    with pytest.raises(ConfigError, match=r"streams\[0\]\.s3\.athena\.tag_columns\[1\] \(line 7\): tag 'event_type' would be column "
                                          r"'event_type', which the table already has"):
        load_config(with_stream(tmp_path, "s3: {partition_by: [event_type], athena: {tag_columns: [campaign, event_type]}}"))


def test_accepts_athena_tag_columns_named_like_a_partition_of_another_layout(tmp_path):
    config = load_config(with_stream(tmp_path, "s3: {athena: {tag_columns: [campaign, event_type]}}"))
    assert config.streams[0].s3.athena.tag_columns == ["campaign", "event_type"]


def test_rejects_a_prefix_expression_without_error_prefix(tmp_path):
    with pytest.raises(ConfigError, match=r"streams\[0\]\.s3\.error_output_prefix \(line 7\): required when the prefix contains expressions"):
        load_config(with_stream(tmp_path, "s3: {prefix: 'ses/!{timestamp:yyyy}/', error_output_prefix: ''}"))


def test_rejects_a_destination_naming_a_stream_that_does_not_exist(tmp_path):
    path = write(tmp_path, "configuration_sets:\n  - name: a\n    destinations:\n      - {name: d, firehose: {stream: nowhere}}\nstreams:\n  - name: s\n")
    with pytest.raises(ConfigError, match=r"destinations\[0\]\.firehose\.stream \(line 4\): 'nowhere' is not declared under streams: \(declared: s\)"):
        load_config(path)
