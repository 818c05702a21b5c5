"""becomes: expectations checked against the Redshift rows and OpenSearch documents of the example app."""

from __future__ import annotations

import copy

import pytest
from conftest import ROOT

from ses_metrics.ci.expectations import Status, check
from ses_metrics.ci.scenarios import load_checked_scenario, parse_checked_scenario
from ses_metrics.simulator import Simulator

SPRING = {"name": "spring", "FromEmailAddress": "news@example.com", "ConfigurationSetName": "marketing",
          "Destination": {"ToAddresses": ["bounce@simulator.amazonses.com"]}, "EmailTags": [{"Name": "campaign", "Value": "spring"}],
          "Content": {"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "x"}}}}}


def run(template, *expect):
    checked = parse_checked_scenario({"sends": [SPRING], "expect": list(expect)})
    return [(r.status, r.message) for r in check(Simulator(template).run(checked.scenario), checked.expect)]


def test_the_example_scenarios_becomes_expectations_hold(example_template):
    checked = load_checked_scenario(ROOT / "examples" / "scenario.yaml")
    results = check(Simulator(example_template).run(checked.scenario), checked.expect)
    becomes = [r for r, e in zip(results, checked.expect, strict=True) if getattr(e, "becomes", None)]
    assert len(becomes) == 2 and all(r.status is Status.PASSED for r in becomes)


def test_a_wrong_column_value_fails_showing_the_row_loaded(example_template):
    [(status, message)] = run(example_template, {"send": "spring", "event": "bounce", "reaches": "marketing-warehouse",
                                                 "becomes": {"redshift_row": {"campaign": "summer"}}})
    assert status is Status.FAILED
    assert message.startswith("the Bounce of send 'spring' reached marketing-warehouse, but the row loaded into ses has campaign='spring', not 'summer': row {")
    assert '"bounce_type":"Permanent"' in message


def test_an_unknown_column_fails_listing_the_columns(example_template):
    [(_, message)] = run(example_template, {"send": "spring", "event": "bounce", "reaches": "marketing-warehouse", "becomes": {"redshift_row": {"campaign_id": "x"}}})
    assert "table ses has no column campaign_id (columns: message_id, event_type," in message


def test_a_record_that_failed_to_load_fails_with_the_load_error(example_template):
    template = copy.deepcopy(example_template)
    stream = next(r for r in template["Resources"].values() if "RedshiftDestinationConfiguration" in r.get("Properties", {}))
    stream["Metadata"]["ses-metrics"]["ddl"] = stream["Metadata"]["ses-metrics"]["ddl"].replace("campaign VARCHAR(256)", "campaign VARCHAR(5)")
    [(status, message)] = run(template, {"send": "spring", "event": "bounce", "reaches": "marketing-warehouse", "becomes": {"redshift_row": {"campaign": "spring"}}})
    assert status is Status.FAILED
    assert "no row was loaded into table ses: campaign: 1204 String length exceeds DDL length" in message


@pytest.mark.parametrize(("field", "value", "holds"), [
    ("eventType", "Bounce", True), ("mail.tags.campaign", ["spring"], True), ("bounce.bounceType", "Transient", False), ("nope", 1, False),
])
def test_opensearch_document_fields_by_name_or_dotted_path(example_template, field, value, holds):
    [(status, message)] = run(example_template, {"send": "spring", "event": "bounce", "reaches": "marketing-search", "becomes": {"opensearch_document": {field: value}}})
    assert (status is Status.PASSED) == holds
    if not holds:
        assert message.startswith("the Bounce of send 'spring' reached marketing-search, but document ") and " in index ses-events-2026-01-01 has " in message
