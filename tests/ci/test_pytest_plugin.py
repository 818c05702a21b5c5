"""The pytest plugin (ses_metrics.ci.pytest_plugin): assertion helpers, fixtures, scenario files as
tests, all through pytest itself (pytester) where pytest's behaviour is the point."""

import json
import textwrap

import aws_cdk.assertions  # noqa: F401
import pytest
from simkit import base, cloudwatch, destination, simple, with_sns

import ses_metrics.platform.app  # noqa: F401
from docs import snippet
from ses_metrics.ci.pytest_plugin import assert_metric, assert_never_reaches, assert_reaches
from ses_metrics.simulator import Simulator, parse_scenario

pytest_plugins = ["pytester"]
# The CDK modules the example_template fixture uses are imported at collection: pytester's
# in-process runs drop modules first imported during them, and a CDK module imported twice
# has two copies of its jsii types ("PolicyStatement ... got PolicyStatement").

BOUNCE = "bounce@simulator.amazonses.com"


def template():
    t = with_sns(base())
    t["Resources"]["Metrics"] = destination("metrics", ["send", "bounce"], **cloudwatch(("campaign", "messageTag", "none")))
    return t


@pytest.fixture
def sim():
    return Simulator(template())


# --- helpers ---------------------------------------------------------------------------------


def test_assert_reaches_passes(sim):
    result = sim.send_email(**simple(BOUNCE, tags={"campaign": "spring"}))
    assert_reaches(result, "bounce", "metrics", dimensions={"campaign": "spring"})
    assert_reaches(result, "bounce", "alerts")


def test_assert_reaches_fails_with_what_happened(sim):
    result = sim.send_email(**simple(BOUNCE, tags={"campaign": "spring"}))
    with pytest.raises(AssertionError) as raised:
        assert_reaches(result, "bounce", "metrics", dimensions={"campaign": "summer"})
    assert str(raised.value) == (
        f"expected the Bounce of send '{result.message_id}' reaches metrics with dimensions campaign=summer:\n"
        f"the Bounce of send '{result.message_id}' reached metrics, but campaign='spring', not 'summer': CloudWatch Bounce {{campaign=spring}}"
    )


def test_assert_never_reaches_passes_and_fails(sim):
    result = sim.send_email(**simple(BOUNCE))
    assert_never_reaches(result, "send", "alerts")
    with pytest.raises(AssertionError, match=r"the Bounce of send '.*' reached alerts: SNS alerts"):
        assert_never_reaches(result, "bounce", "alerts")


def test_assert_metric_passes_and_fails_with_the_metrics_seen(sim):
    sim.send_email(**simple(BOUNCE, tags={"campaign": "spring"}))
    assert_metric(sim, "Bounce", {"campaign": "spring"}, 1)
    with pytest.raises(AssertionError, match=r"sums to 1, not 2; Bounce metrics seen: \{campaign=spring\} = 1"):
        assert_metric(sim, "bounce", {"campaign": "spring"}, 2)


def test_helpers_take_a_scenario_result_and_a_send_name(sim):
    scenario = parse_scenario({"sends": [{**simple(BOUNCE), "name": "welcome"}]})
    result = sim.run(scenario)
    assert_reaches(result, "bounce", "alerts", send="welcome")
    with pytest.raises(AssertionError, match="the Send of send 'welcome' was filtered at alerts"):
        assert_reaches(result, "send", "alerts", send="welcome")
    assert_metric(result, "Send", {"campaign": "none"}, 1)


# --- through pytest --------------------------------------------------------------------------

SCENARIO = """
defaults: {FromEmailAddress: news@example.com, ConfigurationSetName: marketing, Content: {Simple: {Subject: {Data: Hi}, Body: {Text: {Data: x}}}}}
sends:
  - name: spring
    Destination: {ToAddresses: [bounce@simulator.amazonses.com]}
    EmailTags: [{Name: campaign, Value: spring}]
expect:
  - {send: spring, event: bounce, reaches: metrics, with_dimensions: {campaign: spring}}
  - {send: spring, event: bounce, reaches: metrics, with_dimensions: {campaign: summer}}
  - {metric: Bounce, dimensions: {campaign: spring}, sums_to: 1}
"""


@pytest.fixture
def project(pytester):
    """A project whose templates are a file (no synthesis) and whose scenarios are opted in."""
    pytester.makefile(".json", template=json.dumps(template()))
    pytester.mkdir("scenarios")
    (pytester.path / "scenarios" / "spring.yaml").write_text(SCENARIO)
    pytester.makeini("[pytest]\nses_metrics_template = template.json\nses_metrics_scenarios = scenarios/*.yaml\n")
    return pytester


def test_scenario_files_are_collected_one_test_per_expectation(project):
    result = project.runpytest("scenarios", "-v")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines([
        "scenarios/spring.yaml::expect[[]0[]] the Bounce of send 'spring' reaches metrics with dimensions campaign=spring PASSED*",
        "*the Bounce of send 'spring' reached metrics, but campaign='spring', not 'summer': CloudWatch Bounce {campaign=spring}",
    ])
    assert "Traceback" not in result.stdout.str()


def test_scenario_files_are_not_collected_unless_asked(project):
    project.makeini("[pytest]\nses_metrics_template = template.json\n")
    project.runpytest("scenarios").assert_outcomes()


def test_an_invalid_scenario_file_is_a_collection_error_naming_the_problem(project):
    (project.path / "scenarios" / "bad.yaml").write_text(SCENARIO + "  - {send: autumn, reaches: metrics}\n")
    result = project.runpytest("scenarios")
    result.stdout.fnmatch_lines(["*bad.yaml: 1 problem:", "*expect[[]3[]].send: no send 'autumn'*"])
    assert result.ret == pytest.ExitCode.INTERRUPTED


def test_fixtures_give_a_fresh_simulator_and_the_lint_report(project):
    project.makepyfile(textwrap.dedent("""
        from ses_metrics.ci.pytest_plugin import assert_reaches

        def test_bounce(ses_metrics_simulator, ses_metrics_lint):
            result = ses_metrics_simulator.send_email(
                FromEmailAddress="news@example.com", Destination={"ToAddresses": ["bounce@simulator.amazonses.com"]},
                ConfigurationSetName="marketing", Content={"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "x"}}}})
            assert_reaches(result, "bounce", "alerts")
            assert [f.id for f in ses_metrics_lint.findings] == ["SM102"]

        def test_sinks_start_empty(ses_metrics_simulator):
            assert ses_metrics_simulator.metrics.metrics() == []
    """))
    project.runpytest("test_fixtures_give_a_fresh_simulator_and_the_lint_report.py").assert_outcomes(passed=2)


def test_the_app_fixture_synthesizes_the_app_named_in_the_ini_once(pytester):
    pytester.makepyfile(emailapp=textwrap.dedent("""
        import aws_cdk as cdk
        from ses_metrics import Dimension, SendingConfigurationSet

        BUILT = []

        def build(app):
            BUILT.append(app)
            stack = cdk.Stack(app, "Email")
            cs = SendingConfigurationSet(stack, "Marketing", configuration_set_name="marketing")
            cs.add_cloudwatch_destination("metrics", dimensions=[Dimension.message_tag("campaign", default="none")])
            return stack
    """))
    pytester.makepyfile(test_app=textwrap.dedent("""
        import emailapp

        def test_topology(ses_metrics_topology):
            assert list(ses_metrics_topology.configuration_sets) == ["marketing"]

        def test_once(ses_metrics_app, ses_metrics_stacks):
            assert len(emailapp.BUILT) == 1 and ses_metrics_app.stack_name == "Email"
            assert [s.name for s in ses_metrics_stacks] == ["Email"]
    """))
    pytester.makeini(f"[pytest]\nses_metrics_app = emailapp:build\npythonpath = {pytester.path}\n")
    pytester.runpytest("test_app.py").assert_outcomes(passed=2)


def test_without_configuration_the_fixtures_say_what_to_set(pytester):
    pytester.makepyfile("def test_it(ses_metrics_simulator):\n    pass\n")
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*ses-metrics: nothing to check: set ses_metrics_app (module:callable) or ses_metrics_template*"])


@pytest.mark.parametrize(
    ("path", "pattern", "matches"),
    [
        ("examples/scenario.yaml", "examples/*.yaml", True),
        ("examples/replay/profile.yaml", "examples/*.yaml", False),  # * stays within one directory
        ("examples/replay/profile.yaml", "examples/**/*.yaml", True),
        ("examples/scenario.yaml", "examples/**/*.yaml", True),  # ** spans zero directories too
        ("other/examples/scenario.yaml", "examples/*.yaml", False),
    ],
)
def test_scenario_globs_follow_shell_semantics(path, pattern, matches):
    from ses_metrics.ci.pytest_plugin import _glob_match

    assert _glob_match(path.split("/"), pattern.split("/")) is matches


def test_the_capture_fixture_routes_the_applications_own_sends_to_redshift_rows(pytester, example_template):
    pytester.makefile(".json", template=json.dumps(example_template))
    pytester.makeini("[pytest]\nses_metrics_template = template.json\n")
    pytester.makepyfile(
        textwrap.dedent(
            """
            from sample_app import mailer

            def test_newsletter_bounce_becomes_a_tagged_row(ses_metrics_capture):
                message_id = mailer.send_newsletter(["bounce@simulator.amazonses.com"], "spring")
                ses_metrics_capture.flush()
                rows = ses_metrics_capture.redshift.query("SELECT event_type, campaign FROM ses WHERE message_id = ? ORDER BY 1", [message_id])
                assert rows == [("Bounce", "spring"), ("Send", "spring")]

            def test_each_test_starts_empty(ses_metrics_capture):
                assert ses_metrics_capture.sends == []
            """
        )
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


@pytest.fixture(scope="module")
def archive_template():
    import aws_cdk as cdk

    from ses_metrics import EventArchiveCatalog, S3DeliveryStream, SendingConfigurationSet

    stack = cdk.Stack(cdk.App(builtin_cloud_formation_validation=False), "Archive")
    stream = S3DeliveryStream(stack, "Archive", delivery_stream_name="archive", prefix="ses/")
    SendingConfigurationSet(stack, "Marketing", configuration_set_name="marketing").add_firehose_destination("archive", delivery_stream=stream)
    EventArchiveCatalog(stack, "Catalog", stream=stream)
    return stack.node.root.synth().get_stack_by_name("Archive").template


def test_the_archive_fixture_runs_the_templates_named_queries_over_a_simulation_as_documented(pytester, archive_template):
    pytester.makefile(".json", template=json.dumps(archive_template))
    pytester.makeini("[pytest]\nses_metrics_template = template.json\n")
    # the example of docs/analytics.md, as written there
    pytester.makepyfile(snippet("archive-fixture"))
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
