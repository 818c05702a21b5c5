"""ses-metrics: Amazon SES sending metrics as code.

Importing the package is cheap: the CDK constructs load on first use, so the simulator
and the CLI never pay for ``aws_cdk``.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "SendingConfigurationSet": "ses_metrics.cdk.configuration_set",
    "ReputationAlarms": "ses_metrics.cdk.alarms",
    "AlarmTopic": "ses_metrics.cdk.alarms",
    "SendingDashboard": "ses_metrics.cdk.dashboard",
    "DeliveryStreamArn": "ses_metrics.cdk.configuration_set",
    "S3DeliveryStream": "ses_metrics.cdk.delivery.s3",
    "RedshiftDeliveryStream": "ses_metrics.cdk.delivery.redshift",
    "OpenSearchDeliveryStream": "ses_metrics.cdk.delivery.opensearch",
    "DomainArn": "ses_metrics.cdk.delivery.opensearch",
    "EventBucket": "ses_metrics.cdk.delivery.buckets",
    "AccessLogsBucket": "ses_metrics.cdk.delivery.buckets",
    "EventArchiveCatalog": "ses_metrics.cdk.archive_catalog",
    "Dimension": "ses_metrics.cdk.dimensions",
    "AutoTag": "ses_metrics.rules",
    "DimensionSource": "ses_metrics.rules",
    "EventType": "ses_metrics.rules",
    "ReputationMetric": "ses_metrics.rules",
    "metric_account": "ses_metrics.cdk.metrics",
    "metric_account_bounce_rate": "ses_metrics.cdk.metrics",
    "metric_account_complaint_rate": "ses_metrics.cdk.metrics",
    "ValidationError": "ses_metrics.rules",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'ses_metrics' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
