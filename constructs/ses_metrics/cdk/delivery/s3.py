"""``S3DeliveryStream``: a Firehose stream archiving SES event records in S3, optionally
partitioned by event type and configuration set for Athena and Glue."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3

from constructs import Construct
from ses_metrics import rules
from ses_metrics.cdk.delivery._firehose import (
    OBJECT_KEY_REASON,
    Cfn,
    DeliveryStreamBase,
    acknowledge_wildcards,
    check_name,
    encryption_configuration,
    known,
    known_seconds,
    s3_statements,
    seconds,
    static_part,
)
from ses_metrics.cdk.delivery.buckets import AccessLogsBucket, EventBucket, log_server_access, secure_bucket_props
from ses_metrics.rules import defaults, firehose

__all__ = ["AccessLogsBucket", "EventBucket", "S3DeliveryStream", "log_server_access", "secure_bucket_props"]

COMPRESSION_FORMATS = firehose.COMPRESSION_FORMATS


class S3DeliveryStream(DeliveryStreamBase):
    """A Firehose stream (direct PUT) that writes SES event records to S3.

    By default it creates an ``EventBucket`` (SSE-S3, TLS only, public access blocked,
    versioned, retained, server access logs into ``access_logs_bucket`` or a new
    ``AccessLogsBucket``); pass ``bucket`` to use another (an ``EventBucket`` with KMS or
    lifecycle options, or an existing bucket). Records are GZIP-compressed (``.gz``
    objects) under ``prefix`` (Firehose adds ``YYYY/MM/dd/HH/`` unless the prefix has
    ``!{timestamp:...}`` expressions), failed records go under ``error_output_prefix``,
    buffers flush every 300 s or 5 MiB, the stream is encrypted with an AWS-owned key (or
    ``encryption_key``), delivery errors are logged to a new CloudWatch log group (1 year,
    or ``log_group``; ``logging=False`` turns it off), and Firehose's role may write only
    those prefixes of that bucket (and use its KMS key for them only).

    ``partition_by`` (``["event_type"]``, ``["configuration_set"]`` or both) turns on
    dynamic partitioning: a JQ query extracts the keys from each record and, unless
    ``prefix`` already uses them, the prefix becomes
    ``<prefix>eventType=!{partitionKeyFromQuery:eventType}/.../year=!{timestamp:yyyy}/month=.../day=.../hour=.../``.
    Firehose then needs buffers of at least 64 MiB (the default becomes 64) and an error
    prefix; records it cannot partition are retried for ``partition_retry_duration``
    (default 300 s). Dynamic partitioning cannot be turned on or off on an existing stream.
    """

    LOG_STREAMS = ("DestinationDelivery",)

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        delivery_stream_name: str | None = None,
        bucket: s3.IBucket | None = None,
        access_logs_bucket: s3.IBucket | None = None,
        prefix: str = defaults.S3_PREFIX,
        error_output_prefix: str = defaults.S3_ERROR_OUTPUT_PREFIX,
        compression: str = "GZIP",
        buffering_interval: cdk.Duration | None = None,
        buffering_size_mib: int | None = None,
        partition_by: Sequence[str] = (),
        partition_retry_duration: cdk.Duration | None = None,
        encryption_key: kms.IKey | None = None,
        logging: bool = True,
        log_group: logs.ILogGroup | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        partition_by = list(partition_by)
        problems = check_name(delivery_stream_name)
        problems += rules.under(firehose.check_compression(compression), "compression")
        problems += rules.under(firehose.check_partition_by(partition_by), "partition_by")
        keys = [firehose.PARTITION_KEYS[o].key for o in partition_by if o in firehose.PARTITION_KEYS]
        if keys and isinstance(prefix, str) and "partitionKeyFromQuery" not in prefix:
            prefix = firehose.partitioned_prefix(prefix, [o for o in partition_by if o in firehose.PARTITION_KEYS])
        if buffering_size_mib is None:
            buffering_size_mib = defaults.PARTITIONED_BUFFERING_MIB if keys else defaults.BUFFERING_MIB
        problems += firehose.check_prefixes(known(prefix), known(error_output_prefix), partition_keys=keys)
        problems += firehose.check_buffering(
            known_seconds(buffering_interval), known(buffering_size_mib), dynamic_partitioning=bool(keys)
        )
        problems += rules.under(firehose.check_retry_seconds(known_seconds(partition_retry_duration)), "partition_retry_duration")
        rules.raise_for(problems, f"S3DeliveryStream {self.node.path}")

        self.bucket: s3.IBucket = bucket or EventBucket(self, "Bucket", access_logs_bucket=access_logs_bucket)
        self.prefix = prefix
        self.error_output_prefix = error_output_prefix
        self.compression = compression
        self.partition_by = tuple(partition_by)
        self._create_role(
            "Assumed by Amazon Data Firehose to write SES event records to S3", logging=logging, log_group=log_group
        )
        prefixes = [prefix, error_output_prefix]
        self.policy.add_statements(*s3_statements(self.bucket, prefixes))
        acknowledge_wildcards(self.policy, [self.bucket.arn_for_objects(f"{static_part(p)}*") for p in prefixes], OBJECT_KEY_REASON)

        dynamic, processing = _dynamic_partitioning(partition_by, partition_retry_duration) if keys else (None, None)
        self._create_stream(
            delivery_stream_name,
            encryption_key,
            extended_s3_destination_configuration=Cfn.ExtendedS3DestinationConfigurationProperty(
                bucket_arn=self.bucket.bucket_arn,
                role_arn=self.role.role_arn,
                prefix=prefix,
                error_output_prefix=error_output_prefix,
                compression_format=compression,
                buffering_hints=Cfn.BufferingHintsProperty(
                    interval_in_seconds=seconds(buffering_interval, defaults.BUFFERING_SECONDS), size_in_m_bs=buffering_size_mib
                ),
                encryption_configuration=encryption_configuration(self.bucket),
                cloud_watch_logging_options=self._logging("DestinationDelivery"),
                dynamic_partitioning_configuration=dynamic,
                processing_configuration=processing,
            ),
        )


def _dynamic_partitioning(
    partition_by: Sequence[str], retry: cdk.Duration | None
) -> tuple[Cfn.DynamicPartitioningConfigurationProperty, Cfn.ProcessingConfigurationProperty]:
    """Dynamic partitioning on, and the JQ metadata extraction of its keys from each record."""
    dynamic = Cfn.DynamicPartitioningConfigurationProperty(
        enabled=True,
        retry_options=Cfn.RetryOptionsProperty(duration_in_seconds=seconds(retry, defaults.RETRY_SECONDS)),
    )
    processing = Cfn.ProcessingConfigurationProperty(
        enabled=True,
        processors=[
            Cfn.ProcessorProperty(
                type="MetadataExtraction",
                parameters=[
                    Cfn.ProcessorParameterProperty(
                        parameter_name="MetadataExtractionQuery", parameter_value=firehose.metadata_extraction_query(partition_by)
                    ),
                    Cfn.ProcessorParameterProperty(parameter_name="JsonParsingEngine", parameter_value="JQ-1.6"),
                ],
            )
        ],
    )
    return dynamic, processing
