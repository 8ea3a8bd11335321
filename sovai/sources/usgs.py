"""USGS Mineral Commodity Summaries 2025 — world production by country (minerals layer).

Licence: public domain (US Government work). Cite: U.S. Geological Survey, *Mineral Commodity
Summaries 2025 Data Release — World Production, Capacity, and Reserves*, doi:10.5066/P13XCP3R.

What this is a proxy for
    The share of **world production** (mine, plant or refinery, as USGS reports each commodity) of
    the minerals that AI hardware and its power supply depend on (:data:`AI_MINERALS`). It is a
    proxy for supply-side leverage: it does not capture processing steps USGS does not report by
    country (for example rare-earth separation and magnet making, high-purity quartz, polysilicon),
    nor trade, stocks or ownership of mines abroad. Only the main producers are listed per
    commodity; everyone else is in "Other countries", so an unlisted country means "small or
    unreported", not zero. Withheld values (USGS "W", e.g. US gallium) are NA, never 0.

Cleaning
    Names are stripped of non-breaking and trailing spaces; a trailing qualifier in parentheses
    (``"Brazil (beneficiated)"``) is split into ``qualifier``; ``World total…`` rows become
    ``row_kind="world"``, ``Other countries…`` rows ``"other"``, and two-country totals
    (``"United States and Canada"``, mapped to null in ``usgs.countries.json``) ``"group"``.
    The USGS typo ``Gemanium`` is read as germanium.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from sovai.countries import to_iso3
from sovai.errors import UnknownCountryError
from sovai.framework import share_status
from sovai.provenance import cache
from sovai.sources._common import TIDY_COLUMNS, read_csv

KEY = "usgs_mcs2025_world/MCS2025_World_Data.csv"
SOURCE_ID = "usgs"
PROD_COLUMNS = {2023: "PROD_2023", 2024: "PROD_EST_ 2024"}
ATTRIBUTION = "U.S. Geological Survey, Mineral Commodity Summaries 2025 (world production), public domain"


@dataclass(frozen=True)
class Series:
    """One USGS production series of an AI-relevant mineral."""

    mineral: str
    series: str
    commodity: str
    type_pattern: str  # regex matched (case-insensitive) against TYPE


#: AI-relevant mineral series (the DESIGN.md minerals list, where USGS reports country production).
AI_MINERALS: tuple[Series, ...] = (
    Series("gallium", "gallium (primary production)", "Gallium", r"primary production"),
    Series("germanium", "germanium (refinery production)", "Germanium", r"refinery production"),
    Series("rare_earths", "rare earths (mine, REO)", "Rare earths", r"mine production"),
    Series("cobalt", "cobalt (mine)", "Cobalt", r"mine production"),
    Series("lithium", "lithium (mine)", "Lithium", r"mine production"),
    Series("graphite", "graphite (mine, natural)", "Graphite", r"mine production"),
    Series("copper", "copper (mine)", "Copper", r"mine production"),
    Series("copper", "copper (refinery)", "Copper", r"refinery production"),
    Series("silicon", "silicon metal (plant)", "Silicon", r"silicon metal"),
    Series("tungsten", "tungsten (mine)", "Tungsten", r"mine production"),
    Series("tantalum", "tantalum (mine)", "Tantalum", r"mine production"),
    Series("nickel", "nickel (mine)", "Nickel", r"mine production"),
)

#: Further series used as stack inputs (chokepoints) but not in the ``ai_minerals_share`` ranking
#: indicator, so adding one never moves the rankings.
STACK_SERIES: tuple[Series, ...] = (
    *AI_MINERALS,
    Series("indium", "indium (refinery)", "Indium", r"refinery production"),
)

_COMMODITY_FIXES = {"Gemanium": "Germanium"}
_QUALIFIER_RE = re.compile(r"^(?P<base>.+?)\s*\((?P<qual>[^()]*)\)\s*$")


def clean_country(raw: str) -> tuple[str, str | None, str]:
    """Split a USGS ``COUNTRY`` string into ``(name, qualifier, row_kind)``.

    ``row_kind`` is ``"world"`` (world totals), ``"other"`` (other countries) or ``"country"``. A
    trailing parenthetical is a qualifier only when the full string is not itself a known spelling
    (``"Congo (Kinshasa)"`` is a name; ``"Brazil (beneficiated)"`` is Brazil + a qualifier).
    """
    text = str(raw).replace("\xa0", " ")
    text = re.sub(r"\s+", " ", text).strip()
    low = text.lower()
    if low.startswith("world total"):
        return text, None, "world"
    if low.startswith("other countries"):
        return text, None, "other"
    match = _QUALIFIER_RE.match(text)
    if match and not _known_spelling(text):
        return match.group("base").strip(), match.group("qual").strip(), "country"
    return text, None, "country"


def _known_spelling(text: str) -> bool:
    try:
        to_iso3([text], source=SOURCE_ID)
    except UnknownCountryError:
        return False
    return True


@cache
def load_world_data() -> pd.DataFrame:
    """The whole MCS 2025 world table, cleaned (all 77 commodities).

    Returns
    -------
    DataFrame
        ``commodity, country_raw, country, qualifier, row_kind ("country"|"group"|"other"|"world"),
        iso3, type, unit, prod_2023, prod_2024, prod_notes``.
    """
    df = read_csv(
        KEY, required=["COMMODITY", "COUNTRY", "TYPE", "UNIT_MEAS", *PROD_COLUMNS.values()], encoding="utf-8-sig"
    )
    parts = [clean_country(c) for c in df["COUNTRY"]]
    out = pd.DataFrame(
        {
            "commodity": df["COMMODITY"].astype(str).str.strip().replace(_COMMODITY_FIXES),
            "country_raw": df["COUNTRY"].astype(str),
            "country": [p[0] for p in parts],
            "qualifier": [p[1] for p in parts],
            "row_kind": [p[2] for p in parts],
            "type": df["TYPE"].astype(str).str.strip(),
            "unit": df["UNIT_MEAS"].astype(str).str.strip(),
            "prod_2023": pd.to_numeric(df[PROD_COLUMNS[2023]], errors="coerce"),
            "prod_2024": pd.to_numeric(df[PROD_COLUMNS[2024]], errors="coerce"),
            "prod_notes": df["PROD_NOTES"].astype("string").str.strip(),
        }
    )
    is_country = out["row_kind"] == "country"
    names = sorted(out.loc[is_country, "country"].unique())
    codes = dict(zip(names, to_iso3(names, source=SOURCE_ID), strict=True))
    out["iso3"] = out["country"].map(codes).where(is_country)
    out.loc[is_country & out["iso3"].isna(), "row_kind"] = "group"
    for col in ("commodity", "country_raw", "country", "qualifier", "row_kind", "iso3", "type", "unit"):
        out[col] = out[col].astype("string")
    for col in ("prod_2023", "prod_2024"):
        out[col] = out[col].astype("Float64")
    return out


def _series_rows(spec: Series) -> pd.DataFrame:
    data = load_world_data()
    rows = data[
        (data["commodity"] == spec.commodity) & data["type"].str.contains(spec.type_pattern, case=False, regex=True)
    ]
    if rows.empty:
        raise ValueError(
            f"{KEY}: no rows for {spec.series!r} (COMMODITY {spec.commodity!r}, TYPE ~ {spec.type_pattern!r})"
        )
    return rows


def _check_year(year: int) -> str:
    if year not in PROD_COLUMNS:
        raise ValueError(f"parameter 'year': USGS MCS 2025 reports production for {sorted(PROD_COLUMNS)}, got {year!r}")
    return f"prod_{year}"


def _select(minerals: list[str] | tuple[str, ...] | None, pool: tuple[Series, ...] = AI_MINERALS) -> tuple[Series, ...]:
    known = sorted({s.mineral for s in pool})
    if minerals is None:
        return pool
    unknown = [m for m in minerals if m not in known]
    if unknown:
        raise ValueError(f"parameter 'minerals': unknown mineral(s) {unknown}; expected some of {known}")
    return tuple(s for s in pool if s.mineral in minerals)


def _world_total(rows: pd.DataFrame, col: str) -> float:
    """USGS's world total of a series in year column ``col`` (NaN when not given)."""
    world = rows.loc[rows["row_kind"] == "world", col]
    return float(world.iloc[0]) if len(world) and pd.notna(world.iloc[0]) else float("nan")


def production_shares(
    *, year: int = 2024, minerals: list[str] | None = None, stack_series: bool = False
) -> pd.DataFrame:
    """Each listed country's share of world production, per AI-mineral series.

    Shares are of USGS's **world total** (not of the listed countries), in percent. A country listed
    with a withheld value has ``production`` and ``share`` NA. ``stack_series`` adds the series of
    :data:`STACK_SERIES` that are not ranking minerals (e.g. indium refinery production).

    Returns
    -------
    DataFrame
        ``mineral, series, iso3, country, production, unit, world_total, share, year``.
    """
    col = _check_year(year)
    frames = []
    for spec in _select(minerals, STACK_SERIES if stack_series else AI_MINERALS):
        rows = _series_rows(spec)
        world_total = _world_total(rows, col)
        ctry = rows[rows["row_kind"] == "country"]
        # a country may appear with two qualifiers: sum what is reported
        agg = ctry.groupby(["iso3"], as_index=False).agg(
            country=("country", "first"), production=(col, lambda s: s.sum(min_count=1))
        )
        agg.insert(0, "series", spec.series)
        agg.insert(0, "mineral", spec.mineral)
        agg["unit"] = rows["unit"].iloc[0]
        agg["world_total"] = world_total
        agg["share"] = (
            100.0 * agg["production"] / world_total if world_total == world_total and world_total > 0 else float("nan")
        )
        frames.append(agg)
    out = pd.concat(frames, ignore_index=True)
    out["year"] = year
    out["production"] = out["production"].astype("Float64")
    out["world_total"] = out["world_total"].astype("Float64")
    out["share"] = out["share"].astype("Float64").round(10)
    out["year"] = out["year"].astype("Int64")
    return out.sort_values(["mineral", "series", "iso3"]).reset_index(drop=True)


def share_check(*, year: int = 2024, minerals: list[str] | None = None) -> pd.DataFrame:
    """Per series: listed countries + "Other countries" against USGS's world total.

    Returns
    -------
    DataFrame
        ``mineral, series, n_countries, n_withheld, listed_share, other_share, total_share, status``
        with ``status`` from :func:`sovai.framework.share_status`: ``ok`` or ``rounding`` (USGS
        rounds world totals), ``under`` (the listed + other rows fall short: withheld values),
        ``over``, or ``no_shares`` (USGS states no world total, so no share exists).
    """
    col = _check_year(year)
    rows = []
    for spec in _select(minerals):
        data = _series_rows(spec)
        world_total = _world_total(data, col)
        ctry = data[data["row_kind"] == "country"]
        other = data.loc[data["row_kind"] == "other", col].sum(min_count=1)
        listed = ctry[col].sum(min_count=1)
        if not world_total == world_total or world_total <= 0:
            status, listed_share, other_share, total = share_status(None), pd.NA, pd.NA, pd.NA
        else:
            listed_share = 100.0 * float(listed) / world_total if pd.notna(listed) else 0.0
            other_share = 100.0 * float(other) / world_total if pd.notna(other) else 0.0
            total = listed_share + other_share
            status = share_status(total)
        rows.append(
            {
                "mineral": spec.mineral,
                "series": spec.series,
                "n_countries": int(ctry["iso3"].nunique()),
                "n_withheld": int(ctry[col].isna().sum()),
                "listed_share": listed_share,
                "other_share": other_share,
                "total_share": total,
                "status": status,
            }
        )
    out = pd.DataFrame(rows)
    for c in ("listed_share", "other_share", "total_share"):
        out[c] = out[c].astype("Float64").round(6)
    return out


def ai_minerals_share(*, year: int = 2024, minerals: list[str] | None = None) -> pd.DataFrame:
    """Mean share (percent) of world production across the AI minerals, per country.

    Rule: within a mineral, the mean over its series (copper: mine and refinery); then the mean over
    minerals that have a world total (germanium is entirely withheld and drops out). A country
    *not listed* for a mineral counts 0 there (not a main producer); a country listed with a
    *withheld* value is skipped for that mineral (unknown, not 0). Only countries listed for at
    least one mineral appear.

    Returns
    -------
    DataFrame
        ``iso3, share, n_minerals`` (minerals with a known value for the country).
    """
    shares = production_shares(year=year, minerals=minerals)
    shares = shares[shares["world_total"].notna()]
    usable = sorted(shares["mineral"].unique())
    series_per_mineral = shares.groupby("mineral")["series"].nunique()
    countries = sorted(shares["iso3"].unique())
    grid = pd.MultiIndex.from_product(
        [countries, sorted(shares["series"].unique())], names=["iso3", "series"]
    ).to_frame(index=False)
    grid = grid.merge(shares[["series", "mineral"]].drop_duplicates(), on="series", how="left", validate="m:1")
    full = grid.merge(shares[["iso3", "series", "share"]], on=["iso3", "series"], how="left", validate="1:1")
    listed = full.merge(
        shares[["iso3", "series"]].assign(listed=True), on=["iso3", "series"], how="left", validate="1:1"
    )
    listed["listed"] = listed["listed"].fillna(False).astype(bool)
    # not listed → 0; listed but withheld → NA
    listed["value"] = listed["share"].where(listed["listed"], 0.0)
    per_mineral = listed.groupby(["iso3", "mineral"], as_index=False)["value"].mean()  # NA skipped
    # a mineral where every series is withheld for the country stays NA
    withheld_all = (
        listed.groupby(["iso3", "mineral"])["value"].apply(lambda s: s.isna().all()).reset_index(name="unknown")
    )
    per_mineral = per_mineral.merge(withheld_all, on=["iso3", "mineral"], validate="1:1")
    per_mineral.loc[per_mineral["unknown"], "value"] = pd.NA
    out = per_mineral.groupby("iso3", as_index=False).agg(share=("value", "mean"), n_minerals=("value", "count"))
    out["share"] = out["share"].astype("Float64").round(10)
    assert set(per_mineral["mineral"]) <= set(usable), (usable, series_per_mineral)
    return out.sort_values("iso3").reset_index(drop=True)


def load(*, year: int = 2024) -> pd.DataFrame:
    """Tidy ``ai_minerals_share`` (percent of world production, mean over AI minerals) — a proxy."""
    shares = ai_minerals_share(year=year)
    shares = shares[shares["share"].notna()]
    out = pd.DataFrame(
        {"iso3": shares["iso3"], "year": year, "indicator": "ai_minerals_share", "value": shares["share"]}
    )[TIDY_COLUMNS]
    out["iso3"] = out["iso3"].astype("string")
    out["year"] = out["year"].astype("Int64")
    out["value"] = out["value"].astype("Float64")
    return out.sort_values(["iso3"]).reset_index(drop=True)
