"""Checks for CI: scenario files with ``expect:``, the expectations, ``lint`` rules, JUnit
output, the cdk-synth plugin and the pytest plugin.

Nothing here imports ``aws_cdk`` except the cdk-synth plugin (:mod:`ses_metrics.ci.synth_plugin`),
so the pytest plugin stays cheap to load.
"""
