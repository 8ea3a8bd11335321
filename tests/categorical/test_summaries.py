"""Tests for sovai.categorical.summaries: coverage per variable and group, source-quality shares."""

from __future__ import annotations

import pandas as pd
import pytest

from sovai import categorical as cat
from tests.categorical.support import HEADER, good_rows, write


def test_coverage_by_region(tmp_path):
    wide = cat.load_categorical(write(tmp_path, HEADER + good_rows()))
    cov = cat.coverage(wide)
    row = cov.set_index("variable").loc["national_ai_strategy"]
    assert row["n_coded"] == 2 and row["n_true"] == 1 and row["n_false"] == 1
    by = cat.coverage(wide, by="un_region")
    pd.testing.assert_frame_equal(cat.coverage(wide, by="region"), by)
    assert set(by["un_region"]) >= {"Africa", "Europe", "Asia"}
    assert by.groupby("variable")["n_countries"].sum().eq(195).all()
    with pytest.raises(ValueError, match="'by'"):
        cat.coverage(wide, by="continent")


def test_source_quality_shares_sum_to_one(tmp_path):
    long = cat.load_categorical(write(tmp_path, HEADER + good_rows()), long=True)
    shares = cat.source_quality_shares(long)
    assert shares["n_values"].sum() == len(long) and shares["share"].sum() == pytest.approx(1.0)
    assert shares.set_index("quality_class").loc["unclassified", "n_values"] == len(long)  # example.org
