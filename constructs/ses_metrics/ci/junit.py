"""JUnit XML for ``ses-metrics check --junit FILE``, the report format CI systems display.

The Ant/Jenkins shape that GitHub Actions reporters, GitLab, Jenkins and Azure Pipelines
read: ``<testsuites>`` with one ``<testsuite>`` per scenario file and one ``<testcase>`` per
expectation (``name`` is ``expect[i]: <the expectation as a sentence>``, ``classname`` the
scenario file). A failed expectation holds a ``<failure>`` whose ``message`` says what
happened instead; one that cannot be checked (a sink this version does not simulate) an
``<error>``. The simulator's warnings go to the suite's ``<system-err>``. Times are the
simulation's, per suite; each expectation is checked in microseconds and reports 0.
"""

from __future__ import annotations

import io
import socket
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ses_metrics.ci.expectations import ExpectationResult, Status
from ses_metrics.files.output import write_file


@dataclass
class SuiteResult:
    """One scenario file, checked."""

    source: str
    results: list[ExpectationResult]
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    started: datetime = field(default_factory=lambda: datetime.now(UTC))

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status is status)


def to_xml(suites: Sequence[SuiteResult], *, name: str = "ses-metrics check") -> ET.Element:
    root = ET.Element("testsuites", name=name)
    totals = {"tests": 0, "failures": 0, "errors": 0}
    total_time = 0.0
    hostname = socket.gethostname() or "localhost"
    for index, suite in enumerate(suites):
        counts = {"tests": len(suite.results), "failures": suite.count(Status.FAILED), "errors": suite.count(Status.ERROR)}
        element = ET.SubElement(
            root,
            "testsuite",
            name=suite.source,
            id=str(index),
            **{k: str(v) for k, v in counts.items()},
            skipped="0",
            time=f"{suite.seconds:.3f}",
            timestamp=suite.started.strftime("%Y-%m-%dT%H:%M:%S"),
            hostname=hostname,
        )
        for result in suite.results:
            case = ET.SubElement(element, "testcase", classname=suite.source, name=f"expect[{result.index}]: {result.description}", file=suite.source, time="0")
            if result.status is Status.FAILED:
                ET.SubElement(case, "failure", message=result.message, type="ExpectationFailed").text = result.message
            elif result.status is Status.ERROR:
                ET.SubElement(case, "error", message=result.message, type="NotSimulated").text = result.message
        if suite.warnings:
            ET.SubElement(element, "system-err").text = "\n".join(suite.warnings)
        for key, value in counts.items():
            totals[key] += value
        total_time += suite.seconds
    root.attrib.update({k: str(v) for k, v in totals.items()}, time=f"{total_time:.3f}")
    return root


def write(path: str | Path, suites: Sequence[SuiteResult]) -> None:
    """Write the report to ``path`` (UTF-8, with an XML declaration); never through a link
    (``ses_metrics.files.output.write_file``)."""
    tree = ET.ElementTree(to_xml(suites))
    ET.indent(tree)
    buffer = io.BytesIO()
    tree.write(buffer, encoding="utf-8", xml_declaration=True)
    write_file(path, buffer.getvalue())
