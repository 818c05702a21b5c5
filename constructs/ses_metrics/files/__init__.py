"""Files ses-metrics reads and writes, within limits: ``documents`` (YAML and JSON, refused
over a size, nesting or alias limit) and ``output`` (files written only where they were
told to go). Imports nothing else of ses_metrics: every layer may use it."""
