"""The share builders: one function per kind of stack input (ETO, cited facts, USGS, Epoch
hardware, clusters and models, TOP500, cloud regions, OWID) that turns the mirrored source into
country-share frames of one declared ``inputs.csv`` row, the registry :data:`BUILDERS` (builder
name → function) and :data:`SOURCE_GROUPS` (``include=`` group → builders), with
:func:`cloud_regions`. It reads ``inputs.csv`` only through the spec rows it is handed, does not
check the declarations (:mod:`sovai.stack.declared`) and does not assemble the share table
(:mod:`sovai.stack.shares`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from sovai import framework, paths
from sovai.errors import InputFileError
from sovai.provenance import cache


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
