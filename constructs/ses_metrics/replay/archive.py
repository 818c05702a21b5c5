"""A replay's S3 archive: the objects Firehose writes into the buckets the template's Glue
tables read, kept compressed as they are written, and the template's named queries run
over them when the replay ends (``replay --out``, the report's "Archive queries").

Only those buckets' objects are kept, each compressed once as the stream says (a day of
the example, a million events, is about a tenth of its JSON); every other object is
counted as in any replay. Redshift and OpenSearch streams still stage and back up as
configured, but load nothing: the replay is about the archive and the alarms.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ses_metrics.simulator.athena import Catalog, LocalAthena, QueryError, QueryResult, SavedQuery
from ses_metrics.simulator.sinks.s3 import LazyObject, ObjectStore


class ArchiveStore(ObjectStore):
    """An object store keeping only ``buckets``' objects, compressed as written."""

    def __init__(self, buckets: Iterable[str]):
        super().__init__(keep_bodies=True)
        self.archived = frozenset(buckets)

    def put(self, bucket: str, key: str, body: bytes | LazyObject | None, *, size: int | None = None) -> None:
        self.objects_written[bucket] += 1
        if size is None:
            size = body.size if isinstance(body, LazyObject) else len(body or b"")
        self.bytes_written[bucket] += size
        if bucket in self.archived and body is not None:
            self._objects[bucket][key] = body.body if isinstance(body, LazyObject) else body


class _StagingOnly:
    """A Redshift or OpenSearch destination that stages as configured and loads nothing."""

    def __init__(self, destination: Any):
        self._destination = destination

    def stages(self, stream: Any) -> bool:
        return bool(self._destination.stages(stream))

    def deliver(self, *args: Any, **kwargs: Any) -> None:
        return None


def archive_simulator(simulator: Any, catalog: Catalog) -> ArchiveStore:
    """Make ``simulator`` keep the archive of ``catalog``'s tables (created with payloads
    kept, so that Firehose buffers keep records; before its first send): SNS and
    EventBridge payloads are then only counted again."""
    store = ArchiveStore(t.bucket for t in catalog.tables)
    simulator.s3 = simulator.firehose.objects = store
    simulator.sns.keep_messages = False
    simulator.eventbridge.keep_events = False
    simulator.firehose.destinations = {kind: _StagingOnly(d) for kind, d in simulator.firehose.destinations.items()}
    return store


@dataclass
class ArchiveQuery:
    """A named query of the template and what it returned over the replay's archive."""

    query: SavedQuery
    result: QueryResult | None
    error: str | None = None


def run_named_queries(directory: Path, catalog: Catalog) -> tuple[list[ArchiveQuery], list[str]]:
    """Every named query of ``catalog`` over the archive written under ``directory`` (those
    creating views are not reports: the engine runs them first), and the engine's warnings;
    a query that fails is kept with its error."""
    out: list[ArchiveQuery] = []
    with LocalAthena(directory, catalog) as athena:
        for saved in catalog.named_queries:
            if saved.creates_view:
                continue
            try:
                out.append(ArchiveQuery(saved, athena.query(saved.sql, database=saved.database)))
            except QueryError as error:
                out.append(ArchiveQuery(saved, None, str(error)))
        warnings = list(athena.warnings)
    return out, warnings
