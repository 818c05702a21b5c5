"""What the README and the committed schema promise stays true."""

import json
import re

from conftest import ROOT

from docs import page, snippet, snippets
from ses_metrics.platform.config import json_schema

README = page("README")

pytest_plugins = ["pytester"]


def test_readme_leads_with_the_two_commands():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    assert [line.split("#")[0].strip() for line in first_block.strip().splitlines()] == ["make demo", "make test"]


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_readme_shows_the_construct_example_of_the_docs():
    assert snippet("readme-construct-example") == snippet("construct-example")


def test_readme_python_example_synthesizes(tmp_path):
    code = snippet("construct-example")
    app = f"cdk.App(builtin_cloud_formation_validation=False, outdir={str(tmp_path)!r})"
    exec(compile(code.replace("cdk.App()", app), "README.md", "exec"), {})
    template = json.loads((tmp_path / "Email.template.json").read_text())
    kinds = sorted(r["Type"] for r in template["Resources"].values() if r["Type"].startswith("AWS::SES::"))
    assert kinds == ["AWS::SES::ConfigurationSet"] + ["AWS::SES::ConfigurationSetEventDestination"] * 4


def test_committed_schema_matches_the_loader():
    committed = json.loads((ROOT / "ses-metrics.schema.json").read_text())
    assert committed == json_schema(), "regenerate: ses-metrics schema -o ses-metrics.schema.json"


def test_readme_simulator_example_runs(example_cdk_out):
    code = snippet("simulator-example").replace('Simulator("cdk.out")', f"Simulator({str(example_cdk_out)!r})")
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert namespace["bounce"].event.type.record == "Bounce"
    sim = namespace["sim"]  # what the README's comments say the Redshift and OpenSearch lines return
    assert sim.redshift.query("SELECT event_type, campaign FROM ses WHERE bounce_type = 'Permanent'") == [("Bounce", "spring")]
    assert sim.opensearch.count_by("ses-events", "eventType") == {"Send": 1, "Bounce": 1}
    assert [d.destination for d in namespace["bounce"].deliveries] == [
        "marketing-metrics", "marketing-archive", "marketing-alerts", "marketing-bus", "marketing-warehouse", "marketing-search",
    ]


def test_readme_shows_the_example_redshift_ddl():
    from ses_metrics.platform.config import load_config
    from ses_metrics.rules.redshift_columns import table_contract

    r = load_config(ROOT / "ses-metrics.yaml").stream("events-warehouse").redshift
    assert table_contract(r.table, r.columns, r.message_tags).ddl in page("delivery")


def test_readme_shows_the_example_workflow_as_it_is():
    assert (ROOT / "examples" / "github-workflow.yml").read_text(encoding="utf-8") == snippet("github-workflow")


def test_readme_pytest_example_runs_with_the_plugin(pytester):
    """The README's pytest configuration and tests, in a copy of this project's layout: two
    tests and one per expectation of the bundled scenarios, all passing."""
    import shutil

    from ses_metrics.ci.scenarios import load_checked_scenario

    toml, tests = snippet("pytest-config"), snippet("pytest-tests")
    pytester.makepyprojecttoml(toml + f"pythonpath = [{str(ROOT)!r}]\n")
    shutil.copy(ROOT / "ses-metrics.yaml", pytester.path)
    shutil.copytree(ROOT / "examples", pytester.path / "examples")
    pytester.mkdir("tests")
    (pytester.path / "tests" / "test_email_events.py").write_text(tests)
    expectations = sum(len(load_checked_scenario(p).expect) for p in (ROOT / "examples").glob("*.yaml"))
    pytester.runpytest().assert_outcomes(passed=2 + expectations)


def test_readme_replay_example_runs(example_cdk_out, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = snippet("replay-example")
    code = code.replace('replay("cdk.out"', f"replay({str(example_cdk_out)!r}").replace('"examples/', f'"{ROOT}/examples/')
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    spring = next(a for a in namespace["result"].alarms if a.definition.name == "SesMetrics-marketing-bounce-rate-spring-sale-example.com")
    assert [t.new for t in spring.transitions] == ["OK", "ALARM", "OK"]
    assert (tmp_path / "replay.html").read_text().startswith("<!doctype html>")


def test_readme_profile_example_is_a_valid_profile():
    import yaml

    from ses_metrics.replay import parse_profile

    block = snippet("traffic-profile")
    assert parse_profile(yaml.safe_load(block)).total_sends == 6 * 600


def test_the_readme_stays_short_and_maps_every_docs_page():
    assert len(README.encode()) <= 15_000
    linked = set(re.findall(r"\(docs/([\w-]+)\.md\)", README))
    assert linked == {p.stem for p in (ROOT / "docs").glob("*.md")}


def test_snippet_names_are_unique():
    assert len(snippets()) >= 8


def test_interop_example_synthesizes(tmp_path):
    code = snippet("interop-example")
    app = f"cdk.App(builtin_cloud_formation_validation=False, outdir={str(tmp_path)!r})"
    exec(compile(code.replace("cdk.App()", app), "docs/constructs.md", "exec"), {})
    resources = json.loads((tmp_path / "Email.template.json").read_text())["Resources"].values()
    identity = next(r for r in resources if r["Type"] == "AWS::SES::EmailIdentity")
    assert "Ref" in identity["Properties"]["ConfigurationSetAttributes"]["ConfigurationSetName"]
    names = [r["Properties"]["ConfigurationSetName"] for r in resources if r["Type"] == "AWS::SES::ConfigurationSetEventDestination"]
    assert "legacy" in names and len(names) == 2


def test_athena_config_snippet_is_valid_configuration():
    import yaml

    from ses_metrics.platform.config import check_config_data

    document = yaml.safe_load(snippet("athena-config"))
    document["configuration_sets"] = [{"name": "marketing", "destinations": [{"name": "archive", "firehose": {"stream": "events-archive"}}]}]
    checked = check_config_data(document)
    assert checked.errors == [] and checked.config.streams[0].s3.athena.link_tag == "cta"


def test_athena_construct_snippet_synthesizes_the_catalogue(tmp_path):
    code = snippet("athena-construct")
    app = f"cdk.App(builtin_cloud_formation_validation=False, outdir={str(tmp_path)!r})"
    exec(compile(code.replace("cdk.App()", app), "docs/analytics.md", "exec"), {})
    resources = json.loads((tmp_path / "Email.template.json").read_text())["Resources"].values()
    kinds = [r["Type"] for r in resources]
    assert kinds.count("AWS::Athena::NamedQuery") == 8 and "AWS::Glue::Table" in kinds  # 6 reports, 2 views


def test_adopt_library_example_synthesizes_with_lint(tmp_path):
    code = snippet("adopt-library")
    app = f"cdk.App(builtin_cloud_formation_validation=False, outdir={str(tmp_path)!r})"
    namespace: dict = {}
    exec(compile(code.replace("cdk.App()", app), "docs/adopt.md", "exec"), namespace)
    assert namespace["bounces"].dimensions == {"ses:configuration-set": "app"}
    resources = json.loads((tmp_path / "Mail.template.json").read_text())["Resources"].values()
    assert {"AWS::SES::EmailIdentity", "AWS::SES::ConfigurationSet", "AWS::KinesisFirehose::DeliveryStream"} <= {r["Type"] for r in resources}
