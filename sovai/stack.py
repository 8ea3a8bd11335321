"""The AI stack (Appendix B reconstruction) and the concentration of its chokepoints.

Taxonomy
    Ten layers (:data:`LAYERS`); their components and known chokepoints are curated in
    ``data/stack/components.csv`` (:func:`load_components`); chokepoint facts that the mirrored
    data cannot compute (HBM memory, leading-edge foundry, cloud market shares…) are **cited
    facts**, not computed values, in ``data/stack/chokepoint_facts.csv`` (:func:`load_chokepoint_facts`).

Country shares of each stack input (:func:`input_shares`)
    One long table ``input_id, layer, input, source, year, period, basis, iso3, share`` where
    ``share`` is the country's percentage of world supply and ``iso3`` is NA for the part the source
    does not attribute to a country (ETO's "Various countries" and "Europe", USGS's "Other
    countries", Epoch's "Multinational"). Inputs and their sources:

    * every ETO semiconductor input and stage with country shares (**CC BY-NC 4.0, non-commercial**);
    * AI accelerator designs by designer HQ (Epoch ML hardware, chips released since ``since``);
    * AI compute in existing GPU clusters, H100-equivalents (Epoch);
    * hyperscale cloud regions in service, by the provider's **home** country (TeleGeography, licence
      flagged);
    * notable, large-scale and frontier models published since ``since`` (Epoch; *fractional*
      attribution so shares add to 100 — a model of k countries gives each 1/k);
    * electricity generation (OWID/Ember; latest year with ≥ 90 % of the best year's coverage);
    * AI publications (CSET via OWID; same year rule);
    * world production of each AI-mineral series (USGS MCS 2025, 2024 estimates; share of the USGS
      world total, the remainder is "other countries").

Concentration (:func:`concentration`, :func:`chokepoints`)
    ``hhi`` is the Herfindahl–Hirschman index on shares **in percent**, Σ sᵢ², from 0 to 10,000
    (divide by 10,000 for the 0–1 form). The unattributed remainder is treated as spread over many
    small suppliers and adds nothing (``hhi`` is a lower bound); ``hhi_upper`` counts it as one
    supplier (upper bound). ``top1_share``/``top3_share`` are the largest one/three country shares,
    ``n_countries`` the countries with a positive share, ``n_above_5pct`` those above 5 %. Shares
    that do not add to ~100 are *reported* (``total_share``, ``share_status``), never rescaled.
    A chokepoint is an input with ``hhi`` ≥ ``hhi_threshold`` (default 2,500, the "highly
    concentrated" bound of the 2010 US Horizontal Merger Guidelines; 1,800 in the 1992/2023 ones).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import cache

import numpy as np
import pandas as pd

from sovai import paths, registry
from sovai.errors import InputFileError


def _layer_ids() -> tuple[str, ...]:
    layers = pd.read_csv(paths.STACK_DIR / "layers.csv", usecols=["id", "order"])
    return tuple(layers.sort_values("order")["id"])


#: Layer ids, bottom of the stack first (Appendix B), read from ``data/stack/layers.csv``.
LAYERS = _layer_ids()

#: Default HHI bound for "highly concentrated" (2010 US Horizontal Merger Guidelines).
HHI_HIGH = 2500.0
#: Share (percent) above which a country counts as a significant supplier.
SIGNIFICANT_SHARE = 5.0
#: Shares within this many points of 100 count as complete (rounding).
ROUNDING_TOLERANCE = 2.0

SHARE_COLUMNS = ["input_id", "layer", "input", "source", "year", "period", "basis", "iso3", "share"]
CHOKEPOINT_COLUMNS = [
    "layer",
    "input_id",
    "input",
    "hhi",
    "hhi_upper",
    "top1_iso3",
    "top1_share",
    "top2_iso3",
    "top3_share",
    "n_countries",
    "n_above_5pct",
    "unattributed_share",
    "total_share",
    "share_status",
    "highly_concentrated",
    "market_size_usd",
    "source",
    "licence",
    "non_commercial",
    "year",
    "period",
    "basis",
]

COMPONENT_COLUMNS = ["layer", "component", "description", "chokepoint", "measured_by", "source_url", "source_title"]
FACT_COLUMNS = [
    "fact_id",
    "layer",
    "input",
    "fact",
    "value",
    "unit",
    "top1_iso3",
    "year",
    "source_url",
    "source_title",
    "accessed",
    "kind",
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


def share_status(total: float | None, *, tolerance: float = ROUNDING_TOLERANCE) -> str:
    """``ok`` (within ±0.5 of 100), ``rounding`` (within ``tolerance``), ``over``, ``under`` or ``no_shares``."""
    if total is None or pd.isna(total):
        return "no_shares"
    dev = float(total) - 100.0
    if abs(dev) <= 0.5:
        return "ok"
    if abs(dev) <= tolerance:
        return "rounding"
    return "over" if dev > 0 else "under"


def concentration(frame: pd.DataFrame, *, significant: float = SIGNIFICANT_SHARE) -> dict[str, object]:
    """Concentration statistics of one input from its rows ``iso3, share`` (percent).

    Rows with ``iso3`` NA are the unattributed remainder. Several rows for one country are summed.
    Ties in the ranking are broken alphabetically by ISO3 (deterministic).
    """
    for col in ("iso3", "share"):
        if col not in frame.columns:
            raise ValueError(f"concentration(): missing column {col!r}; found {list(frame.columns)}")
    sums: dict[str, float] = {}
    unattributed = 0.0
    n_rows = 0
    for code, value in zip(frame["iso3"].tolist(), frame["share"].tolist(), strict=True):
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            continue
        value = float(value)
        if value < 0:
            raise ValueError(f"concentration(): negative share {value} for {code!r}")
        n_rows += 1
        if code is None or code is pd.NA or (isinstance(code, float) and math.isnan(code)):
            unattributed += value
        else:
            sums[str(code)] = sums.get(str(code), 0.0) + value
    attributed = pd.Series({k: v for k, v in sums.items() if v > 0}, dtype=float)
    ranked = sorted(attributed.items(), key=lambda kv: (-float(kv[1]), str(kv[0])))
    total = float(attributed.sum()) + unattributed if n_rows else None
    h = hhi(attributed.to_numpy(dtype=float))
    return {
        "hhi": round(h, 6),
        "hhi_upper": round(h + unattributed**2, 6),
        "top1_iso3": ranked[0][0] if ranked else pd.NA,
        "top1_share": float(ranked[0][1]) if ranked else pd.NA,
        "top2_iso3": ranked[1][0] if len(ranked) > 1 else pd.NA,
        "top3_share": float(sum(v for _, v in ranked[:3])) if ranked else pd.NA,
        "n_countries": len(ranked),
        "n_above_5pct": int(sum(float(v) > significant for _, v in ranked)),
        "unattributed_share": round(unattributed, 6),
        "total_share": round(total, 6) if total is not None else pd.NA,
        "share_status": share_status(total),
    }


# --- curated tables -----------------------------------------------------------------------------


def _read_curated(path, columns: list[str]) -> pd.DataFrame:
    if not path.exists():
        raise InputFileError(path, "file not found (curated stack table)")
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputFileError(path, f"missing column(s) {missing}; found {list(df.columns)}", column=missing[0])
    bad = df.index[~df["layer"].isin(LAYERS)]
    if len(bad):
        i = int(bad[0])
        raise InputFileError(
            path, f"unknown layer {df.loc[i, 'layer']!r}; expected one of {LAYERS}", row=i + 1, column="layer"
        )
    no_src = df.index[df["source_url"].str.strip() == ""]
    if len(no_src):
        raise InputFileError(path, "row without a source", row=int(no_src[0]) + 1, column="source_url")
    return df


@cache
def load_components() -> pd.DataFrame:
    """Appendix B reconstruction: each layer's components and known chokepoints, with sources.

    ``chokepoint`` is ``"yes"`` where a measured input of the component has an HHI of at least 2,500
    (:data:`HHI_HIGH`) or a cited fact gives one country or firm at least half the supply;
    ``measured_by`` (``;``-separated) names the
    computed input(s) (``input_id`` of :func:`chokepoints`) or cited fact(s) (``fact_id``) that
    quantify it, or is empty where nothing open measures it.
    """
    df = _read_curated(paths.STACK_DIR / "components.csv", COMPONENT_COLUMNS)
    df["chokepoint"] = df["chokepoint"].str.lower().map({"yes": True, "no": False})
    return df


@cache
def load_chokepoint_facts() -> pd.DataFrame:
    """Cited chokepoint facts (``kind == "cited"``): *not computed*, copied from the cited source.

    ``value`` is numeric (percent unless ``unit`` says otherwise); ``top1_iso3`` the country of the
    leading supplier (firm HQ for firm shares).
    """
    path = paths.STACK_DIR / "chokepoint_facts.csv"
    df = _read_curated(path, FACT_COLUMNS)
    df["value"] = pd.to_numeric(df["value"], errors="raise")
    df["year"] = pd.to_numeric(df["year"].replace("", None), errors="raise").astype("Int64")  # empty: undated
    if set(df["kind"]) != {"cited"}:
        raise InputFileError(path, "column 'kind' must be 'cited' on every row (these are cited facts, not computed)")
    return df


# --- country shares of each input ---------------------------------------------------------------


def _frame(input_id, layer, input_name, source, year, period, basis, shares: pd.DataFrame) -> pd.DataFrame:
    out = shares[["iso3", "share"]].copy()
    out.insert(0, "basis", basis)
    out.insert(0, "period", period)
    out.insert(0, "year", year)
    out.insert(0, "source", source)
    out.insert(0, "input", input_name)
    out.insert(0, "layer", layer)
    out.insert(0, "input_id", input_id)
    return out


def _pct_of_total(values: pd.Series, iso3: pd.Series) -> pd.DataFrame:
    total = float(values.sum())
    return pd.DataFrame(
        {"iso3": iso3.to_numpy(), "share": (100.0 * values / total).to_numpy() if total > 0 else np.nan}
    )


def _eto_shares() -> list[pd.DataFrame]:
    from sovai.sources import eto

    shares = eto.country_shares()
    inputs = eto.load_inputs().set_index("input_id")
    frames = []
    for input_id, grp in shares.groupby("input_id", sort=True):
        meta = inputs.loc[input_id]
        label = f"{meta['input_name']} (stage)" if meta["kind"] == "stage" else str(meta["input_name"])
        year = int(grp["year"].max())
        frames.append(
            _frame(
                f"eto:{input_id}",
                "compute_hardware",
                label,
                "eto_chip_explorer",
                year,
                str(year),
                "% of global market (ETO; fabrication and ATP stages: site capacity)",
                grp,
            )
        )
    return frames


def _hardware_shares(since: int) -> list[pd.DataFrame]:
    from sovai.sources import epoch

    hw = epoch.load_ml_hardware()
    hw = hw[hw["release_date"].dt.year >= since]
    hw = hw[hw["manufacturer_iso3"].notna()]
    counts = hw.groupby("manufacturer_iso3").size()
    last = int(hw["release_date"].dt.year.max())
    shares = _pct_of_total(counts.astype(float), pd.Series(counts.index))
    return [
        _frame(
            "epoch:ai_accelerator_designs",
            "compute_hardware",
            "AI accelerator designs (by designer HQ)",
            "epoch_ml_hardware",
            last,
            f"{since}-{last}",
            "% of accelerator models released (count, not sales)",
            shares,
        )
    ]


def _cluster_shares() -> list[pd.DataFrame]:
    from sovai.sources import epoch

    cap = epoch.load_gpu_capacity()
    return [
        _frame(
            "epoch:gpu_cluster_h100e",
            "digital_infrastructure",
            "AI compute in existing GPU clusters",
            "epoch_gpu_clusters",
            int(cap["year"].max()),
            "snapshot 2025",
            "% of H100-equivalents in existing clusters",
            _pct_of_total(cap["value"].astype(float), cap["iso3"]),
        )
    ]


def _cloud_shares() -> list[pd.DataFrame]:
    from sovai.sources import cloud

    regions = cloud.load_regions()
    regions = regions[regions["in_service"]]
    counts = regions.groupby("provider_home_iso3").size().astype(float)
    return [
        _frame(
            "cloud:regions_by_provider_home",
            "digital_infrastructure",
            "Hyperscale cloud regions (by provider home country)",
            "cloud_regions",
            2025,
            "snapshot 2025",
            "% of hyperscale cloud regions in service, by provider HQ",
            _pct_of_total(counts, pd.Series(counts.index)),
        )
    ]


def _model_shares(since: int) -> list[pd.DataFrame]:
    from sovai.sources import epoch

    frames = []
    labels = {
        "notable": "Notable AI models",
        "large_scale": "Large-scale AI models (>=1e23 FLOP)",
        "frontier": "Frontier AI models",
    }
    for kind, label in labels.items():
        long = epoch.load_models(kind)
        long = long[long["year"] >= since]
        last = int(long["year"].max())
        by = long.assign(key=long["iso3"].fillna("__unattributed__")).groupby("key")["weight"].sum().astype(float)
        iso = pd.Series([pd.NA if k == "__unattributed__" else k for k in by.index], dtype="string")
        frames.append(
            _frame(
                f"epoch:{kind}_models",
                "models",
                label,
                "epoch_ai_models",
                last,
                f"{since}-{last}",
                "% of models published (fractional attribution)",
                _pct_of_total(by, iso),
            )
        )
    return frames


def _latest_good_year(df: pd.DataFrame, coverage: float = 0.9) -> int:
    counts = df.groupby("year")["iso3"].nunique()
    good = counts[counts >= coverage * counts.max()]
    return int(good.index.max())


def _owid_shares() -> list[pd.DataFrame]:
    from sovai.sources import owid

    frames = []
    elec = owid.load_electricity()
    elec = elec[elec["indicator"] == "electricity_generation_twh"]  # loaders already drop aggregates
    y = _latest_good_year(elec)
    e = elec[elec["year"] == y]
    frames.append(
        _frame(
            "owid:electricity_generation",
            "energy",
            "Electricity generation",
            "owid_electricity",
            y,
            str(y),
            "% of world electricity generation (sum of countries)",
            _pct_of_total(e["value"].astype(float), e["iso3"]),
        )
    )
    pubs = owid.load_ai_publications()
    y = _latest_good_year(pubs)
    p = pubs[pubs["year"] == y]
    frames.append(
        _frame(
            "owid:ai_publications",
            "talent",
            "AI publications",
            "cset_owid_ai_publications",
            y,
            str(y),
            "% of AI publications (sum of countries)",
            _pct_of_total(p["value"].astype(float), p["iso3"]),
        )
    )
    return frames


def _mineral_shares(year: int) -> list[pd.DataFrame]:
    from sovai.sources import usgs

    shares = usgs.production_shares(year=year)
    shares = shares[shares["world_total"].notna()]
    frames = []
    for series, grp in shares.groupby("series", sort=True):
        listed = grp[grp["share"].notna()][["iso3", "share"]]
        rest = max(0.0, 100.0 - float(listed["share"].sum()))
        rows = pd.concat([listed, pd.DataFrame({"iso3": [pd.NA], "share": [rest]})], ignore_index=True)
        frames.append(
            _frame(
                f"usgs:{grp['mineral'].iloc[0]}:{series.split('(')[-1].rstrip(')').replace(' ', '_').replace(',', '')}",
                "minerals",
                series[0].upper() + series[1:],
                "usgs_mcs2025_world",
                year,
                str(year),
                "% of USGS world production (remainder: other countries / withheld)",
                rows,
            )
        )
    return frames


#: Source groups of :func:`input_shares` (``include=`` selects some).
SOURCE_GROUPS = ("eto", "hardware", "clusters", "cloud", "models", "owid", "minerals")


@cache
def _input_shares(since: int, mineral_year: int, include: tuple[str, ...]) -> pd.DataFrame:
    builders = {
        "eto": _eto_shares,
        "hardware": lambda: _hardware_shares(since),
        "clusters": _cluster_shares,
        "cloud": _cloud_shares,
        "models": lambda: _model_shares(since),
        "owid": _owid_shares,
        "minerals": lambda: _mineral_shares(mineral_year),
    }
    frames = [f for group in include for f in builders[group]()]
    out = pd.concat(frames, ignore_index=True)[SHARE_COLUMNS]
    out["iso3"] = out["iso3"].astype("string")
    out["share"] = out["share"].astype("Float64").round(10)
    out["year"] = out["year"].astype("Int64")
    return out.sort_values(["layer", "input_id", "iso3"], na_position="last").reset_index(drop=True)


def input_shares(*, since: int = 2020, mineral_year: int = 2024, include: Iterable[str] | None = None) -> pd.DataFrame:
    """Country shares (percent) of every stack input with country data (see module docstring).

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
        ``input_id, layer, input, source, year, period, basis, iso3, share``.
    """
    groups = tuple(SOURCE_GROUPS if include is None else include)
    unknown = [g for g in groups if g not in SOURCE_GROUPS]
    if unknown:
        raise ValueError(f"parameter 'include': unknown source group(s) {unknown}; expected some of {SOURCE_GROUPS}")
    return _input_shares(int(since), int(mineral_year), groups).copy()


@cache
def _licence_info(source: str) -> tuple[str, bool]:
    att = registry.attribution(source)
    licence = str(att["licence"]) + (" [licence unclear: flagged]" if att.get("licence_flag") else "")
    return licence, bool(att["non_commercial"])


def chokepoints(
    shares: pd.DataFrame | None = None,
    *,
    hhi_threshold: float = HHI_HIGH,
    significant: float = SIGNIFICANT_SHARE,
    **kwargs,
) -> pd.DataFrame:
    """Concentration of every input: the chokepoints table.

    Parameters
    ----------
    shares
        Output of :func:`input_shares` (default: computed with ``**kwargs``).
    hhi_threshold
        HHI (0–10,000) at or above which an input is ``highly_concentrated``.
    significant
        Share (percent) counted by ``n_above_5pct``.

    Returns
    -------
    DataFrame
        :data:`CHOKEPOINT_COLUMNS`, sorted by ``hhi`` (descending) then ``input_id``.
        ``source`` names the raw-data folder; ``licence``/``non_commercial`` travel with it (ETO:
        CC BY-NC 4.0, non-commercial). ``market_size_usd`` is ETO's stated market (NA elsewhere).
    """
    if shares is None:
        shares = input_shares(**kwargs)
    sizes = {}
    if (shares["source"] == "eto_chip_explorer").any():
        from sovai.sources import eto

        inputs = eto.load_inputs()
        sizes = {f"eto:{i}": s for i, s in zip(inputs["input_id"], inputs["market_size_usd"], strict=True)}
    rows = []
    for input_id, grp in shares.groupby("input_id", sort=True):
        first = grp.iloc[0]
        stats = concentration(grp, significant=significant)
        if stats["n_countries"] == 0:  # nothing attributed to a country: see unattributed_inputs()
            continue
        licence, nc = _licence_info(first["source"])
        rows.append(
            {
                "layer": first["layer"],
                "input_id": input_id,
                "input": first["input"],
                **stats,
                "highly_concentrated": bool(stats["hhi"] >= hhi_threshold),
                "market_size_usd": sizes.get(input_id, pd.NA),
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
    for col in ("n_countries", "n_above_5pct", "year"):
        out[col] = out[col].astype("Int64")
    out = out.sort_values(["hhi", "input_id"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
    return out


def unattributed_inputs(shares: pd.DataFrame | None = None, **kwargs) -> pd.DataFrame:
    """Inputs whose whole share is unattributed (e.g. ETO lists only "Various countries").

    They are left out of :func:`chokepoints` (an HHI of 0 would be meaningless) and reported here:
    ``input_id, layer, input, source, unattributed_share``.
    """
    if shares is None:
        shares = input_shares(**kwargs)
    has_country = shares[shares["iso3"].notna() & (shares["share"] > 0)].groupby("input_id").size()
    rest = shares[~shares["input_id"].isin(has_country.index)]
    out = rest.groupby(["input_id", "layer", "input", "source"], as_index=False)["share"].sum()
    return out.rename(columns={"share": "unattributed_share"}).sort_values("input_id").reset_index(drop=True)


def layer_summary(table: pd.DataFrame, *, hhi_threshold: float = HHI_HIGH) -> pd.DataFrame:
    """One row per layer: how concentrated its measured inputs are.

    ``hhi_weighted`` weights inputs by ETO market size for the compute-hardware layer, over ETO's
    non-overlapping segments (:func:`sovai.sources.eto.weighting_segments`, so a parent and its
    sub-inputs are not both counted); other layers weight their inputs equally (no comparable market
    sizes). Layers without a computed input have ``n_inputs`` 0 and NA statistics; their
    ``n_cited_facts`` counts the cited facts about them.
    """
    facts = load_chokepoint_facts()
    seg_weights: dict[str, float] = {}
    if (table["source"] == "eto_chip_explorer").any():
        from sovai.sources import eto

        seg = eto.weighting_segments()
        seg_weights = {f"eto:{i}": float(w) for i, w in zip(seg["input_id"], seg["weight"], strict=True)}
    rows = []
    for layer in LAYERS:
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
        rows.append(
            {
                "layer": layer,
                "n_inputs": len(grp),
                "n_highly_concentrated": int((grp["hhi"] >= hhi_threshold).sum()),
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
    out["n_inputs"] = out["n_inputs"].astype("Int64")
    out["n_highly_concentrated"] = out["n_highly_concentrated"].astype("Int64")
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


# --- figures ------------------------------------------------------------------------------------


def _wrap(text: str, width: int = 160) -> str:
    """Pre-wrap a caption (matplotlib's own wrapping measures every word: slow)."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def add_caption(fig, caption: str) -> None:
    """Put a source/licence caption under the figure (saved with ``bbox_inches="tight"``)."""
    if caption:
        fig.text(0.01, -0.01, _wrap(caption), fontsize=6, va="top", ha="left")


def plot_ranked(table: pd.DataFrame, *, top: int = 30, hhi_threshold: float = HHI_HIGH, caption: str = ""):
    """Horizontal bar chart of the ``top`` most concentrated inputs, coloured by layer."""
    import matplotlib.pyplot as plt

    data = table.head(top).iloc[::-1]
    palette = dict(zip(LAYERS, plt.get_cmap("tab10").colors, strict=True))
    fig, ax = plt.subplots(figsize=(9, 0.28 * len(data) + 1.6))
    labels = [f"{i}  [{c}]" for i, c in zip(data["input"], data["top1_iso3"].fillna("?"), strict=True)]
    ax.barh(range(len(data)), data["hhi"].astype(float), color=[palette[layer] for layer in data["layer"]])
    ax.set_yticks(range(len(data)), labels, fontsize=7)
    ax.axvline(hhi_threshold, color="black", lw=0.8, ls="--")
    ax.set_xlim(0, 10000)
    ax.set_xlabel("HHI of country shares (0–10,000); [top country]")
    handles = [plt.Rectangle((0, 0), 1, 1, color=palette[layer]) for layer in LAYERS if layer in set(data["layer"])]
    ax.legend(handles, [layer for layer in LAYERS if layer in set(data["layer"])], fontsize=7, loc="lower right")
    ax.set_title(f"The {len(data)} most concentrated inputs of the AI stack")
    fig.tight_layout()
    add_caption(fig, caption)
    return fig


def plot_stack(summary: pd.DataFrame, *, value: str = "hhi_weighted", caption: str = ""):
    """Stack diagram: one box per layer (bottom: minerals), coloured by concentration.

    Layers without a computed input are hatched grey and labelled with their cited-fact count.
    """
    import matplotlib.pyplot as plt
    from matplotlib import colors

    cmap = plt.get_cmap("Reds")
    norm = colors.Normalize(vmin=0, vmax=10000)
    fig, ax = plt.subplots(figsize=(7, 6))
    summary = summary.set_index("layer").reindex(list(LAYERS))
    for i, layer in enumerate(LAYERS):
        v = summary.loc[layer, value] if value in summary.columns else np.nan
        n = summary.loc[layer, "n_inputs"]
        missing = pd.isna(v) or n == 0
        face = "#dddddd" if missing else cmap(norm(float(v)))
        ax.add_patch(plt.Rectangle((0, i), 1, 0.9, facecolor=face, edgecolor="black", hatch="//" if missing else None))
        if missing:
            text = f"{layer}: no open country shares ({int(summary.loc[layer, 'n_cited_facts'])} cited facts)"
        else:
            high = summary.loc[layer, "n_highly_concentrated"]
            text = (
                f"{layer}: HHI {float(v):,.0f} · {int(high)}/{int(n)} inputs highly concentrated · "
                f"most often led by {summary.loc[layer, 'most_frequent_top1']}"
            )
        ax.text(
            0.02,
            i + 0.45,
            text,
            va="center",
            fontsize=7,
            color="black",
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1},
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, len(LAYERS))
    ax.axis("off")
    fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, fraction=0.04, label=f"{value} (0–10,000)")
    ax.set_title("Concentration across the AI stack")
    add_caption(fig, caption)
    return fig


# --- report outputs -----------------------------------------------------------------------------


def caption_for(table: pd.DataFrame) -> str:
    """Source and licence line for a figure/table built from ``table`` (non-commercial flagged)."""
    folders = sorted(set(table["source"]))
    line = registry.source_line(*folders)
    if table["non_commercial"].any():
        line += ". ETO Chip Explorer data: CC BY-NC 4.0 — non-commercial use only."
    return line


def chart_selection(table: pd.DataFrame, *, min_market_usd: float = 0.0) -> pd.DataFrame:
    """Inputs shown in the ranked chart: ETO inputs with a stated market below ``min_market_usd``
    (or none stated) are left out when ``min_market_usd`` > 0; every other input is kept."""
    if min_market_usd <= 0:
        return table
    eto_rows = table["source"] == "eto_chip_explorer"
    big = table["market_size_usd"].fillna(0).astype(float) >= min_market_usd
    return table[~eto_rows | big].reset_index(drop=True)


def write_outputs(
    output_dir,
    *,
    since: int = 2020,
    mineral_year: int = 2024,
    hhi_threshold: float = HHI_HIGH,
    top: int = 30,
    min_market_usd: float = 1e9,
    formats: Iterable[str] = ("png",),
) -> dict[str, object]:
    """Compute the chokepoint tables and figures and write them under ``output_dir``.

    Tables: ``chokepoints.csv`` (the contract), ``chokepoint_layers.csv``, ``chokepoint_stages.csv``,
    ``chokepoint_shares.csv`` (country shares behind them), ``chokepoint_unattributed.csv``,
    ``chokepoint_facts.csv`` (cited, not computed), ``stack_components.csv``. Figures:
    ``chokepoints_ranked``, ``stack_concentration``. Returns the frames and figures.
    """
    from sovai import report_io

    figures, tables = report_io.output_dirs(output_dir)
    shares = input_shares(since=since, mineral_year=mineral_year)
    table = chokepoints(shares, hhi_threshold=hhi_threshold)
    layers = layer_summary(table, hhi_threshold=hhi_threshold)
    stages = stage_summary(table)
    unattributed = unattributed_inputs(shares)
    facts = load_chokepoint_facts()
    components = load_components()
    caption = caption_for(table)
    report_io.write_table(table, tables / "chokepoints.csv")
    report_io.write_table(layers, tables / "chokepoint_layers.csv")
    report_io.write_table(stages, tables / "chokepoint_stages.csv", sort=["stage"])
    report_io.write_table(shares, tables / "chokepoint_shares.csv", sort=["input_id", "iso3"])
    report_io.write_table(unattributed, tables / "chokepoint_unattributed.csv", sort=["input_id"])
    report_io.write_table(facts, tables / "chokepoint_facts.csv", sort=["layer", "fact_id"])
    report_io.write_table(components, tables / "stack_components.csv")
    import matplotlib.pyplot as plt

    ranked = plot_ranked(
        chart_selection(table, min_market_usd=min_market_usd), top=top, hhi_threshold=hhi_threshold, caption=caption
    )
    report_io.save_figure(ranked, figures / "chokepoints_ranked", formats)
    diagram = plot_stack(layers, caption=caption)
    report_io.save_figure(diagram, figures / "stack_concentration", formats)
    plt.close("all")
    return {
        "shares": shares,
        "chokepoints": table,
        "layers": layers,
        "stages": stages,
        "unattributed": unattributed,
        "facts": facts,
        "components": components,
        "caption": caption,
        "figures": {"ranked": ranked, "stack": diagram},
    }
