"""The JSON codec of event records: compact, as SES publishes them.

orjson when installed (much faster, benchmarks/RESULTS.md), else the standard library.
``decode`` raises a ``ValueError`` (``JSONDecodeError``) for bad JSON with either.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

try:  # an optional, much faster encoder and parser (benchmarks/RESULTS.md)
    import orjson

    # Compact JSON, as SES publishes it; orjson's own function (no Python call per record)
    encode: Callable[[Any], bytes] = orjson.dumps

    decode = orjson.loads  # raises a ValueError (JSONDecodeError) for bad JSON, like json.loads

    def encode_document(document: Any) -> bytes:
        """A JSON document for people and tools: indented by two spaces, UTF-8."""
        return orjson.dumps(document, option=orjson.OPT_INDENT_2)

except ImportError:  # pragma: no cover - depends on the installation

    def encode(record: Any) -> bytes:
        """Compact JSON, as SES publishes it."""
        return json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode()

    decode = json.loads  # type: ignore[assignment]  # the same contract: bytes or str in, a ValueError for bad JSON

    def encode_document(document: Any) -> bytes:
        """A JSON document for people and tools: indented by two spaces, UTF-8."""
        return json.dumps(document, indent=2, ensure_ascii=False).encode()


def encode_key(value: Any) -> bytes | None:
    """``encode(value)``, or None when JSON cannot hold it (bytes, a str UTF-8 cannot hold):
    a value as a cache key (equal values, equal keys)."""
    try:
        return encode(value)
    except (TypeError, ValueError):
        return None
