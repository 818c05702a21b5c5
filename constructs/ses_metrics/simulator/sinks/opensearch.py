"""OpenSearch: the documents a Firehose-to-OpenSearch stream indexes, against the index
template the stream publishes (else a dynamic mapping).

Each buffer a stream flushes is one bulk request: every record becomes a document (the
record itself) in ``IndexName`` plus the rotation suffix of the buffer's arrival time
(``ses_metrics.rules.firehose.index_rotation_suffix``: OneHour ``-YYYY-MM-DD-HH``, OneDay
``-YYYY-MM-DD``, OneWeek ``-YYYY-wWW``, OneMonth ``-YYYY-MM``; default OneDay).

- Document IDs: with ``DocumentIdOptions.DefaultDocumentIdFormat`` ``FIREHOSE_DEFAULT``
  (the default) Firehose sets them; AWS does not document their form, so the simulator
  uses unique, seeded decimal IDs shaped like those seen in failed-document backups
  (``<56 digits>.<record index>``); with ``NO_DOCUMENT_ID`` OpenSearch generates a
  20-character ID.
- Mapping: the index template in the stream's ``ses-metrics`` metadata
  (``indexTemplate``, which ``OpenSearchDeliveryStream`` publishes for you to apply with
  ``PUT _index_template``) gives an index whose name its ``index_patterns`` match its
  explicit mapping when the index is created; without one, or for fields it does not list,
  the mapping is dynamic, as OpenSearch builds it (``opensearch_mapping.py``). A document
  that does not fit is rejected whole (``mapper_parsing_exception``,
  ``illegal_argument_exception``) and adds nothing to the mapping.
- Backup (``S3BackupMode``): ``FailedDocumentsOnly`` (the default) writes only rejected
  documents, ``AllDocuments`` also every record, as objects of the stream's S3
  configuration. Rejected documents go under ``<prefix>AmazonOpenSearchService-failed/``
  (then ``YYYY/MM/dd/HH/``), one JSON line each in Firehose's failed-document shape:
  ``attemptsMade, arrivalTimestamp, errorCode, errorMessage, attemptEndingTimestamp,
  esDocumentId, esIndexName, esTypeName, rawData`` (base64). Mapping errors are not
  retried (a retry cannot succeed), so ``attemptsMade`` is 1.

With a client (``--opensearch-url``), each stream's index template is put into the cluster
(``PUT _index_template/<indexTemplateName>``) before its first bulk request, and the
cluster's answer per document decides.

``sim.opensearch.documents(index)``, ``search(index, term={field: value})`` (dotted field
paths; an array matches when it contains the value), ``count_by(index, field)``,
``indexes``, ``mapping(index)`` and ``failed`` (the backup documents) show what happened.
An ``index`` argument is an index's full name or the stream's ``IndexName`` (all its
rotated indexes).
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from datetime import datetime
from fnmatch import fnmatchcase
from typing import Any

from ses_metrics.rules.firehose import index_rotation_suffix, time_prefix
from ses_metrics.simulator.codec import decode
from ses_metrics.simulator.outcomes import Landing
from ses_metrics.simulator.sinks.decoded import BufferDecoder
from ses_metrics.simulator.sinks.firehose import compress, staged_object_key
from ses_metrics.simulator.sinks.opensearch_mapping import (
    AcceptedObjects,
    CompiledMapping,
    MappingConflict,
    compile_mapping,
    map_document,
)
from ses_metrics.simulator.sinks.s3 import ObjectStore
from ses_metrics.simulator.topology import DeliveryStream

FAILED_FOLDER = "AmazonOpenSearchService-failed/"
__all__ = ["MappingConflict", "OpenSearchSink", "index_template", "map_document"]
# (document ID, the document when indexed, the rejection otherwise)
_Verdict = tuple[str, Any, "MappingConflict | None"]


def _parse(raw: bytes) -> dict[str, Any]:
    try:
        document = decode(raw)
    except ValueError as error:
        document = error
    return _document(document)


def _document(decoded: Any) -> dict[str, Any]:
    """A record decoded (or the ``ValueError`` decoding raised) as the document OpenSearch indexes."""
    if isinstance(decoded, ValueError):
        raise MappingConflict("mapper_parsing_exception", f"failed to parse: {decoded}")
    document = decoded
    if not isinstance(document, dict):
        raise MappingConflict("mapper_parsing_exception", "failed to parse: the document is not a JSON object")
    return document


def index_template(stream: DeliveryStream) -> tuple[str, dict[str, Any]] | None:
    """The index template a stream publishes in its metadata (name, body), or None."""
    name, body = stream.metadata.get("indexTemplateName"), stream.metadata.get("indexTemplate")
    if isinstance(name, str) and isinstance(body, dict):
        return name, body
    return None


def _field(document: Any, path: str) -> list[Any]:
    """Every value at a dotted path (arrays flattened)."""
    values = [document]
    for part in path.split("."):
        following = []
        for value in values:
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict) and part in item:
                    following.append(item[part])
        values = following
    flat: list[Any] = []
    for value in values:
        flat.extend(value if isinstance(value, list) else [value])
    return flat


class OpenSearchSink:
    """Every Firehose-to-OpenSearch stream's indexes, in memory."""

    def __init__(self, objects: ObjectStore, ids: Any, client: Any = None, decoder: BufferDecoder | None = None):
        """``client``: an ``opensearchpy.OpenSearch`` to index into a real cluster instead, whose
        answer per document decides what is indexed and what is backed up (default: the
        in-memory index, mapped by the stream's index template and dynamically). ``decoder``:
        shared with the other sinks that read the same buffers (default: one of its own)."""
        self.objects = objects
        self.ids = ids
        self.client = client
        self.decoder = decoder or BufferDecoder()
        self._documents: dict[str, dict[str, dict[str, Any]]] = {}  # index -> id -> document
        self._mappings: dict[str, dict[str, str]] = {}
        self._accepted: dict[str, AcceptedObjects] = {}  # per index: the shared lists and tags of the documents it accepted (opensearch_mapping)
        self._explicit: dict[str, CompiledMapping | None] = {}  # index -> the template mapping it was created with
        self._templates: dict[str, tuple[str, dict[str, Any], CompiledMapping] | None] = {}  # stream ARN -> its template
        self._applied: set[str] = set()  # templates put into the client's cluster
        self.warnings: list[str] = []
        self._bases: dict[str, set[str]] = {}  # IndexName -> rotated index names
        self.failed: list[dict[str, Any]] = []  # failed-document backups, as written
        self.indexed: Counter[str] = Counter()  # documents per index
        self.failed_count: Counter[str] = Counter()  # rejected documents per index

    # -- the API ---------------------------------------------------------------------

    @property
    def indexes(self) -> list[str]:
        return sorted(self._documents)

    def documents(self, index: str) -> list[dict[str, Any]]:
        """Every document of an index (or of every rotated index of an ``IndexName``), in indexing order."""
        return [document for name in self._resolve(index) for document in self._documents[name].values()]

    def hits(self, index: str) -> list[dict[str, Any]]:
        """Every document with its index and ID, as a search hit: ``{"_index", "_id", "_source"}``."""
        return [{"_index": name, "_id": i, "_source": d} for name in self._resolve(index) for i, d in self._documents[name].items()]

    def get(self, index: str, document_id: str) -> dict[str, Any] | None:
        for name in self._resolve(index):
            if document_id in self._documents[name]:
                return self._documents[name][document_id]
        return None

    def search(self, index: str, *, term: dict[str, Any]) -> list[dict[str, Any]]:
        """Documents whose every ``term`` field (a dotted path) equals the value (or, for an array, contains it)."""
        return [d for d in self.documents(index) if all(value in _field(d, field) for field, value in term.items())]

    def count_by(self, index: str, field: str) -> dict[Any, int]:
        """Documents per value of ``field`` (a terms aggregation); documents without it are not counted."""
        counts: Counter[Any] = Counter()
        for document in self.documents(index):
            for value in dict.fromkeys(v for v in _field(document, field) if not isinstance(v, dict | list)):
                counts[value] += 1
        return dict(counts.most_common())

    def mapping(self, index: str) -> dict[str, str]:
        """The mapping of one index: field path -> type (the template's fields and the dynamic ones)."""
        return dict(self._mappings[self._resolve(index)[0]])

    # -- Firehose's side -------------------------------------------------------------

    def stages(self, stream: DeliveryStream) -> bool:
        """Only ``AllDocuments`` writes every record to S3."""
        return str(stream.properties.get("S3BackupMode") or "FailedDocumentsOnly") == "AllDocuments"

    def deliver(self, stream: DeliveryStream, bucket: str, key: str | None, records: list[bytes],
                landings: list[Landing] | None, arrival: datetime, values: list[Any] | None = None) -> None:
        """Index one buffer (a bulk request; ``values``, when given, what the records encode);
        back up the documents OpenSearch rejects."""
        props = stream.properties
        base = str(props.get("IndexName") or "")
        index = base + index_rotation_suffix(str(props.get("IndexRotationPeriod") or "OneDay"), arrival)
        firehose_ids = ((props.get("DocumentIdOptions") or {}).get("DefaultDocumentIdFormat") or "FIREHOSE_DEFAULT") == "FIREHOSE_DEFAULT"
        documents = self._documents.setdefault(index, {})
        self._bases.setdefault(base, set()).add(index)
        prefix = f"{int(self.ids.hex(24), 16):056d}"[-56:]
        ids = [f"{prefix}.{position}" if firehose_ids else self.ids.hex(10) for position in range(len(records))]
        template = self._template(stream)
        if self.client is not None:
            verdicts = self._index_remotely(index, ids, records, firehose_ids, template)
        else:
            verdicts = self._index_locally(index, ids, records, template, values)
        ms = int(arrival.timestamp() * 1000)
        failures: list[tuple[int, dict[str, Any]]] = []
        for position, (raw, (document_id, document, failure)) in enumerate(zip(records, verdicts, strict=True)):
            entry: dict[str, Any] = {"index": index, "id": document_id}
            if failure is None:
                documents[document_id] = document
                self.indexed[index] += 1
                entry["document"] = document
            else:
                self.failed_count[index] += 1
                entry["error"] = f"{failure.type}: {failure.reason}"
                failures.append((position, {
                    "attemptsMade": 1,
                    "arrivalTimestamp": ms,
                    "errorCode": str(failure.status),
                    "errorMessage": json.dumps({"type": failure.type, "reason": failure.reason}),
                    "attemptEndingTimestamp": ms,
                    "esDocumentId": document_id,
                    "esIndexName": index,
                    "esTypeName": str(props.get("TypeName") or ""),
                    "rawData": base64.b64encode(raw).decode(),
                }))
            if landings is not None:
                landings[position].opensearch = entry
        if failures:
            self._back_up(stream, arrival, failures, landings)

    def _template(self, stream: DeliveryStream) -> tuple[str, dict[str, Any], CompiledMapping] | None:
        """The stream's index template (name, body, its mapping compiled), read once."""
        if stream.arn not in self._templates:
            found = index_template(stream)
            compiled = None
            if found is not None:
                compiled = compile_mapping(((found[1].get("template") or {}).get("mappings")) or {})
                if compiled.unknown_types:
                    self.warnings.append(f"delivery stream {stream.name}: index template {found[0]} maps "
                                         f"{', '.join(compiled.unknown_types)}: types the simulator does not model, whose values it accepts unchecked")
            self._templates[stream.arn] = (found[0], found[1], compiled) if found is not None and compiled is not None else None
        return self._templates[stream.arn]

    def _index_locally(self, index: str, ids: list[str], records: list[bytes],
                       template: tuple[str, dict[str, Any], CompiledMapping] | None, values: list[Any] | None) -> list[_Verdict]:
        """Each record against the index's mapping, as OpenSearch would judge it: the one the
        matching index template gave the index when it was created, then dynamic."""
        mapping = self._mappings.get(index)
        if mapping is None:
            patterns = template[1].get("index_patterns") if template is not None else None
            matches = template is not None and any(fnmatchcase(index, str(p)) for p in (patterns if isinstance(patterns, list) else [patterns]))
            self._explicit[index] = template[2] if template is not None and matches else None
            mapping = self._mappings[index] = dict(template[2].fields) if template is not None and matches else {}
        explicit = self._explicit[index]
        # Records handed over share lists and tags (mail.headers, mail.tags): each is walked once.
        accepted = self._accepted.setdefault(index, AcceptedObjects()) if values is not None else None
        verdicts: list[_Verdict] = []
        for document_id, decoded in zip(ids, self.decoder.decode(records, keeps=True, known=values), strict=True):
            try:
                document = _document(decoded)
                mapping.update(map_document(document, mapping, document_id, explicit, accepted))
            except MappingConflict as failure:
                verdicts.append((document_id, None, failure))
            else:
                verdicts.append((document_id, document, None))
        return verdicts

    def _index_remotely(self, index: str, ids: list[str], records: list[bytes], firehose_ids: bool,
                        template: tuple[str, dict[str, Any], CompiledMapping] | None) -> list[_Verdict]:
        """One bulk request to the real cluster; its answer per document is the verdict. The
        stream's index template is put first, once (``PUT _index_template/<name>``)."""
        if template is not None and template[0] not in self._applied:
            try:
                self.client.indices.put_index_template(name=template[0], body=template[1])
            except Exception as refusal:  # the cluster's own error, left as it is, said where
                refusal.add_note(f"putting index template {template[0]} (PUT _index_template/{template[0]})")
                raise
            self._applied.add(template[0])
        verdicts: list[_Verdict | None] = [None] * len(records)
        body: list[Any] = []
        sent: list[int] = []
        for position, (document_id, raw) in enumerate(zip(ids, records, strict=True)):
            try:
                document = _parse(raw)
            except MappingConflict as failure:
                verdicts[position] = (document_id, None, failure)
                continue
            body += [{"index": {"_index": index, **({"_id": document_id} if firehose_ids else {})}}, document]
            sent.append(position)
        if body:
            response = self.client.bulk(body=body)
            for position, item in zip(sent, response["items"], strict=True):
                result = next(iter(item.values()))
                document_id = str(result.get("_id") or ids[position])
                if int(result.get("status", 500)) >= 300:
                    error = result.get("error") or {}
                    refused = MappingConflict(str(error.get("type", "error")), str(error.get("reason", error)), int(result.get("status", 500)))
                    verdicts[position] = (document_id, None, refused)
                else:
                    verdicts[position] = (document_id, _parse(records[position]), None)
        return [v for v in verdicts if v is not None]

    def _back_up(self, stream: DeliveryStream, arrival: datetime, failures: list[tuple[int, dict[str, Any]]],
                 landings: list[Landing] | None) -> None:
        target = stream.s3
        if target is None:
            return
        extension = {"GZIP": ".gz"}.get(target.compression, "")
        key = staged_object_key(f"{target.prefix}{FAILED_FOLDER}{time_prefix(arrival)}", stream.name, arrival, self.ids.uuid(), extension)
        content = "".join(json.dumps(failure) + "\n" for _, failure in failures).encode()
        self.objects.put(target.bucket, key, compress(target.compression if extension else "UNCOMPRESSED", content, key))
        for position, failure in failures:
            self.failed.append({"bucket": target.bucket, "key": key, **failure})
            if landings is not None:
                landings[position].key = key

    def _resolve(self, index: str) -> list[str]:
        names = [index] if index in self._documents else sorted(self._bases.get(index, ()))
        if not names:
            raise KeyError(f"no OpenSearch index {index!r}; indexes: {', '.join(self.indexes) or 'none yet'}")
        return names
