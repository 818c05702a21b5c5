"""Problems: what a check returns, how a path is shown, and the error raised for them.

Each ``check_*`` function of ``ses_metrics.rules`` returns a list of :class:`Problem`; an
empty list means the value is valid. A value equal to :data:`UNRESOLVED` (a CDK token the
caller could not resolve) is never judged.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

# --- problems -----------------------------------------------------------------------

PathSegment = str | int


class Severity(str, enum.Enum):
    """How bad a :class:`Problem` is: an error fails synth or validation, a warning does not."""

    ERROR = "error"
    WARNING = "warning"


def format_path(path: Sequence[PathSegment]) -> str:
    """Render a path as YAML users read it: ``("sets", 0, "name")`` -> ``sets[0].name``."""
    out = ""
    for segment in path:
        if isinstance(segment, int):
            out += f"[{segment}]"
        else:
            out += f".{segment}" if out else segment
    return out


@dataclass(frozen=True)
class Problem:
    """One broken rule: where (relative path), what, and how bad."""

    path: tuple[PathSegment, ...]
    message: str
    severity: Severity = Severity.ERROR

    def under(self, *prefix: PathSegment) -> Problem:
        """The same problem, located below ``prefix``."""
        return replace(self, path=(*prefix, *self.path))

    @property
    def location(self) -> str:
        return format_path(self.path)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.path else self.message


def under(problems: Iterable[Problem], *prefix: PathSegment) -> list[Problem]:
    """Locate every problem below ``prefix``."""
    return [p.under(*prefix) for p in problems]


class ValidationError(ValueError):
    """Raised once with every error found; ``problems`` holds them (warnings excluded)."""

    def __init__(self, problems: Sequence[Problem], subject: str = "") -> None:
        self.problems = [p for p in problems if p.is_error]
        self.subject = subject
        head = f"{subject}: " if subject else ""
        count = len(self.problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{head}{count} problem{'s' if count != 1 else ''}:\n{lines}")


def raise_for(problems: Sequence[Problem], subject: str | Callable[[], str] = "") -> None:
    """Raise :class:`ValidationError` if any problem is an error.

    ``subject`` may be a callable, evaluated only when there is something to raise.
    """
    if any(p.is_error for p in problems):
        raise ValidationError(problems, subject() if callable(subject) else subject)


class _Unresolved:
    """A value the caller cannot know before deploy (a CDK token): never judged."""

    _instance: _Unresolved | None = None

    def __new__(cls) -> _Unresolved:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNRESOLVED"


UNRESOLVED: Final = _Unresolved()

# --- helpers ------------------------------------------------------------------------


# Characters a terminal acts on instead of showing: C0 and C1 controls, DEL, and the
# bidirectional overrides and isolates that reorder what follows them.
_UNPRINTABLE: Final = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED_ESCAPES: Final = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``, ``\\n``,
    ``\\u202e``), so a name from a template or a file cannot move the cursor, change
    colours or reorder a terminal line."""
    return _UNPRINTABLE.sub(lambda m: _NAMED_ESCAPES.get(m.group()) or m.group().encode("unicode_escape").decode("ascii"), text)


def show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def one_of(values: Iterable[str]) -> str:
    return ", ".join(values)


def check_pattern(value: Any, pattern: re.Pattern[str], what: str, form: str, max_length: int) -> list[Problem]:
    if value is UNRESOLVED:
        return []
    if not isinstance(value, str):
        return [Problem((), f"{what} must be a string of {form}; got {show(value)}")]
    if pattern.fullmatch(value):
        return []
    if not value:
        return [Problem((), f"{what} is empty; use {form}")]
    if len(value) > max_length:
        return [Problem((), f"{what} is {len(value)} characters long; SES allows {form}")]
    bad = "".join(dict.fromkeys(c for c in value if not pattern.fullmatch(c)))
    return [Problem((), f"{what} {show(value)} contains {show(bad)}; SES allows {form}")]


