"""Shared pieces of :mod:`sovai.interdependence`: defaults, share-table checks and the share matrix.

This module holds the package's default constants (coalitions, presence threshold, cover share, key
suppliers, full-stack thresholds), the validation of the long country-share table of
:func:`sovai.stack.input_shares` and of the ``inputs``/percentage parameters, country resolution
(:func:`resolve_country`), the countries × inputs :func:`share_matrix` (absent = 0, withheld =
NaN) and the chokepoint ids (:func:`chokepoint_ids`). It computes no presence, exposure, cover or
scenario itself and imports no other submodule of the package: every other submodule builds on it.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from sovai import countries, stack

#: Coalitions used when none are given.
DEFAULT_COALITIONS = ("EU", "G7", "QUAD", "ASEAN", "BRICS")
#: Meaningful share of world supply (percent) for layer presence.
DEFAULT_THRESHOLD = 5.0
#: Joint share of world supply (percent) at which a coalition covers an input.
DEFAULT_COVER_SHARE = 50.0
#: Countries whose exclusion :func:`uncoverable_without` tests by default.
KEY_SUPPLIERS = ("CHN", "USA", "TWN", "NLD", "JPN", "KOR")
#: Thresholds (percent) at which :func:`full_stack_table` reports full-stack presence.
FULL_STACK_THRESHOLDS = (1.0, 2.5, 5.0, 10.0, 20.0)


# --- helpers ------------------------------------------------------------------------------------


def _shares(shares: pd.DataFrame | None) -> pd.DataFrame:
    if shares is None:
        return stack.input_shares()
    missing = [c for c in ("input_id", "layer", "iso3", "share") if c not in shares.columns]
    if missing:
        raise ValueError(f"parameter 'shares': missing column(s) {missing}; found {list(shares.columns)}")
    return shares


def resolve_country(country: str, parameter: str = "country") -> str:
    """ISO3 code of ``country`` (a code or a name); ``ValueError`` naming ``parameter`` otherwise."""
    ref = countries.reference_table()
    code = str(country).strip().upper()
    if code in ref.index:
        return code
    try:
        (resolved,) = countries.to_iso3([country])
    except Exception as exc:
        raise ValueError(f"parameter {parameter!r}: unknown country {country!r} ({exc})") from exc
    if resolved is None:
        raise ValueError(f"parameter {parameter!r}: {country!r} is an aggregate, not a country")
    return resolved


def _check_inputs(shares: pd.DataFrame, inputs: Iterable[str] | None) -> list[str]:
    known = sorted(shares["input_id"].unique())
    if inputs is None:
        return known
    inputs = list(inputs)
    unknown = [i for i in inputs if i not in set(known)]
    if unknown:
        raise ValueError(f"parameter 'inputs': unknown input id(s) {unknown}; known ids include {known[:8]}…")
    return inputs


def _check_share(value: float, parameter: str) -> float:
    if not 0 < float(value) <= 100:
        raise ValueError(f"parameter {parameter!r}: expected a percentage in (0, 100], got {value}")
    return float(value)


def share_matrix(shares: pd.DataFrame | None = None) -> pd.DataFrame:
    """Countries × inputs matrix of shares (percent): absent = 0, **withheld = NaN**.

    Unattributed rows are dropped. Several rows of one country are summed.
    """
    shares = _shares(shares)
    att = shares[shares["iso3"].notna()].copy()
    att["share"] = att["share"].astype("Float64").astype(float)
    mat = att.groupby(["iso3", "input_id"])["share"].sum(min_count=1).unstack("input_id")
    listed = att.assign(one=1.0).groupby(["iso3", "input_id"])["one"].sum().unstack("input_id").notna()
    mat = mat.where(~listed | mat.notna(), np.nan)  # listed with NA only: withheld
    mat = mat.where(listed, 0.0)  # not listed: 0
    return mat.astype(float).sort_index().sort_index(axis=1)


def _meta(shares: pd.DataFrame) -> pd.DataFrame:
    return shares.drop_duplicates("input_id").set_index("input_id")


def chokepoint_ids(
    shares: pd.DataFrame | None = None,
    *,
    hhi_threshold: float = stack.HHI_HIGH,
    min_market_usd: float = stack.MARKET_FLOOR_USD,
    unknown_market: str = "keep",
) -> list[str]:
    """Ids of the chokepoints: HHI ≥ ``hhi_threshold`` and market not below ``min_market_usd``."""
    table = stack.chokepoints(
        _shares(shares), hhi_threshold=hhi_threshold, min_market_usd=min_market_usd, unknown_market=unknown_market
    )
    return sorted(table.loc[table["chokepoint"], "input_id"])
