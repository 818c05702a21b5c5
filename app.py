#!/usr/bin/env python3
"""The ses-metrics platform app: ``cdk synth`` / ``cdk deploy`` build the stack that the
configuration file declares (cdk.json context ``config``; ``-c config=other.yaml``)."""

import sys

from ses_metrics.platform.app import build_app
from ses_metrics.platform.config import ConfigError

try:
    app = build_app()
except ConfigError as error:
    print(error, file=sys.stderr)
    sys.exit(1)
app.synth()
