"""CDK tokens as ``rules`` sees them."""

from __future__ import annotations

import aws_cdk as cdk

from ses_metrics.rules import UNRESOLVED


def known(value: object) -> object:
    """The value, or ``rules.UNRESOLVED`` when it is a token known only at deploy."""
    # Token.is_unresolved is a jsii round trip; a string token always carries this marker.
    if value is None or (isinstance(value, str) and "${Token[" not in value):
        return value
    return UNRESOLVED if cdk.Token.is_unresolved(value) else value
