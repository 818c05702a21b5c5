"""Build the platform CDK app from a configuration file."""

from __future__ import annotations

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from ses_metrics.ci.synth_plugin import SesMetricsChecks
from ses_metrics.platform.config import load_config
from ses_metrics.platform.stack import PlatformStack

DEFAULT_CONFIG = "ses-metrics.yaml"


def build_app(app: cdk.App | None = None, *, config_path: str | None = None, nag: bool = True, lint: bool = True) -> cdk.App:
    """The app for ``config_path`` (else cdk.json context ``config``, else ses-metrics.yaml):
    one ``PlatformStack`` named ``stack_name``, plus one stack ``<stack_name>-NAME`` per
    ``stack: NAME`` that configuration sets give (see ``PlatformStack``).

    Two policy-validation plugins run inside ``cdk synth`` over every stack of the app:
    cdk-nag's AwsSolutions pack (``nag``) and ses-metrics lint (``lint``; event
    destinations that can never receive events and the other findings of ``ses-metrics
    lint``). An unacknowledged error of either fails the synth. Raises ``ConfigError`` for
    a bad file, or for a stack over CloudFormation's 500 resources.
    """
    app = app or cdk.App()
    path = config_path or app.node.try_get_context("config") or DEFAULT_CONFIG
    config = load_config(path)
    PlatformStack(app, config.stack_name, config=config)
    plugins = ([AwsSolutionsChecks(app)] if nag else []) + ([SesMetricsChecks()] if lint else [])
    if plugins:
        cdk.Validations.of(app).add_plugins(*plugins)
    return app
