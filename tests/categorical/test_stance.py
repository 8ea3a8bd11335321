"""Tests for sovai.categorical.stance: the stance rule, the NA policies and their invariants."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sovai import categorical as cat
from tests.categorical.support import inst


@pytest.mark.parametrize(
    ("instruments", "explicit", "expected"),
    [
        (inst(), False, "none"),
        (inst(ai_law=True), False, "selective"),
        (inst(ai_law=True, talent_programme=True, sovereign_cloud=True), True, "selective"),
        (inst(ai_law=True, talent_programme=True, sovereign_cloud=True, data_localisation=True), True, "broad"),
        (inst(public_compute=True, chip_programme=True, national_llm=True, ai_law=True), True, "full_stack"),
        (inst(public_compute=True, chip_programme=True, national_llm=True, ai_law=True), False, "broad"),
        (inst(public_compute=True, chip_programme=True, ai_law=True, talent_programme=True), True, "broad"),
    ],
)
def test_stance_rule(instruments, explicit, expected):
    assert cat.stance_from_instruments(instruments, explicit) == expected
    assert cat.stance_from_instruments(instruments, explicit, na_policy="strict") == expected


def test_stance_na_policies():
    partial = {"ai_law": True, "talent_programme": True}  # 6 instruments missing
    assert cat.stance_from_instruments(partial, None) is None  # default "coded": could be broad
    assert cat.stance_from_instruments(partial, None, na_policy="not_found") == "selective"
    assert cat.stance_from_instruments(partial, None, na_policy="strict") is None
    # strict keeps a stance the missing cells cannot change
    five = inst(ai_law=True, talent_programme=True, sovereign_cloud=True, national_llm=True, public_compute=True)
    five["chip_programme"] = None
    assert cat.stance_from_instruments(five, False, na_policy="strict") == "broad"
    assert cat.stance_from_instruments(five, None, na_policy="strict") is None  # could be full_stack
    frame = pd.DataFrame(
        {
            v: pd.array([pd.NA, True], dtype="boolean")
            for v in cat.contract_variables()
            if v != "national_ai_strategy_year"
        }
    )
    out = cat.derive(frame, na_policy="coded_only")
    assert pd.isna(out["instrument_count"].iloc[0]) and pd.isna(out["stance"].iloc[0])  # nothing coded
    old = cat.derive(frame, na_policy="not_found")
    assert old["instrument_count"].iloc[0] == 0 and old["stance"].iloc[0] == "none"
    default = cat.derive(frame)  # "coded": an uncoded cell is never a 0
    assert pd.isna(default["instrument_count"].iloc[0]) and pd.isna(default["stance"].iloc[0])
    assert default["n_instruments_coded"].tolist() == [0, 8] and default["instrument_count"].iloc[1] == 8
    assert out["instrument_count"].iloc[1] == 8 and out["stance"].iloc[1] == "full_stack"
    with pytest.raises(ValueError, match="na_policy"):
        cat.derive(frame, na_policy="lenient")


_cell = st.sampled_from([True, False, None])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(*[_cell] * 9), min_size=1, max_size=12))
def test_stance_invariants(rows):
    cols = [*cat.instrument_variables(), "explicit_sovereignty"]
    frame = pd.DataFrame(rows, columns=cols).astype("boolean")
    loose = cat.derive(frame, na_policy="not_found")
    strict = cat.derive(frame, na_policy="strict")
    coded = cat.derive(frame)  # default: missing never counted as 0
    n = frame[cat.instrument_variables()].notna().sum(axis=1)
    assert (coded["n_instruments_coded"] == n).all()
    assert coded.loc[n == 0, "instrument_count"].isna().all()
    assert (coded.loc[n > 0, "instrument_count"] == loose.loc[n > 0, "instrument_count"]).all()
    same = coded["stance"].astype(object).fillna("NA") == strict["stance"].astype(object).fillna("NA")
    assert same.all()
    count = loose["instrument_count"]
    assert count.between(0, 8).all()
    stance = loose["stance"].astype(str)
    assert ((count == 0) == (stance == "none")).all()
    assert ((count.between(1, 3)) == (stance == "selective")).all()
    full = stance == "full_stack"
    assert frame.loc[full, [*cat.FULL_STACK_REQUIRES, "explicit_sovereignty"]].fillna(False).all(axis=None)
    known = strict["stance"].notna()
    assert (strict.loc[known, "stance"] == loose.loc[known, "stance"]).all()
    complete = frame[cat.instrument_variables()].notna().all(axis=1)
    assert (strict.loc[complete, "instrument_count"] == count[complete]).all()
    assert strict.loc[~complete, "instrument_count"].isna().all()
