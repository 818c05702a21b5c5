"""Failures to inject into a simulation, to see where records go when AWS fails.

    from ses_metrics.simulator import Faults, Simulator
    sim = Simulator("cdk.out", faults=Faults(throttled_streams={"events-archive"}))

``throttled_streams``: every ``PutRecordBatch`` SES makes to these delivery streams (by
name) is throttled. Firehose answers such a call with HTTP 200 and reports each refused
record in the response (``FailedPutCount``, ``ErrorCode`` ``ServiceUnavailableException``,
"Slow down."); a refused record never enters the stream, so nothing of it reaches the
stream's bucket, backup or error prefix, and retrying is the caller's job (Firehose API
reference, PutRecordBatch). SES publishes no retry policy, so the simulator assumes the
worst: the record is dropped at that event destination with the throttling as its reason,
and counted in ``Router.failed_puts`` (per stream). Streams the faults name but the
templates do not declare are an error, so a typo cannot silently inject nothing.

Failures the templates themselves cause need no injection: a stream whose role may not
write its bucket, a bucket policy that denies the role, or a key the role may not use
drop every event at the destinations publishing to that stream, with the reason
(Firehose would accept the record, retry S3 for up to 24 hours, log ``S3.AccessDenied``
to the stream's log group, then discard it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

THROTTLED = (
    "Firehose throttled PutRecordBatch on delivery stream {stream} (injected fault): the record is reported failed "
    "(ServiceUnavailableException, FailedPutCount) and never enters the stream"
)


@dataclass(frozen=True)
class Faults:
    """What fails in a simulation (nothing by default)."""

    throttled_streams: frozenset[str] = field(default_factory=frozenset)

    def __init__(self, *, throttled_streams: Iterable[str] = ()) -> None:
        object.__setattr__(self, "throttled_streams", frozenset(throttled_streams))

    def check(self, stream_names: Iterable[str]) -> None:
        """Raise ``ValueError`` when a fault names a stream the templates do not declare."""
        known = set(stream_names)
        unknown = sorted(self.throttled_streams - known)
        if unknown:
            raise ValueError(f"Faults(throttled_streams=...) names {', '.join(unknown)}, not a delivery stream of the templates (streams: {', '.join(sorted(known)) or 'none'})")


NO_FAULTS = Faults()
