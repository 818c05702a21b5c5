"""Helpers for the cross checks, which read the raw document (any shape)."""

from __future__ import annotations

from typing import Any


def items(value: Any) -> list[tuple[int, dict[str, Any]]]:
    """The mappings of a list, with their indexes; nothing for anything else."""
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)] if isinstance(value, list) else []


def strings(value: Any) -> list[tuple[int, str]]:
    """The strings of a list, with their indexes."""
    return [(i, v) for i, v in enumerate(value) if isinstance(v, str)] if isinstance(value, list) else []
