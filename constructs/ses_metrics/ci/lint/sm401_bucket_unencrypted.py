"""SM401: the bucket a delivery stream archives SES events in declares no encryption."""

from collections.abc import Iterator

from ses_metrics.ci.lint.base import LintContext, LintRule, Violation
from ses_metrics.rules import Severity


class BucketUnencrypted(LintRule):
    id = "SM401"
    name = "bucket-unencrypted"
    severity = Severity.WARNING
    title = "The bucket archiving SES events declares no default encryption"
    explanation = (
        "Event records hold recipient addresses and message headers. S3 encrypts new objects with SSE-S3 anyway, "
        "but a template that says nothing leaves the protection of the archive to the account's defaults. A bucket "
        "outside the templates is listed in the notes, not judged."
    )
    fix = (
        "declare BucketEncryption on the bucket (SSE-S3 or SSE-KMS): S3 encrypts new objects with SSE-S3 anyway "
        "since January 2023, but the template should say what protects the event archive"
    )

    def check(self, context: LintContext) -> Iterator[Violation]:
        reported: set[str] = set()
        for _, d in context.destinations():
            stream = context.topology.streams.get(d.stream_arn or "")
            if stream is None or stream.s3 is None or stream.s3.bucket in reported:
                continue
            reported.add(stream.s3.bucket)
            bucket = context.topology.buckets.get(stream.s3.bucket)
            if bucket is None:
                context.note(f"bucket {stream.s3.bucket} of delivery stream {stream.name} is not in the templates: its encryption is not checked")
            elif bucket.encryption is None:
                yield Violation(
                    f"bucket {bucket.name}, where delivery stream {stream.name} archives SES events, declares no default encryption", bucket.resource
                )


RULE = BucketUnencrypted()
