"""The embedded DuckDB behind the simulated Redshift COPY loads every row as it was given,
whichever way it inserts them: text rows as NumPy object arrays once enough rows have gone
in to pay for NumPy's import, any other as lists."""

from __future__ import annotations

import pytest

from ses_metrics.simulator.sinks import databases
from ses_metrics.simulator.sinks.databases import DuckDatabase

TEXT = [("message_id", "VARCHAR", True), ("campaign", "VARCHAR", False)]
# Values DuckDB's guess from a sample of an object array would get wrong: the sample's Nones
# and small numbers, then a string, and a BIGINT no INTEGER holds.
TEXT_ROWS = [(f"id-{i}", None) for i in range(5000)] + [("id-last", "spring ü\x00")]
NUMBER_ROWS = [(f"id-{i}", None) for i in range(5000)] + [("id-small", 1), ("id-last", 2**63 - 1)]


def loaded(database: DuckDatabase, table: str) -> list[tuple]:
    return database.query(f'SELECT * FROM "{table}" ORDER BY rowid')


def test_text_rows_load_as_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(databases, "ARRAYS_AFTER_ROWS", 0)
    database = DuckDatabase()
    database.create_table("ses", TEXT)
    database.insert("ses", ["message_id", "campaign"], TEXT_ROWS)
    assert loaded(database, "ses") == TEXT_ROWS


def inserted_as_arrays(monkeypatch: pytest.MonkeyPatch, batches: list[int], after: int) -> list[int]:
    """Which of ``batches`` (row counts, inserted in turn) went in as arrays."""
    calls: list[int] = []
    monkeypatch.setattr(databases, "ARRAYS_AFTER_ROWS", after)
    monkeypatch.setattr(DuckDatabase, "_insert_text", lambda self, numpy, table, names, rows: calls.append(len(rows)))
    database = DuckDatabase()
    database.create_table("ses", TEXT)
    for count in batches:
        database.insert("ses", ["message_id", "campaign"], [("id", "c0")] * count)
    return calls


def test_text_rows_go_in_as_arrays_once_enough_rows_have_gone_in(monkeypatch: pytest.MonkeyPatch) -> None:
    assert inserted_as_arrays(monkeypatch, [50, 60, 5], after=100) == [60, 5]


def test_a_large_first_insert_of_text_rows_goes_in_as_arrays(monkeypatch: pytest.MonkeyPatch) -> None:
    assert inserted_as_arrays(monkeypatch, [100], after=100) == [100]


def test_rows_with_a_number_column_load_as_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(databases, "ARRAYS_AFTER_ROWS", 0)
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


def test_text_rows_load_as_given_beside_a_table_named_as_the_inserted_arrays(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(databases, "ARRAYS_AFTER_ROWS", 0)
    database = DuckDatabase()
    for table, rows in (("_ses_metrics_rows", TEXT_ROWS[:2]), ("ses", TEXT_ROWS[-2:])):
        database.create_table(table, TEXT)
        database.insert(table, ["message_id", "campaign"], rows)
    assert (loaded(database, "_ses_metrics_rows"), loaded(database, "ses")) == (TEXT_ROWS[:2], TEXT_ROWS[-2:])


@pytest.mark.parametrize("after", [0, 100])
def test_no_rows_insert_nothing(monkeypatch: pytest.MonkeyPatch, after: int) -> None:
    monkeypatch.setattr(databases, "ARRAYS_AFTER_ROWS", after)
    database = DuckDatabase()
    database.create_table("ses", TEXT)
    database.insert("ses", ["message_id", "campaign"], [])
    assert loaded(database, "ses") == []
