"""CloudFormation's limits on the stacks a CDK app deploys (CloudFormation User Guide,
"Understand CloudFormation quotas"; CreateStack API reference)."""

from __future__ import annotations

import re
from typing import Final

MAX_RESOURCES_PER_STACK: Final = 500
# A stack name: a letter, then letters, digits and hyphens; at most 128 characters.
STACK_NAME_RE: Final = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
MAX_STACK_NAME_LENGTH: Final = 128
