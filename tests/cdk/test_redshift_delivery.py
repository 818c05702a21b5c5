"""RedshiftDeliveryStream: COPY with generated JSONPaths, Secrets Manager only, least privilege."""

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk.assertions import Match, Template
from conftest import new_stack

from ses_metrics import SendingConfigurationSet, ValidationError
from ses_metrics.cdk.delivery.redshift import METADATA_KEY, RedshiftDeliveryStream

SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:ses-loader-AbCdEf"
JDBC = "jdbc:redshift://analytics.c1abc.eu-west-1.redshift.amazonaws.com:5439/dev"
STREAM = "AWS::KinesisFirehose::DeliveryStream"


def secret(stack, name="Secret"):
    return secretsmanager.Secret.from_secret_complete_arn(stack, name, SECRET_ARN)


@pytest.fixture(scope="module")
def built():
    stack = new_stack()
    tutorial = RedshiftDeliveryStream(
        stack, "Tutorial", secret=secret(stack), cluster_jdbc_url=JDBC, message_tags=["campaign"], delivery_stream_name="ses-redshift"
    )
    key = kms.Key(stack, "SecretKey", enable_key_rotation=True)
    serverless = RedshiftDeliveryStream(
        stack,
        "Serverless",
        secret=secretsmanager.Secret(stack, "Generated", encryption_key=key),
        endpoint_address="wg.111122223333.eu-west-1.redshift-serverless.amazonaws.com",
        database="events",
        table="analytics.bounces",
        columns=["message_id", "event_type", "bounce_type", "bounce_sub_type"],
        events=["bounce"],
        compression="GZIP",
        s3_backup=True,
        retry_duration=cdk.Duration.minutes(10),
    )
    cs = SendingConfigurationSet(stack, "Set", configuration_set_name="marketing")
    cs.add_firehose_destination("warehouse", delivery_stream=tutorial)
    return stack, Template.from_stack(stack), tutorial, serverless


def test_two_streams_in_one_stack(built):
    _, template, *_ = built
    template.resource_count_is(STREAM, 2)


def test_copy_command_names_the_table_columns_and_deployed_jsonpaths_file(built):
    stack, template, tutorial, _ = built
    template.has_resource_properties(
        STREAM,
        {
            "DeliveryStreamName": "ses-redshift",
            "DeliveryStreamType": "DirectPut",
            "DeliveryStreamEncryptionConfigurationInput": {"KeyType": "AWS_OWNED_CMK"},
            "RedshiftDestinationConfiguration": Match.object_like(
                {
                    "ClusterJDBCURL": JDBC,
                    "CopyCommand": {
                        "DataTableName": "ses",
                        "DataTableColumns": "message_id,event_type,sending_account_id,timestamp,destination,configuration_set,campaign",
                        "CopyOptions": {
                            "Fn::Join": [
                                "",
                                [
                                    "json 's3://",
                                    stack.resolve(tutorial.bucket.bucket_name),
                                    f"/{tutorial.jsonpaths_key}' region '",
                                    {"Ref": "AWS::Region"},
                                    "'",
                                ],
                            ]
                        },
                    },
                    "RetryOptions": {"DurationInSeconds": 3600},
                    "S3BackupMode": "Disabled",
                    "S3Configuration": Match.object_like(
                        {"Prefix": "ses-redshift-staging/", "CompressionFormat": "UNCOMPRESSED", "ErrorOutputPrefix": Match.absent()}
                    ),
                }
            ),
        },
    )


def test_credentials_come_only_from_secrets_manager(built):
    stack, template, tutorial, _ = built
    template.has_resource_properties(
        STREAM,
        {
            "RedshiftDestinationConfiguration": Match.object_like(
                {
                    "SecretsManagerConfiguration": {"Enabled": True, "SecretARN": SECRET_ARN, "RoleARN": stack.resolve(tutorial.role.role_arn)},
                    "Password": Match.absent(),
                    "Username": Match.absent(),
                }
            )
        },
    )


def test_serverless_by_endpoint_with_gzip_backup_and_retry(built):
    _, template, *_ = built
    template.has_resource_properties(
        STREAM,
        {
            "RedshiftDestinationConfiguration": Match.object_like(
                {
                    "ClusterJDBCURL": "jdbc:redshift://wg.111122223333.eu-west-1.redshift-serverless.amazonaws.com:5439/events",
                    "CopyCommand": Match.object_like(
                        {"DataTableName": "analytics.bounces", "CopyOptions": {"Fn::Join": ["", Match.array_with(["' gzip"])]}}
                    ),
                    "RetryOptions": {"DurationInSeconds": 600},
                    "S3BackupMode": "Enabled",
                    "S3BackupConfiguration": Match.object_like({"Prefix": "ses-redshift-backup/"}),
                    "S3Configuration": Match.object_like({"CompressionFormat": "GZIP"}),
                }
            )
        },
    )


def test_jsonpaths_file_is_deployed_to_the_staging_bucket_before_the_stream(built):
    stack, template, tutorial, _ = built
    template.has_resource_properties(
        "Custom::CDKBucketDeployment",
        {
            "DestinationBucketName": stack.resolve(tutorial.bucket.bucket_name),
            "DestinationBucketKeyPrefix": tutorial.jsonpaths_key.rsplit("/", 1)[0] + "/",
            "Prune": False,
        },
    )
    stream = template.to_json()["Resources"][stack.get_logical_id(tutorial.resource)]
    deployment = tutorial.node.find_child("JsonPaths").node.find_child("CustomResource").node.default_child
    assert stack.get_logical_id(deployment) in stream["DependsOn"]


def test_table_contract_is_in_the_stream_metadata(built):
    stack, template, tutorial, _ = built
    metadata = template.to_json()["Resources"][stack.get_logical_id(tutorial.resource)]["Metadata"][METADATA_KEY]
    assert metadata["table"] == "ses"
    assert [c["name"] for c in metadata["columns"]][-1] == "campaign"
    assert metadata["jsonpaths"] == tutorial.jsonpaths
    assert metadata["ddl"] == tutorial.ddl
    assert tutorial.ddl.startswith("CREATE TABLE ses (\n  message_id VARCHAR(200) NOT NULL,")


def test_role_reads_only_the_secret_the_jsonpaths_file_and_its_prefix(built):
    stack, template, tutorial, _ = built
    bucket_arn = stack.resolve(tutorial.bucket.bucket_arn)
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "Roles": [stack.resolve(tutorial.role.role_name)],
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        {
                            "Action": ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
                            "Effect": "Allow",
                            "Resource": {"Fn::Join": ["", [bucket_arn, "/ses-redshift-staging/*"]]},
                        },
                        {"Action": "s3:GetObject", "Effect": "Allow", "Resource": {"Fn::Join": ["", [bucket_arn, f"/{tutorial.jsonpaths_key}"]]}},
                        {"Action": "secretsmanager:GetSecretValue", "Effect": "Allow", "Resource": SECRET_ARN},
                    ]
                )
            },
        },
    )


def test_role_may_decrypt_the_secret_key_through_secrets_manager_only(built):
    stack, template, _, serverless = built
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "Roles": [stack.resolve(serverless.role.role_name)],
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Action": "kms:Decrypt",
                                "Condition": {"StringEquals": {"kms:ViaService": Match.any_value()}},
                                "Resource": stack.resolve(serverless.secret.encryption_key.key_arn),
                            }
                        )
                    ]
                )
            },
        },
    )


def test_staging_bucket_is_secured_like_the_archive(built):
    stack, template, tutorial, _ = built
    bucket = template.to_json()["Resources"][stack.resolve(tutorial.bucket.bucket_name)["Ref"]]
    assert bucket["DeletionPolicy"] == "Retain"
    assert bucket["Properties"]["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"] is True
    assert "LoggingConfiguration" in bucket["Properties"]


def test_ses_role_is_the_streams_own(built):
    stack, template, tutorial, _ = built
    template.has_resource_properties(
        "AWS::SES::ConfigurationSetEventDestination",
        {"EventDestination": Match.object_like({"KinesisFirehoseDestination": {
            "DeliveryStreamARN": stack.resolve(tutorial.delivery_stream_arn),
            "IAMRoleARN": stack.resolve(tutorial.node.find_child("SesRole").role_arn),
        }})},
    )


# --- invalid input, one rule each ---------------------------------------------------


def test_rejects_neither_jdbc_url_nor_endpoint(stack):
    with pytest.raises(ValidationError, match=r"cluster_jdbc_url: give either cluster_jdbc_url or endpoint_address"):
        RedshiftDeliveryStream(stack, "R", secret=secret(stack))


def test_rejects_a_malformed_jdbc_url(stack):
    with pytest.raises(ValidationError, match=r"cluster_jdbc_url: JDBC URL 'jdbc:mysql://db/dev' is not of the form"):
        RedshiftDeliveryStream(stack, "R", secret=secret(stack), cluster_jdbc_url="jdbc:mysql://db/dev")


def test_rejects_a_column_no_received_event_carries(stack):
    with pytest.raises(ValidationError, match=r"columns\[2\]: column 'bounce_type' .* which this stream does not receive"):
        RedshiftDeliveryStream(stack, "R", secret=secret(stack), cluster_jdbc_url=JDBC, columns=["message_id", "event_type", "bounce_type"], events=["open"])


def test_rejects_unknown_columns_and_bad_tags(stack):
    with pytest.raises(ValidationError, match=r"(?s)columns\[0\]: unknown column 'msg_id'.*message_tags\[0\]: message tag name 'a b'"):
        RedshiftDeliveryStream(stack, "R", secret=secret(stack), cluster_jdbc_url=JDBC, columns=["msg_id"], message_tags=["a b"])


def test_rejects_compression_redshift_cannot_copy(stack):
    with pytest.raises(ValidationError, match=r"compression: unknown compression 'Snappy'; use one of UNCOMPRESSED, GZIP"):
        RedshiftDeliveryStream(stack, "R", secret=secret(stack), cluster_jdbc_url=JDBC, compression="Snappy")


def test_rejects_expressions_in_the_staging_prefix(stack):
    with pytest.raises(ValidationError, match=r"prefix: a Redshift stream's staging prefix cannot contain expressions"):
        RedshiftDeliveryStream(stack, "R", secret=secret(stack), cluster_jdbc_url=JDBC, staging_prefix="s/!{timestamp:yyyy}/")


def test_rejects_retry_duration_out_of_range(stack):
    with pytest.raises(ValidationError, match=r"retry_duration: retry duration 7260 s is out of range"):
        RedshiftDeliveryStream(stack, "R", secret=secret(stack), cluster_jdbc_url=JDBC, retry_duration=cdk.Duration.minutes(121))


def test_rejects_a_bad_table_name(stack):
    with pytest.raises(ValidationError, match=r"table: table name 'SES-Events' must be"):
        RedshiftDeliveryStream(stack, "R", secret=secret(stack), cluster_jdbc_url=JDBC, table="SES-Events")


def test_validation_runs_before_any_child_is_created(stack):
    with pytest.raises(ValidationError):
        RedshiftDeliveryStream(stack, "R", secret=secret(stack), cluster_jdbc_url=JDBC, table="Bad Name")
    assert stack.node.find_child("R").node.children == []
