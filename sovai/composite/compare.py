"""Comparison of a ranking with another country index (rank correlations, largest differences)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sovai.composite.config import CompositeResult, _check_choice
from sovai.composite.steps import rank_rows


@dataclass
class Comparison:
    """What :func:`compare` returns: ``stats`` (Spearman and Kendall with confidence interval),
    ``differences`` (countries ordered by absolute rank difference) and ``n`` (countries in both)."""

    stats: pd.DataFrame
    differences: pd.DataFrame
    n: int
    method: str


def _scores_from(ranks) -> pd.Series:
    if isinstance(ranks, CompositeResult):
        return ranks.overall["score"]
    if isinstance(ranks, pd.Series):
        return ranks.astype(float)
    if isinstance(ranks, pd.DataFrame):
        df = ranks
        if "iso3" in df.columns:
            df = df.set_index("iso3")
        if "score" in df.columns:
            return df["score"].astype(float)
        if "rank" in df.columns:
            return -df["rank"].astype(float)
    raise ValueError(
        "parameter 'ranks': expected a CompositeResult, a Series of scores by ISO3, or a frame with iso3 and score/rank"
    )


def _read_other(other, country_column, score_column) -> pd.DataFrame:
    if isinstance(other, (str, Path)):
        from sovai.sources._common import read_csv

        path = Path(other)
        if not path.exists():
            raise ValueError(f"parameter 'other': file {str(path)!r} does not exist")
        df = read_csv(path, keep_default_na=False, na_values=[""])
    elif isinstance(other, pd.DataFrame):
        df = other.copy()
    else:
        raise ValueError(f"parameter 'other': expected a CSV path or a DataFrame, got {type(other).__name__}")
    if country_column is None:
        cands = [
            c
            for c in df.columns
            if str(c).lower() in ("iso3", "iso", "code", "country_code", "country", "name", "country_name", "economy")
        ]
        if not cands:
            raise ValueError(
                f"parameter 'other': no country column found among {list(df.columns)}; pass country_column="
            )
        country_column = cands[0]
    elif country_column not in df.columns:
        raise ValueError(f"parameter 'country_column': {country_column!r} not in {list(df.columns)}")
    if score_column is None:
        num = [c for c in df.columns if c != country_column and pd.api.types.is_numeric_dtype(df[c])]
        pref = [c for c in num if str(c).lower() in ("score", "value", "index")]
        if pref:
            score_column = pref[0]
        elif len(num) == 1:
            score_column = num[0]
        else:
            raise ValueError(f"parameter 'other': cannot tell the score column among {num}; pass score_column=")
    elif score_column not in df.columns:
        raise ValueError(f"parameter 'score_column': {score_column!r} not in {list(df.columns)}")
    return pd.DataFrame(
        {"country": df[country_column].astype(str), "score": pd.to_numeric(df[score_column], errors="coerce")}
    )


def compare(
    ranks,
    other,
    *,
    country_column: str | None = None,
    score_column: str | None = None,
    higher_is_better: bool = True,
    method: str = "fisher",
    n_boot: int = 2000,
    level: float = 0.90,
    seed: int = 42,
    top: int = 10,
) -> Comparison:
    """Compare the ranking with any other country index.

    Parameters
    ----------
    ranks
        A :class:`CompositeResult`, a Series of scores indexed by ISO3, or a frame with ``iso3``
        and ``score`` (or ``rank``).
    other
        A CSV path or a frame with a country column (names or ISO3, harmonised with
        :func:`sovai.countries.to_iso3`) and a score column.
    country_column, score_column
        Column names in ``other`` (default: guessed; an ambiguity is an error).
    higher_is_better
        Direction of ``other``'s score (``False`` for a rank column).
    method
        Confidence intervals: ``"fisher"`` (Fisher z; Bonett–Wright s.e. for Spearman, Fieller
        for Kendall) or ``"bootstrap"`` (percentile bootstrap over countries, seeded).
    n_boot, level, seed
        Bootstrap resamples, confidence level, seed.
    top
        Countries listed in ``differences`` (all if 0).
    """
    from scipy import stats

    from sovai.countries import to_iso3
    from sovai.errors import UnknownCountryError

    _check_choice("method", method, ("fisher", "bootstrap"))
    if not 0 < level < 1:
        raise ValueError(f"parameter 'level': expected a probability in (0, 1), got {level!r}")
    ours = _scores_from(ranks)
    oth = _read_other(other, country_column, score_column)
    try:
        oth["iso3"] = to_iso3(oth["country"].tolist())
    except UnknownCountryError as exc:
        raise ValueError(f"parameter 'other': {exc}") from exc
    oth = oth.dropna(subset=["iso3", "score"])
    dup = oth["iso3"][oth["iso3"].duplicated()]
    if len(dup):
        raise ValueError(f"parameter 'other': several rows for the same country: {sorted(set(dup))}")
    if not higher_is_better:
        oth["score"] = -oth["score"]
    both = (
        pd.DataFrame({"iso3": ours.index.astype(str), "ours": ours.to_numpy(dtype=float)})
        .dropna()
        .merge(oth[["iso3", "country", "score"]], on="iso3", how="inner", validate="1:1")
    )
    n = len(both)
    if n < 5:
        raise ValueError(f"parameter 'other': only {n} countries in common with the ranking; need at least 5")
    x, y = both["ours"].to_numpy(), both["score"].to_numpy()
    rho = stats.spearmanr(x, y).statistic
    tau = stats.kendalltau(x, y).statistic
    z = stats.norm.ppf(0.5 + level / 2)
    rows = []
    if method == "fisher":
        se_s = math.sqrt((1 + rho**2 / 2) / (n - 3)) if n > 3 else math.nan
        se_k = math.sqrt(0.437 / (n - 4)) if n > 4 else math.nan
        for name, r, se in (("spearman", rho, se_s), ("kendall", tau, se_k)):
            zr = math.atanh(max(min(r, 0.999999), -0.999999))
            rows.append(
                {"statistic": name, "estimate": r, "ci_low": math.tanh(zr - z * se), "ci_high": math.tanh(zr + z * se)}
            )
    else:
        rng = np.random.default_rng(seed)
        bs, bk = [], []
        for _ in range(n_boot):
            i = rng.integers(0, n, size=n)
            bs.append(stats.spearmanr(x[i], y[i]).statistic)
            bk.append(stats.kendalltau(x[i], y[i]).statistic)
        a = (1 - level) / 2 * 100
        for name, r, b in (("spearman", rho, bs), ("kendall", tau, bk)):
            b = np.asarray(b, dtype=float)
            rows.append(
                {
                    "statistic": name,
                    "estimate": r,
                    "ci_low": np.nanpercentile(b, a),
                    "ci_high": np.nanpercentile(b, 100 - a),
                }
            )
    st = pd.DataFrame(rows)
    st["n"] = n
    st["level"] = level
    st["method"] = method
    both["rank_ours"] = rank_rows(x)[0]
    both["rank_other"] = rank_rows(y)[0]
    both["rank_diff"] = both["rank_other"] - both["rank_ours"]
    both["abs_diff"] = both["rank_diff"].abs()
    diffs = both.sort_values(["abs_diff", "iso3"], ascending=[False, True], kind="mergesort")
    diffs = diffs.rename(columns={"ours": "score_ours", "score": "score_other", "country": "country_other"})
    diffs = diffs[["iso3", "country_other", "score_ours", "score_other", "rank_ours", "rank_other", "rank_diff"]]
    if top:
        diffs = diffs.head(top)
    return Comparison(stats=st, differences=diffs.reset_index(drop=True), n=n, method=method)
