"""Summaries of loaded codings: coverage, citation shares, evidence grades, source quality classes.

Holds :func:`coverage` (per variable, optionally per country group), :func:`citation_share`
(values with a source URL and an access date), :func:`evidence_shares` and
:func:`source_quality_shares`; each takes a frame from :func:`~sovai.categorical.loader.load_categorical`
(default: our codings). It loads, validates and compares nothing itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sovai.categorical.loader import load_categorical
from sovai.categorical.schema import EVIDENCE_GRADES, contract_variables, derived_variables
from sovai.categorical.sources import QUALITY_CLASSES, source_class, source_quality

#: Short names accepted by :func:`coverage` ``by=``.
BY_ALIASES = {"region": "un_region", "subregion": "un_subregion", "income": "wb_income", "wb": "wb_region"}


# --------------------------------------------------------------------------- coverage, citations
def coverage(data: pd.DataFrame | None = None, *, by: str | None = None) -> pd.DataFrame:
    """Coverage per variable: share of the target countries with a value, n true / n false.

    Parameters
    ----------
    data
        Wide frame from :func:`load_categorical` (default: our codings).
    by
        Optional column of :func:`sovai.countries.reference_table` (e.g. ``"un_region"``,
        ``"wb_income"``): coverage per group × variable instead.

    Returns
    -------
    pandas.DataFrame
        Columns ``variable, n_countries, n_coded, share_coded, n_true, n_false`` (``n_true``/
        ``n_false`` NA for non-boolean variables), plus the group column when ``by`` is given.
    """
    from sovai.countries import reference_table

    wide = load_categorical() if data is None else data
    variables = [v for v in [*contract_variables(), *derived_variables()] if v in wide.columns]
    if by is not None:
        by = BY_ALIASES.get(by, by)
        ref = reference_table()
        if by not in ref.columns:
            raise ValueError(
                f"parameter 'by': {by!r} is not a column of the country reference table {list(ref.columns)}"
            )
        groups = ref[by].reindex(wide.index).fillna("(none)")
        parts = []
        for g, idx in groups.groupby(groups).groups.items():
            part = coverage(wide.loc[idx], by=None)
            part.insert(0, by, g)
            parts.append(part)
        return pd.concat(parts, ignore_index=True)
    rows = []
    for var in variables:
        col = wide[var]
        is_bool = str(col.dtype) == "boolean"
        rows.append(
            {
                "variable": var,
                "n_countries": len(col),
                "n_coded": int(col.notna().sum()),
                "share_coded": float(col.notna().mean()) if len(col) else np.nan,
                "n_true": int(col.fillna(False).astype(bool).sum()) if is_bool else pd.NA,
                "n_false": int((~col.fillna(True).astype(bool)).sum()) if is_bool else pd.NA,
            }
        )
    out = pd.DataFrame(rows)
    out["n_true"] = out["n_true"].astype("Int64")
    out["n_false"] = out["n_false"].astype("Int64")
    return out


def citation_share(long_df: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per variable: coded values, and the share with a source URL and with an access date."""
    df = load_categorical(long=True) if long_df is None else long_df
    df = df[df["value"].notna()]
    has_url = df["source_url"].fillna("").str.strip().str.match(r"^https?://")
    has_date = df["accessed"].fillna("").str.strip().str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    out = (
        pd.DataFrame({"variable": df["variable"], "url": has_url.astype(bool), "date": has_date.astype(bool)})
        .groupby("variable", sort=True)
        .agg(n_values=("url", "size"), share_with_url=("url", "mean"), share_with_accessed=("date", "mean"))
        .reset_index()
    )
    total = pd.DataFrame(
        [
            {
                "variable": "(all)",
                "n_values": len(df),
                "share_with_url": has_url.mean() if len(df) else np.nan,
                "share_with_accessed": has_date.mean() if len(df) else np.nan,
            }
        ]
    )
    return pd.concat([out, total], ignore_index=True)


def source_quality_shares(long_df: pd.DataFrame | None = None) -> pd.DataFrame:
    """Share of coded values per source quality class: ``quality_class, n_values, share``.

    Classes in :data:`QUALITY_CLASSES` order, then ``derived_dataset`` (derived layer rows, if
    the frame has an ``origin`` column) and ``unclassified``.
    """
    df = load_categorical(long=True) if long_df is None else long_df
    df = df[df["value"].notna()]
    table = source_quality()
    cls = df["source_url"].map(lambda u: source_class(u, table)).fillna("unclassified")
    if "origin" in df.columns:
        cls = cls.where(df["origin"].fillna("hand") != "derived", "derived_dataset")
    order = [*QUALITY_CLASSES, "derived_dataset", "unclassified"]
    counts = cls.value_counts().reindex(order, fill_value=0)
    out = pd.DataFrame({"quality_class": order, "n_values": counts.to_numpy()})
    out["share"] = out["n_values"] / max(len(df), 1)
    return out


def evidence_shares(long_df: pd.DataFrame | None = None) -> pd.DataFrame:
    """Distribution of evidence grades over coded values: ``evidence, n_values, share`` (NA = ``(not graded)``)."""
    df = load_categorical(long=True) if long_df is None else long_df
    df = df[df["value"].notna()]
    ev = (
        df["evidence"].fillna("").replace("", "(not graded)")
        if "evidence" in df.columns
        else pd.Series("(not graded)", index=df.index)
    )
    order = [*EVIDENCE_GRADES, "(not graded)"]
    counts = ev.value_counts().reindex(order, fill_value=0)
    out = pd.DataFrame({"evidence": order, "n_values": counts.to_numpy()})
    out["share"] = out["n_values"] / max(len(df), 1)
    return out
