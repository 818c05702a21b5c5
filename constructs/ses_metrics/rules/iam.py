"""AWS IAM facts the simulator's policy evaluator relies on: pure data, no evaluation.

Imports nothing else of ``ses_metrics``. Sources, all AWS IAM User Guide unless said otherwise:

- [OPS] "IAM JSON policy elements: Condition operators"
  (reference_policies_elements_condition_operators.html);
- [KEYS] "AWS global condition context keys" (reference_policies_condition-keys.html);
- [MULTI] "Single-valued vs. multivalued context keys"
  (reference_policies_condition-single-vs-multi-valued-context-keys.html);
- [VARS] "IAM policy elements: Variables and tags" (reference_policies_variables.html);
- [EVAL] "Policy evaluation logic" and its pages on single-account and cross-account
  evaluation (reference_policies_evaluation-logic*.html);
- [BOUNDARY] "Permissions boundaries for IAM entities" (access_policies_boundaries.html);
- [KMS] AWS KMS Developer Guide, "Key policies" (key-policy-default.html: the statement
  naming the account enables IAM policies) and "Condition keys" (kms:ViaService,
  kms:EncryptionContext:, kms:CallerAccount);
- [S3KMS] Amazon S3 User Guide, "Using server-side encryption with AWS KMS keys" (the
  encryption context is the object's ARN, or the bucket's with an S3 Bucket Key);
- [FH] Amazon Data Firehose Developer Guide, "Grant Firehose access to an Amazon S3
  destination" (the trust policy's ``sts:ExternalId`` is the account ID);
- [SES] SES Developer Guide, "Setting up permissions for Amazon SES to publish to
  Kinesis Data Firehose / Amazon SNS" (``aws:SourceAccount``, ``aws:SourceArn``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class ConditionOperator:
    """One base condition operator of [OPS] (without ``IfExists`` or a set qualifier).

    ``negated``: the operator matches when no policy value matches (and, without
    ``IfExists``, when the key is absent). ``wildcards``: ``*`` and ``?`` in policy values
    are wildcards. ``variables``: policy values may hold ``${...}`` policy variables."""

    name: str
    family: str  # String, Numeric, Date, Bool, Binary, IpAddress, Arn, Null
    negated: bool = False
    wildcards: bool = False
    variables: bool = False
    positive: str | None = None  # for a negated operator: the operator it negates


def _operators(*items: ConditionOperator) -> dict[str, ConditionOperator]:
    return {op.name.lower(): op for op in items}


# [OPS]: every operator of the reference. Operator names are case-insensitive in policies
# (IAM accepts "stringequals"); the table is keyed by the lower-case name.
CONDITION_OPERATORS: Final[dict[str, ConditionOperator]] = _operators(
    ConditionOperator("StringEquals", "String", variables=True),
    ConditionOperator("StringNotEquals", "String", negated=True, variables=True, positive="StringEquals"),
    ConditionOperator("StringEqualsIgnoreCase", "String", variables=True),
    ConditionOperator("StringNotEqualsIgnoreCase", "String", negated=True, variables=True, positive="StringEqualsIgnoreCase"),
    ConditionOperator("StringLike", "String", wildcards=True, variables=True),
    ConditionOperator("StringNotLike", "String", negated=True, wildcards=True, variables=True, positive="StringLike"),
    ConditionOperator("NumericEquals", "Numeric"),
    ConditionOperator("NumericNotEquals", "Numeric", negated=True, positive="NumericEquals"),
    ConditionOperator("NumericLessThan", "Numeric"),
    ConditionOperator("NumericLessThanEquals", "Numeric"),
    ConditionOperator("NumericGreaterThan", "Numeric"),
    ConditionOperator("NumericGreaterThanEquals", "Numeric"),
    ConditionOperator("DateEquals", "Date"),
    ConditionOperator("DateNotEquals", "Date", negated=True, positive="DateEquals"),
    ConditionOperator("DateLessThan", "Date"),
    ConditionOperator("DateLessThanEquals", "Date"),
    ConditionOperator("DateGreaterThan", "Date"),
    ConditionOperator("DateGreaterThanEquals", "Date"),
    ConditionOperator("Bool", "Bool", variables=True),
    ConditionOperator("BinaryEquals", "Binary"),
    ConditionOperator("IpAddress", "IpAddress"),
    ConditionOperator("NotIpAddress", "IpAddress", negated=True, positive="IpAddress"),
    # [OPS] "ARN condition operators": ArnEquals and ArnLike behave the same (both take
    # wildcards); each of the six colon-delimited ARN segments is matched separately.
    ConditionOperator("ArnEquals", "Arn", wildcards=True, variables=True),
    ConditionOperator("ArnLike", "Arn", wildcards=True, variables=True),
    ConditionOperator("ArnNotEquals", "Arn", negated=True, wildcards=True, variables=True, positive="ArnEquals"),
    ConditionOperator("ArnNotLike", "Arn", negated=True, wildcards=True, variables=True, positive="ArnLike"),
    # [OPS] "Condition operator to check existence of condition keys": takes no IfExists.
    ConditionOperator("Null", "Null"),
)

IF_EXISTS: Final = "IfExists"
# [MULTI] set qualifiers: ForAllValues is true when the key is absent or empty (every one of
# no values matches), ForAnyValue false (no value matches).
SET_QUALIFIERS: Final = ("ForAllValues", "ForAnyValue")

# [MULTI]/[KEYS]: context keys whose request value is a list ("Multivalued", or ArrayOf* in
# the Service Authorization Reference). Lower case: context key names are case-insensitive.
MULTIVALUED_KEYS: Final = frozenset({
    "aws:calledvia",
    "aws:principalorgpaths",
    "aws:principalservicenameslist",
    "aws:tagkeys",
    "kms:encryptioncontextkeys",
})

# [VARS] special characters written as variables, and what they stand for.
LITERAL_VARIABLES: Final = {"*": "*", "?": "?", "$": "$"}

# [EVAL]: an account in a Principal element ("123456789012" or its ":root" ARN) trusts the
# account's own IAM policies; it grants no principal anything by itself.
ACCOUNT_ROOT_SUFFIX: Final = ":root"

# Service principals that act in this project's requests.
SES_PRINCIPAL: Final = "ses.amazonaws.com"
FIREHOSE_PRINCIPAL: Final = "firehose.amazonaws.com"


@dataclass(frozen=True)
class RequestKind:
    """The request context a service presents for one kind of call.

    ``present``: keys always in the context (the simulator gives their values);
    ``absent``: keys (or key prefixes ending in ``/``) documented as never present in it.
    A key in neither is one the simulator cannot know: a condition on it is undecidable."""

    name: str
    present: frozenset[str]
    absent: frozenset[str]
    source: str


def _keys(*names: str) -> frozenset[str]:
    return frozenset(n.lower() for n in names)


# Keys every request carries [KEYS]: the time, and TLS (AWS services call one another over TLS).
_ALWAYS = ("aws:CurrentTime", "aws:EpochTime", "aws:SecureTransport")
# [KEYS] "aws:SourceAccount"/"aws:SourceArn": "only available when the call to your resource
# is made directly by an AWS service principal"; "aws:PrincipalServiceName": "present in the
# request when the call is made by an AWS service principal", not with IAM credentials;
# "aws:SourceVpc"/"aws:SourceVpce"/"aws:VpcSourceIp": only through a VPC endpoint;
# "aws:RequestTag/"/"aws:TagKeys": only when the request passes tags (these calls do not);
# "aws:username": IAM users only.
_NOT_THROUGH_VPC = ("aws:SourceVpc", "aws:SourceVpce", "aws:VpcSourceIp")
_NO_TAGS_PASSED = ("aws:RequestTag/", "aws:TagKeys")
_SERVICE_ONLY = ("aws:SourceAccount", "aws:SourceArn", "aws:PrincipalServiceName", "aws:PrincipalServiceNamesList")

# SES acting as its own service principal: assuming a Firehose destination's role, publishing
# to an SNS topic, using the topic's KMS key [SES].
SES_SERVICE_CALL: Final = RequestKind(
    "ses-service-principal",
    present=_keys(*_ALWAYS, "aws:SourceAccount", "aws:SourceArn", "aws:PrincipalServiceName", "aws:PrincipalIsAWSService"),
    # A service principal is no IAM entity: no tags, no user name [KEYS].
    absent=_keys(*_NOT_THROUGH_VPC, *_NO_TAGS_PASSED, "aws:PrincipalTag/", "aws:username"),
    source="SES guide: the trust, topic and key policies SES needs condition on aws:SourceAccount and aws:SourceArn",
)
# Firehose assuming a stream's role [FH]: ExternalId is the account ID.
FIREHOSE_ASSUMES_ROLE: Final = RequestKind(
    "firehose-assume-role",
    present=_keys(*_ALWAYS, "sts:ExternalId", "aws:SourceAccount", "aws:PrincipalServiceName", "aws:PrincipalIsAWSService"),
    absent=_keys(*_NOT_THROUGH_VPC, *_NO_TAGS_PASSED, "aws:PrincipalTag/", "aws:username"),
    source="Firehose guide: the stream role's trust policy with sts:ExternalId = the account ID",
)
# A role session calling with its own credentials: SES's session putting records on the
# stream, Firehose's session putting objects in the bucket [KEYS].
ROLE_SESSION_CALL: Final = RequestKind(
    "role-session",
    present=_keys(*_ALWAYS, "aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalIsAWSService", "aws:PrincipalType",
                  "aws:PrincipalTag/"),
    absent=_keys(*_NOT_THROUGH_VPC, *_NO_TAGS_PASSED, *_SERVICE_ONLY, "aws:username"),
    source="global condition keys: aws:PrincipalArn is the role's ARN for a role session; aws:Source* only for service principals",
)
# S3 calling KMS for the role that writes an SSE-KMS object [S3KMS], [KMS]: forward access
# sessions carry aws:ViaAWSService true and kms:ViaService s3.<region>.amazonaws.com.
S3_CALLS_KMS: Final = RequestKind(
    "s3-calls-kms",
    present=_keys(*_ALWAYS, "aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalIsAWSService", "aws:PrincipalType",
                  "aws:PrincipalTag/", "aws:ViaAWSService", "kms:ViaService", "kms:CallerAccount",
                  "kms:EncryptionContext:aws:s3:arn", "kms:EncryptionContextKeys"),
    absent=_keys(*_NOT_THROUGH_VPC, *_NO_TAGS_PASSED, *_SERVICE_ONLY, "aws:username", "kms:EncryptionContext:"),
    source="S3 guide: SSE-KMS encryption context aws:s3:arn; KMS guide: kms:ViaService",
)
# Firehose's PutObject: it sends an SSE header only when the stream sets its own KMS key.
S3_SSE_HEADER: Final = "s3:x-amz-server-side-encryption"
S3_SSE_KEY_HEADER: Final = "s3:x-amz-server-side-encryption-aws-kms-key-id"

# [EVAL] cross-account: the resource policy and the caller's identity policy must both allow.
# [BOUNDARY]: a boundary limits what identity policies grant; in one account a resource
# policy naming the role session's ARN is not limited by it, one naming the role's ARN is.
# A resource policy granting "*" to a bounded role session is not documented: undecidable.
