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
    assert rules.check_event_bus("arn:aws:events:eu-west-1:111122223333:event-bus/default") == []
    assert rules.check_event_bus("arn:aws:events:eu-west-1:111122223333:event-bus/orders") != []


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
