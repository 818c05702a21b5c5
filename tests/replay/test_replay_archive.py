"""replay --out: the day's archive under DIR, the template's named queries over it in the
result and the report, counting what the replay sent."""

import pytest

from ses_metrics.replay import parse_profile, replay
from ses_metrics.replay.report import render
from ses_metrics.simulator.athena import LocalAthena, read_catalog

PROFILE = {
    "start": "2026-03-02T00:00:00Z",
    "hours": 3,
    "seed": 3,
    "defaults": {"sender": "news@example.com", "configuration_set": "marketing", "engagement": {"open": "20%", "click": "5%"}},
    "traffic": [
        {"name": "spring", "tags": {"campaign": "spring-sale"}, "sends_per_hour": 200, "outcomes": {"bounce": "5%", "complaint": "1%"}},
        {"name": "receipts", "configuration_set": "transactional", "sender": "r@example.com", "sends_per_hour": 100,
         "outcomes": {"bounce": "1%"}, "engagement": {"open": "0%", "click": "0%"}},
    ],
}


@pytest.fixture(scope="module")
def replayed(example_cdk_out, tmp_path_factory):
    directory = tmp_path_factory.mktemp("replay") / "day"
    return replay(str(example_cdk_out), parse_profile(PROFILE), archive=directory), directory


def test_every_named_query_ran_over_the_archive(replayed):
    result, _ = replayed
    assert [a.query.name for a in result.archive][:2] == ["bounce-complaint-rate-by-configuration-set-and-day",
                                                          "bounce-complaint-rate-by-campaign"]
    assert all(a.error is None and a.result.rows for a in result.archive)


def test_the_bounce_rate_query_counts_the_replays_sends_and_bounces(replayed):
    result, _ = replayed
    rows = {r["configuration_set"]: r for r in result.archive[0].result.records()}
    for name in ("marketing", "transactional"):
        assert rows[name]["sent"] == result.events[(name, "send")]
        assert rows[name]["hard_bounces"] == result.events[(name, "bounce")]
        assert rows[name]["complaints"] == result.events[(name, "complaint")]


def test_the_archive_holds_every_object_of_the_archive_bucket(replayed, example_cdk_out):
    result, directory = replayed
    [table] = read_catalog(str(example_cdk_out)).tables
    written = list((directory / "s3" / table.bucket).rglob("*.gz"))
    assert len(written) == result.simulator.s3.objects_written[table.bucket] > 0
    with LocalAthena(directory, read_catalog(str(example_cdk_out))) as athena:
        [(events,)] = athena.query("SELECT count(*) FROM events").rows
    assert events == sum(result.events.values())


def test_the_report_shows_each_named_query(replayed):
    result, _ = replayed
    html = render(result)
    assert '<section id="archive">' in html
    assert html.count("<h3>") >= len(result.archive)
    assert "latest-status-per-message" in html


def test_the_json_document_carries_the_query_results(replayed):
    result, _ = replayed
    document = result.to_json()["archiveQueries"]
    assert document[0]["columns"][:2] == ["day", "configuration_set"]
    assert len(document[0]["rows"]) == 2
