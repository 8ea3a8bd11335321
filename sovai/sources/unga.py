"""UN General Assembly ideal points (Bailey, Strezhnev & Voeten 2017; July 2025 release).

``idealpointfp`` (first-period votes estimate, to 2024) and ``idealpointall`` (all votes, to 2023)
per country-year; ``year`` = session + 1945. Higher = closer to the US-led liberal order.
Rows without an ISO3 code (17 pre-2000 ex-states) are dropped; the file's ``YUG`` rows are Serbia
(``SRB``) from 2006 on. Licence unverified (Dataverse
default CC0); cite the authors.
"""

from __future__ import annotations

import pandas as pd

from sovai import registry
from sovai.errors import InputFileError
from sovai.provenance import cache
from sovai.sources._common import keep_reference_codes

KEY = "unga_ideal_points/IdealpointsJuly2025.dta"

#: First year the file's "YUG" rows are read as Serbia (SRB).
SERBIA_FROM = 2006
#: What the sign of :func:`alignment` means; tables that use the proxy quote it.
ALIGNMENT_SIGN = "positive = closer to the US than to China"


@cache
def load() -> pd.DataFrame:
    """``unga_idealpoint_fp`` and ``unga_idealpoint_all`` in tidy form."""
    path = registry.fetch(KEY)
    try:
        df = pd.read_stata(path, convert_categoricals=False)
    except Exception as exc:  # pandas raises ValueError/struct.error on corrupt .dta
        raise InputFileError(path, f"cannot read Stata file: {exc}") from exc
    missing = {"iso3c", "year", "idealpointfp", "idealpointall"} - set(df.columns)
    if missing:
        raise InputFileError(path, f"missing expected column(s) {sorted(missing)}", column=sorted(missing)[0])
    df = df[df["iso3c"].fillna("") != ""].rename(columns={"iso3c": "iso3"})
    # The file keeps Serbia under the code "YUG" (COW 345) to 2024. From 2006 (Montenegro's
    # independence) that row is Serbia, the continuing state: recode it so it is not dropped.
    serbia = (df["iso3"] == "YUG") & (df["year"] >= SERBIA_FROM)
    df.loc[serbia, "iso3"] = "SRB"
    df = keep_reference_codes(df)
    parts = []
    for col, name in (("idealpointfp", "unga_idealpoint_fp"), ("idealpointall", "unga_idealpoint_all")):
        part = df[["iso3", "year", col]].rename(columns={col: "value"}).assign(indicator=name)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True).dropna(subset=["value"])
    out = out.astype({"iso3": "string", "year": "Int64", "value": "Float64"})
    return out[["iso3", "year", "indicator", "value"]].sort_values(["indicator", "iso3", "year"]).reset_index(drop=True)


def alignment(year: int, measure: str = "unga_idealpoint_fp") -> pd.Series:
    """Alignment proxy per country for ``year``: ``|ideal − ideal_CHN| − |ideal − ideal_USA|``.

    The one definition of UNGA alignment in sovai (driver proxies, UNGA blocs):
    :data:`ALIGNMENT_SIGN` — a positive value means the country votes closer to the United
    States than to China.
    """
    df = load()
    df = df[(df["indicator"] == measure) & (df["year"] == year)].set_index("iso3")["value"]
    if df.empty or not {"USA", "CHN"} <= set(df.index):
        raise ValueError(f"no {measure} values for USA and CHN in year {year}")
    return ((df - df["CHN"]).abs() - (df - df["USA"]).abs()).rename(f"unga_alignment_{year}")
