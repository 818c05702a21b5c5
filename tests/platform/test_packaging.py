"""The installed package declares what it imports: every third-party distribution that
any ses_metrics module (the platform app and cdk-nag included) loads is a dependency of
ses-metrics, directly or through one, not an extra. The end-to-end test of ``init``
(tests/platform/test_init_e2e.py) proves the same in a fresh virtual environment."""

import json
import subprocess
import sys

import pytest

# Imported only when installed (ses_metrics falls back to the standard library), or only
# inside pytest: not needed by the library.
OPTIONAL = {"orjson", "pytest", "pluggy", "iniconfig"}

_PROBE = r"""
import importlib, importlib.metadata as md, json, pkgutil, re, sys
import ses_metrics
for module in pkgutil.walk_packages(ses_metrics.__path__, "ses_metrics."):
    importlib.import_module(module.name)
canon = lambda name: re.sub(r"[-_.]+", "-", name).lower()
owners = md.packages_distributions()
used = {canon(d) for name in list(sys.modules) if not name.startswith("_") for d in owners.get(name.split(".")[0], [])}
declared, todo = set(), ["ses-metrics"]
while todo:
    name = todo.pop()
    if name in declared:
        continue
    declared.add(name)
    try:
        requirements = md.requires(name) or []
    except md.PackageNotFoundError:
        continue
    todo += [canon(re.split(r"[ <>=!~;\[(]", r, maxsplit=1)[0]) for r in requirements if "extra ==" not in r]
print(json.dumps({"used": sorted(used), "declared": sorted(declared), "direct": md.requires("ses-metrics")}))
"""


@pytest.fixture(scope="module")
def imports() -> dict:
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_every_imported_distribution_is_a_dependency(imports):
    undeclared = sorted(set(imports["used"]) - set(imports["declared"]) - OPTIONAL - {"ses-metrics"})
    assert undeclared == []


def test_cdk_nag_is_a_dependency_not_an_extra(imports):
    assert "cdk-nag" in imports["used"]
    assert any(r.startswith("cdk-nag") and "extra" not in r for r in imports["direct"])
