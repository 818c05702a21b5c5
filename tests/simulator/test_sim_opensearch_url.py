"""--opensearch-url: documents go to a real cluster, whose answer per document decides what is
indexed and what Firehose backs up. The cluster here is a stand-in HTTP server that answers
_bulk as OpenSearch does (one item per action, an error object on a rejected one), so the
request Firehose's role would send and the handling of the answer are what is tested; no
OpenSearch server is started."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import opensearchpy  # noqa: F401 - a dev requirement: a missing install fails, never skips
import pytest
from conftest import ROOT

from ses_metrics.cli import main
from ses_metrics.rules import record_schema


class _Bulk(BaseHTTPRequestHandler):
    requests: list[tuple[str, list[dict]]] = []
    refuse_templates = False

    def do_PUT(self) -> None:
        """PUT _index_template/<name>: acknowledged, as OpenSearch answers (or refused, as a
        cluster that does not take the mapping answers)."""
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append((f"PUT {self.path}", [body]))
        if type(self).refuse_templates:
            self._answer({"error": {"type": "mapper_parsing_exception", "reason": "unknown parameter [dynamic_templates]"}, "status": 400}, 400)
        else:
            self._answer({"acknowledged": True})

    def _answer(self, document: dict, status: int = 200) -> None:
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        lines = [json.loads(line) for line in self.rfile.read(int(self.headers["Content-Length"])).splitlines() if line.strip()]
        type(self).requests.append((self.path, lines))
        items = []
        for action, document in zip(lines[::2], lines[1::2], strict=True):
            meta = action["index"]
            if document["eventType"] == "Bounce":  # the cluster rejects bounces: its mapping, not the simulator's, decides
                items.append({"index": {"_index": meta["_index"], "_id": meta["_id"], "status": 400,
                                        "error": {"type": "mapper_parsing_exception", "reason": "failed to parse field [bounce] of type [keyword]"}}})
            else:
                items.append({"index": {"_index": meta["_index"], "_id": meta["_id"], "status": 201, "result": "created"}})
        self._answer({"took": 1, "errors": any(i["index"]["status"] >= 300 for i in items), "items": items})

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def cluster():
    _Bulk.requests, _Bulk.refuse_templates = [], False
    server = HTTPServer(("127.0.0.1", 0), _Bulk)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _Bulk.requests
    server.shutdown()


def test_documents_are_bulk_indexed_into_the_rotated_index_with_firehose_ids(cluster, tmp_path, capsys, example_template):
    url, requests = cluster
    template = tmp_path / "example.template.json"
    template.write_text(json.dumps(example_template))
    code = main(["simulate", str(template), "--scenario", str(ROOT / "examples" / "scenario.yaml"), "--opensearch-url", url, "--json"])
    document = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {path for path, _ in requests[1:]} == {"/_bulk"}  # one bulk request per buffer (the scenario spans two windows)
    lines = [line for _, request in requests[1:] for line in request]
    actions = lines[::2]
    assert {a["index"]["_index"] for a in actions} == {"ses-events-2026-01-01"} and all("_id" in a["index"] for a in actions)
    bounces = sum(1 for d in lines[1::2] if d["eventType"] == "Bounce")
    summary = document["summary"]
    assert (summary["openSearchDocuments"], summary["openSearchFailedDocuments"]) == (len(actions) - bounces, bounces)
    assert {json.loads(f["errorMessage"])["type"] for f in document["opensearch"]["failed"]} == {"mapper_parsing_exception"}


def test_the_stream_s_index_template_is_put_into_the_cluster_once_before_its_first_bulk_request(cluster, tmp_path, capsys, example_template):
    url, requests = cluster
    template = tmp_path / "example.template.json"
    template.write_text(json.dumps(example_template))
    assert main(["simulate", str(template), "--scenario", str(ROOT / "examples" / "scenario.yaml"), "--opensearch-url", url, "--json"]) == 0
    puts = [(path, body) for path, body in requests if path.startswith("PUT ")]
    assert puts == [("PUT /_index_template/ses-metrics-ses-events", [record_schema.opensearch_index_template("ses-events")])]
    assert requests[0][0].startswith("PUT ") and len(requests) > 1


def test_a_cluster_refusing_the_index_template_is_a_usage_error_naming_its_answer(cluster, tmp_path, capsys, example_template):
    url, requests = cluster
    _Bulk.refuse_templates = True
    template = tmp_path / "example.template.json"
    template.write_text(json.dumps(example_template))
    code = main(["simulate", str(template), "--scenario", str(ROOT / "examples" / "scenario.yaml"), "--opensearch-url", url, "--json"])
    error = capsys.readouterr().err
    assert code == 2 and "unknown parameter [dynamic_templates]" in error and "putting index template ses-metrics-ses-events" in error
    assert not [path for path, _ in requests if path == "/_bulk"]


def test_an_unreachable_cluster_is_a_usage_error(capsys, tmp_path, example_template):
    template = tmp_path / "example.template.json"
    template.write_text(json.dumps(example_template))
    code = main(["simulate", str(template), "--scenario", str(ROOT / "examples" / "scenario.yaml"), "--opensearch-url", "http://127.0.0.1:1"])
    assert code == 2 and "--opensearch-url http://127.0.0.1:1: " in capsys.readouterr().err
