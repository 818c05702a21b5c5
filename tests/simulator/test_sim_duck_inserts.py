"""The embedded DuckDB behind the simulated Redshift COPY loads every row as it was given,
whichever way it inserts them: text rows as NumPy object arrays, any other as lists."""

from __future__ import annotations

import pytest

from ses_metrics.simulator.sinks import databases
from ses_metrics.simulator.sinks.databases import DuckDatabase

TEXT = [("message_id", "VARCHAR", True), ("campaign", "VARCHAR", False)]
# Values DuckDB's guess from a sample of an object array would get wrong: the sample's Nones
# and small numbers, then a string, and a BIGINT no INTEGER holds.
TEXT_ROWS = [(f"id-{i}", None) for i in range(5000)] + [("id-last", "spring ü\x00")]
NUMBER_ROWS = [(f"id-{i}", i) for i in range(5000)] + [("id-last", 2**63 - 1)]


def loaded(database: DuckDatabase, table: str) -> list[tuple]:
    return database.query(f'SELECT * FROM "{table}" ORDER BY rowid')


def test_text_rows_load_as_given() -> None:
    database = DuckDatabase()
    database.create_table("ses", TEXT)
    database.insert("ses", ["message_id", "campaign"], TEXT_ROWS)
    assert loaded(database, "ses") == TEXT_ROWS


def test_text_rows_are_inserted_as_arrays(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.setattr(DuckDatabase, "_insert_text", lambda self, *args: calls.append(args[1]))
    database = DuckDatabase()
    database.create_table("ses", TEXT)
    database.insert("ses", ["campaign"], [("c0",)])
    assert calls == ["ses"]


def test_rows_with_a_number_column_load_as_given() -> None:
    database = DuckDatabase()
    database.create_table("ses", [TEXT[0], ("attempts", "BIGINT", False)])
    database.insert("ses", ["message_id", "attempts"], NUMBER_ROWS)
    assert loaded(database, "ses") == NUMBER_ROWS


def test_text_rows_load_as_given_without_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(databases, "_numpy", lambda: None)
    database = DuckDatabase()
    database.create_table("ses", TEXT)
    database.insert("ses", ["message_id", "campaign"], TEXT_ROWS)
    assert loaded(database, "ses") == TEXT_ROWS


def test_text_rows_load_as_given_beside_a_table_named_as_the_inserted_arrays() -> None:
    database = DuckDatabase()
    for table, rows in (("_ses_metrics_rows", TEXT_ROWS[:2]), ("ses", TEXT_ROWS[-2:])):
        database.create_table(table, TEXT)
        database.insert(table, ["message_id", "campaign"], rows)
    assert (loaded(database, "_ses_metrics_rows"), loaded(database, "ses")) == (TEXT_ROWS[:2], TEXT_ROWS[-2:])
