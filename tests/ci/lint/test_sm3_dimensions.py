"""SM3xx: CloudWatch dimensions."""

from lintkit import healthy, ids, lint, only, scenario
from simkit import cloudwatch, destination


def test_sm301_noncompliant_a_default_a_real_send_uses_as_tag_value():
    finding = only(healthy(), "SM301", scenarios=[scenario("none")])
    assert finding.message.startswith("feedback: dimension 'campaign' defaults to 'none', a value real messages use")


def test_sm301_compliant_sends_use_other_values():
    assert ids(healthy(), scenarios=[scenario("spring")]) == []


def test_sm301_is_not_checked_without_scenarios_and_the_report_says_so():
    assert any(note.startswith("SM301 (a dimension default equal to a tag value real sends use) is not checked") for note in lint(healthy()).notes)
    assert not any(note.startswith("SM301") for note in lint(healthy(), scenarios=[scenario("spring")]).notes)


def test_sm302_noncompliant_link_tag_dimension_on_a_destination_without_click():
    t = healthy()
    t["Resources"]["Links"] = destination("links", ["open"], **cloudwatch(("cta", "linkTag", "none")))
    assert "link-tag dimension 'cta' on a destination that does not match click events" in only(t, "SM302").message


def test_sm302_compliant_link_tag_dimension_on_a_click_destination():
    t = healthy()
    t["Resources"]["Links"] = destination("links", ["open", "click"], **cloudwatch(("cta", "linkTag", "none")))
    assert ids(t) == []
