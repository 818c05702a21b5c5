"""``RedshiftDeliveryStream``: a Firehose stream loading SES event records into a table of
an existing Redshift cluster or Redshift Serverless workgroup."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3_deployment
from aws_cdk import aws_secretsmanager as secretsmanager

from constructs import Construct
from ses_metrics import rules
from ses_metrics.cdk.delivery._firehose import (
    METADATA_KEY,
    OBJECT_KEY_REASON,
    Cfn,
    DeliveryStreamBase,
    acknowledge_wildcards,
    check_backup_prefix,
    check_name,
    known,
    known_seconds,
    nag_resource,
    s3_statements,
    seconds,
)
from ses_metrics.cdk.delivery.buckets import EventBucket
from ses_metrics.rules import EventType, defaults, firehose, redshift_columns
from ses_metrics.rules.redshift_columns import TUTORIAL_COLUMNS, TableContract

# CDK's BucketDeployment handler (one per stack) needs these; each is acknowledged with its reason.
_DEPLOYMENT_FINDINGS = {
    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]": (
        "CDK's BucketDeployment handler writes only its own Lambda logs with this AWS managed policy; it runs at deploy time only."
    ),
    "AwsSolutions-L1": (
        "The runtime of CDK's BucketDeployment handler is chosen by aws-cdk-lib, which pins the one its bundled code is tested with."
    ),
    **{
        f"AwsSolutions-IAM5[Action::{action}]": (
            f"CDK's BucketDeployment grant ({action}) is limited to the CDK asset bucket and the bucket receiving the JSONPaths file."
        )
        for action in ("s3:GetObject*", "s3:GetBucket*", "s3:List*", "s3:DeleteObject*", "s3:Abort*")
    },
    "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]": (
        "CDK's BucketDeployment handler reads the JSONPaths asset from the CDK bootstrap asset bucket, whose keys are content hashes."
    ),
}


class RedshiftDeliveryStream(DeliveryStreamBase):
    """A Firehose stream (direct PUT) that COPYs SES event records into a Redshift table.

    Target an existing provisioned cluster or Serverless workgroup with
    ``cluster_jdbc_url`` (``jdbc:redshift://<endpoint>:5439/dev``) or with
    ``endpoint_address``, ``port`` (5439) and ``database`` (``dev``). Credentials come only
    from ``secret`` (a Secrets Manager secret with ``username`` and ``password``); the
    template never holds a password. The cluster must accept Firehose's connections
    (publicly accessible, Firehose's CIDR block of the region allowed), and ``table`` must
    exist: ``ddl`` (also in the stream's template metadata) creates it.

    The table has ``columns`` from ``redshift_columns.CATALOGUE`` (default: the AWS
    tutorial's ``message_id, event_type, sending_account_id, timestamp, destination,
    configuration_set``), then one column per tag in ``message_tags`` (``campaign``).
    The JSONPaths file generated from them is deployed to the staging bucket with a
    ``BucketDeployment`` and named in the COPY command (``json 's3://...' region ...``).
    ``events`` (default all) are the event types the stream receives: a column that none
    of them carries is rejected.

    By default it also creates the staging ``EventBucket`` (secured like the archive;
    pass ``bucket`` to use another) where Firehose stages records under
    ``staging_prefix``, uncompressed (``compression="GZIP"`` adds ``gzip`` to the COPY
    options), flushing every 300 s or 5 MiB; failed COPYs are retried for
    ``retry_duration`` (1 hour) and then left in the bucket under ``staging_prefix`` +
    ``errors/``. ``s3_backup=True`` also keeps every source record under
    ``backup_prefix``. Delivery errors go to a CloudWatch log group, the stream is
    encrypted with an AWS-owned key (or ``encryption_key``), and Firehose's role may use
    only those prefixes, the JSONPaths file and ``GetSecretValue`` on the secret.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        secret: secretsmanager.ISecret,
        cluster_jdbc_url: str | None = None,
        endpoint_address: str | None = None,
        port: int = firehose.REDSHIFT_DEFAULT_PORT,
        database: str = firehose.REDSHIFT_DEFAULT_DATABASE,
        table: str = defaults.REDSHIFT_TABLE,
        columns: Sequence[str] = TUTORIAL_COLUMNS,
        message_tags: Sequence[str] = (),
        events: Sequence[EventType | str] | str | None = None,
        delivery_stream_name: str | None = None,
        bucket: s3.IBucket | None = None,
        access_logs_bucket: s3.IBucket | None = None,
        staging_prefix: str = defaults.REDSHIFT_STAGING_PREFIX,
        compression: str = "UNCOMPRESSED",
        buffering_interval: cdk.Duration | None = None,
        buffering_size_mib: int = defaults.BUFFERING_MIB,
        retry_duration: cdk.Duration | None = None,
        s3_backup: bool = False,
        backup_prefix: str = defaults.REDSHIFT_BACKUP_PREFIX,
        copy_options: str | None = None,
        encryption_key: kms.IKey | None = None,
        logging: bool = True,
        log_group: logs.ILogGroup | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        event_types, problems = rules.parse_event_types(rules.ALL_EVENTS if events is None else events)
        problems = check_name(delivery_stream_name) + rules.under(problems, "events")
        problems += _check_target(cluster_jdbc_url, endpoint_address, secret, table)
        problems += redshift_columns.check_columns(list(columns), list(message_tags), event_types)
        problems += rules.under(firehose.check_compression(compression, firehose.REDSHIFT_COMPRESSION_FORMATS), "compression")
        problems += firehose.check_prefixes(known(staging_prefix), None, destination="redshift")
        problems += check_backup_prefix(backup_prefix) if s3_backup else []
        problems += firehose.check_buffering(known_seconds(buffering_interval), known(buffering_size_mib), firehose.REDSHIFT_BUFFERING)
        problems += rules.under(firehose.check_retry_seconds(known_seconds(retry_duration)), "retry_duration")
        rules.raise_for(problems, f"RedshiftDeliveryStream {self.node.path}")

        self.contract: TableContract = redshift_columns.table_contract(table, list(columns), list(message_tags))
        self.secret = secret
        self.bucket: s3.IBucket = bucket or EventBucket(self, "Bucket", access_logs_bucket=access_logs_bucket)
        self.jsonpaths_key = f"ses-metrics/{cdk.Names.unique_id(self)}/jsonpaths.json"
        deployment = self._deploy_jsonpaths()
        self._create_role(
            "Assumed by Amazon Data Firehose to stage SES event records in S3 and COPY them into Redshift",
            logging=logging,
            log_group=log_group,
        )
        self._grant([staging_prefix] + ([backup_prefix] if s3_backup else []), secret)
        self.cluster_jdbc_url = cluster_jdbc_url or f"jdbc:redshift://{endpoint_address}:{port}/{database}"
        self.copy_options = self._copy_options(compression, copy_options)
        self._create_stream(
            delivery_stream_name,
            encryption_key,
            redshift_destination_configuration=Cfn.RedshiftDestinationConfigurationProperty(
                cluster_jdbcurl=self.cluster_jdbc_url,
                role_arn=self.role.role_arn,
                secrets_manager_configuration=Cfn.SecretsManagerConfigurationProperty(
                    enabled=True, secret_arn=secret.secret_arn, role_arn=self.role.role_arn
                ),
                copy_command=Cfn.CopyCommandProperty(
                    data_table_name=table, data_table_columns=self.contract.column_list, copy_options=self.copy_options
                ),
                retry_options=Cfn.RedshiftRetryOptionsProperty(duration_in_seconds=seconds(retry_duration, defaults.REDSHIFT_RETRY_SECONDS)),
                s3_configuration=self._s3_destination(self.bucket, staging_prefix, compression, buffering_interval, buffering_size_mib),
                s3_backup_mode="Enabled" if s3_backup else "Disabled",
                s3_backup_configuration=self._s3_destination(self.bucket, backup_prefix, "GZIP", buffering_interval, buffering_size_mib)
                if s3_backup
                else None,
                cloud_watch_logging_options=self._logging("DestinationDelivery"),
            ),
        )
        # Firehose reads the JSONPaths file at the first COPY: deploy it before the stream.
        self.resource.node.add_dependency(deployment)
        self.resource.cfn_options.metadata = {METADATA_KEY: self.contract.metadata()}

    def _copy_options(self, compression: str, extra: str | None) -> str:
        """COPY's options: the JSONPaths file, the Region, gzip for GZIP staging, then ``extra``."""
        options = [f"json 's3://{self.bucket.bucket_name}/{self.jsonpaths_key}'", f"region '{cdk.Aws.REGION}'"]
        if compression == "GZIP":
            options.append("gzip")
        if extra:
            options.append(extra)
        return " ".join(options)

    def _deploy_jsonpaths(self) -> s3_deployment.BucketDeployment:
        """The JSONPaths document COPY reads, deployed to ``jsonpaths_key`` of the bucket."""
        deployment = s3_deployment.BucketDeployment(
            self,
            "JsonPaths",
            destination_bucket=self.bucket,
            sources=[s3_deployment.Source.json_data(self.jsonpaths_key.rsplit("/", 1)[-1], self.contract.jsonpaths)],
            destination_key_prefix=self.jsonpaths_key.rsplit("/", 1)[0] + "/",
            prune=False,
        )
        _acknowledge_deployment(self, deployment, self.bucket)
        return deployment

    def _grant(self, prefixes: list[str], secret: secretsmanager.ISecret) -> None:
        """The role may write the staging (and backup) prefixes, read the JSONPaths file, and
        read the secret (decrypting it through Secrets Manager only)."""
        self.policy.add_statements(*s3_statements(self.bucket, prefixes, read_keys=[self.jsonpaths_key]))
        self.policy.add_statements(iam.PolicyStatement(actions=["secretsmanager:GetSecretValue"], resources=[secret.secret_arn]))
        if secret.encryption_key is not None:
            self.policy.add_statements(
                iam.PolicyStatement(
                    actions=["kms:Decrypt"],
                    resources=[secret.encryption_key.key_arn],
                    conditions={"StringEquals": {"kms:ViaService": f"secretsmanager.{cdk.Aws.REGION}.{cdk.Aws.URL_SUFFIX}"}},
                )
            )
        acknowledge_wildcards(self.policy, [self.bucket.arn_for_objects(f"{p}*") for p in prefixes], OBJECT_KEY_REASON)

    @property
    def ddl(self) -> str:
        """``CREATE TABLE`` for the target table (run it in the database before deploying)."""
        return self.contract.ddl

    @property
    def jsonpaths(self) -> dict[str, list[str]]:
        """The JSONPaths document deployed to ``s3://<bucket>/<jsonpaths_key>``."""
        return self.contract.jsonpaths


def _check_target(cluster_jdbc_url: str | None, endpoint_address: str | None, secret: secretsmanager.ISecret, table: str) -> list[rules.Problem]:
    """One way to reach the cluster, a Secrets Manager secret, a table name Redshift takes."""
    problems = []
    if (cluster_jdbc_url is None) == (endpoint_address is None):
        problems.append(rules.Problem(("cluster_jdbc_url",), "give either cluster_jdbc_url or endpoint_address (with port and database)"))
    problems += rules.under(firehose.check_jdbc_url(known(cluster_jdbc_url)), "cluster_jdbc_url")
    problems += rules.under(firehose.check_secret_arn(known(secret.secret_arn) if secret is not None else None), "secret")
    return problems + rules.under(firehose.check_table_name(known(table)), "table")


def _acknowledge_deployment(scope: Construct, deployment: s3_deployment.BucketDeployment, bucket: s3.IBucket) -> None:
    """Acknowledge the cdk-nag findings of CDK's BucketDeployment handler, each by id, and
    drop its DependsOn on its own role, which its GetAtt already implies (cfn-lint W3005)."""
    stack = cdk.Stack.of(scope)
    handler = next((c for c in stack.node.children if c.node.id.startswith("Custom::CDKBucketDeployment")), None)
    if handler is None:
        return
    function = handler.node.try_find_child("Resource")
    policy = handler.node.try_find_child("ServiceRole")
    policy = policy.node.try_find_child("DefaultPolicy") if policy is not None else None
    if isinstance(function, cdk.CfnResource) and policy is not None:
        function.add_override("DependsOn", [stack.get_logical_id(policy.node.default_child)])  # type: ignore[arg-type]
    for finding, reason in _DEPLOYMENT_FINDINGS.items():
        cdk.Validations.of(handler).acknowledge(cdk.Acknowledgment(id=finding, reason=reason))
    cdk.Validations.of(handler).acknowledge(
        cdk.Acknowledgment(
            id=f"AwsSolutions-IAM5[Resource::{nag_resource(stack, bucket.arn_for_objects('*'))}]",
            reason="CDK's BucketDeployment grants its handler the whole destination bucket; it writes only the JSONPaths file, at deploy.",
        )
    )
