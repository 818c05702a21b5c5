"""The IAM questions event publishing asks, with the request context each service presents.

Each method builds the request AWS would evaluate (principal, action, resource, context:
``ses_metrics.rules.iam`` lists which keys each kind of call carries and which it never
does; any other key is unknown) and the policies that decide it, and returns the
``iam.Decision``: allowed, denied with the reason, or unknown with what could not be
decided and where. What the templates do not hold (a role, topic, bucket or key defined
elsewhere, an AWS managed policy, an external permissions boundary) is ``Unreadable``:
never assumed to allow.

Decisions that depend only on the templates are made once; those that depend on the
object key (a bucket or KMS key policy on a Firehose prefix) once per distinct prefix
(``ObjectGate``), and those whose policies read the time (``aws:CurrentTime``,
``aws:EpochTime``) once per second of the events that need them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from ses_metrics.rules import iam as rules_iam
from ses_metrics.rules.iam import RequestKind
from ses_metrics.simulator.iam import Decision, Grants, Outcome, Request, Unreadable, authorize
from ses_metrics.simulator.iam_conditions import Context
from ses_metrics.simulator.topology import Bucket, ConfigurationSet, DeliveryStream, Key, Role, Topic, Topology

_SESSION = "ses-metrics-simulator"  # the role session name: AWS services pick their own


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def reads_time(*documents: Any) -> bool:
    """Whether policies condition on the request time (then decisions are per second)."""
    text = json.dumps(documents, default=str).lower()
    return "aws:currenttime" in text or "aws:epochtime" in text


class Access:
    """Builds and decides the requests of one topology (one account and region)."""

    def __init__(self, topology: Topology):
        self.topology = topology
        env = topology.environment
        self.account = env.account
        self.partition = env.partition
        self.s3_service = f"s3.{env.region}.{env.url_suffix}"

    # -- request contexts ---------------------------------------------------------------

    def context(self, kind: RequestKind, ms: int, values: dict[str, Any]) -> Context:
        """The context of one kind of call at ``ms``: ``values`` plus the time and TLS."""
        full = {"aws:currenttime": _iso(ms), "aws:epochtime": str(ms // 1000), "aws:securetransport": "true"}
        full.update({k.lower(): v for k, v in values.items()})
        return Context(full, complete=False, absent=kind.absent, known=kind.present)

    def session(self, role: Role) -> str:
        return f"arn:{self.partition}:sts::{self.account}:assumed-role/{role.name}/{_SESSION}"

    def role_values(self, role: Role) -> dict[str, Any]:
        values: dict[str, Any] = {
            "aws:PrincipalArn": role.arn,
            "aws:PrincipalAccount": self.account,
            "aws:PrincipalIsAWSService": "false",
            "aws:PrincipalType": "AssumedRole",
        }
        values.update({f"aws:PrincipalTag/{k}": v for k, v in role.tags.items()})
        return values

    # -- role policies ----------------------------------------------------------------

    def identity(self, role: Role) -> list[Any]:
        return list(role.policies) + [Unreadable(f"managed policy {arn} of role {role.name} (not in the templates)") for arn in role.unknown_managed_policies]

    def boundary(self, role: Role) -> list[Any] | None:
        if role.boundary_arn is None:
            return None
        if role.boundary is None:
            return [Unreadable(f"permissions boundary {role.boundary_arn} of role {role.name} (not in the templates)")]
        return [role.boundary]

    def role_grants(self, role: Role, **kwargs: Any) -> Grants:
        return Grants(
            identity=self.identity(role),
            boundary=self.boundary(role),
            identity_name=f"the policies of role {role.name}",
            boundary_name=f"the permissions boundary {role.boundary_arn} of role {role.name}",
            **kwargs,
        )

    # -- the calls --------------------------------------------------------------------

    def ses_assumes(self, role: Role | None, role_arn: str, cs: ConfigurationSet, ms: int) -> Decision:
        """SES (``ses.amazonaws.com``) calling sts:AssumeRole on a Firehose destination's role."""
        context = self.context(rules_iam.SES_SERVICE_CALL, ms, self.ses_values(cs))
        request = Request("sts:AssumeRole", role_arn, principal=rules_iam.SES_PRINCIPAL, context=context)
        trust: list[Any] = [Unreadable(f"role {role_arn} (not in the templates)")] if role is None else [role.trust_policy]
        name = f"the trust policy of role {role.name if role else role_arn}"
        return authorize(request, Grants(resource=trust, resource_kind="trust", resource_name=name))

    def ses_values(self, cs: ConfigurationSet) -> dict[str, Any]:
        return {
            "aws:SourceAccount": self.account,
            "aws:SourceArn": cs.arn,
            "aws:PrincipalServiceName": rules_iam.SES_PRINCIPAL,
            "aws:PrincipalIsAWSService": "true",
        }

    def ses_puts_records(self, role: Role, stream_arn: str, ms: int) -> Decision:
        """SES's session of the destination's role calling firehose:PutRecordBatch."""
        context = self.context(rules_iam.ROLE_SESSION_CALL, ms, self.role_values(role))
        request = Request("firehose:PutRecordBatch", stream_arn, principal=self.session(role), context=context, resource_account=_account(stream_arn))
        return authorize(request, self.role_grants(role))

    def firehose_assumes(self, role: Role, stream: DeliveryStream, ms: int) -> Decision:
        """Firehose (``firehose.amazonaws.com``) assuming the stream's role."""
        values = {
            "sts:ExternalId": self.account,
            "aws:SourceAccount": self.account,
            "aws:PrincipalServiceName": rules_iam.FIREHOSE_PRINCIPAL,
            "aws:PrincipalIsAWSService": "true",
        }
        context = self.context(rules_iam.FIREHOSE_ASSUMES_ROLE, ms, values)
        request = Request("sts:AssumeRole", role.arn, principal=rules_iam.FIREHOSE_PRINCIPAL, context=context)
        return authorize(request, Grants(resource=[role.trust_policy], resource_kind="trust", resource_name=f"the trust policy of role {role.name}"))

    def stream_puts_object(self, role: Role, bucket: Bucket | None, bucket_arn: str, stream: DeliveryStream, object_arn: str, ms: int) -> Decision:
        """The stream role's session calling s3:PutObject on one object of its bucket."""
        values = self.role_values(role)
        config = (stream.properties.get("EncryptionConfiguration") or {}).get("KMSEncryptionConfig") or {}
        if config.get("AWSKMSKeyARN"):
            # Firehose sends SSE-KMS headers only when the stream names its own key.
            values[rules_iam.S3_SSE_HEADER] = "aws:kms"
            values[rules_iam.S3_SSE_KEY_HEADER] = str(config["AWSKMSKeyARN"])
        kind = rules_iam.ROLE_SESSION_CALL
        context = self.context(kind, ms, values)
        context.absent = context.absent | {rules_iam.S3_SSE_HEADER.lower(), rules_iam.S3_SSE_KEY_HEADER.lower()} - set(values)
        request = Request("s3:PutObject", object_arn, principal=self.session(role), context=context, resource_account=self.account)
        resource = [Unreadable(f"bucket {bucket_arn} (not in the templates)")] if bucket is None else list(bucket.policies) or None
        name = f"the policy of bucket {bucket.name if bucket else bucket_arn}"
        return authorize(request, self.role_grants(role, resource=resource, resource_name=name))

    def s3_generates_data_key(self, role: Role, bucket: Bucket, key: Key | None, encryption_arn: str, ms: int) -> Decision:
        """S3 calling kms:GenerateDataKey for the role writing an SSE-KMS object."""
        values = self.role_values(role) | {
            "aws:ViaAWSService": "true",
            "kms:ViaService": self.s3_service,
            "kms:CallerAccount": self.account,
            "kms:EncryptionContext:aws:s3:arn": encryption_arn,
            "kms:EncryptionContextKeys": ["aws:s3:arn"],
        }
        context = self.context(rules_iam.S3_CALLS_KMS, ms, values)
        key_arn = key.arn if key else str(bucket.kms_key_arn)
        request = Request("kms:GenerateDataKey", key_arn, principal=self.session(role), context=context, resource_account=_account(key_arn) or self.account)
        policy: list[Any] = [Unreadable(f"KMS key {key_arn} (not in the templates)")] if key is None else [key.policy]
        return authorize(request, self.role_grants(role, resource=policy, resource_kind="kms", resource_name=f"the policy of KMS key {key_arn}"))

    def ses_publishes(self, topic: Topic | None, topic_arn: str, cs: ConfigurationSet, ms: int) -> Decision:
        context = self.context(rules_iam.SES_SERVICE_CALL, ms, self.ses_values(cs))
        request = Request("sns:Publish", topic_arn, principal=rules_iam.SES_PRINCIPAL, context=context)
        policy: list[Any] = [Unreadable(f"topic {topic_arn} (not in the templates)")] if topic is None else list(topic.policies)
        return authorize(request, Grants(resource=policy, resource_name=f"the policy of topic {topic.name if topic else topic_arn}"))

    def ses_uses_key(self, key: Key | None, key_id: str, action: str, cs: ConfigurationSet, ms: int) -> Decision:
        """SES calling KMS on the key of an encrypted topic (kms:GenerateDataKey, kms:Decrypt)."""
        context = self.context(rules_iam.SES_SERVICE_CALL, ms, self.ses_values(cs))
        key_arn = key.arn if key else key_id
        request = Request(action, key_arn, principal=rules_iam.SES_PRINCIPAL, context=context)
        policy: list[Any] = [Unreadable(f"KMS key {key_id} (not in the templates)")] if key is None else [key.policy]
        return authorize(request, Grants(resource=policy, resource_kind="kms", resource_name=f"the policy of KMS key {key_arn}"))


def _account(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 and parts[4] else None


class Timed:
    """A decision made once, or once per second when its policies read the time."""

    def __init__(self, decide: Callable[[int], Decision], start_ms: int, per_second: bool):
        self.decide = decide
        self.per_second = per_second
        self.first = decide(start_ms)
        self._memo: dict[int, Decision] = {}

    def at(self, ms: int) -> Decision:
        if not self.per_second:
            return self.first
        second = ms // 1000
        found = self._memo.get(second)
        if found is None:
            if len(self._memo) >= 4096:
                self._memo.clear()
            found = self._memo[second] = self.decide(second * 1000)
        return found


class ObjectGate:
    """Whether a stream may write an object under a prefix: the role's s3:PutObject, the
    bucket policy and (SSE-KMS) the key, decided once per distinct prefix (and second,
    when a policy reads the time). ``decide(prefix, ms)`` returns None when allowed, else
    the drop reason."""

    def __init__(self, check: Callable[[str, int], Decision], per_second: bool, describe: Callable[[Decision, str], str]):
        self.check = check
        self.per_second = per_second
        self.describe = describe
        self._memo: dict[Any, str | None] = {}

    def decide(self, prefix: str, ms: int) -> str | None:
        key: Any = (prefix, ms // 1000) if self.per_second else prefix
        memo = self._memo
        if key in memo:
            return memo[key]
        if len(memo) >= 4096:
            memo.clear()
        decision = self.check(prefix, ms)
        reason = None if decision.outcome is Outcome.ALLOWED else self.describe(decision, prefix)
        memo[key] = reason
        return reason
