"""The ses-metrics pytest plugin: fixtures, assertion helpers, scenario files as tests.

Installed with the package (entry point ``pytest11``), so ``pip install ses-metrics`` is
enough. Nothing is imported from ``aws_cdk`` and nothing is synthesized until a test asks
for a fixture that needs it.

Where the templates come from (pytest ini options, or override the fixture)::

    [tool.pytest.ini_options]
    ses_metrics_app = "ses_metrics.platform.app:build_app"   # called with a cdk.App (CDK's built-in validation off);
                                                        # returns the app or one of its stacks (None: the app)
    # ses_metrics_template = "cdk.out"                  # or: templates `cdk synth` already wrote (no synthesis)
    ses_metrics_scenarios = ["examples/*.yaml"]         # opt-in: scenario files collected as tests

Fixtures (session-scoped unless noted; the app is synthesized once per session):

- ``ses_metrics_app``: the app or stack; from ``ses_metrics_app``, or override it in a
  ``conftest.py`` (build the app on ``new_app()`` to keep CDK's validation off);
- ``ses_metrics_stacks``: its synthesized templates (``StackTemplate`` list);
- ``ses_metrics_topology``: what the simulator reads from them;
- ``ses_metrics_simulator`` (per test): a fresh ``Simulator`` with empty sinks;
- ``ses_metrics_capture`` (per test): the same, receiving every boto3 SES send the test
  makes (``ses_metrics.simulator.capture``);
- ``ses_metrics_lint``: the ``LintReport`` of the templates;
- ``ses_metrics_archive`` (per test): call it with a simulator for a ``LocalAthena`` over
  its S3 archive (the templates' Glue tables and named queries, Athena SQL run by DuckDB).

Helpers, whose failures say what happened instead: ``assert_reaches``,
``assert_never_reaches``, ``assert_filtered_at``, ``assert_dropped_at``, ``assert_metric``,
``assert_reputation``
(the expectation vocabulary of ``ses_metrics.ci.expectations``, as functions).

Scenario files matching ``ses_metrics_scenarios`` (globs relative to the rootdir, in a
directory pytest collects) become one test per ``expect:`` item, each scenario simulated
once against ``ses_metrics_topology``.
"""

from __future__ import annotations

import fnmatch
import importlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ses_metrics.ci.expectations import (
    DroppedAt,
    Expectation,
    FilteredAt,
    Metric,
    NeverReaches,
    Observations,
    Reaches,
    ReputationRate,
    SendRef,
    Status,
)
from ses_metrics.rules import CONFIGURATION_SET_DIMENSION

if TYPE_CHECKING:
    from ses_metrics.ci.lint import LintReport
    from ses_metrics.simulator import SendResult, SimulationResult, Simulator
    from ses_metrics.simulator.athena import LocalAthena
    from ses_metrics.simulator.template import StackTemplate
    from ses_metrics.simulator.topology import Topology

SCENARIO_SUFFIXES = (".yaml", ".yml", ".json")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("ses_metrics_app", "module:callable building the CDK app to check; called with a cdk.App, returns it or a stack")
    parser.addini("ses_metrics_template", "a cdk.out directory or template file to check instead of synthesizing an app")
    parser.addini("ses_metrics_scenarios", "glob patterns (from the rootdir) of scenario files to collect as tests", type="linelist")


# -- fixtures -------------------------------------------------------------------------------


def new_app(**kwargs: Any) -> Any:
    """A ``cdk.App`` with CDK's built-in CloudFormation validation off (it costs ~2.7 s per
    synthesis and checks nothing ses-metrics does not)."""
    import aws_cdk as cdk

    return cdk.App(builtin_cloud_formation_validation=False, **kwargs)


def synthesize(app_or_stack: Any) -> list[StackTemplate]:
    """The templates of every stack of an app, or of one stack."""
    import aws_cdk as cdk

    from ses_metrics.simulator.template import StackTemplate, load_stacks

    if isinstance(app_or_stack, cdk.Stack):
        artifact = cdk.Stage.of(app_or_stack).synth().get_stack_artifact(app_or_stack.artifact_id)
        return [StackTemplate(artifact.stack_name, artifact.template, artifact.template_full_path)]
    return load_stacks(app_or_stack.synth().directory)


@pytest.fixture(scope="session")
def ses_metrics_app(request: pytest.FixtureRequest) -> Any:
    """The app (or stack) named by the ``ses_metrics_app`` ini option, built on ``new_app()``."""
    spec = request.config.getini("ses_metrics_app")
    if not spec:
        pytest.fail(
            "ses-metrics: nothing to check: set ses_metrics_app (module:callable) or ses_metrics_template (a cdk.out "
            "directory) in the pytest configuration, or define a ses_metrics_app fixture in conftest.py",
            pytrace=False,
        )
    module, _, attribute = spec.partition(":")
    try:
        build = getattr(importlib.import_module(module), attribute or "build_app")
    except (ImportError, AttributeError) as error:
        pytest.fail(f"ses-metrics: ses_metrics_app = {spec!r}: {error}", pytrace=False)
    app = new_app()
    built = build(app)
    return app if built is None else built


@pytest.fixture(scope="session")
def ses_metrics_stacks(request: pytest.FixtureRequest) -> list[StackTemplate]:
    """The templates to check: ``ses_metrics_template`` if set, else ``ses_metrics_app`` synthesized."""
    from ses_metrics.simulator.template import TemplateError, load_stacks

    template = request.config.getini("ses_metrics_template")
    if template:
        try:
            return load_stacks(request.config.rootpath / template)
        except TemplateError as error:
            pytest.fail(f"ses-metrics: ses_metrics_template: {error}", pytrace=False)
    return synthesize(request.getfixturevalue("ses_metrics_app"))


@pytest.fixture(scope="session")
def ses_metrics_topology(ses_metrics_stacks: list[StackTemplate]) -> Topology:
    from ses_metrics.simulator.topology import build_topology

    return build_topology(ses_metrics_stacks)


@pytest.fixture
def ses_metrics_simulator(ses_metrics_topology: Topology) -> Simulator:
    """A simulator over the session's templates, with empty sinks."""
    from ses_metrics.simulator import Simulator

    return Simulator(ses_metrics_topology)


@pytest.fixture
def ses_metrics_capture(ses_metrics_topology: Topology) -> Iterator[Simulator]:
    """A fresh simulator over the session's templates that receives every boto3 SES send
    (``ses`` SendEmail, SendRawEmail, SendTemplatedEmail, SendBulkTemplatedEmail; ``sesv2``
    SendEmail, SendBulkEmail) the test makes, from any code: ``capture`` from
    ``ses_metrics.simulator.capture`` around the whole test. Firehose buffers are flushed
    when the test ends; call ``flush()`` first to read S3 objects, Redshift rows or
    OpenSearch documents inside the test."""
    from ses_metrics.simulator.capture import capture

    with capture(ses_metrics_topology) as simulator:
        yield simulator


@pytest.fixture
def ses_metrics_archive(ses_metrics_stacks: list[StackTemplate], tmp_path: Path) -> Iterator[Callable[[Simulator], LocalAthena]]:
    """Athena over a simulator's archive (per test): call it with a simulator to flush its
    Firehose buffers, write its S3 objects under the test's ``tmp_path`` and get a
    ``LocalAthena`` with the templates' Glue tables and named queries::

        athena = ses_metrics_archive(sim)
        [row] = athena.named("bounce-complaint-rate-by-campaign").records()
        assert row["bounce_rate_percent"] == 2.5
    """
    from ses_metrics.simulator.athena import LocalAthena, read_catalog, write_objects

    opened: list[LocalAthena] = []

    def open_archive(simulator: Simulator) -> LocalAthena:
        simulator.flush()
        directory = tmp_path / f"ses-metrics-archive-{len(opened)}"
        write_objects(simulator.s3, directory)
        athena = LocalAthena(directory, read_catalog(ses_metrics_stacks, simulator.topology.environment))
        opened.append(athena)
        return athena

    yield open_archive
    for athena in opened:
        athena.close()


@pytest.fixture(scope="session")
def ses_metrics_lint(ses_metrics_stacks: list[StackTemplate]) -> LintReport:
    from ses_metrics.ci.lint import lint

    return lint(ses_metrics_stacks)


# -- assertion helpers ----------------------------------------------------------------------

def _observed(result: SendResult | Sequence[SendResult] | SimulationResult, send: SendRef | None) -> tuple[Observations, SendRef]:
    """Observations of ``result`` and the reference of the send to check."""
    from ses_metrics.simulator import SendResult, SimulationResult

    if isinstance(result, SimulationResult):
        if send is None:
            raise TypeError("pass send= (a send's name or position) with a SimulationResult")
        return Observations.of(result), send
    results = [result] if isinstance(result, SendResult) else list(result)
    first = results[0]
    return Observations([results]), first.name or first.message_id or 0


def _assert(expectation: Expectation, observed: Observations) -> None:
    __tracebackhide__ = True
    status, message = expectation.evaluate(observed)
    if status is not Status.PASSED:
        raise AssertionError(f"expected {expectation.describe()}:\n{message}")


def assert_reaches(
    result: SendResult | Sequence[SendResult] | SimulationResult,
    event: str | None,
    destination: str,
    *,
    dimensions: Mapping[str, str] | None = None,
    s3_prefix: str | None = None,
    rule: str | None = None,
    send: SendRef | None = None,
) -> None:
    """Assert that an ``event`` (any type when None) of the send reaches ``destination``
    with these dimension values (CloudWatch), in this S3 prefix (Firehose) or matching this
    rule (EventBridge). ``result``: what ``send_email`` or ``send_bulk_email`` returned, or a
    ``SimulationResult`` with ``send`` (a name or position in the scenario)."""
    __tracebackhide__ = True
    observed, ref = _observed(result, send)
    _assert(
        Reaches(send=ref, event=event, reaches=destination, with_dimensions=dimensions, in_s3_prefix=s3_prefix, matches_rule=rule),
        observed,
    )


def assert_never_reaches(result: SendResult | Sequence[SendResult] | SimulationResult, event: str | None, destination: str, *, send: SendRef | None = None) -> None:
    """Assert that no ``event`` (no event at all when None) of the send reaches ``destination``."""
    __tracebackhide__ = True
    observed, ref = _observed(result, send)
    _assert(NeverReaches(send=ref, event=event, never_reaches=destination), observed)


def assert_filtered_at(result: SendResult | Sequence[SendResult] | SimulationResult, event: str | None, destination: str, *,
                       because: str | None = None, send: SendRef | None = None) -> None:
    """Assert that an ``event`` (any type when None) of the send is filtered at
    ``destination``: routing, as configured, keeps it away (disabled, not a type the
    destination matches, no configuration set); ``because``: a part of the reason (any case)."""
    __tracebackhide__ = True
    observed, ref = _observed(result, send)
    _assert(FilteredAt(send=ref, event=event, filtered_at=destination, because=because), observed)


def assert_dropped_at(result: SendResult | Sequence[SendResult] | SimulationResult, event: str | None, destination: str, *,
                      because: str | None = None, send: SendRef | None = None) -> None:
    """Assert that an ``event`` (any type when None) of the send is dropped at
    ``destination``: SES or the stream would lose or refuse it (IAM, KMS, throttling,
    limits, a verdict the simulator cannot make); ``because``: a part of the reason."""
    __tracebackhide__ = True
    observed, ref = _observed(result, send)
    _assert(DroppedAt(send=ref, event=event, dropped_at=destination, because=because), observed)


def assert_metric(simulator: Simulator | SimulationResult, metric: str, dimensions: Mapping[str, str], equals: float) -> None:
    """Assert that the ``AWS/SES`` metric ``metric`` (a metric or event type name) with
    exactly ``dimensions`` sums to ``equals`` over everything simulated so far."""
    __tracebackhide__ = True
    sim = getattr(simulator, "simulator", simulator)
    _assert(Metric(metric=metric, dimensions=dict(dimensions), sums_to=equals), Observations((), sim.metrics, sim.topology))


def assert_reputation(simulator: Simulator | SimulationResult, metric: str, equals: float, *, configuration_set: str | None = None) -> None:
    """Assert that the reputation rate ``metric`` (``Reputation.BounceRate`` or
    ``Reputation.ComplaintRate``) of the account (or of ``configuration_set``) was last
    published at ``equals`` (a fraction: 0.05 is 5%)."""
    __tracebackhide__ = True
    sim = getattr(simulator, "simulator", simulator)
    dimensions = {CONFIGURATION_SET_DIMENSION: configuration_set} if configuration_set else {}
    _assert(ReputationRate(metric=metric, dimensions=dimensions, ends_at=equals), Observations((), sim.metrics, sim.topology, sim.reputation))


# -- scenario files as tests ----------------------------------------------------------------


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    patterns = parent.config.getini("ses_metrics_scenarios")
    if not patterns or file_path.suffix not in SCENARIO_SUFFIXES:
        return None
    try:
        relative = file_path.relative_to(parent.config.rootpath).as_posix()
    except ValueError:
        relative = file_path.as_posix()
    if any(_glob_match(relative.split("/"), pattern.split("/")) for pattern in patterns):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


def _glob_match(parts: list[str], pattern: list[str]) -> bool:
    """Shell glob semantics over path segments: ``*`` stays within one directory, ``**``
    spans any number (fnmatch alone lets ``examples/*.yaml`` match ``examples/a/b.yaml``)."""
    if not pattern:
        return not parts
    if pattern[0] == "**":
        return any(_glob_match(parts[i:], pattern[1:]) for i in range(len(parts) + 1))
    return bool(parts) and fnmatch.fnmatchcase(parts[0], pattern[0]) and _glob_match(parts[1:], pattern[1:])


class ScenarioFile(pytest.File):
    """A scenario file: one test per ``expect:`` item, the scenario simulated once."""

    def collect(self) -> Sequence[pytest.Item]:
        from ses_metrics.ci.scenarios import load_checked_scenario

        self.checked = load_checked_scenario(self.path)
        self._result: tuple[Topology, SimulationResult] | None = None
        return [
            ExpectationItem.from_parent(self, name=f"expect[{index}] {expectation.describe()}", callobj=self._test(index))
            for index, expectation in enumerate(self.checked.expect)
        ]

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:  # type: ignore[override]
        from ses_metrics.simulator import ScenarioError

        if isinstance(excinfo.value, ScenarioError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def simulation(self, topology: Topology) -> SimulationResult:
        """The scenario simulated once against ``topology`` (again if a test gets another)."""
        if self._result is None or self._result[0] != topology:
            from ses_metrics.simulator import Simulator

            self._result = (topology, Simulator(topology).run(self.checked.scenario))
        return self._result[1]

    def _test(self, index: int) -> Any:
        def test(ses_metrics_topology: Topology) -> None:
            result = self.simulation(ses_metrics_topology)
            expectation = self.checked.expect[index]
            status, message = expectation.evaluate(Observations.of(result))
            if status is Status.FAILED:
                pytest.fail(message, pytrace=False)
            if status is Status.ERROR:
                pytest.fail(f"cannot be checked: {message}", pytrace=False)

        return test


class ExpectationItem(pytest.Function):
    """One expectation of a scenario file: a test function (so it gets fixtures) reported
    under the scenario file's path and the expectation's sentence."""

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, self.name
