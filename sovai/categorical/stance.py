"""The derived variables of the wide frame: ``instrument_count``, ``n_instruments_coded``, ``stance``.

Holds the stance categories and the full-stack rule, the NA policies (:data:`NA_POLICIES`,
default ``"coded"``: an uncoded cell is never counted as 0), :func:`derive` (adds the three
derived columns to a wide frame) and :func:`stance_from_instruments` (the stance of one country).
It reads no file and builds no wide frame: :func:`~sovai.categorical.loader.to_wide` calls
:func:`derive`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sovai.categorical.schema import contract_variables, instrument_variables

#: Ordered categories of the derived stance.
STANCE_CATEGORIES = ["none", "selective", "broad", "full_stack"]
STANCE_DTYPE = pd.CategoricalDtype(STANCE_CATEGORIES, ordered=True)
#: Instruments whose joint presence (with ``explicit_sovereignty``) makes a broad stance full-stack.
FULL_STACK_REQUIRES = ["public_compute", "chip_programme", "national_llm"]
#: NA policies of the derived ``instrument_count``/``stance``; the first is the default.
NA_POLICIES = ("coded", "not_found", "coded_only", "strict")
DEFAULT_NA_POLICY = "coded"


def derive(wide: pd.DataFrame, *, na_policy: str = DEFAULT_NA_POLICY) -> pd.DataFrame:
    """Add ``instrument_count``, ``n_instruments_coded`` and ``stance`` to a wide frame.

    Rule (codebook ``derived``): the count is the number of the 8 instruments coded true; the
    stance is ``none`` (0), ``selective`` (1–3), ``broad`` (≥ 4) and ``full_stack`` when broad AND
    public_compute AND chip_programme AND national_llm AND explicit_sovereignty are true.
    ``n_instruments_coded`` is the number of the 8 instruments coded true or false (any policy).

    NA policy (codebook ``derived``):

    - ``"coded"`` (default): missing stays missing. The count is the number of trues among the
      coded instruments (NA when none is coded; read it with ``n_instruments_coded``); the stance
      is kept only where every way of filling the missing cells gives the same category (as
      ``"strict"``), otherwise NA.
    - ``"not_found"``: a missing cell counts as not found (0); defined for every target country,
      a lower bound that measures research effort where coverage is thin.
    - ``"coded_only"``: as ``"not_found"``, but NA for a country with no coded value in any
      contract variable.
    - ``"strict"``: the count is NA when any instrument is NA; the stance as for ``"coded"``.
    """
    if na_policy not in NA_POLICIES:
        raise ValueError(f"parameter 'na_policy': {na_policy!r} is not one of {NA_POLICIES}")
    instruments = instrument_variables()
    needed = [*instruments, "explicit_sovereignty"]
    missing = [c for c in needed if c not in wide.columns]
    if missing:
        raise ValueError(f"wide frame lacks column(s) {missing} needed to derive instrument_count and stance")
    out = wide.copy()
    inst = out[instruments].astype("boolean")
    low = inst.fillna(False).astype(bool)
    high = inst.fillna(True).astype(bool)
    expl = out["explicit_sovereignty"].astype("boolean")
    stance_low = _stance(low.sum(axis=1), low[FULL_STACK_REQUIRES].all(axis=1) & expl.fillna(False).astype(bool))
    stance_high = _stance(high.sum(axis=1), high[FULL_STACK_REQUIRES].all(axis=1) & expl.fillna(True).astype(bool))
    determinate = stance_low.where(stance_low == stance_high)
    count = low.sum(axis=1).astype("Int64")
    n_coded = inst.notna().sum(axis=1).astype("Int64")
    if na_policy == "coded":
        count = count.mask(n_coded == 0)
        stance = determinate
    elif na_policy == "not_found":
        stance = stance_low
    elif na_policy == "coded_only":
        coded = [c for c in contract_variables() if c in out.columns]
        nothing = out[coded].isna().all(axis=1)
        count = count.mask(nothing)
        stance = stance_low.mask(nothing)
    else:
        count = count.mask(inst.isna().any(axis=1))
        stance = determinate
    out["instrument_count"] = count.astype("Int64")
    out["n_instruments_coded"] = n_coded
    out["stance"] = pd.Categorical(stance, dtype=STANCE_DTYPE)
    return out


def _stance(count: pd.Series, full: pd.Series) -> pd.Series:
    cat = np.select([count == 0, count <= 3, full], ["none", "selective", "full_stack"], default="broad")
    return pd.Series(cat, index=count.index, dtype="object")


def stance_from_instruments(
    instruments: dict[str, bool | None], explicit_sovereignty: bool | None, *, na_policy: str = DEFAULT_NA_POLICY
) -> str | None:
    """The stance for one country given its instruments (convenience for documentation and tests)."""
    cols = {v: [instruments.get(v)] for v in instrument_variables()}
    frame = pd.DataFrame(cols, dtype="boolean")
    frame["explicit_sovereignty"] = pd.array([explicit_sovereignty], dtype="boolean")
    value = derive(frame, na_policy=na_policy)["stance"].iloc[0]
    return None if pd.isna(value) else str(value)
