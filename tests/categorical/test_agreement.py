"""Tests for sovai.categorical.agreement: Cohen's kappa and compare_categorical."""

from __future__ import annotations

import pandas as pd
import pytest

from sovai import categorical as cat
from tests.categorical.support import HEADER, URL, good_rows, write


def test_cohen_kappa_hand_example():
    # 2x2 table: both true 4, a-only 1, b-only 1, both false 4 -> po 0.8, pe 0.5, kappa 0.6
    a = [True] * 5 + [False] * 5
    b = [True] * 4 + [False] + [True] + [False] * 4
    assert cat.cohen_kappa(a, b) == pytest.approx(0.6)
    assert cat.cohen_kappa(a, a) == pytest.approx(1.0)
    assert pd.isna(cat.cohen_kappa([True, True], [True, True]))


def test_compare_categorical():
    idx = pd.Index(["AAA", "BBB", "CCC", "DDD", "EEE"], name="iso3")
    a = pd.DataFrame({"ai_law": pd.array([True, True, False, False, None], dtype="boolean")}, index=idx)
    b = pd.DataFrame({"ai_law": pd.array([True, False, False, None, True], dtype="boolean")}, index=idx)
    res = cat.compare_categorical(a, b)
    row = res.summary.set_index("variable").loc["ai_law"]
    assert row["n_both"] == 3 and row["n_agree"] == 2 and row["agreement"] == pytest.approx(2 / 3)
    assert row["n_only_a"] == 1 and row["n_only_b"] == 1
    # kappa by hand: po=2/3; pa(T)=2/3, pb(T)=1/3 -> pe = 2/9 + 2/9 = 4/9 -> (2/3-4/9)/(5/9) = 0.4
    assert row["kappa"] == pytest.approx(0.4)
    assert res.disagreements.to_dict("records") == [{"iso3": "BBB", "variable": "ai_law", "a": "True", "b": "False"}]
    with pytest.raises(ValueError, match="variables"):
        cat.compare_categorical(a, b, variables=["national_llm"])


def test_compare_files(tmp_path):
    a = write(tmp_path, HEADER + good_rows(), "a.csv")
    b = write(tmp_path, HEADER + good_rows().replace("FRA,public_compute,yes", "FRA,public_compute,no"), "b.csv")
    res = cat.compare_categorical(a, b)
    assert res.disagreements.to_dict("records") == [
        {"iso3": "FRA", "variable": "instrument_count", "a": "1", "b": "0"},
        {"iso3": "FRA", "variable": "public_compute", "a": "True", "b": "False"},
    ]  # the stance is NA in both: 7 of 8 instruments are not coded, so it is undetermined
    summ = res.summary.set_index("variable")
    ours = cat.compare_categorical(a)  # against our codings
    assert set(ours.summary["variable"]) >= set(cat.contract_variables())
    assert summ.loc["ai_law", "agreement"] == 1.0 and summ.loc["public_compute", "n_both"] >= 1


def test_compare_derived_only_where_instruments_coded(tmp_path):
    only_strategy = write(tmp_path, HEADER + f"FRA,national_ai_strategy,true,{URL},,,\n", "s.csv")
    res = cat.compare_categorical(only_strategy)
    summ = res.summary.set_index("variable")
    assert summ.loc["instrument_count", "n_both"] == 0 and summ.loc["stance", "n_both"] == 0
    assert set(res.disagreements["variable"]) <= {"national_ai_strategy"}
