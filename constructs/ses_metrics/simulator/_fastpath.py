"""Memoisation the simulator keeps because benchmarks/RESULTS.md shows it pays, each behind
the interface of the plain code it stands in for, keyed by value (never by identity).

- ``RepeatedRequests``: ``MessageFactory.build`` for a request sent again (equal as JSON):
  the message its first send built, stamped with a new message ID and time (the fields it
  shares read once, ``sends.prepare``). Scenarios and
  replays send the same request many times; building a message is most of a send's cost
  (RESULTS: 3.28 -> ~1.8 us per send). Requests JSON cannot hold (raw bytes) are built each
  time, and when fewer than one request in three repeats, it stops comparing them.

The other caches are local to the code they speed up and documented there (those keyed by an
object's id hold that object, so no other takes its id meanwhile): the headers SES
writes per message shape and the auto-tags per sender (``sends.MessageFactory``), a Delivery
record's tags per message tags (``events.EventFactory``), the Firehose partition prefix per
stream, event type, set and hour (``sinks.firehose``), the metadata query evaluated on the
record (``sinks.jqpath``), the lists and tags an OpenSearch index accepted
(``sinks.opensearch_mapping.AcceptedObjects``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from ses_metrics.simulator.codec import encode_key

M = TypeVar("M")  # the message (sends.Message; not imported here: sends imports this module)
P = TypeVar("P")  # what sends of one message share (sends.Prepared)
MAX_PREPARED = 4096


class RepeatedRequests(Generic[M, P]):
    """``build(request, operation, sent_at)``, but a request seen before is only
    ``stamp(prepare(its first message), new message ID, sent_at)``-ed."""

    def __init__(self, build: Callable[[dict[str, Any], str, int], M], prepare: Callable[[M], P], stamp: Callable[[P, str, int], M],
                 message_id: Callable[[], str]):
        self._build = build
        self._prepare = prepare
        self._stamp = stamp
        self._message_id = message_id
        self._prepared: dict[tuple[str, bytes], P] = {}
        self._repeats = 0
        self.comparing = True  # False once requests stopped repeating

    def clear(self) -> None:
        """Forget the prepared messages (the templates they were rendered from changed)."""
        self._prepared.clear()

    def message(self, request: dict[str, Any], operation: str, sent_at: int, encoded: bytes | None = None) -> M:
        """``encoded``: ``request`` as compact JSON when the caller has it (by default it is encoded here)."""
        if not self.comparing:
            return self._build(request, operation, sent_at)
        if encoded is None:
            encoded = encode_key(request)
            if encoded is None:  # bytes, or a str UTF-8 cannot hold
                return self._build(request, operation, sent_at)
        key = (operation, encoded)
        prepared = self._prepared.get(key)
        if prepared is not None:
            self._repeats += 1
            return self._stamp(prepared, self._message_id(), sent_at)
        message = self._build(request, operation, sent_at)
        if len(self._prepared) >= MAX_PREPARED:
            self.comparing = self._repeats * 2 >= len(self._prepared)
            self._prepared.clear()
            self._repeats = 0
        self._prepared[key] = self._prepare(message)
        return message
