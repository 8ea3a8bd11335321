"""The share table (:mod:`sovai.stack.shares`): the ``include=`` source groups."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("SOVAI_DATA_MIRROR", str(Path(__file__).resolve().parents[3] / "shared" / "data" / "raw"))

from sovai import stack  # noqa: E402


def test_input_shares_rejects_unknown_group():
    with pytest.raises(ValueError, match="include"):
        stack.input_shares(include=["eto", "bogus"])
