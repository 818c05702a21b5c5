"""The ``streams:`` schema: Firehose delivery streams to S3, Redshift or OpenSearch."""

from __future__ import annotations

import enum
from typing import Annotated, Literal

from pydantic import Field

from ses_metrics.platform.config.fields import (
    BufferingSeconds,
    ColumnName,
    ConfigModel,
    IndexName,
    JdbcUrl,
    PartitionKeyName,
    RetrySeconds,
    SecretArn,
    StreamName,
    TableName,
)
from ses_metrics.rules import athena, defaults, firehose, redshift_columns
from ses_metrics.rules.ses import TAG_RE

_S3, _OPENSEARCH = firehose.S3_BUFFERING, firehose.OPENSEARCH_BUFFERING


class BucketConfig(ConfigModel):
    """The stream's bucket: a new secured one (default), or an existing one by ``name``."""

    name: str | None = Field(default=None, description="an existing bucket to use instead of creating one")
    encryption: Literal["SSE_S3", "KMS"] = Field(default="SSE_S3", description="KMS creates a key with rotation on")
    transition_after_days: int | None = Field(default=None, ge=1, description="move objects to transition_storage_class after")
    transition_storage_class: Literal[firehose.STORAGE_CLASSES] = "STANDARD_IA"  # type: ignore[valid-type]
    expire_after_days: int | None = Field(default=None, ge=1, description="delete objects after")
    access_logs_disabled_reason: str | None = Field(default=None, description="why this bucket keeps no server access logs")


GlueName = Annotated[str, Field(pattern=athena.GLUE_NAME_RE.pattern, description="lowercase letters, digits and '_'")]


class AthenaConfig(ConfigModel):
    """Athena over the archive: a Glue table of the SES record with partition projection,
    an enforced and encrypted workgroup, the deliverability named queries, a query policy."""

    database: GlueName | None = Field(default=None, description="Glue database (default: the stream name, '-' as '_')")
    table: GlueName = defaults.ATHENA_TABLE
    workgroup: str | None = Field(default=None, pattern=athena.WORKGROUP_NAME_RE.pattern,
                                  description="Athena workgroup (default: <stack name>-<stream name>)")
    campaign_tag: str = Field(default=defaults.ATHENA_CAMPAIGN_TAG, pattern=TAG_RE.pattern, description="the message tag named queries group by")
    link_tag: str = Field(default=defaults.ATHENA_LINK_TAG, pattern=TAG_RE.pattern, description="the link tag (ses:tags) clicks are grouped by")
    tag_columns: list[Annotated[str, Field(pattern=TAG_RE.pattern)]] = Field(
        default_factory=list, description="message tags given a column of their own in the view <table>_tagged (campaign-id: campaign_id)")
    results_retention_days: int = Field(default=defaults.ATHENA_RESULTS_RETENTION_DAYS, ge=1, description="query results are deleted after")
    bytes_scanned_cutoff: int = Field(default=defaults.ATHENA_BYTES_SCANNED_CUTOFF, ge=athena.MIN_BYTES_SCANNED_CUTOFF, description="per query")
    query_roles: list[str] = Field(default_factory=list, description="IAM role ARNs given the query policy")


class S3Config(ConfigModel):
    """Archive event records in S3 (Firehose extended S3 destination)."""

    prefix: str = Field(default=defaults.S3_PREFIX, description="!{timestamp:...} and !{firehose:random-string} allowed")
    error_output_prefix: str = Field(default=defaults.S3_ERROR_OUTPUT_PREFIX, description="!{firehose:error-output-type} allowed")
    compression: Literal[firehose.COMPRESSION_FORMATS] = "GZIP"  # type: ignore[valid-type]
    buffering_seconds: BufferingSeconds = defaults.BUFFERING_SECONDS
    buffering_mib: int | None = Field(
        default=None,
        ge=_S3.min_mib,
        le=_S3.max_mib,
        description=f"default {defaults.BUFFERING_MIB}, or {defaults.PARTITIONED_BUFFERING_MIB} with partition_by",
    )
    partition_by: list[PartitionKeyName] = Field(default_factory=list, description="dynamic partitioning keys (Hive-style prefixes)")
    partition_retry_seconds: RetrySeconds = defaults.RETRY_SECONDS
    logging: bool = Field(default=True, description="log delivery errors to CloudWatch Logs")
    bucket: BucketConfig = Field(default_factory=BucketConfig)
    athena: AthenaConfig | None = Field(default=None, description="query the archive with Athena (athena: {} for the defaults)")


class RedshiftConfig(ConfigModel):
    """Load event records into a Redshift table (cluster or Serverless workgroup)."""

    jdbc_url: JdbcUrl | None = None
    endpoint: str | None = Field(default=None, description="cluster or workgroup endpoint address (instead of jdbc_url)")
    port: int = Field(default=firehose.REDSHIFT_DEFAULT_PORT, ge=1, le=65535)
    database: str = firehose.REDSHIFT_DEFAULT_DATABASE
    secret_arn: SecretArn
    table: TableName = defaults.REDSHIFT_TABLE
    columns: list[ColumnName] = Field(default_factory=lambda: list(redshift_columns.TUTORIAL_COLUMNS), min_length=1)
    message_tags: list[str] = Field(default_factory=list, description="one column per message tag, e.g. campaign")
    staging_prefix: str = defaults.REDSHIFT_STAGING_PREFIX
    compression: Literal[firehose.REDSHIFT_COMPRESSION_FORMATS] = "UNCOMPRESSED"  # type: ignore[valid-type]
    buffering_seconds: BufferingSeconds = defaults.BUFFERING_SECONDS
    buffering_mib: int = Field(default=defaults.BUFFERING_MIB, ge=_S3.min_mib, le=_S3.max_mib)
    retry_seconds: RetrySeconds = defaults.REDSHIFT_RETRY_SECONDS
    s3_backup: bool = False
    backup_prefix: str = defaults.REDSHIFT_BACKUP_PREFIX
    copy_options: str | None = Field(default=None, description="extra COPY options, appended")
    logging: bool = True
    bucket: BucketConfig = Field(default_factory=BucketConfig)


class NewDomainConfig(ConfigModel):
    """A new OpenSearch domain: encrypted, HTTPS only, scoped to the stream's role."""

    name: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9-]{2,27}$")
    instance_type: str = "m6g.large.search"
    instance_count: int = Field(default=2, ge=1)
    volume_gib: int = Field(default=20, ge=10)
    master_user_arn: str | None = Field(default=None, description="IAM master user: turns on fine-grained access control")


class VpcConfig(ConfigModel):
    """Firehose's network interfaces in the domain's VPC."""

    subnet_ids: list[str] = Field(min_length=1, max_length=16)
    security_group_ids: list[str] = Field(min_length=1, max_length=5)


class OpenSearchConfig(ConfigModel):
    """Index event records in an OpenSearch Service domain."""

    domain_arn: str | None = Field(default=None, description="an existing domain")
    new_domain: NewDomainConfig | None = None
    index: IndexName
    index_rotation: Literal[firehose.INDEX_ROTATIONS] = "OneDay"  # type: ignore[valid-type]
    backup_mode: Literal[firehose.OPENSEARCH_BACKUP_MODES] = "FailedDocumentsOnly"  # type: ignore[valid-type]
    backup_prefix: str = defaults.OPENSEARCH_BACKUP_PREFIX
    buffering_seconds: BufferingSeconds = defaults.BUFFERING_SECONDS
    buffering_mib: int = Field(default=defaults.BUFFERING_MIB, ge=_OPENSEARCH.min_mib, le=_OPENSEARCH.max_mib)
    retry_seconds: RetrySeconds = defaults.RETRY_SECONDS
    vpc: VpcConfig | None = None
    logging: bool = True
    bucket: BucketConfig = Field(default_factory=BucketConfig)


class StreamKind(enum.Enum):
    """The kinds of delivery stream, by config key."""

    S3 = "s3"
    REDSHIFT = "redshift"
    OPENSEARCH = "opensearch"


class StreamConfig(ConfigModel):
    """A Firehose stream: exactly one of s3 (the default), redshift or opensearch."""

    name: StreamName
    s3: S3Config | None = None
    redshift: RedshiftConfig | None = None
    opensearch: OpenSearchConfig | None = None

    @property
    def kind(self) -> StreamKind:
        return next((k for k in StreamKind if getattr(self, k.value) is not None), StreamKind.S3)

    @property
    def archive(self) -> S3Config:
        """The S3 settings (a stream with no kind block archives to S3 with defaults)."""
        return self.s3 or S3Config()


