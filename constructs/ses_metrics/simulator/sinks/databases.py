"""Where the simulated Redshift COPY writes rows: an embedded DuckDB (the default) or a real
PostgreSQL (``ses-metrics simulate --redshift-url postgresql://...``).

Both receive rows the COPY has already checked (types, VARCHAR lengths in bytes, NOT NULL),
so neither engine's own rules decide what loads: PostgreSQL's ``VARCHAR(n)`` counts
characters, never fewer than the bytes Redshift counts, so every checked row fits.
``query`` takes the engine's SQL and placeholders (DuckDB ``?``, PostgreSQL ``%s``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol


class DatabaseError(Exception):
    """The database refused a statement (a table of another shape already there, ...)."""


def quote_table(name: str) -> str:
    """``schema.table`` or ``table`` as quoted SQL identifiers (``"public"."ses"``)."""
    return ".".join('"' + part.replace('"', '""') + '"' for part in name.split(".", 1))


class Database(Protocol):
    def create_table(self, name: str, columns: Sequence[tuple[str, str, bool]]) -> None:
        """``columns``: (name, SQL type, NOT NULL)."""

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None: ...

    def query(self, sql: str, parameters: Sequence[Any] | None = None) -> list[tuple[Any, ...]]: ...


def _schema(name: str) -> str | None:
    return name.split(".", 1)[0] if "." in name else None


def _column_sql(columns: Sequence[tuple[str, str, bool]]) -> str:
    return ", ".join(f'"{name}" {type_}{" NOT NULL" if not_null else ""}' for name, type_, not_null in columns)


class DuckDatabase:
    """An in-memory DuckDB, connected on first use (no import without a Redshift stream).

    Rows are inserted as unnested lists. Once ``ARRAYS_AFTER_ROWS`` rows have gone in, rows
    whose every column is VARCHAR (SES records into text columns, the usual COPY) are
    inserted as NumPy object arrays when NumPy is installed (``ses-metrics[fast]``), which
    DuckDB reads ~2 us a row faster (benchmarks/RESULTS.md): NumPy's import (~0.03 s) pays
    for itself only over that many rows. Any other table keeps the lists: DuckDB types an
    object array from a sample of its values, which can be narrower than the column (a
    BIGINT's first values fit an INTEGER, a later one not)."""

    dialect = "duckdb"

    def __init__(self) -> None:
        self._connection: Any = None
        self._text_columns: dict[str, frozenset[str]] = {}  # per table created here
        self._rows_inserted = 0

    @property
    def connection(self) -> Any:
        if self._connection is None:
            import duckdb

            self._connection = duckdb.connect(":memory:")
        return self._connection

    def create_table(self, name: str, columns: Sequence[tuple[str, str, bool]]) -> None:
        if _schema(name):  # public.ses: Redshift's schema becomes a DuckDB schema
            self.connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{_schema(name)}"')
        self.connection.execute(f"CREATE TABLE {quote_table(name)} ({_column_sql(columns)})")
        self._text_columns[name] = frozenset(column for column, type_, _ in columns if type_ == "VARCHAR")

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        names = ", ".join(f'"{c}"' for c in columns)
        self._rows_inserted += len(rows)
        # (a table named as the arrays would be read in their stead: its inserts take the lists)
        if (self._rows_inserted >= ARRAYS_AFTER_ROWS and _ROWS not in self._text_columns
                and self._text_columns.get(table, frozenset()).issuperset(columns) and (numpy := _numpy()) is not None):
            self._insert_text(numpy, table, names, rows)
            return
        # One INSERT of unnested column lists: ~30x faster than executemany in DuckDB.
        lists = [list(values) for values in zip(*rows, strict=True)]
        selects = ", ".join(f"unnest(${i + 1})" for i in range(len(columns)))
        self.connection.execute(f"INSERT INTO {quote_table(table)} ({names}) SELECT {selects}", lists)

    def _insert_text(self, numpy: Any, table: str, names: str, rows: list[tuple[Any, ...]]) -> None:
        """Rows of str or None, one object array per column, read by DuckDB's replacement scan
        of the local ``_ses_metrics_rows`` (a third faster than ``register``-ing them)."""
        _ses_metrics_rows = {f"c{i}": numpy.array(values, dtype=object) for i, values in enumerate(zip(*rows, strict=True))}
        selects = ", ".join(f"c{i}" for i in range(len(rows[0])))
        self.connection.execute(f"INSERT INTO {quote_table(table)} ({names}) SELECT {selects} FROM {_ROWS}")

    def query(self, sql: str, parameters: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = self.connection.execute(sql, list(parameters or [])).fetchall()
        return rows


ARRAYS_AFTER_ROWS = 16_384  # DuckDatabase: rows inserted before text rows go in as arrays
_ROWS = "_ses_metrics_rows"  # the name DuckDatabase._insert_text's rows go by in its INSERT


@functools.cache
def _numpy() -> Any:
    """NumPy, imported on the first insert (not at start-up), or None when it is not installed."""
    try:
        import numpy
    except ImportError:  # pragma: no cover - depends on the installation
        return None
    return numpy


class PostgresDatabase:
    """A PostgreSQL database at ``url`` (``postgresql://user@host:port/db``), through psycopg.
    Tables are created if they do not exist (rows are appended, as Firehose appends to
    its table); each COPY's rows are committed together."""

    dialect = "postgresql"

    def __init__(self, url: str):
        try:
            import psycopg
        except ImportError:
            raise RuntimeError("--redshift-url needs the psycopg package: pip install 'psycopg[binary]'") from None
        try:
            self.connection = psycopg.connect(url, autocommit=False)
        except psycopg.Error as error:
            raise RuntimeError(f"cannot connect to {url}: {str(error).strip()}") from None

    def create_table(self, name: str, columns: Sequence[tuple[str, str, bool]]) -> None:
        with self._transaction() as cursor:
            if _schema(name):
                cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{_schema(name)}"')
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {quote_table(name)} ({_column_sql(columns)})")

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        names = ", ".join(f'"{c}"' for c in columns)
        with self._transaction() as cursor, cursor.copy(f"COPY {quote_table(table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        """A cursor whose statements commit together; PostgreSQL's refusal becomes a DatabaseError."""
        import psycopg

        try:
            with self.connection.cursor() as cursor:
                yield cursor
            self.connection.commit()
        except psycopg.Error as error:
            self.connection.rollback()
            raise DatabaseError(str(error).strip()) from None

    def query(self, sql: str, parameters: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, list(parameters) if parameters else None)
            rows = cursor.fetchall() if cursor.description else []
        self.connection.commit()
        return rows


def sql_type(duck_type: str, max_bytes: int | None, dialect: str) -> str:
    """A column's type in the target engine (text keeps its length: PostgreSQL enforces it)."""
    if duck_type == "VARCHAR":
        return "VARCHAR" if dialect == "duckdb" or max_bytes is None else f"VARCHAR({max_bytes})"
    if dialect == "postgresql" and duck_type == "DOUBLE":
        return "DOUBLE PRECISION"
    return duck_type
