"""One synthesis shared by the hardening tests (security, checkov, generated configurations):
the example app (ses-metrics.yaml, through ``build_app``), three generated
configurations (configgen.py) and a stream into a KMS-encrypted bucket, one stack each, in one app with CDK's built-in validation
off and cdk-nag and ses-metrics lint as validation plugins, so an unacknowledged finding
in any of them fails the synth. Cached for the session: synthesizing costs seconds."""

from __future__ import annotations

import functools
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_CONFIG = ROOT / "ses-metrics.yaml"


@dataclass(frozen=True)
class Synthesized:
    outdir: Path
    example: dict[str, Any]  # the example app's template
    generated: list[tuple[dict[str, Any], dict[str, Any]]]  # (document, template)
    kms: dict[str, Any]  # a stream into a KMS-encrypted EventBucket

    @property
    def templates(self) -> dict[str, dict[str, Any]]:
        return {"SesMetrics": self.example, "KmsBucket": self.kms, **{f"Gen{i}": t for i, (_, t) in enumerate(self.generated)}}


def generated_documents(count: int = 3, examples: int = 12) -> list[dict[str, Any]]:
    """The ``count`` largest of ``examples`` derandomized valid documents."""
    from configgen import valid_config
    from hypothesis import given, settings

    found: list[dict[str, Any]] = []

    @settings(derandomize=True, deadline=None, max_examples=examples, database=None)
    @given(valid_config())
    def collect(document: dict[str, Any]) -> None:
        found.append(document)

    collect()
    found.sort(key=lambda d: len(json.dumps(d)))
    return [{**d, "stack_name": f"Gen{i}"} for i, d in enumerate(found[-count:])]


@functools.cache
def synthesized() -> Synthesized:
    from ses_metrics.platform.app import build_app
    from ses_metrics.platform.config import load_config
    from ses_metrics.platform.stack import PlatformStack

    outdir = Path(tempfile.mkdtemp(prefix="ses-metrics-hardening-"))
    app = cdk.App(builtin_cloud_formation_validation=False, outdir=str(outdir / "cdk.out"))
    documents = generated_documents()
    for document in documents:
        path = outdir / f"{document['stack_name']}.yaml"
        path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        config = load_config(path)
        PlatformStack(app, config.stack_name, config=config)
    _kms_stack(app)
    build_app(app, config_path=str(EXAMPLE_CONFIG))  # adds the example stack and both plugins
    assembly = app.synth()
    return Synthesized(
        outdir / "cdk.out",
        assembly.get_stack_by_name("SesMetrics").template,
        [(d, assembly.get_stack_by_name(d["stack_name"]).template) for d in documents],
        assembly.get_stack_by_name("KmsBucket").template,
    )


def _kms_stack(app: cdk.App) -> None:
    """A stream into a KMS-encrypted EventBucket (S3 Bucket Key on), for test_hardening_kms."""
    from ses_metrics import SendingConfigurationSet
    from ses_metrics.cdk.delivery.buckets import EventBucket
    from ses_metrics.cdk.delivery.s3 import S3DeliveryStream

    stack = cdk.Stack(app, "KmsBucket")
    bucket = EventBucket(stack, "Bucket", encryption="KMS", access_logs_disabled_reason="a test bucket: no access logs needed")
    stream = S3DeliveryStream(stack, "Archive", delivery_stream_name="archive", bucket=bucket, prefix="ses/")
    cs = SendingConfigurationSet(stack, "Set", configuration_set_name="marketing")
    cs.add_firehose_destination("archive", delivery_stream=stream)
