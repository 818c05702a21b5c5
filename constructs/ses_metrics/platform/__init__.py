"""The platform app: ``ses-metrics.yaml`` (schema, loader and cross checks), the stacks it
becomes (:class:`PlatformStack`) and :func:`build_app`.

``PlatformStack`` and ``build_app`` load ``aws_cdk`` on first use; reading and validating a
config does not.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "PlatformStack": "ses_metrics.platform.stack",
    "build_app": "ses_metrics.platform.app",
    "ConfigError": "ses_metrics.platform.config",
    "load_config": "ses_metrics.platform.config",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'ses_metrics.platform' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
