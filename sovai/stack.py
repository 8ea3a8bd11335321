"""The AI stack (Appendix B reconstruction) and the concentration of its chokepoints.

Framework as data
    The layers, the declared inputs, the components and the cited facts are files under
    ``data/stack/`` read by :mod:`sovai.framework`. Every stack input is **declared** in
    ``inputs.csv`` (:func:`declared_inputs`): its id, layer, the builder that computes its country
    shares (:data:`BUILDERS`), the builder's parameter, the basis of the share, and its world market
    size with year and source where one was read. Two rows declare families: ``eto:*`` (one input
    per ETO input/stage with country shares; market size from ETO) and ``cited:*`` (one input per
    row of ``chokepoint_facts.csv`` with ``as_input = yes``: country shares stated by a cited
    source, labelled ``evidence = "cited"``). :func:`input_shares` fails, naming the file and row,
    when a builder yields an undeclared id or a declared id yields nothing;
    :func:`unknown_component_ids` checks that ``components.csv`` names only real ids.

Country shares of each stack input (:func:`input_shares`)
    One long table :data:`SHARE_COLUMNS`: ``share`` is the country's percentage of world supply,
    ``iso3`` NA for the part the source does not attribute to a country (ETO "Various countries" and
    "Europe", USGS "other countries", Epoch "Multinational", the rest of a cited total). A country the
    source lists but whose value it **withholds** (USGS "W": US gallium, lithium, graphite…) has
    ``share`` NA and ``withheld`` true — it is never read as zero. ``evidence`` is ``computed`` (from a
    mirrored dataset) or ``cited`` (copied from the cited source).

Concentration (:func:`concentration`, :func:`chokepoints`)
    ``hhi`` is the Herfindahl–Hirschman index on shares **in percent**, Σ sᵢ², 0–10,000. The
    unattributed remainder adds nothing (``hhi`` is a lower bound); ``hhi_upper`` counts it as one
    supplier. Shares that do not add to ~100 are *reported* (``total_share``, ``share_status`` by
    :func:`sovai.framework.share_status`), never rescaled. An input is ``highly_concentrated`` when ``hhi`` ≥ ``hhi_threshold`` (default 2,500, the
    2010 US Horizontal Merger Guidelines bound). It is a **chokepoint** when it is also not a small
    market: its world market is at least ``min_market_usd`` (default US$1 bn), or its market size is
    unknown (kept, ``market_status = "unknown"``, unless ``unknown_market="drop"``). Every row
    carries its market size, market year and market source.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from functools import cache

import numpy as np
import pandas as pd

from sovai import framework, paths, registry
from sovai.errors import InputFileError

#: Default HHI bound for "highly concentrated" (2010 US Horizontal Merger Guidelines).
HHI_HIGH = 2500.0
#: Share (percent) above which a country counts as a significant supplier.
SIGNIFICANT_SHARE = 5.0
#: Default market-size floor (US$) below which a concentrated input is a niche, not a chokepoint.
MARKET_FLOOR_USD = 1e9

SHARE_COLUMNS = [
    "input_id",
    "layer",
    "input",
    "source",
    "evidence",
    "year",
    "period",
    "basis",
    "iso3",
    "share",
    "withheld",
]
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
# --- concentration arithmetic -------------------------------------------------------------------


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


# --- declared inputs ----------------------------------------------------------------------------


def declared_inputs() -> pd.DataFrame:
    """The declared stack inputs (:func:`sovai.framework.load_inputs`), each builder checked
    against :data:`BUILDERS`."""
    df = framework.load_inputs()
    unknown = df.index[~df["builder"].isin(BUILDERS)]
    if len(unknown):
        i = int(unknown[0])
        raise InputFileError(
            paths.STACK_DIR / "inputs.csv",
            f"unknown builder {df.loc[i, 'builder']!r}; expected one of {sorted(BUILDERS)}",
            row=i + 1,
            column="builder",
        )
    return df


# --- builders: country shares of each declared input --------------------------------------------


def _frame(
    spec: dict,
    year: int,
    period: str,
    shares: pd.DataFrame,
    *,
    input_id: str | None = None,
    input_name: str | None = None,
    layer: str | None = None,
    evidence: str = "computed",
) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "input_id": input_id or spec["input_id"],
            "layer": layer or spec["layer"],
            "input": input_name or spec["input"],
            "source": spec["source"],
            "evidence": evidence,
            "year": int(year),
            "period": period,
            "basis": spec["basis"],
            "iso3": shares["iso3"].to_numpy(),
            "share": shares["share"].to_numpy(),
            "withheld": shares["withheld"].to_numpy() if "withheld" in shares else False,
        }
    )
    return out


def _pct_of_total(values: pd.Series, iso3: pd.Series) -> pd.DataFrame:
    total = float(values.sum())
    return pd.DataFrame(
        {"iso3": iso3.to_numpy(), "share": (100.0 * values / total).to_numpy() if total > 0 else np.nan}
    )


def _build_eto(spec: dict, ctx: dict) -> list[pd.DataFrame]:
    from sovai.sources import eto

    shares = eto.country_shares()
    inputs = eto.load_inputs().set_index("input_id")
    frames = []
    for input_id, grp in shares.groupby("input_id", sort=True):
        meta = inputs.loc[input_id]
        label = f"{meta['input_name']} (stage)" if meta["kind"] == "stage" else str(meta["input_name"])
        year = int(grp["year"].max())
        frames.append(_frame(spec, year, str(year), grp, input_id=f"eto:{input_id}", input_name=label))
    return frames


def _build_cited(spec: dict, ctx: dict) -> list[pd.DataFrame]:
    facts = framework.load_chokepoint_facts()
    frames = []
    for fact in facts[facts["as_input"] == "yes"].to_dict("records"):
        split = framework.parse_country_shares(fact["country_shares"])
        rows = pd.DataFrame({"iso3": list(split), "share": list(split.values())})
        rest = 100.0 - float(rows["share"].sum())
        if rest > framework.ROUNDING_TOLERANCE / 4:
            rows = pd.concat([rows, pd.DataFrame({"iso3": [pd.NA], "share": [rest]})], ignore_index=True)
        year = int(fact["year"]) if pd.notna(fact["year"]) else 0
        frames.append(
            _frame(
                {**spec, "basis": fact["unit"], "source": "chokepoint_facts"},
                year,
                str(year),
                rows,
                input_id=f"cited:{fact['fact_id']}",
                input_name=f"{fact['input']} [cited]",
                layer=fact["layer"],
                evidence="cited",
            )
        )
    return frames


@cache
def _usgs_table(year: int) -> pd.DataFrame:
    from sovai.sources import usgs

    return usgs.production_shares(year=year, stack_series=True)


def _build_usgs(spec: dict, ctx: dict) -> list[pd.DataFrame]:
    year = ctx["mineral_year"]
    table = _usgs_table(year)
    grp = table[table["series"] == spec["param"]]
    if grp.empty:
        raise InputFileError(paths.STACK_DIR / "inputs.csv", f"USGS series {spec['param']!r} not found", column="param")
    withheld = grp[grp["share"].isna()]
    rows = pd.DataFrame({"iso3": withheld["iso3"], "share": np.nan, "withheld": True})
    if grp["world_total"].notna().any():
        listed = grp[grp["share"].notna()]
        rest = max(0.0, 100.0 - float(listed["share"].sum()))
        rows = pd.concat(
            [
                pd.DataFrame({"iso3": listed["iso3"], "share": listed["share"].astype(float), "withheld": False}),
                rows,
                pd.DataFrame({"iso3": [pd.NA], "share": [rest], "withheld": [False]}),
            ],
            ignore_index=True,
        )
    return [_frame(spec, year, str(year), rows)]


def _build_epoch_hardware(spec: dict, ctx: dict) -> list[pd.DataFrame]:
    from sovai.sources import epoch

    since = ctx["since"]
    hw = epoch.load_ml_hardware()
    hw = hw[(hw["release_date"].dt.year >= since) & hw["manufacturer_iso3"].notna()]
    counts = hw.groupby("manufacturer_iso3").size().astype(float)
    last = int(hw["release_date"].dt.year.max())
    return [_frame(spec, last, f"{since}-{last}", _pct_of_total(counts, pd.Series(counts.index)))]


def _build_epoch_clusters(spec: dict, ctx: dict) -> list[pd.DataFrame]:
    from sovai.sources import epoch

    cap = epoch.load_gpu_capacity()
    year = int(cap["year"].max())
    return [_frame(spec, year, f"snapshot {year}", _pct_of_total(cap["value"].astype(float), cap["iso3"]))]


def _build_top500(spec: dict, ctx: dict) -> list[pd.DataFrame]:
    from sovai.sources import top500

    totals = top500.country_totals()
    list_date = str(totals["list"].iloc[0])
    rows = pd.DataFrame({"iso3": totals["iso3"], "share": totals["share_rmax_pct"].astype(float)})
    return [_frame(spec, int(list_date[:4]), f"list {list_date}", rows)]


def cloud_regions() -> pd.DataFrame:
    """Cloud regions of every provider in the mirror (17), one row per region.

    Delegates to :func:`sovai.sources.cloud_all.regions` (the one join of the two cloud feeds used
    by the rankings too): TeleGeography (Jan 2025, in service) for AWS, Azure, Google, Oracle, IBM,
    Alibaba, Huawei and Tencent; the January 2026 list for the ten providers TeleGeography lacks.
    """
    from sovai.sources import cloud_all

    return cloud_all.regions()


def _build_cloud(column: str) -> Callable[[dict, dict], list[pd.DataFrame]]:
    def build(spec: dict, ctx: dict) -> list[pd.DataFrame]:
        counts = cloud_regions().groupby(column).size().astype(float)
        period = "snapshot 2025 (TeleGeography, Jan 2025) + 2026 list (Jan 2026)"
        return [_frame(spec, 2025, period, _pct_of_total(counts, pd.Series(counts.index)))]

    return build


def _build_epoch_models(spec: dict, ctx: dict) -> list[pd.DataFrame]:
    from sovai.sources import epoch

    since = ctx["since"]
    long = epoch.load_models(spec["param"])
    long = long[long["year"] >= since]
    last = int(long["year"].max())
    by = long.assign(key=long["iso3"].fillna("__unattributed__")).groupby("key")["weight"].sum().astype(float)
    iso = pd.Series([pd.NA if k == "__unattributed__" else k for k in by.index], dtype="string")
    return [_frame(spec, last, f"{since}-{last}", _pct_of_total(by, iso))]


def _latest_good_year(df: pd.DataFrame, coverage: float = 0.9) -> int:
    counts = df.groupby("year")["iso3"].nunique()
    good = counts[counts >= coverage * counts.max()]
    return int(good.index.max())


def _build_owid(kind: str) -> Callable[[dict, dict], list[pd.DataFrame]]:
    def build(spec: dict, ctx: dict) -> list[pd.DataFrame]:
        from sovai.sources import owid

        if kind == "electricity":
            data = owid.load_electricity()
            data = data[data["indicator"] == "electricity_generation_twh"]
        else:
            data = owid.load_ai_publications()
        y = _latest_good_year(data)
        d = data[data["year"] == y]
        return [_frame(spec, y, str(y), _pct_of_total(d["value"].astype(float), d["iso3"]))]

    return build


#: Builder name (``inputs.csv`` column ``builder``) → function(spec row, context) → share frames.
BUILDERS: dict[str, Callable[[dict, dict], list[pd.DataFrame]]] = {
    "eto": _build_eto,
    "cited": _build_cited,
    "usgs": _build_usgs,
    "epoch_hardware": _build_epoch_hardware,
    "epoch_clusters": _build_epoch_clusters,
    "top500_rmax": _build_top500,
    "cloud_provider_home": _build_cloud("provider_home_iso3"),
    "cloud_host": _build_cloud("iso3"),
    "epoch_models": _build_epoch_models,
    "owid_electricity": _build_owid("electricity"),
    "owid_ai_publications": _build_owid("publications"),
}

#: Source groups of :func:`input_shares` (``include=`` selects some) → builders they run.
SOURCE_GROUPS: dict[str, tuple[str, ...]] = {
    "eto": ("eto",),
    "hardware": ("epoch_hardware",),
    "clusters": ("epoch_clusters",),
    "top500": ("top500_rmax",),
    "cloud": ("cloud_provider_home", "cloud_host"),
    "models": ("epoch_models",),
    "owid": ("owid_electricity", "owid_ai_publications"),
    "minerals": ("usgs",),
    "cited": ("cited",),
}


def _check_declared(frames: list[pd.DataFrame], specs: pd.DataFrame) -> None:
    path = paths.STACK_DIR / "inputs.csv"
    produced = {str(f["input_id"].iloc[0]) for f in frames}
    explicit = {r["input_id"]: i for i, r in specs.iterrows() if not r["input_id"].endswith(":*")}
    families = [r["input_id"][:-1] for _, r in specs.iterrows() if r["input_id"].endswith(":*")]
    undeclared = sorted(p for p in produced if p not in explicit and not any(p.startswith(f) for f in families))
    if undeclared:
        raise InputFileError(path, f"builders produced undeclared input id(s) {undeclared}")
    missing = sorted(set(explicit) - produced)
    if missing:
        raise InputFileError(
            path, f"declared input {missing[0]!r} produced no shares", row=int(explicit[missing[0]]) + 1
        )


@cache
def _input_shares(since: int, mineral_year: int, include: tuple[str, ...]) -> pd.DataFrame:
    specs = declared_inputs()
    builders = {b for group in include for b in SOURCE_GROUPS[group]}
    chosen = specs[specs["builder"].isin(builders)]
    ctx = {"since": since, "mineral_year": mineral_year}
    frames = [f for spec in chosen.to_dict("records") for f in BUILDERS[spec["builder"]](spec, ctx)]
    _check_declared(frames, chosen)
    out = pd.concat(frames, ignore_index=True)[SHARE_COLUMNS]
    out["iso3"] = out["iso3"].astype("string")
    out["share"] = out["share"].astype("Float64").round(10)
    out["year"] = out["year"].astype("Int64")
    out["withheld"] = out["withheld"].astype(bool)
    return out.sort_values(["layer", "input_id", "iso3"], na_position="last").reset_index(drop=True)


def input_shares(*, since: int = 2020, mineral_year: int = 2024, include: Iterable[str] | None = None) -> pd.DataFrame:
    """Country shares (percent) of every declared stack input (see module docstring).

    Parameters
    ----------
    since
        First publication/release year counted for models and accelerator designs.
    mineral_year
        USGS production year (2023 reported or 2024 estimated).
    include
        Source groups to include (default all of :data:`SOURCE_GROUPS`).

    Returns
    -------
    DataFrame
        :data:`SHARE_COLUMNS`, sorted by layer, input and country.
    """
    groups = tuple(SOURCE_GROUPS if include is None else include)
    unknown = [g for g in groups if g not in SOURCE_GROUPS]
    if unknown:
        raise ValueError(
            f"parameter 'include': unknown source group(s) {unknown}; expected some of {tuple(SOURCE_GROUPS)}"
        )
    return _input_shares(int(since), int(mineral_year), groups).copy()


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


def layer_summary(table: pd.DataFrame, *, hhi_threshold: float = HHI_HIGH) -> pd.DataFrame:
    """One row per layer: how concentrated its measured inputs are.

    ``hhi_weighted`` weights inputs by ETO market size for the compute-hardware layer, over ETO's
    non-overlapping segments (:func:`sovai.sources.eto.weighting_segments`); other layers weight
    their inputs equally. Layers without an input have ``n_inputs`` 0 and NA statistics; their
    ``n_cited_facts`` counts the cited facts about them.
    """
    facts = framework.load_chokepoint_facts()
    seg_weights: dict[str, float] = {}
    if (table["source"] == "eto_chip_explorer").any():
        from sovai.sources import eto

        seg = eto.weighting_segments()
        seg_weights = {f"eto:{i}": float(w) for i, w in zip(seg["input_id"], seg["weight"], strict=True)}
    rows = []
    for layer in framework.layer_ids():
        grp = table[table["layer"] == layer]
        n_facts = int((facts["layer"] == layer).sum())
        if grp.empty:
            rows.append({"layer": layer, "n_inputs": 0, "n_cited_facts": n_facts})
            continue
        weights = grp["input_id"].map(seg_weights) if layer == "compute_hardware" and seg_weights else None
        if weights is not None and weights.notna().any():
            w = weights.fillna(0.0).astype(float)
            weighted = float((grp["hhi"].astype(float) * w).sum() / w.sum())
            basis = "ETO market size (non-overlapping segments)"
        else:
            weighted = float(grp["hhi"].astype(float).mean())
            basis = "equal"
        top = grp.iloc[0]
        top1_counts = grp["top1_iso3"].value_counts()
        leaders = top1_counts[top1_counts == top1_counts.max()].index
        n_choke = int(grp["chokepoint"].sum()) if "chokepoint" in grp else pd.NA
        rows.append(
            {
                "layer": layer,
                "n_inputs": len(grp),
                "n_highly_concentrated": int((grp["hhi"] >= hhi_threshold).sum()),
                "n_chokepoints": n_choke,
                "hhi_mean": round(float(grp["hhi"].mean()), 6),
                "hhi_weighted": round(weighted, 6),
                "weighting": basis,
                "hhi_max": round(float(grp["hhi"].max()), 6),
                "most_concentrated_input": top["input"],
                "most_concentrated_top1": top["top1_iso3"],
                "most_frequent_top1": sorted(leaders)[0],
                "share_top1_usa_or_chn": round(float(grp["top1_iso3"].isin(["USA", "CHN"]).mean()), 6),
                "n_cited_facts": n_facts,
            }
        )
    out = pd.DataFrame(rows)
    for col in ("n_inputs", "n_highly_concentrated", "n_chokepoints"):
        out[col] = out[col].astype("Int64")
    return out


def stage_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Semiconductor stages (ETO): the stage's own HHI and the market-weighted HHI of its segments.

    CC BY-NC 4.0 (non-commercial).
    """
    from sovai.sources import eto

    seg = eto.weighting_segments()
    hh = table.set_index("input_id")["hhi"]
    rows = []
    for stage, grp in seg.groupby("stage", sort=True):
        ids = "eto:" + grp["input_id"]
        w = grp["weight"].astype(float).to_numpy()
        h = hh.reindex(ids).astype(float).to_numpy()
        ok = ~np.isnan(h)
        stage_id = {"Design": "S1", "Fabrication": "S2", "Assembly, testing, and packaging (ATP)": "S3"}.get(stage)
        rows.append(
            {
                "stage": stage,
                "n_segments": int(ok.sum()),
                "market_size_usd": float(grp["market_size_usd"].astype(float).sum()),
                "hhi_weighted": round(float((h[ok] * w[ok]).sum() / w[ok].sum()), 6) if ok.any() else np.nan,
                "hhi_stage_row": float(hh.get(f"eto:{stage_id}", np.nan)) if stage_id else np.nan,
            }
        )
    return pd.DataFrame(rows)
