"""Agreement between two codings: Cohen's kappa, Gwet's AC1 and :func:`compare_categorical`.

Holds the two agreement coefficients of label sequences (:func:`cohen_kappa`, :func:`gwet_ac1`),
the :class:`Comparison` result and :func:`compare_categorical` (two codings given as wide frames,
long frames or paths: agreement per variable and the disagreements). It does not load or
validate files itself: paths go through :func:`~sovai.categorical.loader.load_categorical`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sovai.categorical.loader import load_categorical, to_wide
from sovai.categorical.schema import contract_variables, derived_variables, instrument_variables


@dataclass
class Comparison:
    """Result of :func:`compare_categorical`.

    Attributes
    ----------
    summary
        One row per variable: ``n_both`` (countries coded in both), ``n_agree``, ``agreement``
        (share), ``kappa`` (Cohen's), ``n_only_a``, ``n_only_b`` (coded in one coding only).
    disagreements
        ``iso3, variable, a, b`` for every country × variable coded differently in both.
    """

    summary: pd.DataFrame
    disagreements: pd.DataFrame

    def _repr_html_(self) -> str:  # pragma: no cover - notebook display
        return self.summary._repr_html_()


def cohen_kappa(a: Iterable, b: Iterable) -> float:
    """Cohen's kappa of two equally long label sequences (NaN when chance agreement is 1)."""
    a = pd.Series(list(a), dtype="object").astype(str)
    b = pd.Series(list(b), dtype="object").astype(str)
    if len(a) != len(b):
        raise ValueError(f"cohen_kappa: sequences differ in length ({len(a)} vs {len(b)})")
    n = len(a)
    if n == 0:
        return float("nan")
    po = float((a.to_numpy() == b.to_numpy()).mean())
    pa = a.value_counts(normalize=True)
    pb = b.value_counts(normalize=True)
    pe = float(sum(pa.get(k, 0.0) * pb.get(k, 0.0) for k in set(pa.index) | set(pb.index)))
    if pe >= 1.0:
        return float("nan")
    return (po - pe) / (1.0 - pe)


def gwet_ac1(a: Iterable, b: Iterable, *, n_categories: int | None = None) -> float:
    """Gwet's AC1 agreement coefficient of two equally long label sequences.

    Unlike Cohen's kappa it stays defined (and is not deflated) when almost every cell falls in
    one category, which is the case for codings that are mostly ``true``. Chance agreement is
    ``Σ_k π_k (1 − π_k) / (K − 1)`` with ``π_k`` the mean share of category ``k`` over both coders
    and ``K`` the number of categories (default: those observed, at least 2).

    >>> round(gwet_ac1(["t", "t", "t", "f"], ["t", "t", "t", "t"]), 4)
    0.68
    """
    a = pd.Series(list(a), dtype="object").astype(str)
    b = pd.Series(list(b), dtype="object").astype(str)
    if len(a) != len(b):
        raise ValueError(f"gwet_ac1: sequences differ in length ({len(a)} vs {len(b)})")
    if len(a) == 0:
        return float("nan")
    po = float((a.to_numpy() == b.to_numpy()).mean())
    cats = set(a) | set(b)
    k = max(n_categories or len(cats), 2)
    pi = pd.concat([a, b]).value_counts(normalize=True)
    pe = float((pi * (1.0 - pi)).sum()) / (k - 1)
    return (po - pe) / (1.0 - pe)


def _as_wide(x, name: str) -> pd.DataFrame:
    if isinstance(x, str | Path):
        return load_categorical(x)
    if not isinstance(x, pd.DataFrame):
        raise TypeError(f"parameter {name!r}: expected a DataFrame or a path, got {type(x).__name__}")
    if {"variable", "value"} <= set(x.columns):
        return to_wide(x[x["iso3"] != "EUU"])
    return x


def compare_categorical(a, b=None, *, variables: Iterable[str] | None = None) -> Comparison:
    """Compare two codings: agreement and Cohen's kappa per variable, and the disagreements.

    Parameters
    ----------
    a, b
        Wide frames (index iso3), long frames, or paths to coding files (loaded with
        :func:`load_categorical`), e.g. the report's appendix transcribed into the same schema
        and our codings. ``b=None`` compares ``a`` with our codings.
    variables
        Variables to compare (default: every contract and derived variable present in both).

    Returns
    -------
    Comparison
        ``summary`` per variable and ``disagreements`` (countries coded differently). Only
        countries coded (non-missing) in both enter agreement and kappa; the others are counted
        in ``n_only_a`` / ``n_only_b``. The derived ``instrument_count`` and ``stance`` are
        compared only for countries with at least one instrument coded in the coding concerned.
    """
    wa = _as_wide(a, "a")
    wb = load_categorical() if b is None else _as_wide(b, "b")
    allowed = [*contract_variables(), *derived_variables()]
    if variables is None:
        variables = [v for v in allowed if v in wa.columns and v in wb.columns]
    else:
        variables = list(variables)
        bad = [v for v in variables if v not in wa.columns or v not in wb.columns]
        if bad:
            raise ValueError(f"parameter 'variables': {bad} not present in both codings")
    # derived variables are compared only where both codings cover the instruments (at least one
    # instrument coded), otherwise a coding without instrument columns would count as 'none'
    inst = instrument_variables()
    covered = {
        key: (
            w[[c for c in inst if c in w.columns]].notna().any(axis=1)
            if any(c in w.columns for c in inst)
            else pd.Series(False, index=w.index)
        )
        for key, w in (("a", wa), ("b", wb))
    }
    rows, dis = [], []
    for var in variables:
        sa, sb = wa[var], wb[var]
        if var in derived_variables():
            sa = sa.where(covered["a"].reindex(sa.index, fill_value=False))
            sb = sb.where(covered["b"].reindex(sb.index, fill_value=False))
        idx = sa.index.union(sb.index)
        sa, sb = sa.reindex(idx), sb.reindex(idx)
        both = sa.notna() & sb.notna()
        va, vb = sa[both].astype(str), sb[both].astype(str)
        agree = va == vb
        rows.append(
            {
                "variable": var,
                "n_both": int(both.sum()),
                "n_agree": int(agree.sum()),
                "agreement": float(agree.mean()) if both.any() else np.nan,
                "kappa": cohen_kappa(va, vb),
                "ac1": gwet_ac1(va, vb),
                "n_only_a": int((sa.notna() & sb.isna()).sum()),
                "n_only_b": int((sa.isna() & sb.notna()).sum()),
            }
        )
        for iso in va.index[~agree]:
            dis.append({"iso3": iso, "variable": var, "a": va[iso], "b": vb[iso]})
    summary = pd.DataFrame(rows)
    disagreements = pd.DataFrame(dis, columns=["iso3", "variable", "a", "b"])
    disagreements = disagreements.sort_values(["variable", "iso3"], kind="mergesort").reset_index(drop=True)
    return Comparison(summary=summary, disagreements=disagreements)
