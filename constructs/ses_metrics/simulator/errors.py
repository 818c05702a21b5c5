"""The errors SES returns for a send: one exception class per error code.

    from ses_metrics.simulator import errors
    try:
        sim.send_email(...)
    except errors.NotFoundException as error:      # also a botocore ClientError
        print(error.code, error.message)

``Simulator.send_email`` raises them as botocore ``ClientError``s too (``code`` and
``message`` are then also in ``error.response["Error"]``), so code written against boto3
catches them unchanged. ``Simulator.run`` and ``stream`` record them in
``SendResult.error`` instead of raising. No event is published for a failed send.
"""

from __future__ import annotations

from typing import Any, ClassVar


class SendError(Exception):
    """An error SES returns for a send (no events are published). ``code`` is SES's error
    code, ``message`` its message."""

    code: ClassVar[str] = "SendError"

    def __init__(self, message: str) -> None:
        super().__init__(f"{self.code}: {message}")
        self.message = message

    def to_json(self) -> dict[str, str]:
        """``{"code": ..., "message": ...}``, as ``simulate --format json`` prints it."""
        return {"code": self.code, "message": self.message}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SendError) and (self.code, self.message) == (other.code, other.message)

    def __hash__(self) -> int:
        return hash((self.code, self.message))


class NotFoundException(SendError):
    """The configuration set or template the send names does not exist."""

    code = "NotFoundException"


class SendingPausedException(SendError):
    """Sending is paused for the configuration set the send uses."""

    code = "SendingPausedException"


class MessageRejected(SendError):
    """SES refuses the message: a sender (or, in the sandbox, a recipient) it has not verified."""

    code = "MessageRejected"


class BadRequestException(SendError):
    """The request is invalid beyond what botocore checks: no From, template data not JSON, a
    message tag, more than 50 recipients, a message over the size limit, a deleted default
    configuration set (the v2 model's code where v1 answers InvalidParameterValue)."""

    code = "BadRequestException"


class InvalidParameterValue(SendError):
    """SES v1's code for what SESv2 answers ``BadRequestException`` (capture.py maps v1 calls)."""

    code = "InvalidParameterValue"


ERRORS: dict[str, type[SendError]] = {
    cls.code: cls for cls in (NotFoundException, SendingPausedException, MessageRejected, BadRequestException, InvalidParameterValue)
}


def client_error(error: SendError, operation: str, *, code: str | None = None) -> Exception:
    """``error`` as the botocore ``ClientError`` boto3 would raise for ``operation``; still an
    instance of ``error``'s class. ``code``: another spelling of the code (SES v1's)."""
    raised: Exception = _client_error_class(type(error))(error.message, operation, code or error.code)
    return raised


_CLIENT_ERRORS: dict[str, type[Any]] = {}  # by the SendError class's qualified name


def _client_error_class(cls: type[SendError]) -> type[Any]:
    """``cls`` and botocore's ``ClientError`` in one class, made once per class."""
    found = _CLIENT_ERRORS.get(f"{cls.__module__}.{cls.__qualname__}")
    if found is not None:
        return found
    from botocore.exceptions import ClientError

    def __init__(self: Any, message: str, operation: str, code: str) -> None:
        ClientError.__init__(self, {"Error": {"Code": code, "Message": message}}, operation)
        self.message = message

    made = _CLIENT_ERRORS[f"{cls.__module__}.{cls.__qualname__}"] = type(
        cls.__name__, (cls, ClientError), {"__init__": __init__, "__module__": __name__, "__eq__": object.__eq__, "__hash__": object.__hash__})
    return made


__all__ = ["ERRORS", "BadRequestException", "InvalidParameterValue", "MessageRejected", "NotFoundException", "SendError",
           "SendingPausedException", "client_error"]
