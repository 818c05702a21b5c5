"""How fast the document reader's limits trip, what they cost a legitimate document, and the
peak memory of reading a document at each size limit; and the hostile corpus over a tree.

    .venv/bin/python benchmarks/hostile.py                      # the reader: a Markdown table
    .venv/bin/python benchmarks/hostile.py --corpus [--pythonpath DIR]   # every command over the corpus

Each reader figure runs in a fresh child process (``ru_maxrss`` is per process): the median
of ``--repeat`` runs of seconds, and that child's peak RSS. ``--corpus`` runs
tests/_support/hostile_corpus.py (the corpus test's cases) against this tree, or against
the ses_metrics of ``--pythonpath`` (a ``git archive`` of an older commit), and prints the
counts of tracebacks, hangs, crashes, memory blow-ups and escapes.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = """
import resource, sys, time
from ses_metrics.files.documents import DocumentError, read_document
started = time.perf_counter()
try:
    read_document(sys.argv[1])
    outcome = "read"
except DocumentError as error:
    outcome = "refused: " + error.reason[:60]
seconds = time.perf_counter() - started
print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, outcome, sep="\\t")
"""

_BASELINE_CHILD = """
import resource, sys, time, json, yaml
text = open(sys.argv[1], encoding="utf-8").read()
started = time.perf_counter()
data = json.loads(text) if text.lstrip().startswith("{") else yaml.load(text, Loader=yaml.CSafeLoader)
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, "read (no limits)", sep="\\t")
"""


def documents(directory: Path) -> dict[str, Path]:
    """The documents measured: hostile ones the limits refuse, legitimate ones near them."""
    send = {"FromEmailAddress": "news@example.com", "Destination": {"ToAddresses": ["success@simulator.amazonses.com"]},
            "ConfigurationSetName": "marketing", "EmailTags": [{"Name": "campaign", "Value": "spring"}],
            "Content": {"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello"}}}}}
    bomb = "a0: &a0 [" + ", ".join(["lol"] * 9) + "]\n" + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10))
    import yaml

    found = {
        "alias bomb (9 levels of 9, 1 KB)": bomb + "sends: *a9\n",
        "100,000 nested brackets (YAML)": "sends: " + "[" * 100_000,
        "100,000 nested brackets (JSON)": '{"sends": ' + "[" * 100_000,
        "YAML scenario under the 1 MiB limit": yaml.dump({"sends": [copy.deepcopy(send) for _ in range(3_500)]}, Dumper=yaml.CSafeDumper),
        "JSON scenario under the 16 MiB limit": json.dumps({"sends": [copy.deepcopy(send) for _ in range(38_000)]}, indent=1),
    }
    paths = {}
    for index, (name, text) in enumerate(found.items()):
        path = directory / f"{index}.{'json' if text.lstrip().startswith('{') else 'yaml'}"
        path.write_text(text, encoding="utf-8")
        paths[name] = path
    (directory / "index.tsv").write_text("".join(f"{name}\t{path}\n" for name, path in paths.items()))
    return paths


def measure(path: Path, repeat: int, code: str, pythonpath: str | None = None) -> tuple[float, int, str]:
    runs = []
    env = {"PYTHONPATH": pythonpath} if pythonpath else None
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=600, env=env, check=False)
        if out.returncode != 0:
            return float("nan"), 0, f"exit {out.returncode}: {out.stderr.strip().splitlines()[-1][:60] if out.stderr.strip() else ''}"
        seconds, rss, outcome = out.stdout.strip().split("\t")
        runs.append((float(seconds), int(rss), outcome))
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs), runs[0][2]


def reader_table(repeat: int, baseline: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        # Written by a child: ru_maxrss survives exec, so this process must stay small.
        subprocess.run([sys.executable, __file__, "--write", tmp], check=True)
        paths = {line.split("\t")[0]: Path(line.split("\t")[1]) for line in (Path(tmp) / "index.tsv").read_text().splitlines()}
        print("| document | size | seconds | peak RSS (MiB) | outcome |")
        print("|---|---|---|---|---|")
        for name, path in paths.items():
            seconds, rss, outcome = measure(path, repeat, _CHILD)
            print(f"| {name} | {path.stat().st_size / 2**20:.2f} MiB | {seconds:.3f} | {rss} | {outcome} |")
            if baseline and "under the" in name:
                seconds, rss, outcome = measure(path, repeat, _BASELINE_CHILD)
                print(f"| {name}, parsed without the limits' checks | | {seconds:.3f} | {rss} | {outcome} |")


def corpus(pythonpath: str | None) -> None:
    command = [sys.executable, str(ROOT / "tests" / "_support" / "hostile_corpus.py")]
    if pythonpath:
        command += ["--pythonpath", pythonpath]
    subprocess.run(command, check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--corpus", action="store_true", help="run every command over the hostile corpus instead")
    parser.add_argument("--pythonpath", help="with --corpus: import ses_metrics from this source root")
    parser.add_argument("--write", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:
        documents(Path(args.write))
    elif args.corpus:
        corpus(args.pythonpath)
    else:
        reader_table(args.repeat, baseline=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
