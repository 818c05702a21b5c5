"""query --athena: StartQueryExecution, GetQueryExecution polling and GetQueryResults
paging, driven through botocore's Stubber with Athena's response shapes (no AWS here)."""

import boto3
import pytest
from botocore.stub import Stubber

from ses_metrics.ci.athena import AthenaQueryFailed, run_on_athena

COLUMNS = [{"Name": "configuration_set", "Type": "varchar"}, {"Name": "sent", "Type": "bigint"},
           {"Name": "bounce_rate_percent", "Type": "double"}]


def _client():
    return boto3.client("athena", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")


def _row(*values):
    return {"Data": [{} if v is None else {"VarCharValue": v} for v in values]}


def _execution(state, **extra):
    return {"QueryExecution": {"QueryExecutionId": "q-1", "StatementType": "DML", "Status": {"State": state, **extra}}}


def test_polls_until_done_and_reads_every_page():
    client = _client()
    sleeps = []
    with Stubber(client) as stub:
        stub.add_response("start_query_execution", {"QueryExecutionId": "q-1"}, {
            "QueryString": "SELECT 1", "QueryExecutionContext": {"Database": "ses_events", "Catalog": "AwsDataCatalog"},
            "WorkGroup": "ses-events"})
        stub.add_response("get_query_execution", _execution("QUEUED"), {"QueryExecutionId": "q-1"})
        stub.add_response("get_query_execution", _execution("RUNNING"), {"QueryExecutionId": "q-1"})
        stub.add_response("get_query_execution", _execution("SUCCEEDED"), {"QueryExecutionId": "q-1"})
        stub.add_response("get_query_results", {
            "ResultSet": {"ResultSetMetadata": {"ColumnInfo": COLUMNS},
                          "Rows": [_row("configuration_set", "sent", "bounce_rate_percent"), _row("marketing", "40", "2.5")]},
            "NextToken": "page-2"}, {"QueryExecutionId": "q-1", "MaxResults": 1000})
        stub.add_response("get_query_results", {
            "ResultSet": {"ResultSetMetadata": {"ColumnInfo": COLUMNS}, "Rows": [_row(None, "3", None)]}},
            {"QueryExecutionId": "q-1", "MaxResults": 1000, "NextToken": "page-2"})
        result = run_on_athena(client, "SELECT 1", database="ses_events", workgroup="ses-events", sleep=sleeps.append)
        stub.assert_no_pending_responses()
    assert result.columns == ["configuration_set", "sent", "bounce_rate_percent"]
    assert result.rows == [("marketing", 40, 2.5), (None, 3, None)]
    assert sleeps == [1.0, 1.0]


def test_a_failed_query_raises_athenas_reason():
    client = _client()
    with Stubber(client) as stub:
        stub.add_response("start_query_execution", {"QueryExecutionId": "q-1"})
        stub.add_response("get_query_execution", _execution("FAILED", StateChangeReason="TABLE_NOT_FOUND: line 1:15"))
        with pytest.raises(AthenaQueryFailed, match="FAILED: TABLE_NOT_FOUND"):
            run_on_athena(client, "SELECT 1", database="d", workgroup=None, sleep=lambda s: None)


def test_a_query_running_past_the_timeout_is_stopped():
    client = _client()
    with Stubber(client) as stub:
        stub.add_response("start_query_execution", {"QueryExecutionId": "q-1"})
        stub.add_response("get_query_execution", _execution("RUNNING"))
        stub.add_response("get_query_execution", _execution("RUNNING"))
        stub.add_response("stop_query_execution", {}, {"QueryExecutionId": "q-1"})
        with pytest.raises(AthenaQueryFailed, match="stopped"):
            run_on_athena(client, "SELECT 1", database="d", workgroup=None, timeout_seconds=1, sleep=lambda s: None)
        stub.assert_no_pending_responses()
