"""Running the same SQL on real Athena with boto3 (``ses-metrics query --athena``).

``StartQueryExecution`` in the catalogue's workgroup and database, ``GetQueryExecution``
until the query ends (``FAILED``/``CANCELLED`` raise with Athena's reason; past
``timeout_seconds`` the query is stopped), then every page of ``GetQueryResults``. Values
come back as strings; those of numeric and boolean columns are converted by the column
type Athena reports, so results compare with the local engine's. Not run against AWS in
the test suite (no account here): ``tests/ci/test_athena_client.py`` drives it through
botocore's ``Stubber`` with Athena's documented response shapes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ses_metrics.simulator.athena import QueryError, QueryResult

_INTEGERS = frozenset({"tinyint", "smallint", "integer", "int", "bigint"})
_FLOATS = frozenset({"double", "float", "real"})


class AthenaQueryFailed(QueryError):
    """The query ended FAILED or CANCELLED, or did not end in time."""


def _value(text: str | None, kind: str) -> Any:
    if text is None:
        return None
    kind = kind.lower().split("(", 1)[0]
    if kind in _INTEGERS:
        return int(text)
    if kind in _FLOATS or kind == "decimal":
        return float(text)
    if kind == "boolean":
        return text.lower() == "true"
    return text


def run_on_athena(
    client: Any,
    sql: str,
    *,
    database: str,
    workgroup: str | None,
    catalog: str = "AwsDataCatalog",
    poll_seconds: float = 1.0,
    timeout_seconds: float = 600.0,
    sleep: Callable[[float], None] = time.sleep,
) -> QueryResult:
    """Run ``sql`` on Athena (``client``: ``boto3.client("athena")``) and return every row."""
    start: dict[str, Any] = {"QueryString": sql, "QueryExecutionContext": {"Database": database, "Catalog": catalog}}
    if workgroup:
        start["WorkGroup"] = workgroup
    query_id = client.start_query_execution(**start)["QueryExecutionId"]
    waited = 0.0
    while True:
        execution = client.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
        status = execution["Status"]
        state = status["State"]
        if state == "SUCCEEDED":
            break
        if state in ("FAILED", "CANCELLED"):
            reason = status.get("StateChangeReason") or (status.get("AthenaError") or {}).get("ErrorMessage") or "no reason given"
            raise AthenaQueryFailed(f"Athena query {query_id} {state}: {reason}")
        if waited >= timeout_seconds:
            client.stop_query_execution(QueryExecutionId=query_id)
            raise AthenaQueryFailed(f"Athena query {query_id} still {state} after {timeout_seconds:g} s: stopped")
        sleep(poll_seconds)
        waited += poll_seconds
    # SELECT results (statement type DML) start with a header row.
    header = execution.get("StatementType") == "DML"
    columns: list[str] | None = None
    types: list[str] = []
    rows: list[tuple[Any, ...]] = []
    token: str | None = None
    while True:
        request: dict[str, Any] = {"QueryExecutionId": query_id, "MaxResults": 1000}
        if token:
            request["NextToken"] = token
        page = client.get_query_results(**request)
        result = page["ResultSet"]
        data = result.get("Rows", [])
        if columns is None:
            info = result["ResultSetMetadata"]["ColumnInfo"]
            columns, types = [c["Name"] for c in info], [c["Type"] for c in info]
            if header and data:
                data = data[1:]
        rows += [tuple(_value(cell.get("VarCharValue"), kind) for cell, kind in zip(row["Data"], types, strict=False)) for row in data]
        token = page.get("NextToken")
        if not token:
            break
    return QueryResult(columns or [], rows, sql)
