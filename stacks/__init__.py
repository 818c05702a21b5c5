"""The deployable ses-metrics stacks, composed from the ``ses_metrics`` library."""
