"""SM5xx: SES quotas and unique names."""

from lintkit import REPUTATION, healthy, ids, lint, only
from simkit import cloudwatch, destination, with_sns

from ses_metrics import rules


def test_sm501_noncompliant_more_destinations_than_the_quota():
    t = healthy()
    for index in range(rules.MAX_EVENT_DESTINATIONS):
        t["Resources"][f"D{index}"] = destination(f"d{index}", None, **cloudwatch(("campaign", "messageTag", "none")))
    assert only(t, "SM501").message == "configuration set marketing has 11 event destinations; SES allows at most 10"


def test_sm501_compliant_destinations_at_the_quota():
    t = healthy()
    for index in range(rules.MAX_EVENT_DESTINATIONS - 1):
        t["Resources"][f"D{index}"] = destination(f"d{index}", None, **cloudwatch(("campaign", "messageTag", "none")))
    assert ids(t) == []


def test_sm502_noncompliant_two_destinations_with_one_name():
    t = healthy()
    t["Resources"]["Again"] = destination("feedback", None, **cloudwatch(("campaign", "messageTag", "none")))
    finding = only(t, "SM502")
    assert (finding.logical_id, finding.message) == (
        "Again", "configuration set marketing: event destination name 'feedback' is already used at [0]; names must be unique"
    )


def test_sm502_compliant_distinct_names():
    t = healthy()
    t["Resources"]["Other"] = destination("other", None, **cloudwatch(("campaign", "messageTag", "none")))
    assert ids(t) == []


def two_sets():
    t = healthy()
    t["Resources"]["Other"] = {"Type": "AWS::SES::ConfigurationSet", "Properties": {"Name": "other", **REPUTATION}}
    t["Resources"]["OtherFeedback"] = destination("feedback", ["bounce", "complaint"], **cloudwatch(("campaign", "messageTag", "none")))
    t["Resources"]["OtherFeedback"]["Properties"]["ConfigurationSetName"] = {"Ref": "Other"}
    return t


def test_sm503_noncompliant_more_configuration_sets_than_the_quota(monkeypatch):
    monkeypatch.setattr(rules.ses, "MAX_CONFIGURATION_SETS", 1)
    assert "2 configuration sets; SES allows at most 1 per Region" in only(two_sets(), "SM503").message


def test_sm503_compliant_configuration_sets_within_the_quota(monkeypatch):
    monkeypatch.setattr(rules.ses, "MAX_CONFIGURATION_SETS", 2)
    assert ids(two_sets()) == []


def test_lint_report_counts_sets_and_destinations():
    assert lint(two_sets()).summary == {"configurationSets": 2, "eventDestinations": 2, "errors": 0, "warnings": 0}


def test_sm504_noncompliant_a_set_name_with_a_slash():
    t = healthy()
    t["Resources"]["Set"]["Properties"]["Name"] = "../../etc"
    finding = only(t, "SM504")
    assert (finding.logical_id, finding.message) == ("Set", "configuration set name '../../etc' contains './'; SES allows 1-64 characters of A-Z, a-z, 0-9, '_' and '-'")


def test_sm504_noncompliant_a_topic_name_with_a_slash():
    t = with_sns(healthy())
    t["Resources"]["Topic"]["Properties"]["TopicName"] = "alerts/../x"
    assert "SNS topic name 'alerts/../x' contains" in only(t, "SM504").message


def test_sm504_compliant_names_within_their_patterns():
    assert "SM504" not in ids(with_sns(healthy()))
