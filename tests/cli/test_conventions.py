"""The command-line conventions every subcommand follows: --format table|json|ndjson on what
prints results, text from files shown as written (markup escaped, control characters
escaped), a quiet end when the reader of standard output goes away, and --help with a
description, examples and the exit codes."""

import json
import subprocess
import sys

import pytest
import yaml
from conftest import EXAMPLE_CONFIG
from replaykit import PROFILE
from simkit import base

from ses_metrics.cli import COMMANDS, build_parser, main

INVALID = """\
configuration_sets:
  - name: marketing
    destinations:
      - name: metrics
        cloudwatch:
          dimensions:
            - {name: campaign, source: message_tag, default: ops@example.com}
"""
HOSTILE = "mark\x1b[31meting\x07"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def files(alarmed_template, tmp_path_factory):
    directory = tmp_path_factory.mktemp("conventions")
    (directory / "invalid.yaml").write_text(INVALID)
    (directory / "t.json").write_text(json.dumps(alarmed_template))
    (directory / "p.yaml").write_text(yaml.safe_dump({**PROFILE, "hours": 5}))
    (directory / "hostile.json").write_text(json.dumps(base(HOSTILE)))
    return directory


# --- formats -----------------------------------------------------------------------------


def commands(files):
    """Each command that prints results, with arguments that give it some."""
    return {
        "validate": ["validate", files / "invalid.yaml"],
        "explain": ["explain", EXAMPLE_CONFIG],
        "explain-template": ["explain", files / "t.json"],
        "lint": ["lint", files / "hostile.json"],
        "replay": ["replay", files / "t.json", "--profile", files / "p.yaml"],
    }


@pytest.mark.parametrize("command", ["validate", "explain", "explain-template", "lint", "replay"])
def test_json_is_one_document(capsys, files, command):
    _, out, _ = run(capsys, *commands(files)[command], "--format", "json")
    assert isinstance(json.loads(out), dict)


@pytest.mark.parametrize(("command", "key"), [
    ("validate", "path"), ("explain", "eventDestination"), ("explain-template", "eventDestination"), ("lint", "id"), ("replay", "alarm"),
])
def test_ndjson_is_one_object_per_item_then_the_summary(capsys, files, command, key):
    _, out, _ = run(capsys, *commands(files)[command], "--format", "ndjson")
    *items, last = [json.loads(line) for line in out.splitlines()]
    assert items and all(key in item for item in items)
    assert list(last) == ["summary"]


def test_ndjson_items_are_the_json_documents_items(capsys, files):
    _, document, _ = run(capsys, *commands(files)["lint"], "--format", "json")
    _, lines, _ = run(capsys, *commands(files)["lint"], "--format", "ndjson")
    assert [json.loads(line) for line in lines.splitlines()[:-1]] == json.loads(document)["findings"]


@pytest.mark.parametrize("command", ["validate", "replay"])
def test_json_flag_is_an_alias_of_format_json(capsys, files, command):
    _, alias, _ = run(capsys, *commands(files)[command], "--json")
    _, long, _ = run(capsys, *commands(files)[command], "--format", "json")
    assert json.loads(alias) == json.loads(long)


def test_format_text_is_read_as_table(capsys, files):
    _, text, _ = run(capsys, *commands(files)["lint"], "--format", "text")
    _, table, _ = run(capsys, *commands(files)["lint"])
    assert text == table and "SM101" in table


def test_an_unknown_format_is_a_usage_error(capsys, files):
    with pytest.raises(SystemExit) as raised:
        main([str(a) for a in commands(files)["lint"]] + ["--format", "xml"])
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert "argument --format: invalid choice: 'xml'" in err and "--format {table,json,ndjson}" in err


# --- text from files, shown as written -----------------------------------------------------


def test_a_rule_pattern_keeps_its_brackets(capsys, files):
    _, out, _ = run(capsys, "validate", files / "invalid.yaml")
    assert "DefaultDimensionValue pattern ^[a-zA-Z0-9_-]{1,256}$" in out


def test_control_characters_in_names_are_escaped(capsys, files):
    _, out, _ = run(capsys, "lint", files / "hostile.json")
    assert "\x1b" not in out and "\x07" not in out
    assert "configuration set mark\\x1b[31meting\\x07 has no event destinations" in out


def test_control_characters_and_markup_in_the_explain_table_are_escaped(capsys, tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text(yaml.safe_dump({
        "configuration_sets": [{"name": "marketing", "destinations": [{"name": "archive", "firehose": {"stream": "events"}}]}],
        "streams": [{"name": "events", "s3": {"prefix": "ses/\x1b[2J[bold]x[/bold]/"}}],
    }))
    code, out, _ = run(capsys, "explain", config)
    assert code == 0
    assert "S3 ses/\\x1b[2J[bold]x[/bold]/ (GZIP)" in out and "\x1b" not in out


def test_control_characters_in_alarm_names_are_escaped_in_the_replay_table(capsys, files, alarmed_template, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    template = json.loads(json.dumps(alarmed_template))
    alarm = next(r for r in template["Resources"].values() if r["Type"] == "AWS::CloudWatch::Alarm")
    alarm["Properties"]["AlarmName"] = "bounces\x1b]0;owned\x07[red]"
    (tmp_path / "t.json").write_text(json.dumps(template))
    _, out, _ = run(capsys, "replay", tmp_path / "t.json", "--profile", files / "p.yaml")
    assert "bounces\\x1b]0;owned\\x07[red]" in out and "\x1b" not in out


# --- a reader that goes away ---------------------------------------------------------------


@pytest.mark.cli
@pytest.mark.parametrize("form", ["table", "ndjson"])
def test_piping_into_head_ends_quietly_with_the_sigpipe_status(tmp_path, form):
    big = {"Resources": {f"Set{i}": base(f"set-{i}")["Resources"]["Set"] for i in range(1000)}}
    (tmp_path / "big.json").write_text(json.dumps(big))
    command = [sys.executable, "-c", "import sys; from ses_metrics.cli import main; sys.exit(main())", "lint", "big.json", "--format", form]
    writer = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    head = subprocess.run(["head", "-1"], stdin=writer.stdout, capture_output=True, text=True, check=True)
    writer.stdout.close()
    stderr = writer.stderr.read().decode()
    assert writer.wait(timeout=60) == 141
    assert stderr == ""
    assert "set-0" in head.stdout


# --- help -----------------------------------------------------------------------------------


def subcommands():
    return build_parser()._subparsers._group_actions[0].choices  # argparse keeps the subparsers here


@pytest.mark.parametrize("name", [c.__name__.rsplit(".", 1)[-1] for c in COMMANDS])
def test_every_subcommand_help_has_a_description_examples_and_exit_codes(capsys, name):
    with pytest.raises(SystemExit) as raised:
        main([name, "--help"])
    out = capsys.readouterr().out
    assert raised.value.code == 0
    parser = subcommands()[name]
    assert parser.description and parser.description in out
    examples = out.split("examples:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert examples and all(line.strip().startswith(f"ses-metrics {name}") for line in examples)
    codes = [line.split()[0] for line in out.split("exit codes:\n", 1)[1].splitlines() if line.strip()]
    assert codes[0] == "0" and "141" in codes


def test_every_command_is_listed():
    assert set(subcommands()) == {c.__name__.rsplit(".", 1)[-1] for c in COMMANDS}


@pytest.mark.parametrize("command", ["simulate", "check"])
def test_control_characters_are_escaped_in_simulate_and_check_tables(capsys, tmp_path, command):
    from simkit import cloudwatch, destination, simple

    template = base(HOSTILE)
    template["Resources"]["Metrics"] = destination("metrics\x1b[2J", None, **cloudwatch(("campaign", "messageTag", "none")))
    (tmp_path / "t.json").write_text(json.dumps(template))
    send = simple(tags={"campaign": "spring"}) | {"ConfigurationSetName": HOSTILE}
    scenario = {"sends": [send], "expect": [{"send": 0, "reaches": "metrics\x1b[2J"}]}
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(scenario))
    _, out, _ = run(capsys, command, tmp_path / "t.json", "--scenario", tmp_path / "s.yaml", "-v" if command == "simulate" else "--format=table")
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b" in out
