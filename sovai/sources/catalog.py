"""Catalogue of the raw sources and their loaders, and source coverage for the data overview."""

from __future__ import annotations

import importlib
import warnings
from dataclasses import dataclass

import pandas as pd

from sovai import registry
from sovai.countries import reference_table, target_countries


@dataclass(frozen=True)
class Source:
    """A raw source folder and the loader that turns it into tidy indicators (if any)."""

    folder: str
    title: str
    loader: str | None  # "module:function" under sovai.sources returning tidy iso3/year/indicator/value


SOURCES: tuple[Source, ...] = (
    Source("worldbank_wdi", "World Bank World Development Indicators", "wdi:load"),
    Source("owid_electricity", "Electricity generation and mix (Ember/EI via OWID)", "owid:load_electricity"),
    Source("owid_internet_users", "Internet users (ITU via OWID)", "owid:load_internet_users"),
    Source("owid_political_regime", "Regimes of the World (V-Dem via OWID)", "owid:load_political_regime"),
    Source("cset_owid_ai_publications", "AI publications (CSET via OWID)", "owid:load_ai_publications"),
    Source("microsoft_ai_diffusion", "Generative-AI diffusion (Microsoft AIEI)", "microsoft:load"),
    Source("unga_ideal_points", "UNGA ideal points (Bailey, Strezhnev & Voeten)", "unga:load"),
    Source("ixp_peeringdb_pch_he", "Internet exchange points (PeeringDB/PCH/HE)", "network:load_ixps"),
    Source("telegeography_submarine_cables", "Submarine cables (TeleGeography)", "network:load_submarine_cables"),
    Source("cloud_regions", "Hyperscale cloud regions (TeleGeography CIM)", "cloud:load"),
    Source("oecd_ai_policy_initiatives", "AI policy initiatives (OECD.AI)", "oecd_ai:load"),
    Source("owid_ai_index_2022", "Stanford AI Index 2022 (via OWID)", "ai_index:load"),
    Source("epoch_ai_models", "AI models (Epoch AI)", "epoch:load_model_counts"),
    Source("epoch_gpu_clusters", "GPU clusters (Epoch AI)", "epoch:load_compute"),
    Source("eto_chip_explorer", "Semiconductor supply chain (ETO/CSET)", "eto:load"),
    Source("usgs_mcs2025_world", "Mineral production (USGS MCS 2025)", "usgs:load"),
    Source("epoch_ml_hardware", "ML accelerator chips (Epoch AI)", None),
    Source("epoch_data_centers", "Frontier AI data centres (Epoch AI)", None),
    Source("natural_earth", "Country polygons (Natural Earth)", None),
    Source("world_bank_class", "Income and region groups (World Bank CLASS)", None),
    Source("un_m49", "UN M49 regions", None),
    Source("country_codes", "Country codes (ISO 3166 et al.)", None),
)


def load_source(source: Source) -> pd.DataFrame | None:
    """Run a source's tidy loader; ``None`` if it has none or its module is not available."""
    if source.loader is None:
        return None
    module_name, func = source.loader.split(":")
    try:
        module = importlib.import_module(f"sovai.sources.{module_name}")
    except ImportError:
        warnings.warn(f"loader module sovai.sources.{module_name} not available", stacklevel=2)
        return None
    return getattr(module, func)()


def licences() -> pd.DataFrame:
    """One row per source folder: title, licence, citation, flags, file count and size."""
    rows = []
    for s in SOURCES:
        a = registry.attribution(s.folder)
        ents = [registry.entry(k) for k in registry.keys(s.folder)]
        rows.append(
            {
                "source": s.folder,
                "title": s.title,
                "licence": a["licence"],
                "non_commercial": a["non_commercial"],
                "licence_unclear": a["licence_flag"],
                "files": len(ents),
                "megabytes": round(sum(e.size for e in ents) / 1e6, 3),
                "citation": a["citation"],
            }
        )
    return pd.DataFrame(rows)


def coverage(window: tuple[int, int] = (2019, 2025)) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Coverage of each indicator over the 195 target countries.

    Returns
    -------
    summary
        One row per (source, indicator): countries with any value, with a value in ``window``,
        first and last year.
    missing
        One row per (source, indicator, iso3) for target countries with no value in ``window``.
    """
    targets = set(target_countries())
    names = reference_table()["name"]
    summary, missing = [], []
    for s in SOURCES:
        df = load_source(s)
        if df is None:
            continue
        for indicator, g in df.groupby("indicator", sort=True):
            in_window = set(g.loc[g["year"].between(*window), "iso3"]) & targets
            summary.append(
                {
                    "source": s.folder,
                    "indicator": indicator,
                    "countries_any_year": len(set(g["iso3"]) & targets),
                    f"countries_{window[0]}_{window[1]}": len(in_window),
                    "first_year": int(g["year"].min()),
                    "last_year": int(g["year"].max()),
                }
            )
            for iso3 in sorted(targets - in_window):
                missing.append({"source": s.folder, "indicator": indicator, "iso3": iso3, "country": names[iso3]})
    return pd.DataFrame(summary), pd.DataFrame(missing, columns=["source", "indicator", "iso3", "country"])
