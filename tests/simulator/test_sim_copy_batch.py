"""Firehose's flush COPYs its buffers into Redshift together: one INSERT per table, and what
each COPY loads, refuses and reports stays what it would be alone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from simkit import simple, with_narrow_campaign

from ses_metrics.simulator import Simulator
from ses_metrics.simulator.sinks.databases import DatabaseError, DuckDatabase


class Recording(DuckDatabase):
    """A DuckDB that records each INSERT's rows, and refuses any INSERT holding a row with ``refused`` in it."""

    def __init__(self, refused: str | None = None):
        super().__init__()
        self.inserts: list[int] = []
        self.refused = refused

    def insert(self, table: str, columns: Any, rows: list[tuple[Any, ...]]) -> None:
        if self.refused is not None and any(self.refused in row for row in rows):
            raise DatabaseError(f"no {self.refused} here")
        self.inserts.append(len(rows))
        super().insert(table, columns, rows)


def hours(simulator: Simulator, campaigns: list[str]) -> None:
    """One send per campaign, an hour apart (each its own buffer), then one flush."""
    for hour, campaign in enumerate(campaigns):
        simulator.send_email(**simple(tags={"campaign": campaign}), at=datetime(2026, 1, 1, hour, tzinfo=UTC))
    simulator.flush()


def campaigns(simulator: Simulator) -> list[str]:
    return [row["campaign"] for row in simulator.redshift.rows("ses")]


@pytest.fixture(scope="module")
def batched(example_template):
    database = Recording()
    simulator = Simulator(example_template, redshift_database=database)
    hours(simulator, ["a", "b", "c"])
    return simulator, database


@pytest.fixture(scope="module")
def one_refused(example_template):
    simulator = Simulator(example_template, redshift_database=Recording(refused="b"))
    hours(simulator, ["a", "b", "c"])
    return simulator


@pytest.fixture(scope="module")
def one_too_long(example_template):
    """The table's campaign column is VARCHAR(5): the middle buffer's COPY has a load error (MAXERROR 0)."""
    simulator = Simulator(with_narrow_campaign(example_template))
    hours(simulator, ["a", "spring", "c"])
    return simulator


def test_a_flush_of_three_buffers_inserts_their_rows_in_one_insert(batched):
    simulator, database = batched
    assert [load["status"] for load in simulator.redshift.loads] == ["loaded"] * 3
    assert database.inserts == [sum(load["rows"] for load in simulator.redshift.loads)]


def test_rows_inserted_together_keep_the_order_of_their_copies(batched):
    simulator, _ = batched
    assert campaigns(simulator) == ["a", "a", "b", "b", "c", "c"]  # each send's Send and Delivery


def test_a_refused_insert_fails_only_the_copy_the_database_refuses(one_refused):
    assert [load["status"] for load in one_refused.redshift.loads] == ["loaded", "failed", "loaded"]
    assert one_refused.redshift.loads[1]["error"] == "the database refused the rows: no b here"
    assert campaigns(one_refused) == ["a", "a", "c", "c"]


def test_the_refused_copy_s_events_carry_its_failure(one_refused):
    refused = [send for send in one_refused.sends if send.events[0].event.record["mail"]["tags"]["campaign"] == ["b"]]
    landings = [d.landing.redshift for send in refused for o in send.events for d in o.deliveries if d.destination == "marketing-warehouse"]
    assert [entry["loadError"] for entry in landings] == ["COPY failed: the database refused the rows: no b here"] * 2


def test_a_failed_copy_between_two_keeps_its_place_in_the_loads(one_too_long):
    assert [(load["status"], load["rows"]) for load in one_too_long.redshift.loads] == [("loaded", 2), ("failed", 0), ("loaded", 2)]
    assert campaigns(one_too_long) == ["a", "a", "c", "c"]


def test_a_failed_copy_in_a_batch_writes_its_manifest(one_too_long):
    manifest = one_too_long.redshift.loads[1]["manifest"]
    bucket, _, key = manifest.removeprefix("s3://").partition("/")
    assert one_too_long.redshift.loads[1]["file"] in one_too_long.s3.content(bucket, key).decode()
