"""Capturing an application's own SES calls and routing them through the simulator.

    with capture("cdk.out") as sim:
        myapp.send_welcome_email("ada@example.com")     # any boto3 SES call, anywhere
    sim.sends[0].events                                 # what SES would publish for it

Inside the block every boto3 client, whenever it was created, answers these calls from
the simulator instead of AWS:

- SES v1 (``ses``): ``SendEmail``, ``SendRawEmail``, ``SendTemplatedEmail``,
  ``SendBulkTemplatedEmail``;
- SESv2 (``sesv2``): ``SendEmail``, ``SendBulkEmail``.

Parameters are validated with botocore's own model (``ParamValidationError`` as boto3
raises it); the response is the API's (``MessageId``: the simulated message's ID); errors
SES returns become ``ClientError``s with the API's error codes (v1 spellings for v1 calls).
Every other call goes where it would have gone (AWS, or moto under ``mock_aws``). No
credentials are needed for captured calls: nothing is sent.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ses_metrics.simulator.engine import SendResult, Simulator
from ses_metrics.simulator.errors import client_error
from ses_metrics.simulator.scenario import ScenarioSend

_CAPTURED = {
    ("ses", "SendEmail"), ("ses", "SendRawEmail"), ("ses", "SendTemplatedEmail"), ("ses", "SendBulkTemplatedEmail"),
    ("sesv2", "SendEmail"), ("sesv2", "SendBulkEmail"),
}
# SESv2 error codes as the v1 API names them.
_V1_CODES = {
    "SendingPausedException": "ConfigurationSetSendingPausedException",
    "BadRequestException": "InvalidParameterValue",
}
_lock = threading.Lock()


def _v2_request(operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """A v1 request in SESv2's shape (the simulator's input)."""
    request: dict[str, Any] = {}
    if params.get("Source"):
        request["FromEmailAddress"] = params["Source"]
    if params.get("SourceArn"):
        request["FromEmailAddressIdentityArn"] = params["SourceArn"]
    if params.get("ReplyToAddresses"):
        request["ReplyToAddresses"] = params["ReplyToAddresses"]
    if params.get("Tags"):
        request["EmailTags"] = params["Tags"]
    if params.get("ConfigurationSetName"):
        request["ConfigurationSetName"] = params["ConfigurationSetName"]
    if operation == "SendRawEmail":
        if params.get("Destinations"):
            request["Destination"] = {"ToAddresses": params["Destinations"]}
        request["Content"] = {"Raw": {"Data": params["RawMessage"]["Data"]}}
    elif operation == "SendTemplatedEmail":
        request["Destination"] = params["Destination"]
        request["Content"] = {"Template": {"TemplateName": params.get("Template") or str(params.get("TemplateArn", "")).rsplit("/", 1)[-1], "TemplateData": params["TemplateData"]}}
    else:
        request["Destination"] = params["Destination"]
        request["Content"] = {"Simple": {"Subject": params["Message"]["Subject"], "Body": params["Message"]["Body"]}}
    return request


class _Interceptor:
    def __init__(self, simulator: Simulator):
        self.simulator = simulator

    def call(self, client: Any, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        from botocore.validate import validate_parameters

        service = client.meta.service_model.service_name
        validate_parameters(params, client.meta.service_model.operation_model(operation).input_shape)
        if service == "sesv2":
            if operation == "SendBulkEmail":
                results = self.simulator.process(ScenarioSend(params, "SendBulkEmail"))
                assert isinstance(results, list)
                return {"BulkEmailEntryResults": [self._bulk_entry(r) for r in results]}
            return {"MessageId": self._one(ScenarioSend(params, "SendEmail"), operation, v1=False)}
        if operation == "SendBulkTemplatedEmail":
            return {"Status": [self._bulk_v1(params, destination) for destination in params["Destinations"]]}
        return {"MessageId": self._one(ScenarioSend(_v2_request(operation, params), operation, api=1), operation, v1=True)}  # type: ignore[arg-type]

    def _one(self, send: ScenarioSend, operation: str, *, v1: bool) -> str:
        result = self.simulator.process(send)
        assert isinstance(result, SendResult)
        if result.error is not None:
            code = result.error.code
            if v1:
                code = _V1_CODES.get(code, code)
                if code == "NotFoundException":
                    code = "TemplateDoesNotExist" if "Template" in result.error.message else "ConfigurationSetDoesNotExist"
            raise client_error(result.error, operation, code=code)
        assert result.message_id is not None
        return result.message_id

    @staticmethod
    def _bulk_entry(result: SendResult) -> dict[str, Any]:
        if result.error is None:
            return {"Status": "SUCCESS", "MessageId": result.message_id}
        return {"Status": "FAILED", "Error": result.error.message}

    def _bulk_v1(self, params: dict[str, Any], destination: dict[str, Any]) -> dict[str, Any]:
        tags = {t["Name"]: t for t in params.get("DefaultTags") or []}
        tags.update({t["Name"]: t for t in destination.get("ReplacementTags") or []})
        single = {
            "Source": params["Source"],
            "Destination": destination["Destination"],
            "Template": params.get("Template"),
            "TemplateData": destination.get("ReplacementTemplateData") or params.get("DefaultTemplateData") or "{}",
            "Tags": list(tags.values()),
            "ConfigurationSetName": params.get("ConfigurationSetName"),
        }
        request = _v2_request("SendTemplatedEmail", {k: v for k, v in single.items() if v})
        result = self.simulator.process(ScenarioSend(request, "SendBulkTemplatedEmail", api=1))  # type: ignore[arg-type]
        assert isinstance(result, SendResult)
        if result.error is None:
            return {"Status": "Success", "MessageId": result.message_id}
        return {"Status": "Failed", "Error": result.error.message}


@contextmanager
def capture(source: Any, **simulator_options: Any) -> Iterator[Simulator]:
    """A simulator for ``source`` (a cdk.out, a template file or dict, or a ``Simulator``)
    that receives every boto3 SES send made inside the block; flushed when the block ends."""
    from botocore.client import BaseClient

    simulator = source if isinstance(source, Simulator) else Simulator(source, **simulator_options)
    interceptor = _Interceptor(simulator)
    with _lock:
        original = BaseClient._make_api_call

        def _make_api_call(client: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
            if (client.meta.service_model.service_name, operation_name) in _CAPTURED:
                return interceptor.call(client, operation_name, api_params)
            return original(client, operation_name, api_params)

        BaseClient._make_api_call = _make_api_call
    try:
        yield simulator
    finally:
        with _lock:
            BaseClient._make_api_call = original
        simulator.flush()
