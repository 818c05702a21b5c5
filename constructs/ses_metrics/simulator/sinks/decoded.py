"""Records decoded once for every destination that reads them.

An event destination's record goes into each stream as one bytes object, so streams with
the same buffering hints (a Redshift COPY and an OpenSearch index of the same events) write
buffers of the same objects, one after the other (all of them, or those of the event types
both streams take). Their sinks decode through one :class:`BufferDecoder`, which hands out
the value it decoded for the previous buffer when a record is the same object. A sink that
keeps the values (OpenSearch indexes the documents) owns them: another keeper gets values of
its own, so no two indexed documents are one object, while a sink that only reads them (the
Redshift COPY keeps immutable values) shares.
"""

from __future__ import annotations

from typing import Any

from ses_metrics.simulator.codec import decode

# Values kept for the next buffer only for buffers up to this many bytes of JSON
_SHARED_BYTES = 16 << 20


class BufferDecoder:
    """Decodes buffers of JSON records, reusing the previous buffer's values (see the module)."""

    def __init__(self) -> None:
        # The previous buffer: its records, their values, and whether a keeper owns each value
        self._records: list[bytes] = []
        self._values: list[Any] = []
        self._owned: list[bool] = []

    def decode(self, records: list[bytes], *, keeps: bool) -> list[Any]:
        """Each record decoded, or the ``ValueError`` it raised. ``keeps``: the caller keeps the
        values (they are then its own, not another keeper's); by default they are read only."""
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
