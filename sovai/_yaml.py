"""YAML parsing with libyaml where PyYAML has it (the codebook: 0.70 s in pure Python, 0.05 s in C).

Measured 2026-12-03: every process that loads the codings parsed the 32 kB codebook in pure Python
(each notebook kernel, test worker and CLI run). ``CSafeLoader`` builds the same objects as
``SafeLoader`` (tests/test_yaml.py compares them on every YAML file the package reads).
"""

from __future__ import annotations

from typing import Any

import yaml

#: The C loader when PyYAML was built with libyaml (the PyPI wheels are), else the Python one.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

YAMLError = yaml.YAMLError


def safe_load(text: str) -> Any:
    """``yaml.safe_load(text)``, with the C loader when available."""
    return yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
