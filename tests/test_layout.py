"""The source layout must not shadow the libraries aws-cdk-lib imports."""

import ast
import subprocess
import sys

from conftest import ROOT


def test_constructs_is_a_source_root_not_a_package():
    # A constructs/__init__.py would shadow the `constructs` library: "No module named 'constructs._jsii'".
    assert not (ROOT / "constructs" / "__init__.py").exists()


def test_no_module_shadows_aws_cdk_or_cdk_nag():
    shadowing = [p for name in ("aws_cdk", "cdk_nag", "constructs") for p in (ROOT / "constructs").glob(f"**/{name}*")]
    assert shadowing == []


def test_the_package_the_cli_the_simulator_lint_the_pytest_plugin_and_the_replay_do_not_import_aws_cdk():
    # The pytest plugin loads in every pytest session of an environment that installs ses-metrics.
    replay = ", ".join(f"ses_metrics.replay.{m.stem}" for m in (ROOT / "constructs" / "ses_metrics" / "replay").glob("[a-z]*.py"))
    code = (
        "import sys, ses_metrics, ses_metrics.rules, ses_metrics.platform.config, ses_metrics.cli, ses_metrics.simulator, "
        "ses_metrics.simulator.report, ses_metrics.ci.expectations, ses_metrics.ci.lint, ses_metrics.ci.junit, ses_metrics.ci.pytest_plugin, "
        f"ses_metrics.replay, {replay}; print('aws_cdk' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


# --- size: no function over 80 lines, no module over 700 -------------------------------------

MAX_FUNCTION_LINES = 80
MAX_MODULE_LINES = 700
PACKAGE = ROOT / "constructs" / "ses_metrics"
# Still being split, each by the engineer working on it; the lists only ever shrink.
MODULES_BEING_SPLIT: set[str] = set()
FUNCTIONS_BEING_SPLIT: set[str] = set()


def _functions(tree):
    """(qualified name, lines) of every function and method, nested ones included."""
    def walk(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    yield name, child.end_lineno - child.lineno + 1
                yield from walk(child, name + ".")
            else:
                yield from walk(child, prefix)
    yield from walk(tree, "")


def _sizes():
    modules, functions = {}, {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        text = path.read_text(encoding="utf-8")
        modules[name] = len(text.splitlines())
        for function, lines in _functions(ast.parse(text)):
            functions[f"{name}:{function}"] = lines
    return modules, functions


def test_no_module_over_700_lines():
    modules, _ = _sizes()
    over = {name: lines for name, lines in modules.items() if lines > MAX_MODULE_LINES and name not in MODULES_BEING_SPLIT}
    assert over == {}, f"split these modules (at most {MAX_MODULE_LINES} lines)"


def test_no_function_over_80_lines():
    _, functions = _sizes()
    over = {name: lines for name, lines in functions.items() if lines > MAX_FUNCTION_LINES and name not in FUNCTIONS_BEING_SPLIT}
    assert over == {}, f"split these functions (at most {MAX_FUNCTION_LINES} lines)"


def test_the_allow_lists_name_only_what_is_still_too_long():
    """An entry is removed as soon as its module or function fits (or is renamed)."""
    modules, functions = _sizes()
    assert {m for m in MODULES_BEING_SPLIT if modules.get(m, 0) <= MAX_MODULE_LINES} == set()
    assert {f for f in FUNCTIONS_BEING_SPLIT if functions.get(f, 0) <= MAX_FUNCTION_LINES} == set()


def test_the_wheel_ships_py_typed():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["ses_metrics"]
    assert (PACKAGE / "py.typed").is_file()
