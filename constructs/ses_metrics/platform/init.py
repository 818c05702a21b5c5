"""``ses-metrics init DIR``: a platform project that synthesizes and tests out of the box.

The files come from ``init_template/`` (package data; ``.tmpl`` files, ``${name}``-style
placeholders): ``app.py`` calling :func:`ses_metrics.platform.build_app`, ``cdk.json``, a
commented ``ses-metrics.yaml`` (one set, a CloudWatch destination and an S3 archive) with
its JSON Schema, ``requirements.txt`` pinning this version, ``package.json`` pinning the
CDK CLI, ``tests/`` for the pytest plugin (a scenario with ``expect:`` and a Python test),
a CI workflow and a README with the two commands.
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ses_metrics import __version__
from ses_metrics.files.output import OutputError, write_files
from ses_metrics.platform.config import json_schema

# The CDK CLI the project is tested with (package.json of the ses-metrics repository): the
# aws-cdk 3.0.0 tag cannot read aws-cdk-lib 2.27x cloud assemblies.
CDK_CLI_VERSION = "2.1148.1"
# pytest versions the plugin is tested with.
PYTEST_RANGE = ">=8.4,<10"
# Template files whose name in the project differs (package data skips dot-files).
_RENAMED = {"gitignore": ".gitignore", "github": ".github"}


class InitError(Exception):
    """The directory cannot be scaffolded (not empty, or not a directory)."""


@dataclass(frozen=True)
class Scaffold:
    """What ``init`` wrote: the directory and each file, relative to it."""

    directory: Path
    files: tuple[Path, ...]


def _templates() -> list[tuple[Path, str]]:
    """Each template file: its path in the project and its text."""
    root = resources.files("ses_metrics.platform").joinpath("init_template")
    found: list[tuple[Path, str]] = []

    def walk(node, parts: tuple[str, ...]) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            name = child.name.removesuffix(".tmpl")
            name = _RENAMED.get(name, name)
            if child.is_dir():
                walk(child, (*parts, name))
            elif child.name.endswith(".tmpl"):
                found.append((Path(*parts, name), child.read_text(encoding="utf-8")))

    walk(root, ())
    return found


def project_name(directory: Path) -> str:
    """An npm package name from the directory's name (lower case, ``[a-z0-9-]``)."""
    name = re.sub(r"[^a-z0-9-]+", "-", directory.resolve().name.lower()).strip("-")
    return name or "ses-platform"


def scaffold(directory: str | Path, *, force: bool = False) -> Scaffold:
    """Write the project into ``directory`` (created when missing). Refuses a directory
    that is not empty unless ``force``, which overwrites the scaffold's files and leaves
    every other file alone; a symbolic link where one of its files or directories goes is
    refused, never followed."""
    target = Path(directory)
    if target.exists() and not target.is_dir():
        raise InitError(f"{target} exists and is not a directory")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise InitError(f"{target} is not empty: init writes a new project; pass --force to write into it anyway")
    values = {"version": __version__, "name": project_name(target), "cdk_cli": CDK_CLI_VERSION, "pytest_pin": PYTEST_RANGE}
    files = {relative.as_posix(): string.Template(text).safe_substitute(values) for relative, text in _templates()}
    files["ses-metrics.schema.json"] = json.dumps(json_schema(), indent=2) + "\n"
    try:
        write_files(target, files, executable=frozenset({"app.py"}))  # never through a link planted in DIR
    except OutputError as error:
        raise InitError(str(error)) from None
    return Scaffold(target, tuple(Path(name) for name in files))
