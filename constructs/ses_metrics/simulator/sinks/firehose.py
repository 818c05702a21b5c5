"""Kinesis Data Firehose delivering to S3: buffering, object keys, compression.

Records are appended as SES sends them (compact JSON, newline-terminated). A buffer per
stream, partition and buffering window holds them until it reaches ``SizeInMBs`` or the
simulation flushes; records arriving in a later ``IntervalInSeconds`` window start a new
object, as Firehose's interval flush would. Object keys follow Firehose's layout:

    <prefix with expressions evaluated>[YYYY/MM/dd/HH/]<stream>-1-YYYY-MM-dd-HH-mm-ss-<uuid>[.gz]

``YYYY/MM/dd/HH/`` (UTC, the first record's arrival) is appended when the prefix has no
``!{timestamp:...}`` expression and dynamic partitioning is off. ``!{timestamp:<Java
DateTimeFormatter pattern>}``, ``!{firehose:random-string}`` and, with dynamic partitioning,
``!{partitionKeyFromQuery:<key>}`` (the stream's JQ metadata-extraction query, run with the
``jq`` package) are evaluated. Records whose partitioning query fails are written under the
error output prefix (``!{firehose:error-output-type}`` = ``partitioning-failed``) in
Firehose's error-record shape.

When the object store keeps no bodies (``ObjectStore(keep_bodies=False)``, long replays),
buffers hold only their size: objects are still cut where Firehose would cut them and
counted, but no record is kept. ``flush(before_ms=...)`` writes the buffers whose
buffering window has ended, as Firehose does when its interval elapses.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache, partial
from typing import Any, Protocol

from ses_metrics.rules import AutoTag
from ses_metrics.rules.firehose import time_prefix
from ses_metrics.simulator.events import Event
from ses_metrics.simulator.outcomes import Landing
from ses_metrics.simulator.sends import Ids
from ses_metrics.simulator.sinks.jqpath import Fallback, compile_paths, parse
from ses_metrics.simulator.sinks.s3 import LazyObject, ObjectStore
from ses_metrics.simulator.topology import DeliveryStream, S3Target

_EXPRESSION = re.compile(r"!\{([a-zA-Z]+):([^}]*)\}")
_JAVA_TOKEN = re.compile(r"'[^']*'|yyyy|yy|MM|dd|HH|mm|ss|SSS|.", re.S)
_EXTENSIONS = {"GZIP": ".gz", "ZIP": ".zip", "Snappy": ".snappy", "HADOOP_SNAPPY": ".snappy", "UNCOMPRESSED": ""}


def java_format(pattern: str, moment: datetime) -> str:
    """A ``java.time.format.DateTimeFormatter`` pattern, for the tokens Firehose users use."""
    out = []
    for token in _JAVA_TOKEN.findall(pattern):
        out.append(
            {
                "yyyy": f"{moment.year:04d}",
                "yy": f"{moment.year % 100:02d}",
                "MM": f"{moment.month:02d}",
                "dd": f"{moment.day:02d}",
                "HH": f"{moment.hour:02d}",
                "mm": f"{moment.minute:02d}",
                "ss": f"{moment.second:02d}",
                "SSS": f"{moment.microsecond // 1000:03d}",
            }.get(token, token.strip("'") if token.startswith("'") else token)
        )
    return "".join(out)


def evaluate_prefix(prefix: str, moment: datetime, *, keys: dict[str, str] | None = None, error_type: str | None = None,
                    random_string: Callable[[], str] | None = None) -> str:
    """A Firehose S3 prefix with its ``!{namespace:value}`` expressions evaluated."""

    def replace(match: re.Match[str]) -> str:
        namespace, value = match.group(1), match.group(2)
        if namespace == "timestamp":
            return java_format(value, moment)
        if namespace == "firehose" and value == "random-string":
            return random_string() if random_string else "00000000000"
        if namespace == "firehose" and value == "error-output-type":
            return error_type or ""
        if namespace in ("partitionKeyFromQuery", "partitionKeyFromLambda"):
            return (keys or {}).get(value, "")
        return match.group(0)

    return _EXPRESSION.sub(replace, prefix)


class Destination(Protocol):
    """What a stream delivers to after S3 (Redshift's COPY, OpenSearch's bulk index).

    One may also have ``batch()``, a context manager ``FirehoseSink.flush`` holds while it
    writes its buffers (``RedshiftSink.batch``)."""

    def stages(self, stream: DeliveryStream) -> bool:
        """Whether the stream writes each buffer to its S3 configuration as an object."""

    def deliver(self, stream: DeliveryStream, bucket: str, key: str | None, records: list[bytes],
                landings: list[Landing] | None, arrival: datetime, values: list[Any] | None = None) -> None:
        """One buffer's records (and where each landed, when every record has a ``Landing``;
        the value each record encodes, when the events were at hand: ``BufferDecoder``)."""


class Putter(Protocol):
    """``FirehoseSink.put`` for one stream."""

    def __call__(self, event: Event, landing: Landing | None = None) -> str | Landing | None: ...


# Asked for as a put's landing: the record gets the one landing every record of its buffer
# shares (records not followed past S3 differ only by it), or its own when it goes to the
# error output; ``put`` returns the one it got.
SHARED = Landing()


def staged_object_key(prefix: str, stream: str, moment: datetime, uuid: str, extension: str = "") -> str:
    """Firehose's object name: ``<prefix><stream>-1-YYYY-MM-dd-HH-mm-ss-<uuid><extension>``."""
    return f"{prefix}{stream}-1-{moment.strftime('%Y-%m-%d-%H-%M-%S')}-{uuid}{extension}"


@dataclass
class _Buffer:
    first_arrival: datetime
    prefix: str
    records: list[bytes] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)  # the records' values, for a stream followed past S3
    landings: list[Landing] = field(default_factory=list)
    size: int = 0
    count: int = 0  # records (kept or not)
    shared: Landing | None = None  # the landing of records put with ``SHARED``, in ``landings`` once

    def land(self, landing: Landing, bucket: str) -> Landing:
        """``landing`` of a record put here (``SHARED``: the buffer's one landing), with the
        bucket and prefix; it gets its key when the buffer is written."""
        if landing is SHARED:
            if self.shared is None:
                self.shared = Landing(bucket, self.prefix)
                self.landings.append(self.shared)
            return self.shared
        self.landings.append(landing)
        landing.bucket, landing.prefix = bucket, self.prefix
        return landing


class FirehoseSink:
    """The S3 side of every delivery stream in the topology."""

    # Hand a followed stream's sinks each record's value with its bytes (else they decode the
    # bytes): read when a stream's putter is made
    hand_over_values = True

    def __init__(self, objects: ObjectStore, ids: Ids):
        self.objects = objects
        self.ids = ids
        self._buffers: dict[tuple[Any, ...], _Buffer] = {}
        self._queries: dict[str, Any] = {}
        self._fast_queries: dict[str, Any] = {}  # query -> compile_paths(query) (None: run jq)
        self._prefixes: dict[tuple[Any, ...], str] = {}
        # Streams whose partition keys depend only on the event type and configuration set
        # (``_FIXED_PATHS``), and their prefixes per (stream, type, set, hour).
        self._fixed_partitions: dict[str, bool] = {}
        self._partition_prefixes: dict[tuple[Any, ...], str] = {}
        self._putters: dict[str, Putter] = {}
        # Per stream ARN, whether S3 lets the stream write under a prefix: (prefix, ms) ->
        # None or why not. Asked once per new buffer (the simulator's IAM check, cached per prefix).
        self.gates: dict[str, Callable[[str, int], str | None]] = {}
        self._streams: dict[str, DeliveryStream] = {}
        self.failed: list[dict[str, Any]] = []  # kept only with the store's bodies
        self.failed_count = 0
        self._written: Counter[str] = Counter()  # records of written buffers, per stream name
        self.warnings: list[str] = []
        # The sinks behind Redshift and OpenSearch streams, by DeliveryStream.kind: each gets
        # every object the stream writes (or, when it ``stages`` nothing, would write).
        self.destinations: dict[str, Destination] = {}

    def put(self, stream: DeliveryStream, event: Event, landing: Landing | None) -> str | Landing | None:
        """Accept one event's record (arriving at ``event.ms``); ``landing`` (if any) gets
        its ``bucket``/``prefix`` now and its ``key`` when the object is written (``SHARED``:
        the record shares its buffer's). Returns why the record cannot be written (the
        stream's gate refused its prefix), else the record's landing (None if none)."""
        return self.putter(stream)(event, landing)

    @property
    def records_put(self) -> Counter[str]:
        """Records accepted so far (written or still buffered), per stream name."""
        counts = Counter(self._written)
        for key, buffer in self._buffers.items():
            counts[self._streams[key[0]].name] += buffer.count
        return +counts  # streams with records only

    def putter(self, stream: DeliveryStream) -> Putter:
        """``put`` for one registered stream, its settings bound once (the router calls it
        for every record)."""
        found = self._putters.get(stream.arn)
        if found is not None:
            return found
        target = stream.s3
        assert target is not None
        arn, window, limit, static = stream.arn, target.window_seconds, target.buffer_bytes, target.static_prefix
        prefix, appends = target.prefix, target.appends_hour_path
        # Keys fixed by the event type and configuration set, an hourly prefix: the prefix is
        # evaluated once per type, set and hour.
        memoize = self._fixed_partitions.get(arn, False)
        memo, buffers, gate = self._partition_prefixes, self._buffers, self.gates.get(arn)
        keep = self.objects.keep_bodies
        follow = keep and self.hand_over_values and stream.kind in self.destinations
        # Keys hold the hour and the buffering window from the milliseconds: ms // (1000 * n)
        # is seconds // n, one division less per record
        window_ms = window * 1000

        def put(event: Event, landing: Landing | None = None) -> str | Landing | None:
            ms = event.ms
            if static:
                # The common case: the prefix is known from the hour, no expression to evaluate.
                key: tuple[Any, ...] = (arn, ms // _HOUR_MS, ms // window_ms)
                buffer = buffers.get(key)
                if buffer is None:
                    evaluated = prefix + _hour_path(key[1]) if appends else prefix
                    if gate is not None:
                        refused = gate(evaluated, ms)
                        if refused is not None:
                            return refused  # no buffer: nothing is written under this prefix
                    buffer = buffers[key] = _Buffer(_datetime(ms), evaluated)
            else:
                evaluated = None
                if memoize:
                    configuration_set = event.message.configuration_set
                    memo_key = (arn, event.type.cfn, configuration_set.name if configuration_set else None, ms // _HOUR_MS)
                    evaluated = memo.get(memo_key)
                if evaluated is None:
                    # A record written under the error prefix has a landing of its own
                    found = self._evaluate(stream, target, event, None if landing is SHARED else landing)
                    if isinstance(found, Landing):
                        return found if landing is not None else None
                    evaluated = found
                    if memoize:
                        if len(memo) >= 4096:
                            memo.clear()
                        memo[memo_key] = evaluated
                key = (arn, evaluated, ms // window_ms)
                buffer = buffers.get(key)
                if buffer is None:
                    if gate is not None:
                        refused = gate(evaluated, ms)
                        if refused is not None:
                            return refused
                    buffer = buffers[key] = _Buffer(_datetime(ms), evaluated)
            data = event.record_bytes  # encoded by the first stream to receive it
            if data is None:
                data = event.encoded
                if keep:
                    # Shared by every stream's buffer and the event, in bytes of their own size:
                    # orjson's output keeps its write buffer, ~8 KiB of memory for 1.3 KB (one
                    # that an SNS or EventBridge destination encoded first stays as it is)
                    data = event.record_bytes = memoryview(data).tobytes()
            if keep:
                buffer.records.append(data)  # newline-joined when written: no copy per record
                if follow:
                    buffer.values.append(event.record)
            buffer.size += len(data) + 1
            buffer.count += 1  # summed by records_put: a Counter's += costs six times as much
            if landing is not None:
                landing = buffer.land(landing, target.bucket)
            if buffer.size >= limit:
                self._write(stream, target, buffers.pop(key))
            return landing

        self._putters[arn] = put
        return put

    def _evaluate(self, stream: DeliveryStream, target: S3Target, event: Event, landing: Landing | None) -> str | Landing:
        """The prefix of a record of a stream with expressions in its prefix, or when its
        partitioning query fails, the record's landing (``landing``, else a new one) under
        the error prefix it was written to."""
        keys = None
        if target.dynamic_partitioning:
            keys, error = self._partition_keys(target, event.record)
            if error is not None:
                landing = landing or Landing()
                self._write_error(stream, target, event.encoded, _datetime(event.ms), "partitioning-failed", error, landing)
                return landing
        return self._prefix(target, keys, event.ms)

    def flush(self, before_ms: int | None = None) -> int:
        """Write every buffered object (end of a simulation), or with ``before_ms`` only
        those whose buffering window ended by then; returns how many."""
        if before_ms is None:
            buffers = dict(self._buffers)
            self._buffers.clear()  # in place: putters hold this dict
        else:
            buffers = {}
            for key in list(self._buffers):
                target = self._streams[key[0]].s3
                assert target is not None
                if (key[-1] + 1) * target.window_seconds * 1000 <= before_ms:
                    buffers[key] = self._buffers.pop(key)
        with ExitStack() as batches:
            for destination in self.destinations.values():
                batch = getattr(destination, "batch", None)  # a destination may settle its buffers together
                if batch is not None:
                    batches.enter_context(batch())
            for key, buffer in sorted(buffers.items(), key=lambda item: item[1].first_arrival):
                stream = self._streams[key[0]]
                assert stream.s3 is not None
                self._write(stream, stream.s3, buffer)
        return len(buffers)

    # -- internals -------------------------------------------------------------------

    def register(self, stream: DeliveryStream) -> None:
        self._streams[stream.arn] = stream
        target = stream.s3
        if target is not None and target.dynamic_partitioning and _hourly(target.prefix):
            fields = parse(target.metadata_queries.get("query") or "")
            self._fixed_partitions[stream.arn] = fields is not None and all(steps in _FIXED_PATHS for _, steps in fields)

    def _key(self, stream: DeliveryStream, target: S3Target, prefix: str, moment: datetime) -> str:
        extension = target.file_extension if target.file_extension is not None else _EXTENSIONS.get(target.compression, "")
        return staged_object_key(prefix, stream.name, moment, self.ids.uuid(), extension)

    def _write(self, stream: DeliveryStream, target: S3Target, buffer: _Buffer) -> None:
        self._written[stream.name] += buffer.count
        destination = self.destinations.get(stream.kind)
        key = None
        if destination is None or destination.stages(stream):
            key = self._key(stream, target, buffer.prefix, buffer.first_arrival)
            if not self.objects.keep_bodies:
                self.objects.put(target.bucket, key, None, size=buffer.size)
            else:
                # Firehose objects are newline-terminated records, joined when first read
                self.objects.put(target.bucket, key, LazyObject(buffer.records, partial(self._compress, target.compression, key=key)))
            for landing in buffer.landings:
                landing.key = key
        if destination is not None and self.objects.keep_bodies:
            # Landings line up with records only when every record was routed with one.
            landings = buffer.landings if len(buffer.landings) == len(buffer.records) else None
            values = buffer.values if len(buffer.values) == len(buffer.records) else None
            destination.deliver(stream, target.bucket, key, buffer.records, landings, buffer.first_arrival, values)

    def _write_error(self, stream: DeliveryStream, target: S3Target, data: bytes, arrival: datetime, error_type: str, message: str,
                     landing: Landing) -> None:
        prefix = evaluate_prefix(target.error_output_prefix or "", arrival, error_type=error_type)
        if "!{timestamp:" not in (target.error_output_prefix or ""):
            prefix += time_prefix(arrival)
        document = {
            "attemptsMade": 1,
            "arrivalTimestamp": int(arrival.timestamp() * 1000),
            "errorCode": "DynamicPartitioning.MetadataExtractionFailed",
            "errorMessage": message,
            "attemptEndingTimestamp": int(arrival.timestamp() * 1000),
            "rawData": base64.b64encode(data).decode(),
        }
        key = self._key(stream, target, prefix, arrival)
        content = (json.dumps(document) + "\n").encode()
        body = self._compress(target.compression, content, key=key) if self.objects.keep_bodies else None
        self.objects.put(target.bucket, key, body, size=len(content))
        landing.bucket, landing.key, landing.error = target.bucket, key, message
        self.failed_count += 1
        if self.objects.keep_bodies:
            self.failed.append({"bucket": target.bucket, "key": key, "error": message})

    def _compress(self, compression: str, data: bytes, *, key: str) -> bytes:
        try:
            return compress(compression, data, key)
        except ImportError:
            warning = f"{compression} objects are written uncompressed: install python-snappy to compress them"
            if warning not in self.warnings:
                self.warnings.append(warning)
            return data

    def _prefix(self, target: S3Target, keys: dict[str, str] | None, ms: int) -> str:
        """The evaluated prefix (and hour path) of a record arriving at ``ms``. Prefixes
        whose timestamps are at most hourly and that draw no random string depend only on
        the partition keys and the hour: those are cached (bounded)."""
        hour = ms // 3_600_000
        cacheable = _hourly(target.prefix)
        if cacheable:
            cache_key = (target.prefix, hour, tuple(keys.items()) if keys else ())
            found = self._prefixes.get(cache_key)
            if found is not None:
                return found
        prefix = evaluate_prefix(target.prefix, _datetime(ms), keys=keys, random_string=lambda: self.ids.hex(11))
        if target.appends_hour_path:
            prefix += _hour_path(hour)
        if cacheable:
            if len(self._prefixes) >= 4096:
                self._prefixes.clear()
            self._prefixes[cache_key] = prefix
        return prefix

    def partition_keys_if_fixed(self, target: S3Target, record: dict[str, Any]) -> dict[str, str] | None:
        """The partition keys of ``record`` when the stream's query reads only the event type
        and the configuration set (so a record with just those gives every key), else None."""
        fields = parse(target.metadata_queries.get("query") or "")
        if fields is None or not all(steps in _FIXED_PATHS for _, steps in fields):
            return None
        keys, error = self._partition_keys(target, record)
        return keys if error is None else None

    def _partition_keys(self, target: S3Target, record: dict[str, Any]) -> tuple[dict[str, str] | None, str | None]:
        query = target.metadata_queries.get("query")
        if not query:
            return {}, None
        fast = self._fast_queries.get(query, _UNSET)
        if fast is _UNSET:
            fast = self._fast_queries[query] = compile_paths(query)
        if fast is not None:
            try:
                result = fast(record)
            except Fallback:
                pass  # this record needs jq itself
            else:
                if None in result.values():  # the fast path's values are str or None
                    return None, f"metadata extraction query returned {result!r}; every partition key needs a value"
                return result, None
        compiled = self._queries.get(query)
        if compiled is None:
            try:
                import jq
            except ImportError:  # pragma: no cover - jq is a pinned dependency
                return None, "dynamic partitioning needs the `jq` package"
            try:
                compiled = self._queries[query] = jq.compile(query)
            except ValueError as error:
                return None, f"invalid metadata extraction query {query!r}: {error}"
        try:
            result = compiled.input_value(record).first()
        except ValueError as error:
            return None, str(error)
        if not isinstance(result, dict) or any(v is None for v in result.values()):
            return None, f"metadata extraction query returned {result!r}; every partition key needs a value"
        return {k: str(v) for k, v in result.items()}, None


_UNSET = object()
# Record paths whose values the event type and configuration set decide: SES sets the
# ``ses:configuration-set`` auto-tag, and custom tag names cannot contain ':'.
_FIXED_PATHS = frozenset({("eventType",), ("mail", "tags", AutoTag.CONFIGURATION_SET, 0)})
_HOURLY_TOKENS = frozenset({"yyyy", "yy", "MM", "dd", "HH"})


@lru_cache(maxsize=256)
def _hourly(prefix: str) -> bool:
    """Whether ``prefix`` evaluates the same for every record of one hour with the same
    partition keys: its timestamps use at most hours and it draws no random string."""
    for namespace, value in _EXPRESSION.findall(prefix):
        if namespace == "firehose" and value == "random-string":
            return False
        if namespace == "timestamp":
            for token in _JAVA_TOKEN.findall(value):
                if token[0].isalpha() and token not in _HOURLY_TOKENS:
                    return False
    return True


def _datetime(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


_HOUR_MS = 3_600_000


@lru_cache(maxsize=1024)
def _hour_path(hour: int) -> str:
    """``YYYY/MM/dd/HH/`` (UTC), the path Firehose appends to a prefix without timestamps."""
    return time_prefix(datetime.fromtimestamp(hour * 3600, UTC))


def compress(compression: str, data: bytes, name: str) -> bytes:
    """Firehose's S3 compression; deterministic (no timestamps inside archives)."""
    if compression == "GZIP":
        # Level 1: the same content for readers, 5x faster than Python's default 9
        return gzip.compress(data, compresslevel=1, mtime=0)
    if compression == "ZIP":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            info = zipfile.ZipInfo(name.rsplit("/", 1)[-1].removesuffix(".zip"), date_time=(1980, 1, 1, 0, 0, 0))
            archive.writestr(info, data)
        return out.getvalue()
    if compression in ("Snappy", "HADOOP_SNAPPY"):
        import snappy  # optional; ImportError is reported by the sink

        compressed: bytes = snappy.compress(data)
        return compressed
    return data

