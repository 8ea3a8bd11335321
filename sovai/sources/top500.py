"""TOP500 supercomputer lists, June 2020 – June 2026 (13 official Excel exports, 500 systems each).

No explicit open licence (flagged): TOP500.org publishes the lists free of charge and lets users
build their own statistics; cite TOP500.org. ``Country`` is where a system is *installed*, not who
owns it (Microsoft's Azure "Eagle" counts for the United States). ``Segment`` is TOP500's own
classification: Academic, Research, Government, Industry, Vendor, Others.
"""

from __future__ import annotations

import re

import pandas as pd

from sovai import registry
from sovai.countries import to_iso3
from sovai.errors import InputFileError
from sovai.provenance import cache
from sovai.sources._common import require_columns
from sovai.sources._xlsx import read_excel

FOLDER = "top500"
#: Segments that are publicly funded or publicly run (government, national labs, universities).
PUBLIC_SEGMENTS = ("Government", "Research", "Academic")
_COLUMNS = {
    "Rank": "rank",
    "Name": "name",
    "Site": "site",
    "Country": "country",
    "Segment": "segment",
    "Year": "install_year",
    "Rmax [TFlop/s]": "rmax_tflops",
    "Accelerator/Co-Processor": "accelerator",
    "Site ID": "site_id",
    "System ID": "system_id",
}


def list_keys() -> list[str]:
    """Registry keys of the pinned lists, oldest first (``top500/TOP500_YYYYMM.xlsx``)."""
    return sorted(k for k in registry.keys(FOLDER) if re.search(r"TOP500_\d{6}\.xlsx$", k))


def _list_date(key: str) -> str:
    stamp = re.search(r"TOP500_(\d{4})(\d{2})\.xlsx$", key)
    if stamp is None:
        raise InputFileError(key, "file name is not TOP500_YYYYMM.xlsx")
    return f"{stamp.group(1)}-{stamp.group(2)}"


@cache
def load_systems() -> pd.DataFrame:
    """One row per system per list.

    Columns: ``list`` (``"YYYY-MM"``), ``year`` (the list's year), ``rank``, ``name``, ``site``,
    ``country`` (TOP500 spelling), ``iso3``, ``segment``, ``public`` (segment in
    :data:`PUBLIC_SEGMENTS`), ``install_year``, ``rmax_tflops``, ``accelerator`` (``<NA>`` =
    CPU-only), ``site_id``, ``system_id``. Sorted by list and rank.
    """
    parts = []
    for key in list_keys():
        path = registry.fetch(key)
        frame = read_excel(path, sheet_name=0)
        require_columns(frame, list(_COLUMNS), key)
        frame = frame[list(_COLUMNS)].rename(columns=_COLUMNS)
        if len(frame) != 500:
            raise InputFileError(key, f"expected 500 systems, found {len(frame)}")
        frame.insert(0, "list", _list_date(key))
        parts.append(frame)
    out = pd.concat(parts, ignore_index=True)
    out["country"] = out["country"].astype(str).str.strip()
    out["iso3"] = to_iso3(out["country"].tolist(), source="top500")
    out["year"] = out["list"].str[:4].astype(int)
    out["public"] = out["segment"].isin(PUBLIC_SEGMENTS)
    out["accelerator"] = out["accelerator"].astype("string").str.strip().replace("", pd.NA)
    out = out.astype({"iso3": "string", "segment": "string", "name": "string", "site": "string"})
    cols = ["list", "year", "rank", "name", "site", "country", "iso3", "segment", "public", "install_year"]
    cols += ["rmax_tflops", "accelerator", "site_id", "system_id"]
    return out[cols].sort_values(["list", "rank"], kind="stable").reset_index(drop=True)


def country_totals(*, list_date: str | None = None, public_only: bool = False) -> pd.DataFrame:
    """Systems and Rmax per country on one list (default: the latest).

    Returns ``iso3, list, systems, rmax_pflops, share_rmax_pct`` (share of the list's total Rmax,
    all countries) for every country with at least one (public, if ``public_only``) system.
    A country not on the list has no row: TOP500 is a census of the 500 fastest systems, so
    absence means "no system among the 500", not "no supercomputer".
    """
    systems = load_systems()
    latest = systems["list"].max()
    list_date = list_date or latest
    if list_date not in set(systems["list"]):
        raise ValueError(f"TOP500 list {list_date!r} is not pinned; lists: {sorted(set(systems['list']))}")
    one = systems[systems["list"] == list_date]
    world = float(one["rmax_tflops"].sum())
    if public_only:
        one = one[one["public"]]
    out = per_country(one["iso3"], one["rmax_tflops"], world_tflops=world)
    out.insert(1, "list", list_date)
    return out


#: Tidy indicator id → column of :func:`per_country`.
TIDY_INDICATORS = {
    "top500_systems": "systems",
    "top500_rmax_pflops": "rmax_pflops",
    "top500_rmax_share_pct": "share_rmax_pct",
}


def per_country(iso3: pd.Series, rmax_tflops: pd.Series, *, world_tflops: float | None = None) -> pd.DataFrame:
    """``iso3, systems, rmax_pflops, share_rmax_pct`` of one list's systems, sorted by iso3.

    The share is of ``world_tflops`` (default: the total Rmax of the systems given). The one
    aggregation rule, used by :func:`country_totals` and the fast panel reader
    (:mod:`sovai.sources.top500_panel`).
    """
    world = float(rmax_tflops.sum()) if world_tflops is None else float(world_tflops)
    g = pd.DataFrame({"iso3": iso3.to_numpy(), "rmax": rmax_tflops.to_numpy()}).groupby("iso3", sort=True)
    out = pd.DataFrame({"systems": g.size(), "rmax_pflops": g["rmax"].sum() / 1000.0})
    out["share_rmax_pct"] = 100.0 * out["rmax_pflops"] * 1000.0 / world
    return out.rename_axis("iso3").reset_index()


def tidy_frame(totals: pd.DataFrame, year: int) -> pd.DataFrame:
    """The tidy rows ``iso3, year, indicator, value`` of one list's :func:`per_country` table."""
    parts = [
        pd.DataFrame({"iso3": totals["iso3"], "year": year, "indicator": indicator, "value": totals[col]})
        for indicator, col in TIDY_INDICATORS.items()
    ]
    return pd.concat(parts, ignore_index=True)


def load() -> pd.DataFrame:
    """Tidy ``iso3, year, indicator, value`` from the June list of each year (2026 included):
    ``top500_systems`` (count), ``top500_rmax_pflops`` (sum of Rmax, PFlop/s) and
    ``top500_rmax_share_pct`` (% of the list's total Rmax). Countries without a listed system
    are absent (census: 0 where a consumer declares ``missing_means_zero``).
    """
    systems = load_systems()
    rows = [
        tidy_frame(country_totals(list_date=list_date), int(list_date[:4]))
        for list_date in sorted(d for d in set(systems["list"]) if d.endswith("-06"))
    ]
    out = pd.concat(rows, ignore_index=True).astype({"iso3": "string", "year": "Int64", "value": "Float64"})
    return out.sort_values(["indicator", "iso3", "year"]).reset_index(drop=True)
