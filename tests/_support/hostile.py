"""Running ``ses-metrics`` commands under limits, many at a time, fast.

``run_cases(cases)`` starts one Python process (the *server*: it imports the command and
what it loads lazily once), which forks a child per case. Each child changes into the
case's directory, sends its output to files, caps its address space (``RLIMIT_AS``), runs
``ses_metrics.cli.main`` and exits with its code; an exception escaping ``main`` is printed
as Python would print it (a traceback, exit 1). The server kills a child at the timeout and
reports, per case: the exit code or the signal, the seconds, the peak resident memory
(``wait4``), and the output. A fork costs milliseconds where a new interpreter costs most
of a second, so a corpus of a hundred cases runs in a few seconds.

Run as a script it is the server: one JSON list of cases on standard input, one JSON list of
outcomes on standard output.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

MEMORY_LIMIT = 1 << 30  # bytes of address space per command
TIMEOUT = 20.0  # seconds per command


@dataclass(frozen=True)
class Case:
    name: str
    argv: list[str]
    cwd: str


@dataclass
class Outcome:
    name: str
    argv: list[str]
    code: int | None  # the exit code, None when killed by a signal
    signal: int | None
    seconds: float
    max_rss_mib: float
    output: str
    timed_out: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def traceback(self) -> bool:
        return "Traceback (most recent call last)" in self.output

    @property
    def memory_error(self) -> bool:
        return "MemoryError" in self.output or self.max_rss_mib > MEMORY_LIMIT / (1 << 20)

    @property
    def crashed(self) -> bool:
        return self.signal is not None and not self.timed_out


def run_cases(cases: list[Case], *, python: str = sys.executable, env: dict[str, str] | None = None,
              timeout: float = TIMEOUT, memory: int = MEMORY_LIMIT) -> list[Outcome]:
    """Every case in a forked child of one server process (see the module docstring)."""
    request = json.dumps({"cases": [asdict(c) for c in cases], "timeout": timeout, "memory": memory})
    done = subprocess.run([python, __file__], input=request, capture_output=True, text=True, env=env,
                          timeout=timeout * len(cases) + 120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the case server failed ({done.returncode}): {done.stderr[-3000:]}")
    return [Outcome(**o) for o in json.loads(done.stdout)]


# --- the server ----------------------------------------------------------------------


def _preload() -> None:
    """What the commands import lazily, so each child does not import it again."""
    import ses_metrics.cli  # noqa: F401
    for name in ("ses_metrics.platform.config", "ses_metrics.platform.explain", "ses_metrics.simulator", "ses_metrics.simulator.report",
                 "ses_metrics.ci.scenarios", "ses_metrics.ci.expectations", "ses_metrics.ci.lint", "ses_metrics.ci.junit",
                 "ses_metrics.replay", "ses_metrics.replay.console", "ses_metrics.replay.report", "ses_metrics.simulator.athena",
                 "duckdb", "rich.console", "rich.table", "rich.markup"):
        with contextlib.suppress(ImportError):
            __import__(name)
    try:
        from ses_metrics.simulator.sends import validate_request

        validate_request({}, "SendEmail")  # loads botocore's sesv2 model once
    except Exception:  # an older or newer tree: the child loads it
        pass


def _child(case: dict, memory: int, out: str) -> None:
    import resource
    import traceback

    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    os.chdir(case["cwd"])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    code = 1
    try:
        from ses_metrics import cli

        code = cli.main(case["argv"])
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except BaseException:  # what Python itself would print
        traceback.print_exc()
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


def _serve(request: dict) -> list[dict]:
    import tempfile

    _preload()
    outcomes = []
    with tempfile.TemporaryDirectory() as scratch:
        for index, case in enumerate(request["cases"]):
            out = os.path.join(scratch, f"{index}.out")
            sys.stdout.flush()
            sys.stderr.flush()
            started = time.monotonic()
            pid = os.fork()
            if pid == 0:
                _child(case, request["memory"], out)
            timed_out = False
            while True:
                waited, status, usage = os.wait4(pid, os.WNOHANG)
                if waited:
                    break
                if time.monotonic() - started > request["timeout"]:
                    os.kill(pid, signal.SIGKILL)
                    _, status, usage = os.wait4(pid, 0)
                    timed_out = True
                    break
                time.sleep(0.002)
            seconds = time.monotonic() - started
            output = Path(out).read_text(encoding="utf-8", errors="replace")
            outcomes.append({
                "name": case["name"], "argv": case["argv"],
                "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
                "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
                "seconds": round(seconds, 3), "max_rss_mib": round(usage.ru_maxrss / 1024, 1),
                "output": output[-20_000:], "timed_out": timed_out,
            })
    return outcomes


if __name__ == "__main__":
    json.dump(_serve(json.load(sys.stdin)), sys.stdout)
