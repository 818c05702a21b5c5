"""Athena locally: the catalogue's projection matches the keys the simulator writes, the
named queries count what the simulator delivered, and agree with the Redshift rows loaded
from the same events."""

import aws_cdk as cdk
import pytest
from aws_cdk import aws_secretsmanager as secretsmanager

from ses_metrics import EventArchiveCatalog, RedshiftDeliveryStream, S3DeliveryStream, SendingConfigurationSet
from ses_metrics.rules import athena as athena_rules
from ses_metrics.simulator import Engagement, Simulator
from ses_metrics.simulator.athena import LocalAthena, QueryError, read_catalog, write_objects

RECIPIENTS = ["success@simulator.amazonses.com", "bounce@simulator.amazonses.com", "complaint@simulator.amazonses.com",
              "suppressionlist@simulator.amazonses.com", "someone@example.org"]
HTML = '<p>Hi</p><a href="https://shop.example.com/a" ses:tags="link:hero">A</a>'


@pytest.fixture(scope="module")
def template():
    app = cdk.App(builtin_cloud_formation_validation=False)
    stack = cdk.Stack(app, "Q")
    hourly = S3DeliveryStream(stack, "Hourly", delivery_stream_name="hourly", prefix="ses/")
    parted = S3DeliveryStream(stack, "Parted", delivery_stream_name="parted", prefix="dp/", partition_by=["event_type", "configuration_set"])
    secret = secretsmanager.Secret.from_secret_complete_arn(stack, "S", "arn:aws:secretsmanager:us-east-1:111122223333:secret:x-AbCdEf")
    warehouse = RedshiftDeliveryStream(
        stack, "Warehouse", delivery_stream_name="warehouse", secret=secret,
        cluster_jdbc_url="jdbc:redshift://c.abc.us-east-1.redshift.amazonaws.com:5439/dev",
        columns=["message_id", "event_type", "timestamp", "destination", "configuration_set", "bounce_type", "bounced_recipients"],
        message_tags=["campaign"], events=["send", "bounce", "complaint", "delivery"],
    )
    for name in ("marketing", "ops"):
        cs = SendingConfigurationSet(stack, name, configuration_set_name=name)
        cs.add_firehose_destination("hourly", delivery_stream=hourly)
        cs.add_firehose_destination("parted", delivery_stream=parted)
        cs.add_firehose_destination("warehouse", delivery_stream=warehouse, events=["send", "bounce", "complaint", "delivery"])
    EventArchiveCatalog(stack, "HourlyCatalog", stream=hourly, database_name="hourly", tag_columns=["campaign", "team-name"])
    EventArchiveCatalog(stack, "PartedCatalog", stream=parted, database_name="parted", configuration_set_names=["marketing", "ops"])
    return app.synth().get_stack_by_name("Q").template


@pytest.fixture(scope="module")
def simulated(template, tmp_path_factory):
    sim = Simulator(template)
    for index in range(40):
        _send(sim, index, RECIPIENTS[index % len(RECIPIENTS)])
    sim.flush()
    directory = tmp_path_factory.mktemp("sim")
    write_objects(sim.s3, directory)
    catalog = read_catalog(template)
    athena = LocalAthena(directory, catalog)
    yield sim, athena, directory
    athena.close()


def _send(sim, index, to):
    from ses_metrics.simulator.scenario import ScenarioSend

    request = {
        "FromEmailAddress": "news@example.com", "Destination": {"ToAddresses": [to]},
        "ConfigurationSetName": "marketing" if index % 3 else "ops",
        "EmailTags": [{"Name": "campaign", "Value": "spring" if index % 2 else "fall"}]
                     + ([{"Name": "team-name", "Value": "growth"}] if index % 5 == 0 else []),
        "Content": {"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Html": {"Data": HTML}}}},
    }
    engagement = Engagement(opens="all", clicks="all") if index % 4 == 0 else Engagement()
    # SES's Open and Click need HTML; every send has it
    return sim.process(ScenarioSend(request, engagement=engagement))


def _delivered(sim, stream):
    """Records delivered to ``stream``, from the simulator's own results."""
    return [o.event.record for s in sim.sends for o in s.events for d in o.deliveries if getattr(d, "delivery_stream", None) == stream]


@pytest.mark.parametrize("database", ["hourly", "parted"])
def test_every_object_the_stream_writes_matches_the_tables_projection(simulated, database):
    sim, athena, _ = simulated
    [table] = [t for t in athena.catalog.tables if t.database == database]
    regex = athena_rules.template_regex(table.template, table.projection)
    keys = sim.s3.keys(table.bucket, table.location)
    assert keys
    assert [k for k in keys if not regex.fullmatch(k[: k.rfind("/") + 1])] == []
    assert athena.objects[(database, "events")] == len(keys)
    assert athena.warnings == []


@pytest.mark.parametrize("database,stream", [("hourly", "hourly"), ("parted", "parted")])
def test_the_table_holds_every_record_delivered_to_the_stream(simulated, database, stream):
    sim, athena, _ = simulated
    records = _delivered(sim, stream)
    rows = athena.query("SELECT eventtype, count(*) FROM events GROUP BY eventtype", database=database).rows
    expected = {}
    for record in records:
        expected[record["eventType"]] = expected.get(record["eventType"], 0) + 1
    assert dict(rows) == expected


def test_partition_columns_carry_the_key_values(simulated):
    _, athena, _ = simulated
    rows = athena.query("SELECT count(*) FROM parted.events WHERE event_type <> eventtype "
                        "OR configuration_set <> element_at(mail.tags, 'ses:configuration-set')[1]").rows
    assert rows == [(0,)]


def test_bounce_rate_query_counts_the_recipients_the_simulator_delivered(simulated):
    sim, athena, _ = simulated
    records = _delivered(sim, "hourly")
    for database in ("hourly", "parted"):
        saved = athena.catalog.named_query("bounce-complaint-rate-by-configuration-set-and-day")
        result = athena.query(saved.sql, database=database)
        got = {r["configuration_set"]: r for r in result.records()}
        for name in ("marketing", "ops"):
            mine = [r for r in records if r["mail"]["tags"]["ses:configuration-set"] == [name]]
            sent = sum(len(r["mail"]["destination"]) for r in mine if r["eventType"] == "Send")
            hard = sum(len(r["bounce"]["bouncedRecipients"]) for r in mine if r["eventType"] == "Bounce" and r["bounce"]["bounceType"] == "Permanent")
            complaints = sum(len(r["complaint"]["complainedRecipients"]) for r in mine if r["eventType"] == "Complaint")
            assert (got[name]["sent"], got[name]["hard_bounces"], got[name]["complaints"]) == (sent, hard, complaints)
            assert got[name]["bounce_rate_percent"] == round(100 * hard / sent, 4)


def test_every_named_query_runs_unchanged(simulated):
    _, athena, _ = simulated
    reports = [q for q in athena.catalog.named_queries if not q.creates_view]
    assert (len(reports), len(athena.catalog.named_queries)) == (12, 15)
    for saved in reports:
        assert athena.query(saved.sql, database=saved.database).rows, saved.name


@pytest.mark.parametrize("view", ["hourly.events_tagged", "hourly.events_latest_status", "parted.events_latest_status"])
def test_the_create_view_named_queries_have_run_so_their_views_can_be_queried(simulated, view):
    _, athena, _ = simulated
    assert athena.query(f"SELECT count(*) FROM {view}").rows[0][0] > 0


# The campaign query of rules/named_queries.py, grouping by the view's column instead of the map.
BY_TAG_COLUMN = """
SELECT campaign, sent, hard_bounces, complaints,
  round(100 * CAST(hard_bounces AS DOUBLE) / nullif(sent, 0), 4) AS bounce_rate_percent,
  round(100 * CAST(complaints AS DOUBLE) / nullif(sent, 0), 4) AS complaint_rate_percent
FROM (
  SELECT campaign,
  sum(CASE WHEN eventtype = 'Send' THEN cardinality(mail.destination) ELSE 0 END) AS sent,
  sum(CASE WHEN eventtype = 'Bounce' AND bounce.bouncetype = 'Permanent' THEN cardinality(bounce.bouncedrecipients) ELSE 0 END) AS hard_bounces,
  sum(CASE WHEN eventtype = 'Complaint' THEN cardinality(complaint.complainedrecipients) ELSE 0 END) AS complaints
  FROM events_tagged
  GROUP BY campaign
) AS totals
ORDER BY campaign
"""


def test_grouping_by_a_tag_column_of_the_view_returns_what_the_map_access_named_query_returns(simulated):
    _, athena, _ = simulated
    by_map = athena.named("bounce-complaint-rate-by-campaign")
    by_column = athena.query(BY_TAG_COLUMN, database="hourly")
    assert by_column.columns == by_map.columns and by_column.rows == by_map.rows
    assert {row[0] for row in by_column.rows} == {"spring", "fall"}


def test_a_tag_column_holds_the_tag_s_value_and_null_without_the_tag(simulated):
    sim, athena, _ = simulated
    records = _delivered(sim, "hourly")
    tagged = sum(1 for r in records if "team-name" in r["mail"]["tags"])
    rows = dict(athena.query("SELECT team_name, count(*) FROM events_tagged GROUP BY 1", database="hourly").rows)
    assert rows == {"growth": tagged, None: len(records) - tagged} and tagged > 0


def test_the_latest_status_view_is_the_latest_status_named_query(simulated):
    _, athena, _ = simulated
    view = athena.query("SELECT * FROM events_latest_status ORDER BY message_id", database="hourly")
    assert view.rows == athena.named("latest-status-per-message").rows and view.rows


def test_clicks_by_link_tag_counts_the_simulated_clicks(simulated):
    sim, athena, _ = simulated
    clicks = [r for r in _delivered(sim, "hourly") if r["eventType"] == "Click"]
    result = athena.query(athena.catalog.named_query("click-rate-by-link-tag").sql, database="hourly")
    assert sum(r["clicks"] for r in result.records()) == len(clicks) > 0
    assert {r["link_tag"] for r in result.records()} == {"hero"}


def test_the_same_rates_from_the_redshift_rows_loaded_from_the_same_events(simulated):
    sim, athena, _ = simulated
    archive = athena.query(athena.catalog.named_query("bounce-complaint-rate-by-campaign").sql, database="hourly").rows
    warehouse = sim.redshift.query(
        """SELECT campaign, sent, hard_bounces, complaints,
                  round(100 * CAST(hard_bounces AS DOUBLE) / nullif(sent, 0), 4),
                  round(100 * CAST(complaints AS DOUBLE) / nullif(sent, 0), 4)
           FROM (SELECT campaign,
                   sum(CASE WHEN event_type = 'Send' THEN json_array_length(destination) ELSE 0 END) AS sent,
                   sum(CASE WHEN event_type = 'Bounce' AND bounce_type = 'Permanent' THEN json_array_length(bounced_recipients) ELSE 0 END) AS hard_bounces,
                   sum(CASE WHEN event_type = 'Complaint' THEN 1 ELSE 0 END) AS complaints
                 FROM ses GROUP BY campaign) AS t ORDER BY campaign"""
    )
    assert [tuple(r) for r in archive] == [tuple(r) for r in warehouse]


def test_an_unknown_table_is_a_query_error(simulated):
    _, athena, _ = simulated
    with pytest.raises(QueryError, match="nowhere does not exist"):
        athena.query("SELECT * FROM nowhere", database="hourly")


def test_a_missing_named_query_lists_the_known_ones(simulated):
    _, athena, _ = simulated
    with pytest.raises(QueryError, match="latest-status-per-message"):
        athena.named("no-such-query")
