"""Fixtures of the driver tests: the Agg backend, and the real model data read once."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from sovai import drivers as d  # noqa: E402


@pytest.fixture(scope="session")
def real():
    return d.model_data()
