"""Every ``ses-metrics`` command over a corpus of bad inputs (tests/fixtures/bad/): each
answers with its documented exit code (README, "The ses-metrics command": 0 ok, 1
findings or failures, 2 usage) and a message naming the problem, never a traceback.

The commands run in process (``cli.main``) so the whole corpus takes well under a second;
an exception escaping ``main`` fails the test as surely as a traceback on the terminal.
One case also runs the installed console script, to prove the same through a real process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ses_metrics import cli

BAD = Path(__file__).resolve().parents[1] / "fixtures" / "bad"
GOOD_TEMPLATE = str(BAD / "template" / "foreign-tool.json")
GOOD_SCENARIO = str(BAD / "scenario" / "good.yaml")
GOOD_PROFILE = str(BAD / "profile" / "tiny.yaml")
MINIMAL_CONFIG = str(Path(__file__).resolve().parents[1] / "fixtures" / "minimal.yaml")

BAD_CONFIGS = sorted(p.name for p in (BAD / "config").iterdir())
BAD_SCENARIOS = ["unclosed.yaml", "trailing-comma.json", "no-sends.yaml", "list.yaml", "latin1.yaml", "unknown-parameter.yaml", "bad-expectation.yaml", "missing.yaml"]
BAD_TEMPLATES = ["truncated.json", "no-resources.json", "list.json", "unclosed.yaml", "empty-cdk-out", "missing.json"]
BAD_PROFILES = ["unclosed.yaml", "wrong-types.yaml", "list.yaml", "missing.yaml"]


def _b(kind: str, name: str) -> str:
    return str(BAD / kind / name)


# (argv, exit code, a fragment the output must contain)
CASES: list[tuple[list[str], int, str]] = [
    # usage: argparse
    ([], 2, "usage"),
    (["frobnicate"], 2, "invalid choice"),
    (["validate"], 2, "the following arguments are required"),
    (["simulate", GOOD_TEMPLATE], 2, "--scenario"),
    (["check", GOOD_TEMPLATE], 2, "name at least one scenario file: --scenario FILE"),
    (["replay", GOOD_TEMPLATE], 2, "--profile"),
    (["lint", GOOD_TEMPLATE, "--format", "xml"], 2, "invalid choice"),
    (["simulate", GOOD_TEMPLATE, "--scenario", GOOD_SCENARIO, "--seed", "many"], 2, "invalid int value"),
    # usage: values argparse cannot judge
    (["simulate", GOOD_TEMPLATE, "--scenario", GOOD_SCENARIO, "--start", "yesterday"], 2, "not an ISO 8601 time"),
    (["simulate", GOOD_TEMPLATE, "--scenario", GOOD_SCENARIO, "--parameter", "Stage"], 2, "use NAME=VALUE"),
    (["simulate", GOOD_TEMPLATE, "--scenario", GOOD_SCENARIO, "--backend", "moto"], 2, "--moto-endpoint"),
    (["schema", "-o", str(BAD / "no-such-dir" / "schema.json")], 2, "No such file or directory"),
    (["explain", MINIMAL_CONFIG, "--cdk-out", str(BAD / "no-such-dir")], 2, "no *.template.json"),
    # valid but unusual inputs: documented results, exit 0
    (["simulate", GOOD_TEMPLATE, "--scenario", _b("scenario", "unknown-set.yaml"), "--json"], 0, "NotFoundException"),
    (["simulate", GOOD_TEMPLATE, "--scenario", _b("scenario", "too-many-recipients.yaml"), "--json"], 0, "Recipient count exceeds 50."),
    (["check", GOOD_TEMPLATE, _b("scenario", "too-many-recipients.yaml")], 0, "1 passed"),
    (["check", GOOD_TEMPLATE, GOOD_SCENARIO], 0, "1 passed"),
    (["lint", GOOD_TEMPLATE], 0, "0 error(s)"),
    (["replay", GOOD_TEMPLATE, "--profile", GOOD_PROFILE, "--json"], 0, "marketing"),
    (["check", GOOD_TEMPLATE, _b("scenario", "unknown-set.yaml")], 0, "no expectations"),
    # findings and failures: exit 1
    (["check", GOOD_TEMPLATE, _b("scenario", "failing-expectation.yaml")], 1, "not 'summer'"),
    (["check", GOOD_TEMPLATE, GOOD_SCENARIO, _b("scenario", "failing-expectation.yaml"), "--format", "json"], 1, '"failed": 1'),
]
for name in BAD_CONFIGS:
    path = _b("config", name)
    CASES += [(["validate", path], 1, "error"), (["validate", path, "--json"], 1, '"valid": false'), (["explain", path], 1, "error")]
CASES.append((["validate", _b("config", "missing.yaml")], 1, "file not found"))
for name in BAD_SCENARIOS:
    path = _b("scenario", name)
    CASES += [
        (["simulate", GOOD_TEMPLATE, "--scenario", path], 2, name),
        (["check", GOOD_TEMPLATE, GOOD_SCENARIO, path], 2, name),
        (["lint", GOOD_TEMPLATE, "--scenario", path], 2, name),
    ]
for name in BAD_TEMPLATES:
    path = _b("template", name)
    CASES += [
        (["simulate", path, "--scenario", GOOD_SCENARIO], 2, name),
        (["check", path, GOOD_SCENARIO], 2, name),
        (["lint", path], 2, name),
        (["replay", path, "--profile", GOOD_PROFILE], 2, name),
    ]
for name in BAD_PROFILES:
    CASES.append((["replay", GOOD_TEMPLATE, "--profile", _b("profile", name)], 2, name))


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        code = cli.main(argv)
    except SystemExit as exit_:  # argparse: --help, usage errors
        code = exit_.code if isinstance(exit_.code, int) else 2
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize(("argv", "expected", "fragment"), CASES, ids=lambda v: " ".join(Path(a).name for a in v) if isinstance(v, list) else None)
def test_each_command_answers_bad_input_with_its_documented_exit_code(argv, expected, fragment, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # --out, --report and the like never write into the repository
    code, output = _run(argv, capsys)
    assert "Traceback" not in output
    assert code == expected, output
    assert fragment in output, output


def test_every_command_meets_the_corpus():
    commands = {argv[0] for argv, _, _ in CASES if argv} - {"frobnicate"}
    assert commands == {"validate", "schema", "explain", "simulate", "check", "lint", "replay"}
    assert {code for _, code, _ in CASES} == {0, 1, 2}


def test_the_console_script_prints_no_traceback_for_a_broken_template(tmp_path):
    script = Path(sys.executable).with_name("ses-metrics")
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    run = subprocess.run(
        [str(script), "check", _b("template", "truncated.json"), _b("scenario", "unclosed.yaml")],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60,
    )
    assert run.returncode == 2
    assert "Traceback" not in run.stdout + run.stderr
    assert "unclosed.yaml" in run.stderr


# --- the hostile corpus: every command in a child process under limits ---------------------

# A few cases whose answer is pinned (the rest must merely be an answer): (case name, command) ->
# (exit code, a fragment of the output).
HOSTILE_ANSWERS = {
    ("config/alias-bomb.yaml", "validate"): (1, "its aliases expand to more than 100,000 additional nodes"),
    ("config/deep-brackets.yaml", "explain"): (1, "nested more than 64 levels deep"),
    ("config/10001-sets.yaml", "validate"): (1, "10,001 configuration sets; SES allows at most 10,000 per Region"),
    ("config/over-500-resources.yaml", "validate"): (1, "would have at least 600 CloudFormation resources"),
    ("config/topic-name-mapping.yaml", "validate"): (1, "Input should be a valid string"),
    ("scenario/deep-brackets.json", "simulate"): (2, "nested more than 64 levels deep"),
    ("scenario/huge-int.yaml", "check"): (2, "an integer has more than 4,300 digits"),
    ("scenario/start-year-9999.json", "simulate"): (2, "is outside 1970-01-01T00:00:00Z .. 9998-12-31T23:59:59Z"),
    ("scenario/crlf-header-value.json", "simulate"): (0, "BadRequestException"),
    ("template/cycle-ref.json", "simulate"): (2, "this template is not something CloudFormation would accept: cycle-ref/"),
    ("template/intrinsic-join-arity.json", "replay"): (2, "Fn::Join takes [delimiter, [values]]"),
    ("template/chain-ref.json", "lint"): (2, "references chained more than 50 deep"),
    ("template/escape-names.json", "lint"): (1, "SM504"),
    ("profile/start-1900.yaml", "replay"): (2, "start 1900-01-01T00:00:00+00:00 is outside"),
    ("profile/huge-volume.yaml", "replay"): (2, "more than the 100,000,000 one replay takes"),
    ("--out: names that are paths", "simulate"): (2, "refusing to write, nothing written"),
    ("--out: a directory ses-metrics did not write", "simulate"): (2, "ses-metrics did not write it"),
    ("--junit: the file is a symlink", "check"): (2, "is a symbolic link: ses-metrics does not write through one"),
    ("init --force: a link planted in place of a file", "init"): (2, "ses-metrics.yaml is a symbolic link"),
    ("init --force: a link planted in place of a directory", "init"): (2, "tests is a symbolic link or a file, not a directory"),
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """Every command over the hostile corpus, each in a forked child capped at 1 GiB of address
    space and 20 s (tests/_support/hostile.py), and the files written outside any output."""
    from hostile import run_cases
    from hostile_corpus import build, escapes, snapshot

    sandbox = tmp_path_factory.mktemp("hostile")
    cases = build(sandbox)
    before = snapshot(sandbox)
    outcomes = run_cases(cases)
    return cases, outcomes, escapes(sandbox, before, cases)


def test_no_hostile_input_makes_any_command_crash_hang_blow_up_or_print_a_traceback(hostile):
    _, outcomes, _ = hostile
    broken = [
        f"{o.name}: {' '.join(o.argv[:1])}: " + ("timed out" if o.timed_out else f"signal {o.signal}" if o.crashed else
                                                  "memory" if o.memory_error else "traceback" if o.traceback else f"exit {o.code}")
        for o in outcomes if o.timed_out or o.crashed or o.memory_error or o.traceback or o.code not in (0, 1, 2)
    ]
    assert broken == []


def test_no_hostile_input_makes_a_command_write_outside_its_output(hostile):
    assert hostile[2] == []


@pytest.mark.parametrize(("case", "command"), HOSTILE_ANSWERS, ids=[f"{c} {n}" for c, n in HOSTILE_ANSWERS])
def test_hostile_inputs_are_answered_with_the_documented_exit_code_and_why(hostile, case, command):
    code, fragment = HOSTILE_ANSWERS[case, command]
    [outcome] = [o for o in hostile[1] if o.name == case and o.argv[0] == command]
    assert outcome.code == code, outcome.output[-2000:]
    assert fragment in outcome.output


def test_the_hostile_corpus_reaches_every_command(hostile):
    commands = {module.__name__.rsplit(".", 1)[-1] for module in cli.COMMANDS}
    assert {case.argv[0] for case in hostile[0]} == commands
