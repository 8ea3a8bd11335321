"""Concentration arithmetic on country shares given in percent: :func:`hhi`, :func:`top_k_share`
and :func:`concentration` (the statistics of one input from its ``iso3, share`` rows: HHI and its
upper bound, leaders, counts of countries, withheld values, unattributed remainder and share
status), with the thresholds :data:`HHI_HIGH` and :data:`SIGNIFICANT_SHARE`. It works on the
numbers it is given: it reads no file, builds no input and knows nothing of market sizes or of the
chokepoint rule (:mod:`sovai.stack.tables`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from sovai import framework

#: Default HHI bound for "highly concentrated" (2010 US Horizontal Merger Guidelines).
HHI_HIGH = 2500.0
#: Share (percent) above which a country counts as a significant supplier.
SIGNIFICANT_SHARE = 5.0


def _as_shares(shares: Iterable[float] | pd.Series, parameter: str = "shares") -> np.ndarray:
    arr = pd.to_numeric(pd.Series(list(shares) if not isinstance(shares, pd.Series) else shares), errors="coerce")
    arr = arr.dropna().to_numpy(dtype=float)
    if (arr < 0).any():
        raise ValueError(f"parameter {parameter!r}: shares must be non-negative, found {arr[arr < 0].tolist()}")
    return arr


def hhi(shares: Iterable[float] | pd.Series) -> float:
    """Herfindahl–Hirschman index of shares given **in percent**: Σ sᵢ² (0–10,000).

    Missing values are ignored; negative shares raise ``ValueError``. Shares are not rescaled: if
    they add up to less than 100 the result is the lower bound with the rest fully fragmented.

    Examples
    --------
    >>> hhi([50, 50])
    5000.0
    >>> hhi([100])
    10000.0
    """
    arr = _as_shares(shares)
    return float(np.sum(arr**2))


def top_k_share(shares: Iterable[float] | pd.Series, k: int) -> float:
    """Sum of the ``k`` largest shares (percent)."""
    if k < 1:
        raise ValueError(f"parameter 'k': must be >= 1, got {k}")
    arr = np.sort(_as_shares(shares))[::-1]
    return float(arr[:k].sum())


def _isna(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def concentration(frame: pd.DataFrame, *, significant: float = SIGNIFICANT_SHARE) -> dict[str, object]:
    """Concentration statistics of one input from its rows ``iso3, share`` (percent).

    Rows with ``iso3`` NA are the unattributed remainder; rows with ``share`` NA are countries whose
    value the source withholds (counted in ``n_withheld``, not as 0). Several rows for one country are
    summed. Ties in the ranking are broken alphabetically by ISO3 (deterministic).
    """
    for col in ("iso3", "share"):
        if col not in frame.columns:
            raise ValueError(f"concentration(): missing column {col!r}; found {list(frame.columns)}")
    sums: dict[str, float] = {}
    withheld: set[str] = set()
    unattributed = 0.0
    n_rows = 0
    for code, value in zip(frame["iso3"].tolist(), frame["share"].tolist(), strict=True):
        if _isna(value):
            if not _isna(code):
                withheld.add(str(code))
            continue
        value = float(value)
        if value < 0:
            raise ValueError(f"concentration(): negative share {value} for {code!r}")
        n_rows += 1
        if _isna(code):
            unattributed += value
        else:
            sums[str(code)] = sums.get(str(code), 0.0) + value
    attributed = {k: v for k, v in sums.items() if v > 0}
    ranked = sorted(attributed.items(), key=lambda kv: (-float(kv[1]), str(kv[0])))
    total = math.fsum(attributed.values()) + unattributed if n_rows else None
    h = hhi(list(attributed.values()))
    return {
        "hhi": round(h, 6),
        "hhi_upper": round(h + unattributed**2, 6),
        "top1_iso3": ranked[0][0] if ranked else pd.NA,
        "top1_share": float(ranked[0][1]) if ranked else pd.NA,
        "top2_iso3": ranked[1][0] if len(ranked) > 1 else pd.NA,
        "top3_share": float(sum(v for _, v in ranked[:3])) if ranked else pd.NA,
        "n_countries": len(ranked),
        "n_above_5pct": int(sum(float(v) > significant for _, v in ranked)),
        "n_withheld": len(withheld - set(attributed)),
        "unattributed_share": round(unattributed, 6),
        "total_share": round(total, 6) if total is not None else pd.NA,
        "share_status": framework.share_status(total),
    }
