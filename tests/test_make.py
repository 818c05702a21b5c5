"""`make test` sets up what it needs on a fresh machine, and CI runs exactly it."""

import subprocess

from conftest import ROOT


def dry_run(target):
    return subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def ci_commands() -> list[str]:
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    return [line for line in lines if line and not line.startswith("#") and not line.startswith(("set ", "cd "))]


def test_ci_runs_exactly_make_test():
    assert [line for line in ci_commands() if not line.startswith("export ")] == ["make test"]


def test_ci_silences_jsiis_node_20_notice_before_make_test():
    assert ci_commands() == ["export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20", "make test"]


def test_make_test_installs_chromium_when_missing_then_checks_and_runs_the_suite():
    commands = dry_run("test")
    order = [commands.index(step) for step in ("find_chromium", "apt-get install -y -qq chromium", "lint-imports", "ruff check .", "-m pytest")]
    assert order == sorted(order)


def test_chromium_is_installed_with_sudo_only_when_not_root():
    assert 'if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi' in dry_run("chromium")
