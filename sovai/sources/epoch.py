"""Epoch AI data on AI models, GPU clusters and ML hardware — models and compute layers.

Licence: **CC BY 4.0** (Epoch AI). Cite "Epoch AI, 'Data on AI Models' / 'Data on GPU Clusters' /
'Machine Learning Hardware', epoch.ai".

Models (:func:`load_models`, :func:`load_model_counts`)
    ``Country (of organization)`` lists one country per organisation, comma-separated when a model
    has several organisations (and repeats a country when two organisations share it). Each model
    is split into its *distinct* countries. **Attribution rule** (parameter ``attribution``):

    * ``"full"`` (default, as OWID and the AI Index count): a model counts 1 for every distinct
      country involved, so country counts add up to more than the number of models;
    * ``"fractional"``: a model counts 1/k for each of its k distinct countries, so counts add up
      to the number of models with a known country.

    "Multinational" (no single country) and models without a country are dropped from country
    counts; :func:`model_attribution_report` says how many.

GPU clusters (:func:`load_gpu_clusters`, :func:`load_gpu_capacity`)
    Per the source notes, only clusters with ``Status == "Existing"``, ``Exclude`` not set, not
    flagged ``Possible Duplicate`` and not superseded by a later phase that is itself kept (a later
    phase reports the cumulative size) are summed; unfiltered sums are dominated by planned
    projects. The indicator ``gpu_cluster_h100e`` is the summed H100-equivalents per country.

ML hardware (:func:`load_ml_hardware`)
    Firm-level: accelerator designer (``Manufacturer``) and ``Foundry`` mapped to HQ country
    (:data:`FIRM_HQ`, curated in this module) — a supporting table, not a country indicator.
"""

from __future__ import annotations

import pandas as pd

from sovai.countries import to_iso3
from sovai.provenance import cache
from sovai.sources._common import TIDY_COLUMNS, read_csv

SOURCE_ID = "epoch"

#: Model dataset kind → (registry key, indicator name).
MODEL_FILES = {
    "notable": ("epoch_ai_models/notable_ai_models.csv", "notable_models"),
    "large_scale": ("epoch_ai_models/large_scale_ai_models.csv", "large_scale_models"),
    "frontier": ("epoch_ai_models/frontier_ai_models.csv", "frontier_models"),
}
COUNTRY_COLUMN = "Country (of organization)"
CLUSTER_KEY = "epoch_gpu_clusters/gpu_clusters.csv"
HARDWARE_KEY = "epoch_ml_hardware/ml_hardware.csv"
ATTRIBUTIONS = ("full", "fractional")

#: Headquarters country of accelerator designers and foundries named in Epoch's ML hardware data
#: (firm HQ, not fab location). Curated; an unlisted firm raises an error naming it.
FIRM_HQ = {
    "NVIDIA": "USA",
    "AMD": "USA",
    "Intel": "USA",
    "Google": "USA",
    "Amazon AWS": "USA",
    "Meta": "USA",
    "Microsoft": "USA",
    "Tesla": "USA",
    "Huawei": "CHN",
    "Kunlunxin Baidu": "CHN",
    "Cambricon": "CHN",
    "MetaX": "CHN",
    "Iluvatar CoreX": "CHN",
    "National University of Defense Technology": "CHN",
    "Moore Threads (Tencent)": "CHN",
    "Sunway": "CHN",
    "Biren": "CHN",
    "Hygon": "CHN",
    "Alibaba": "CHN",
    "PEZY": "JPN",
    "TSMC": "TWN",
    "Samsung": "KOR",
    "SMIC": "CHN",
}


def _check_kind(kind: str) -> None:
    if kind not in MODEL_FILES:
        raise ValueError(f"parameter 'kind': unknown model dataset {kind!r}; expected one of {list(MODEL_FILES)}")


def _check_attribution(attribution: str) -> None:
    if attribution not in ATTRIBUTIONS:
        raise ValueError(f"parameter 'attribution': expected one of {ATTRIBUTIONS}, got {attribution!r}")


@cache
def _models_raw(kind: str) -> pd.DataFrame:
    _check_kind(kind)
    df = read_csv(MODEL_FILES[kind][0], required=["Model", "Organization", "Publication date", COUNTRY_COLUMN])
    if "Exclude" in df.columns:  # frontier file: Epoch's own exclusion flag
        df = df[pd.to_numeric(df["Exclude"], errors="coerce").fillna(0) != 1]
    return df.reset_index(drop=True)


@cache
def load_models(kind: str = "notable") -> pd.DataFrame:
    """One row per model × distinct country of its organisations.

    Parameters
    ----------
    kind
        ``"notable"``, ``"large_scale"`` (≥1e23 FLOP) or ``"frontier"``.

    Returns
    -------
    DataFrame
        ``model, organization, publication_date, year, country, iso3, n_countries, weight``.
        ``iso3`` is NA for "Multinational"; ``weight`` = 1/``n_countries`` (fractional rule). Models
        with no country are left out (see :func:`model_attribution_report`).
    """
    df = _models_raw(kind)
    base = pd.DataFrame(
        {
            "model": df["Model"].astype("string"),
            "organization": df["Organization"].astype("string"),
            "publication_date": pd.to_datetime(df["Publication date"], errors="coerce"),
            "country_list": df[COUNTRY_COLUMN],
        }
    )
    base["year"] = base["publication_date"].dt.year.astype("Int64")
    base = base[base["country_list"].notna()].copy()
    base["country"] = base["country_list"].astype(str).str.split(",")
    long = base.explode("country")
    long["country"] = long["country"].str.strip()
    long = long[long["country"] != ""].drop_duplicates(["model", "publication_date", "organization", "country"])
    uniq = sorted(long["country"].unique())
    codes = dict(zip(uniq, to_iso3(uniq, source=SOURCE_ID), strict=True))
    long["iso3"] = long["country"].map(codes).astype("string")
    # distinct countries per model (Multinational counts as one party for the weight)
    long["n_countries"] = (
        long.groupby(["model", "publication_date", "organization"])["country"].transform("nunique").astype("Int64")
    )
    long["weight"] = (1.0 / long["n_countries"]).astype("Float64")
    cols = ["model", "organization", "publication_date", "year", "country", "iso3", "n_countries", "weight"]
    return long[cols].sort_values(["publication_date", "model", "country"]).reset_index(drop=True)


def model_attribution_report(kind: str = "notable") -> dict[str, int]:
    """Counts behind the attribution: models, models without country, multinational rows, multi-country models."""
    raw = _models_raw(kind)
    long = load_models(kind)
    per_model = long.groupby(["model", "publication_date", "organization"])["n_countries"].first()
    return {
        "models": len(raw),
        "models_without_country": int(raw[COUNTRY_COLUMN].isna().sum()),
        "multinational_rows": int(long["iso3"].isna().sum()),
        "multi_country_models": int((per_model > 1).sum()),
    }


def model_counts(kind: str = "notable", *, attribution: str = "full") -> pd.DataFrame:
    """Number of models per country and publication year (``iso3, year, count``)."""
    _check_attribution(attribution)
    long = load_models(kind)
    long = long[long["iso3"].notna() & long["year"].notna()]
    value = long["weight"] if attribution == "fractional" else pd.Series(1.0, index=long.index)
    out = long.assign(count=value).groupby(["iso3", "year"], as_index=False)["count"].sum()
    out["count"] = out["count"].astype("Float64").round(10)
    return out.sort_values(["iso3", "year"]).reset_index(drop=True)


def load_model_counts(*, attribution: str = "full", kinds: tuple[str, ...] = tuple(MODEL_FILES)) -> pd.DataFrame:
    """Tidy model counts by country and publication year.

    Indicators ``notable_models``, ``large_scale_models``, ``frontier_models``: models published in
    that year with at least one organisation in the country (``attribution="full"``) or the
    country's fractional share of them (``"fractional"``). Sum over years for stocks.
    """
    frames = []
    for kind in kinds:
        counts = model_counts(kind, attribution=attribution)
        counts["indicator"] = MODEL_FILES[kind][1]
        frames.append(counts.rename(columns={"count": "value"}))
    out = pd.concat(frames, ignore_index=True)[TIDY_COLUMNS]
    out["iso3"] = out["iso3"].astype("string")
    out["value"] = out["value"].astype("Float64")
    return out.sort_values(["indicator", "iso3", "year"]).reset_index(drop=True)


def _truthy(series: pd.Series) -> pd.Series:
    text = series.astype("string").str.strip().str.lower()
    return text.isin(["true", "1", "1.0", "yes", "y"]).fillna(False).astype(bool)


@cache
def load_gpu_clusters(*, drop_possible_duplicates: bool = True, drop_superseded: bool = True) -> pd.DataFrame:
    """Existing GPU clusters, cleaned for aggregation.

    Filters: ``Status == "Existing"``; ``Exclude`` not set; ``Possible Duplicate`` not true
    (``drop_possible_duplicates``); a cluster superseded (``Superseded by``) by another kept cluster
    dropped (``drop_superseded``: the later phase reports the cumulative size).

    Returns
    -------
    DataFrame
        ``name, owner, country, iso3, status, certainty, single_cluster, h100e, chips,
        first_operational, sector, possible_duplicate, superseded_by``.
    """
    raw = read_csv(
        CLUSTER_KEY,
        required=["Name", "Status", "H100 equivalents", "Country", "Exclude", "Possible Duplicate", "Superseded by"],
    )
    df = raw[raw["Status"].astype(str).str.strip() == "Existing"]
    df = df[~_truthy(df["Exclude"])]
    if drop_possible_duplicates:
        df = df[~_truthy(df["Possible Duplicate"])]
    if drop_superseded:
        kept = set(df["Name"].astype(str).str.strip())
        superseded = df["Superseded by"].astype("string").str.strip()
        df = df[~superseded.isin(kept).fillna(False).astype(bool)]
    uniq = sorted(df["Country"].dropna().astype(str).str.strip().unique())
    codes = dict(zip(uniq, to_iso3(uniq, source=SOURCE_ID), strict=True))
    out = pd.DataFrame(
        {
            "name": df["Name"].astype("string"),
            "owner": df["Owner"].astype("string"),
            "country": df["Country"].astype("string").str.strip(),
            "status": df["Status"].astype("string"),
            "certainty": df["Certainty"].astype("string"),
            "single_cluster": df["Single cluster?"].astype("string"),
            "h100e": pd.to_numeric(df["H100 equivalents"], errors="coerce").astype("Float64"),
            "chips": pd.to_numeric(df["Total number of AI chips"], errors="coerce").astype("Float64"),
            "first_operational": pd.to_datetime(df["First Operational Date"], errors="coerce"),
            "sector": df["Sector"].astype("string"),
            "possible_duplicate": _truthy(df["Possible Duplicate"]),
            "superseded_by": df["Superseded by"].astype("string"),
        }
    )
    out.insert(3, "iso3", out["country"].map(codes).astype("string"))
    return out.sort_values(["iso3", "name"]).reset_index(drop=True)


def load_gpu_capacity(*, year: int = 2025) -> pd.DataFrame:
    """Tidy ``gpu_cluster_h100e``: summed H100-equivalents of the cleaned existing clusters per country.

    ``year`` labels the snapshot (Epoch data to late 2025). Clusters without an H100e figure add 0
    and are counted by ``load_gpu_clusters()["h100e"].isna()``.
    """
    cl = load_gpu_clusters()
    cl = cl[cl["iso3"].notna()]
    out = cl.groupby("iso3", as_index=False)["h100e"].sum()
    out["year"] = year
    out["indicator"] = "gpu_cluster_h100e"
    out = out.rename(columns={"h100e": "value"})[TIDY_COLUMNS]
    out["iso3"] = out["iso3"].astype("string")
    out["year"] = out["year"].astype("Int64")
    out["value"] = out["value"].astype("Float64")
    return out.sort_values(["iso3"]).reset_index(drop=True)


def load_compute() -> pd.DataFrame:
    """Alias of :func:`load_gpu_capacity` (the name :mod:`sovai.sources.catalog` uses)."""
    return load_gpu_capacity()


def load() -> pd.DataFrame:
    """All Epoch country indicators in tidy form (model counts by year + GPU cluster capacity)."""
    return pd.concat([load_model_counts(), load_gpu_capacity()], ignore_index=True)


@cache
def load_ml_hardware() -> pd.DataFrame:
    """ML accelerators with designer and foundry HQ country (supporting table).

    Returns
    -------
    DataFrame
        ``hardware, manufacturer, manufacturer_iso3, foundry, foundry_iso3, release_date, type,
        process_nm``. ``Foundry`` values listing two firms (``"SMIC,TSMC"``) keep the first HQ
        and are marked in ``foundry`` as given.
    """
    df = read_csv(HARDWARE_KEY, required=["Hardware name", "Manufacturer", "Foundry", "Release date"])
    manu = df["Manufacturer"].astype("string").str.strip()
    unknown = sorted(set(manu.dropna()) - set(FIRM_HQ))
    foundry = df["Foundry"].astype("string").str.strip()
    found_first = foundry.str.split(",").str[0].str.strip()
    unknown += sorted(set(found_first.dropna()) - set(FIRM_HQ))
    if unknown:
        raise ValueError(f"{HARDWARE_KEY}: firm(s) without an HQ country in sovai.sources.epoch.FIRM_HQ: {unknown}")
    out = pd.DataFrame(
        {
            "hardware": df["Hardware name"].astype("string"),
            "manufacturer": manu,
            "manufacturer_iso3": manu.map(FIRM_HQ).astype("string"),
            "foundry": foundry,
            "foundry_iso3": found_first.map(FIRM_HQ).astype("string"),
            "release_date": pd.to_datetime(df["Release date"], errors="coerce"),
            "type": df["Type"].astype("string"),
            "process_nm": pd.to_numeric(df["Process size (nm)"], errors="coerce").astype("Float64"),
        }
    )
    return out.sort_values(["manufacturer", "hardware"]).reset_index(drop=True)
