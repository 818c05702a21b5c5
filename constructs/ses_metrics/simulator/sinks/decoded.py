"""Records decoded once for every destination that reads them.

An event destination's record goes into each stream as one bytes object, so streams with
the same buffering hints (a Redshift COPY and an OpenSearch index of the same events) write
buffers of the same objects, one after the other (all of them, or those of the event types
both streams take). Their sinks decode through one :class:`BufferDecoder`, which hands out
the value it decoded for the previous buffer when a record is the same object. A sink that
keeps the values (OpenSearch indexes the documents) owns them: another keeper gets values of
its own, so no two indexed documents are one object, while a sink that only reads them (the
Redshift COPY keeps immutable values) shares.

A buffer whose records are the encodings of values the caller still holds (the event records
Firehose was given: ``known``) is not decoded at all: its sinks get those values, a keeper
owning each (so an indexed document may be the event's record object; both are read-only).
With ``verify`` (the environment variable ``SES_METRICS_VERIFY_RECORDS=1``, which the test
suite sets) every such value is compared with its record decoded, types included.
"""

from __future__ import annotations

import os
from typing import Any

from ses_metrics.simulator.codec import decode

VERIFY_ENV = "SES_METRICS_VERIFY_RECORDS"

# Values kept for the next buffer only for buffers up to this many bytes of JSON
_SHARED_BYTES = 16 << 20


class BufferDecoder:
    """Decodes buffers of JSON records, reusing the previous buffer's values (see the module)."""

    def __init__(self, *, verify: bool | None = None) -> None:
        """``verify``: check known values against their records (default: ``VERIFY_ENV`` is 1)."""
        # The previous buffer: its records, their values, and whether a keeper owns each value
        self._records: list[bytes] = []
        self._values: list[Any] = []
        self._owned: list[bool] = []
        self.verify = os.environ.get(VERIFY_ENV) == "1" if verify is None else verify
        # Known values a keeper owns, by id (each held here, so that no other object has its id)
        self._kept: dict[int, Any] = {}

    def decode(self, records: list[bytes], *, keeps: bool, known: list[Any] | None = None) -> list[Any]:
        """Each record decoded, or the ``ValueError`` it raised. ``keeps``: the caller keeps the
        values (they are then its own, not another keeper's); by default they are read only.
        ``known``: the values the records were encoded from, one per record, used as they are."""
        if known is not None:
            return self._known(records, known, keeps)
        position = {id(raw): i for i, raw in enumerate(self._records)}
        values, owned = [], []
        for raw in records:
            i = position.get(id(raw))  # the previous records are held: their ids are theirs
            if i is not None and not (keeps and self._owned[i]):
                values.append(self._values[i])
                owned.append(keeps or self._owned[i])
                continue
            try:
                values.append(decode(raw))
            except ValueError as error:
                values.append(error)
            owned.append(keeps)
        # The largest Firehose buffer (128 MiB) is not held decoded until the next one.
        fits = sum(map(len, records)) <= _SHARED_BYTES
        self._records, self._values, self._owned = (records, values, owned) if fits else ([], [], [])
        return values

    def _known(self, records: list[bytes], known: list[Any], keeps: bool) -> list[Any]:
        """``known``, but a value another keeper owns decoded anew for a keeper."""
        if self.verify:
            for position, (raw, value) in enumerate(zip(records, known, strict=True)):
                if not same_json(decode(raw), value):
                    raise AssertionError(f"record {position} of a buffer is not the JSON of the value it was encoded from: {raw[:200]!r}")
        if not keeps:
            return list(known)
        values, kept = [], self._kept
        for raw, value in zip(records, known, strict=True):
            if id(value) in kept:
                value = decode(raw)
            kept[id(value)] = value
            values.append(value)
        return values


def same_json(a: Any, b: Any) -> bool:
    """Whether two values are the same JSON, types included (a tuple is not a list, 1.0 not 1)."""
    if a.__class__ is not b.__class__:
        return False
    if a.__class__ is dict:
        return list(a) == list(b) and all(same_json(a[key], b[key]) for key in a)
    if a.__class__ is list:
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)
