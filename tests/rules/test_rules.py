"""ses_metrics.rules: each rule family on plain values (the constructs and the config
loader have their own pytest.raises tests per rule)."""

import pytest

from ses_metrics import rules
from ses_metrics.rules import UNRESOLVED, EventType, Problem, Severity


def messages(problems):
    return [p.message for p in problems]


@pytest.mark.parametrize("name", ["a", "marketing", "A-z_09", "x" * 64])
def test_valid_configuration_set_names(name):
    assert rules.check_configuration_set_name(name) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("market ing", r"contains ' '"),
        ("a.b", r"contains '\.'"),
        ("x" * 65, "65 characters long"),
        ("", "is empty"),
        (42, "must be a string"),
    ],
)
def test_invalid_configuration_set_names(name, expected):
    [problem] = rules.check_configuration_set_name(name)
    assert problem.is_error
    assert __import__("re").search(expected, problem.message)


def test_unresolved_values_are_never_judged():
    assert rules.check_configuration_set_name(UNRESOLVED) == []
    assert rules.check_dimension_default(UNRESOLVED) == []
    assert rules.parse_event_types(UNRESOLVED) == ((), [])


def test_event_types_accept_cloudformation_and_sesv2_names_and_keep_order():
    events, problems = rules.parse_event_types(["click", "RENDERING_FAILURE", "deliveryDelay", "click"])
    assert problems == []
    assert events == (EventType.CLICK, EventType.RENDERING_FAILURE, EventType.DELIVERY_DELAY)


def test_all_means_the_ten_event_types():
    events, _ = rules.parse_event_types("all")
    assert [e.record for e in events] == [
        "Send", "Reject", "Bounce", "Complaint", "Delivery", "Open", "Click", "Rendering Failure", "DeliveryDelay", "Subscription",
    ]


def test_unknown_event_type_is_located_at_its_index():
    _, [problem] = rules.parse_event_types(["send", "Sent"])
    assert problem.path == (1,)
    assert "unknown event type 'Sent'" in problem.message


def test_event_type_lookup_by_record_name():
    assert rules.event_type("Rendering Failure") is EventType.RENDERING_FAILURE
    assert rules.event_type("DELIVERY") is EventType.DELIVERY
    with pytest.raises(KeyError):
        rules.event_type("Sent")


def test_dimension_name_allows_the_colon_of_auto_tags():
    assert rules.check_dimension_name(rules.AutoTag.CONFIGURATION_SET) == []


def test_default_value_with_at_sign_names_the_cloudformation_conflict():
    [problem] = rules.check_dimension_default("ops@example.com")
    assert "SES guide allows them" in problem.message
    assert "CloudFormation" in problem.message


@pytest.mark.parametrize("header", rules.FORBIDDEN_HEADER_DIMENSIONS + ("dkim-signature", "RETURN-PATH"))
def test_headers_ses_refuses_as_dimensions(header):
    [problem] = rules.check_dimension(header, "email_header", "none")
    assert problem.path == ("name",)
    assert f"SES cannot use the {header!r} header" in problem.message


def test_refused_header_names_are_fine_as_message_tags():
    assert rules.check_dimension("To", "message_tag", "none") == []


def test_link_tag_dimension_without_click_is_a_warning():
    [problem] = rules.check_dimensions([("link", "link_tag", "none")], [EventType.SEND])
    assert problem.severity is Severity.WARNING
    assert problem.path == (0, "source")


def test_link_tag_dimension_with_click_is_fine():
    assert rules.check_dimensions([("link", "LINK_TAG", "none")], [EventType.CLICK]) == []


def test_a_default_equal_to_a_value_real_tags_use_is_a_warning():
    [problem] = rules.check_default_not_in_use("campaign", "spring", ["spring", "summer"])
    assert (problem.path, problem.severity) == (("default",), Severity.WARNING)
    assert "untagged messages are counted as 'spring' too" in problem.message
    assert rules.check_default_not_in_use("campaign", "none", ["spring"]) == []


def test_destination_kinds_exactly_one():
    assert rules.check_destination_kinds(["sns"]) == []
    assert "needs one target" in rules.check_destination_kinds([])[0].message
    assert "only one destination" in rules.check_destination_kinds(["sns", "cloudwatch"])[0].message


def test_message_tags_use_ses_wording_and_allow_reserved_feedback_ids():
    assert rules.check_message_tag("ses:feedback-id-a", "x") == []
    assert messages(rules.check_message_tag("campaign", "spring sale")) == [
        "Invalid tag value <spring sale>: only alphanumeric ASCII characters, '_', and '-' are allowed."
    ]


def test_event_bus_default_only():
    assert rules.check_event_bus("default") == []
    assert rules.check_event_bus("arn:aws:events:eu-west-1:111122223333:event-bus/default", account="111122223333", region="eu-west-1") == []
    assert "is not the default bus" in messages(rules.check_event_bus("arn:aws:events:eu-west-1:111122223333:event-bus/orders"))[0]


def test_event_bus_of_another_account_or_region_is_refused():
    other = "arn:aws:events:eu-west-1:444455556666:event-bus/default"
    assert messages(rules.check_event_bus(other, account="111122223333", region="eu-west-1")) == [
        f"event bus {other!r} is the default bus of account 444455556666, not of this account (111122223333); "
        "SES publishes only to the default bus of the sending account"
    ]
    [problem] = rules.check_event_bus(other, account="444455556666", region="us-east-1")
    assert "default bus of Region eu-west-1, not of this Region (us-east-1)" in problem.message


def test_a_default_bus_arn_is_refused_when_the_senders_account_is_unknown():
    [problem] = rules.check_event_bus("arn:aws:events:eu-west-1:444455556666:event-bus/default", region="eu-west-1")
    assert "the sender's account is not known at synth" in problem.message


def test_the_default_bus_arn_the_simulator_compares_with():
    assert rules.default_event_bus_arn("aws", "eu-west-1", "111122223333") == "arn:aws:events:eu-west-1:111122223333:event-bus/default"


def test_fifo_topics_by_flag_or_suffix():
    assert rules.is_fifo_topic("alerts.fifo") and rules.is_fifo_topic("alerts", fifo=True)
    assert not rules.is_fifo_topic("arn:aws:sns:us-east-1:111122223333:alerts")


def test_dimension_values_read_as_ses_reads_them():
    headers = [{"name": "X-Campaign", "value": "a"}, {"name": "x-campaign", "value": "b"}]
    read = rules.dimension_values
    assert read(rules.DimensionSource.EMAIL_HEADER, "x-CAMPAIGN", tags={}, headers=headers, link_tags=None) == ["a", "b"]
    assert read(rules.DimensionSource.MESSAGE_TAG, "campaign", tags={"campaign": ["spring"]}, headers=headers, link_tags=None) == ["spring"]
    assert read(rules.DimensionSource.LINK_TAG, "cta", tags={"cta": ["x"]}, headers=[], link_tags=None) == []


def test_header_dimension_values():
    assert rules.is_metric_header_value("ops@example.com")
    assert not rules.is_metric_header_value("café")


def test_problem_paths_render_like_yaml():
    problem = Problem(("default",), "bad").under("configuration_sets", 0, "destinations", 2, "cloudwatch", "dimensions", 1)
    assert str(problem) == "configuration_sets[0].destinations[2].cloudwatch.dimensions[1].default: bad"


def test_validation_error_lists_every_error_and_ignores_warnings():
    problems = [Problem(("a",), "one"), Problem(("b",), "two"), Problem(("c",), "careful", Severity.WARNING)]
    with pytest.raises(rules.ValidationError, match=r"2 problems:\n  - a: one\n  - b: two$"):
        rules.raise_for(problems, "")
    rules.raise_for([Problem((), "careful", Severity.WARNING)])  # warnings alone never raise


# --- CloudWatch metrics and reputation thresholds ------------------------------------

MARKETING = rules.CloudWatchDestination(
    "marketing-metrics", ("campaign", "ses:from-domain"), (EventType.SEND, EventType.BOUNCE, EventType.COMPLAINT)
)
TEMPLATES = rules.CloudWatchDestination("templates", ("template", "ses:configuration-set"), (EventType.SEND,))


def test_each_event_type_has_its_cloudwatch_metric_name():
    assert [e.metric_name for e in EventType] == [
        "Send", "Reject", "Bounce", "Complaint", "Delivery", "Open", "Click", "RenderingFailure", "DeliveryDelay", "Subscription",
    ]


def test_event_metric_key_is_the_namespace_name_and_sorted_dimensions():
    key = rules.event_metric_key(EventType.BOUNCE, {"ses:from-domain": "example.com", "campaign": "spring"})
    assert key == rules.MetricKey("AWS/SES", "Bounce", (("campaign", "spring"), ("ses:from-domain", "example.com")))


def test_reputation_metrics_account_level_and_per_configuration_set():
    bounce = rules.ReputationMetric.BOUNCE_RATE
    assert bounce.key() == rules.MetricKey("AWS/SES", "Reputation.BounceRate")
    assert rules.ReputationMetric.COMPLAINT_RATE.key("marketing").dimensions_map == {"ses:configuration-set": "marketing"}


def test_reputation_thresholds_and_defaults_below_the_review_level():
    bounce, complaint = rules.ReputationMetric
    defaults = rules.REPUTATION_ALARMS
    assert (bounce.review_percent, bounce.pause_percent, defaults[bounce].percent) == (5, 10, 2.5)
    assert (complaint.review_percent, complaint.pause_percent, defaults[complaint].percent) == (0.1, 0.5, 0.05)
    assert rules.percent_to_fraction(defaults[complaint].percent) == 0.0005
    assert all(defaults[m].percent < m.review_percent and "half" in defaults[m].rationale for m in rules.ReputationMetric)


@pytest.mark.parametrize(
    ("percent", "severity", "expected"),
    [
        (10, Severity.ERROR, "at or above the 10% at which AWS may pause sending"),
        (12.5, Severity.ERROR, "at or above the 10%"),
        (5, Severity.WARNING, "at or above the 5% at which AWS places the account under review"),
        (0, Severity.ERROR, "must be above 0%"),
        ("2%", Severity.ERROR, "must be a number of percent"),
    ],
)
def test_bounce_alarm_threshold_levels(percent, severity, expected):
    [problem] = rules.check_alarm_threshold(rules.ReputationMetric.BOUNCE_RATE, percent, 2.5)
    assert problem.severity is severity
    assert expected in problem.message


def test_complaint_alarm_threshold_levels():
    assert rules.check_alarm_threshold(rules.ReputationMetric.COMPLAINT_RATE, 0.05, 0.05) == []
    [warning] = rules.check_alarm_threshold(rules.ReputationMetric.COMPLAINT_RATE, 0.2, 0.05)
    assert warning.severity is Severity.WARNING
    [error] = rules.check_alarm_threshold(rules.ReputationMetric.COMPLAINT_RATE, 0.5, 0.05)
    assert error.is_error


def test_metric_dimensions_must_be_a_destinations_full_set():
    resolved, problems = rules.check_metric_dimensions([MARKETING], [EventType.BOUNCE], {"campaign": "a", "ses:from-domain": "b"})
    assert problems == []
    assert resolved == {"campaign": "a", "ses:from-domain": "b"}
    _, [missing] = rules.check_metric_dimensions([MARKETING], [EventType.BOUNCE], {"campaign": "a"})
    assert missing.path == ()
    assert "missing dimension(s) ses:from-domain" in missing.message


def test_metric_dimension_unknown_to_the_configuration_set_is_located_at_its_name():
    _, [problem] = rules.check_metric_dimensions([MARKETING, TEMPLATES], [EventType.SEND], {"campain": "a"})
    assert problem.path == ("campain",)
    assert "marketing-metrics (campaign, ses:from-domain); templates (template, ses:configuration-set)" in problem.message


def test_metric_dimensions_of_two_destinations_mixed_never_exist():
    _, [problem] = rules.check_metric_dimensions([MARKETING, TEMPLATES], [EventType.SEND], {"campaign": "a", "template": "b"})
    assert "no CloudWatch destination publishes the dimensions campaign, template together" in problem.message


def test_metric_configuration_set_dimension_is_filled_in():
    resolved, problems = rules.check_metric_dimensions([TEMPLATES], [EventType.SEND], {"template": "t"}, configuration_set_name="tx")
    assert problems == []
    assert resolved == {"template": "t", "ses:configuration-set": "tx"}


def test_metric_of_an_event_type_the_destination_does_not_match_never_exists():
    _, [problem] = rules.check_metric_dimensions([TEMPLATES], [EventType.BOUNCE], {"template": "t"}, configuration_set_name="tx")
    assert "templates does not match bounce events (it matches send), so SES publishes no Bounce metric" in problem.message


def test_metric_of_a_disabled_destination_never_exists():
    disabled = rules.CloudWatchDestination("off", ("campaign",), (EventType.SEND,), enabled=False)
    _, [problem] = rules.check_metric_dimensions([disabled], [EventType.SEND], {"campaign": "a"})
    assert "destination off is disabled" in problem.message


def test_metric_without_cloudwatch_destination_or_dimensions_never_exists():
    _, [none] = rules.check_metric_dimensions([], [EventType.SEND], {"campaign": "a"})
    assert "no CloudWatch event destination" in none.message
    _, [empty] = rules.check_metric_dimensions([MARKETING], [EventType.SEND], {})
    assert "give a value for each" in empty.message


def test_metric_dimensions_with_unresolved_names_are_not_judged():
    token = rules.CloudWatchDestination("t", (UNRESOLVED,), (EventType.SEND,))
    assert rules.check_metric_dimensions([token], [EventType.BOUNCE], {"anything": "a"})[1] == []


@pytest.mark.parametrize(("value", "valid"), [("ops@example.com", True), ("ops@example", False), ("ops", False), ("a b@c.de", False)])
def test_email_addresses_for_alarm_notifications(value, valid):
    assert (rules.check_email_address(value) == []) is valid
