"""IAM through the real simulator and lint, on small templates: what reaches a destination
is what AWS would allow, what cannot be decided is never delivered, and lint says so."""

from __future__ import annotations

import copy

import pytest
from iam_differential.found_cases import FOUND, boundary_external, kms_bucket, observe, prefix_denied
from simkit import ACCOUNT, base, simple, with_firehose, with_sns

from ses_metrics.ci.lint import lint
from ses_metrics.simulator import Simulator
from ses_metrics.simulator.router import NeverReceives

BOUNCE = "bounce@simulator.amazonses.com"


def outcome(result, event_type, name):
    for o in result.events:
        if o.event.record["eventType"] == event_type:
            [found] = [d for d in (*o.deliveries, *o.filtered, *o.drops) if d.destination == name]
            return found
    raise AssertionError(f"no {event_type} event")


def run(template, to=BOUNCE):
    sim = Simulator(copy.deepcopy(template))
    result = sim.send_email(**simple(to))
    sim.flush()
    return sim, result


@pytest.mark.parametrize("found", FOUND, ids=[f.id for f in FOUND])
def test_each_case_issue_14_found_is_decided_as_aws_does(found):
    delivered, findings = observe(found)
    assert delivered is found.delivered, found.what
    if found.delivered:
        assert findings == []  # no false SM204/SM205
    else:
        assert findings in ([], ["SM205"], ["SM204"], ["SM209"])


def test_a_boundary_in_the_template_limits_the_stream_role_and_the_reason_says_so():
    _, result = run(FOUND[1].build())
    reason = outcome(result, "Send", "archive").reason
    assert reason.startswith("delivery stream archive accepts the record but cannot deliver it: role ")
    assert "may not s3:PutObject on arn:aws:s3:::" in reason and "does not allow it" in reason and "permissions boundary" in reason


def test_a_boundary_that_allows_the_writes_delivers():
    t = FOUND[1].build()
    t["Resources"]["Boundary"]["Properties"]["PolicyDocument"]["Statement"][0]["Action"] = ["firehose:*", "s3:PutObject"]
    _, result = run(t)
    assert outcome(result, "Send", "archive").kind.config == "firehose"


def test_an_external_boundary_is_undecidable_every_event_is_dropped_and_lint_warns():
    sim, result = run(boundary_external())
    [role] = [r.name for r in sim.topology.roles.values() if "SesRole" in r.resource]
    for o in result.events:
        [drop] = [d for d in o.drops if d.destination == "archive"]
        assert drop.reason == (
            f"whether role {role} may firehose:PutRecordBatch on arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/archive cannot be "
            f"decided: permissions boundary arn:aws:iam::{ACCOUNT}:policy/org-boundary of role {role} (not in the templates) cannot be read")
    assert sim.s3.items() == []
    [finding] = [f for f in lint(boundary_external()).findings if f.destination == "archive"]
    assert (finding.id, finding.severity.value) == ("SM209", "warning")
    assert "org-boundary" in finding.message


def test_an_sse_kms_bucket_whose_key_policy_enables_iam_policies_delivers_and_one_that_denies_does_not():
    root = {"Effect": "Allow", "Principal": {"AWS": {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:root"}}, "Action": "kms:*", "Resource": "*"}
    sim, result = run(kms_bucket(with_firehose(base()), [root]))
    assert outcome(result, "Send", "archive").kind.config == "firehose" and len(sim.s3.items()) == 1
    # the role's own policy lacks kms:GenerateDataKey: the key policy alone does not grant it
    _, result = run(kms_bucket(with_firehose(base()), [root], role_may_use_key=False))
    assert "may not kms:GenerateDataKey with key arn:aws:kms:us-east-1:111122223333:key/" in outcome(result, "Send", "archive").reason
    deny = {"Sid": "OnlyViaSqs", "Effect": "Deny", "Principal": "*", "Action": "kms:GenerateDataKey*", "Resource": "*",
            "Condition": {"StringNotEquals": {"kms:ViaService": "sqs.us-east-1.amazonaws.com"}}}
    _, result = run(kms_bucket(with_firehose(base()), [root, deny]))
    assert "explicitly denied by OnlyViaSqs of the policy of KMS key" in outcome(result, "Send", "archive").reason


def test_the_s3_encryption_context_is_the_bucket_with_a_bucket_key_and_the_object_without():
    root = {"Effect": "Allow", "Principal": {"AWS": {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:root"}}, "Action": "kms:*", "Resource": "*"}
    context = {"Sid": "ThisBucket", "Effect": "Deny", "Principal": "*", "Action": "kms:GenerateDataKey*", "Resource": "*",
               "Condition": {"StringNotEquals": {"kms:EncryptionContext:aws:s3:arn": {"Fn::GetAtt": ["Bucket", "Arn"]}}}}
    with_key = kms_bucket(with_firehose(base()), [root, context])
    _, result = run(with_key)
    assert outcome(result, "Send", "archive").kind.config == "firehose"
    without = copy.deepcopy(with_key)
    without["Resources"]["Bucket"]["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["BucketKeyEnabled"] = False
    _, result = run(without)
    assert "explicitly denied by ThisBucket" in outcome(result, "Send", "archive").reason


def test_a_kms_encrypted_topic_whose_key_is_outside_the_templates_is_undecidable():
    t = with_sns(base(), key_policy=[])
    t["Resources"]["Topic"]["Properties"]["KmsMasterKeyId"] = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/elsewhere"
    del t["Resources"]["Key"]
    _, result = run(t)
    assert outcome(result, "Bounce", "alerts").reason == (
        f"whether ses.amazonaws.com may kms:GenerateDataKey with KMS key arn:aws:kms:us-east-1:{ACCOUNT}:key/elsewhere, which encrypts topic "
        f"alerts, cannot be decided: KMS key arn:aws:kms:us-east-1:{ACCOUNT}:key/elsewhere (not in the templates) cannot be read")


def test_a_bucket_policy_denying_one_partition_drops_only_those_events_and_lint_stays_quiet():
    sim, result = run(prefix_denied(), to=[BOUNCE, "success@simulator.amazonses.com"])
    assert outcome(result, "Send", "archive").kind.config == "firehose"
    assert outcome(result, "Delivery", "archive").kind.config == "firehose"
    reason = outcome(result, "Bounce", "archive").reason
    assert reason.startswith("delivery stream archive accepts the record but cannot deliver it: the policy of bucket ")
    assert "denies s3:PutObject to role" in reason and "(explicitly denied by NoBounces of the policy of bucket" in reason
    assert sorted(k.split("/")[1] for _, k, _ in sim.s3.items()) == ["eventType=Delivery", "eventType=Send"]
    assert sim.firehose.records_put["archive"] == 2  # the refused record never entered a buffer
    assert [f.id for f in lint(prefix_denied()).findings if f.destination == "archive"] == []


def test_a_partitioned_stream_denied_every_prefix_of_a_destination_is_reported_by_lint():
    t = prefix_denied()
    t["Resources"]["BucketPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]["Resource"] = {"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/*"]]}
    [finding] = [f for f in lint(t).findings if f.destination == "archive"]
    assert finding.id == "SM205" and "denies s3:PutObject" in finding.message


def test_the_streaming_path_drops_the_same_events():
    kept, lean = Simulator(prefix_denied()), Simulator(prefix_denied(), keep_events=False)
    for sim in (kept, lean):
        for _ in range(3):
            sim.send_email(**simple([BOUNCE, "success@simulator.amazonses.com"]))
        sim.flush()
    assert lean.s3.items() == kept.s3.items() and lean.firehose.records_put == kept.firehose.records_put == {"archive": 6}
    assert sum(n for (_, d, _), n in lean.router.write_drops.items() if d == "archive") == 3


def test_time_dependent_policies_are_decided_per_event():
    # SES's role may put records only during the first second of the simulation: the first
    # send (00:00:00) is delivered, the next one (00:00:01) is not.
    ses_time = with_firehose(base())
    ses_time["Resources"]["SesRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]["Condition"] = {
        "DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:01Z"}}
    sim = Simulator(ses_time)
    first, second = sim.send_email(**simple("success@simulator.amazonses.com")), sim.send_email(**simple("success@simulator.amazonses.com"))
    assert outcome(first, "Send", "archive").kind.config == "firehose"
    assert outcome(second, "Send", "archive").reason.startswith("role ") and "may not firehose:PutRecordBatch" in outcome(second, "Send", "archive").reason
    # allowed only from the second send on: the first is dropped, the destination is not "never"
    later = copy.deepcopy(ses_time)
    later["Resources"]["SesRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]["Condition"] = {
        "DateGreaterThanEquals": {"aws:CurrentTime": "2026-01-01T00:00:01Z"}}
    sim = Simulator(later)
    first, second = sim.send_email(**simple("success@simulator.amazonses.com")), sim.send_email(**simple("success@simulator.amazonses.com"))
    assert "may not firehose:PutRecordBatch" in outcome(first, "Send", "archive").reason
    assert outcome(second, "Send", "archive").kind.config == "firehose"
    assert [v.never for v in sim.router.verdicts()] == [None]


def test_json_string_bucket_topic_and_key_policies_are_read():
    import json

    t = with_sns(base(), key_policy=[{"Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"}, "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*"}])
    t["Resources"]["TopicPolicy"]["Properties"]["PolicyDocument"] = json.dumps({"Statement": [
        {"Sid": "Ses", "Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"}, "Action": "sns:Publish", "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}]})
    t["Resources"]["Key"]["Properties"]["KeyPolicy"] = json.dumps(t["Resources"]["Key"]["Properties"]["KeyPolicy"])
    _, result = run(t)
    assert outcome(result, "Bounce", "alerts").kind.config == "sns"
    t["Resources"]["TopicPolicy"]["Properties"]["PolicyDocument"] = '{"Statement": [}'
    _, result = run(t)
    reason = outcome(result, "Bounce", "alerts").reason
    assert reason.startswith("whether SES may publish to topic alerts for configuration set marketing cannot be decided: the policy of topic alerts is not valid JSON")


def test_a_condition_key_ses_does_not_document_is_undecidable_and_names_the_statement():
    t = with_sns(base())
    t["Resources"]["TopicPolicy"]["Properties"]["PolicyDocument"]["Statement"].append(
        {"Sid": "OnlyFromVpc", "Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:SourceIp": "10.0.0.1"}}})
    sim, result = run(t)
    assert outcome(result, "Bounce", "alerts").reason == (
        "whether SES may publish to topic alerts for configuration set marketing cannot be decided: a Deny may apply: context key aws:SourceIp "
        "(the simulator does not know whether this request carries it) in StringNotEquals (OnlyFromVpc of the policy of topic alerts)")
    assert {v.destination.name: v.never for v in sim.router.verdicts()} == {"alerts": NeverReceives.UNDECIDABLE}
