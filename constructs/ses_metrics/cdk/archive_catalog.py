"""``EventArchiveCatalog``: Athena over an S3 event archive, with no crawler: a Glue
database and table of the SES record with partition projection matching the stream's key
layout, a workgroup with its own results bucket, the deliverability named queries and a
managed policy to run them."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_athena as athena
from aws_cdk import aws_glue as glue
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

from constructs import Construct
from ses_metrics import rules
from ses_metrics.cdk._tokens import known
from ses_metrics.cdk.delivery._firehose import acknowledge_wildcards, static_part
from ses_metrics.cdk.delivery.buckets import EventBucket
from ses_metrics.cdk.delivery.s3 import S3DeliveryStream
from ses_metrics.rules import athena as athena_rules
from ses_metrics.rules import defaults, record_schema
from ses_metrics.rules.named_queries import NAMED_QUERIES, latest_status_view_name, tagged_view_name, view_queries

RESULTS_PREFIX = "athena-results/"
_DATA_REASON = "Athena reads every object Firehose writes under the stream's prefix; the wildcard is limited to that prefix."
_RESULTS_REASON = "Athena names each query's result objects itself; the wildcard is limited to the workgroup's results prefix."


class EventArchiveCatalog(Construct):
    """Athena over the SES event records an ``S3DeliveryStream`` archives.

    Creates, by default:

    - a Glue database ``database_name`` (default ``ses_events``) and table ``table_name``
      (default ``events``) over the stream's prefix: one column per key of the SES record
      (``eventtype``, ``mail``, ``bounce``, ... as nested structs, ``mail.tags`` and
      ``click.linktags`` as ``map<string,array<string>>``), the OpenX JSON SerDe, the stream's
      compression (GZIP or UNCOMPRESSED; Athena cannot read Firehose's ZIP or Snappy JSON
      objects), and partition projection matching the stream's key layout (``datehour`` for
      Firehose's ``YYYY/MM/dd/HH/``; with dynamic partitioning also ``event_type`` and
      ``configuration_set``, whose values are ``configuration_set_names``): no crawler, no
      ``MSCK REPAIR``. Dates are projected over ``history`` (default the last five years).
    - an Athena workgroup ``workgroup_name`` (engine version 3) whose configuration is
      enforced: results encrypted (SSE-S3, or the results bucket's KMS key) in a new
      ``EventBucket`` that deletes them after ``results_retention`` (default 30 days),
      CloudWatch metrics on, ``bytes_scanned_cutoff`` per query (default 10 GB).
    - the named queries of :mod:`ses_metrics.rules.named_queries` (bounce and complaint
      rates by configuration set and day and by ``campaign_tag``, latest status per message,
      top bouncing recipient domains, open and click rates, clicks by ``link_tag``), and the
      ``CREATE VIEW`` named queries of the views over the table (``views``: view name ->
      named query; run each once after deploying): ``<table>_latest_status`` and, with
      ``tag_columns``, ``<table>_tagged``, the table plus one column per message tag
      (``campaign-id`` -> ``campaign_id``: its value), so queries group by a tag without map
      access. Athena supports only views it created itself, so they are not Glue tables.
    - ``query_policy``: a managed policy allowing exactly what running those queries needs
      (the workgroup, the Glue catalogue, database and table, reading the stream's prefix,
      the results prefix), attached to ``roles``; ``grant_query(role)`` attaches it to more.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stream: S3DeliveryStream,
        database_name: str = defaults.ATHENA_DATABASE,
        table_name: str = defaults.ATHENA_TABLE,
        workgroup_name: str | None = None,
        configuration_set_names: Sequence[str] = (),
        campaign_tag: str = defaults.ATHENA_CAMPAIGN_TAG,
        link_tag: str = defaults.ATHENA_LINK_TAG,
        tag_columns: Sequence[str] = (),
        results_retention: cdk.Duration | None = None,
        bytes_scanned_cutoff: int = defaults.ATHENA_BYTES_SCANNED_CUTOFF,
        history: str = athena_rules.DEFAULT_HISTORY,
        results_bucket: s3.IBucket | None = None,
        access_logs_bucket: s3.IBucket | None = None,
        roles: Sequence[iam.IRole] = (),
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        problems = rules.under(athena_rules.check_glue_name(known(database_name), "database name"), "database_name")
        problems += rules.under(athena_rules.check_glue_name(known(table_name), "table name"), "table_name")
        workgroup_name = workgroup_name or f"{database_name.replace('_', '-')}"
        problems += rules.under(athena_rules.check_workgroup_name(known(workgroup_name)), "workgroup_name")
        problems += rules.under(athena_rules.check_bytes_scanned_cutoff(bytes_scanned_cutoff), "bytes_scanned_cutoff")
        for field, tag in (("campaign_tag", campaign_tag), ("link_tag", link_tag)):
            problems += rules.under(athena_rules.check_tag_name(known(tag)), field)
        compression = athena_rules.READABLE_COMPRESSION.get(stream.compression)
        if compression is None:
            problems.append(rules.Problem(("stream",), f"the stream compresses {stream.compression}: Athena reads JSON objects "
                                          "that are GZIP or UNCOMPRESSED only (Athena UG compression-formats)"))
        projection, found = athena_rules.partition_projection(
            stream.prefix,
            dynamic_partitioning=bool(stream.partition_by),
            key_values={"configurationSet": list(configuration_set_names)} if configuration_set_names else None,
            history=history,
        )
        problems += [rules.Problem(("stream", *p.path), p.message) for p in found]
        if "configurationSet" in stream.prefix and not configuration_set_names:
            problems.append(rules.Problem(("configuration_set_names",), "the stream is partitioned by configuration set: name the "
                                          "configuration sets publishing to it (the values of the projected configuration_set column)"))
        if projection is not None:
            taken = [name for name, _, _ in record_schema.glue_columns()] + [c.name for c in projection.columns]
            problems += rules.under(athena_rules.check_tag_columns(list(tag_columns), taken), "tag_columns")
        rules.raise_for(problems, f"EventArchiveCatalog {self.node.path}")
        assert projection is not None

        self.stream = stream
        self.projection = projection
        bucket = stream.bucket
        self.database = glue.CfnDatabase(
            self, "Database", catalog_id=stack.account,
            database_input=glue.CfnDatabase.DatabaseInputProperty(
                name=database_name, description="SES event records archived by Firehose (ses-metrics)"),
        )
        self.database_name = self.database.ref
        self.table = self._table(table_name, compression)
        self.table_name = table_name
        self.results_bucket = results_bucket or EventBucket(
            self, "Results", access_logs_bucket=access_logs_bucket, expire_after=results_retention or cdk.Duration.days(defaults.ATHENA_RESULTS_RETENTION_DAYS)
        )
        self.workgroup = self._workgroup(workgroup_name, f"{database_name}.{table_name}", bytes_scanned_cutoff)
        self.workgroup_name = self.workgroup.ref
        self.named_queries: dict[str, athena.CfnNamedQuery] = {}
        creating = view_queries(table_name, list(tag_columns))
        for query in (*NAMED_QUERIES, *creating):
            self.named_queries[query.name] = athena.CfnNamedQuery(
                self, f"Query-{query.name}", name=query.name, description=query.description,
                database=self.database.ref, work_group=self.workgroup.ref,
                query_string=query.render(table_name, campaign_tag=campaign_tag, link_tag=link_tag),
            )
        views = [latest_status_view_name(table_name)] + ([tagged_view_name(table_name)] if tag_columns else [])
        self.views: dict[str, str] = dict(zip(views, (q.name for q in creating), strict=True))
        self.query_policy = self._query_policy(bucket, list(roles))

    def _table(self, table_name: str, compression: str) -> glue.CfnTable:
        """The Glue table of the SES record over the stream's prefix, partitions projected."""
        bucket, projection = self.stream.bucket, self.projection
        return glue.CfnTable(
            self, "Table", catalog_id=cdk.Stack.of(self).account, database_name=self.database.ref,
            table_input=glue.CfnTable.TableInputProperty(
                name=table_name,
                description="SES event records, one per line, as SES publishes them to Firehose",
                table_type="EXTERNAL_TABLE",
                parameters={"classification": "json", "compressionType": compression, "typeOfData": "file",
                            **projection.parameters(bucket.bucket_name)},
                partition_keys=[glue.CfnTable.ColumnProperty(name=c.name, type="string") for c in projection.columns],
                storage_descriptor=glue.CfnTable.StorageDescriptorProperty(
                    location=f"s3://{bucket.bucket_name}/{projection.location}",
                    input_format=athena_rules.INPUT_FORMAT,
                    output_format=athena_rules.OUTPUT_FORMAT,
                    compressed=compression == "gzip",
                    serde_info=glue.CfnTable.SerdeInfoProperty(serialization_library=athena_rules.JSON_SERDE),
                    columns=[glue.CfnTable.ColumnProperty(name=n, type=t, comment=c or None) for n, t, c in record_schema.glue_columns()],
                ),
            ),
        )

    def _workgroup(self, name: str, table: str, bytes_scanned_cutoff: int) -> athena.CfnWorkGroup:
        """Engine 3, configuration enforced, results encrypted in the results bucket."""
        stack = cdk.Stack.of(self)
        key = self.results_bucket.encryption_key
        encryption = athena.CfnWorkGroup.EncryptionConfigurationProperty(
            encryption_option="SSE_KMS" if key else "SSE_S3", kms_key=key.key_arn if key else None)
        return athena.CfnWorkGroup(
            self, "WorkGroup", name=name, state="ENABLED", recursive_delete_option=True,
            description=f"Queries over the SES event table {table} (ses-metrics)",
            work_group_configuration=athena.CfnWorkGroup.WorkGroupConfigurationProperty(
                enforce_work_group_configuration=True,
                publish_cloud_watch_metrics_enabled=True,
                bytes_scanned_cutoff_per_query=bytes_scanned_cutoff,
                engine_version=athena.CfnWorkGroup.EngineVersionProperty(selected_engine_version="Athena engine version 3"),
                result_configuration=athena.CfnWorkGroup.ResultConfigurationProperty(
                    output_location=f"s3://{self.results_bucket.bucket_name}/{RESULTS_PREFIX}",
                    encryption_configuration=encryption,
                    expected_bucket_owner=stack.account,
                ),
            ),
        )

    def grant_query(self, role: iam.IRole) -> None:
        """Let ``role`` run queries in the workgroup (attaches ``query_policy``)."""
        self.query_policy.attach_to_role(role)

    def _query_policy(self, bucket: s3.IBucket, roles: list[iam.IRole]) -> iam.ManagedPolicy:
        stack = cdk.Stack.of(self)
        glue_arn = lambda resource: stack.format_arn(service="glue", resource=resource)  # noqa: E731
        views = [glue_arn(f"table/{self.database.ref}/{view}") for view in self.views]
        data_prefix = static_part(self.projection.location)
        data_objects = bucket.arn_for_objects(f"{data_prefix}*")
        result_objects = self.results_bucket.arn_for_objects(f"{RESULTS_PREFIX}*")
        statements = [
            iam.PolicyStatement(
                sid="RunQueriesInTheWorkgroup",
                actions=["athena:StartQueryExecution", "athena:StopQueryExecution", "athena:GetQueryExecution",
                         "athena:GetQueryResults", "athena:GetQueryResultsStream", "athena:BatchGetQueryExecution",
                         "athena:ListQueryExecutions", "athena:GetWorkGroup", "athena:GetNamedQuery",
                         "athena:BatchGetNamedQuery", "athena:ListNamedQueries"],
                resources=[stack.format_arn(service="athena", resource="workgroup", resource_name=self.workgroup.ref)],
            ),
            iam.PolicyStatement(
                sid="ReadTheTableDefinition",
                actions=["glue:GetDatabase", "glue:GetTable", "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition"],
                resources=[glue_arn("catalog"), glue_arn(f"database/{self.database.ref}"),
                           glue_arn(f"table/{self.database.ref}/{self.table_name}"), *views],
            ),
            # CREATE OR REPLACE VIEW: the action on the view and its ancestors (Athena UG
            # fine-grained-access-to-glue-resources); UpdateTable when it replaces one
            iam.PolicyStatement(
                sid="CreateTheViews", actions=["glue:CreateTable", "glue:UpdateTable"],
                resources=[glue_arn("catalog"), glue_arn(f"database/{self.database.ref}"), *views],
            ),
            iam.PolicyStatement(
                sid="ListTheArchivePrefix", actions=["s3:ListBucket", "s3:GetBucketLocation"], resources=[bucket.bucket_arn],
                conditions={"StringLike": {"s3:prefix": [f"{data_prefix}*"]}} if data_prefix else None,
            ),
            iam.PolicyStatement(sid="ReadTheArchive", actions=["s3:GetObject"], resources=[data_objects]),
            iam.PolicyStatement(
                sid="UseTheResultsBucket", actions=["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
                resources=[self.results_bucket.bucket_arn],
            ),
            iam.PolicyStatement(
                sid="WriteAndReadResults",
                actions=["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                resources=[result_objects],
            ),
        ]
        keys = [k.key_arn for k in (bucket.encryption_key, self.results_bucket.encryption_key) if k is not None]
        if keys:
            statements.append(iam.PolicyStatement(sid="UseTheBucketKeys", actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=keys))
        policy = iam.ManagedPolicy(
            self, "QueryPolicy", description="Run the ses-metrics Athena queries over the SES event archive", statements=statements,
            roles=roles or None,
        )
        acknowledge_wildcards(policy, [data_objects], _DATA_REASON)
        acknowledge_wildcards(policy, [result_objects], _RESULTS_REASON)
        return policy
