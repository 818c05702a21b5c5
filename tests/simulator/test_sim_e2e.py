"""End to end: ses-metrics.yaml -> synth -> simulate -> deliveries, objects, metrics."""

import pytest


@pytest.fixture(scope="module")
def result(example_result):
    return example_result


def test_the_example_app_raises_no_simulator_warning(result):
    assert result.simulator.warnings == []


def test_tagged_bounce_reaches_metrics_archive_alerts_and_bus(result):
    spring = result.sends[0]
    bounce = next(o for o in spring.events if o.event.type.record == "Bounce")
    assert sorted((d.destination, d.kind.config) for d in bounce.deliveries) == [
        ("marketing-alerts", "sns"), ("marketing-archive", "firehose"), ("marketing-bus", "eventbridge"), ("marketing-metrics", "cloudwatch"),
        ("marketing-search", "firehose"), ("marketing-warehouse", "firehose"),
    ]
    assert bounce.drops == ()


def test_metrics_carry_the_campaign_tag_and_the_from_domain_auto_tag(result):
    metrics = result.simulator.metrics
    assert metrics.sum("Bounce", {"campaign": "spring", "ses:from-domain": "example.com"}) == 1
    assert metrics.sum("Delivery", {"template": "none"}) == 1  # the receipt carried no template tag


def test_archive_objects_hold_every_event_of_both_sets_under_its_partition(result):
    sim = result.simulator
    archive = [(key, r) for bucket, key, _ in sim.s3.items() if "eventsarchive" in bucket for r in sim.s3.records(bucket, key)]
    assert sorted({r["mail"]["tags"]["ses:configuration-set"][0] for _, r in archive}) == ["marketing", "transactional"]
    for key, record in archive:
        partition = f"ses/eventType={record['eventType']}/configurationSet={record['mail']['tags']['ses:configuration-set'][0]}/"
        assert key.startswith(partition + "year=2026/month=01/day=01/hour=00/events-archive-1-"), key
    archived = sum(1 for o in result.events() for d in o.deliveries if getattr(d, "delivery_stream", None) == "events-archive")
    assert len(archive) == archived


def test_failed_send_and_send_without_configuration_set(result):
    bad, untracked = result.sends[3], result.sends[4]
    assert bad.error.code == "BadRequestException" and bad.events == []
    assert all(not o.deliveries for o in untracked.events)
