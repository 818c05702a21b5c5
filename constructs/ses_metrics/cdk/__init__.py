"""The CDK constructs: configuration sets and their event destinations, dimensions, metrics,
alarms, the dashboard, and the Firehose delivery streams (``delivery/``).

Every construct validates its props with :mod:`ses_metrics.rules` before it creates
anything, so what SES would refuse at deploy fails at synth.
"""
