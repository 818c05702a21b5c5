"""Code blocks of the README and docs/, found by their named markers, never by position.

A block is marked by a line ``<!-- snippet: NAME -->`` right before its opening fence.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_MARKED = re.compile(r"<!-- snippet: ([\w-]+) -->\n```\w*\n(.*?)```", re.S)


def snippets() -> dict[str, str]:
    """Every marked block of every page, by name (``page:name`` would be ambiguous; names are unique)."""
    found: dict[str, str] = {}
    for page in PAGES:
        for name, code in _MARKED.findall(page.read_text(encoding="utf-8")):
            assert name not in found, f"snippet {name!r} is marked twice"
            found[name] = code
    return found


def snippet(name: str) -> str:
    """The code of the block marked ``name``."""
    return snippets()[name]


def page(name: str) -> str:
    """The text of README.md (``"README"``) or of ``docs/<name>.md``."""
    path = ROOT / "README.md" if name == "README" else ROOT / "docs" / f"{name}.md"
    return path.read_text(encoding="utf-8")
