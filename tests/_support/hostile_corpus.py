"""The hostile-input corpus (tests/fixtures/bad/hostile/make_corpus.py) as command lines, and
what counts as a failure: a traceback, a crash (a signal), a hang (over the timeout), a
memory blow-up (over the address-space cap), an exit code other than 0, 1 or 2, and an
escape (a file written outside the directory or file a command was told to write).

``build(sandbox)`` writes the corpus into ``sandbox`` and returns the cases;
``escapes(sandbox)`` lists files written where no command was told to write.
Run as a script (``python tests/_support/hostile_corpus.py [--python PY] [--pythonpath DIR]``)
it prints the counts, for measuring a tree before and after a change.
"""

from __future__ import annotations

import hashlib
import os
import runpy
import sys
from collections import Counter
from pathlib import Path

from hostile import Case, Outcome

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "fixtures" / "bad"
MAKER = BAD / "hostile" / "make_corpus.py"
GOOD_TEMPLATE = BAD / "template" / "foreign-tool.json"
GOOD_SCENARIO = BAD / "scenario" / "good.yaml"
GOOD_PROFILE = BAD / "profile" / "tiny.yaml"
MINIMAL_CONFIG = ROOT / "tests" / "fixtures" / "minimal.yaml"
SECRET = "outside the output root; must stay unchanged\n"


def write_corpus(directory: Path) -> Path:
    """The corpus files under ``directory/corpus``, ``@SANDBOX@`` replaced by ``directory``."""
    corpus = directory / "corpus"
    runpy.run_path(str(MAKER), run_name="corpus")["make"](corpus)
    for path in corpus.rglob("*"):
        if path.is_file() and b"@SANDBOX@" in path.read_bytes():
            path.write_text(path.read_text(encoding="utf-8").replace("@SANDBOX@", str(directory)), encoding="utf-8")
    return corpus


def build(sandbox: Path) -> list[Case]:
    """Every command over every hostile file that command reads, plus the output cases."""
    corpus = write_corpus(sandbox)
    runs = sandbox / "a" / "b" / "c" / "runs"  # a name with a few ../ too many still lands in the sandbox
    cases: list[Case] = []

    def add(name: str, *argv: object) -> Path:
        cwd = runs / f"{len(cases):03d}"
        cwd.mkdir(parents=True)
        cases.append(Case(name, [str(a) for a in argv], str(cwd)))
        return cwd

    for path in sorted((corpus / "config").iterdir()):
        add(f"config/{path.name}", "validate", path, "--json")
        if path.name != "10001-sets.yaml":  # validate's reading of it is explain's; 2 s each
            add(f"config/{path.name}", "explain", path)
    for path in sorted((corpus / "scenario").iterdir()):
        add(f"scenario/{path.name}", "simulate", GOOD_TEMPLATE, "--scenario", path, "--json")
        add(f"scenario/{path.name}", "check", GOOD_TEMPLATE, path)
        add(f"scenario/{path.name}", "lint", GOOD_TEMPLATE, "--scenario", path)
    for path in sorted((corpus / "template").iterdir()):
        # check reads a template as simulate does (load_topology); query through read_catalog
        if path.is_dir():
            add(f"template/{path.name}", "explain", path)
        add(f"template/{path.name}", "simulate", path, "--scenario", GOOD_SCENARIO, "--json")
        add(f"template/{path.name}", "lint", path)
        add(f"template/{path.name}", "replay", path, "--profile", GOOD_PROFILE, "--json")
        add(f"template/{path.name}", "query", sandbox, "SELECT 1", "--template", path)
    for path in sorted((corpus / "profile").iterdir()):
        add(f"profile/{path.name}", "replay", corpus / "template" / "alarmed.json", "--profile", path, "--json")
    for start in ("0001-01-01T00:00:00Z", "1900-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "+275760-09-13T00:00:00Z"):
        add(f"--start {start}", "simulate", GOOD_TEMPLATE, "--scenario", GOOD_SCENARIO, "--start", start, "--json")
    add("--seed 4000 digits", "simulate", GOOD_TEMPLATE, "--scenario", GOOD_SCENARIO, "--seed", "9" * 4000, "--json")
    add("--parameter CRLF", "simulate", GOOD_TEMPLATE, "--scenario", GOOD_SCENARIO, "--parameter", "Stage=prod\r\nX", "--json")
    add("schema", "schema")
    cases += _output_cases(sandbox, corpus, add)
    return cases


def _output_cases(sandbox: Path, corpus: Path, add) -> list[Case]:
    """--out, --report, --junit and -o: names that are paths, planted symlinks, reused directories."""
    outside = sandbox / "outside"
    outside.mkdir()
    escape_template, escape_scenario = corpus / "template" / "escape-names.json", corpus / "scenario" / "escape-names.json"
    add("--out: names that are paths", "simulate", escape_template, "--scenario", escape_scenario, "--out", "out")
    for planted in ("out/sns", "out/simulation.json", "out/cloudwatch"):
        cwd = add(f"--out: symlink planted at {planted}", "simulate", escape_template, "--scenario", escape_scenario, "--out", "out")
        _plant(cwd / planted, outside / planted.replace("/", "_"), directory=planted != "out/simulation.json")
    cwd = add("--out: a directory ses-metrics did not write", "simulate", GOOD_TEMPLATE, "--scenario", GOOD_SCENARIO, "--out", "out")
    (cwd / "out").mkdir()
    (cwd / "out" / "keep.txt").write_text("the user's own file\n")
    cwd = add("init --force: a link planted in place of a file", "init", "proj", "--force")
    _plant(cwd / "proj" / "ses-metrics.yaml", outside / "init-config.txt", directory=False)
    cwd = add("init --force: a link planted in place of a directory", "init", "proj", "--force")
    _plant(cwd / "proj" / "tests", outside / "init-tests", directory=True)
    cwd = add("init: the directory is a file", "init", "proj")
    (cwd / "proj").write_text("a file\n")
    for option, argv in (("--report", ["replay", GOOD_TEMPLATE, "--profile", GOOD_PROFILE, "--report", "report.html"]),
                         ("--junit", ["check", GOOD_TEMPLATE, GOOD_SCENARIO, "--junit", "report.html"]),
                         ("schema -o", ["schema", "-o", "report.html"])):
        cwd = add(f"{option}: the file is a symlink", *argv)
        _plant(cwd / "report.html", outside / f"{option.strip('-').replace(' ', '_')}.txt", directory=False)
    return []


def _plant(link: Path, target: Path, *, directory: bool) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    if directory:
        target.mkdir(parents=True)
        (target / "secret.txt").write_text(SECRET)
    else:
        target.write_text(SECRET)
    link.symlink_to(target, target_is_directory=directory)


def snapshot(sandbox: Path) -> dict[str, str]:
    """Every file under the sandbox (links not followed) and a digest of its content."""
    found = {}
    for top, _dirs, files in os.walk(sandbox):
        for name in files:
            path = Path(top) / name
            if not path.is_symlink():
                found[str(path.relative_to(sandbox))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def escapes(sandbox: Path, before: dict[str, str], cases: list[Case]) -> list[str]:
    """Files created or changed outside each case's own directory's outputs: any file new or
    changed outside ``runs/NNN/`` (or under ``runs/NNN/`` but not in the out directory or the
    report file) and any file under ``outside/`` that changed."""
    after = snapshot(sandbox)
    allowed = []
    for case in cases:
        run = Path(case.cwd).relative_to(sandbox)
        allowed += [f"{run}/out/", f"{run}/report.html", f"{run}/proj/"]
    found = []
    for path, digest in after.items():
        if before.get(path) == digest:
            continue
        if not any(path == a or path.startswith(a) for a in allowed):
            found.append(path)
    return sorted(found)


def classify(outcomes: list[Outcome]) -> Counter:
    counts: Counter = Counter()
    for o in outcomes:
        if o.timed_out:
            counts["hang"] += 1
        elif o.crashed:
            counts["crash"] += 1
        elif o.memory_error:
            counts["memory"] += 1
        elif o.traceback:
            counts["traceback"] += 1
        elif o.code not in (0, 1, 2):
            counts["bad exit code"] += 1
    return counts


def main(argv: list[str]) -> int:
    import argparse
    import json
    import tempfile
    import time

    from hostile import run_cases

    parser = argparse.ArgumentParser()
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--pythonpath", help="a source root to import ses_metrics from (a tree from `git archive`)")
    parser.add_argument("--json", help="write every outcome to this file")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    if args.pythonpath:
        env["PYTHONPATH"] = args.pythonpath
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        sandbox = Path(tmp)
        cases = build(sandbox)
        before = snapshot(sandbox)
        started = time.monotonic()
        outcomes = run_cases(cases, python=args.python, env=env)
        elapsed = time.monotonic() - started
        escaped = escapes(sandbox, before, cases)
    counts = classify(outcomes)
    counts["escape"] = len(escaped)
    for o in outcomes:
        label = "hang" if o.timed_out else "crash" if o.crashed else "memory" if o.memory_error else "traceback" if o.traceback else ""
        if label:
            print(f"{label:9} {o.seconds:6.2f}s {o.max_rss_mib:7.0f}MiB  {o.name}: {' '.join(Path(a).name if '/' in a else a for a in o.argv)[:110]}")
    for path in escaped:
        print(f"escape    {path}")
    print(f"{len(cases)} cases in {elapsed:.1f} s: " + ", ".join(f"{k} {counts[k]}" for k in ("traceback", "hang", "crash", "memory", "escape", "bad exit code")))
    print(f"slowest: {max(o.seconds for o in outcomes):.2f} s; peak RSS: {max(o.max_rss_mib for o in outcomes):.0f} MiB")
    if args.json:
        Path(args.json).write_text(json.dumps([o.__dict__ for o in outcomes], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
