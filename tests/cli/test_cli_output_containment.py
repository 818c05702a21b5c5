"""Every writer stays where it was told to write: ``simulate --out`` (names from the template
and the messages, planted links, a reused directory), ``replay --report``, ``check --junit``
and ``schema -o`` (a link where the file goes). Each case checks that the file outside is
unchanged and that nothing was written outside the sandbox's output."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import pytest

from ses_metrics.cli import main
from ses_metrics.files.output import MANIFEST

BAD = Path(__file__).resolve().parents[1] / "fixtures" / "bad"
GOOD_TEMPLATE = BAD / "template" / "foreign-tool.json"
GOOD_SCENARIO = BAD / "scenario" / "good.yaml"
GOOD_PROFILE = BAD / "profile" / "tiny.yaml"
SECRET = "outside the output; must stay unchanged\n"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The hostile corpus's names-that-are-paths template and scenario, absolute names pointing
    into this module's own directory."""
    directory = tmp_path_factory.mktemp("escape")
    runpy.run_path(str(BAD / "hostile" / "make_corpus.py"), run_name="corpus")["make"](directory / "corpus")
    for kind in ("template", "scenario"):
        text = (directory / "corpus" / kind / "escape-names.json").read_text()
        (directory / f"{kind}.json").write_text(text.replace("@SANDBOX@", str(directory / "absolute")))
    return directory / "template.json", directory / "scenario.json"


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    work = tmp_path / "a" / "b" / "c" / "work"  # a few ../ too many still land in tmp_path
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET)
    return tmp_path


def files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and not p.is_symlink()}


def run(capsys, *argv) -> tuple[int, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out + err


def test_simulate_out_refuses_names_that_are_paths_and_writes_nothing(capsys, sandbox, corpus):
    template, scenario = corpus
    before = files(sandbox)
    code, output = run(capsys, "simulate", template, "--scenario", scenario, "--out", "out")
    assert code == 2
    assert "refusing to write, nothing written" in output
    for name in ("escaped-topic.jsonl", "escaped-subject", "absolute-topic.jsonl"):
        assert name in output
    assert files(sandbox) == before
    assert not (template.parent / "absolute").exists()


def test_simulate_out_writes_under_the_directory_and_lists_what_it_wrote(capsys, sandbox):
    code, _ = run(capsys, "simulate", GOOD_TEMPLATE, "--scenario", GOOD_SCENARIO, "--out", "out")
    assert code == 0
    out = Path("out").resolve()
    listed = json.loads((out / MANIFEST).read_text())["files"]
    assert set(listed) == {"simulation.json", "cloudwatch/datapoints.jsonl"}
    assert files(sandbox) == {"outside/secret.txt", *(str((out / n).relative_to(sandbox)) for n in [*listed, MANIFEST])}


def test_simulate_out_again_replaces_the_previous_runs_files(capsys, sandbox):
    out = Path("out")
    assert run(capsys, "simulate", GOOD_TEMPLATE, "--scenario", GOOD_SCENARIO, "--out", out)[0] == 0
    (out / "cloudwatch" / "stale-from-an-older-version.jsonl").write_text("")
    manifest = json.loads((out / MANIFEST).read_text())
    (out / MANIFEST).write_text(json.dumps({**manifest, "files": [*manifest["files"], "cloudwatch/stale-from-an-older-version.jsonl"]}))
    assert run(capsys, "simulate", GOOD_TEMPLATE, "--scenario", GOOD_SCENARIO, "--out", out)[0] == 0
    assert sorted(p.name for p in (out / "cloudwatch").iterdir()) == ["datapoints.jsonl"]


def test_simulate_out_refuses_a_directory_it_did_not_write(capsys, sandbox):
    Path("out").mkdir()
    Path("out/thesis.tex").write_text("mine")
    code, output = run(capsys, "simulate", GOOD_TEMPLATE, "--scenario", GOOD_SCENARIO, "--out", "out")
    assert code == 2
    assert f"not empty and ses-metrics did not write it (no {MANIFEST})" in output
    assert sorted(p.name for p in Path("out").iterdir()) == ["thesis.tex"]


@pytest.mark.parametrize("planted", ["cloudwatch", "simulation.json"])
def test_simulate_out_follows_no_link_planted_in_the_directory(capsys, sandbox, planted):
    out = Path("out")
    assert run(capsys, "simulate", GOOD_TEMPLATE, "--scenario", GOOD_SCENARIO, "--out", out)[0] == 0
    victim = out / planted
    if victim.is_dir():
        for path in victim.iterdir():
            path.unlink()
        victim.rmdir()
        victim.symlink_to(sandbox / "outside", target_is_directory=True)
    else:
        victim.unlink()
        victim.symlink_to(sandbox / "outside" / "secret.txt")
    code, _ = run(capsys, "simulate", GOOD_TEMPLATE, "--scenario", GOOD_SCENARIO, "--out", out)
    assert code in (0, 2)  # a link in a file's place is removed and the run goes on; one in a directory's place is refused
    assert files(sandbox / "outside") == {"secret.txt"}
    assert (sandbox / "outside" / "secret.txt").read_text() == SECRET


# Each writer of one named file: its command line without the file name.
WRITERS = {
    "replay --report": ["replay", GOOD_TEMPLATE, "--profile", GOOD_PROFILE, "--report"],
    "check --junit": ["check", GOOD_TEMPLATE, GOOD_SCENARIO, "--junit"],
    "schema -o": ["schema", "-o"],
}


@pytest.mark.parametrize("writer", WRITERS)
def test_a_report_file_that_is_a_link_is_refused(capsys, sandbox, writer):
    Path("report.html").symlink_to(sandbox / "outside" / "secret.txt")
    code, output = run(capsys, *WRITERS[writer], "report.html")
    assert code == 2
    assert "report.html is a symbolic link: ses-metrics does not write through one" in output
    assert (sandbox / "outside" / "secret.txt").read_text() == SECRET


@pytest.mark.parametrize("writer", WRITERS)
def test_a_report_file_is_written_where_it_was_named(capsys, sandbox, writer):
    Path("reports").mkdir()  # schema -o creates no directory
    code, _ = run(capsys, *WRITERS[writer], "reports/report.html")
    assert code == 0
    assert files(sandbox) == {"outside/secret.txt", "a/b/c/work/reports/report.html"}


@pytest.mark.parametrize("planted", ["ses-metrics.yaml", "tests"])
def test_init_force_follows_no_link_planted_in_the_directory(capsys, sandbox, planted):
    Path("proj").mkdir()
    target = sandbox / "outside" / ("secret.txt" if planted == "ses-metrics.yaml" else "")
    (Path("proj") / planted).symlink_to(target, target_is_directory=planted == "tests")
    code, output = run(capsys, "init", "proj", "--force")
    assert code == 2
    assert f"proj/{planted} is a symbolic link" in output
    assert files(sandbox / "outside") == {"secret.txt"}
    assert (sandbox / "outside" / "secret.txt").read_text() == SECRET


def test_init_writes_only_under_its_directory(capsys, sandbox):
    assert run(capsys, "init", "proj")[0] == 0
    assert {path for path in files(sandbox) if not path.startswith("a/b/c/work/proj/")} == {"outside/secret.txt"}


def test_the_archive_writer_of_query_and_replay_out_refuses_keys_that_are_paths(sandbox):
    from ses_metrics.files.output import OutputError
    from ses_metrics.simulator.athena import write_objects

    class Objects:
        def items(self):
            return [("bucket", "ses/2026/01/01/a.json", b"1"), ("bucket", "../../../../escaped.json", b"2")]

    with pytest.raises(OutputError, match=r"'s3/bucket/\.\./\.\./\.\./\.\./escaped\.json': it has a '\.\.' path segment"):
        write_objects(Objects(), "archive")
    assert files(sandbox) == {"outside/secret.txt"}
