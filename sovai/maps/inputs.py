"""Input handling: the caller's frame turned into one Series of values indexed by ISO3
(:func:`_as_series`, one row per country, codes normalised and checked), and the panels of
:func:`~sovai.maps.small_multiples` from a long or a wide frame (:func:`_panel_series`). It does
not classify, resolve regions or draw.
"""

from __future__ import annotations

import warnings

import pandas as pd


def _as_series(frame: pd.DataFrame | pd.Series, column: str | None) -> pd.Series:
    if isinstance(frame, pd.Series):
        s = frame
    else:
        if column is None:
            raise ValueError("parameter 'column': required when a DataFrame is given")
        if column not in frame.columns:
            raise ValueError(f"parameter 'column': {column!r} is not a column; columns are {list(frame.columns)}")
        if "iso3" in frame.columns:
            s = frame.set_index("iso3")[column]
        else:
            s = frame[column]
    idx = pd.Index(s.index.astype("string").str.strip().str.upper(), name="iso3")
    s = pd.Series(s.to_numpy(), index=idx, name=column or s.name, dtype=s.dtype)
    if idx.isna().any():
        raise ValueError(f"{int(idx.isna().sum())} row(s) have no iso3 code; every row must name a country")
    dup = idx[idx.duplicated()].unique().tolist()
    if dup:
        raise ValueError(f"iso3 must be unique (one row per country); duplicated: {sorted(dup)}")
    return s


def _panel_series(frame, column, by, panels) -> dict[str, pd.Series]:
    if by is not None:
        if column is None:
            raise ValueError("parameter 'column': the value column is required with 'by'")
        df = frame.reset_index() if "iso3" not in frame.columns else frame
        for col, par in ((by, "by"), (column, "column"), ("iso3", "frame")):
            if col not in df.columns:
                raise ValueError(f"parameter {par!r}: column {col!r} not found; columns are {list(df.columns)}")
        order = list(panels) if panels is not None else list(dict.fromkeys(df[by].astype(str)))
        out = {}
        for name in order:
            sub = df[df[by].astype(str) == str(name)]
            out[str(name)] = _as_series(sub[["iso3", column]], column)
        extra = sorted(set(df[by].astype(str)) - set(map(str, order)))
        if extra:
            warnings.warn(f"parameter 'panels': rows of {by}={extra} are not shown (not in panels)", stacklevel=3)
        return out
    if panels is None:
        raise ValueError("parameter 'panels': name the columns to map (wide form), or give 'by' (long form)")
    return {str(p): _as_series(frame, p) for p in panels}
