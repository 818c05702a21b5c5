"""Large JSON scenarios are read send by send: the same sends as a whole read, every
problem reported, YAML over the limit refused with what to do."""

import json

import pytest

from ses_metrics.files import documents
from ses_metrics.simulator import ScenarioError, Simulator
from ses_metrics.simulator.scenario import load_scenario
from ses_metrics.simulator.scenario_stream import LazySends, open_scenario

SEND = {"Destination": {"ToAddresses": ["success@simulator.amazonses.com"]},
        "Content": {"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "x"}}}}}


@pytest.fixture
def small_limit(monkeypatch):
    """Documents over 200 bytes count as large."""
    monkeypatch.setattr(documents, "LIMITS", documents.Limits(max_bytes=200))


def scenario_file(tmp_path, sends, **top):
    # sends first, the other keys after them: a reader must find both
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"sends": sends, **top}))
    return path


def test_a_large_json_scenario_gives_the_sends_a_whole_read_gives(tmp_path, small_limit, monkeypatch):
    sends = [{**SEND, "EmailTags": [{"Name": "campaign", "Value": f"c{i}"}]} for i in range(30)] + [{**SEND, "name": "last", "opens": "all"}]
    path = scenario_file(tmp_path, sends, defaults={"FromEmailAddress": "news@example.com", "ConfigurationSetName": "marketing"},
                         start="2026-03-01T00:00:00Z")
    streamed = open_scenario(path)
    assert isinstance(streamed.sends, LazySends) and len(streamed.sends) == 31
    monkeypatch.setattr(documents, "LIMITS", documents.Limits())
    whole = load_scenario(path)
    assert list(streamed.sends) == list(whole.sends) == list(streamed.sends)  # read again each time
    assert (streamed.start, streamed.templates) == (whole.start, whole.templates)


def test_a_large_scenario_runs_as_a_whole_read_would(tmp_path, small_limit, monkeypatch):
    from simkit import base, cloudwatch, destination

    template = base()
    template["Resources"]["Metrics"] = destination("metrics", None, **cloudwatch(("campaign", "messageTag", "none")))
    path = scenario_file(tmp_path, [SEND] * 5, defaults={"FromEmailAddress": "news@example.com", "ConfigurationSetName": "marketing"})
    streamed = Simulator(template).run(open_scenario(path)).to_json()
    monkeypatch.setattr(documents, "LIMITS", documents.Limits())
    assert streamed == Simulator(template).run(load_scenario(path)).to_json()


def test_every_problem_of_a_large_scenario_is_reported_by_path(tmp_path, small_limit):
    path = scenario_file(tmp_path, [SEND, {**SEND, "opens": 3}, "not a send"], defaults={"FromEmailAddress": "news@example.com"})
    with pytest.raises(ScenarioError) as raised:
        open_scenario(path)
    assert [str(p).split(".")[0].split(":")[0] for p in raised.value.problems] == ["sends[1]", "sends[1]", "sends[2]"]


def test_a_large_scenarios_top_level_is_checked(tmp_path, small_limit):
    path = scenario_file(tmp_path, [SEND], stray=1)
    with pytest.raises(ScenarioError, match="stray"):
        open_scenario(path)


def test_a_large_yaml_scenario_is_refused_saying_to_write_it_as_json(tmp_path, small_limit):
    path = tmp_path / "big.yaml"
    path.write_text("sends:\n" + "  - {FromEmailAddress: news@example.com}\n" * 20)
    with pytest.raises(ScenarioError, match="read send by send only as JSON; write it as JSON"):
        open_scenario(path)


def test_simulate_streams_a_large_scenario_to_ndjson(tmp_path, small_limit, capsys):
    from simkit import base, cloudwatch, destination

    from ses_metrics.cli import main

    template = base()
    template["Resources"]["Metrics"] = destination("metrics", None, **cloudwatch(("campaign", "messageTag", "none")))
    (tmp_path / "t.json").write_text(json.dumps(template))
    path = scenario_file(tmp_path, [SEND] * 7, defaults={"FromEmailAddress": "news@example.com", "ConfigurationSetName": "marketing"},
                         expect=[{"send": 6, "reaches": "metrics"}])
    assert main(["simulate", str(tmp_path / "t.json"), "--scenario", str(path), "--format", "ndjson"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 7 * 2 + 1 and lines[-1]["summary"]["deliveries"] == {"marketing/metrics": 14}
    assert main(["check", str(tmp_path / "t.json"), "--scenario", str(path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["passed"] == 1


def _nested(levels):
    value = 1
    for _ in range(levels):
        value = {"a": value}
    return value


def test_a_large_scenario_with_a_send_nested_past_the_limit_is_refused(tmp_path, small_limit):
    path = scenario_file(tmp_path, [SEND, {**SEND, "EmailTags": [_nested(100)]}], defaults={"FromEmailAddress": "a@example.com"})
    with pytest.raises(ScenarioError, match=r"sends: nested more than 64 levels deep"):
        open_scenario(path)


def test_a_large_scenario_whose_defaults_nest_past_the_limit_is_refused(tmp_path, small_limit):
    path = scenario_file(tmp_path, [SEND] * 3, defaults=_nested(100))
    with pytest.raises(ScenarioError, match=r"nested more than 64 levels deep"):
        open_scenario(path)
