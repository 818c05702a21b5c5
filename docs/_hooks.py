"""MkDocs hooks: the README is the site's home page, its links into docs/ made relative."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[1]


def readme_as_index() -> str:
    """README.md with its ``docs/x.md`` links pointing at the pages beside it."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.sub(r"\]\(docs/", "](", text)


def on_files(files: Files, config: Any) -> Files:
    files.append(File.generated(config, "index.md", content=readme_as_index()))
    return files
