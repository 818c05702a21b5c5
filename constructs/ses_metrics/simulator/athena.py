"""Athena, locally: the Glue tables and named queries a template declares, queried with
DuckDB over the S3 objects a simulation wrote (``simulate --out`` / ``replay --out``).

    catalog = read_catalog("cdk.out")
    with LocalAthena("sim-out", catalog) as athena:
        result = athena.named("bounce-complaint-rate-by-configuration-set-and-day")
        result.columns, result.rows

Each ``AWS::Glue::Table`` becomes a DuckDB view named ``<database>.<table>`` over the
objects under ``<DIR>/s3/<bucket>/`` that its partition projection reads, as Athena would
(and each named query that is a ``CREATE VIEW`` runs once, in its database, as you run it
after deploying, so its view can be queried):
an object is read when its directory matches ``storage.location.template`` with every
partition value allowed by its projection (enum values, the date format); its partition
columns come from that directory. Objects elsewhere under the table's location (another
layout, an error prefix) are not read, and a date outside the projection's range is
reported as a warning (Athena would not read it either). Compression is decided by the
extension, as Athena does (``.gz`` gzip, none plain). Columns are the record's own keys
(``rules.record_schema``), matched exactly (DuckDB's JSON reader is case-sensitive; Athena's
OpenX SerDe is not, and SES's keys have one spelling); each line is read as JSON and
transformed to the record's types (``json_transform``: a value of another type reads NULL).

SQL is Athena's dialect (Trino). One translation step runs it on DuckDB: sqlglot
(pinned) transpiles Trino to DuckDB, which covers the functions the two spell differently
(``from_iso8601_timestamp``, ``element_at``, ``count_if``, ``cardinality``, ``date_parse``,
``approx_distinct``, ``regexp_like``, ``array_join``); macros add the few sqlglot passes
through (``url_extract_host``). The session runs in UTC, as Athena does, and timestamps
with a time zone come back as Athena prints them (``2026-03-02 09:00:00.000 UTC``).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ses_metrics.files.output import OutputDirectory
from ses_metrics.rules import athena as athena_rules
from ses_metrics.rules import record_schema
from ses_metrics.rules.named_queries import CREATE_VIEW_RE
from ses_metrics.simulator.template import Environment, Resolver, Unresolved, load_stacks

# Trino functions sqlglot 30 passes through unchanged and DuckDB lacks.
_MACROS = (
    "CREATE OR REPLACE MACRO url_extract_host(u) AS regexp_extract(u, '^[A-Za-z][A-Za-z0-9+.-]*://([^/:?#]+)', 1)",
)


class QueryError(Exception):
    """SQL that does not parse, names an unknown table or fails in DuckDB."""


@dataclass(frozen=True)
class CatalogTable:
    """An ``AWS::Glue::Table`` over S3 as Athena sees it."""

    database: str
    name: str
    bucket: str
    location: str  # the key prefix of LOCATION, below the bucket
    columns: tuple[tuple[str, str], ...]  # (name, Hive type)
    partition_keys: tuple[str, ...]
    parameters: Mapping[str, str]
    serde: str | None
    resource: str

    @property
    def projection(self) -> dict[str, dict[str, str]]:
        """``projection.<column>.<setting>`` parameters, by column."""
        out: dict[str, dict[str, str]] = {}
        for key, value in self.parameters.items():
            if key.startswith("projection.") and key.count(".") >= 2:
                _, column, setting = key.split(".", 2)
                out.setdefault(column, {})[setting] = str(value)
        return out

    @property
    def template(self) -> str | None:
        """``storage.location.template`` below the bucket, or None."""
        value = self.parameters.get("storage.location.template")
        prefix = f"s3://{self.bucket}/"
        return value[len(prefix):] if isinstance(value, str) and value.startswith(prefix) else None


@dataclass(frozen=True)
class SavedQuery:
    """An ``AWS::Athena::NamedQuery``."""

    name: str
    database: str
    sql: str
    workgroup: str | None
    description: str

    @property
    def creates_view(self) -> bool:
        """Whether it is a ``CREATE [OR REPLACE] VIEW`` (run once after deploying, not a report)."""
        return CREATE_VIEW_RE.match(self.sql) is not None


@dataclass
class Catalog:
    tables: list[CatalogTable] = field(default_factory=list)
    named_queries: list[SavedQuery] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def named_query(self, name: str) -> SavedQuery:
        found = next((q for q in self.named_queries if q.name == name), None)
        if found is None:
            known = ", ".join(q.name for q in self.named_queries) or "none"
            raise QueryError(f"no named query {name!r} in the template (named queries: {known})")
        return found


def read_catalog(source: Any, environment: Environment | None = None, parameters: Mapping[str, str] | None = None) -> Catalog:
    """The Glue tables and Athena named queries of a template (a ``cdk.out`` directory, a
    template file or dict, or ``StackTemplate``s), names resolved as the simulator resolves them."""
    stacks = source if isinstance(source, list) else load_stacks(source)
    resolver = Resolver(stacks, environment, parameters)
    catalog = Catalog()
    for stack in stacks:
        for logical_id, resource in stack.resources.items():
            kind = resource.get("Type")
            if kind not in ("AWS::Glue::Table", "AWS::Athena::NamedQuery") or not resolver.is_deployed(stack, logical_id):
                continue
            props = resolver.resolve(resource.get("Properties") or {}, stack, logical_id)
            where = f"{stack.name}/{logical_id}"
            if kind == "AWS::Glue::Table":
                table = _table(props, where, catalog.warnings)
                if table is not None:
                    catalog.tables.append(table)
            elif isinstance(props.get("QueryString"), str) and isinstance(props.get("Database"), str):
                catalog.named_queries.append(
                    SavedQuery(str(props.get("Name") or logical_id), props["Database"], props["QueryString"],
                               props.get("WorkGroup") if isinstance(props.get("WorkGroup"), str) else None,
                               str(props.get("Description") or ""))
                )
            else:
                catalog.warnings.append(f"{where}: named query with an unresolved database or query string is skipped")
    catalog.warnings += resolver.warnings
    return catalog


def _table(props: dict[str, Any], where: str, warnings: list[str]) -> CatalogTable | None:
    table_input = props.get("TableInput") or {}
    storage = table_input.get("StorageDescriptor") or {}
    location = storage.get("Location")
    name, database = table_input.get("Name"), props.get("DatabaseName")
    if not (isinstance(location, str) and isinstance(name, str) and isinstance(database, str)):
        warnings.append(f"{where}: Glue table with an unresolved name, database or location is not queryable locally")
        return None
    match = re.fullmatch(r"s3a?://([^/]+)/?(.*)", location)
    if match is None:
        warnings.append(f"{where}: Glue table {name} is not over S3 ({location!r}); not queryable locally")
        return None
    parameters = table_input.get("Parameters") or {}
    return CatalogTable(
        database=database.lower(),
        name=name.lower(),
        bucket=match.group(1),
        location=match.group(2),
        columns=tuple((str(c.get("Name", "")).lower(), str(c.get("Type", ""))) for c in storage.get("Columns") or []),
        partition_keys=tuple(str(c.get("Name", "")).lower() for c in table_input.get("PartitionKeys") or []),
        parameters={str(k): v for k, v in parameters.items() if not isinstance(v, Unresolved)},
        serde=(storage.get("SerdeInfo") or {}).get("SerializationLibrary"),
        resource=where,
    )


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    sql: str  # what ran (after translation)

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def translate(sql: str) -> str:
    """Athena (Trino) SQL as DuckDB SQL (sqlglot); ``QueryError`` when it does not parse."""
    import sqlglot
    from sqlglot.errors import ParseError

    try:
        statements = sqlglot.transpile(sql, read="trino", write="duckdb")
    except ParseError as error:
        raise QueryError(f"the SQL does not parse as Athena (Trino) SQL: {error}") from None
    return ";\n".join(statements)


@dataclass(frozen=True)
class _Object:
    path: str
    partitions: dict[str, str]


class LocalAthena:
    """DuckDB over a simulation's output directory, with the catalogue's tables as views."""

    def __init__(self, directory: str | os.PathLike[str], catalog: Catalog, *, now: datetime | None = None, threads: int | None = None):
        import duckdb

        self.directory = Path(directory)
        self.catalog = catalog
        self.warnings: list[str] = list(catalog.warnings)
        self.objects: dict[tuple[str, str], int] = {}  # (database, table) -> objects read
        self._now = now or datetime.now(UTC)
        self.connection = duckdb.connect()
        self.connection.execute("SET TimeZone = 'UTC'")
        if threads:
            self.connection.execute(f"SET threads = {int(threads)}")
        for macro in _MACROS:
            self.connection.execute(macro)
        for table in catalog.tables:
            self._create_view(table)
        # The views the catalogue declares as CREATE VIEW named queries, as if run after deploying
        for saved in catalog.named_queries:
            if saved.creates_view:
                try:
                    self.query(saved.sql, database=saved.database)
                except QueryError as error:
                    self.warnings.append(f"named query {saved.name}: its view is not created locally ({error})")

    def __enter__(self) -> LocalAthena:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.connection.close()

    @property
    def databases(self) -> list[str]:
        return list(dict.fromkeys(t.database for t in self.catalog.tables))

    def query(self, sql: str, *, database: str | None = None) -> QueryResult:
        """Run Athena SQL; unqualified tables are looked up in ``database`` (default: the
        only database of the catalogue)."""
        import duckdb

        database = database or (self.databases[0] if len(self.databases) == 1 else None)
        translated = translate(sql)
        try:
            self.connection.execute(f'USE "{database}"' if database else "USE memory.main")
            relation = self.connection.sql(translated)
            if relation is None:
                return QueryResult([], [], translated)
            columns = list(relation.columns)
            projected = relation.project(", ".join(_readable(c, str(t)) for c, t in zip(columns, relation.types, strict=True)))
            return QueryResult(columns, projected.fetchall(), translated)
        except duckdb.Error as error:
            raise QueryError(f"{type(error).__name__}: {str(error).splitlines()[0]}") from None

    def named(self, name: str) -> QueryResult:
        """A named query of the template, unchanged, in its own database."""
        saved = self.catalog.named_query(name)
        return self.query(saved.sql, database=saved.database)

    # -- views -------------------------------------------------------------------------

    def _create_view(self, table: CatalogTable) -> None:
        problems = self._unreadable(table)
        if problems:
            self.warnings += problems
            return
        objects = list(self._objects(table))
        self.objects[(table.database, table.name)] = len(objects)
        names = {name for name, _ in table.columns}
        data = [(f.key, record_schema.duckdb_type(f.type)) for f in record_schema.RECORD.fields if f.key.lower() in names]
        unknown = sorted(names - {f.key.lower() for f in record_schema.RECORD.fields})
        if unknown:
            self.warnings.append(f"{table.resource}: columns {', '.join(unknown)} are not SES record keys; they read NULL locally")
        con = self.connection
        con.execute(f'CREATE SCHEMA IF NOT EXISTS "{table.database}"')
        partitions = ", ".join(f'"{p}" VARCHAR' for p in table.partition_keys)
        con.execute(f'CREATE TABLE "{table.database}"."_objects_{table.name}" (filename VARCHAR{", " + partitions if partitions else ""})')
        if objects:
            con.executemany(
                f'INSERT INTO "{table.database}"."_objects_{table.name}" VALUES ({", ".join("?" * (1 + len(table.partition_keys)))})',
                [[o.path, *(o.partitions.get(p) for p in table.partition_keys)] for o in objects],
            )
        selected = [f't.r."{key}" AS "{key.lower()}"' for key, _ in data]
        selected += [f'NULL AS "{name}"' for name in unknown]
        selected += [f'o."{p}" AS "{p}"' for p in table.partition_keys]
        listing = f'"{table.database}"."_objects_{table.name}" AS o'
        structure = json.dumps({key: record_schema.duckdb_structure(f.type) for f in record_schema.RECORD.fields
                                for key in [f.key] if key in dict(data)})
        if objects:
            files = "[" + ", ".join(_literal(o.path) for o in objects) + "]"
            source = (f"(SELECT json_transform(json, {_literal(structure)}) AS r, filename FROM read_ndjson_objects({files}, "
                      f"compression = 'auto', filename = true)) AS t JOIN {listing} ON t.filename = o.filename")
        else:
            source = f"(SELECT json_transform(NULL::JSON, {_literal(structure)}) AS r) AS t, {listing}"
        con.execute(f'CREATE VIEW "{table.database}"."{table.name}" AS SELECT {", ".join(selected)} FROM {source}')

    def _unreadable(self, table: CatalogTable) -> list[str]:
        if table.serde not in (athena_rules.JSON_SERDE, "org.apache.hive.hcatalog.data.JsonSerDe"):
            return [f"{table.resource}: table {table.database}.{table.name} uses SerDe {table.serde!r}; only JSON tables are queryable locally"]
        projection = table.projection
        if table.partition_keys and (table.parameters.get("projection.enabled") != "true" or table.template is None):
            return [f"{table.resource}: table {table.database}.{table.name} is partitioned without partition projection over its "
                    "bucket: Athena would read only partitions registered in Glue, which a simulation cannot know"]
        missing = [p for p in table.partition_keys if p not in projection]
        if missing:
            return [f"{table.resource}: partition columns {', '.join(missing)} have no projection settings "
                    "(Athena: HIVE_METASTORE_ERROR ... missing projection configuration)"]
        return []

    def _objects(self, table: CatalogTable) -> Iterator[_Object]:
        """The objects Athena would read, with their partition values."""
        root = self.directory / "s3" / table.bucket
        projection = table.projection
        template = table.template if table.partition_keys else None
        pattern = athena_rules.template_regex(template, projection) if template else None
        base = root / table.location
        start = base if base.is_dir() else base.parent
        skipped = outside = 0
        for directory, _, files in sorted(os.walk(start)):
            for name in sorted(files):
                path = Path(directory) / name
                key = path.relative_to(root).as_posix()
                if not key.startswith(table.location) or name.startswith((".", "_")):
                    continue
                folder = key[: key.rfind("/") + 1]
                if pattern is None:
                    if table.partition_keys:
                        continue
                    yield _Object(str(path), {})
                    continue
                match = pattern.fullmatch(folder)
                if match is None:
                    skipped += 1
                    continue
                values = {p: match.group(re.sub(r"\W", "_", p)) for p in table.partition_keys}
                if not self._in_range(values, projection):
                    outside += 1
                    continue
                yield _Object(str(path), values)
        if skipped:
            self.warnings.append(f"{table.database}.{table.name}: {skipped} object(s) under s3://{table.bucket}/{table.location} do not "
                                 "match the table's storage.location.template and projection; Athena does not read them either")
        if outside:
            self.warnings.append(f"{table.database}.{table.name}: {outside} object(s) are outside the date range of the table's "
                                 "partition projection; Athena does not read them (widen projection.<column>.range)")

    def _in_range(self, values: Mapping[str, str], projection: Mapping[str, Mapping[str, str]]) -> bool:
        for column, value in values.items():
            settings = projection.get(column, {})
            if settings.get("type", "").lower() != "date":
                continue
            pattern = settings.get("format", "")
            moment = athena_rules.parse_projected_date(value, pattern)
            low, _, high = settings.get("range", "").partition(",")
            lower = athena_rules.range_bound(low, pattern, self._now) if low else None
            upper = athena_rules.range_bound(high, pattern, self._now) if high else None
            if moment is None or (lower is not None and moment < lower) or (upper is not None and moment > upper):
                return False
        return True


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _readable(column: str, kind: str) -> str:
    """A result column as Python can fetch it without pytz: timestamps with a time zone as
    Athena prints them."""
    quoted = '"' + column.replace('"', '""') + '"'
    if kind.upper() in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"):
        return f"strftime({quoted}, '%Y-%m-%d %H:%M:%S.%g UTC') AS {quoted}"
    return quoted


def write_objects(objects: Any, directory: str | os.PathLike[str]) -> int:
    """The S3 objects of a simulator's ``ObjectStore`` under ``<directory>/s3/<bucket>/<key>``,
    byte for byte, as ``simulate --out`` writes them (what ``LocalAthena`` reads), through the
    same writer (keys that are not plain relative paths refused, no link followed); returns
    how many."""
    files = {f"s3/{bucket}/{key}": body for bucket, key, body in objects.items()}
    return len(OutputDirectory(directory, "ses-metrics (S3 objects for a query)").write_all(files))
