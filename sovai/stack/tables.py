"""The chokepoint tables built from the country shares: :func:`chokepoints` (concentration, world
market size and chokepoint status of every input, :data:`CHOKEPOINT_COLUMNS`, with the market
floor :data:`MARKET_FLOOR_USD` and :func:`market_status`), :func:`input_markets` (market size,
year and source of each input), :func:`unattributed_inputs`, :func:`unknown_component_ids` (the
``components.csv`` check) and :func:`top500_trend` (TOP500 share by country on every list). It
does not build shares (:mod:`sovai.stack.shares`) or redo the arithmetic
(:mod:`sovai.stack.arithmetic`), and it does not summarise by layer or stage
(:mod:`sovai.stack.summaries`).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from sovai import framework, registry
from sovai.provenance import cache
from sovai.stack.arithmetic import HHI_HIGH, SIGNIFICANT_SHARE, _isna, concentration
from sovai.stack.declared import declared_inputs
from sovai.stack.shares import input_shares

#: Default market-size floor (US$) below which a concentrated input is a niche, not a chokepoint.
MARKET_FLOOR_USD = 1e9
CHOKEPOINT_COLUMNS = [
    "layer",
    "input_id",
    "input",
    "evidence",
    "hhi",
    "hhi_upper",
    "top1_iso3",
    "top1_share",
    "top2_iso3",
    "top3_share",
    "n_countries",
    "n_above_5pct",
    "n_withheld",
    "unattributed_share",
    "total_share",
    "share_status",
    "highly_concentrated",
    "market_size_usd",
    "market_year",
    "market_status",
    "chokepoint",
    "market_source",
    "source",
    "licence",
    "non_commercial",
    "year",
    "period",
    "basis",
]


def input_markets(input_ids: Iterable[str]) -> pd.DataFrame:
    """World market size of each input: ``input_id, market_size_usd, market_year, market_source``.

    ETO inputs: ETO's stated market and its year. Cited inputs: the fact's market columns. Others:
    ``inputs.csv``. NA where no market size was read (``market_source`` says so).
    """
    specs = declared_inputs().set_index("input_id")
    facts = framework.load_chokepoint_facts().set_index("fact_id")
    eto_sizes = None
    rows = []
    for input_id in sorted(set(input_ids)):
        size, year, source = pd.NA, pd.NA, "no market size read"
        if input_id.startswith("eto:"):
            if eto_sizes is None:
                from sovai.sources import eto

                eto_sizes = eto.load_inputs().set_index("input_id")
            key = input_id.split(":", 1)[1]
            if key in eto_sizes.index and pd.notna(eto_sizes.loc[key, "market_size_usd"]):
                size, year = eto_sizes.loc[key, "market_size_usd"], eto_sizes.loc[key, "market_size_year"]
                source = "ETO Chip Explorer (inputs.csv market size)"
        elif input_id.startswith("cited:"):
            fact = facts.loc[input_id.split(":", 1)[1]]
            if pd.notna(fact["market_size_usd"]):
                size, year, source = fact["market_size_usd"], fact["market_year"], fact["market_source_url"]
        elif input_id in specs.index and pd.notna(specs.loc[input_id, "market_size_usd"]):
            spec = specs.loc[input_id]
            size, year, source = spec["market_size_usd"], spec["market_year"], spec["market_source_url"]
        rows.append({"input_id": input_id, "market_size_usd": size, "market_year": year, "market_source": source})
    out = pd.DataFrame(rows, columns=["input_id", "market_size_usd", "market_year", "market_source"])
    out["market_size_usd"] = out["market_size_usd"].astype("Float64")
    out["market_year"] = out["market_year"].astype("Int64")
    return out


def market_status(size: object, *, min_market_usd: float = MARKET_FLOOR_USD) -> str:
    """``unknown`` (no market size), ``above_floor`` (≥ ``min_market_usd``) or ``below_floor``.

    >>> market_status(2e9), market_status(4e7), market_status(None)
    ('above_floor', 'below_floor', 'unknown')
    """
    if _isna(size) or size is None:
        return "unknown"
    return "above_floor" if float(size) >= min_market_usd else "below_floor"


@cache
def _licence_info(source: str) -> tuple[str, bool]:
    if source == "chokepoint_facts":
        return "cited fact (see chokepoint_facts.csv)", False
    folders = source.split(";")
    atts = [registry.attribution(f) for f in folders]
    licence = "; ".join(
        str(a["licence"]) + (" [licence unclear: flagged]" if a.get("licence_flag") else "") for a in atts
    )
    return licence, any(bool(a["non_commercial"]) for a in atts)


def chokepoints(
    shares: pd.DataFrame | None = None,
    *,
    hhi_threshold: float = HHI_HIGH,
    significant: float = SIGNIFICANT_SHARE,
    min_market_usd: float = MARKET_FLOOR_USD,
    unknown_market: str = "keep",
    **kwargs,
) -> pd.DataFrame:
    """Concentration, market size and chokepoint status of every input.

    Parameters
    ----------
    shares
        Output of :func:`input_shares` (default: computed with ``**kwargs``).
    hhi_threshold
        HHI (0–10,000) at or above which an input is ``highly_concentrated``.
    significant
        Share (percent) counted by ``n_above_5pct``.
    min_market_usd
        Market-size floor (US$): a highly concentrated input with a smaller stated world market is
        not a ``chokepoint`` (0 disables the floor).
    unknown_market
        ``"keep"`` (an input of unknown market size can be a chokepoint) or ``"drop"``.

    Returns
    -------
    DataFrame
        :data:`CHOKEPOINT_COLUMNS`, sorted by ``hhi`` (descending) then ``input_id``. Inputs with no
        share attributed to any country are left out (see :func:`unattributed_inputs`).
    """
    if unknown_market not in ("keep", "drop"):
        raise ValueError(f"parameter 'unknown_market': expected 'keep' or 'drop', got {unknown_market!r}")
    if min_market_usd < 0:
        raise ValueError(f"parameter 'min_market_usd': must be >= 0, got {min_market_usd}")
    if shares is None:
        shares = input_shares(**kwargs)
    if "evidence" not in shares.columns:
        shares = shares.assign(evidence="computed")
    markets = input_markets(shares["input_id"].unique()).set_index("input_id")
    rows = []
    for input_id, grp in shares.groupby("input_id", sort=True):
        first = grp.iloc[0]
        stats = concentration(grp, significant=significant)
        if stats["n_countries"] == 0:
            continue
        licence, nc = _licence_info(str(first["source"]))
        size = markets.loc[input_id, "market_size_usd"]
        status = market_status(size, min_market_usd=min_market_usd) if min_market_usd > 0 else "no_floor"
        high = bool(stats["hhi"] >= hhi_threshold)
        keep_market = status in ("above_floor", "no_floor") or (status == "unknown" and unknown_market == "keep")
        rows.append(
            {
                "layer": first["layer"],
                "input_id": input_id,
                "input": first["input"],
                "evidence": first["evidence"],
                **stats,
                "highly_concentrated": high,
                "market_size_usd": size,
                "market_year": markets.loc[input_id, "market_year"],
                "market_status": status,
                "chokepoint": high and keep_market,
                "market_source": markets.loc[input_id, "market_source"],
                "source": first["source"],
                "licence": licence,
                "non_commercial": nc,
                "year": first["year"],
                "period": first["period"],
                "basis": first["basis"],
            }
        )
    out = pd.DataFrame(rows, columns=CHOKEPOINT_COLUMNS)
    for col in ("hhi", "hhi_upper", "top1_share", "top3_share", "unattributed_share", "total_share", "market_size_usd"):
        out[col] = out[col].astype("Float64").round(6)
    for col in ("n_countries", "n_above_5pct", "n_withheld", "year", "market_year"):
        out[col] = out[col].astype("Int64")
    out = out.sort_values(["hhi", "input_id"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
    return out


def unattributed_inputs(shares: pd.DataFrame | None = None, **kwargs) -> pd.DataFrame:
    """Inputs with no share attributed to a country (ETO "Various countries" only; all withheld).

    They are left out of :func:`chokepoints` (an HHI of 0 would be meaningless) and reported here:
    ``input_id, layer, input, source, unattributed_share, n_withheld``.
    """
    if shares is None:
        shares = input_shares(**kwargs)
    has_country = shares[shares["iso3"].notna() & (shares["share"].fillna(0) > 0)].groupby("input_id").size()
    rest = shares[~shares["input_id"].isin(has_country.index)].copy()
    if "withheld" not in rest.columns:
        rest["withheld"] = False
    out = rest.groupby(["input_id", "layer", "input", "source"], as_index=False).agg(
        unattributed_share=("share", lambda s: float(s.fillna(0).sum())), n_withheld=("withheld", "sum")
    )
    out["n_withheld"] = out["n_withheld"].astype(int)
    return out.sort_values("input_id").reset_index(drop=True)


def unknown_component_ids(shares: pd.DataFrame | None = None) -> list[str]:
    """Ids in ``components.csv`` ``measured_by`` that are neither an input nor a cited fact."""
    shares = input_shares() if shares is None else shares
    known = set(shares["input_id"]) | set(framework.load_chokepoint_facts()["fact_id"])
    ids = [i.strip() for cell in framework.load_components()["measured_by"] for i in cell.split(";") if i.strip()]
    return sorted(set(ids) - known)


def top500_trend(*, top: int = 6) -> pd.DataFrame:
    """TOP500 Rmax share by country on every pinned list (2020–2026): ``list, iso3, share_rmax_pct, systems``.

    The ``top`` countries of the latest list are kept; the rest is summed as ``iso3`` ``"other"``.
    """
    from sovai.sources import top500

    systems = top500.load_systems()
    lists = sorted(set(systems["list"]))
    latest = top500.country_totals(list_date=lists[-1]).sort_values(["share_rmax_pct", "iso3"], ascending=[False, True])
    keep = list(latest["iso3"].head(top))
    rows = []
    for list_date in lists:
        t = top500.country_totals(list_date=list_date).set_index("iso3")
        for code in keep:
            rows.append(
                {
                    "list": list_date,
                    "iso3": code,
                    "share_rmax_pct": float(t["share_rmax_pct"].get(code, 0.0)),
                    "systems": int(t["systems"].get(code, 0)),
                }
            )
        rest = t.drop(index=[c for c in keep if c in t.index])
        rows.append(
            {
                "list": list_date,
                "iso3": "other",
                "share_rmax_pct": float(rest["share_rmax_pct"].sum()),
                "systems": int(rest["systems"].sum()),
            }
        )
    out = pd.DataFrame(rows)
    out["share_rmax_pct"] = out["share_rmax_pct"].round(6)
    return out
