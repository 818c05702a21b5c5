"""Redshift: the COPY a Firehose-to-Redshift stream runs on each staged object, into an
embedded DuckDB database.

Firehose stages records in S3 (``RedshiftDestinationConfiguration.S3Configuration``) and
then runs ``COPY <DataTableName> (<DataTableColumns>) FROM 's3://<staged object>' <CopyOptions>``.
The simulator does the same when a staged object is written (a buffer fills, or ``flush``):

- The table: created from the DDL in the stream's ``ses-metrics`` metadata (what
  ``RedshiftDeliveryStream`` deploys), else from ``DataTableColumns`` as ``VARCHAR(65535)``
  each (Redshift's longest). Redshift types map to DuckDB's (VARCHAR(n) and CHAR(n) ->
  VARCHAR, with the length kept here and enforced in UTF-8 bytes as Redshift does).
- CopyOptions: ``JSON 's3://...'`` (a JSONPaths file: taken from the simulated S3 store,
  else from the stream's metadata, which is what the construct deploys to that key),
  ``JSON 'auto'`` / ``'auto ignorecase'``, ``GZIP`` (must match how the object was
  staged), ``MAXERROR [AS] n`` (default 0), ``TRUNCATECOLUMNS`` (the only way a value is
  ever cut), ``EMPTYASNULL``, ``BLANKSASNULL``; ``REGION``, ``TIMEFORMAT``, ``DATEFORMAT``,
  ``ACCEPTINVCHARS``, ``COMPUPDATE``, ``STATUPDATE`` change nothing here; anything else is
  a warning. A COPY without ``JSON`` (pipe-delimited text) is a COPY error.
- Values: a path missing from the record, or JSON null, loads NULL; an object or array
  loads as its compact JSON text; numbers and booleans in a text column load as their JSON
  text. A string longer than its ``VARCHAR(n)`` in bytes is load error 1204 ("String length
  exceeds DDL length"), NULL in a NOT NULL column 1213, a non-integer in an integer column
  1207, a non-boolean in a BOOLEAN column 1210, a bad timestamp 1206, a bad date 1205,
  a line that is not a JSON object 1216.
- Atomicity: a COPY is one transaction. With ``MAXERROR 0`` (Firehose's and Redshift's
  default) an object with any bad record loads **no** row, and Firehose, after its retries,
  skips the object and writes a manifest naming it (``{"entries": [{"url", "mandatory"}]}``,
  Redshift's manifest format, which is what Firehose writes "to the errors/ folder" for a
  manual backfill) under ``<staging prefix>errors/manifests/YYYY/MM/dd/HH/``. With
  ``MAXERROR n`` up to ``n`` bad records are skipped and the rest load. Every bad record is
  listed in ``load_errors`` (``STL_LOAD_ERRORS``'s columns), where Redshift, aborting at
  the first error, would list one: here a failed object tells you everything wrong in it.

``sim.redshift.query(sql)`` runs SQL over the loaded tables; ``tables``, ``rows(table)``,
``load_errors`` and ``loads`` (one entry per COPY) show the rest. With ``keep_payloads=False``
nothing is loaded (there are no records to load).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ses_metrics.rules.firehose import time_prefix
from ses_metrics.rules.redshift_columns import parse_jsonpath, resolve
from ses_metrics.simulator.outcomes import Landing, LoadedRow
from ses_metrics.simulator.sinks.databases import Database, DatabaseError, DuckDatabase, quote_table, sql_type
from ses_metrics.simulator.sinks.decoded import BufferDecoder
from ses_metrics.simulator.sinks.firehose import staged_object_key
from ses_metrics.simulator.sinks.redshift_copy import (
    BadValue,
    ColumnSpec,
    CopyCommand,
    column_spec,
    json_text,
    load_value,
    parse_ddl,
)
from ses_metrics.simulator.sinks.redshift_rows import Reader, Rows, bracket_reader, compile_rows, path_reader
from ses_metrics.simulator.sinks.s3 import ObjectStore
from ses_metrics.simulator.topology import DeliveryStream

MANIFEST_FOLDER = "errors/manifests/"


@dataclass
class LoadError:
    """One row of ``STL_LOAD_ERRORS`` (the columns a reader looks at)."""

    table: str
    filename: str
    line_number: int
    colname: str
    type: str
    raw_line: str
    raw_field_value: str
    err_code: int
    err_reason: str
    stream: str = ""

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


Path = Callable[[Any], tuple[bool, Any]]


def compile_jsonpath(path: str) -> Path:
    """A JSONPath as Redshift reads it: bracket notation (what ses-metrics writes, followed
    by ``redshift_columns.resolve``) or dot notation (jsonpath-ng); ``ValueError`` if neither."""
    try:
        parts = parse_jsonpath(path)
    except ValueError:
        pass
    else:
        return lambda record: resolve(record, parts)
    from jsonpath_ng import parse  # only for paths ses-metrics does not write

    try:
        expression = parse(path)
    except Exception as error:  # jsonpath-ng raises its own exception types
        raise ValueError(f"invalid JSONPath {path!r}: {error}") from None

    def find(record: Any) -> tuple[bool, Any]:
        matches = expression.find(record)
        return (True, matches[0].value) if matches else (False, None)

    return find


def compile_copy_rows(command: CopyCommand, specs: list[ColumnSpec], paths: list[Path], jsonpaths: list[str] | None) -> Rows:
    """A COPY's records -> rows function (``redshift_rows.compile_rows``) for columns
    ``specs`` read by ``paths``, compiled from the JSONPaths file's ``jsonpaths`` (bracket
    notation becomes ``dict.get`` chains) or, for 'auto' (None), from the column names. It
    loads what ``load_value`` loads, and names the records where it raises ``BadValue``."""
    readers: list[Reader] = []
    for index, (spec, path) in enumerate(zip(specs, paths, strict=True)):
        if jsonpaths is None:
            readers.append(path_reader(path) if command.ignorecase else bracket_reader((spec.name,), path))
            continue
        try:
            readers.append(bracket_reader(parse_jsonpath(jsonpaths[index]), path))
        except ValueError:  # dot notation: jsonpath-ng's evaluator
            readers.append(path_reader(path))
    return compile_rows(list(zip(readers, specs, strict=True)), lambda spec, value: load_value(spec, value, command), json_text,
                        command.blanks_as_null, BadValue)


@dataclass
class _Table:
    name: str
    columns: list[ColumnSpec]
    stream: str


@dataclass
class _Read:
    """A COPY whose records are read: its rows and load errors, its rows not yet inserted."""

    stream: DeliveryStream
    command: CopyCommand
    table: _Table
    filename: str
    records: list[bytes]
    landings: list[Landing] | None
    arrival: datetime
    targets: list[str]
    specs: list[ColumnSpec]
    good: list[tuple[Any, ...]]
    good_lines: list[int]
    errors: list[LoadError]
    manifest: str | None = None  # a failed COPY's
    refused: str | None = None  # why the database refused its rows, if it did

    @property
    def failed(self) -> bool:
        return len(self.errors) > self.command.max_error


class RedshiftSink:
    """Every Firehose-to-Redshift stream's COPY, into one embedded DuckDB database."""

    def __init__(self, objects: ObjectStore, ids: Any, database: Database | None = None, decoder: BufferDecoder | None = None):
        """``database``: where rows go (default an in-memory DuckDB; ``PostgresDatabase`` for a real one).
        ``decoder``: shared with the other sinks that read the same buffers (default: one of its own)."""
        self.objects = objects
        self.ids = ids
        self.decoder = decoder or BufferDecoder()
        self.database: Any = database or DuckDatabase()
        self._tables: dict[str, _Table] = {}
        self._commands: dict[str, CopyCommand] = {}
        self._paths: dict[str, list[Path] | str] = {}  # stream arn -> evaluators, or why there are none
        self._rows: dict[str, Rows] = {}  # stream arn -> its records' common case, compiled (redshift_rows)
        self.load_errors: list[LoadError] = []
        self.loads: list[dict[str, Any]] = []  # one per COPY: stream, table, file, rows, errors, status
        self.rows_loaded: Counter[str] = Counter()  # per table
        self.records_failed: Counter[str] = Counter()  # records of failed COPYs and skipped rows, per table
        self.warnings: list[str] = []
        self._batch: list[_Read] | None = None  # COPYs read in ``batch``, their rows not inserted yet

    # -- the API ---------------------------------------------------------------------

    @property
    def connection(self) -> Any:
        """The database connection (DuckDB's is created on first use: simulators without Redshift streams never import duckdb)."""
        return self.database.connection

    @property
    def tables(self) -> list[str]:
        return sorted(self._tables)

    def columns(self, table: str) -> list[ColumnSpec]:
        return list(self._table(table).columns)

    def query(self, sql: str, parameters: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        """Rows of a SQL query over the loaded tables, in the database's SQL (DuckDB's by
        default, close to Redshift's for SELECTs; placeholders ``?``)."""
        return self.database.query(sql, parameters)  # type: ignore[no-any-return]

    def rows(self, table: str) -> list[dict[str, Any]]:
        """Every row of ``table`` as ``{column: value}``, in load order."""
        spec = self._table(table)
        names = [c.name for c in spec.columns]
        return [dict(zip(names, row, strict=True)) for row in self.query(f"SELECT * FROM {quote_table(spec.name)}")]

    # -- Firehose's side -------------------------------------------------------------

    def register(self, stream: DeliveryStream) -> None:
        """Parse a stream's COPY and prepare its table (created on the first load)."""
        command = CopyCommand.parse(stream.properties.get("CopyCommand") or {})
        self._commands[stream.arn] = command
        for warning in command.warnings:
            self._warn(f"delivery stream {stream.name}: {warning}")

    @contextmanager
    def batch(self) -> Iterator[None]:
        """COPYs made meanwhile insert their rows when it ends, one INSERT per table for
        consecutive COPYs (Firehose's flush of many buffers: a DuckDB INSERT costs ~0.7 ms
        beside its rows). What each COPY loads, refuses and reports is what it would alone."""
        if self._batch is not None:
            yield
            return
        self._batch = []
        try:
            yield
        finally:
            batch, self._batch = self._batch, None
            self._settle(batch)

    def stages(self, stream: DeliveryStream) -> bool:
        return True  # Redshift COPY reads the staged object, so it is always written

    def deliver(self, stream: DeliveryStream, bucket: str, key: str | None, records: list[bytes],
                landings: list[Landing] | None, arrival: datetime, values: list[Any] | None = None) -> None:
        """COPY one staged object (``records`` are its lines; ``values``, when given, what they
        encode) into the stream's table."""
        command = self._commands.get(stream.arn)
        if command is None:
            self.register(stream)
            command = self._commands[stream.arn]
        filename = f"s3://{bucket}/{key}"
        problem = "; ".join(command.problems) or None
        table = self._ensure_table(stream, command) if problem is None else None
        if problem is None and table is None:
            problem = f"table {command.table!r} cannot be created"
        if problem is None:
            paths = self._jsonpaths(stream, command, table)  # type: ignore[arg-type]
            problem = paths if isinstance(paths, str) else None
        if problem is None:
            compressed = key is not None and key.endswith(".gz")
            if compressed != command.gzip:
                problem = (f"the staged object is {'GZIP' if compressed else 'not'} compressed but the COPY options "
                           f"{'lack' if compressed else 'have'} GZIP: Redshift cannot read it")
        if problem is not None:
            self._fail_copy(stream, command, filename, records, landings, arrival, problem)
            return
        assert table is not None and not isinstance(paths, str)
        self._copy(stream, command, table, paths, filename, records, landings, arrival, values)

    # -- internals -------------------------------------------------------------------

    def _warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def _table(self, table: str) -> _Table:
        try:
            return self._tables[table]
        except KeyError:
            raise KeyError(f"no Redshift table {table!r}; tables: {', '.join(self.tables) or 'none loaded yet'}") from None

    def _ensure_table(self, stream: DeliveryStream, command: CopyCommand) -> _Table | None:
        existing = self._tables.get(command.table)
        if existing is not None:
            return existing
        columns: list[ColumnSpec] | None = None
        ddl = stream.metadata.get("ddl")
        if isinstance(ddl, str) and stream.metadata.get("table") == command.table:
            try:
                _, columns = parse_ddl(ddl)
            except ValueError as error:
                self._warn(f"delivery stream {stream.name}: the DDL in its metadata cannot be read ({error}); columns are VARCHAR(65535)")
        if columns is None:
            if not command.columns:
                self._warn(f"delivery stream {stream.name}: no DDL in its metadata and no DataTableColumns: table {command.table} cannot be created")
                return None
            columns = [column_spec(name, "VARCHAR(65535)") for name in command.columns]
        dialect = self.database.dialect
        try:
            self.database.create_table(command.table, [(c.name, sql_type(c.duck_type, c.max_bytes, dialect), c.not_null) for c in columns])
        except DatabaseError as error:
            self._warn(f"delivery stream {stream.name}: table {command.table} cannot be created: {error}")
            return None
        table = self._tables[command.table] = _Table(command.table, columns, stream.name)
        return table

    def _jsonpaths(self, stream: DeliveryStream, command: CopyCommand, table: _Table) -> list[Path] | str:
        """One evaluator per COPY column, or why the COPY fails."""
        cached = self._paths.get(stream.arn)
        if cached is not None:
            return cached
        targets = command.columns or [c.name for c in table.columns]
        known = {c.name for c in table.columns}
        missing = [c for c in targets if c not in known]
        result: list[Path] | str
        texts: list[str] | None = None  # the JSONPaths file's paths ('auto': none)
        if missing:
            result = f"column {missing[0]!r} of DataTableColumns is not in table {table.name}"
        elif command.auto:
            # 'auto': a column loads the record's top-level field of the same name.
            result = [_auto_path(name, command.ignorecase) for name in targets]
        else:
            document = self._jsonpaths_document(stream, command.jsonpaths_url or "")
            if isinstance(document, str):
                result = document
            else:
                paths = document.get("jsonpaths") if isinstance(document, dict) else None
                if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
                    result = f"the JSONPaths file {command.jsonpaths_url} has no \"jsonpaths\" list of strings"
                elif len(paths) != len(targets):
                    result = f"the JSONPaths file {command.jsonpaths_url} has {len(paths)} paths for {len(targets)} columns: Redshift needs one per column"
                else:
                    try:
                        result = [compile_jsonpath(p) for p in paths]
                    except ValueError as error:
                        result = f"the JSONPaths file {command.jsonpaths_url}: {error}"
                    texts = paths
        if not isinstance(result, str):
            by_name = {c.name: c for c in table.columns}
            self._rows[stream.arn] = compile_copy_rows(command, [by_name[name] for name in targets], result, texts)
        self._paths[stream.arn] = result
        return result

    def _jsonpaths_document(self, stream: DeliveryStream, url: str) -> Any:
        bucket, _, key = url.removeprefix("s3://").partition("/")
        if key in self.objects.keys(bucket, key):
            try:
                return json.loads(self.objects.content(bucket, key))
            except ValueError as error:
                return f"the JSONPaths file {url} is not JSON: {error}"
        if isinstance(stream.metadata.get("jsonpaths"), dict):
            return stream.metadata["jsonpaths"]  # what RedshiftDeliveryStream deploys to that key
        return f"the JSONPaths file {url} is neither in the templates' metadata nor in the simulated S3"

    def _copy(self, stream: DeliveryStream, command: CopyCommand, table: _Table, paths: list[Path], filename: str,
              records: list[bytes], landings: list[Landing] | None, arrival: datetime, values: list[Any] | None) -> None:
        targets = command.columns or [c.name for c in table.columns]
        by_name = {c.name: c for c in table.columns}
        specs = [by_name[name] for name in targets]
        decoded = self.decoder.decode(records, keeps=False, known=values)
        objects = [position for position, record in enumerate(decoded) if isinstance(record, dict)]
        rows, refused = self._rows[stream.arn](decoded if len(objects) == len(decoded) else [decoded[p] for p in objects])
        errors: list[LoadError] = []
        if len(objects) == len(decoded) and not refused:  # every record loads
            good, good_lines = rows, list(range(1, len(records) + 1))
        else:
            good, good_lines = [], []
            loaded, readable, bad = iter(rows), set(objects), {objects[p] for p in refused}
            for position, (raw, record) in enumerate(zip(records, decoded, strict=True)):
                if position not in readable:
                    error = record if isinstance(record, ValueError) else "not a JSON object"
                    errors.append(self._error(stream, table, filename, position + 1, "", "", raw, "", 1216, f"Invalid JSON object in input line: {error}"))
                elif position in bad:  # the reference reading reports the record's first bad field
                    errors.append(self._bad_record(stream, command, table, specs, paths, filename, position + 1, raw, record))
                else:
                    good.append(next(loaded))
                    good_lines.append(position + 1)
        self.load_errors.extend(errors)
        read = _Read(stream, command, table, filename, records, landings, arrival, targets, specs, good, good_lines, errors)
        if read.failed:  # its manifest now: its id drawn where it always was, between its neighbours' object keys
            read.manifest = self._write_manifest(stream, filename, arrival)
        if self._batch is not None:
            self._batch.append(read)
        else:
            read.refused = self._insert(read)
            self._finish(read)

    def _insert(self, read: _Read) -> str | None:
        """A COPY's rows into the database; the database's refusal, if it refuses them."""
        if read.failed or not read.good:
            return None
        try:
            self.database.insert(read.table.name, read.targets, read.good)
        except DatabaseError as error:
            return str(error)
        return None

    def _settle(self, batch: list[_Read]) -> None:
        """The rows of a batch's COPYs into the database, one INSERT per table (and column
        list) for consecutive COPYs; then each COPY's outcome, in order. An INSERT the
        database refuses is made again one COPY at a time, so the refusal fails the COPYs
        it would have failed alone."""
        groups: list[list[_Read]] = []
        gathering: dict[str, list[_Read]] = {}  # per table: the COPYs its next INSERT takes
        for read in batch:
            if read.failed or not read.good:
                continue
            group = gathering.get(read.table.name)
            if group is None or group[0].targets != read.targets:
                group = gathering[read.table.name] = []
                groups.append(group)
            group.append(read)
        for group in groups:
            first = group[0]
            try:
                self.database.insert(first.table.name, first.targets, [row for read in group for row in read.good])
            except DatabaseError:
                for read in group:
                    read.refused = self._insert(read)
        for read in batch:
            self._finish(read)

    def _finish(self, read: _Read) -> None:
        """A read COPY's outcome: its load (or the COPY's failure, when the database refused
        its rows), and each landing's row or load error."""
        stream, command, table, filename, records, landings = read.stream, read.command, read.table, read.filename, read.records, read.landings
        good, errors, failed, targets = read.good, read.errors, read.failed, read.targets
        if read.refused is not None:
            self._fail_copy(stream, command, filename, records, landings, read.arrival, f"the database refused the rows: {read.refused}")
            return
        if not failed:
            self.rows_loaded[table.name] += len(good)
        status = "failed" if failed else "loaded"
        skipped = len(records) if failed else len(errors)
        self.records_failed[table.name] += skipped
        manifest = read.manifest
        reason = (f"{len(errors)} load error(s), MAXERROR {command.max_error}: the COPY of {filename} failed and loaded no row"
                  if failed else None)
        self.loads.append({"stream": stream.name, "table": table.name, "file": filename, "status": status,
                           "rows": 0 if failed else len(good), "errors": len(errors), **({"manifest": manifest} if manifest else {})})
        if landings is not None and len(landings) == len(records) and not errors and _plain(read.specs):
            # every line loaded, in order, and its values are JSON already (what _jsonable would return)
            for landing, loaded_row in zip(landings, good, strict=True):
                landing.redshift = LoadedRow(table.name, targets, loaded_row)
        elif landings is not None and len(landings) == len(records):
            loaded = dict(zip(read.good_lines, good, strict=True)) if not failed else {}
            errors_by_line = {e.line_number: e for e in errors}
            for line_number, landing in enumerate(landings, start=1):
                entry: dict[str, Any] = {"table": table.name}
                if line_number in loaded:
                    entry["row"] = dict(zip(targets, _jsonable(loaded[line_number]), strict=True))
                else:
                    load_error = errors_by_line.get(line_number)
                    entry["loadError"] = (f"{load_error.colname or 'record'}: {load_error.err_code} {load_error.err_reason}" if load_error
                                          else f"not loaded: {reason}")
                    if manifest:
                        entry["manifest"] = manifest
                landing.redshift = entry

    def _bad_record(self, stream: DeliveryStream, command: CopyCommand, table: _Table, specs: list[ColumnSpec], paths: list[Path],
                    filename: str, line_number: int, raw: bytes, record: dict[str, Any]) -> LoadError:
        """The load error of a record the compiled row refused, read the reference way: its first bad field."""
        for spec, path in zip(specs, paths, strict=True):
            found, value = path(record)
            try:
                load_value(spec, value if found else None, command)
            except BadValue as problem:
                raw_value = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
                return self._error(stream, table, filename, line_number, spec.name, spec.type, raw, raw_value, problem.code, problem.reason)
        raise AssertionError(f"line {line_number}: the compiled row refused a record the reference loads")

    def _error(self, stream: DeliveryStream, table: _Table, filename: str, line: int, colname: str, type_: str, raw: bytes,
               value: str, code: int, reason: str) -> LoadError:
        # STL_LOAD_ERRORS keeps raw_line and raw_field_value as CHAR(1024).
        return LoadError(table.name, filename, line, colname, type_, raw.decode("utf-8", "replace")[:1024], value[:1024], code, reason, stream.name)

    def _fail_copy(self, stream: DeliveryStream, command: CopyCommand, filename: str, records: list[bytes],
                   landings: list[Landing] | None, arrival: datetime, problem: str) -> None:
        """A COPY that fails before reading any record (bad options, JSONPaths, compression)."""
        manifest = self._write_manifest(stream, filename, arrival)
        self.records_failed[command.table] += len(records)
        self.loads.append({"stream": stream.name, "table": command.table, "file": filename, "status": "failed", "rows": 0,
                           "errors": 0, "error": problem, **({"manifest": manifest} if manifest else {})})
        self._warn(f"delivery stream {stream.name}: COPY fails: {problem}")
        for landing in landings or []:
            landing.redshift = {"table": command.table, "loadError": f"COPY failed: {problem}", **({"manifest": manifest} if manifest else {})}

    def _write_manifest(self, stream: DeliveryStream, filename: str, arrival: datetime) -> str | None:
        """The manifest of a skipped object, as Firehose writes it for a manual backfill."""
        target = stream.s3
        if target is None:
            return None
        key = staged_object_key(f"{target.prefix}{MANIFEST_FOLDER}{time_prefix(arrival)}", stream.name, arrival, self.ids.uuid(), "")
        body = (json.dumps({"entries": [{"url": filename, "mandatory": True}]}) + "\n").encode()
        self.objects.put(target.bucket, key, body)
        return f"s3://{target.bucket}/{key}"


# Column types whose loaded values are JSON scalars already (no Decimal, date or datetime).
_PLAIN_TYPES = frozenset({"VARCHAR", "BIGINT", "INTEGER", "SMALLINT", "BOOLEAN", "DOUBLE", "REAL"})


def _plain(specs: list[ColumnSpec]) -> bool:
    return all(spec.duck_type in _PLAIN_TYPES for spec in specs)


def _auto_path(name: str, ignorecase: bool) -> Path:
    def find(record: Any) -> tuple[bool, Any]:
        if name in record:
            return True, record[name]
        if ignorecase:
            for key, value in record.items():
                if key.lower() == name:
                    return True, value
        return False, None

    return find


def _jsonable(row: tuple[Any, ...]) -> list[Any]:
    return [v if v is None or isinstance(v, str | int | float | bool) else str(v) for v in row]
