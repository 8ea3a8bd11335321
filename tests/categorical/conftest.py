"""Fixtures of the sovai.categorical tests."""

from __future__ import annotations

import pytest

from sovai import categorical as cat


@pytest.fixture(scope="module")
def real_long():
    return cat.load_categorical(long=True)
